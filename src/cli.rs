//! Argument structs (what the user typed) and one function per subcommand.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use casepress::batch::{self, BatchReport, ItemReport, KindSelection, Outcome, Pipeline, RenderOptions};
use casepress::config::Config;
use casepress::render::DocumentKind;
use chrono::NaiveDate;
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

/// Case documents, statement filing and board reports for youth justice services.
#[derive(Debug, Parser)]
#[command(name = "casepress", version, about, max_term_width = 100)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Render documents for the given case files or folders.
    Render {
        /// Case files (.json, .ndjson, .jsonl) or folders of them.
        #[arg(required = true)]
        cases: Vec<PathBuf>,
        /// Document kind to render (repeatable): psr, gatekeeping, intervention-plan,
        /// service-agreement, mappa-h, mappa-a, pprc-2, pprc-7, or `required` for the
        /// forms the rules say each case needs. Default: every kind that applies.
        #[arg(long = "kind", value_name = "KIND")]
        kinds: Vec<String>,
        /// Output root (default: from config, else ./out).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Final documents: refuse, naming the fields, when required data is missing.
        #[arg(long = "final")]
        final_: bool,
        /// Config file (default: ./casepress.toml if present, else built-in defaults).
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        #[command(flatten)]
        common: Common,
    },
    /// Render every applicable document for every case in the configured folders.
    Run {
        /// Config file (default: ./casepress.toml).
        config: Option<PathBuf>,
        #[command(flatten)]
        common: Common,
    },
    /// Check cases against the practice rules: forms required and missing,
    /// deadlines met or overdue, findings. Exits 1 when anything is overdue
    /// or invalid.
    Check {
        /// Case files or folders.
        #[arg(required = true)]
        cases: Vec<PathBuf>,
        /// The day to check against (YYYY-MM-DD; default: today).
        #[arg(long, value_name = "DATE")]
        today: Option<NaiveDate>,
        /// Config file, for the service's closure days (default: ./casepress.toml if present).
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// Print the report as JSON on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Print the JSON Schema of the case format.
    Schema,
    /// Work with the document templates.
    Templates {
        #[command(subcommand)]
        action: TemplatesAction,
    },
}

#[derive(Debug, Subcommand)]
enum TemplatesAction {
    /// Write the built-in templates into DIR to customise (existing files are kept).
    Export {
        /// Destination folder.
        dir: PathBuf,
    },
}

#[derive(Debug, clap::Args)]
struct Common {
    /// Template override folder (files replace the built-in ones by name).
    #[arg(long, value_name = "DIR")]
    templates: Option<PathBuf>,
    /// Date of the documents and of the rules (YYYY-MM-DD; default: today).
    #[arg(long, value_name = "DATE")]
    date: Option<NaiveDate>,
    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N")]
    jobs: Option<usize>,
    /// Re-render even when the same input was rendered before.
    #[arg(long)]
    force: bool,
    /// Print the report as JSON on stdout.
    #[arg(long)]
    json: bool,
}

