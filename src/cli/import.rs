//! `casepress import`, `casepress new` and `casepress schema`: case data in.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, anyhow};
use casepress::import::merge::{Change, Conflict};
use casepress::import::skeleton::{self, NewCase};
use casepress::import::{ImportOptions, ImportReport, Outcome, import};
use casepress::terminal::printable;
use chrono::NaiveDate;
use serde_json::Value;

use super::exit::exit_code;
use super::settings;

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The mapping file (TOML): which extract column feeds which case field.
    #[arg(long, value_name = "FILE")]
    mapping: PathBuf,
    /// The extracts: CSV files or workbooks (XLSX, XLSM, XLSB; XLS and ODS are refused).
    #[arg(required = true, value_name = "EXTRACT")]
    extracts: Vec<PathBuf>,
    /// Folder of case files to create and update (default: the first of the config's `paths.cases`).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Config file (default: CASEPRESS_CONFIG, else casepress.toml here or in
    /// the nearest folder above).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Print the report as JSON on stdout.
    #[arg(long)]
    json: bool,
}

pub fn run_import(a: ImportArgs) -> Result<ExitCode> {
    let config = settings::load_config(a.config.as_deref(), false)?;
    let out = match a.out.or_else(|| config.paths.cases.first().cloned()) {
        Some(out) => out,
        None => anyhow::bail!("no folder for the case files: give --out DIR, or `paths.cases` in the config"),
    };
    let opts = ImportOptions { mapping: a.mapping, extracts: a.extracts, out, now: chrono::Utc::now() };
    let report = import(&casepress::service::Service::new(config), &opts).map_err(|e| anyhow!(e))?;
    if a.json {
        settings::print_json(&report)?;
    } else {
        print!("{}", to_text(&report, &opts));
    }
    Ok(exit_code(report.needs_action()))
}

fn shown(v: &Option<Value>) -> String {
    match v {
        None => "(nothing)".into(),
        Some(Value::String(s)) => format!("\"{}\"", printable(s)),
        Some(Value::Array(a)) => format!("{} item(s)", a.len()),
        Some(other) => printable(&other.to_string()).into_owned(),
    }
}

fn change_line(c: &Change) -> String {
    format!("    {}: {} → {}\n", c.path, shown(&c.old), shown(&c.new))
}

fn conflict_line(c: &Conflict) -> String {
    let last = c
        .last_import
        .as_ref()
        .map(|_| format!(" (last import {})", shown(&c.last_import)))
        .unwrap_or_default();
    format!(
        "    CONFLICT {}: casepress has {}, the case system now {}{last}: left as casepress has it\n",
        c.path,
        shown(&c.casepress),
        shown(&c.case_system)
    )
}

/// The report as a person reads it: totals, then each case that changed or
/// needs a person, then each row that could not be read.
pub fn to_text(report: &ImportReport, opts: &ImportOptions) -> String {
    let mut out = String::new();
    for (table, rows) in &report.tables {
        out.push_str(&format!("read {} ({rows} rows)\n", printable(table)));
    }
    for line in &report.skipped {
        out.push_str(&format!("{}\n", printable(line)));
    }
    out.push_str(&format!(
        "{} created, {} updated, {} unchanged, {} with conflicts, {} failed (case files in {})\n",
        report.count(Outcome::Created),
        report.count(Outcome::Updated),
        report.count(Outcome::Unchanged),
        report.cases.iter().filter(|c| !c.conflicts.is_empty()).count(),
        report.count(Outcome::Failed) + report.failures.len(),
        printable(&opts.out.display().to_string())
    ));
    for c in
        report.cases.iter().filter(|c| !c.changes.is_empty() || !c.conflicts.is_empty() || c.error.is_some())
    {
        let word = match c.outcome {
            Outcome::Failed => "FAILED",
            Outcome::Updated => "updated",
            Outcome::Created => "created",
            Outcome::Unchanged => "unchanged",
        };
        out.push_str(&format!("{} {word}\n", c.case_id));
        c.changes.iter().for_each(|ch| out.push_str(&change_line(ch)));
        c.conflicts.iter().for_each(|cf| out.push_str(&conflict_line(cf)));
        if let Some(e) = &c.error {
            out.push_str(&format!("    {}\n", printable(e)));
        }
    }
    for f in &report.failures {
        let field = f.field.as_deref().map(|p| format!(" ({p})")).unwrap_or_default();
        out.push_str(&format!("FAILED {}{field}: {}\n", printable(&f.place), printable(&f.message)));
    }
    out
}

#[derive(Debug, clap::Args)]
pub struct NewArgs {
    /// The new case's id (1-64 of A-Z a-z 0-9 . _ -).
    case_id: String,
    /// The child's first name.
    #[arg(long)]
    first_name: String,
    /// The child's last name.
    #[arg(long)]
    last_name: String,
    /// The child's date of birth (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = settings::date)]
    born: NaiveDate,
    /// The case manager, as named in the config's staff directory.
    #[arg(long, value_name = "NAME")]
    case_manager: String,
    /// The team (default: the case manager's, from the staff directory).
    #[arg(long)]
    team: Option<String>,
    /// Folder for the case file (default: the first of the config's `paths.cases`).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Config file (default: CASEPRESS_CONFIG, else casepress.toml here or in
    /// the nearest folder above).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
}

pub fn new(a: NewArgs) -> Result<ExitCode> {
    let config = settings::load_config(a.config.as_deref(), false)?;
    let dir = match a.out.or_else(|| config.paths.cases.first().cloned()) {
        Some(dir) => dir,
        None => anyhow::bail!("no folder for the case file: give --out DIR, or `paths.cases` in the config"),
    };
    let new = NewCase {
        case_id: a.case_id,
        first_name: a.first_name,
        last_name: a.last_name,
        date_of_birth: a.born,
        case_manager: a.case_manager,
        team: a.team,
    };
    let service = casepress::service::Service::new(config);
    let file = skeleton::write_new_case(&new, &service, &dir).map_err(|e| anyhow!(e))?;
    println!("{}", printable(&file.display().to_string()));
    Ok(ExitCode::SUCCESS)
}

/// `casepress schema [--out FILE]`.
pub fn schema(out: Option<PathBuf>) -> Result<ExitCode> {
    match out {
        Some(file) => {
            skeleton::write_schema(&file, casepress::store::Modes::default().in_place())
                .map_err(|e| anyhow!(e))?;
            println!("{}", printable(&file.display().to_string()));
        }
        None => println!("{}", serde_json::to_string_pretty(&casepress::case::json_schema())?),
    }
    Ok(ExitCode::SUCCESS)
}
