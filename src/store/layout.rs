//! The output layout: where everything casepress writes lives under the
//! output root. Every stage asks this type; no other module spells a folder
//! name. Paths recorded in ledgers and logs are relative to the root, so an
//! output folder can be moved or reached from any working folder.
//!
//! ```text
//! OUT/cases/<case_id>/{documents,statements,notes,versions}/, case-log.jsonl, .lock
//! OUT/quarantine/{unidentified,unreadable,infected}/
//! OUT/escalations/              Safety Link notices
//! OUT/statements/ledger.jsonl   the filing ledger
//! OUT/statements/lock           held by the one filer (file, attach, watch)
//! OUT/statements/heartbeat.json the watcher's last sign of life
//! OUT/statements/requests/      the desk's queued attach decisions, done.jsonl
//! OUT/outbox/outbox.jsonl       email notices sent and owed
//! OUT/outbox/steps.jsonl        emails lifecycle steps queued
//! OUT/import/                   import bases (facts.json), imports.jsonl, lock
//! OUT/audit/                    the workspace's audit log
//! OUT/runs/                     run records
//! OUT/render.lock               held while a render batch runs
//! OUT/board/<quarter>/          board report, figures, pack
//! OUT/exports/                  transfer and Y2A bundles
//! ```

use std::fmt::Display;
use std::path::{Path, PathBuf};

/// A case folder's lock file's name.
pub const CASE_LOCK: &str = ".lock";

/// The quarantine folders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quarantine {
    /// Statements not matched to exactly one child: never assigned.
    Unidentified,
    /// Files that are not readable statements.
    Unreadable,
    /// Files the virus scanner found something in: never read, never served.
    Infected,
}

/// The output root and the places under it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    root: PathBuf,
}

impl Layout {
    /// The layout under `root`.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// The output root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// A path given relative to the root (as ledgers and logs record them).
    pub fn at(&self, relative: impl AsRef<Path>) -> PathBuf {
        self.root.join(relative)
    }

