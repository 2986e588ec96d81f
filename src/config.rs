//! `casepress.toml`: the service, paths, naming patterns, modes and closure
//! days. Every setting has an embedded default, so a config file holds only
//! what a service changes. Relative paths are relative to the config file.
//! Which file a command reads is [`discover`]'s.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize};

pub use crate::staff::{Absence, StaffMember};
use crate::store::Modes;

pub mod discover;

/// The whole configuration.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// The service: letterhead and contacts.
    pub service: ServiceConfig,
    /// Where cases are read from and output goes.
    pub paths: PathsConfig,
    /// File naming patterns (minijinja).
    pub naming: NamingConfig,
    /// File and folder modes.
    pub permissions: PermissionsConfig,
    /// Working-day calendar additions.
    pub calendar: CalendarConfig,
    /// Filing received statements.
    pub statements: StatementsConfig,
    /// The staff directory: who is away, who covers, who manages whom.
    pub staff: Vec<StaffMember>,
    /// The quarterly board report.
    pub board: BoardConfig,
    /// Export bundles.
    pub export: ExportConfig,
    /// Limits on case text, checked when cases are loaded.
    pub limits: crate::case::Limits,
    /// Which practice rules apply where a service chooses.
    pub rules: crate::rules::Settings,
    /// The browser workspace (`casepress serve`).
    pub workspace: WorkspaceConfig,
    /// Email for statement notices (none: no email is sent).
    pub smtp: Option<SmtpConfig>,
    /// The workspace's audit log.
    pub audit: AuditConfig,
    /// The catalogue of disposals (none: the built-in one).
    pub disposals: DisposalsConfig,
}

/// The catalogue of disposals a service uses.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DisposalsConfig {
    /// A TOML file of `[[disposal]]` entries that replaces the built-in
    /// catalogue (`casepress disposals` prints the built-in one to start from).
    pub catalogue: Option<PathBuf>,
    /// The catalogue read from that file by [`Config::load`] (and passed
    /// to render workers with the config); never written in a config file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub loaded: Option<crate::case::Catalogue>,
}

/// The workspace's audit log (`OUT/audit/`, one file a month).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuditConfig {
    /// Also send each line to the local syslog or journald through its
    /// socket (an absolute path, usually `/dev/log`): a copy kept out of the
    /// workspace's reach. Absent: the log is kept in `OUT/audit/` only.
    pub syslog: Option<PathBuf>,
}

/// The mail server statement notices are sent through.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    /// The server's host name.
    pub server: String,
    /// Its port (default: 587 with STARTTLS, 465 with TLS, 25 without).
    #[serde(default)]
    pub port: Option<u16>,
    /// `starttls` (default), `tls`, or `none` (only for a relay on this machine).
    #[serde(default)]
    pub tls: SmtpTls,
    /// The From address, e.g. `casepress <casepress@northfield.example.gov.uk>`.
    pub sender: String,
    /// A user name, if the server wants one.
    #[serde(default)]
    pub username: Option<String>,
    /// A file holding the password (never the password itself in config).
    #[serde(default)]
    pub password_file: Option<PathBuf>,
    /// Seconds before the first retry of a notice that could not be sent;
    /// doubled each time, up to 30 minutes.
    #[serde(default = "default_retry_seconds")]
    pub retry_seconds: u64,
    /// The longest any one step with the server may take (connecting, its
    /// greeting, each command's answer); a server that accepts and never
    /// answers fails the attempt after this long (decision 0192).
    #[serde(default = "default_smtp_timeout_seconds")]
    pub timeout_seconds: u64,
}

fn default_retry_seconds() -> u64 {
    30
}

fn default_smtp_timeout_seconds() -> u64 {
    10
}

/// How the connection to the mail server is protected.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    /// STARTTLS on a plain connection (port 587).
    #[default]
    Starttls,
    /// TLS from the start (port 465).
    Tls,
    /// None: only for a relay on this machine.
    None,
}

