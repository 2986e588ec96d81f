//! What a render batch is asked to do: which documents, for which cases, on
//! which workers. Plain inputs, shared by the engine, the worker processes
//! and callers; a floor of its own so that it depends on none of them.

use std::path::PathBuf;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::case::Caseload;
use crate::documents::DocumentKind;
use crate::rules;

/// Which documents to render for each case.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum KindSelection {
    /// Every kind that applies to the case (`run`, and `render` without `--kind`).
    #[default]
    Applicable,
    /// These kinds whether or not they apply, plus (`--kind required`) the
    /// forms the rules say the case needs.
    These {
        /// Kinds named explicitly.
        kinds: Vec<DocumentKind>,
        /// Also every form the rules require.
        required_forms: bool,
    },
}

impl KindSelection {
    /// Exactly these kinds.
    pub fn only(kinds: Vec<DocumentKind>) -> Self {
        Self::These { kinds, required_forms: false }
    }

    /// The selection a user names: no names for every applicable kind;
    /// kind names, plus `required` for the forms the rules require.
    pub fn from_names(names: &[String]) -> Result<Self, String> {
        if names.is_empty() {
            return Ok(Self::Applicable);
        }
        let required_forms = names.iter().any(|n| n == "required");
        let kinds = names
            .iter()
            .filter(|n| *n != "required")
            .map(|n| n.parse::<DocumentKind>().map_err(|e| format!("{e}, or required")))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self::These { kinds, required_forms })
    }

    /// The kinds to render for a case, in the order of [`DocumentKind::ALL`].
    pub fn for_case(&self, case: &crate::case::Case, facts: &rules::Facts) -> Vec<DocumentKind> {
        DocumentKind::ALL
            .into_iter()
            .filter(|k| match self {
                Self::Applicable => crate::rules::documents::applies(*k, case, facts),
                Self::These { kinds, required_forms } => {
                    kinds.contains(k) || (*required_forms && k.is_form() && facts.requires(*k))
                }
            })
            .collect()
    }
}

/// The default number of render workers: one per core.
pub fn default_jobs() -> usize {
    std::thread::available_parallelism().map(std::num::NonZeroUsize::get).unwrap_or(1)
}

/// Options for one render batch. A new option is added here only: worker
/// processes receive these options whole.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RenderOptions {
    /// Which documents.
    pub kinds: KindSelection,
    /// Final documents (refuse missing data) instead of drafts.
    pub final_: bool,
    /// The documents' date, and the day the rules are applied for.
    pub date: NaiveDate,
    /// Re-render even when the case log shows the same input was rendered.
    pub force: bool,
    /// Workers (threads, or processes with [`Workers::Processes`]).
    pub jobs: usize,
    /// Also write each document's generated Typst source (and `layout.typ`)
    /// into this folder, for template authors and for comparing with the
    /// typst command-line tool.
    pub typst_dir: Option<PathBuf>,
}

impl RenderOptions {
    /// Drafts of every applicable kind on `date`, one worker per core.
    pub fn new(date: NaiveDate) -> Self {
        Self {
            kinds: KindSelection::Applicable,
            final_: false,
            date,
            force: false,
            jobs: default_jobs(),
            typst_dir: None,
        }
    }
}

/// Where the batch's workers run.
#[derive(Debug, Clone)]
pub enum Workers {
    /// Threads of this process.
    Threads,
    /// Child processes of the casepress binary `exe` (its hidden `worker`
    /// command). Typst's memo cache is global to a process, so threads of
    /// one process contend on it; processes share nothing.
    Processes {
        /// The casepress binary.
        exe: PathBuf,
    },
}

/// The cases of a batch: paths to load (streamed, each case kept as JSON
/// text when rendering in processes), or a caseload already loaded.
#[derive(Debug, Clone, Copy)]
pub enum Cases<'a> {
    /// Case files or folders.
    Paths(&'a [PathBuf]),
    /// Loaded once by the caller (the nightly run).
    Loaded(&'a Caseload),
}
