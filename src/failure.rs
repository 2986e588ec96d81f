//! Why one item of a batch failed, typed by the stage it failed in, so run
//! records and `--json` can be filtered ("every typeset failure last night")
//! and a person still reads one plain sentence.

use serde::{Deserialize, Serialize};

/// The stage an item failed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stage {
    /// Reading or parsing a case file; a case id seen twice.
    Load,
    /// Applying the practice rules; a final document with required data missing.
    Rules,
    /// Turning a case into Typst source through a template, or naming the file.
    Template,
    /// Typesetting the source into a PDF.
    Typeset,
    /// Writing the output (documents, case logs, bundles).
    Store,
    /// Filing a received statement.
    Filing,
    /// A worker process stopped while it held the item.
    Worker,
}

impl std::fmt::Display for Stage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Load => "load",
            Self::Rules => "rules",
            Self::Template => "template",
            Self::Typeset => "typeset",
            Self::Store => "store",
            Self::Filing => "filing",
            Self::Worker => "worker",
        })
    }
}

/// One item's failure: its stage and the reason in words, naming the file,
/// JSON path, template or document involved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{reason}")]
pub struct Failure {
    /// Where in the pipeline.
    pub stage: Stage,
    /// What went wrong, for a person.
    pub reason: String,
}

impl Failure {
    /// A failure at `stage`.
    pub fn new(stage: Stage, reason: impl Into<String>) -> Self {
        Self { stage, reason: reason.into() }
    }
}
