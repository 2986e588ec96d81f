//! A batch of statements read and decided, waiting to be filed together,
//! and what reading one inbox file came to. Data only: the filer makes
//! them, the commit files them.

use std::collections::BTreeSet;
use std::path::PathBuf;

use crate::statements::decision::Decision;
use crate::statements::inbox::Arrived;
use crate::statements::report::StatementReport;
use crate::store::{self, LogEntry};

/// SHA-256 of every statement a case log records as filed.
pub(super) fn logged_statements(records: &store::Records, case_id: &str) -> Result<BTreeSet<String>, String> {
    Ok(records
        .read(case_id)
        .map_err(|e| e.to_string())?
        .into_iter()
        .filter_map(|e| match e {
            LogEntry::Statement { sha256, .. } => Some(sha256),
            _ => None,
        })
        .collect())
}

/// Statements filed together: one ledger sync for their decisions, one
/// fsync per folder, one append per case log. Bounded, so that little is
/// held in memory and a crash leaves little to resume.
#[derive(Default)]
pub(super) struct Batch {
    pub(super) pending: Vec<Pending>,
    bytes: usize,
}

impl Batch {
    const MAX_STATEMENTS: usize = 64;
    const MAX_BYTES: usize = 64 << 20;

    pub(super) fn push(&mut self, p: Pending) {
        self.bytes += p.arrived.bytes.len();
        self.pending.push(p);
    }

    pub(super) fn is_full(&self) -> bool {
        self.pending.len() >= Self::MAX_STATEMENTS || self.bytes >= Self::MAX_BYTES
    }
}

/// A statement read and decided, waiting to be filed with its batch.
pub(super) struct Pending {
    pub(super) path: PathBuf,
    pub(super) arrived: Arrived,
    pub(super) decision: Decision,
    /// The decision comes from an earlier run that stopped part-way.
    pub(super) resumed: bool,
    /// It came from the inbox, and leaves it once filed (an attached
    /// statement comes from quarantine, where its record stays).
    pub(super) from_inbox: bool,
}

/// What reading an inbox file came to.
pub(super) enum Prepared {
    /// Nothing to file: skipped or a duplicate.
    Report(StatementReport),
    /// To file with the batch.
    File(Box<Pending>),
    /// The same file or destination as one in the batch.
    Clash,
}
