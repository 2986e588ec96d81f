//! `casepress start|submit|review|sign|meeting|final|sent|status`: the steps
//! of a document's life, each checked against the rules and recorded in the
//! case log (a start adds the document's section to the case file).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use casepress::case::{Caseload, LoadedCase};
use casepress::config::Config;
use casepress::documents::DocumentKind;
use casepress::lifecycle::{self, Act, Refused};
use casepress::press::Press;
use casepress::service::Service;
use chrono::NaiveDate;

use super::settings;

/// Where the case is, who acts, and when.
#[derive(Debug, clap::Args)]
pub struct Acting {
    /// The case.
    case_id: String,
    /// The document: psr, gatekeeping, intervention-plan, service-agreement,
    /// risk-summary, mappa-h, mappa-a, pprc-2, pprc-7, progress-report.
    kind: DocumentKind,
    /// Who takes the step (a name in the staff directory).
    #[arg(long, value_name = "NAME")]
    by: String,
    #[command(flatten)]
    place: Place,
}

/// The config, output and cases. Every verb here reads them all; the clock
/// is flattened only into the steps that record a time, so `--help` lists
/// what each verb uses.
#[derive(Debug, clap::Args)]
pub struct Place {
    /// Config file (default: CASEPRESS_CONFIG, else casepress.toml here or in
    /// the nearest folder above).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Output root (default: from config).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Case files or folders (default: `paths.cases` from config).
    #[arg(long, value_name = "CASES", num_args = 1..)]
    cases: Vec<PathBuf>,
    /// Print the result as JSON on stdout.
    #[arg(long)]
    pub(super) json: bool,
}

#[derive(Debug, clap::Args)]
pub struct SubmitArgs {
    #[command(flatten)]
    acting: Acting,
    /// A manager asked to review it (repeat for a second gatekeeper;
    /// default: whichever manager the rules allow).
    #[arg(long, value_name = "NAME")]
    to: Vec<String>,
    #[command(flatten)]
    clock: settings::Clock,
}

#[derive(Debug, clap::Args)]
pub struct ReviewArgs {
    #[command(flatten)]
    acting: Acting,
    /// Agree the submitted version.
    #[arg(long, conflicts_with = "return_")]
    agree: bool,
    /// Return it with comments, to amend.
    #[arg(long = "return", requires = "comments")]
    return_: bool,
    /// A text file of comments (per section), or views with --agree.
    #[arg(long, value_name = "FILE")]
    comments: Option<PathBuf>,
    #[command(flatten)]
    clock: settings::Clock,
}

#[derive(Debug, clap::Args)]
pub struct FinalArgs {
    #[command(flatten)]
    acting: Acting,
    /// The final's date (YYYY-MM-DD; default: today).
    #[arg(long, value_name = "DATE", value_parser = settings::date)]
    date: Option<NaiveDate>,
    #[command(flatten)]
    clock: settings::Clock,
}

#[derive(Debug, clap::Args)]
pub struct SentArgs {
    #[command(flatten)]
    acting: Acting,
    /// Who it was sent to (a court, a panel, an agency).
    #[arg(long, value_name = "NAME")]
    to: String,
    /// The day it was sent (YYYY-MM-DD; default: today).
    #[arg(long, value_name = "DATE", value_parser = settings::date)]
    date: Option<NaiveDate>,
    #[command(flatten)]
    clock: settings::Clock,
}

#[derive(Debug, clap::Args)]
pub struct SignArgs {
    #[command(flatten)]
    acting: Acting,
    /// The part the signature is given in: author, young-person,
    /// parent-carer, case-manager or manager.
    #[arg(long = "as", value_name = "PART", value_parser = signer)]
    as_: casepress::documents::Signer,
    /// Who signed, for the young person or a parent or carer (default: the
    /// young person; the only parent or carer recorded). Staff sign for
    /// themselves: --by is who signed.
    #[arg(long, value_name = "NAME")]
    name: Option<String>,
    /// The day they signed (YYYY-MM-DD; default: the day of --now, today).
    #[arg(long, value_name = "DATE", value_parser = settings::date)]
    date: Option<NaiveDate>,
    #[command(flatten)]
    clock: settings::Clock,
}

