//! The render engine: worker threads compute (rules, templates, Typst) and
//! one writer thread stores (publish, one folder sync, one case-log append
//! per case), so a worker never waits on the disk and a logged file is
//! always durable.

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use chrono::{SecondsFormat, Utc};

use super::{BatchReport, Cases, ItemReport, Outcome, RenderOptions};
use crate::case::{self, LoadedCase};
use crate::failure::{Failure, Stage};
use crate::press::{Press, SetupError};
use crate::render::{DocumentKind, RenderRequest};
use crate::rules;
use crate::store::{self, LogEntry, Published};
use crate::typeset::PdfMeta;

/// Stack for render workers: Typst's evaluation and layout recurse deeply on
/// long documents.
const WORKER_STACK: usize = 32 * 1024 * 1024;

/// Renders on `opts.jobs` threads of this process, results in input order.
pub(super) fn render_in_threads(
    press: &Press,
    cases: Cases<'_>,
    opts: &RenderOptions,
    progress: &(dyn Fn(&ItemReport) + Sync),
) -> Result<BatchReport, SetupError> {
    let loaded;
    let (cases, failures) = match cases {
        Cases::Loaded(c) => (c.cases.as_slice(), c.failures.as_slice()),
        Cases::Paths(paths) => {
            loaded = case::Caseload::load_with(paths, &press.config().limits)?;
            (loaded.cases.as_slice(), loaded.failures.as_slice())
        }
    };
    let mut items: Vec<ItemReport> = failures.iter().map(ItemReport::load_failed).collect();
    items.iter().for_each(progress);
    let next = AtomicUsize::new(0);
    let claim = || {
        let i = next.fetch_add(1, Ordering::Relaxed);
        cases.get(i).map(|c| (i, Cow::Borrowed(c)))
    };
    let mut results = Vec::new();
    render_claimed(press, opts, opts.jobs.clamp(1, cases.len().max(1)), &claim, |i, done| {
        done.iter().for_each(progress);
        results.push((i, done));
    });
    results.sort_by_key(|(i, _)| *i);
    items.extend(results.into_iter().flat_map(|(_, items)| items));
    Ok(BatchReport { items })
}

/// Renders the cases that `claim` hands out (each with its position in the
/// batch, until it gives `None`) on `jobs` worker threads, and gives each
/// case's items to `done` as it is stored, in the order stored.
///
/// Plain threads, not rayon: Typst parallelises layout on the rayon pool it
/// is called from, and a rayon worker waiting inside a compile would steal
/// another case's compile onto the same stack, again and again, until the
/// stack overflows (seen at 1,000 cases).
pub(super) fn render_claimed<'c>(
    press: &Press,
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
                        if tx.send((i, typeset_case(press, &case, opts))).is_err() {
                            break;
                        }
                    }
                })
                .expect("a worker thread starts");
        }
        drop(tx);
        // This thread is the writer.
        for (i, typeset) in rx {
            done(i, store_case(press, typeset));
        }
    });
}

/// One case's documents, computed and waiting to be stored.
struct TypesetCase {
    case_id: String,
    file: PathBuf,
    case_dir: PathBuf,
    docs: Vec<(DocumentKind, Result<DocStep, Failure>)>,
}

/// Where one document stands after the computing half.
enum DocStep {
    /// Rendered before from the same input; the PDF is intact.
    Unchanged(PathBuf),
    /// History on the batch's date: left alone (why, in words).
    Historic(String),
    /// A new PDF to publish.
    Typeset(TypesetDocument),
}

struct TypesetDocument {
    pdf: Vec<u8>,
    name: String,
    input_hash: String,
    draft: bool,
    to_complete: usize,
    /// When the case log first recorded these very bytes under this name:
    /// a re-render that changes nothing keeps that date, so bundles made
    /// from the log are the same however often the case is rendered.
    first_logged: Option<String>,
}