    /// `path` relative to the root, when it is under it; else `path`.
    pub fn relative<'a>(&self, path: &'a Path) -> &'a Path {
        path.strip_prefix(&self.root).unwrap_or(path)
    }

    /// The workspace's audit log folder.
    pub fn audit(&self) -> PathBuf {
        self.root.join("audit")
    }

    /// A case's folder, relative to the root.
    pub fn case_rel(case_id: &str) -> String {
        format!("cases/{case_id}")
    }

    /// A case's filed statements, relative to the root.
    pub fn statements_rel(case_id: &str) -> String {
        format!("cases/{case_id}/statements")
    }

    /// A case's notes (statement receipts), relative to the root.
    pub fn notes_rel(case_id: &str) -> String {
        format!("cases/{case_id}/notes")
    }

    /// A quarantine folder, relative to the root.
    pub fn quarantine_rel(which: Quarantine) -> &'static str {
        match which {
            Quarantine::Unidentified => "quarantine/unidentified",
            Quarantine::Unreadable => "quarantine/unreadable",
            Quarantine::Infected => "quarantine/infected",
        }
    }

    /// Safety Link notices, relative to the root.
    pub const ESCALATIONS: &'static str = "escalations";

    /// A case's folder.
    pub fn case_dir(&self, case_id: &str) -> PathBuf {
        self.at(Self::case_rel(case_id))
    }

    /// A case's rendered documents.
    pub fn documents(&self, case_id: &str) -> PathBuf {
        self.case_dir(case_id).join("documents")
    }

    /// A case's filed statements.
    pub fn statements(&self, case_id: &str) -> PathBuf {
        self.at(Self::statements_rel(case_id))
    }

    /// A quarantine folder.
    pub fn quarantine(&self, which: Quarantine) -> PathBuf {
        self.at(Self::quarantine_rel(which))
    }

    /// Safety Link notices.
    pub fn escalations(&self) -> PathBuf {
        self.at(Self::ESCALATIONS)
    }

    /// The filing ledger's folder (it also holds the filing lock).
    pub fn ledger_dir(&self) -> PathBuf {
        self.at("statements")
    }

    /// The filing ledger.
    pub fn ledger(&self) -> PathBuf {
        self.ledger_dir().join("ledger.jsonl")
    }

    /// The case as it was for each version submitted for review, by the
    /// version's input hash: what the reviewers read, kept beside its log.
    pub fn versions(&self, case_id: &str) -> PathBuf {
        self.case_dir(case_id).join("versions")
    }

    /// Documents an interrupted step published but never recorded, moved
    /// out of the documents folder so that nothing unrecorded is taken for
    /// a document of the case (see [`crate::store::Records::set_aside_unrecorded`]).
    pub fn unrecorded(&self, case_id: &str) -> PathBuf {
        self.case_dir(case_id).join("unrecorded")
    }

    /// The lock of one case file (by its path): a file may hold several
    /// cases (an array or NDJSON), and whoever rewrites it holds this, so
    /// that two writers of two of its cases never undo each other.
    /// `key` names the file (a hash of its path, see
    /// [`crate::store::Records::lock_case_file`]).
    pub fn case_file_lock(&self, key: &str) -> PathBuf {
        self.at("locks/case-files").join(format!("{key}.lock"))
    }

    /// A case folder's lock: one writer of the case at a time (a render
    /// storing its documents, a lifecycle step, a save, an import update).
    pub fn case_lock(&self, case_id: &str) -> PathBuf {
        self.case_dir(case_id).join(CASE_LOCK)
    }

    /// The filing lock: one filer per output root.
    pub fn filing_lock(&self) -> PathBuf {
        self.ledger_dir().join("lock")
    }

    /// The workspace's live sessions (by the hash of their tokens).
    pub fn sessions(&self) -> PathBuf {
        self.root().join("workspace").join("sessions.json")
    }

    /// The watcher's heartbeat.
    pub fn heartbeat(&self) -> PathBuf {
        self.ledger_dir().join("heartbeat.json")
    }

    /// The statements desk's queued attach decisions.
    pub fn requests(&self) -> PathBuf {
        self.ledger_dir().join("requests")
    }

    /// What became of the desk's requests.
    pub fn requests_done(&self) -> PathBuf {
        self.requests().join("done.jsonl")
    }

    /// The email notices' log.
    pub fn outbox(&self) -> PathBuf {
        self.at("outbox").join("outbox.jsonl")
    }

    /// The emails lifecycle steps queued, for the outbox to send.
    pub fn outbox_steps(&self) -> PathBuf {
        self.at("outbox").join("steps.jsonl")
    }

    /// The outbox's lock: one sender at a time per output root.
    pub fn outbox_lock(&self) -> PathBuf {
        self.at("outbox").join("lock")
    }

    /// Import's own records: the bases of the fact-by-fact merge and the
    /// imports made.
    pub fn import_dir(&self) -> PathBuf {
        self.at("import")
    }

    /// The import lock: one import per output root.
    pub fn import_lock(&self) -> PathBuf {
        self.import_dir().join("lock")
    }

    /// The render lock: one render batch at a time per output root.
    pub fn render_lock(&self) -> PathBuf {
        self.at("render.lock")
    }

    /// Run records.
    pub fn runs(&self) -> PathBuf {
        self.at("runs")
    }

    /// A quarter's board outputs.
    pub fn board(&self, quarter: impl Display) -> PathBuf {
        self.at("board").join(quarter.to_string())
    }

    /// Export bundles.
    pub fn exports(&self) -> PathBuf {
        self.at("exports")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_are_under_the_root_and_relative_forms_agree() {
        let l = Layout::new("/srv/out");
        assert_eq!(l.documents("C-1"), Path::new("/srv/out/cases/C-1/documents"));
        assert_eq!(l.statements("C-1"), l.at(Layout::statements_rel("C-1")));
        assert_eq!(l.quarantine(Quarantine::Unreadable), Path::new("/srv/out/quarantine/unreadable"));
        assert_eq!(l.relative(Path::new("/srv/out/exports/a.zip")), Path::new("exports/a.zip"));
        assert_eq!(l.relative(Path::new("/elsewhere/a.zip")), Path::new("/elsewhere/a.zip"));
        assert_eq!(l.board("2026-Q2"), Path::new("/srv/out/board/2026-Q2"));
    }
}
