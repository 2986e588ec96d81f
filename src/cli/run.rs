//! `casepress run`: the nightly job, as the library runs it.

use std::process::ExitCode;

use anyhow::Result;
use casepress::batch::KindSelection;
use casepress::case::Caseload;
use casepress::config::discover;
use casepress::press::Press;
use casepress::run::{RunOptions, run_loaded};

use super::exit::exit_code;
use super::settings::Common;
use super::{print, settings};

pub fn run(config: settings::ConfigArg, clock: &settings::Clock, common: Common) -> Result<ExitCode> {
    if let Some(path) = config.path() {
        let case_data = path.extension().is_some_and(|e| e == "json" || e == "ndjson" || e == "jsonl");
        if path.is_dir() || case_data {
            let inside = path.join(discover::CONFIG_FILE);
            let example = if inside.is_file() { inside } else { "samples/casepress.toml".into() };
            anyhow::bail!(
                "{}: `run` takes a config file, e.g. `casepress run {}`; to render case files or a folder of them, use `casepress render {}`",
                path.display(),
                example.display(),
                path.display()
            );
        }
    }
    let mut config = settings::load_config(config.path(), true)?;
    let (render, workers) = settings::render_settings(&mut config, &common, KindSelection::Applicable)?;
    let today = render.date;
    let press = Press::new(config)?;
    let opts = RunOptions { render, workers, now: clock.now()?, today };
    let paths = &press.config().paths.cases;
    let caseload = Caseload::load_with(paths, &press.config().limits).map_err(|e| anyhow::anyhow!("{e}"))?;
    let bar = print::progress_bar(common.json, caseload.cases.len() + caseload.failures.len());
    let report = run_loaded(&press, &caseload, &opts, &print::on_item(&bar))?;
    bar.finish_and_clear();
    if common.json {
        settings::print_json(&report)?;
    } else {
        print::batch(&report.render, report.record.as_ref().ok().map(|p| p.as_path()));
        if let Err(e) = &report.record {
            print::record_failed(e);
        }
        if let (Some(filed), Some(inbox)) = (&report.statements, &press.config().statements.inbox) {
            println!("\nFiling statements from {}", inbox.display());
            print::filing(filed);
        }
        print::round_extras(&report.attached, report.notices.as_ref(), None);
        if let Some(items) = &report.y2a {
            let who = if items.len() == 1 { "young person" } else { "young people" };
            println!("\nY2A bundles for {} {who} turning 18", items.len());
            print::exports(items);
        }
        println!("\nBoard report for {}", report.board.quarter);
        print::board(&report.board);
    }
    Ok(exit_code(report.has_failures()))
}
