//! The command line: what the user typed (clap), then one small module per
//! verb that resolves its settings once, calls the library and prints.

mod audit;
mod board;
mod check;
mod exit;
mod export;
mod import;
mod lifecycle;
mod manual;
mod output;
mod print;
mod render;
mod run;
mod sar;
mod serve;
mod settings;
mod statements;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{CommandFactory, Parser, Subcommand};

use self::settings::Common;

/// Case documents, statement filing and board reports for youth justice services.
#[derive(Debug, Parser)]
#[command(name = "casepress", version, about, max_term_width = 100)]
pub struct Args {
    /// Say less on stderr: no notes, no progress bar, log lines only for
    /// errors. The report and errors are unchanged.
    #[arg(short, long, global = true, conflicts_with = "verbose", help_heading = "Global options")]
    quiet: bool,
    /// Say more on stderr: which config is used, and more log detail
    /// (repeat for more: -vv).
    #[arg(short, long, global = true, action = clap::ArgAction::Count, help_heading = "Global options")]
    verbose: u8,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Render documents for the given case files or folders.
    Render(render::RenderArgs),
    /// The nightly job: render every applicable document for the configured
    /// cases, file the statement inbox, make Y2A bundles, write the board report.
    Run {
        #[command(flatten)]
        config: settings::ConfigArg,
        /// When statements are received and assigned.
        #[command(flatten)]
        clock: settings::Clock,
        #[command(flatten)]
        common: Common,
    },
    /// Check cases against the practice rules: forms required and missing,
    /// deadlines met or overdue, findings. Exits 1 when anything is overdue
    /// or invalid, or a case could not be loaded.
    Check(check::CheckArgs),
    /// The quarterly management board report: PDF, figures.csv,
    /// figures.json and a board pack zip, in OUT/board/<quarter>/.
    Board(board::BoardArgs),
    /// Export case-file bundles (zip): `transfer` to another service, or
    /// `y2a` for a young person turning 18. Reads only the case folders.
    Export(export::ExportArgs),
    /// File received Mind Of My Own statements, and report on them.
    Statements {
        #[command(subcommand)]
        action: statements::StatementsAction,
    },
    /// Start a document a person writes (psr, progress-report,
    /// intervention-plan, service-agreement): its section is added to the
    /// case file. A PSR or progress report once the court asked for it.
    Start(lifecycle::StartArgs),
    /// Submit a document's current draft for gatekeeping or sign-off.
    Submit(lifecycle::SubmitArgs),
    /// Review a submitted document: --agree, or --return with comments.
    Review(lifecycle::ReviewArgs),
    /// Record a signature given to a document's current version (--as
    /// author, young-person, parent-carer, case-manager or manager).
    Sign(lifecycle::SignArgs),
    /// Record a PSR's gatekeeping meeting (--date, --with who else was
    /// there), by the manager who held it (--by), about the current version.
    Meeting(lifecycle::MeetingArgs),
    /// Make an agreed document final: renders and records the final PDF.
    Final(lifecycle::FinalArgs),
    /// Record that a final was sent (--to, --date).
    Sent(lifecycle::SentArgs),
    /// Each document of a case: its state, version and what it waits for.
    Status(lifecycle::StatusArgs),
    /// A subject access request: one PDF/A of everything held about the
    /// child, third parties withheld, with its redaction log; --decide
    /// records a manager's decision to release it.
    Sar(sar::SarArgs),
    /// The browser workspace: writers and gatekeepers work on the cases in a
    /// browser, with a live preview. Runs until stopped (Ctrl-C, SIGTERM).
    Serve(serve::ServeArgs),
    /// The workspace's audit log: `verify` checks its hash chain.
    Audit {
        #[command(subcommand)]
        action: audit::AuditAction,
    },
    /// Local accounts for the workspace.
    User {
        #[command(subcommand)]
        action: serve::UserAction,
    },
    /// Create and update case files from case management system extracts
    /// (CSV, XLSX) through a mapping. Facts only: what writers wrote in
    /// casepress is never overwritten. Exits 1 when a row failed or a fact
    /// conflicts.
    Import(import::ImportArgs),
    /// Write a new, minimal case file (with `$schema`, so editors check and
    /// complete it) and the schema beside it.
    New(import::NewArgs),
    /// Print the JSON Schema of the case format, or write it to a file.
    Schema {
        /// Write it to FILE (for editors: a case file's `"$schema"` names it).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// List the disposals of this config's catalogue (default: the built-in one).
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
    /// Print the catalogue of disposals in use, as TOML: the built-in one,
    /// or the file `[disposals] catalogue` names. A service's own starts
    /// from this.
    Disposals {
        /// Config file (default: CASEPRESS_CONFIG, else casepress.toml here or
        /// in the nearest folder above).
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
    /// Work with the document templates.
    Templates {
        #[command(subcommand)]
        action: TemplatesAction,
    },
    /// Print a shell's completion script for casepress, made from this
    /// command line's definition (e.g. `casepress completions bash >
    /// /etc/bash_completion.d/casepress`).
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), or write one page per command into DIR
    /// (`casepress.1`, `casepress-render.1`, …), made from this command
    /// line's definition.
    Man {
        /// Write the pages into DIR instead.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// Internal: a render worker process (setup and cases as JSON lines on
    /// stdin, reports as JSON lines on stdout).
    #[command(hide = true)]
    Worker,
}

#[derive(Debug, Subcommand)]
enum TemplatesAction {
    /// Write the built-in templates into DIR to customise. A template already
    /// in DIR is kept as it is, and said.
    Export {
        /// Destination folder.
        dir: PathBuf,
    },
}

/// Runs one subcommand: exit 0 (all done), 1 (some items failed or need
/// action); an error is exit 2 (could not run).
pub fn run(args: Args) -> Result<ExitCode> {
    let long_running = matches!(
        args.command,
        Command::Serve(_) | Command::Statements { action: statements::StatementsAction::Watch { .. } }
    );
    if !matches!(args.command, Command::Worker) {
        output::init(output::Verbosity { quiet: args.quiet, verbose: args.verbose }, long_running);
    }
    match args.command {
        Command::Render(a) => render::render(a),
        Command::Run { config, clock, common } => run::run(config, &clock, common),
        Command::Check(a) => check::check(a),
        Command::Board(a) => board::board(a),
        Command::Export(a) => export::export(a),
        Command::Statements { action } => statements::statements(action),
        Command::Start(a) => lifecycle::start(a),
        Command::Submit(a) => lifecycle::submit(a),
        Command::Meeting(a) => lifecycle::meeting(a),
        Command::Review(a) => lifecycle::review(a),
        Command::Sign(a) => lifecycle::sign(a),
        Command::Final(a) => lifecycle::finalise(a),
        Command::Sent(a) => lifecycle::sent(a),
        Command::Status(a) => lifecycle::status(a),
        Command::Sar(a) => sar::sar(a),
        Command::Serve(a) => serve::serve(a),
        Command::Audit { action } => audit::audit(action),
        Command::User { action } => serve::user(action),
        Command::Import(a) => import::run_import(a),
        Command::New(a) => import::new(a),
        Command::Schema { out, config } => {
            if let Some(config) = config {
                settings::load_config(Some(&config), true)?;
            }
            import::schema(out)
        }
        Command::Disposals { config } => {
            let config = settings::load_config(config.as_deref(), false)?;
            match config.disposals.loaded {
                Some(catalogue) => print!("{}", toml::to_string(&catalogue)?),
                None => print!("{}", casepress::case::disposal_catalogue_toml()),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Templates { action: TemplatesAction::Export { dir } } => {
            let exported = casepress::render::export(&dir).context("cannot export templates")?;
            for path in &exported.written {
                println!("wrote     {}", path.display());
            }
            for path in &exported.kept {
                println!("kept      {} (already there: yours is never replaced)", path.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Completions { shell } => manual::completions(Args::command(), shell),
        Command::Man { out } => manual::man(Args::command(), out.as_deref()),
        Command::Worker => {
            let stdin = std::io::BufReader::new(std::io::stdin());
            casepress::batch::serve_worker(stdin, std::io::stdout().lock())?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_definition_is_consistent_and_every_page_is_made() {
        Args::command().debug_assert();
        let dir = tempfile::tempdir().unwrap();
        manual::man(Args::command(), Some(dir.path())).unwrap();
        let page = std::fs::read_to_string(dir.path().join("casepress-final.1")).unwrap();
        assert!(page.contains(".TH casepress-final"), "{page}");
        assert!(!page.contains("\\-\\-to"), "final takes no --to: {page}");
        assert!(dir.path().join("casepress-statements-watch.1").is_file());
        assert!(!dir.path().join("casepress-worker.1").exists(), "the internal verb has no page");
    }
}