#[derive(Debug, clap::Args)]
pub struct MeetingArgs {
    #[command(flatten)]
    acting: Acting,
    /// The day the meeting was held (YYYY-MM-DD; default: the day of --now, today).
    #[arg(long, value_name = "DATE", value_parser = settings::date)]
    date: Option<NaiveDate>,
    /// Who else was there, as named in the staff directory: the report's
    /// author, a second manager (repeat). --by, the manager recording it,
    /// was there.
    #[arg(long = "with", value_name = "NAME")]
    with: Vec<String>,
    #[command(flatten)]
    clock: settings::Clock,
}

#[derive(Debug, clap::Args)]
pub struct StartArgs {
    #[command(flatten)]
    acting: Acting,
}

fn signer(text: &str) -> Result<casepress::documents::Signer, String> {
    casepress::documents::Signer::from_name(text).ok_or_else(|| {
        format!(
            "`{text}` is not a part: expected author, young-person, parent-carer, case-manager or manager"
        )
    })
}

#[derive(Debug, clap::Args)]
pub struct StatusArgs {
    /// The case.
    case_id: String,
    #[command(flatten)]
    place: Place,
}

/// The config a step needs (its staff directory names who may act; with
/// `required`, none found is an error that says so) and the case it is
/// about, from `--cases` or `paths.cases`. A case that is not there is an
/// error (exit 2), as a file that is not there is.
pub(super) fn load_case(place: &Place, case_id: &str, required: bool) -> Result<(Config, LoadedCase)> {
    let (config, found) =
        settings::found_config_with_out(place.config.as_deref(), place.out.as_ref(), required)?;
    let inputs = settings::case_inputs(&place.cases, &config, found.as_ref())?;
    let mut caseload = Caseload::load_with(&inputs, &config.limits).map_err(|e| anyhow::anyhow!("{e}"))?;
    let Some(at) = caseload.cases.iter().position(|c| c.case.case_id.is(case_id)) else {
        let from: Vec<String> = inputs.iter().map(|p| p.display().to_string()).collect();
        let ids = caseload.cases.iter().map(|c| c.case.case_id.as_str());
        let hint = closest(case_id, ids).map(|id| format!(": did you mean `{id}`?")).unwrap_or_default();
        let n = caseload.cases.len();
        let cases = if n == 1 { "case" } else { "cases" };
        anyhow::bail!("no case `{case_id}` among the {n} {cases} loaded from {}{hint}", from.join(", "));
    };
    Ok((config, caseload.cases.swap_remove(at)))
}

/// The id nearest `typed`, when it is near enough to be a slip.
fn closest<'a>(typed: &str, ids: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let typed = typed.to_uppercase();
    ids.map(|id| (strsim::levenshtein(&typed, &id.to_uppercase()), id))
        .filter(|(d, _)| *d <= 2)
        .min()
        .map(|(_, id)| id)
}

