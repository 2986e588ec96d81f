//! The render engine: worker threads compute (rules, templates, Typst) and
//! one writer thread stores (publish, one folder sync, one case-log append
//! per case), so a worker never waits on the disk and a logged file is
//! always durable.

use std::borrow::Cow;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use super::options::{Cases, KindSelection, RenderOptions};
use super::report::{BatchReport, ItemReport, Outcome, Progress};
use crate::case::{self, LoadedCase};
use crate::documents::DocumentKind;
use crate::failure::{Failure, Stage};
use crate::press::document::{Made, NewPdf, Order};
use crate::press::{Press, SetupError};
use crate::rules;
use crate::store::{self, Published};

/// Stack for render workers: Typst's evaluation and layout recurse deeply on
/// long documents.
const WORKER_STACK: usize = 32 * 1024 * 1024;

/// Renders on `opts.jobs` threads of this process, results in input order.
pub(super) fn render_in_threads(
    press: &Press,
    cases: Cases<'_>,
    opts: &RenderOptions,
    progress: &dyn Progress,
) -> Result<BatchReport, SetupError> {
    let loaded;
    let (cases, failures) = match cases {
        Cases::Loaded(c) => (c.cases.as_slice(), c.failures.as_slice()),
        Cases::Paths(paths) => {
            loaded = case::Caseload::load_with(paths, &press.config().limits)?;
            (loaded.cases.as_slice(), loaded.failures.as_slice())
        }
    };
    progress.counted(cases.len() + failures.len());
    let mut items: Vec<ItemReport> = failures.iter().map(ItemReport::load_failed).collect();
    items.iter().for_each(|i| progress.item(i));
    let next = AtomicUsize::new(0);
    let claim = || {
        let i = next.fetch_add(1, Ordering::Relaxed);
        cases.get(i).map(|c| (i, Cow::Borrowed(c)))
    };
    let mut results = Vec::new();
    render_claimed(press, opts, Threads::Plain(opts.jobs.clamp(1, cases.len().max(1))), &claim, |i, done| {
        done.iter().for_each(|i| progress.item(i));
        results.push((i, done));
    });
    results.sort_by_key(|(i, _)| *i);
    items.extend(results.into_iter().flat_map(|(_, items)| items));
    Ok(BatchReport { items })
}

