//! The audit log: every read and write of a child's record in the
//! workspace, one JSON line each, appended and synced before the page is
//! sent. Who, when, which case, what. Never the child's name or any case
//! content: the log must be safe to hand to an information officer.

use std::path::PathBuf;
use std::sync::Mutex;

use chrono::{SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

use crate::store::{self, Modes};

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// When (RFC 3339, UTC).
    pub at: String,
    /// Who (a name in the staff directory; `-` before sign-in).
    pub who: String,
    /// What: `read`, `write`, `preview`, `submitted`, `agreed`, `returned`,
    /// `final`, `sent`, `refused`, `signed-in`, `signed-out`, `sign-in-failed`.
    pub what: String,
    /// The case, where one is concerned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case: Option<String>,
    /// Which document and section, or why a request was refused.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub detail: String,
}

/// The append-only audit log of one output root.
pub struct Audit {
    path: PathBuf,
    modes: Modes,
    // One writer at a time within the server, so lines never interleave.
    lock: Mutex<()>,
}

impl Audit {
    /// The log at `dir/audit.jsonl`.
    pub fn new(dir: PathBuf, modes: Modes) -> Result<Self, String> {
        store::ensure_dir(&dir, modes).map_err(|e| e.to_string())?;
        Ok(Self { path: dir.join("audit.jsonl"), modes, lock: Mutex::new(()) })
    }

    /// Where the log is.
    pub fn path(&self) -> &std::path::Path {
        &self.path
    }

    /// Appends one entry and syncs it; an entry that cannot be recorded
    /// fails the request it records.
    pub fn record(&self, who: &str, what: &str, case: Option<&str>, detail: &str) -> Result<(), String> {
        let entry = AuditEntry {
            at: Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true),
            who: who.to_owned(),
            what: what.to_owned(),
            case: case.map(str::to_owned),
            detail: detail.to_owned(),
        };
        let mut line = serde_json::to_vec(&entry).map_err(|e| e.to_string())?;
        line.push(b'\n');
        let _one = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        let created = store::append_lines(&self.path, &line, self.modes, true).map_err(|e| e.to_string())?;
        if created && let Some(dir) = self.path.parent() {
            store::sync_dir(dir).map_err(|e| e.to_string())?;
        }
        Ok(())
    }

    /// Every entry so far.
    pub fn read(&self) -> Result<Vec<AuditEntry>, String> {
        store::read_lines(&self.path).map(|(entries, _)| entries).map_err(|e| e.to_string())
    }
}
