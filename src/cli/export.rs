//! `casepress export`: transfer and Y2A bundles of case folders.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use casepress::export::{ExportOptions, Purpose, export_cases};
use casepress::press::Press;

use super::exit::exit_code;
use super::{print, settings};

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// Case ids.
    #[arg(required = true)]
    case_ids: Vec<String>,
    /// transfer or y2a.
    #[arg(long)]
    purpose: Purpose,
    /// The output root holding `cases/` (default: from config).
    #[arg(long, value_name = "OUT")]
    from: Option<PathBuf>,
    /// Where the zips go (default: OUT/exports).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// The receiving service named in the cover letter.
    #[arg(long, value_name = "NAME")]
    to: Option<String>,
    /// The bundle's date, in its name, cover letter and manifest
    /// (YYYY-MM-DD; default: today).
    #[arg(long, value_name = "DATE", value_parser = settings::date)]
    date: Option<chrono::NaiveDate>,
    /// Also bundle a document that has no final yet, as its draft, labelled
    /// DRAFT in the manifest and the cover letter.
    #[arg(long)]
    include_drafts: bool,
    /// Config file (default: CASEPRESS_CONFIG, else casepress.toml here or in
    /// the nearest folder above).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Print what was written as JSON on stdout.
    #[arg(long)]
    json: bool,
}

pub fn export(a: ExportArgs) -> Result<ExitCode> {
    let config = settings::config_with_out(a.config.as_deref(), a.from.as_ref())?;
    let to = a.to.unwrap_or_else(|| match a.purpose {
        Purpose::Y2a => config.export.y2a_recipient.clone(),
        Purpose::Transfer => "the receiving youth justice service".into(),
    });
    // The letters state what the case files say. Without them (no case
    // folder here) each letter says its case file was not read.
    let caseload =
        casepress::case::Caseload::load_with(&config.paths.cases, &config.limits).unwrap_or_default();
    let cases = a.case_ids.iter().filter_map(|id| caseload.find(id)).map(|c| c.case.clone()).collect();
    let press = Press::new(config)?;
    let opts = ExportOptions {
        purpose: a.purpose,
        out: a.out.unwrap_or_else(|| press.layout().exports()),
        to,
        date: settings::today(a.date),
        drafts: a.include_drafts,
        once: false,
        cases,
    };
    let items = export_cases(&press, &a.case_ids, &opts);
    if a.json {
        settings::print_json(&items)?;
    } else {
        print::exports(&items);
    }
    // A case not ready is refused: nothing was written for it.
    Ok(exit_code(items.iter().any(|i| i.failed.is_some() || i.not_ready.is_some())))
}
