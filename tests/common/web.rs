//! The workspace under test: a copy of the samples in a temporary folder,
//! served on a free loopback port with a fixed clock; an HTTP client that
//! keeps its session cookie; and a real headless Chromium driven through
//! its WebDriver, with axe-core for accessibility.

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use casepress::config::Config;
use casepress::workspace::{self, Options, Running};
use chrono::{DateTime, Utc};

use super::samples;

/// HTML as the page means it: minijinja's escapes undone.
#[path = "../support/html.rs"]
mod html;
#[allow(unused_imports, reason = "each test crate uses a different subset")]
pub use html::unescape;

/// The sample password of every sample account.
pub const PASSWORD: &str = "sample-password";

/// The sample accounts' authenticator secret (samples/users.toml: sample only).
pub const SAMPLE_SECRET: &str = "CASEPRESSSAMPLEONLYNOTFORUSE2345";

/// The code a sample account's app would show, for the workspace at `base`:
/// a code is accepted once per person, so each sign-in of the same person
/// on the same server gets the code of a later 30-second step (the server
/// takes the next step's code too), waiting for it when need be.
pub fn sample_code(base: &str, who: &str) -> String {
    fresh_code(base, who, SAMPLE_SECRET)
}

/// [`sample_code`] for any secret.
pub fn fresh_code(base: &str, who: &str, secret: &str) -> String {
    use std::collections::HashMap;
    use std::sync::Mutex;
    static USED: Mutex<Option<HashMap<(String, String), u64>>> = Mutex::new(None);
    let step = {
        let mut used = USED.lock().unwrap_or_else(|e| e.into_inner());
        let used = used.get_or_insert_with(HashMap::new);
        let now = workspace::second_factor::now() / 30;
        let last = used.entry((base.to_owned(), who.to_lowercase())).or_insert(0);
        let step = now.max(*last + 1);
        *last = step;
        step
    };
    // Wait until the step is at most one ahead of the clock.
    while workspace::second_factor::now() / 30 + 1 < step {
        std::thread::sleep(Duration::from_millis(250));
    }
    workspace::second_factor::code_at(secret, step * 30).unwrap()
}

/// A workspace over a private copy of the samples.
pub struct Site {
    /// The temporary folder: `cases/`, `out/`, `users.toml`.
    pub dir: tempfile::TempDir,
    /// The running server.
    pub running: Running,
}

/// 11:00 on Monday 23 November 2026, the samples' day.
pub fn sample_now() -> DateTime<Utc> {
    "2026-11-23T11:00:00Z".parse().unwrap()
}

/// The sample config over `dir`'s copy of the cases and accounts.
pub fn site_config(dir: &Path) -> Config {
    let mut config = Config::load(&samples().join("casepress.toml")).unwrap();
    config.paths.cases = vec![dir.join("cases")];
    config.paths.output = dir.join("out");
    config.statements.inbox = None;
    config.statements.sample_inbox = None;
    config.workspace.users = dir.join("users.toml");
    config
}

/// Starts a workspace over a fresh copy of the samples; `tune` may change the config.
pub fn site_with(tune: impl FnOnce(&mut Config)) -> Site {
    site_with_options(tune, Options::default())
}

/// A site whose sessions end after `idle` without a request.
pub fn site_with_idle(idle: Duration) -> Site {
    site_with_options(|_| {}, Options { idle: Some(idle), ..Options::default() })
}

fn site_with_options(tune: impl FnOnce(&mut Config), options: Options) -> Site {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let cases = dir.path().join("cases");
    std::fs::create_dir_all(&cases).unwrap();
    for entry in std::fs::read_dir(samples().join("cases")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, cases.join(path.file_name().unwrap())).unwrap();
    }
    let users = dir.path().join("users.toml");
    std::fs::copy(samples().join("users.toml"), &users).unwrap();
    std::fs::set_permissions(&users, std::fs::Permissions::from_mode(0o600)).unwrap();
    let mut config = site_config(dir.path());
    tune(&mut config);
    let options = Options { listen: Some("127.0.0.1:0".into()), now: Some(sample_now()), ..options };
    let running = workspace::start(config, options).unwrap();
    Site { dir, running }
}

