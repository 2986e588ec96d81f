//! The case records of one output root: each case's append-only log, read,
//! appended and locked by case id. The one door every stage uses for a
//! case's history (the render batch, the lifecycle, filing, exports, the
//! board, `check` and the workspace), so that where the records live is
//! this type's business alone: today files under `OUT/cases/<id>/`, and a
//! database-backed store would change this file, not the stages. The
//! statement ledger and its filing lock are reached through it too.

use std::fs::File;

use super::journal::Journal;
use super::layout::Layout;
use super::log::{CaseLog, LogEntry, append_log_many, read_case_log};
use super::publish::{Modes, StoreError, lock_case, publish, try_lock};

/// The filing lock, held until dropped: one filer per output root.
#[derive(Debug)]
pub struct FilingLock {
    _file: File,
}

/// A case file's lock, held until dropped: one writer of the file at a time.
#[derive(Debug)]
pub struct CaseFileLock {
    _file: File,
}

/// A case's lock, held until dropped: one writer of the case at a time.
#[derive(Debug)]
pub struct CaseLock {
    _file: File,
}

/// The case records under an output root.
#[derive(Debug, Clone)]
pub struct Records {
    layout: Layout,
    modes: Modes,
}

impl Records {
    /// The records under `layout`, written with `modes`.
    pub fn new(layout: Layout, modes: Modes) -> Self {
        Self { layout, modes }
    }

    /// A case's log entries; damaged lines are left out (see [`Records::read_with_damage`]).
    pub fn read(&self, case_id: &str) -> Result<Vec<LogEntry>, StoreError> {
        Ok(self.read_with_damage(case_id)?.entries)
    }

    /// A case's log with its damaged lines.
    pub fn read_with_damage(&self, case_id: &str) -> Result<CaseLog, StoreError> {
        read_case_log(&self.layout.case_dir(case_id))
    }

    /// Appends entries to a case's log in one write and one sync. The
    /// caller holds the case's lock when what it appends depends on what it
    /// read.
    pub fn append(&self, case_id: &str, entries: &[LogEntry]) -> Result<(), StoreError> {
        append_log_many(&self.layout.case_dir(case_id), entries, self.modes)
    }

    /// Keeps the case as it was for a submitted version (`input_hash`):
    /// written once, never replaced, so a final can be checked against
    /// exactly what was reviewed.
    pub fn keep_version(&self, case_id: &str, input_hash: &str, case_json: &[u8]) -> Result<(), StoreError> {
        publish(&self.layout.versions(case_id), &format!("{input_hash}.json"), case_json, self.modes)
            .map(|_| ())
    }

    /// The case as it was for a submitted version, if it was kept.
    pub fn version(&self, case_id: &str, input_hash: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let path = self.layout.versions(case_id).join(format!("{input_hash}.json"));
        match std::fs::read(&path) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(StoreError { path, source }),
        }
    }

    /// The statement ledger: every filing decision, begun and done.
    pub fn ledger(&self) -> Journal {
        Journal::new(self.layout.ledger(), self.modes)
    }

    /// Takes the filing lock (the one filer that writes the ledger), or
    /// `None` while another filer holds it.
    pub fn try_lock_filing(&self) -> Result<Option<FilingLock>, StoreError> {
        super::publish::ensure_dir(&self.layout.ledger_dir(), self.modes)?;
        Ok(try_lock(&self.layout.filing_lock(), self.modes)?.map(|file| FilingLock { _file: file }))
    }

    /// Moves out of the case's documents folder every PDF its log does not
    /// name: what a step killed between publishing a document and recording
    /// it left behind (a final with no final step must never pass for the
    /// final). Moved, not deleted, to `unrecorded/` beside the log; nothing
    /// is done while the log has damaged lines, which may name those files.
    /// Returns the names moved. Takes the case's lock as proof that no step
    /// is publishing meanwhile.
    pub fn set_aside_unrecorded(&self, _held: &CaseLock, case_id: &str) -> Result<Vec<String>, StoreError> {
        let log = self.read_with_damage(case_id)?;
        if !log.damaged.is_empty() {
            return Ok(Vec::new());
        }
        let recorded: std::collections::HashSet<&str> = log
            .entries
            .iter()
            .filter_map(|e| match e {
                LogEntry::Document { file, .. } => Some(file.as_str()),
                _ => None,
            })
            .collect();
        let docs = self.layout.documents(case_id);
        let Ok(listing) = std::fs::read_dir(&docs) else { return Ok(Vec::new()) };
        let mut moved = Vec::new();
        for entry in listing.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if !name.ends_with(".pdf") || recorded.contains(name.as_str()) || name.starts_with('.') {
                continue;
            }
            let path = entry.path();
            let bytes = std::fs::read(&path).map_err(super::publish::at(&path))?;
            publish(&self.layout.unrecorded(case_id), &name, &bytes, self.modes)?;
            std::fs::remove_file(&path).map_err(super::publish::at(&path))?;
            moved.push(name);
        }
        if !moved.is_empty() {
            super::publish::sync_dir(&docs)?;
        }
        moved.sort();
        Ok(moved)
    }

    /// Takes the lock of the case file `file`, waiting for another writer
    /// of it to finish. A writer of a case file takes its case's lock, then
    /// this (always in that order), so that two cases of one file are never
    /// rewritten at once.
    pub fn lock_case_file(&self, file: &std::path::Path) -> Result<CaseFileLock, StoreError> {
        // Named by its folder's real path and its own name, so that a file
        // not yet created (a new case, or one whose killed creation left
        // only a temporary copy) has the same lock as once it exists.
        let dir = file.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
        let path = match (std::fs::canonicalize(dir), file.file_name()) {
            (Ok(dir), Some(name)) => dir.join(name),
            _ => file.to_owned(),
        };
        let key = super::publish::sha256_hex(path.as_os_str().as_encoded_bytes());
        let lock = self.layout.case_file_lock(&key[..32]);
        if let Some(dir) = lock.parent() {
            super::publish::ensure_dir(dir, self.modes)?;
        }
        Ok(CaseFileLock { _file: super::publish::lock_path(&lock, self.modes)? })
    }

    /// Takes a case's lock, waiting for another writer to finish.
    pub fn lock(&self, case_id: &str) -> Result<CaseLock, StoreError> {
        Ok(CaseLock { _file: lock_case(&self.layout.case_dir(case_id), self.modes)? })
    }
}
