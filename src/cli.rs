//! Argument structs (what the user typed) and one function per subcommand.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use casepress::batch::{self, BatchReport, ItemReport, KindSelection, Outcome, Pipeline, RenderOptions};
use casepress::config::Config;
use casepress::render::DocumentKind;
use casepress::statements::fields::parse_sent;
use casepress::statements::sla::WorkingHours;
use casepress::statements::{FileOptions, StatementOutcome, file_inbox, status};
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
        #[arg(required_unless_present = "worker")]
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
    /// The quarterly management board report: PDF, figures.csv,
    /// figures.json and a board pack zip, in OUT/board/<quarter>/.
    Board {
        /// Case files or folders (default: `board.cases`, else `paths.cases`, from config).
        cases: Vec<PathBuf>,
        /// Financial-year quarter, e.g. 2026-Q2 (Q1 is April to June;
        /// default: the latest complete quarter).
        #[arg(long, value_name = "YYYY-Qn")]
        quarter: Option<casepress::board::Quarter>,
        /// Output root (default: from config).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Config file (default: ./casepress.toml if present).
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// Print what was written as JSON on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Export case-file bundles (zip): `transfer` to another service, or
    /// `y2a` for a young person turning 18. Reads only the case folders.
    Export {
        /// Case ids.
        #[arg(required = true)]
        case_ids: Vec<String>,
        /// transfer or y2a.
        #[arg(long)]
        purpose: casepress::export::Purpose,
        /// The output root holding `cases/` (default: from config).
        #[arg(long, value_name = "OUT")]
        from: Option<PathBuf>,
        /// Where the zips go (default: OUT/exports).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// The receiving service named in the cover letter.
        #[arg(long, value_name = "NAME")]
        to: Option<String>,
        /// Config file (default: ./casepress.toml if present).
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// Print what was written as JSON on stdout.
        #[arg(long)]
        json: bool,
    },
    /// File received Mind Of My Own statements, and report on them.
    Statements {
        #[command(subcommand)]
        action: StatementsAction,
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
enum StatementsAction {
    /// File every statement PDF in the inbox into its case folder: assign,
    /// log the receipt, escalate Safety Link, quarantine the unidentified
    /// and the unreadable.
    File {
        /// Case files or folders to match against (default: `paths.cases` from config).
        #[arg(long, value_name = "CASES", num_args = 1..)]
        cases: Vec<PathBuf>,
        #[command(flatten)]
        common: StatementsCommon,
    },
    /// Statements waiting, assignment targets missed, Safety Link escalations,
    /// unidentified statements awaiting a decision.
    Status {
        #[command(flatten)]
        common: StatementsCommon,
    },
}

#[derive(Debug, clap::Args)]
struct StatementsCommon {
    /// The inbox folder (default: `statements.inbox` from config).
    #[arg(long, value_name = "DIR")]
    inbox: Option<PathBuf>,
    /// Output root (default: from config).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Receipt and assignment time for `file`, report time for `status`
    /// (RFC 3339 or `YYYY-MM-DD HH:MM` London time; default: now).
    #[arg(long, value_name = "DATETIME")]
    now: Option<String>,
    /// Config file (default: ./casepress.toml if present).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Print the report as JSON on stdout.
    #[arg(long)]
    json: bool,
}

impl StatementsCommon {
    /// The config (with `--out` applied), the inbox and "now".
    fn resolve(&self) -> Result<(Config, Option<PathBuf>, chrono::DateTime<chrono::Utc>)> {
        let mut config = load_config(self.config.as_deref(), false)?;
        if let Some(out) = &self.out {
            config.paths.output = out.clone();
        }
        let inbox = self.inbox.clone().or(config.statements.inbox.clone());
        Ok((config, inbox, parse_now(self.now.as_deref())?))
    }
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
    /// Also write each document's generated Typst source into DIR.
    #[arg(long, value_name = "DIR")]
    typst_dir: Option<PathBuf>,
    /// Internal: be a worker process of a parallel render (cases as JSON
    /// lines on stdin, reports as JSON lines on stdout).
    #[arg(long, hide = true)]
    worker: bool,
    /// Internal: leave the run record to the parent process.
    #[arg(long, hide = true)]
    no_run_record: bool,
    /// Print the report as JSON on stdout.
    #[arg(long)]
    json: bool,
}

/// Runs one subcommand.
pub fn run(args: Args) -> Result<ExitCode> {
    match args.command {
        Command::Render { cases, kinds, out, final_, config: config_path, common } => {
            let mut config = load_config(config_path.as_deref(), false)?;
            if let Some(out) = out {
                config.paths.output = out;
            }
            let selection = kind_selection(&kinds)?;
            let how = How { command: "render", kind_names: &kinds, config_path: config_path.as_deref() };
            let staged = render(config, &cases, selection, final_, &common, how)?;
            if common.worker {
                // A worker's stdout carries only its protocol lines.
                return Ok(staged.0);
            }
            emit(staged, common.json)
        }
        Command::Run { config, common } => {
            let path = config.unwrap_or_else(|| "casepress.toml".into());
            let config = load_config(Some(&path), true)?;
            let cases = config.paths.cases.clone();
            let how = How { command: "run", kind_names: &[], config_path: Some(&path) };
            let (mut code, rendered) =
                render(config.clone(), &cases, KindSelection::Applicable, false, &common, how)?;
            let mut all = serde_json::json!({ "render": rendered });
            let mut worst = |c: ExitCode| {
                if code == ExitCode::SUCCESS {
                    code = c;
                }
            };
            if let Some(inbox) = config.statements.inbox.clone() {
                if !common.json {
                    println!("\nFiling statements from {}", inbox.display());
                }
                let opts = FileOptions { inbox, cases: cases.clone(), now: chrono::Utc::now() };
                let (filed, report) = file_statements(config.clone(), &opts, common.json)?;
                worst(filed);
                all["statements"] = report;
            }
            let today = common.date.unwrap_or_else(|| chrono::Local::now().date_naive());
            // Seed 004 §17.2: a Y2A bundle for anyone turning 18 during supervision.
            let loaded: Vec<_> = casepress::case::discover(&cases)
                .map_err(|e| anyhow::anyhow!("{e}"))?
                .iter()
                .flat_map(|f| casepress::case::load_file(f))
                .filter_map(Result::ok)
                .map(|c| c.case)
                .collect();
            let due = casepress::export::turning_18(&loaded, today, config.export.y2a_within_days);
            if !due.is_empty() {
                if !common.json {
                    let who = if due.len() == 1 { "young person" } else { "young people" };
                    println!("\nY2A bundles for {} {who} turning 18", due.len());
                }
                let to = config.export.y2a_recipient.clone();
                let (exported, report) =
                    export(config.clone(), &due, casepress::export::Purpose::Y2a, None, &to, common.json)?;
                worst(exported);
                all["y2a"] = report;
            }
            let quarter = casepress::board::Quarter::latest_complete(today);
            if !common.json {
                println!("\nBoard report for {quarter}");
            }
            let (boarded, report) = board(config, Vec::new(), quarter, common.json)?;
            worst(boarded);
            all["board"] = report;
            emit((code, all), common.json)
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
        Command::Statements { action } => statements(action),
        Command::Export { case_ids, purpose, from, out, to, config, json } => {
            let mut config = load_config(config.as_deref(), false)?;
            if let Some(from) = from {
                config.paths.output = from;
            }
            let to = to.unwrap_or_else(|| match purpose {
                casepress::export::Purpose::Y2a => config.export.y2a_recipient.clone(),
                casepress::export::Purpose::Transfer => "the receiving youth justice service".into(),
            });
            emit(export(config, &case_ids, purpose, out, &to, json)?, json)
        }
        Command::Board { cases, quarter, out, config, json } => {
            let mut config = load_config(config.as_deref(), false)?;
            if let Some(out) = out {
                config.paths.output = out;
            }
            let quarter = quarter.unwrap_or_else(|| {
                casepress::board::Quarter::latest_complete(chrono::Local::now().date_naive())
            });
            emit(board(config, cases, quarter, json)?, json)
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

fn parse_now(now: Option<&str>) -> Result<chrono::DateTime<chrono::Utc>> {
    match now {
        None => Ok(chrono::Utc::now()),
        Some(text) => parse_sent(text).or_else(|| parse_sent(&text.replace('T', " "))).ok_or_else(|| {
            anyhow::anyhow!("--now `{text}`: expected RFC 3339 or `YYYY-MM-DD HH:MM` (London time)")
        }),
    }
}

fn statements(action: StatementsAction) -> Result<ExitCode> {
    match action {
        StatementsAction::File { cases, common } => {
            let (config, inbox, now) = common.resolve()?;
            let inbox = inbox.ok_or_else(|| {
                anyhow::anyhow!("no inbox: pass --inbox DIR or set statements.inbox in casepress.toml")
            })?;
            let cases = if cases.is_empty() { config.paths.cases.clone() } else { cases };
            emit(file_statements(config, &FileOptions { inbox, cases, now }, common.json)?, common.json)
        }
        StatementsAction::Status { common } => {
            let (config, inbox, now) = common.resolve()?;
            let s = &config.statements;
            let hours = WorkingHours {
                calendar: casepress::rules::WorkingCalendar::england_and_wales(&config.calendar.closure_days),
                start: s.working_day_start,
                end: s.working_day_end,
            };
            let report = status::status(
                &config.paths.output,
                inbox.as_deref(),
                &hours,
                s.assign_within_working_hours,
                now,
            )?;
            if common.json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                print!("{}", status::to_text(&report));
            }
            Ok(if report.needs_action() { ExitCode::from(1) } else { ExitCode::SUCCESS })
        }
    }
}

fn board(
    config: Config,
    cases: Vec<PathBuf>,
    quarter: casepress::board::Quarter,
    json: bool,
) -> Result<Staged> {
    let cases = if cases.is_empty() {
        config.board.cases.clone().unwrap_or(config.paths.cases.clone())
    } else {
        cases
    };
    let pipeline = Pipeline::new(config)?;
    let outputs = casepress::board::build_board(&pipeline, &cases, quarter)?;
    if !json {
        for (name, path, new) in &outputs.files {
            println!("  {} {name}: {}", if *new { "wrote    " } else { "unchanged" }, path.display());
        }
        for e in &outputs.errors {
            println!("  not counted: {e}");
        }
        println!("{} cases counted for {}.", outputs.cases, outputs.quarter);
    }
    let code = if outputs.errors.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) };
    Ok((code, serde_json::to_value(&outputs)?))
}

fn file_statements(config: Config, opts: &FileOptions, json: bool) -> Result<Staged> {
    let pipeline = Pipeline::new(config)?;
    let report = file_inbox(&pipeline, opts)?;
    if !json {
        for item in &report.items {
            let flag = if item.safety_link { "SAFETY LINK " } else { "" };
            let source = item.file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let id = item.statement_id.clone().unwrap_or(source);
            let case = item.case_id.as_deref().map(|c| format!(" → {c}")).unwrap_or_default();
            let outcome = serde_json::to_value(item.outcome)?.as_str().unwrap_or_default().to_owned();
            println!("  {flag}{outcome:<12} {id}{case}: {}", item.detail);
            if let Some(e) = &item.escalation {
                println!("               escalation notice: {}", e.display());
            }
        }
        let count = |o: StatementOutcome| report.items.iter().filter(|i| i.outcome == o).count();
        println!(
            "\n{} assigned ({} Safety Link), {} unidentified, {} unreadable, {} duplicate, {} left for later, {} failed.",
            count(StatementOutcome::Assigned),
            report.items.iter().filter(|i| i.safety_link && i.outcome == StatementOutcome::Assigned).count(),
            count(StatementOutcome::Unidentified),
            count(StatementOutcome::Unreadable),
            count(StatementOutcome::Duplicate),
            count(StatementOutcome::Skipped),
            count(StatementOutcome::Failed),
        );
    }
    let code = if report.has_failures() { ExitCode::from(1) } else { ExitCode::SUCCESS };
    Ok((code, serde_json::to_value(&report)?))
}

fn export(
    config: Config,
    case_ids: &[String],
    purpose: casepress::export::Purpose,
    out: Option<PathBuf>,
    to: &str,
    json: bool,
) -> Result<Staged> {
    let from = config.paths.output.clone();
    let out = out.unwrap_or_else(|| from.join("exports"));
    let pipeline = Pipeline::new(config)?;
    let items = casepress::export::export_cases(&pipeline, case_ids, purpose, &from, &out, to);
    if !json {
        for item in &items {
            match (&item.bundle, &item.failed) {
                (Some(path), _) => println!(
                    "  {} {}: {}",
                    if item.written { "wrote    " } else { "unchanged" },
                    item.case_id,
                    path.display()
                ),
                (None, Some(reason)) => println!("  failed    {}: {reason}", item.case_id),
                _ => {}
            }
        }
    }
    let code = if items.iter().any(|i| i.failed.is_some()) { ExitCode::from(1) } else { ExitCode::SUCCESS };
    Ok((code, serde_json::to_value(&items)?))
}

/// What a stage did: its exit code and its report as JSON.
type Staged = (ExitCode, serde_json::Value);

/// Prints a stage's JSON report when asked, and passes on its exit code.
fn emit((code, report): Staged, json: bool) -> Result<ExitCode> {
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    }
    Ok(code)
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

/// How `render` was asked for: enough to start worker processes the same way.
#[derive(Clone, Copy)]
struct How<'a> {
    command: &'a str,
    kind_names: &'a [String],
    config_path: Option<&'a Path>,
}

fn render(
    mut config: Config,
    cases: &[PathBuf],
    kinds: KindSelection,
    final_: bool,
    common: &Common,
    how: How<'_>,
) -> Result<Staged> {
    if let Some(dir) = &common.templates {
        config.paths.templates = Some(dir.clone());
    }
    let date = common.date.unwrap_or_else(|| chrono::Local::now().date_naive());
    let jobs = common.jobs.unwrap_or_else(batch::default_jobs);
    let opts =
        RenderOptions { kinds, final_, date, force: common.force, jobs, typst_dir: common.typst_dir.clone() };
    if common.worker {
        // One render thread: the parent runs one worker per job.
        let _ = rayon::ThreadPoolBuilder::new().num_threads(1).build_global();
        let pipeline = Pipeline::new(config)?;
        pipeline.serve_worker(&opts, std::io::BufReader::new(std::io::stdin()), std::io::stdout().lock())?;
        return Ok((ExitCode::SUCCESS, serde_json::Value::Null));
    }
    let bar = progress_bar(common.json);
    let on_item = |item: &ItemReport| {
        bar.inc(1);
        if let Outcome::Failed { reason } = &item.outcome {
            bar.suspend(|| eprintln!("failed: {reason}"));
        }
    };
    let report = if jobs > 1 {
        // One worker process per job: Typst's memo cache is shared by every
        // thread of a process, so processes scale where threads stall.
        let args = worker_args(&config, final_, common, how, date);
        batch::render_in_processes(&std::env::current_exe()?, &args, cases, jobs, &on_item)?
    } else {
        // Typst lays out in parallel on the global rayon pool: size it to
        // the jobs asked for, so `--jobs 1` really uses one core.
        let _ = rayon::ThreadPoolBuilder::new().num_threads(jobs).build_global();
        Pipeline::new(config.clone())?.render_paths(cases, &opts, &on_item)?
    };
    bar.finish_and_clear();
    let record = if common.no_run_record {
        None
    } else {
        Some(batch::write_run_record(&config, how.command, &report)?)
    };
    if !common.json {
        print_summary(&report, record.as_deref());
    }
    let code = if report.has_failures() { ExitCode::from(1) } else { ExitCode::SUCCESS };
    Ok((code, serde_json::to_value(&report)?))
}

/// The `render` arguments that make a worker process do exactly this render.
fn worker_args(
    config: &Config,
    final_: bool,
    common: &Common,
    how: How<'_>,
    date: chrono::NaiveDate,
) -> Vec<std::ffi::OsString> {
    // The parent loads the cases and hands them out; workers get none here.
    let mut args: Vec<std::ffi::OsString> = vec!["render".into()];
    args.extend(["--out".into(), config.paths.output.clone().into_os_string()]);
    args.extend(["--date".into(), date.to_string().into()]);
    if let Some(path) = how.config_path {
        args.extend(["--config".into(), path.as_os_str().to_owned()]);
    }
    if let Some(dir) = &config.paths.templates {
        args.extend(["--templates".into(), dir.clone().into_os_string()]);
    }
    if let Some(dir) = &common.typst_dir {
        args.extend(["--typst-dir".into(), dir.clone().into_os_string()]);
    }
    for kind in how.kind_names {
        args.extend(["--kind".into(), kind.into()]);
    }
    if final_ {
        args.push("--final".into());
    }
    if common.force {
        args.push("--force".into());
    }
    args
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

fn print_summary(report: &BatchReport, record: Option<&Path>) {
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
    let record = record.map(|r| format!(" Run record: {}", r.display())).unwrap_or_default();
    println!("\n{written} written, {unchanged} unchanged, {failed} failed.{record}");
}