fn take(acting: &Acting, clock: &settings::Clock, act: Act) -> Result<ExitCode> {
    let (config, loaded) = load_case(&acting.place, &acting.case_id, true)?;
    let now = clock.now()?;
    let press = Press::new(config)?;
    match lifecycle::act(&press, &loaded.case, acting.kind, &act, &acting.by, now) {
        Ok(event) => {
            if acting.place.json {
                settings::print_json(&event)?;
            } else if let casepress::store::LogEntry::Lifecycle {
                by,
                step,
                signer,
                signed_by,
                attended,
                date,
                ..
            } = &event
            {
                let who = match (signer, signed_by) {
                    (Some(part), Some(name)) => format!("{name} ({}), recorded by {by}", part.words()),
                    (Some(part), None) => format!("{by} ({})", part.words()),
                    _ if !attended.is_empty() => format!(
                        "{by} (held on {}, with {})",
                        date.as_deref().unwrap_or("?"),
                        casepress::terminal::printable(&attended.join(", "))
                    ),
                    _ => by.clone(),
                };
                println!("{} {} recorded: {step} by {who}", loaded.case.case_id, acting.kind);
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(Refused::Rule(why)) => {
            eprintln!("refused: {}", casepress::terminal::printable(&why));
            Ok(ExitCode::from(1))
        }
        Err(Refused::Setup(e)) => Err(e.into()),
    }
}

pub fn submit(a: SubmitArgs) -> Result<ExitCode> {
    take(&a.acting, &a.clock, Act::Submit { to: a.to })
}

pub fn review(a: ReviewArgs) -> Result<ExitCode> {
    let comments = match &a.comments {
        Some(path) => Some(
            std::fs::read_to_string(path)
                .map_err(|e| anyhow::anyhow!("{}: cannot read the comments: {e}", path.display()))?,
        ),
        None => None,
    };
    let act = match (a.agree, a.return_) {
        (true, _) => Act::Agree { comments },
        (_, true) => Act::Return { comments: comments.unwrap_or_default() },
        _ => anyhow::bail!("say --agree, or --return with --comments FILE"),
    };
    take(&a.acting, &a.clock, act)
}

pub fn finalise(a: FinalArgs) -> Result<ExitCode> {
    take(&a.acting, &a.clock, Act::Final { date: settings::today(a.date) })
}

pub fn sent(a: SentArgs) -> Result<ExitCode> {
    take(&a.acting, &a.clock, Act::Sent { to: a.to.clone(), date: settings::today(a.date) })
}

pub fn sign(a: SignArgs) -> Result<ExitCode> {
    let now = a.clock.now()?;
    let date = a.date.unwrap_or_else(|| now.with_timezone(&chrono_tz::Europe::London).date_naive());
    take(&a.acting, &a.clock, Act::Sign { signer: a.as_, name: a.name.clone(), date })
}

pub fn meeting(a: MeetingArgs) -> Result<ExitCode> {
    let now = a.clock.now()?;
    let date = a.date.unwrap_or_else(|| now.with_timezone(&chrono_tz::Europe::London).date_naive());
    take(&a.acting, &a.clock, Act::Meeting { date, attended: a.with.clone() })
}

/// `casepress start CASE KIND --by NAME`: the document's section added to
/// the case file, as the workspace's "Start" does.
pub fn start(a: StartArgs) -> Result<ExitCode> {
    let acting = &a.acting;
    let place = &acting.place;
    let (config, loaded) = load_case(place, &acting.case_id, true)?;
    let press = Press::new(config)?;
    let case_id = loaded.case.case_id.to_string();
    match lifecycle::start(&press, &loaded.file, &case_id, acting.kind, &acting.by) {
        Ok(started) => {
            if place.json {
                settings::print_json(&serde_json::json!({
                    "case_id": case_id, "kind": acting.kind, "section": started.section, "by": started.by,
                }))?;
            } else {
                println!(
                    "{case_id} {} started by {}: `{}` added to {}",
                    acting.kind,
                    started.by,
                    started.section,
                    casepress::terminal::printable(&loaded.file.display().to_string())
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(Refused::Rule(why)) => {
            eprintln!("refused: {}", casepress::terminal::printable(&why));
            Ok(ExitCode::from(1))
        }
        Err(Refused::Setup(e)) => Err(e.into()),
    }
}

pub fn status(a: StatusArgs) -> Result<ExitCode> {
    // The case must exist: a typo'd id is an error, not an empty status.
    let (config, loaded) = load_case(&a.place, &a.case_id, false)?;
    let states = lifecycle::status(&Service::new(config), loaded.case.case_id.as_str())?;
    if a.place.json {
        settings::print_json(&states)?;
        return Ok(ExitCode::SUCCESS);
    }
    println!("{}", loaded.case.case_id);
    for s in &states {
        let version = s.version.as_deref().map(|v| &v[..12.min(v.len())]).unwrap_or("-");
        let agreed = s.agreed_by();
        let agreed =
            if agreed.is_empty() { String::new() } else { format!(", agreed by {}", agreed.join(" and ")) };
        let phase = serde_json::to_value(s.phase)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let final_file = match &s.final_version {
            Some((_, file)) if !file.is_empty() => format!(", final {file}"),
            _ => String::new(),
        };
        println!(
            "  {:<18} {:<10} version {version}{agreed}{final_file}; next: {}",
            s.kind.name(),
            phase,
            lifecycle::next_step(s)
        );
    }
    Ok(ExitCode::SUCCESS)
}
