//! What a render batch did, item by item. The engine, the worker processes
//! and the run record all build or read these reports; a floor of its own
//! so that it depends on none of them.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::case::LoadFailure;
use crate::documents::DocumentKind;
use crate::failure::{Failure, Stage};

/// What happened to one document (or to a case or file that failed before
/// any document).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ItemReport {
    /// The case, when it was loaded.
    pub case_id: Option<String>,
    /// The case file.
    pub file: PathBuf,
    /// The document kind, if the item is a document.
    pub kind: Option<DocumentKind>,
    /// The outcome.
    #[serde(flatten)]
    pub outcome: Outcome,
}

impl ItemReport {
    /// A case or file that could not be loaded.
    pub fn load_failed(f: &LoadFailure) -> Self {
        Self {
            case_id: f.case_id.clone(),
            file: f.file.clone(),
            kind: None,
            outcome: Outcome::Failed { stage: Stage::Load, reason: f.reason.clone() },
        }
    }
}

/// The outcome of one item.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum Outcome {
    /// A new PDF was written.
    Written {
        /// Where.
        path: PathBuf,
        /// Its SHA-256.
        sha256: String,
        /// Required items still to complete (drafts).
        to_complete: usize,
    },
    /// The same input was rendered before; nothing was written.
    Unchanged {
        /// The existing PDF.
        path: PathBuf,
    },
    /// History on the batch's date (its hearing passed, it was sent, the
    /// case closed): left alone. Render it by naming its kind.
    Historic {
        /// Why, in words.
        reason: String,
    },
    /// The item failed; the batch went on.
    Failed {
        /// The stage it failed in.
        stage: Stage,
        /// Why, naming the file, JSON path or template involved.
        reason: String,
    },
}

impl From<Failure> for Outcome {
    fn from(f: Failure) -> Self {
        Self::Failed { stage: f.stage, reason: f.reason }
    }
}

/// What a batch tells its caller while it runs.
pub trait Progress: Sync {
    /// The batch holds this many cases and unloadable files, told once they
    /// are loaded and before the first item.
    fn counted(&self, _cases: usize) {}
    /// One finished item, as it is stored.
    fn item(&self, item: &ItemReport);
}

/// Progress nobody watches (benchmarks, tests, a batch inside another).
pub struct NoProgress;

impl Progress for NoProgress {
    fn item(&self, _: &ItemReport) {}
}

/// Everything a batch did.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct BatchReport {
    /// One entry per document or failed case.
    pub items: Vec<ItemReport>,
}

impl BatchReport {
    /// Count of (written, unchanged, failed).
    pub fn counts(&self) -> (usize, usize, usize) {
        self.items.iter().fold((0, 0, 0), |(w, u, f), i| match i.outcome {
            Outcome::Written { .. } => (w + 1, u, f),
            Outcome::Unchanged { .. } | Outcome::Historic { .. } => (w, u + 1, f),
            Outcome::Failed { .. } => (w, u, f + 1),
        })
    }

    /// Whether any item failed (exit code 1).
    pub fn has_failures(&self) -> bool {
        self.counts().2 > 0
    }
}