/// A site whose inbox (a copy of the sample statements) has been filed, as
/// on the samples' day: escalations, unidentified and unreadable statements
/// for the statements desk.
pub fn site_with_filed_statements() -> Site {
    let dir = tempfile::tempdir().unwrap();
    let inbox = dir.path().join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    for entry in std::fs::read_dir(samples().join("inbox")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, inbox.join(path.file_name().unwrap())).unwrap();
    }
    let inbox_path = inbox.clone();
    let site = site_with(move |c| c.statements.inbox = Some(inbox_path));
    let mut config = site_config(site.dir.path());
    config.statements.inbox = Some(inbox.clone());
    let caseload = casepress::case::Caseload::load(&config.paths.cases).unwrap();
    let press = casepress::press::Press::new(config).unwrap();
    let opts = casepress::statements::FileOptions { inbox, now: sample_now() };
    casepress::statements::file_inbox(&press, &caseload, &opts).unwrap();
    // The inbox folder lives beside the site, for as long as the site does.
    std::mem::forget(dir);
    site
}

/// A workspace over the cases the sample ChildView extract makes (and no
/// others), imported as `casepress import` does, running at `now`.
pub fn imported_site(now: DateTime<Utc>) -> Site {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let cases = dir.path().join("cases");
    std::fs::create_dir_all(&cases).unwrap();
    let users = dir.path().join("users.toml");
    std::fs::copy(samples().join("users.toml"), &users).unwrap();
    std::fs::set_permissions(&users, std::fs::Permissions::from_mode(0o600)).unwrap();
    let config = site_config(dir.path());
    let extracts = samples().join("import/childview");
    let mut csvs: Vec<PathBuf> = std::fs::read_dir(&extracts)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    csvs.sort();
    let opts = casepress::import::ImportOptions {
        mapping: extracts.join("mapping.toml"),
        extracts: csvs,
        out: cases,
        now,
    };
    let report = casepress::import::import(&casepress::service::Service::new(config.clone()), &opts).unwrap();
    assert!(!report.needs_action(), "the sample extract imports cleanly");
    let options = Options { listen: Some("127.0.0.1:0".into()), now: Some(now), ..Default::default() };
    let running = workspace::start(config, options).unwrap();
    Site { dir, running }
}

/// [`site_with`] the sample config as it is.
pub fn site() -> Site {
    site_with(|_| {})
}

impl Site {
    /// Stops the server and starts another over the same folder (the
    /// sample config): what a restart keeps, it kept on disk.
    pub fn restart(&mut self) {
        self.restart_with(|_| {});
    }

    /// [`Site::restart`] with the config changed by `tune`.
    pub fn restart_with(&mut self, tune: impl FnOnce(&mut Config)) {
        let options =
            Options { listen: Some("127.0.0.1:0".into()), now: Some(sample_now()), ..Default::default() };
        let mut config = site_config(self.dir.path());
        tune(&mut config);
        let old = std::mem::replace(&mut self.running, workspace::start(config, options).unwrap());
        drop(old);
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        self.running.url()
    }

    /// A case file in the site's copy.
    pub fn case_file(&self, name: &str) -> PathBuf {
        self.dir.path().join("cases").join(name)
    }

    /// The audit log's text: its month files, oldest first.
    pub fn audit_text(&self) -> String {
        let dir = self.dir.path().join("out/audit");
        let mut files: Vec<PathBuf> =
            std::fs::read_dir(&dir).map(|d| d.map(|e| e.unwrap().path()).collect()).unwrap_or_default();
        files.retain(|f| f.file_name().unwrap().to_string_lossy().starts_with("audit-"));
        files.sort();
        files.iter().map(|f| std::fs::read_to_string(f).unwrap()).collect()
    }
}

/// An HTTP response, read whole.
pub struct Reply {
    pub status: u16,
    pub body: String,
    pub location: Option<String>,
    pub headers: Vec<(String, String)>,
}

