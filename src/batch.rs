//! The render pipeline over many cases: load → rules → render → typeset →
//! store, in parallel, one result per document, one bad case failing alone.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::{NaiveDate, SecondsFormat, Utc};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::case::{self, CaseError, LoadedCase};
use crate::config::Config;
use crate::render::{self, DocumentKind, RenderRequest, Renderer, ServiceView, TemplateSet};
use crate::rules::{self, WorkingCalendar};
use crate::store::{self, LogEntry, Published};
use crate::typeset::{PdfMeta, Typesetter};

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
    /// Render only every n-th case from the i-th, as `(i, n)`: one worker
    /// process's share (see [`render_in_processes`]).
    pub shard: Option<(usize, usize)>,
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
    /// finished item, from worker threads.
    pub fn render_paths(
        &self,
        inputs: &[PathBuf],
        opts: &RenderOptions,
        progress: &(dyn Fn(&ItemReport) + Sync),
    ) -> Result<BatchReport, SetupError> {
        let files = case::discover(inputs).map_err(|e| SetupError::Input(e.to_string()))?;
        if let Some(dir) = &opts.typst_dir {
            std::fs::create_dir_all(dir)
                .and_then(|()| std::fs::write(dir.join(render::LAYOUT), &self.layout))
                .map_err(|e| SetupError::Input(format!("{}: {e}", dir.display())))?;
        }
        let loaded: Vec<Result<LoadedCase, CaseError>> =
            files.par_iter().flat_map_iter(|f| case::load_file(f)).collect();
        let mut items = Vec::new();
        let mut first_seen: HashMap<String, (PathBuf, usize)> = HashMap::new();
        let mut cases = Vec::new();
        for result in loaded {
            match result {
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
                        items.push(failed(Some(id), &c.file, None, reason, progress));
                    } else {
                        first_seen.insert(id, (c.file.clone(), c.line));
                        cases.push(c);
                    }
                }
                Err(e) => items.push(failed(None, &e.file.clone(), None, e.to_string(), progress)),
            }
        }
        if let Some((i, n)) = opts.shard {
            // Every shard loads every file (so shares are the same in each);
            // only the first reports files that failed to load.
            cases = cases.into_iter().enumerate().filter(|(k, _)| k % n == i).map(|(_, c)| c).collect();
            if i != 0 {
                items.clear();
            }
        }
        let rendered = self.render_all(&cases, opts, progress);
        items.extend(rendered);
        Ok(BatchReport { items })
    }

    /// Renders every case on `opts.jobs` worker threads, results in input order.
    ///
    /// Plain threads, not rayon: Typst parallelises layout on the rayon pool
    /// it is called from, and a rayon worker waiting inside a compile would
    /// steal another case's compile onto the same stack, again and again,
    /// until the stack overflows (seen at 1,000 cases).
    fn render_all(
        &self,
        cases: &[LoadedCase],
        opts: &RenderOptions,
        progress: &(dyn Fn(&ItemReport) + Sync),
    ) -> Vec<ItemReport> {
        let jobs = opts.jobs.clamp(1, cases.len().max(1));
        let next = std::sync::atomic::AtomicUsize::new(0);
        let mut results: Vec<(usize, Vec<ItemReport>)> = std::thread::scope(|scope| {
            let workers: Vec<_> = (0..jobs)
                .map(|_| {
                    std::thread::Builder::new()
                        .name("casepress-render".into())
                        .stack_size(WORKER_STACK)
                        .spawn_scoped(scope, || {
                            let mut mine = Vec::new();
                            loop {
                                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                                let Some(case) = cases.get(i) else { break };
                                mine.push((i, self.render_case(case, opts, progress)));
                            }
                            mine
                        })
                        .expect("a worker thread starts")
                })
                .collect();
            workers.into_iter().flat_map(|w| w.join().expect("a render worker does not panic")).collect()
        });
        results.sort_by_key(|(i, _)| *i);
        results.into_iter().flat_map(|(_, items)| items).collect()
    }

    /// Renders the selected documents of one case.
    pub fn render_case(
        &self,
        loaded: &LoadedCase,
        opts: &RenderOptions,
        progress: &(dyn Fn(&ItemReport) + Sync),
    ) -> Vec<ItemReport> {
        let case = &loaded.case;
        let facts = rules::derive(case, &self.calendar, opts.date);
        let kinds = opts.kinds.for_case(case, &facts);
        let case_dir = self.config.paths.output.join("cases").join(case.case_id.as_str());
        let log = store::read_log(&case_dir);
        let case_json = serde_json::to_vec(case).expect("a case serialises");
        let mut reports = Vec::new();
        let mut pending = Vec::new();
        for kind in kinds {
            let outcome = match &log {
                Err(e) => Outcome::Failed { reason: e.to_string() },
                Ok(log) => match self.render_document(loaded, &facts, kind, opts, &case_dir, log, &case_json)
                {
                    Ok((outcome, entry)) => {
                        pending.extend(entry);
                        outcome
                    }
                    Err(reason) => Outcome::Failed { reason },
                },
            };
            reports.push(ItemReport {
                case_id: Some(case.case_id.to_string()),
                file: loaded.file.clone(),
                kind: Some(kind),
                outcome,
            });
        }
        // One folder sync and one log write per case, not per document: the
        // files are durable before the log names them.
        if !pending.is_empty() {
            let modes = self.config.permissions.modes();
            let durable = store::sync_dir(&case_dir.join("documents"))
                .and_then(|()| store::append_log_many(&case_dir, &pending, modes));
            if let Err(e) = durable {
                for r in &mut reports {
                    if matches!(r.outcome, Outcome::Written { .. } | Outcome::Unchanged { .. }) {
                        r.outcome = Outcome::Failed { reason: e.to_string() };
                    }
                }
            }
        }
        reports.iter().for_each(progress);
        reports
    }

    #[allow(clippy::too_many_arguments, reason = "one call site; the arguments are the stage's inputs")]
    fn render_document(
        &self,
        loaded: &LoadedCase,
        facts: &rules::Facts,
        kind: DocumentKind,
        opts: &RenderOptions,
        case_dir: &Path,
        log: &[LogEntry],
        case_json: &[u8],
    ) -> Result<(Outcome, Option<LogEntry>), String> {
        let case = &loaded.case;
        let where_ = || format!("{}:{}: case `{}`", loaded.file.display(), loaded.line, case.case_id);
        let input_hash = self.input_hash(kind, opts.final_, case_json);
        let docs_dir = case_dir.join("documents");
        if !opts.force
            && let Some(path) = already_rendered(log, &docs_dir, kind, &input_hash)
        {
            return Ok((Outcome::Unchanged { path }, None));
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
        let modes = self.config.permissions.modes();
        let published = store::publish_unsynced(&docs_dir, &name, &pdf, modes).map_err(|e| e.to_string())?;
        let sha256 = store::sha256_hex(&pdf);
        let file = published.path().file_name().unwrap_or_default().to_string_lossy().into_owned();
        let entry = LogEntry::Document {
            at: Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true),
            kind: kind.name().into(),
            file,
            sha256: sha256.clone(),
            input_hash,
            draft: !opts.final_,
            version: env!("CARGO_PKG_VERSION").into(),
        };
        let outcome = match published {
            Published::Written(path) => {
                Outcome::Written { path, sha256, to_complete: rendered.missing.len() }
            }
            Published::Unchanged(path) => Outcome::Unchanged { path },
        };
        // The caller syncs the folder and appends the log once per case.
        Ok((outcome, Some(entry)))
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

fn failed(
    case_id: Option<String>,
    file: &Path,
    kind: Option<DocumentKind>,
    reason: String,
    progress: &(dyn Fn(&ItemReport) + Sync),
) -> ItemReport {
    let report = ItemReport { case_id, file: file.to_owned(), kind, outcome: Outcome::Failed { reason } };
    progress(&report);
    report
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

/// Renders in `n` worker processes of the casepress binary `exe`, each given
/// `args` plus its share (`--shard i/n --jobs 1 --json --no-run-record`),
/// and merges their reports.
///
/// Separate processes scale better than threads on Typst: its memo cache is
/// shared by every thread of a process.
pub fn render_in_processes(
    exe: &Path,
    args: &[std::ffi::OsString],
    n: usize,
) -> Result<BatchReport, SetupError> {
    let children: Vec<_> = (0..n)
        .map(|i| {
            std::process::Command::new(exe)
                .args(args)
                .args(["--shard", &format!("{i}/{n}"), "--jobs", "1", "--json", "--no-run-record"])
                .stdout(std::process::Stdio::piped())
                .spawn()
                .map_err(|e| {
                    SetupError::Input(format!("{}: cannot start a worker process: {e}", exe.display()))
                })
        })
        .collect::<Result<_, _>>()?;
    let mut items = Vec::new();
    for (i, child) in children.into_iter().enumerate() {
        let output = child.wait_with_output().map_err(|e| SetupError::Input(format!("worker {i}: {e}")))?;
        match serde_json::from_slice::<BatchReport>(&output.stdout) {
            Ok(report) => items.extend(report.items),
            Err(_) if output.status.code() == Some(2) => {
                return Err(SetupError::Input(format!("worker {i} could not run (its error is above)")));
            }
            Err(e) => items.push(ItemReport {
                case_id: None,
                file: PathBuf::new(),
                kind: None,
                outcome: Outcome::Failed {
                    reason: format!("worker process {i} of {n} failed ({}): {e}", output.status),
                },
            }),
        }
    }
    Ok(BatchReport { items })
}