/// Renders the cases that `claim` hands out (each with its position in the
/// batch, until it gives `None`) on the render `threads`, and gives each
/// case's items to `done` as it is stored, in the order stored.
///
/// Never several render loops in one rayon pool: Typst parallelises layout
/// on the rayon pool it is called from, and a rayon worker waiting inside a
/// compile would steal another case's compile onto the same stack, again
/// and again, until the stack overflows (seen at 1,000 cases). A pool of
/// one thread ([`Threads::Inline`]) runs one compile at a time.
pub(super) fn render_claimed<'c>(
    press: &Press,
    opts: &RenderOptions,
    threads: Threads,
    claim: &(dyn Fn() -> Option<(usize, Cow<'c, LoadedCase>)> + Sync),
    mut done: impl FnMut(usize, Vec<ItemReport>),
) {
    let jobs = match threads {
        Threads::Plain(n) => n.max(1),
        Threads::Inline => 1,
    };
    // Bounded, so at most a few cases' PDFs wait in memory.
    let (tx, rx) = mpsc::sync_channel::<(usize, TypesetCase)>(jobs);
    let render = |tx: mpsc::SyncSender<(usize, TypesetCase)>| {
        while let Some((i, case)) = claim() {
            if tx.send((i, typeset_case(press, &case, opts))).is_err() {
                break;
            }
        }
    };
    let inline = matches!(threads, Threads::Inline).then(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .stack_size(WORKER_STACK)
            .thread_name(|_| "casepress-render".into())
            .build()
            .expect("a render thread starts")
    });
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            let tx = tx.clone();
            let inline = inline.as_ref();
            std::thread::Builder::new()
                .name("casepress-render".into())
                .stack_size(WORKER_STACK)
                .spawn_scoped(scope, move || match inline {
                    Some(pool) => pool.install(|| render(tx)),
                    None => render(tx),
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

/// How the render threads run.
pub(super) enum Threads {
    /// This many plain threads; Typst's parallel steps (page runs laid out
    /// at once, PDF streams compressed) go to the global rayon pool.
    Plain(usize),
    /// One thread that is also Typst's whole rayon pool, so its parallel
    /// steps run inline: for a worker process with a core of its own, where
    /// handing them to another thread only adds switches between threads.
    Inline,
}

/// One case's documents, computed and waiting to be stored.
struct TypesetCase {
    case_id: String,
    file: PathBuf,
    docs: Vec<(DocumentKind, Result<DocStep, Failure>)>,
}

/// Where one document stands after the computing half.
enum DocStep {
    /// Rendered before from the same input; the PDF is intact.
    Unchanged(PathBuf),
    /// History on the batch's date: left alone (why, in words).
    Historic(String),
    /// A new PDF to publish.
    Typeset(NewPdf),
}

/// The computing half of a case: rules, templates and typesetting of every
/// selected document that is not already on disk. Writes nothing but
/// `--typst-dir` sources.
fn typeset_case(press: &Press, loaded: &LoadedCase, opts: &RenderOptions) -> TypesetCase {
    let case = &loaded.case;
    crate::failpoint(&format!("render:{}", case.case_id));
    let log = press.records().read(case.case_id.as_str());
    let facts = press.service().facts(case, opts.date, log.as_deref().unwrap_or_default());
    let kinds = opts.kinds.for_case(case, &facts);
    let docs_dir = press.layout().documents(case.case_id.as_str());
    let origin = format!("{}:{}: case `{}`", loaded.file.display(), loaded.line, case.case_id);
    let docs = kinds
        .into_iter()
        .map(|kind| {
            let applicable = matches!(opts.kinds, KindSelection::Applicable);
            let historic = applicable.then(|| rules::historic(case, kind, &facts, opts.date)).flatten();
            let step = match &log {
                _ if historic.is_some() => Ok(DocStep::Historic(historic.unwrap_or_default())),
                Err(e) => Err(Failure::new(Stage::Store, e.to_string())),
                Ok(log) => {
                    let order = Order {
                        case,
                        facts: &facts,
                        kind,
                        date: opts.date,
                        final_: opts.final_,
                        log,
                        docs_dir: &docs_dir,
                        force: opts.force,
                        typst_dir: opts.typst_dir.as_deref(),
                        origin: &origin,
                    };
                    press.make(&order).map(|made| match made {
                        Made::Unchanged(path) => DocStep::Unchanged(path),
                        Made::Pdf(pdf) => DocStep::Typeset(pdf),
                    })
                }
            };
            (kind, step)
        })
        .collect();
    TypesetCase { case_id: case.case_id.to_string(), file: loaded.file.clone(), docs }
}

/// The storing half: publish each PDF, sync the folder once, then append one
/// case-log line per new document, so a logged file is always durable.
fn store_case(press: &Press, typeset: TypesetCase) -> Vec<ItemReport> {
    let modes = press.modes();
    let docs_dir = press.layout().documents(&typeset.case_id);
    let records = press.records();
    // One writer of a case at a time: a lifecycle step (which does not wait
    // for a batch) may be publishing into the same folder. Held while the
    // case's PDFs are published and logged, a few milliseconds.
    let lock = match records.lock(&typeset.case_id) {
        Ok(lock) => lock,
        Err(e) => return failed_to_store(typeset, &e.to_string()),
    };
    // Partial PDFs a crash left behind are children's documents: remove them.
    store::sweep_temp_files(&docs_dir);
    // Whole PDFs a killed step published but never recorded: set aside, so
    // no unrecorded final passes for the final. A failure here only leaves
    // them where they are (the export takes recorded finals alone).
    let _ = records.set_aside_unrecorded(&lock, &typeset.case_id);
    let mut pending = Vec::new();
    let mut reports: Vec<ItemReport> = typeset
        .docs
        .into_iter()
        .map(|(kind, step)| {
            let outcome = match step {
                Err(failure) => failure.into(),
                Ok(DocStep::Unchanged(path)) => Outcome::Unchanged { path },
                Ok(DocStep::Historic(reason)) => Outcome::Historic { reason },
                Ok(DocStep::Typeset(doc)) => {
                    let (sha256, to_complete) = (doc.sha256.clone(), doc.to_complete);
                    match doc.publish(&docs_dir, modes) {
                        Ok((published, entry)) => {
                            pending.push(entry);
                            match published {
                                Published::Written(path) => Outcome::Written { path, sha256, to_complete },
                                Published::Unchanged(path) => Outcome::Unchanged { path },
                            }
                        }
                        Err(failure) => failure.into(),
                    }
                }
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
        let durable = store::sync_dir(&docs_dir).and_then(|()| records.append(&typeset.case_id, &pending));
        if let Err(e) = durable {
            for r in &mut reports {
                if matches!(r.outcome, Outcome::Written { .. } | Outcome::Unchanged { .. }) {
                    r.outcome = Failure::new(Stage::Store, e.to_string()).into();
                }
            }
        }
    }
    drop(lock);
    reports
}

/// Every document of a case failed to store: its folder could not be locked.
fn failed_to_store(typeset: TypesetCase, reason: &str) -> Vec<ItemReport> {
    typeset
        .docs
        .into_iter()
        .map(|(kind, _)| ItemReport {
            case_id: Some(typeset.case_id.clone()),
            file: typeset.file.clone(),
            kind: Some(kind),
            outcome: Failure::new(Stage::Store, reason.to_owned()).into(),
        })
        .collect()
}