impl Reply {
    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The first hidden input `name`'s value in the page.
    pub fn hidden(&self, name: &str) -> String {
        let needle = format!("name=\"{name}\" value=\"");
        let start = self.body.find(&needle).unwrap_or_else(|| panic!("no {name} in the page")) + needle.len();
        self.body[start..].split('"').next().unwrap().to_owned()
    }
}

/// A plain HTTP client with one session cookie and no redirects followed.
pub struct Http {
    base: String,
    agent: ureq::Agent,
    pub cookie: Option<String>,
}

impl Http {
    pub fn new(site: &Site) -> Self {
        Self::at(&site.url())
    }

    /// A client of the workspace at `base` (e.g. `http://127.0.0.1:41234`).
    pub fn at(base: &str) -> Self {
        let agent: ureq::Agent =
            ureq::Agent::config_builder().max_redirects(0).http_status_as_error(false).build().into();
        Self { base: base.to_owned(), agent, cookie: None }
    }

    fn finish(&mut self, response: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Reply {
        let mut response = response.unwrap();
        let headers: Vec<(String, String)> = response
            .headers()
            .iter()
            .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or("").to_owned()))
            .collect();
        for (k, v) in &headers {
            if k == "set-cookie" {
                let pair = v.split(';').next().unwrap().to_owned();
                self.cookie = if pair.ends_with('=') { None } else { Some(pair) };
            }
        }
        let location = headers.iter().find(|(k, _)| k == "location").map(|(_, v)| v.clone());
        let body = response.body_mut().with_config().limit(50_000_000).read_to_string().unwrap_or_default();
        Reply { status: response.status().as_u16(), body, location, headers }
    }

    pub fn get(&mut self, path: &str) -> Reply {
        let mut req = self.agent.get(format!("{}{path}", self.base));
        if let Some(c) = &self.cookie {
            req = req.header("Cookie", c);
        }
        let response = req.call();
        self.finish(response)
    }

    pub fn post(&mut self, path: &str, form: &[(&str, &str)], headers: &[(&str, &str)]) -> Reply {
        let mut req = self.agent.post(format!("{}{path}", self.base));
        if let Some(c) = &self.cookie {
            req = req.header("Cookie", c);
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let response = req.send_form(form.iter().copied());
        self.finish(response)
    }

    /// Signs in through the form, and with the sample accounts' second
    /// factor when asked for it; returns the reply to the last post.
    pub fn sign_in(&mut self, name: &str, password: &str) -> Reply {
        let reply = self.password(name, password);
        if reply.location.as_deref() != Some("/sign-in/code") {
            return reply;
        }
        // One code step at a time in this process: two sign-ins of one
        // person racing could otherwise reach the server in the other
        // order, and the later step's code, used first, makes the earlier
        // one a replay.
        static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());
        let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
        let code = sample_code(&self.base, name);
        self.code(&code)
    }

    /// The first step of signing in: name and password.
    pub fn password(&mut self, name: &str, password: &str) -> Reply {
        let page = self.get("/sign-in");
        let csrf = page.hidden("_csrf");
        self.post("/sign-in", &[("_csrf", &csrf), ("name", name), ("password", password)], &[])
    }

    /// The second step: the code (from the app, or a recovery code).
    pub fn code(&mut self, code: &str) -> Reply {
        let page = self.get("/sign-in/code");
        let csrf = page.hidden("_csrf");
        self.post("/sign-in/code", &[("_csrf", &csrf), ("code", code)], &[])
    }

    /// The workspace's address.
    pub fn base(&self) -> &str {
        &self.base
    }
}

/// A process group, killed when dropped: the driver, Chromium and its helpers.
struct Group(Child);