/// The computing half of a case: rules, templates and typesetting of every
/// selected document that is not already on disk. Writes nothing but
/// `--typst-dir` sources.
fn typeset_case(press: &Press, loaded: &LoadedCase, opts: &RenderOptions) -> TypesetCase {
    let case = &loaded.case;
    crate::failpoint(&format!("render:{}", case.case_id));
    let facts = rules::derive_with(case, press.calendar(), opts.date, &press.config().rules);
    let kinds = opts.kinds.for_case(case, &facts);
    let case_dir = press.layout().case_dir(case.case_id.as_str());
    let log = store::read_log(&case_dir);
    let case_json = serde_json::to_vec(case).expect("a case serialises");
    let docs = kinds
        .into_iter()
        .map(|kind| {
            let applicable = matches!(opts.kinds, super::KindSelection::Applicable);
            let historic = applicable.then(|| rules::historic(case, kind, &facts, opts.date)).flatten();
            let step = match &log {
                _ if historic.is_some() => Ok(DocStep::Historic(historic.unwrap_or_default())),
                Err(e) => Err(Failure::new(Stage::Store, e.to_string())),
                Ok(log) => {
                    let doc = Document { press, loaded, facts: &facts, kind, opts, case_dir: &case_dir, log };
                    doc.typeset(&case_json)
                }
            };
            (kind, step)
        })
        .collect();
    TypesetCase { case_id: case.case_id.to_string(), file: loaded.file.clone(), case_dir, docs }
}

/// One document of a case, with what it is made from.
struct Document<'a> {
    press: &'a Press,
    loaded: &'a LoadedCase,
    facts: &'a rules::Facts,
    kind: DocumentKind,
    opts: &'a RenderOptions,
    case_dir: &'a Path,
    log: &'a [LogEntry],
}

impl Document<'_> {
    fn typeset(&self, case_json: &[u8]) -> Result<DocStep, Failure> {
        let (case, kind, opts) = (&self.loaded.case, self.kind, self.opts);
        let docs_dir = self.case_dir.join("documents");
        // The gatekeeping record shows the PSR's recorded steps: a new step
        // is a new input.
        let with_history;
        let case_json = if kind == DocumentKind::Gatekeeping {
            let steps: Vec<&LogEntry> = self
                .log
                .iter()
                .filter(|e| matches!(e, LogEntry::Lifecycle { kind: k, .. } if k == DocumentKind::Psr.name()))
                .collect();
            with_history = [case_json, &serde_json::to_vec(&steps).expect("log entries serialise")].concat();
            with_history.as_slice()
        } else {
            case_json
        };
        let input_hash = self.press.input_hash(kind, opts.final_, case_json);
        if !opts.force
            && let Some(path) = already_rendered(self.log, &docs_dir, kind, &input_hash)
        {
            return Ok(DocStep::Unchanged(path));
        }
        // A final is frozen: while the case is as it was when the final was
        // made, a draft render leaves it alone; a changed case makes a new
        // draft version, which needs its own gatekeeping.
        if !opts.final_ {
            let state = crate::history::fold(self.log, kind);
            if let (Some((_, file)), Some(input)) = (&state.final_version, &state.final_input)
                && *input == input_hash
                && !file.is_empty()
            {
                return Ok(DocStep::Unchanged(docs_dir.join(file)));
            }
        }
        let where_ = format!("{}:{}: case `{}`", self.loaded.file.display(), self.loaded.line, case.case_id);
        let in_case = |f: Failure| Failure { reason: format!("{where_}: {}", f.reason), ..f };
        let psr_history =
            (kind == DocumentKind::Gatekeeping).then(|| crate::history::fold(self.log, DocumentKind::Psr));
        let req = RenderRequest {
            case,
            facts: self.facts,
            kind,
            date: opts.date,
            final_: opts.final_,
            psr_history: psr_history.as_ref(),
        };
        let rendered = self.press.render(req).map_err(in_case)?;
        if let Some(dir) = &opts.typst_dir {
            let name = format!("{}_{kind}.typ", case.case_id);
            store::replace(dir, &name, rendered.source.as_bytes(), self.press.modes())
                .map_err(|e| Failure::new(Stage::Store, e.to_string()))?;
        }
        let meta = PdfMeta { ident: format!("{}/{}", case.case_id, kind), date: opts.date };
        let pdf = self.press.typeset(&rendered.source, &meta).map_err(|f| {
            let hint = match opts.typst_dir {
                Some(_) => "",
                None => " (to see the generated source, render again with --typst-dir DIR)",
            };
            Failure { reason: format!("{where_}: {kind}: {}{hint}", f.reason), ..f }
        })?;
        let name = self
            .press
            .document_name(case.case_id.as_str(), kind, opts.date, !opts.final_)
            .map_err(in_case)?;
        let sha256 = store::sha256_hex(&pdf);
        let first_logged = self.log.iter().find_map(|e| match e {
            LogEntry::Document { file, sha256: s, at, .. } if *file == name && *s == sha256 => {
                Some(at.clone())
            }
            _ => None,
        });
        Ok(DocStep::Typeset(TypesetDocument {
            pdf,
            name,
            input_hash,
            draft: !opts.final_,
            to_complete: rendered.to_complete.len(),
            first_logged,
        }))
    }
}

