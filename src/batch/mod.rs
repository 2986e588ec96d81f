//! The render pipeline over many cases: load → rules → render → typeset →
//! store, in parallel, one result per document, one bad case failing alone.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use chrono::{NaiveDate, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::case::{self, CaseError, LoadedCase};
use crate::config::Config;
use crate::render::{self, DocumentKind, RenderRequest, Renderer, ServiceView, TemplateSet};
use crate::rules::{self, WorkingCalendar};
use crate::store::{self, LogEntry, Published};
use crate::typeset::{PdfMeta, Typesetter};

mod workers;
pub use workers::render_in_processes;

/// Something that stops the whole command (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    /// Templates could not be loaded or compiled.
    #[error(transparent)]
    Render(#[from] render::RenderError),
    /// An input path or config file could not be used.
    #[error("{0}")]
    Input(String),
    /// The output folder could not be written.
    #[error(transparent)]
    Store(#[from] store::StoreError),
}

/// Which documents to render for each case.
#[derive(Debug, Clone, Default)]
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

    /// The kinds to render for a case, in the order of [`DocumentKind::ALL`].
    pub fn for_case(&self, case: &crate::case::Case, facts: &rules::Facts) -> Vec<DocumentKind> {
        DocumentKind::ALL
            .into_iter()
            .filter(|k| match self {
                Self::Applicable => k.applies(case, facts),
                Self::These { kinds, required_forms } => {
                    kinds.contains(k) || (*required_forms && k.form().is_some_and(|f| facts.requires(f)))
                }
            })
            .collect()
    }
}

/// Stack for render workers: Typst's evaluation and layout recurse deeply on
/// long documents.
const WORKER_STACK: usize = 32 * 1024 * 1024;

/// The default number of render workers: one per core.
pub fn default_jobs() -> usize {
    std::thread::available_parallelism().map(std::num::NonZeroUsize::get).unwrap_or(1)
}

/// Options for one render batch.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    /// Which documents.
    pub kinds: KindSelection,
    /// Final documents (refuse missing data) instead of drafts.
    pub final_: bool,
    /// The documents' date, and the day the rules are applied for.
    pub date: NaiveDate,
    /// Re-render even when the case log shows the same input was rendered.
    pub force: bool,
    /// Worker threads.
    pub jobs: usize,
    /// Also write each document's generated Typst source (and `layout.typ`)
    /// into this folder, for template authors and for comparing with the
    /// typst command-line tool.
    pub typst_dir: Option<PathBuf>,
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
    /// The item failed; the batch went on.
    Failed {
        /// Why, naming the file, JSON path or template involved.
        reason: String,
    },
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
            Outcome::Unchanged { .. } => (w, u + 1, f),
            Outcome::Failed { .. } => (w, u, f + 1),
        })
    }

    /// Whether any item failed (exit code 1).
    pub fn has_failures(&self) -> bool {
        self.counts().2 > 0
    }
}

/// The render pipeline, built once per process: templates compiled, fonts
/// parsed, calendar loaded.
pub struct Pipeline {
    config: Config,
    renderer: Renderer,
    typesetter: Typesetter,
    calendar: WorkingCalendar,
    naming: minijinja::Environment<'static>,
    /// Hash of templates, config and version: changes re-render everything.
    setup_hash: [u8; 32],
    /// The shared Typst layout module, for `--typst-dir`.
    layout: String,
}

