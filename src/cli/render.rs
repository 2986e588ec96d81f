//! `casepress render`: documents for the given cases.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use casepress::batch::{self, Cases, KindSelection};
use casepress::press::Press;

use super::exit::exit_code;
use super::settings::Common;
use super::{output, print, settings};

#[derive(Debug, clap::Args)]
pub struct RenderArgs {
    /// Case files (.json, .ndjson, .jsonl) or folders of them.
    #[arg(required = true)]
    cases: Vec<PathBuf>,
    /// Document kind to render (repeatable): psr, gatekeeping, intervention-plan,
    /// service-agreement, risk-summary, mappa-h, mappa-a, pprc-2, pprc-7,
    /// progress-report, or
    /// `required` for the forms the rules say each case needs. Default: every
    /// kind that applies.
    #[arg(long = "kind", value_name = "KIND")]
    kinds: Vec<String>,
    /// Output root (default: from config, else ./out).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Kept to explain itself: finals are made by `casepress final` once
    /// gatekeeping or sign-off is recorded, never by a plain render.
    #[arg(long = "final", hide = true)]
    final_: bool,
    /// Config file (default: CASEPRESS_CONFIG, else casepress.toml here or in
    /// the nearest folder above, else the built-in defaults).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(flatten)]
    common: Common,
}

pub fn render(a: RenderArgs) -> Result<ExitCode> {
    if a.final_ {
        anyhow::bail!(
            "render makes drafts only: a final is made by `casepress final CASE KIND --by NAME` once the \
             document is agreed or signed off (see `casepress status CASE`); a draft marks what is still \
             TO COMPLETE"
        );
    }
    let (mut config, found) = settings::found_config_with_out(a.config.as_deref(), a.out.as_ref(), false)?;
    let kinds = KindSelection::from_names(&a.kinds).map_err(|e| anyhow::anyhow!("--kind: {e}"))?;
    let (opts, workers) = settings::render_settings(&mut config, &a.common, kinds)?;
    let press = Press::new(config)?;
    // The batch loads the cases itself, keeping each as JSON text for the
    // workers rather than all of them parsed at once; the bar learns their
    // number from it.
    let bar = print::progress_bar(a.common.json, 0);
    let report = batch::render(&press, Cases::Paths(&a.cases), &opts, &workers, &print::on_item(&bar))?;
    bar.finish_and_clear();
    if found.is_none() && report.items.iter().any(|i| i.kind.is_some()) {
        output::note(
            "no casepress.toml here or in a folder above, no CASEPRESS_CONFIG and no --config: the \
             documents carry the built-in letterhead (\"Youth Justice Service\", no address)",
        );
    }
    if report.items.is_empty() {
        let inputs: Vec<String> = a.cases.iter().map(|p| p.display().to_string()).collect();
        eprintln!(
            "{}: no case files were found: expected .json, .ndjson or .jsonl files",
            casepress::terminal::printable(&inputs.join(", "))
        );
        return Ok(ExitCode::from(1));
    }
    // Every item is done by now: a record that cannot be written (a full
    // disk) is said, and the summary still printed.
    let record = batch::write_run_record(&press, "render", &report);
    if a.common.json {
        settings::print_json(&report)?;
    } else {
        print::batch(&report, record.as_ref().ok().map(|p| p.as_path()));
    }
    if let Err(e) = &record {
        print::record_failed(e);
    }
    Ok(exit_code(report.has_failures() || record.is_err()))
}
