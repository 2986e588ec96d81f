//! The gatekeeping and sign-off scenarios of the service's practice
//! standards, walked through the lifecycle as a table: each row quotes the
//! paragraph it comes from, takes its steps, and says whether the final is
//! allowed or refused (and with what words). The same `lifecycle::act` the
//! command line and the workspace call.

mod common;

use casepress::case::Case;
use casepress::documents::DocumentKind;
use casepress::lifecycle::{self, Act};
use casepress::press::Press;
use casepress::staff::StaffMember;
use chrono::{DateTime, Duration, Utc};
use common::*;

const GATEKEEPING: &str = "§7.3: \"Any case where custody is considered a strong possibility should whenever possible, be gate kept by two managers, one being from another team.\"";
const RECORD: &str = "§7.3: \"Explicit recording should be made by the manager/s evidencing that the PSR has been gate kept with their views on the PSR included.\"";
const PROGRESS: &str =
    "§7.5: \"Managers need to ensure Progress Reports are gate kept with the same rigour as PSRs.\"";
const QA: &str = "§4.3: \"all documents must be formally discussed with a Manager in a 'quality assurance meeting' before they are finally agreed.\"";
const SIGNED: &str = "§4.2: \"Once, plans have been agreed with the young person, family and manager, they should be signed by all involved.\"";
const VOICE: &str =
    "§4.2: \"ensuring that the young people and families we work with have direct input in to them.\"";
const MAPPA: &str =
    "§5.5: \"Category 3 ... the Head of Service must also agree with the decision to refer via this route.\"";

/// One row: the paragraph, the case, the document, the steps before the
/// final (who, agree or not), who makes it final, and the outcome.
struct Scenario {
    rule: &'static str,
    what: &'static str,
    case: fn() -> serde_json::Value,
    kind: DocumentKind,
    reviews: &'static [&'static str],
    final_by: &'static str,
    /// `Ok(())`: allowed; `Err(words)`: refused at a review or the final, saying `words`.
    outcome: Result<(), &'static str>,
}

fn custody_psr() -> serde_json::Value {
    sample("yro-custody-possible.json")
}

fn psr_no_custody() -> serde_json::Value {
    let mut case = custody_psr();
    case["psr"]["custody_strong_possibility"] = false.into();
    case
}

fn custody_progress_report() -> serde_json::Value {
    let mut case = sample("progress-report.json");
    case["progress_report"]["custody_strong_possibility"] = true.into();
    case
}

fn plan(qa: &str, signed: &str, manager: &str) -> serde_json::Value {
    let mut case = custody_psr();
    let sign = |name: &str| serde_json::json!({"name": name, "date": signed});
    case["intervention_plan"]["qa_meeting_date"] = qa.into();
    case["intervention_plan"]["child_agrees"] = "agrees".into();
    case["intervention_plan"]["child_answered"] = signed.into();
    case["intervention_plan"]["signatures"] = serde_json::json!({
        "young_person": sign("Jay Whitfield"),
        "parent_carer": sign("Karen Whitfield"),
        "case_manager": sign("Priya Natarajan"),
        "manager": sign(manager),
    });
    case
}

fn mappa(category: u8) -> serde_json::Value {
    let mut case = sample("mappa-level-2.json");
    case["mappa"]["category"] = category.into();
    case
}

fn sample(file: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(samples().join("cases").join(file)).unwrap();
    let mut case: serde_json::Value = serde_json::from_str(&text).unwrap();
    if case["psr"].is_object() {
        case["psr"]["signed"] = serde_json::json!({"name": "Priya Natarajan", "date": "2026-11-30"});
    }
    if case["progress_report"].is_object() {
        let author = case["case_manager"]["name"].clone();
        case["progress_report"]["signed"] = serde_json::json!({"name": author, "date": "2026-11-30"});
    }
    case
}