impl Pipeline {
    /// Loads templates (with overrides), the logo and fonts.
    pub fn new(config: Config) -> Result<Self, SetupError> {
        let templates = match &config.paths.templates {
            Some(dir) => TemplateSet::with_overrides(dir)?,
            None => TemplateSet::embedded(),
        };
        let mut assets = Vec::new();
        let mut logo = None;
        if let Some(path) = &config.service.logo {
            let bytes = std::fs::read(path).map_err(|e| {
                SetupError::Input(format!("{}: cannot read the service logo: {e}", path.display()))
            })?;
            let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("png").to_ascii_lowercase();
            let name = format!("assets/logo.{ext}");
            logo = Some(format!("/{name}"));
            assets.push((name, bytes));
        }
        let layout = templates.get(render::LAYOUT).unwrap_or_default().to_owned();
        let typesetter = Typesetter::new(&[(render::LAYOUT.to_owned(), layout)], &assets);
        let service = ServiceView {
            name: config.service.name.clone(),
            address: config.service.address.clone(),
            phone: config.service.phone.clone(),
            email: config.service.email.clone(),
            logo,
        };
        let renderer = Renderer::new(&templates, service)?;
        let mut naming = minijinja::Environment::new();
        naming.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        naming
            .add_template_owned("document", config.naming.document.clone())
            .map_err(|e| SetupError::Input(format!("naming.document: {e}")))?;
        let mut h = Sha256::new();
        h.update(env!("CARGO_PKG_VERSION"));
        h.update(templates.digest());
        h.update(serde_json::to_vec(&config).expect("config serialises"));
        for (_, bytes) in &assets {
            h.update(Sha256::digest(bytes));
        }
        Ok(Self {
            calendar: WorkingCalendar::england_and_wales(&config.calendar.closure_days),
            config,
            renderer,
            typesetter,
            naming,
            setup_hash: h.finalize().into(),
            layout: templates.get(render::LAYOUT).unwrap_or_default().to_owned(),
        })
    }

    /// The configuration in use.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Renders and typesets a notice template (e.g. `safety-link.typ.j2`).
    pub fn notice_pdf(
        &self,
        template: &str,
        notice: &serde_json::Value,
        ident: &str,
        date: NaiveDate,
    ) -> Result<Vec<u8>, String> {
        let source = self.renderer.render_notice(template, notice).map_err(|e| e.to_string())?;
        self.typesetter
            .typeset(&source, &PdfMeta { ident: ident.to_owned(), date })
            .map_err(|e| format!("{template}: {e}"))
    }

    /// The working-day calendar in use.
    pub fn calendar(&self) -> &WorkingCalendar {
        &self.calendar
    }

    /// Renders every case found in `inputs`. `progress` is called once per
    /// finished item, as it is stored.
    pub fn render_paths(
        &self,
        inputs: &[PathBuf],
        opts: &RenderOptions,
        progress: &(dyn Fn(&ItemReport) + Sync),
    ) -> Result<BatchReport, SetupError> {
        self.prepare_typst_dir(opts)?;
        let (cases, mut items) = load_cases(inputs)?;
        items.iter().for_each(progress);
        items.extend(self.render_all(&cases, opts, progress));
        Ok(BatchReport { items })
    }

    /// Writes the shared `layout.typ` into `--typst-dir`, if asked.
    fn prepare_typst_dir(&self, opts: &RenderOptions) -> Result<(), SetupError> {
        if let Some(dir) = &opts.typst_dir {
            std::fs::create_dir_all(dir)
                .and_then(|()| std::fs::write(dir.join(render::LAYOUT), &self.layout))
                .map_err(|e| SetupError::Input(format!("{}: {e}", dir.display())))?;
        }
        Ok(())
    }

    /// Renders every case on `opts.jobs` worker threads, results in input order.
    fn render_all(
        &self,
        cases: &[LoadedCase],
        opts: &RenderOptions,
        progress: &(dyn Fn(&ItemReport) + Sync),
    ) -> Vec<ItemReport> {
        let next = AtomicUsize::new(0);
        let claim = || {
            let i = next.fetch_add(1, Ordering::Relaxed);
            cases.get(i).map(|c| (i, Cow::Borrowed(c)))
        };
        let mut results = Vec::new();
        self.render_claimed(opts, opts.jobs.clamp(1, cases.len().max(1)), &claim, |i, items| {
            items.iter().for_each(progress);
            results.push((i, items));
        });
        results.sort_by_key(|(i, _)| *i);
        results.into_iter().flat_map(|(_, items)| items).collect()
    }

