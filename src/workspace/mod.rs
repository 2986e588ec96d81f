//! The browser workspace (`casepress serve`): report writers and
//! gatekeepers work on the same case files, store and document lifecycle
//! as the command line, in a browser. Server-rendered pages that work
//! without script; one small script adds autosave and the live preview.
//!
//! The rules it keeps: everyone signs in; every request is checked against
//! the person's role; every write carries a CSRF token; everything is
//! escaped; a strict Content-Security-Policy; no child's data in addresses
//! or logs; every read and write of a child's record is audited.

pub mod access;
pub mod accounts;
pub mod audit;
pub mod changes;
pub mod edit;
pub mod forms;
mod listen;
pub mod lockout;
mod pages;
pub mod passwords;
pub mod preview;
mod recent;
mod respond;
mod routes;
pub mod second_factor;
mod serve;
pub mod sessions;
mod views;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;

use crate::case::{CaseId, Caseload, LoadedCase};
use crate::config::Config;
use crate::history::DocState;
use crate::press::Press;

pub use access::{Why, may_see};
pub use accounts::Accounts;
pub use audit::{Audit, AuditEntry, Outcome};
pub use serve::{Running, serve, start};

/// How to run the workspace.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Address to listen on (default: `workspace.listen` from config).
    pub listen: Option<String>,
    /// A fixed clock, for demonstrations and tests (default: the real one).
    pub now: Option<DateTime<Utc>>,
    /// How long a session lasts without a request, in place of the
    /// config's `idle_minutes` (tests of the expiry warning).
    pub idle: Option<Duration>,
}

/// Everything the pages share.
pub struct Workspace {
    press: Press,
    sessions: sessions::Sessions,
    throttle: sessions::Throttle,
    lockout: lockout::Lockout,
    used: second_factor::Used,
    audit: Audit,
    views: minijinja::Environment<'static>,
    previews: preview::Previews,
    versions: Versions,
    files: Mutex<HashMap<String, PathBuf>>,
    now: Option<DateTime<Utc>>,
}

/// A case as a page needs it: its file, its typed form and its documents.
pub struct Opened {
    /// The case file and the case's JSON.
    pub file: edit::CaseFile,
    /// The typed case.
    pub loaded: LoadedCase,
    /// The case's log.
    pub log: Vec<crate::store::LogEntry>,
    /// Its documents' states, from the case log.
    pub states: Vec<DocState>,
}

impl Workspace {
    /// Builds the workspace over `config`'s cases and output.
    pub fn new(config: Config, now: Option<DateTime<Utc>>) -> Result<Self, String> {
        Self::with(config, &Options { now, ..Options::default() })
    }

    /// [`Workspace::new`] with `options`.
    pub fn with(config: Config, options: &Options) -> Result<Self, String> {
        let now = options.now;
        let idle = options.idle.unwrap_or(Duration::from_secs(config.workspace.idle_minutes.max(1) * 60));
        let absolute = Duration::from_secs(config.workspace.session_hours.max(1) * 3600);
        let press = Press::new(config).map_err(|e| e.to_string())?;
        let audit = Audit::new(press.layout().audit(), press.modes(), press.config().audit.syslog.clone())?;
        let sessions = sessions::Sessions::kept_in(press.layout().sessions(), idle, absolute)?;
        let lockout = lockout::Lockout::beside(
            &press.layout().sessions(),
            press.config().workspace.lock_after_failures,
        );
        Ok(Self {
            sessions,
            throttle: sessions::Throttle::new(10, Duration::from_secs(60)),
            lockout,
            used: second_factor::Used::default(),
            audit,
            views: views::environment(),
            previews: preview::Previews::new(64),
            versions: Versions::new(512),
            files: Mutex::new(HashMap::new()),
            now,
            press,
        })
    }

    /// The press (config, templates, store).
    pub fn press(&self) -> &Press {
        &self.press
    }

    /// The audit log.
    pub fn audit(&self) -> &Audit {
        &self.audit
    }

    /// Now (the fixed clock if one was given).
    pub fn now(&self) -> DateTime<Utc> {
        self.now.unwrap_or_else(Utc::now)
    }

    /// Today in England and Wales.
    pub fn today(&self) -> NaiveDate {
        self.now().with_timezone(&chrono_tz::Europe::London).date_naive()
    }

