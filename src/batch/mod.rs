//! The render batch: which documents, for which cases, on how many workers,
//! and what happened to each. Built on the shared [`Press`]; what a batch is
//! asked is in `options`, what it did in `report`, the engine (workers
//! compute, one writer stores) in `engine`, worker processes in `workers`,
//! the run record in `record`.

use crate::press::{Press, SetupError};
use crate::store;

mod engine;
mod options;
mod record;
mod report;
mod workers;

pub use options::{Cases, KindSelection, RenderOptions, Workers, default_jobs};
pub use record::write_run_record;
pub use report::{BatchReport, ItemReport, NoProgress, Outcome, Progress};
pub use workers::serve_worker;

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
/// told the number of cases once they are loaded, then each finished item
/// as it is stored. One bad case fails
/// alone; only an unusable input or output stops the batch.
pub fn render(
    press: &Press,
    cases: Cases<'_>,
    opts: &RenderOptions,
    workers: &Workers,
    progress: &dyn Progress,
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