    /// Renders the cases that `claim` hands out (each with its position in
    /// the batch, until it gives `None`) on `jobs` worker threads, and gives
    /// each case's items to `done` as it is stored, in the order stored.
    ///
    /// Plain threads, not rayon: Typst parallelises layout on the rayon pool
    /// it is called from, and a rayon worker waiting inside a compile would
    /// steal another case's compile onto the same stack, again and again,
    /// until the stack overflows (seen at 1,000 cases).
    ///
    /// Workers only compute (rules, templates, typesetting); one writer
    /// thread stores what they make (writes, fsyncs, case logs), so a
    /// worker never waits on the disk.
    pub(crate) fn render_claimed<'c>(
        &self,
        opts: &RenderOptions,
        jobs: usize,
        claim: &(dyn Fn() -> Option<(usize, Cow<'c, LoadedCase>)> + Sync),
        mut done: impl FnMut(usize, Vec<ItemReport>),
    ) {
        // Bounded, so at most a few cases' PDFs wait in memory.
        let (tx, rx) = mpsc::sync_channel::<(usize, TypesetCase)>(jobs);
        std::thread::scope(|scope| {
            for _ in 0..jobs.max(1) {
                let tx = tx.clone();
                std::thread::Builder::new()
                    .name("casepress-render".into())
                    .stack_size(WORKER_STACK)
                    .spawn_scoped(scope, move || {
                        while let Some((i, case)) = claim() {
                            if tx.send((i, self.typeset_case(&case, opts))).is_err() {
                                break;
                            }
                        }
                    })
                    .expect("a worker thread starts");
            }
            drop(tx);
            // This thread is the writer.
            for (i, typeset) in rx {
                done(i, self.store_case(typeset));
            }
        });
    }

    /// The computing half of a case: rules, templates and typesetting of
    /// every selected document that is not already on disk. Writes nothing
    /// but `--typst-dir` sources.
    fn typeset_case(&self, loaded: &LoadedCase, opts: &RenderOptions) -> TypesetCase {
        let case = &loaded.case;
        crate::failpoint(&format!("render:{}", case.case_id));
        let facts = rules::derive(case, &self.calendar, opts.date);
        let kinds = opts.kinds.for_case(case, &facts);
        let case_dir = self.config.paths.output.join("cases").join(case.case_id.as_str());
        let log = store::read_log(&case_dir);
        let case_json = serde_json::to_vec(case).expect("a case serialises");
        let docs = kinds
            .into_iter()
            .map(|kind| {
                let step = match &log {
                    Err(e) => Err(e.to_string()),
                    Ok(log) => self.typeset_document(loaded, &facts, kind, opts, &case_dir, log, &case_json),
                };
                (kind, step)
            })
            .collect();
        TypesetCase { case_id: case.case_id.to_string(), file: loaded.file.clone(), case_dir, docs }
    }

    /// The storing half: publish each PDF, sync the folder once, then append
    /// one case-log line per new document, so a logged file is always durable.
    fn store_case(&self, typeset: TypesetCase) -> Vec<ItemReport> {
        let modes = self.config.permissions.modes();
        let docs_dir = typeset.case_dir.join("documents");
        let mut pending = Vec::new();
        let mut reports: Vec<ItemReport> = typeset
            .docs
            .into_iter()
            .map(|(kind, step)| {
                let outcome = match step {
                    Err(reason) => Outcome::Failed { reason },
                    Ok(DocStep::Unchanged(path)) => Outcome::Unchanged { path },
                    Ok(DocStep::Typeset(doc)) => match self.publish_document(&docs_dir, kind, doc, modes) {
                        Ok((outcome, entry)) => {
                            pending.push(entry);
                            outcome
                        }
                        Err(reason) => Outcome::Failed { reason },
                    },
                };
                ItemReport {
                    case_id: Some(typeset.case_id.clone()),
                    file: typeset.file.clone(),
                    kind: Some(kind),
                    outcome,
                }
            })
            .collect();
        if !pending.is_empty() {
            let durable = store::sync_dir(&docs_dir)
                .and_then(|()| store::append_log_many(&typeset.case_dir, &pending, modes));
            if let Err(e) = durable {
                for r in &mut reports {
                    if matches!(r.outcome, Outcome::Written { .. } | Outcome::Unchanged { .. }) {
                        r.outcome = Outcome::Failed { reason: e.to_string() };
                    }
                }
            }
        }
        reports
    }

    #[allow(clippy::too_many_arguments, reason = "one call site; the arguments are the stage's inputs")]
    fn typeset_document(
        &self,
        loaded: &LoadedCase,
        facts: &rules::Facts,
        kind: DocumentKind,
        opts: &RenderOptions,
        case_dir: &Path,
        log: &[LogEntry],
        case_json: &[u8],
    ) -> Result<DocStep, String> {
        let case = &loaded.case;
        let where_ = || format!("{}:{}: case `{}`", loaded.file.display(), loaded.line, case.case_id);
        let input_hash = self.input_hash(kind, opts.final_, case_json);
        if !opts.force
            && let Some(path) = already_rendered(log, &case_dir.join("documents"), kind, &input_hash)
        {
            return Ok(DocStep::Unchanged(path));
        }
        let req = RenderRequest { case, facts, kind, date: opts.date, final_: opts.final_ };
        let rendered = self.renderer.render(req).map_err(|e| format!("{}: {e}", where_()))?;
        if let Some(dir) = &opts.typst_dir {
            let path = dir.join(format!("{}_{kind}.typ", case.case_id));
            std::fs::write(&path, &rendered.source).map_err(|e| format!("{}: {e}", path.display()))?;
        }
        let meta = PdfMeta { ident: format!("{}/{}", case.case_id, kind), date: opts.date };
        let pdf = self
            .typesetter
            .typeset(&rendered.source, &meta)
            .map_err(|e| format!("{}: {kind}: {e}", where_()))?;
        let name = self.document_name(case.case_id.as_str(), kind, opts)?;
        Ok(DocStep::Typeset(TypesetDocument {
            pdf,
            name,
            input_hash,
            draft: !opts.final_,
            to_complete: rendered.missing.len(),
        }))
    }

    /// Publishes one PDF without syncing its folder (the caller does, once
    /// per case) and makes its case-log line.
    fn publish_document(
        &self,
        docs_dir: &Path,
        kind: DocumentKind,
        doc: TypesetDocument,
        modes: store::Modes,
    ) -> Result<(Outcome, LogEntry), String> {
        let published =
            store::publish_unsynced(docs_dir, &doc.name, &doc.pdf, modes).map_err(|e| e.to_string())?;
        let sha256 = store::sha256_hex(&doc.pdf);
        let file = published.path().file_name().unwrap_or_default().to_string_lossy().into_owned();
        let entry = LogEntry::Document {
            at: Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true),
            kind: kind.name().into(),
            file,
            sha256: sha256.clone(),
            input_hash: doc.input_hash,
            draft: doc.draft,
            version: env!("CARGO_PKG_VERSION").into(),
        };
        let outcome = match published {
            Published::Written(path) => Outcome::Written { path, sha256, to_complete: doc.to_complete },
            Published::Unchanged(path) => Outcome::Unchanged { path },
        };
        Ok((outcome, entry))
    }