fn scenarios() -> Vec<Scenario> {
    use DocumentKind::*;
    vec![
        Scenario {
            rule: GATEKEEPING,
            what: "custody not a strong possibility: one manager agrees",
            case: psr_no_custody,
            kind: Psr,
            reviews: &["Declan Hughes"],
            final_by: "Priya Natarajan",
            outcome: Ok(()),
        },
        Scenario {
            rule: GATEKEEPING,
            what: "custody a strong possibility: one manager is not enough",
            case: custody_psr,
            kind: Psr,
            reviews: &["Declan Hughes"],
            final_by: "Priya Natarajan",
            outcome: Err("two managers must agree"),
        },
        Scenario {
            rule: GATEKEEPING,
            what: "two managers of the case's own team",
            case: custody_psr,
            kind: Psr,
            reviews: &["Declan Hughes", "Nina Shah"],
            final_by: "Priya Natarajan",
            outcome: Err("must be from another team"),
        },
        Scenario {
            rule: GATEKEEPING,
            what: "one of the case's team and one from another",
            case: custody_psr,
            kind: Psr,
            reviews: &["Declan Hughes", "Ruth Okafor"],
            final_by: "Priya Natarajan",
            outcome: Ok(()),
        },
        Scenario {
            rule: GATEKEEPING,
            what: "two managers both from the same other team",
            case: custody_psr,
            kind: Psr,
            reviews: &["Ruth Okafor", "Dana Reeve"],
            final_by: "Priya Natarajan",
            outcome: Ok(()),
        },
        Scenario {
            rule: GATEKEEPING,
            what: "the same manager twice",
            case: custody_psr,
            kind: Psr,
            reviews: &["Ruth Okafor", "ruth  okafor "],
            final_by: "Priya Natarajan",
            outcome: Err("has already agreed"),
        },
        Scenario {
            rule: GATEKEEPING,
            what: "a senior case manager is not a manager",
            case: psr_no_custody,
            kind: Psr,
            reviews: &["Amrit Sandhu"],
            final_by: "Priya Natarajan",
            outcome: Err("only a manager reviews"),
        },
        Scenario {
            rule: GATEKEEPING,
            what: "the author never gatekeeps her own report",
            case: psr_no_custody,
            kind: Psr,
            reviews: &["Priya Natarajan"],
            final_by: "Priya Natarajan",
            outcome: Err("never the author"),
        },
        Scenario {
            rule: GATEKEEPING,
            what: "an admin officer does not make a PSR final",
            case: psr_no_custody,
            kind: Psr,
            reviews: &["Declan Hughes"],
            final_by: "Aisha Khan",
            outcome: Err("neither the author"),
        },
        Scenario {
            rule: RECORD,
            what: "the author does not make the managers' gatekeeping record final",
            case: custody_psr,
            kind: Gatekeeping,
            reviews: &[],
            final_by: "Priya Natarajan",
            outcome: Err("a manager makes it final"),
        },
        Scenario {
            rule: RECORD,
            what: "a manager makes the gatekeeping record final",
            case: custody_psr,
            kind: Gatekeeping,
            reviews: &[],
            final_by: "Declan Hughes",
            outcome: Ok(()),
        },
        Scenario {
            rule: PROGRESS,
            what: "custody a strong possibility: two managers of the case's team",
            case: custody_progress_report,
            kind: ProgressReport,
            reviews: &["Ruth Okafor", "Dana Reeve"],
            final_by: "Ruth Okafor",
            outcome: Err("must be from another team"),
        },
        Scenario {
            rule: PROGRESS,
            what: "custody a strong possibility: the case's team and another",
            case: custody_progress_report,
            kind: ProgressReport,
            reviews: &["Ruth Okafor", "Declan Hughes"],
            final_by: "Tom Ashworth",
            outcome: Ok(()),
        },
        Scenario {
            rule: QA,
            what: "signed before the quality-assurance meeting",
            case: || plan("2026-11-20", "2026-11-18", "Declan Hughes"),
            kind: InterventionPlan,
            reviews: &[],
            final_by: "Priya Natarajan",
            outcome: Err("before its quality-assurance meeting"),
        },
        Scenario {
            rule: QA,
            what: "signed after the quality-assurance meeting",
            case: || plan("2026-11-20", "2026-11-23", "Declan Hughes"),
            kind: InterventionPlan,
            reviews: &[],
            final_by: "Priya Natarajan",
            outcome: Ok(()),
        },
        Scenario {
            rule: SIGNED,
            what: "the manager's signature by a case manager",
            case: || plan("2026-11-20", "2026-11-23", "Ben Hollis"),
            kind: InterventionPlan,
            reviews: &[],
            final_by: "Priya Natarajan",
            outcome: Err("is not a manager"),
        },
        Scenario {
            rule: VOICE,
            what: "the young person's own answer not recorded",
            case: || {
                let mut c = plan("2026-11-20", "2026-11-23", "Declan Hughes");
                c["intervention_plan"].as_object_mut().unwrap().remove("child_agrees");
                c
            },
            kind: InterventionPlan,
            reviews: &[],
            final_by: "Priya Natarajan",
            outcome: Err("whether the young person agrees the plan"),
        },
        Scenario {
            rule: VOICE,
            what: "the young person does not agree, and what they said is not recorded",
            case: || {
                let mut c = plan("2026-11-20", "2026-11-23", "Declan Hughes");
                c["intervention_plan"]["child_agrees"] = "does_not_agree".into();
                c["intervention_plan"].as_object_mut().unwrap().remove("child_views");
                c
            },
            kind: InterventionPlan,
            reviews: &[],
            final_by: "Priya Natarajan",
            outcome: Err("what the young person said"),
        },
        Scenario {
            rule: MAPPA,
            what: "category 3: the line manager alone",
            case: || mappa(3),
            kind: MappaA,
            reviews: &["Gemma Rowe"],
            final_by: "Gemma Rowe",
            outcome: Err("head of service's agreement"),
        },
        Scenario {
            rule: MAPPA,
            what: "category 3: the line manager and the head of service",
            case: || mappa(3),
            kind: MappaA,
            reviews: &["Gemma Rowe", "Helen Adeyemi"],
            final_by: "Gemma Rowe",
            outcome: Ok(()),
        },
        Scenario {
            rule: MAPPA,
            what: "category 2: the line manager alone",
            case: || mappa(2),
            kind: MappaA,
            reviews: &["Gemma Rowe"],
            final_by: "Gemma Rowe",
            outcome: Ok(()),
        },
    ]
}

