//! Settings resolved once per command: the config file (or the defaults),
//! with the command line's overrides applied (among them [`Common`], the
//! render flags of `render` and `run`), and the days and times it runs for.
//! The command modules and the dispatcher read these; this names none of them.
//! Which config file is the library's `config::discover`.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Result;
use casepress::batch::{self, KindSelection, RenderOptions, Workers};
use casepress::config::Config;
use casepress::config::discover::{self, Found};
use casepress::statements::fields::parse_sent;
use chrono::{DateTime, NaiveDate, Utc};

/// Render settings shared by `render` and `run`.
#[derive(Debug, clap::Args)]
pub struct Common {
    /// Template override folder (files replace the built-in ones by name).
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// Date of the documents and of the rules (YYYY-MM-DD; default: today).
    #[arg(long, value_name = "DATE", value_parser = date)]
    pub date: Option<NaiveDate>,
    /// Worker processes (default: one per core).
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Re-render even when the same input was rendered before.
    #[arg(long)]
    pub force: bool,
    /// Also write each document's generated Typst source into DIR.
    #[arg(long, value_name = "DIR")]
    pub typst_dir: Option<PathBuf>,
    /// Print the report as JSON on stdout.
    #[arg(long)]
    pub json: bool,
}

/// The config of `run`, `serve`, `statements watch` and `audit verify`: an
/// argument (as they always took it) or `--config`, as every other verb
/// takes it.
#[derive(Debug, clap::Args)]
pub struct ConfigArg {
    /// Config file (default: CASEPRESS_CONFIG, else casepress.toml here or in
    /// the nearest folder above).
    #[arg(value_name = "CONFIG")]
    config: Option<PathBuf>,
    /// The same, as the other commands take it.
    #[arg(long = "config", value_name = "FILE", conflicts_with = "config")]
    config_flag: Option<PathBuf>,
}

impl ConfigArg {
    /// The config file named, either way.
    pub fn path(&self) -> Option<&Path> {
        self.config.as_deref().or(self.config_flag.as_deref())
    }
}

/// The config file this command reads: `--config` (or `run CONFIG`), else
/// `CASEPRESS_CONFIG`, else `./casepress.toml`, else the nearest one above
/// (`casepress::config::discover`). `-v` says which, and why.
pub fn find_config(flag: Option<&Path>) -> Result<Option<Found>> {
    let found = discover::find(flag)?;
    match &found {
        Some(found) => tracing::info!("config: {found}"),
        None => tracing::info!("config: none found, the built-in defaults"),
    }
    Ok(found)
}

/// The config found by [`find_config`], else the built-in defaults; with
/// `required`, no config found is an error that says how to give one.
/// Also where it came from (`None`: the defaults).
pub fn load_config_found(flag: Option<&Path>, required: bool) -> Result<(Config, Option<Found>)> {
    match find_config(flag)? {
        Some(found) => {
            let config = Config::load(&found.path)?;
            // Cases are read with the service's catalogue of disposals.
            if let Some(catalogue) = config.disposals.loaded.clone() {
                catalogue.install();
            }
            Ok((config, Some(found)))
        }
        None if required => anyhow::bail!("{}", discover::none_found()),
        None => Ok((Config::default(), None)),
    }
}

/// The config, as [`load_config_found`] finds it.
pub fn load_config(flag: Option<&Path>, required: bool) -> Result<Config> {
    Ok(load_config_found(flag, required)?.0)
}

/// The config with `--out` applied.
pub fn config_with_out(path: Option<&Path>, out: Option<&PathBuf>) -> Result<Config> {
    Ok(found_config_with_out(path, out, false)?.0)
}

/// The config with `--out` applied, and where it came from.
pub fn found_config_with_out(
    path: Option<&Path>,
    out: Option<&PathBuf>,
    required: bool,
) -> Result<(Config, Option<Found>)> {
    let (mut config, found) = load_config_found(path, required)?;
    if let Some(out) = out {
        config.paths.output = out.clone();
    }
    Ok((config, found))
}