    /// SHA-256 of everything that shapes a document except its date.
    fn input_hash(&self, kind: DocumentKind, final_: bool, case_json: &[u8]) -> String {
        let mut h = Sha256::new();
        h.update(self.setup_hash);
        h.update(kind.name());
        h.update([u8::from(final_)]);
        h.update(case_json);
        store::hex(&h.finalize())
    }

    fn document_name(
        &self,
        case_id: &str,
        kind: DocumentKind,
        opts: &RenderOptions,
    ) -> Result<String, String> {
        let ctx = minijinja::context! {
            case_id => case_id,
            kind => kind.name(),
            date => opts.date.to_string(),
            draft => !opts.final_,
        };
        let name = self
            .naming
            .get_template("document")
            .and_then(|t| t.render(ctx))
            .map_err(|e| format!("naming.document: {e}"))?;
        store::check_file_name(&name).map_err(|e| format!("naming.document gave {e}"))?;
        Ok(name)
    }
}

/// Loads every case found in `inputs`, in a stable order (sorted files,
/// then position in the file), with one failed item per file or case that
/// could not be used, and for a case id seen twice.
pub(crate) fn load_cases(inputs: &[PathBuf]) -> Result<(Vec<LoadedCase>, Vec<ItemReport>), SetupError> {
    let mut cases = Vec::new();
    let items = load_cases_each(inputs, |c| cases.push(c))?;
    Ok((cases, items))
}

