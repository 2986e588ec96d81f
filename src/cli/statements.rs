//! `casepress statements file|status`: file the inbox, and report on it.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use casepress::case::Caseload;
use casepress::press::Press;
use casepress::statements::round::{RoundCases, file_round};
use casepress::statements::{AttachOptions, FileOptions, attach, status, watch};

use super::exit::exit_code;
use super::{print, settings};

#[derive(Debug, clap::Subcommand)]
pub enum StatementsAction {
    /// File every statement PDF in the inbox into its case folder: assign,
    /// log the receipt, escalate Safety Link, quarantine the unidentified
    /// and the unreadable.
    File {
        /// The inbox folder (default: `statements.inbox` from config).
        #[arg(long, value_name = "DIR")]
        inbox: Option<PathBuf>,
        /// Case files or folders to match against (default: `paths.cases` from config).
        #[arg(long, value_name = "CASES", num_args = 1..)]
        cases: Vec<PathBuf>,
        #[command(flatten)]
        common: StatementsCommon,
    },
    /// Attach an unidentified statement to the child's case, once the duty
    /// manager knows who sent it: recorded (who, why) and filed by the book.
    Attach {
        /// The statement ID, or the quarantined file's name.
        statement: String,
        /// The case it belongs to.
        #[arg(long = "case", value_name = "CASE_ID")]
        case_id: String,
        /// Who decided (recorded in the ledger and the receipt note).
        #[arg(long, value_name = "NAME")]
        by: String,
        /// Why (recorded in the ledger and the receipt note).
        #[arg(long, value_name = "TEXT")]
        reason: String,
        /// Case files or folders (default: `paths.cases` from config).
        #[arg(long, value_name = "CASES", num_args = 1..)]
        cases: Vec<PathBuf>,
        #[command(flatten)]
        common: StatementsCommon,
    },
    /// File the inbox continuously: look every `statements.watch.poll_seconds`
    /// (or --poll), file each settled batch, write a heartbeat; stop cleanly
    /// on SIGTERM or Ctrl-C, after the batch in hand.
    Watch {
        #[command(flatten)]
        config: settings::ConfigArg,
        /// The inbox folder (default: `statements.inbox` from config).
        #[arg(long, value_name = "DIR")]
        inbox: Option<PathBuf>,
        /// Seconds between looks (default: `statements.watch.poll_seconds`, else 10).
        #[arg(long, value_name = "SECONDS")]
        poll: Option<u64>,
    },
    /// Statements waiting, assignment targets missed, Safety Link escalations,
    /// unidentified statements awaiting a decision.
    Status {
        /// The inbox folder (default: `statements.inbox` from config).
        #[arg(long, value_name = "DIR")]
        inbox: Option<PathBuf>,
        #[command(flatten)]
        common: StatementsCommon,
    },
}

/// What `file`, `attach` and `status` all read (each its own inbox, or
/// none: `attach` takes the statement from quarantine).
#[derive(Debug, clap::Args)]
pub struct StatementsCommon {
    /// Output root (default: from config).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    #[command(flatten)]
    clock: settings::Clock,
    /// Config file (default: CASEPRESS_CONFIG, else casepress.toml here or in
    /// the nearest folder above).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Print the report as JSON on stdout.
    #[arg(long)]
    json: bool,
}

pub fn statements(action: StatementsAction) -> Result<ExitCode> {
    match action {
        StatementsAction::File { inbox, cases, common: c } => {
            let (config, found) =
                settings::found_config_with_out(c.config.as_deref(), c.out.as_ref(), false)?;
            let inbox = inbox.or(config.statements.inbox.clone()).ok_or_else(|| {
                anyhow::anyhow!("no inbox: pass --inbox DIR or set statements.inbox in casepress.toml")
            })?;
            let cases = settings::case_inputs(&cases, &config, found.as_ref())?;
            let caseload = Caseload::load_with(&cases, &config.limits).map_err(|e| anyhow::anyhow!("{e}"))?;
            let opts = FileOptions { inbox, now: c.clock.now()? };
            let press = Press::new(config)?;
            let round = file_round(&press, RoundCases::Loaded(&caseload), &opts)?;
            print::round_extras(&round.attached, round.notices.as_ref(), round.notices_error.as_deref());
            let report = round.filed.unwrap_or_default();
            if c.json {
                settings::print_json(&report)?;
            } else {
                print::filing(&report);
            }
            Ok(exit_code(report.has_failures()))
        }
        StatementsAction::Attach { statement, case_id, by, reason, cases, common: c } => {
            let (config, found) =
                settings::found_config_with_out(c.config.as_deref(), c.out.as_ref(), false)?;
            let cases = settings::case_inputs(&cases, &config, found.as_ref())?;
            let caseload = Caseload::load_with(&cases, &config.limits).map_err(|e| anyhow::anyhow!("{e}"))?;
            let opts = AttachOptions { statement, case_id, by, reason, now: c.clock.now()? };
            let report = attach(&Press::new(config)?, &caseload, &opts)?;
            if c.json {
                settings::print_json(&report)?;
            } else {
                print::filing(&report);
            }
            Ok(exit_code(report.has_failures()))
        }
        StatementsAction::Watch { config, inbox, poll } => {
            let config = settings::load_config(config.path(), true)?;
            let inbox = inbox.or(config.statements.inbox.clone()).ok_or_else(|| {
                anyhow::anyhow!("no inbox: pass --inbox DIR or set statements.inbox in casepress.toml")
            })?;
            let poll = poll.or(config.statements.watch.as_ref().map(|w| w.poll_seconds)).unwrap_or(10);
            let opts = watch::WatchOptions {
                inbox,
                cases: config.paths.cases.clone(),
                poll: std::time::Duration::from_secs(poll.max(1)),
                mode: config.statements.watch.as_ref().map(|w| w.mode).unwrap_or_default(),
            };
            let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
            for signal in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGINT] {
                signal_hook::flag::register(signal, stop.clone())?;
            }
            let press = Press::new(config)?;
            watch::watch(&press, &opts, &stop, &mut |_| {})?;
            Ok(ExitCode::SUCCESS)
        }
        StatementsAction::Status { inbox, common: c } => {
            let config = settings::config_with_out(c.config.as_deref(), c.out.as_ref())?;
            let inbox = inbox.or(config.statements.inbox.clone());
            let service = casepress::service::Service::new(config);
            let (layout, s) = (service.layout(), &service.config().statements);
            let now = c.clock.now()?;
            let mut report = status::status(&service, inbox.as_deref(), now)?;
            report.watcher = s.watch.as_ref().map(|w| watch::health(layout, w.stale_after(), now));
            if service.config().smtp.is_some() {
                let outbox = casepress::statements::outbox::Outbox::new(layout, service.modes());
                report.unsent_notices = outbox.unsent(&service).map_err(|e| anyhow::anyhow!(e))?;
            }
            if c.json {
                settings::print_json(&report)?;
            } else {
                print!("{}", status::to_text(&report));
            }
            Ok(exit_code(report.needs_action()))
        }
    }
}