/// The browser workspace: where it listens and how people sign in.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WorkspaceConfig {
    /// Address and port to listen on (default: loopback only).
    pub listen: String,
    /// Local accounts file (`casepress user add` writes it; default
    /// `users.toml` beside this config file).
    pub users: PathBuf,
    /// Minutes without a request before a session ends.
    pub idle_minutes: u64,
    /// Hours after signing in when a session ends, however busy.
    pub session_hours: u64,
    /// Mark the session cookie `Secure`: set when people reach the
    /// workspace over HTTPS (a TLS proxy in front of it).
    pub secure_cookies: bool,
    /// Local accounts sign in with a second factor (an authenticator
    /// app's code) after the password; someone without one enrols at their
    /// next sign-in. Off only for a trial: ASVS level 2 asks for it.
    pub require_second_factor: bool,
    /// The council's single sign-on, through a reverse proxy.
    pub proxy: Option<ProxyConfig>,
    /// The address people open the workspace at, for the links in emails,
    /// e.g. `https://casepress.northfield.example.gov.uk` (default: `http://`
    /// and `listen`).
    pub url: Option<String>,
    /// Seconds a client has to send a request's line and headers, from
    /// connecting or from the end of its last request; then it is closed.
    pub header_seconds: u64,
    /// Connections one address may hold open at once; more are closed as
    /// they arrive. Behind a reverse proxy, every request comes from the
    /// proxy's address: raise this to the proxy's own connection limit.
    pub connections_per_address: usize,
    /// Failed sign-ins in a row (wrong passwords and wrong codes) after
    /// which a local account is locked until `casepress user unlock`
    /// (NIST SP 800-63B: at most 100). A complete sign-in starts the
    /// count again.
    pub lock_after_failures: u32,
}

impl WorkspaceConfig {
    /// The workspace's address of `path` (which starts with `/`), for a
    /// link in an email.
    pub fn link(&self, path: &str) -> String {
        let base = self.url.clone().unwrap_or_else(|| format!("http://{}", self.listen));
        format!("{}{path}", base.trim_end_matches('/'))
    }
}

impl Default for WorkspaceConfig {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:8480".into(),
            users: PathBuf::from("users.toml"),
            idle_minutes: 30,
            session_hours: 12,
            secure_cookies: false,
            require_second_factor: true,
            proxy: None,
            url: None,
            header_seconds: 10,
            connections_per_address: 32,
            lock_after_failures: 100,
        }
    }
}

/// A reverse proxy that has signed the person in and names them in a header.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProxyConfig {
    /// The header carrying the signed-in person's name (as the staff
    /// directory has it), e.g. `X-Remote-User`.
    pub header: String,
    /// The proxy's addresses: the header is believed only from these.
    pub from: Vec<std::net::IpAddr>,
    /// The header in which the proxy says how the person signed in, as
    /// `amr` values (RFC 8176) separated by commas or spaces, e.g.
    /// `X-Auth-Methods: pwd, otp, mfa`. Believed only from `from`.
    #[serde(default)]
    pub methods_header: Option<String>,
    /// Refuse anyone the proxy does not say signed in with more than one
    /// factor (one of `mfa_methods` in `methods_header`).
    #[serde(default)]
    pub require_mfa: bool,
    /// The `amr` values that show a second factor.
    #[serde(default = "mfa_methods")]
    pub mfa_methods: Vec<String>,
}

fn mfa_methods() -> Vec<String> {
    ["mfa", "otp", "hwk", "swk", "sms", "fido", "face", "fpt", "iris"].map(String::from).to_vec()
}

/// Export bundles (transfer, Y2A).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ExportConfig {
    /// `run` makes Y2A bundles for open cases whose child turns 18 within this many days.
    pub y2a_within_days: u32,
    /// Who Y2A bundles are addressed to.
    pub y2a_recipient: String,
    /// Who signs the cover letter of a bundle: a name in the staff
    /// directory (their role and email are taken from it), so the
    /// receiving agency knows whom to contact.
    pub sender: Option<String>,
}