/// [`load_cases`], giving each usable case to `each` as soon as it is
/// parsed and checked, and returning the failed items.
pub(crate) fn load_cases_each(
    inputs: &[PathBuf],
    mut each: impl FnMut(LoadedCase),
) -> Result<Vec<ItemReport>, SetupError> {
    let files = case::discover(inputs).map_err(|e| SetupError::Input(e.to_string()))?;
    let mut items = Vec::new();
    let mut first_seen: HashMap<String, (PathBuf, usize)> = HashMap::new();
    for file in &files {
        case::load_file_each(file, |result: Result<LoadedCase, CaseError>| match result {
            Ok(c) => {
                let id = c.case.case_id.to_string();
                if let Some((file, line)) = first_seen.get(&id) {
                    let reason = format!(
                        "{}:{}: case_id `{id}` is also in {}:{}: expected each case once per batch",
                        c.file.display(),
                        c.line,
                        file.display(),
                        line
                    );
                    items.push(failed(Some(id), &c.file, None, reason));
                } else {
                    first_seen.insert(id, (c.file.clone(), c.line));
                    each(c);
                }
            }
            Err(e) => items.push(failed(None, &e.file.clone(), None, e.to_string())),
        });
    }
    Ok(items)
}

/// One case's documents, computed and waiting to be stored.
struct TypesetCase {
    case_id: String,
    file: PathBuf,
    case_dir: PathBuf,
    docs: Vec<(DocumentKind, Result<DocStep, String>)>,
}

/// Where one document stands after the computing half.
enum DocStep {
    /// Rendered before from the same input; the PDF is intact.
    Unchanged(PathBuf),
    /// A new PDF to publish.
    Typeset(TypesetDocument),
}

struct TypesetDocument {
    pdf: Vec<u8>,
    name: String,
    input_hash: String,
    draft: bool,
    to_complete: usize,
}

/// The existing PDF rendered from exactly this input, if it is still intact.
fn already_rendered(
    log: &[LogEntry],
    docs_dir: &Path,
    kind: DocumentKind,
    input_hash: &str,
) -> Option<PathBuf> {
    log.iter().rev().find_map(|entry| match entry {
        LogEntry::Document { kind: k, file, sha256, input_hash: h, .. }
            if k == kind.name() && h == input_hash =>
        {
            let path = docs_dir.join(file);
            let intact = store::file_digest(&path).ok().is_some_and(|d| store::hex(&d) == *sha256);
            intact.then_some(path)
        }
        _ => None,
    })
}

fn failed(case_id: Option<String>, file: &Path, kind: Option<DocumentKind>, reason: String) -> ItemReport {
    ItemReport { case_id, file: file.to_owned(), kind, outcome: Outcome::Failed { reason } }
}

/// Writes `OUT/runs/<timestamp>.json`: what the run did, item by item.
pub fn write_run_record(config: &Config, command: &str, report: &BatchReport) -> Result<PathBuf, SetupError> {
    let now = Utc::now();
    let (written, unchanged, failed) = report.counts();
    let record = serde_json::json!({
        "command": command,
        "finished": now.to_rfc3339_opts(SecondsFormat::Secs, true),
        "version": env!("CARGO_PKG_VERSION"),
        "written": written,
        "unchanged": unchanged,
        "failed": failed,
        "items": report.items,
    });
    let bytes = serde_json::to_vec_pretty(&record).expect("a run record serialises");
    let dir = config.paths.output.join("runs");
    let name = format!("{}.json", now.format("%Y%m%dT%H%M%SZ"));
    Ok(store::publish(&dir, &name, &bytes, config.permissions.modes())?.path().to_owned())
}