/// The case files a command reads: `--cases` when given, else the config's
/// `paths.cases`. With no config found either, it says so, rather than
/// failing on the defaults' `cases` folder that is not there.
pub fn case_inputs(given: &[PathBuf], config: &Config, found: Option<&Found>) -> Result<Vec<PathBuf>> {
    match (given.is_empty(), found) {
        (false, _) => Ok(given.to_vec()),
        (true, Some(_)) => Ok(config.paths.cases.clone()),
        (true, None) => anyhow::bail!("{}; or name the case files with --cases", discover::none_found()),
    }
}

/// A date typed on the command line, with the accepted format in the error.
pub fn date(text: &str) -> Result<NaiveDate, String> {
    text.parse().map_err(|_| format!("`{text}` is not a date: expected YYYY-MM-DD, e.g. 2026-11-23"))
}

/// Today, unless the command line says otherwise.
pub fn today(date: Option<NaiveDate>) -> NaiveDate {
    date.unwrap_or_else(|| chrono::Local::now().date_naive())
}

/// The clock a command runs by: the system's, or `--now` for tests and
/// replays.
#[derive(Debug, Clone, clap::Args)]
pub struct Clock {
    /// For tests and replays only: act as if it were this time (RFC 3339 or
    /// `YYYY-MM-DD HH:MM` London time). Default: the system clock. A time
    /// later than the system clock is refused unless --test-clock says this
    /// is a test.
    #[arg(long, value_name = "DATETIME")]
    pub now: Option<String>,
    /// Allow --now later than the system clock: this run is a test, and
    /// what it records is not the service's real history.
    #[arg(long, requires = "now")]
    pub test_clock: bool,
}

impl Clock {
    /// "Now": the system clock, or `--now` when it is not in the future
    /// (or `--test-clock` allows it).
    pub fn now(&self) -> Result<DateTime<Utc>> {
        let system = Utc::now();
        let Some(text) = self.now.as_deref() else { return Ok(system) };
        let at = parse_sent(text).or_else(|| parse_sent(&text.replace('T', " "))).ok_or_else(|| {
            anyhow::anyhow!("--now `{text}`: expected RFC 3339 or `YYYY-MM-DD HH:MM` (London time)")
        })?;
        if at > system && !self.test_clock {
            anyhow::bail!(
                "--now `{text}` is later than the system clock: --now is for tests and replays of what \
                 has happened; add --test-clock if this is a test"
            );
        }
        Ok(at)
    }

    /// `--now`, if given (checked as [`Clock::now`] is).
    pub fn fixed(&self) -> Result<Option<DateTime<Utc>>> {
        self.now.as_ref().map(|_| self.now()).transpose()
    }
}

/// The render options and workers that `render` and `run` share, with
/// `--templates` applied to the config.
pub fn render_settings(
    config: &mut Config,
    common: &Common,
    kinds: KindSelection,
) -> Result<(RenderOptions, Workers)> {
    if let Some(dir) = &common.templates {
        config.paths.templates = Some(dir.clone());
    }
    let jobs = common.jobs.unwrap_or_else(batch::default_jobs).max(1);
    let opts = RenderOptions {
        kinds,
        // Finals come only from `casepress final`, after the recorded steps.
        final_: false,
        date: today(common.date),
        force: common.force,
        jobs,
        typst_dir: common.typst_dir.clone(),
    };
    // Always worker processes, even for one job: Typst's memo cache is
    // shared by every thread of a process (processes scale where threads
    // stall), and a case that aborts its worker (out of memory, a stack
    // overflow) then fails alone instead of taking the batch down.
    let workers = Workers::Processes { exe: std::env::current_exe()? };
    Ok((opts, workers))
}

/// Prints `report` as pretty JSON.
pub fn print_json(report: &impl serde::Serialize) -> Result<()> {
    // Written as it is serialised: a large batch's report is not held twice.
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    serde_json::to_writer_pretty(&mut out, report)?;
    writeln!(out)?;
    out.flush()?;
    Ok(())
}