impl Default for ExportConfig {
    fn default() -> Self {
        Self { y2a_within_days: 30, y2a_recipient: "Probation Service (Y2A portal)".into(), sender: None }
    }
}

/// The quarterly board report.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BoardConfig {
    /// Case files or folders the report counts (default: `paths.cases`).
    pub cases: Option<Vec<PathBuf>>,
    /// Target percentages by figure id, for RAG ratings.
    pub targets: std::collections::BTreeMap<String, f64>,
    /// The board's meeting dates: a quarter's paper is dated for the first
    /// meeting after the quarter ends (`--board-date` overrides).
    pub meeting_dates: Vec<chrono::NaiveDate>,
    /// The management board's attendance (CSV: `date,member,attended`), for
    /// KPI 7. None: KPI 7 counts no meetings.
    pub attendance: Option<PathBuf>,
}

impl Default for BoardConfig {
    fn default() -> Self {
        // The historic YJB target for PSRs on time is 90% (YJB PSR target);
        // gatekeeping and double gatekeeping are required of every PSR.
        let targets = [
            ("psr.gatekept", 100.0),
            ("psr.on_time", 90.0),
            ("psr.double_gatekept", 100.0),
            ("assessment.on_time", 90.0),
            ("plans.review_on_time", 90.0),
            ("statements.within_target", 90.0),
        ];
        Self {
            cases: None,
            targets: targets.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
            meeting_dates: Vec::new(),
            attendance: None,
        }
    }
}

/// Filing received Mind Of My Own statements.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StatementsConfig {
    /// The inbox `run` files (none: `run` files no statements).
    pub inbox: Option<PathBuf>,
    /// For the fictional samples only: when `inbox` does not exist yet, it
    /// is created as a copy of this folder, so a demo run files a copy and
    /// leaves the samples as they were.
    pub sample_inbox: Option<PathBuf>,
    /// Working hours from sent to assigned: 24 in the Bradford MOMO standards, 3 in the MOMO One/Express standards.
    pub assign_within_working_hours: u32,
    /// Working days from receipt to the case note of receipt (MOMO One/Express standards: 1).
    pub receipt_note_within_working_days: u32,
    /// Start of the working day, Europe/London.
    pub working_day_start: chrono::NaiveTime,
    /// End of the working day, Europe/London.
    pub working_day_end: chrono::NaiveTime,
    /// A file modified more recently than this is still arriving and is left for the next run.
    pub settle_seconds: u64,
    /// Service manager, told of every Safety Link statement (MOMO One/Express standards).
    pub service_manager: Option<String>,
    /// Duty manager: Safety Link when the team manager is away (Bradford MOMO standards), and unidentified statements.
    pub duty_manager: Option<String>,
    /// Duty officer: cross-references unidentified statements (Bradford MOMO standards).
    pub duty_officer: Option<String>,
    /// Always-on filing (`casepress statements watch`): when set, a watcher
    /// is expected, and `statements status` says when it has not been seen.
    pub watch: Option<WatchConfig>,
    /// The virus scanner (clamd) every statement passes before it is
    /// filed: its socket's path, or a table. None: not scanned (see
    /// `docs/decisions/0134-statements-scanned-by-clamd.md` for why that is
    /// the default). While it is configured and cannot be reached, nothing
    /// is filed.
    pub scan: Option<ScanConfig>,
}

/// The virus scanner: clamd on its Unix socket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "ScanSetting")]
pub struct ScanConfig {
    /// clamd's socket (Debian: `/run/clamav/clamd.ctl`).
    pub socket: PathBuf,
    /// Longest one scan may take, connection to answer.
    pub timeout_seconds: u64,
}