impl Drop for Group {
    fn drop(&mut self) {
        // SAFETY: kill(2) with a negative pid signals a process group; no memory is involved.
        unsafe { libc::kill(-(self.0.id() as i32), libc::SIGKILL) };
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A headless Chromium with its driver, stopped when dropped.
pub struct Browser {
    driver: Group,
    pub client: fantoccini::Client,
    _profile: tempfile::TempDir,
}

impl Browser {
    pub async fn start() -> Self {
        // Read before a browser starts, so that a missing axe-core leaves none running.
        let _ = super::tools::axe();
        Self::start_with(&super::tools::chromium()).await
    }

    /// Starts the driver with `chromium` as its browser.
    pub async fn start_with(chromium: &Path) -> Self {
        let driver_bin = super::tools::chromedriver();
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        // In a process group of its own, with the Chromium it starts, so that
        // stopping it stops them all, whatever failed.
        // Held from here on, so that a start that fails stops it too.
        let driver = Group(
            Command::new(driver_bin)
                .arg(format!("--port={port}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .process_group(0)
                .spawn()
                .unwrap(),
        );
        let profile = tempfile::tempdir().unwrap();
        let caps: serde_json::Map<String, serde_json::Value> = serde_json::from_value(serde_json::json!({
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-quic", "--no-first-run", "--window-size=1400,1700", "--hide-scrollbars",
                    "--force-device-scale-factor=1", "--lang=en-GB",
                    format!("--user-data-dir={}", profile.path().display()),
                ]
            }
        }))
        .unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        let client = loop {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match fantoccini::ClientBuilder::new(connector)
                .capabilities(caps.clone())
                .connect(&format!("http://127.0.0.1:{port}"))
                .await
            {
                Ok(c) => break c,
                Err(e) if Instant::now() > deadline => {
                    panic!("cannot start Chromium through its driver: {e}")
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
            }
        };
        Self { driver, client, _profile: profile }
    }

    /// The process group of the driver, Chromium and its helpers.
    pub fn group(&self) -> i32 {
        self.driver.0.id() as i32
    }

    /// Stops the browser and its driver.
    pub async fn stop(self) {
        let _ = self.client.clone().close().await;
        // Drop kills the driver's process group.
    }
}

/// axe-core's source (npm), to inject into pages.
pub fn axe_source() -> String {
    std::fs::read_to_string(super::tools::axe()).unwrap()
}

/// Waits until `check` holds, polling; panics with `what` after 15 s.
pub async fn wait_until<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + Duration::from_secs(15);
    while !check().await {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Every section of Darcy's PSR (the imported sample child), as a
/// writer fills it in the editor.
pub const DARCY_PSR: &[(&str, &[(&str, &str)])] = &[
    (
        "about",
        &[
            ("psr.report_type", "all_options"),
            ("psr.sources", "Interview with Darcy\nHome visit"),
            ("psr.introduction", "Darcy appears for sentence for possession of cannabis."),
        ],
    ),
    (
        "offence",
        &[
            ("psr.offence_analysis.seriousness", "A small amount, for their own use."),
            ("psr.offence_analysis.victims", "No direct victim."),
            ("psr.previous_offending", "None."),
        ],
    ),
    (
        "child",
        &[
            ("psr.child_assessment.circumstances", "Lives with an aunt."),
            ("psr.child_assessment.family", "Close to the aunt and a cousin."),
            ("psr.child_assessment.education", "At college three days a week."),
            ("psr.child_assessment.health", "Well."),
            ("psr.child_assessment.parenting", "The aunt supervises well."),
            ("psr.underlying_causes", "Older peers."),
            ("strengths", "Has kept every bail appointment\nPlays for a football team"),
        ],
    ),
    (
        "risk",
        &[
            ("psr.risk_assessment.reoffending", "Medium."),
            ("psr.risk_assessment.serious_harm", "Low."),
            ("psr.risk_assessment.safety_wellbeing", "Low."),
            ("psr.previous_compliance", "Good on bail."),
        ],
    ),
    (
        "proposal",
        &[
            ("psr.conclusion", "A referral order meets the offence and Darcy's needs."),
            ("psr.proposal.sentence", "referral_order"),
            ("psr.proposal.length_months", "6"),
            ("psr.proposal.rationale", "Darcy engages; the panel suits the offence."),
            ("psr.discussed_with_child_and_carer", "2026-11-27"),
        ],
    ),
    ("signature", &[("psr.signed.name", "Tom Ashworth"), ("psr.signed.date", "2026-11-30")]),
];
