//! `casepress board`: the quarterly management board report.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use casepress::board::{BoardRequest, Quarter, build_board};
use casepress::case::Caseload;
use casepress::press::Press;

use super::exit::exit_code;
use super::{print, settings};

#[derive(Debug, clap::Args)]
pub struct BoardArgs {
    /// Case files or folders (default: `board.cases`, else `paths.cases`, from config).
    cases: Vec<PathBuf>,
    /// Financial-year quarter, e.g. 2026-Q2 (Q1 is April to June;
    /// default: the latest complete quarter).
    #[arg(long, value_name = "YYYY-Qn")]
    quarter: Option<Quarter>,
    /// Output root (default: from config).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Config file (default: CASEPRESS_CONFIG, else casepress.toml here or in
    /// the nearest folder above).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// A provisional report of a quarter that has not ended, marked
    /// PROVISIONAL and written to OUT/board/<quarter>-provisional/.
    #[arg(long)]
    provisional: bool,
    /// A text file with the head of service's narrative for the board,
    /// printed before the figures.
    #[arg(long, value_name = "FILE")]
    narrative: Option<PathBuf>,
    /// The date of the board meeting the paper is for (YYYY-MM-DD; default:
    /// the first of `board.meeting_dates` after the quarter, else today).
    #[arg(long, value_name = "DATE", value_parser = settings::date)]
    board_date: Option<chrono::NaiveDate>,
    /// Today, for whether the quarter has ended (YYYY-MM-DD; default: today).
    #[arg(long, value_name = "DATE", value_parser = settings::date)]
    today: Option<chrono::NaiveDate>,
    /// Print what was written as JSON on stdout.
    #[arg(long)]
    json: bool,
}

pub fn board(a: BoardArgs) -> Result<ExitCode> {
    let (config, found) = settings::found_config_with_out(a.config.as_deref(), a.out.as_ref(), false)?;
    let today = settings::today(a.today);
    let quarter = a.quarter.unwrap_or_else(|| Quarter::latest_complete(today));
    let inputs = match (&config.board.cases, a.cases.is_empty()) {
        (Some(cases), true) => cases.clone(),
        _ => settings::case_inputs(&a.cases, &config, found.as_ref())?,
    };
    let caseload = Caseload::load_with(&inputs, &config.limits).map_err(|e| anyhow::anyhow!("{e}"))?;
    let press = Press::new(config)?;
    let narrative = match &a.narrative {
        Some(path) => Some(
            std::fs::read_to_string(path)
                .map_err(|e| anyhow::anyhow!("{}: cannot read the narrative: {e}", path.display()))?,
        ),
        None => None,
    };
    let request =
        BoardRequest { quarter, today, provisional: a.provisional, narrative, board_date: a.board_date };
    let outputs = build_board(&press, &caseload, &request)?;
    if a.json {
        settings::print_json(&outputs)?;
    } else {
        print::board(&outputs);
    }
    Ok(exit_code(!outputs.errors.is_empty()))
}