impl ScanConfig {
    /// Debian's clamd socket.
    pub const DEBIAN_SOCKET: &'static str = "/run/clamav/clamd.ctl";
    /// The time limit when none is set: a 20 MB statement scans in a second or two.
    pub const DEFAULT_TIMEOUT_SECONDS: u64 = 30;
}

/// `scan = "/run/clamav/clamd.ctl"` or `scan = { socket = "...", timeout_seconds = 30 }`.
#[derive(Deserialize)]
#[serde(untagged)]
enum ScanSetting {
    Socket(PathBuf),
    Table(ScanTable),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScanTable {
    #[serde(default = "debian_socket")]
    socket: PathBuf,
    #[serde(default = "default_scan_timeout")]
    timeout_seconds: u64,
}

fn debian_socket() -> PathBuf {
    ScanConfig::DEBIAN_SOCKET.into()
}

fn default_scan_timeout() -> u64 {
    ScanConfig::DEFAULT_TIMEOUT_SECONDS
}

impl From<ScanSetting> for ScanConfig {
    fn from(s: ScanSetting) -> Self {
        match s {
            ScanSetting::Socket(socket) => {
                Self { socket, timeout_seconds: ScanConfig::DEFAULT_TIMEOUT_SECONDS }
            }
            ScanSetting::Table(t) => Self { socket: t.socket, timeout_seconds: t.timeout_seconds.max(1) },
        }
    }
}

impl Default for StatementsConfig {
    fn default() -> Self {
        Self {
            inbox: None,
            sample_inbox: None,
            assign_within_working_hours: 24,
            receipt_note_within_working_days: 1,
            working_day_start: chrono::NaiveTime::from_hms_opt(9, 0, 0).expect("valid time"),
            working_day_end: chrono::NaiveTime::from_hms_opt(17, 0, 0).expect("valid time"),
            settle_seconds: 2,
            service_manager: None,
            duty_manager: None,
            duty_officer: None,
            watch: None,
            scan: None,
        }
    }
}

/// The statement watcher.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WatchConfig {
    /// Seconds between looks at the inbox: the only looks when polling,
    /// the fallback beside file-system events.
    pub poll_seconds: u64,
    /// `auto` (default), `events` or `poll`: whether the watcher also
    /// reacts to file-system events (decision 0190).
    pub mode: WatchMode,
    /// `statements status` exits 1 when the watcher has not been seen for
    /// this long (default: three polls).
    pub stale_after_seconds: Option<u64>,
}

impl Default for WatchConfig {
    fn default() -> Self {
        Self { poll_seconds: 10, mode: WatchMode::Auto, stale_after_seconds: None }
    }
}

/// How the watcher learns that a statement has arrived (decision 0190).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WatchMode {
    /// File-system events, unless the inbox is on a network share (NFS,
    /// SMB/CIFS, a FUSE mount), where they do not arrive: then polling.
    #[default]
    Auto,
    /// File-system events, with a look every `poll_seconds` as well.
    Events,
    /// A look every `poll_seconds` only.
    Poll,
}

impl WatchConfig {
    /// How long without a heartbeat before the watcher counts as missing.
    pub fn stale_after(&self) -> u64 {
        self.stale_after_seconds.unwrap_or(self.poll_seconds.max(1) * 3)
    }
}

/// The service that issues the documents.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServiceConfig {
    /// Service name, as on the letterhead.
    pub name: String,
    /// Address lines.
    pub address: Vec<String>,
    /// Phone number.
    pub phone: Option<String>,
    /// Email address.
    pub email: Option<String>,
    /// A logo (PNG, JPEG or SVG) for the letterhead: the only file from disk
    /// that documents can see.
    pub logo: Option<PathBuf>,
    /// What the logo says, for a reader who cannot see it (required with
    /// `logo`: an accessible PDF gives every image a text alternative), e.g.
    /// "Northfield Youth Justice Service".
    pub logo_alt: Option<String>,
    /// The service's own practice standards, named wherever output cites a
    /// rule, e.g. "Northfield YJS practice standards" (default: the
    /// service's name and "practice standards"). Output never cites another
    /// authority's guidance.
    pub policy: Option<String>,
    /// Who a child or family calls out of hours, e.g. "Emergency Duty Team
    /// on 01632 960 999".
    pub out_of_hours: Option<String>,
    /// The advocacy service for looked-after children, e.g. "NYAS on 0808
    /// 808 1001".
    pub advocacy: Option<String>,
}

