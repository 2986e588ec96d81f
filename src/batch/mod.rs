//! The render batch: which documents, for which cases, on how many workers,
//! and what happened to each. Built on the shared [`Press`]; the engine
//! (workers compute, one writer stores) is in `engine`, worker processes in
//! `workers`, the run record in `record`.

use std::path::PathBuf;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::case::{Caseload, LoadFailure};
use crate::documents::DocumentKind;
use crate::failure::{Failure, Stage};
use crate::press::{Press, SetupError};
use crate::rules;
use crate::store;

mod engine;
mod record;
mod workers;

pub use record::write_run_record;
pub use workers::serve_worker;

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

/// Takes the render lock of an output root: one render batch at a time, so
/// two never append the same documents to a case log. Released on drop.
fn lock(press: &Press) -> Result<std::fs::File, SetupError> {
    let path = press.layout().render_lock();
    store::ensure_dir(press.layout().root(), press.modes())?;
    store::try_lock(&path, press.modes())?.ok_or_else(|| {
        SetupError::Input(format!(
            "{}: another render is writing into this output folder; try again when it finishes",
            path.display()
        ))
    })
}

/// Renders every case of `cases` with `opts` on `workers`. `progress` is
/// called once per finished item, as it is stored. One bad case fails
/// alone; only an unusable input or output stops the batch.
pub fn render(
    press: &Press,
    cases: Cases<'_>,
    opts: &RenderOptions,
    workers: &Workers,
    progress: &(dyn Fn(&ItemReport) + Sync),
) -> Result<BatchReport, SetupError> {
    let _lock = lock(press)?;
    if let Some(dir) = &opts.typst_dir {
        store::replace(dir, crate::render::LAYOUT, press.layout_source().as_bytes(), press.modes())?;
    }
    match workers {
        Workers::Threads => engine::render_in_threads(press, cases, opts, progress),
        Workers::Processes { exe } => workers::render_in_processes(exe, press, cases, opts, progress),
    }
}