/// The storing half: publish each PDF, sync the folder once, then append one
/// case-log line per new document, so a logged file is always durable.
fn store_case(press: &Press, typeset: TypesetCase) -> Vec<ItemReport> {
    let modes = press.modes();
    let docs_dir = typeset.case_dir.join("documents");
    // Partial PDFs a crash left behind are children's documents: remove them.
    store::sweep_temp_files(&docs_dir);
    let mut pending = Vec::new();
    let mut reports: Vec<ItemReport> = typeset
        .docs
        .into_iter()
        .map(|(kind, step)| {
            let outcome = match step {
                Err(failure) => failure.into(),
                Ok(DocStep::Unchanged(path)) => Outcome::Unchanged { path },
                Ok(DocStep::Historic(reason)) => Outcome::Historic { reason },
                Ok(DocStep::Typeset(doc)) => match publish_document(&docs_dir, kind, doc, modes) {
                    Ok((outcome, entry)) => {
                        pending.push(entry);
                        outcome
                    }
                    Err(failure) => failure.into(),
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
        // One writer at a time per case: a lifecycle step may be appending.
        let lock = store::lock_case(&typeset.case_dir, modes);
        let durable = lock.and_then(|_lock| {
            store::sync_dir(&docs_dir)
                .and_then(|()| store::append_log_many(&typeset.case_dir, &pending, modes))
        });
        if let Err(e) = durable {
            for r in &mut reports {
                if matches!(r.outcome, Outcome::Written { .. } | Outcome::Unchanged { .. }) {
                    r.outcome = Failure::new(Stage::Store, e.to_string()).into();
                }
            }
        }
    }
    reports
}

/// Publishes one PDF without syncing its folder (the caller does, once per
/// case) and makes its case-log line.
fn publish_document(
    docs_dir: &Path,
    kind: DocumentKind,
    doc: TypesetDocument,
    modes: store::Modes,
) -> Result<(Outcome, LogEntry), Failure> {
    let published = store::publish_unsynced(docs_dir, &doc.name, &doc.pdf, modes)
        .map_err(|e| Failure::new(Stage::Store, e.to_string()))?;
    let sha256 = store::sha256_hex(&doc.pdf);
    let file = published.path().file_name().unwrap_or_default().to_string_lossy().into_owned();
    let at = match (&published, doc.first_logged) {
        (Published::Unchanged(_), Some(at)) => at,
        _ => Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true),
    };
    let entry = LogEntry::Document {
        at,
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