/// Input and output locations.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PathsConfig {
    /// Case files or folders that `run` renders.
    pub cases: Vec<PathBuf>,
    /// Output root (holds `cases/`, `runs/`...).
    pub output: PathBuf,
    /// Folder of template overrides, if any.
    pub templates: Option<PathBuf>,
}

/// Naming patterns, as minijinja templates.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NamingConfig {
    /// Document file name. Variables: `case_id`, `kind`, `date`, `draft`.
    pub document: String,
    /// Filed statement name. Variables: `sent_date`, `type` (as a slug), `statement_id`, `case_id`.
    pub statement: String,
}

/// Octal modes as strings, e.g. `"0600"`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PermissionsConfig {
    /// Mode of files written.
    #[serde(deserialize_with = "octal", serialize_with = "as_octal")]
    pub file_mode: u32,
    /// Mode of folders created.
    #[serde(deserialize_with = "octal", serialize_with = "as_octal")]
    pub dir_mode: u32,
}

/// Calendar additions.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CalendarConfig {
    /// Days the service is closed besides weekends and bank holidays.
    pub closure_days: Vec<NaiveDate>,
}

impl Default for ServiceConfig {
    fn default() -> Self {
        Self {
            name: "Youth Justice Service".into(),
            address: Vec::new(),
            phone: None,
            email: None,
            logo: None,
            logo_alt: None,
            policy: None,
            out_of_hours: None,
            advocacy: None,
        }
    }
}

impl ServiceConfig {
    /// The title of the service's practice standards, as output cites them.
    pub fn policy_title(&self) -> String {
        match self.policy.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
            Some(policy) => policy.to_owned(),
            None => format!("{} practice standards", self.name.trim()),
        }
    }
}

impl Default for PathsConfig {
    fn default() -> Self {
        Self { cases: vec!["cases".into()], output: "out".into(), templates: None }
    }
}

impl Default for NamingConfig {
    fn default() -> Self {
        Self {
            document: "{{ case_id }}_{{ kind }}_{{ date }}{% if draft %}_draft{% endif %}.pdf".into(),
            statement: "{{ sent_date }}_{{ type }}_{{ statement_id }}.pdf".into(),
        }
    }
}

impl Default for PermissionsConfig {
    fn default() -> Self {
        let m = Modes::default();
        Self { file_mode: m.file, dir_mode: m.dir }
    }
}

impl PermissionsConfig {
    /// As store modes.
    pub fn modes(&self) -> Modes {
        Modes { file: self.file_mode, dir: self.dir_mode, tighten: true }
    }
}

fn octal<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    let s = String::deserialize(d)?;
    u32::from_str_radix(s.trim_start_matches("0o"), 8).ok().filter(|m| *m <= 0o777).ok_or_else(|| {
        serde::de::Error::custom(format!("`{s}` is not a file mode: expected octal like \"0600\""))
    })
}

fn as_octal<S: serde::Serializer>(mode: &u32, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format!("{mode:04o}"))
}

/// A config file that could not be used.
#[derive(Debug, thiserror::Error)]
#[error("{}: {message}", path.display())]
pub struct ConfigError {
    /// The config file.
    pub path: PathBuf,
    /// What was wrong.
    pub message: String,
}

