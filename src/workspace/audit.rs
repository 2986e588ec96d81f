//! The audit log: every read and write of a child's record in the
//! workspace, one JSON line each, appended and synced before the page is
//! sent. Who, when, which case, what. Never the child's name or any case
//! content: the log must be safe to hand to an information officer.

use std::path::PathBuf;
use std::sync::{Condvar, Mutex};

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
    // Group commit: lines queue here; one caller at a time writes and
    // syncs everything queued, and every caller whose line that sync
    // covered returns. One sync serves many requests under load.
    queue: Mutex<Queue>,
    synced: Condvar,
}

#[derive(Default)]
struct Queue {
    bytes: Vec<u8>,
    queued: u64,
    synced: u64,
    flushing: bool,
    // The last failed flush: the lines up to this number, and why.
    failed: Option<(u64, String)>,
}

impl Audit {
    /// The log at `dir/audit.jsonl`.
    pub fn new(dir: PathBuf, modes: Modes) -> Result<Self, String> {
        store::ensure_dir(&dir, modes).map_err(|e| e.to_string())?;
        Ok(Self { path: dir.join("audit.jsonl"), modes, queue: Mutex::default(), synced: Condvar::new() })
    }

    /// Where the log is.
    pub fn path(&self) -> &std::path::Path {
        &self.path
    }

    /// Appends one entry and returns once it is synced; an entry that
    /// cannot be recorded fails the request it records.
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
        let lock = || self.queue.lock().unwrap_or_else(|e| e.into_inner());
        let mut q = lock();
        q.bytes.extend_from_slice(&line);
        q.queued += 1;
        let mine = q.queued;
        loop {
            if q.synced >= mine {
                return Ok(());
            }
            if let Some((upto, why)) = &q.failed
                && *upto >= mine
            {
                return Err(why.clone());
            }
            if q.flushing {
                q = self.synced.wait(q).unwrap_or_else(|e| e.into_inner());
                continue;
            }
            q.flushing = true;
            let batch = std::mem::take(&mut q.bytes);
            let upto = q.queued;
            drop(q);
            let written = self.flush(&batch);
            q = lock();
            q.flushing = false;
            match written {
                Ok(()) => q.synced = upto,
                Err(why) => q.failed = Some((upto, why)),
            }
            self.synced.notify_all();
        }
    }

    fn flush(&self, batch: &[u8]) -> Result<(), String> {
        let created = store::append_lines(&self.path, batch, self.modes, true).map_err(|e| e.to_string())?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_line_from_many_threads_is_written_whole_and_once() {
        let dir = tempfile::tempdir().unwrap();
        let audit = std::sync::Arc::new(Audit::new(dir.path().join("audit"), Modes::default()).unwrap());
        let threads: Vec<_> = (0..8)
            .map(|t| {
                let audit = audit.clone();
                std::thread::spawn(move || {
                    for i in 0..50 {
                        audit.record("Someone", "read", Some(&format!("C-{t}-{i}")), "").unwrap();
                    }
                })
            })
            .collect();
        threads.into_iter().for_each(|t| t.join().unwrap());
        let entries = audit.read().unwrap();
        assert_eq!(entries.len(), 400);
        let mut cases: Vec<_> = entries.iter().map(|e| e.case.clone().unwrap()).collect();
        cases.sort();
        cases.dedup();
        assert_eq!(cases.len(), 400);
    }

    #[test]
    fn a_line_that_cannot_be_written_fails_its_request() {
        let dir = tempfile::tempdir().unwrap();
        let audit = Audit::new(dir.path().join("audit"), Modes::default()).unwrap();
        std::fs::create_dir(audit.path()).unwrap(); // a folder where the file should be
        assert!(audit.record("Someone", "read", Some("C"), "").is_err());
    }
}