/// Runs one subcommand.
pub fn run(args: Args) -> Result<ExitCode> {
    match args.command {
        Command::Render { cases, kinds, out, final_, config, common } => {
            let mut config = load_config(config.as_deref(), false)?;
            if let Some(out) = out {
                config.paths.output = out;
            }
            let kinds = kind_selection(&kinds)?;
            render(config, &cases, kinds, final_, &common, "render")
        }
        Command::Run { config, common } => {
            let path = config.unwrap_or_else(|| "casepress.toml".into());
            let config = load_config(Some(&path), true)?;
            let cases = config.paths.cases.clone();
            render(config, &cases, KindSelection::Applicable, false, &common, "run")
        }
        Command::Check { cases, today, config, json } => {
            let config = load_config(config.as_deref(), false)?;
            let calendar =
                casepress::rules::WorkingCalendar::england_and_wales(&config.calendar.closure_days);
            let today = today.unwrap_or_else(|| chrono::Local::now().date_naive());
            let report =
                casepress::check::check_paths(&cases, &calendar, today).map_err(anyhow::Error::msg)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                print!("{}", casepress::check::to_text(&report));
            }
            Ok(if report.needs_action() { ExitCode::from(1) } else { ExitCode::SUCCESS })
        }
        Command::Schema => {
            println!("{}", serde_json::to_string_pretty(&casepress::case::json_schema())?);
            Ok(ExitCode::SUCCESS)
        }
        Command::Templates { action: TemplatesAction::Export { dir } } => {
            for path in casepress::render::export(&dir).context("cannot export templates")? {
                println!("{}", path.display());
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn kind_selection(names: &[String]) -> Result<KindSelection> {
    if names.is_empty() {
        return Ok(KindSelection::Applicable);
    }
    let required_forms = names.iter().any(|n| n == "required");
    let kinds = names
        .iter()
        .filter(|n| *n != "required")
        .map(|n| n.parse::<DocumentKind>().map_err(|e| anyhow::anyhow!("--kind: {e}, or required")))
        .collect::<Result<Vec<_>>>()?;
    Ok(KindSelection::These { kinds, required_forms })
}

fn load_config(path: Option<&Path>, required: bool) -> Result<Config> {
    match path {
        Some(p) if required || p.exists() => Ok(Config::load(p)?),
        Some(p) => anyhow::bail!("{}: config file not found", p.display()),
        None if Path::new("casepress.toml").exists() => Ok(Config::load(Path::new("casepress.toml"))?),
        None => Ok(Config::default()),
    }
}

fn render(
    mut config: Config,
    cases: &[PathBuf],
    kinds: KindSelection,
    final_: bool,
    common: &Common,
    command: &str,
) -> Result<ExitCode> {
    if let Some(dir) = &common.templates {
        config.paths.templates = Some(dir.clone());
    }
    let date = common.date.unwrap_or_else(|| chrono::Local::now().date_naive());
    let opts = RenderOptions { kinds, final_, date, force: common.force };
    let pipeline = Pipeline::new(config)?;
    let bar = progress_bar(common.json);
    let on_item = |item: &ItemReport| {
        bar.inc(1);
        if let Outcome::Failed { reason } = &item.outcome {
            bar.suspend(|| eprintln!("failed: {reason}"));
        }
    };
    let pool = rayon::ThreadPoolBuilder::new().num_threads(common.jobs.unwrap_or(0)).build()?;
    let report = pool.install(|| pipeline.render_paths(cases, &opts, &on_item))?;
    bar.finish_and_clear();
    let record = batch::write_run_record(pipeline.config(), command, &report)?;
    if common.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_summary(&report, &record);
    }
    Ok(if report.has_failures() { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn progress_bar(json: bool) -> ProgressBar {
    if json || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {pos} documents {elapsed}").expect("valid template"),
    );
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

fn print_summary(report: &BatchReport, record: &Path) {
    for item in &report.items {
        let what = match (&item.case_id, item.kind) {
            (Some(id), Some(kind)) => format!("{id} {kind}"),
            (Some(id), None) => id.clone(),
            _ => item.file.display().to_string(),
        };
        match &item.outcome {
            Outcome::Written { path, to_complete, .. } if *to_complete > 0 => {
                println!("  wrote      {what}: {} ({to_complete} to complete)", path.display())
            }
            Outcome::Written { path, .. } => println!("  wrote      {what}: {}", path.display()),
            Outcome::Unchanged { path } => println!("  unchanged  {what}: {}", path.display()),
            Outcome::Failed { .. } => {}
        }
    }
    let failures: Vec<_> = report
        .items
        .iter()
        .filter_map(|i| match &i.outcome {
            Outcome::Failed { reason } => Some(reason),
            _ => None,
        })
        .collect();
    if !failures.is_empty() {
        println!("\nFailed:");
        for reason in &failures {
            println!("  {reason}");
        }
    }
    let (written, unchanged, failed) = report.counts();
    println!("\n{written} written, {unchanged} unchanged, {failed} failed. Run record: {}", record.display());
}