impl Config {
    /// Reads `path`, fills defaults, and resolves relative paths against the
    /// file's folder.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let err = |message: String| ConfigError { path: path.to_owned(), message };
        let text = std::fs::read_to_string(path).map_err(|e| err(format!("cannot read: {e}")))?;
        let mut config: Config =
            toml::from_str(&text).map_err(|e| err(e.to_string().trim_end().to_owned()))?;
        let base = path.parent().unwrap_or(Path::new("."));
        config.resolve(base);
        config.validate().map_err(err)?;
        if config.disposals.loaded.is_some() {
            return Err(err(
                "disposals.loaded is casepress's own: name a catalogue file with disposals.catalogue".into(),
            ));
        }
        if let Some(file) = &config.disposals.catalogue {
            let text = std::fs::read_to_string(file)
                .map_err(|e| err(format!("disposals.catalogue {}: cannot read: {e}", file.display())))?;
            let catalogue = crate::case::Catalogue::parse(&text)
                .map_err(|e| err(format!("disposals.catalogue {}: {e}", file.display())))?;
            config.disposals.loaded = Some(catalogue);
        }
        Ok(config)
    }

    /// Makes relative paths relative to `base` (and tidies `a/../b` to `b`,
    /// so messages show the path a user would type).
    pub fn resolve(&mut self, base: &Path) {
        let fix = |p: &mut PathBuf| {
            if p.is_relative() {
                *p = tidy(&base.join(&*p));
            }
        };
        self.paths.cases.iter_mut().for_each(fix);
        fix(&mut self.paths.output);
        self.paths.templates.as_mut().map(fix);
        self.service.logo.as_mut().map(fix);
        self.statements.inbox.as_mut().map(fix);
        self.statements.sample_inbox.as_mut().map(fix);
        if let Some(scan) = self.statements.scan.as_mut() {
            fix(&mut scan.socket);
        }
        fix(&mut self.workspace.users);
        if let Some(smtp) = self.smtp.as_mut() {
            smtp.password_file.as_mut().map(fix);
        }
        if let Some(cases) = self.board.cases.as_mut() {
            cases.iter_mut().for_each(fix);
        }
        self.board.attendance.as_mut().map(fix);
        self.disposals.catalogue.as_mut().map(fix);
    }

    /// The settings without any path: what shapes a document's content.
    /// Paths depend on where a run is started from, and the files they name
    /// (templates, logo) are hashed by content.
    pub fn without_paths(&self) -> Self {
        let mut c = self.clone();
        c.paths = PathsConfig { cases: Vec::new(), output: PathBuf::new(), templates: None };
        c.service.logo = None;
        c.statements.inbox = None;
        c.statements.sample_inbox = None;
        c.board.cases = None;
        c.board.attendance = None;
        c.workspace.users = PathBuf::new();
        c.smtp = None;
        c.disposals.catalogue = None;
        c
    }

    /// The settings that shape documents, as hashed into every document's
    /// input: without paths, and without the settings of the services that
    /// only run (the workspace, the watcher), so that changing those, or a
    /// version that adds one, never re-renders a document or reopens a final.
    pub fn shaping_documents(&self) -> serde_json::Value {
        let mut value = serde_json::to_value(self.without_paths()).unwrap_or_default();
        if let Some(all) = value.as_object_mut() {
            all.remove("workspace");
            all.remove("smtp");
            // The catalogue shapes papers by its entries, not its file; the
            // built-in one adds nothing, so documents made before there
            // was a catalogue keep their hash.
            all.remove("disposals");
            if let Some(c) = &self.disposals.loaded {
                all.insert("disposals".into(), serde_json::to_value(c).unwrap_or_default());
            }
            if let Some(statements) = all.get_mut("statements").and_then(|s| s.as_object_mut()) {
                statements.remove("watch");
            }
        }
        value
    }

    fn validate(&self) -> Result<(), String> {
        for (key, pattern) in
            [("naming.document", &self.naming.document), ("naming.statement", &self.naming.statement)]
        {
            minijinja::Environment::new()
                .template_from_str(pattern)
                .map_err(|e| format!("{key} is not a valid pattern: {e:#}"))?;
        }
        let s = &self.statements;
        if s.working_day_start >= s.working_day_end {
            return Err("statements.working_day_start must be before working_day_end".into());
        }
        if let Some(p) = &self.workspace.proxy
            && p.require_mfa
            && p.methods_header.is_none()
        {
            return Err(
                "workspace.proxy.require_mfa needs methods_header: the header that says how people signed in"
                    .into(),
            );
        }
        Ok(())
    }
}

