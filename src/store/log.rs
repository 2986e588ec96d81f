//! The append-only case log: one JSON line per event in a case folder.

use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{Modes, StoreError, at, sync_dir};

/// The case log's file name inside a case folder.
pub const CASE_LOG: &str = "case-log.jsonl";

/// One line of a case log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum LogEntry {
    /// A received statement was filed into the case (the receipt).
    Statement {
        /// When it was filed (RFC 3339, UTC).
        at: String,
        /// Statement ID.
        statement_id: String,
        /// File name within `statements/`.
        file: String,
        /// SHA-256 of the PDF.
        sha256: String,
        /// App (One, Express, Xchange).
        app: Option<String>,
        /// Statement type.
        statement_type: Option<String>,
        /// When the child sent it (RFC 3339, UTC).
        sent: String,
        /// When casepress received and assigned it (RFC 3339, UTC).
        received: String,
        /// Who it was assigned to.
        assigned_to: String,
        /// Why: allocated, cover or line-manager.
        route: String,
        /// Working minutes from sent to assigned.
        working_minutes: i64,
        /// The assignment SLA in working hours.
        sla_hours: u32,
        /// Whether it was assigned within the SLA.
        sla_met: bool,
        /// Whether the Safety Link was triggered.
        safety_link: bool,
    },
    /// A bundle of the case folder was exported (transfer or Y2A).
    Export {
        /// When (RFC 3339, UTC).
        at: String,
        /// `transfer` or `y2a`.
        purpose: String,
        /// The bundle written.
        file: String,
        /// SHA-256 of the bundle.
        sha256: String,
        /// Member names.
        members: Vec<String>,
    },
    /// A document was rendered and published.
    Document {
        /// When (RFC 3339, UTC).
        at: String,
        /// Document kind.
        kind: String,
        /// File name within `documents/`.
        file: String,
        /// SHA-256 of the PDF.
        sha256: String,
        /// SHA-256 of everything that went into it (case, templates, config, version).
        input_hash: String,
        /// Whether it is a draft.
        draft: bool,
        /// casepress version that made it.
        version: String,
    },
}

/// Appends one line to `case_dir/case-log.jsonl` and syncs it.
///
/// One `write` of a whole line to an `O_APPEND` file: a crash can leave at
/// most a torn last line, which [`read_log`] skips.
pub fn append_log(case_dir: &Path, entry: &LogEntry, modes: Modes) -> Result<(), StoreError> {
    append_log_many(case_dir, std::slice::from_ref(entry), modes)
}

/// Appends several lines in one write and one sync (see [`append_log`]).
pub fn append_log_many(case_dir: &Path, entries: &[LogEntry], modes: Modes) -> Result<(), StoreError> {
    let path = case_dir.join(CASE_LOG);
    let mut lines = Vec::new();
    for entry in entries {
        lines.extend(serde_json::to_vec(entry).expect("log entries serialise"));
        lines.push(b'\n');
    }
    let created = !path.exists();
    let mut file =
        OpenOptions::new().create(true).append(true).mode(modes.file).open(&path).map_err(at(&path))?;
    file.write_all(&lines).and_then(|()| file.sync_data()).map_err(at(&path))?;
    // Only a new file's name needs the folder synced; an append is durable
    // with the file's own sync.
    if created { sync_dir(case_dir) } else { Ok(()) }
}

/// Reads a case log; lines that do not parse (a torn last line, an event
/// from a newer version) are skipped.
pub fn read_log(case_dir: &Path) -> Result<Vec<LogEntry>, StoreError> {
    let path = case_dir.join(CASE_LOG);
    let file = match File::open(&path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(at(&path)(e)),
    };
    let mut entries = Vec::new();
    for line in BufReader::new(file).lines() {
        let line = line.map_err(at(&path))?;
        if let Ok(entry) = serde_json::from_str(&line) {
            entries.push(entry);
        }
    }
    Ok(entries)
}