fn service(out: &std::path::Path) -> Press {
    let mut config = sample_config(out);
    let member = |name: &str, team: &str| StaffMember {
        name: name.into(),
        team: Some(team.into()),
        role: Some("Team Manager".into()),
        line_manager: Some("Helen Adeyemi".into()),
        ..Default::default()
    };
    config.staff.push(member("Nina Shah", "North Team"));
    config.staff.push(member("Dana Reeve", "South Team"));
    config.staff.push(StaffMember {
        role: Some("Senior Case Manager".into()),
        line_manager: Some("Gemma Rowe".into()),
        ..member("Nadia Shah", "Central Team")
    });
    Press::new(config).unwrap()
}

/// Runs one scenario: the first refusal, or `Ok` when the final is made.
fn walk(s: &Scenario) -> Result<(), String> {
    let dir = tempfile::tempdir().unwrap();
    let press = service(dir.path());
    let case: Case = case_from(&(s.case)());
    let mut now: DateTime<Utc> = "2026-11-24T09:00:00Z".parse().unwrap();
    let mut step = |act: Act, by: &str| {
        now += Duration::minutes(10);
        lifecycle::act(&press, &case, s.kind, &act, by, now).map(|_| ()).map_err(|e| e.to_string())
    };
    if s.kind.reviewed() {
        step(Act::Submit { to: Vec::new() }, &case.case_manager.name.clone())?;
        for by in s.reviews {
            step(Act::Agree { comments: None }, by)?;
        }
    }
    step(Act::Final { date: "2026-11-30".parse().unwrap() }, s.final_by)
}

#[test]
fn the_practice_standards_gatekeeping_and_sign_off_scenarios() {
    let mut wrong = Vec::new();
    for s in scenarios() {
        let got = walk(&s);
        let ok = match (&got, s.outcome) {
            (Ok(()), Ok(())) => true,
            (Err(said), Err(words)) => said.contains(words),
            _ => false,
        };
        if !ok {
            wrong.push(format!("{} — {}: expected {:?}, got {:?}", s.rule, s.what, s.outcome, got));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