/// `samples/../out` → `out`, lexically (no file system access).
fn tidy(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir if matches!(out.components().next_back(), Some(Component::Normal(_))) => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    if out.as_os_str().is_empty() { PathBuf::from(".") } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_are_tidied() {
        assert_eq!(tidy(Path::new("samples/../out")), PathBuf::from("out"));
        assert_eq!(tidy(Path::new("../a/./b")), PathBuf::from("../a/b"));
        assert_eq!(tidy(Path::new("a/..")), PathBuf::from("."));
    }

    #[test]
    fn an_empty_file_gives_the_embedded_defaults() {
        let c: Config = toml::from_str("").unwrap();
        assert_eq!(c.permissions.file_mode, 0o600);
        assert_eq!(c.permissions.dir_mode, 0o700);
        assert!(c.naming.document.contains("{{ case_id }}"));
    }

    #[test]
    fn a_config_survives_a_round_trip_through_json() {
        let c: Config =
            toml::from_str("[permissions]\nfile_mode = \"0640\"\n[paths]\noutput = \"o\"").unwrap();
        let back: Config = serde_json::from_str(&serde_json::to_string(&c).unwrap()).unwrap();
        assert_eq!(back.permissions.file_mode, 0o640);
        assert_eq!(back.paths.output, PathBuf::from("o"));
    }

    #[test]
    fn the_content_hash_view_ignores_where_a_run_started() {
        let mut a: Config = toml::from_str("").unwrap();
        let mut b = a.clone();
        a.resolve(Path::new("/srv/casepress"));
        b.resolve(Path::new("elsewhere/../x"));
        assert_ne!(a.paths.output, b.paths.output);
        let json = |c: &Config| serde_json::to_string(&c.without_paths()).unwrap();
        assert_eq!(json(&a), json(&b));
    }

    #[test]
    fn the_services_that_only_run_do_not_shape_documents() {
        let plain: Config = toml::from_str("").unwrap();
        let with: Config =
            toml::from_str("[workspace]\nlisten = \"0.0.0.0:1\"\n[statements.watch]\npoll_seconds = 3")
                .unwrap();
        assert_eq!(plain.shaping_documents(), with.shaping_documents());
        assert!(plain.shaping_documents().get("workspace").is_none());
        assert!(plain.shaping_documents()["statements"].get("watch").is_none());
    }

    #[test]
    fn the_policy_title_defaults_to_the_services_own_name() {
        let c: Config = toml::from_str("[service]\nname = \"Eastshire YJS\"").unwrap();
        assert_eq!(c.service.policy_title(), "Eastshire YJS practice standards");
        let c: Config = toml::from_str("[service]\npolicy = \"Eastshire standards 2026\"").unwrap();
        assert_eq!(c.service.policy_title(), "Eastshire standards 2026");
    }

    #[test]
    fn unknown_keys_and_bad_modes_are_errors() {
        assert!(toml::from_str::<Config>("[service]\nnmae = \"x\"").is_err());
        assert!(toml::from_str::<Config>("[permissions]\nfile_mode = \"rw\"").is_err());
        let c: Config = toml::from_str("[permissions]\nfile_mode = \"0640\"").unwrap();
        assert_eq!(c.permissions.file_mode, 0o640);
    }
}