    /// Every case, loaded afresh (the files are the truth; another tab, a
    /// batch or an import may have changed them).
    pub fn caseload(&self) -> Caseload {
        let config = self.press.config();
        let caseload = Caseload::load_with(&config.paths.cases, &config.limits).unwrap_or_else(|e| {
            // A missing or unreadable cases folder: the pages show no cases,
            // and the log (never a page) says why.
            tracing::error!("the cases could not be loaded: {e}");
            Caseload::default()
        });
        let mut files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        for c in &caseload.cases {
            files.insert(c.case.case_id.key(), c.file.clone());
        }
        caseload
    }

    /// Opens one case by id: `None` when the id is not valid or no case
    /// file holds it.
    pub fn open(&self, case_id: &str) -> Option<Opened> {
        let id = CaseId::try_from(case_id.to_owned()).ok()?;
        let file = match self.known_file(&id).and_then(|f| edit::CaseFile::read(&f, id.as_str()).ok()) {
            Some(file) => file,
            None => edit::CaseFile::read(&self.find_file(&id)?, id.as_str()).ok()?,
        };
        self.opened(file)
    }

    /// Opens one case for a change, under the locks that write it: the case
    /// file is read and parsed once for the whole save (decision 0194).
    /// `Ok(None)` when the id is not valid or no case file holds it.
    pub fn open_locked(&self, case_id: &str) -> Result<Option<(Opened, Held)>, String> {
        let Ok(id) = CaseId::try_from(case_id.to_owned()) else { return Ok(None) };
        let case = self.press.records().lock(id.as_str()).map_err(|e| e.to_string())?;
        for path in [self.known_file(&id), self.find_file(&id)].into_iter().flatten() {
            let file_lock = self.press.records().lock_case_file(&path).map_err(|e| e.to_string())?;
            if let Ok(file) = edit::CaseFile::read(&path, id.as_str()) {
                return Ok(self.opened(file).map(|o| (o, Held { _case: case, file: file_lock })));
            }
        }
        Ok(None)
    }

    /// Where the case was last found, if anywhere.
    fn known_file(&self, id: &CaseId) -> Option<PathBuf> {
        self.files.lock().unwrap_or_else(|e| e.into_inner()).get(&id.key()).cloned()
    }

    /// Where the case is now, looking through every case file.
    fn find_file(&self, id: &CaseId) -> Option<PathBuf> {
        self.caseload().cases.into_iter().find(|c| c.case.case_id.is(id.as_str())).map(|c| c.file)
    }

    /// A case file read: its typed case, its log and its documents' states.
    fn opened(&self, file: edit::CaseFile) -> Option<Opened> {
        let case_id = file.case.get("case_id").and_then(Value::as_str)?.to_owned();
        let loaded = file.load(&file.bytes, &case_id).ok()?;
        let log = self.press.records().read(&case_id).unwrap_or_default();
        let states = states_of(&log);
        self.versions.keep(&case_id, &file.version(), &file.case);
        Some(Opened { file, loaded, log, states })
    }

    /// The recorded state of every document of a case (rendered or not).
    pub fn states(&self, case_id: &str) -> Vec<DocState> {
        states_of(&self.press.records().read(case_id).unwrap_or_default())
    }

    /// Whether (and why) `who` may see the case.
    pub fn may_see(&self, who: &str, case: &crate::case::Case, states: &[DocState]) -> Option<Why> {
        may_see(
            self.press.staff(),
            self.press.config().rules.head_of_service.as_deref(),
            who,
            case,
            states,
            self.today(),
        )
    }
}

/// The locks a save holds from reading the case file to writing it.
pub struct Held {
    _case: crate::store::CaseLock,
    /// The case file's own lock (the file may hold other cases).
    pub file: crate::store::CaseFileLock,
}

fn states_of(log: &[crate::store::LogEntry]) -> Vec<DocState> {
    crate::documents::DocumentKind::ALL.into_iter().map(|k| crate::history::fold(log, k)).collect()
}

/// The case JSON as recently served, by case and file version: the common
/// ancestor of a three-way merge when a form comes back after the file
/// changed.
struct Versions(recent::Recent<String, Arc<Value>>);

impl Versions {
    fn new(keep: usize) -> Self {
        Self(recent::Recent::new(keep))
    }

    fn keep(&self, case_id: &str, version: &str, case: &Value) {
        self.0.insert(format!("{case_id}:{version}"), || Arc::new(case.clone()));
    }

    fn get(&self, case_id: &str, version: &str) -> Option<Arc<Value>> {
        self.0.get(&format!("{case_id}:{version}"))
    }
}
