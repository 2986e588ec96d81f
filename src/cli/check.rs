//! `casepress check`: what the practice rules say about each case.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use casepress::case::Caseload;
use chrono::NaiveDate;

use super::exit::exit_code;
use super::settings;

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Case files or folders.
    #[arg(required = true)]
    cases: Vec<PathBuf>,
    /// The day to check against (YYYY-MM-DD; default: today).
    #[arg(long, value_name = "DATE", value_parser = settings::date)]
    today: Option<NaiveDate>,
    /// Config file, for the service's closure days (default:
    /// CASEPRESS_CONFIG, else casepress.toml here or in the nearest folder
    /// above).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Print the report as JSON on stdout.
    #[arg(long)]
    json: bool,
}

pub fn check(a: CheckArgs) -> Result<ExitCode> {
    let config = settings::load_config(a.config.as_deref(), false)?;
    let caseload = Caseload::load_with(&a.cases, &config.limits).map_err(|e| anyhow::anyhow!("{e}"))?;
    if caseload.cases.is_empty() && caseload.failures.is_empty() {
        let inputs: Vec<String> = a.cases.iter().map(|p| p.display().to_string()).collect();
        eprintln!(
            "{}: no case files were found: expected .json, .ndjson or .jsonl files",
            casepress::terminal::printable(&inputs.join(", "))
        );
        return Ok(ExitCode::from(1));
    }
    let service = casepress::service::Service::new(config);
    let report = casepress::check::check(&caseload, &service, settings::today(a.today), true);
    if a.json {
        settings::print_json(&report)?;
    } else {
        print!("{}", casepress::check::to_text(&report));
    }
    Ok(exit_code(report.needs_action()))
}
