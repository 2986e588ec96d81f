//! `casepress sar CASE --requester child|parent|carer`: a subject access
//! request pack (PDF/A with its redaction log), or with `--decide`, a
//! manager's decision to release it or not, recorded in the case log.

use std::process::ExitCode;

use anyhow::Result;
use casepress::press::Press;
use casepress::sar::{self, Decision, Requester, SarError, SarRequest};
use casepress::terminal::printable;
use chrono::NaiveDate;

use super::lifecycle::{Place, load_case};
use super::settings;

#[derive(Debug, clap::Args)]
pub struct SarArgs {
    /// The case.
    case_id: String,
    /// Who asked: child (the young person), parent (with parental
    /// responsibility) or carer, acting for the young person.
    #[arg(long, value_name = "WHO", value_parser = ["child", "parent", "carer"])]
    requester: String,
    /// The parent's or carer's name, as the case file's parents and carers
    /// spell it.
    #[arg(long, value_name = "NAME")]
    name: Option<String>,
    /// Who prepares the pack, or (with --decide) the manager deciding: a
    /// name in the staff directory.
    #[arg(long, value_name = "NAME")]
    by: String,
    /// For a parent or carer: the young person agreed that their own views,
    /// health and messages be shared with them.
    #[arg(long)]
    child_consents: bool,
    /// A person to treat as a third party although the case format does not
    /// name them (a co-defendant, a witness, a sibling named in a writer's
    /// words): any field naming them is withheld. Repeat for more.
    #[arg(long = "third-party", value_name = "NAME")]
    third_party: Vec<String>,
    /// The pack's date (YYYY-MM-DD; default: today).
    #[arg(long, value_name = "DATE", value_parser = settings::date)]
    date: Option<NaiveDate>,
    /// Record a manager's decision on the latest pack made for this
    /// requester instead of making one: release, or refuse (with --reason).
    #[arg(long, value_name = "DECISION", value_parser = ["release", "refuse"])]
    decide: Option<String>,
    /// The manager's reasons for the decision.
    #[arg(long, value_name = "TEXT")]
    reason: Option<String>,
    #[command(flatten)]
    clock: settings::Clock,
    #[command(flatten)]
    place: Place,
}

pub fn sar(a: SarArgs) -> Result<ExitCode> {
    let requester = match Requester::parse(&a.requester, a.name.as_deref()) {
        Ok(r) => r,
        Err(why) => return refused(&why),
    };
    let (config, loaded) = load_case(&a.place, &a.case_id, true)?;
    let now = a.clock.now()?;
    let press = Press::new(config)?;
    let case = &loaded.case;
    if let Some(decide) = &a.decide {
        let decision = if decide == "release" { Decision::Release } else { Decision::Refuse };
        return match sar::decide(&press, case, &requester, decision, &a.by, a.reason.as_deref(), now) {
            Ok(entry) => {
                if a.place.json {
                    settings::print_json(&entry)?;
                } else {
                    let word = if decision == Decision::Release { "released" } else { "not released" };
                    println!(
                        "{} subject access pack for the {}: {word}, decided by {}",
                        case.case_id,
                        requester.kind(),
                        printable(&a.by)
                    );
                }
                Ok(ExitCode::SUCCESS)
            }
            Err(e) => failed(e),
        };
    }
    let request = SarRequest {
        requester,
        date: settings::today(a.date),
        child_consents: a.child_consents,
        third_parties: a.third_party.clone(),
    };
    let written = sar::make_pack(&press, case, &request)
        .and_then(|pack| sar::publish_pack(&press, case, &request, &pack, &a.by, now));
    match written {
        Ok(w) => {
            if a.place.json {
                settings::print_json(&w)?;
            } else {
                let state = if w.written { "wrote" } else { "unchanged" };
                println!("{state}  {}", printable(&w.pdf.display().to_string()));
                println!(
                    "        {} items withheld, listed in {} and {}",
                    w.withheld,
                    printable(&w.csv.display().to_string()),
                    printable(&w.json.display().to_string())
                );
                println!(
                    "        a manager decides its release: casepress sar {} --requester {} --decide release --by NAME",
                    case.case_id, a.requester
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => failed(e),
    }
}

fn failed(e: SarError) -> Result<ExitCode> {
    match e {
        SarError::Refused(why) => refused(&why),
        SarError::Failed(why) => Err(anyhow::anyhow!(why)),
    }
}

fn refused(why: &str) -> Result<ExitCode> {
    eprintln!("refused: {}", printable(why));
    Ok(ExitCode::from(1))
}
