//! Issue 31 items 5 and 6, read back from real PDFs: the risk summary a
//! Probation officer or a MAPPA panel reads (the risk of serious harm by
//! group, in the community and in custody; why reoffending is likely; the
//! plans' actions; the next risk meeting) and the progress report a youth
//! court reads (the offences, the power asked, everyone's view, work
//! outstanding, who presents it, when it is due to managers).

mod common;

use casepress::batch::{Outcome, RenderOptions};
use casepress::documents::DocumentKind;
use common::*;
use serde_json::{Value, json};

fn sample(file: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(samples().join("cases").join(file)).unwrap()).unwrap()
}

/// Renders `case` as a `kind` draft (or final) on `date` under `out`: the
/// squashed text of the PDF, or the failure's words.
fn paper(
    out: &std::path::Path,
    case: &Value,
    kind: DocumentKind,
    date: &str,
    final_: bool,
) -> Result<String, String> {
    let file = out.join("case.json");
    std::fs::create_dir_all(out).unwrap();
    std::fs::write(&file, case.to_string()).unwrap();
    let opts = RenderOptions {
        kinds: casepress::batch::KindSelection::only(vec![kind]),
        date: date.parse().unwrap(),
        final_,
        force: true,
        ..drafts()
    };
    let report = render(&press(&out.join("out")), &[file], &opts);
    match &report.items[0].outcome {
        Outcome::Written { path, .. } => Ok(squash(&pdf_text(path))),
        other => Err(format!("{other:?}")),
    }
}

fn has(text: &str, expected: &str) -> bool {
    text.contains(&squash(expected))
}

#[test]
fn issue_31_5_the_risk_summary_gives_the_risk_of_serious_harm_by_group() {
    let tmp = tempfile::tempdir().unwrap();
    let case = sample("mappa-category-2.json");
    let text = paper(tmp.path(), &case, DocumentKind::RiskSummary, "2026-11-23", false).unwrap();
    for expected in [
        "Who is at risk Who, more exactly In the community In custody",
        "Known adult The victim of the offence, who was 17 at the time, and his family Medium Low",
        "Public Young people of his age at parties and other places where people are drinking High Low",
        "Staff Staff at Kingsway when he feels shown up in front of others Low Medium",
        // A group with no level recorded is "not assessed", never "none" or "not met".
        "Other young people in custody Other young people at Kingsway Not assessed Medium",
        "The young person (self) Not assessed Not assessed",
        "Nature of the harm Serious physical injury from a sudden assault on a peer",
        "How imminent Not imminent while he is at Kingsway.",
        "More likely when • Drinking alcohol, especially at parties and at weekends",
        "Less likely when • Not drinking, and walking away when he feels angry",
        "In custody At Kingsway the risk is to staff and other young people",
        "Offences Unlawful wounding contrary to s.20 Offences Against the Person Act 1861 (20 June 2026)",
    ] {
        assert!(has(&text, expected), "no `{expected}`:\n{text}");
    }
    assert!(!text.contains("notmet"), "{text}");

    // A Low risk with no analysis recorded says so; it is not required.
    let mut low = sample("referral-order.json");
    low.as_object_mut().unwrap().remove("serious_harm");
    let text = paper(&tmp.path().join("low"), &low, DocumentKind::RiskSummary, "2026-11-23", false).unwrap();
    assert!(
        has(&text, "Not assessed by group: no risk of serious harm analysis is recorded (the level is Low)."),
        "{text}"
    );
    assert!(!text.contains("TOCOMPLETE"), "{text}");
}

#[test]
fn issue_31_5_a_risk_above_low_needs_its_analysis_before_the_summary_is_final() {
    let tmp = tempfile::tempdir().unwrap();
    let mut case = sample("mappa-category-2.json");
    case.as_object_mut().unwrap().remove("serious_harm");
    case["risk_management_plan"].as_object_mut().unwrap().remove("actions");
    let draft =
        paper(&tmp.path().join("draft"), &case, DocumentKind::RiskSummary, "2026-11-23", false).unwrap();
    for marker in [
        "TO COMPLETE: who is at risk of serious harm",
        "TO COMPLETE: the nature of the harm",
        "TO COMPLETE: how imminent the harm is",
        "TO COMPLETE: Risk Management Plan actions",
    ] {
        assert!(has(&draft, marker), "no `{marker}`:\n{draft}");
    }
    let refused = paper(&tmp.path().join("final"), &case, DocumentKind::RiskSummary, "2026-11-23", true);
    let said = refused.unwrap_err();
    assert!(said.contains("who is at risk of serious harm"), "{said}");
}

#[test]
fn issue_31_5_the_risk_summary_gives_why_reoffending_the_plans_actions_and_the_next_meeting() {
    let tmp = tempfile::tempdir().unwrap();
    let case = sample("mappa-category-2.json");
    let text = paper(&tmp.path().join("a"), &case, DocumentKind::RiskSummary, "2026-11-23", false).unwrap();
    for expected in [
        "Likelihood of reoffending The likelihood of further offending is assessed as medium.",
        "Makes reoffending more likely • Drinking at weekends with older friends",
        "Protects against it • His mother's and stepfather's support",
        "Risk Management Plan Completed 7 October 2026, countersigned 9 October 2026 • Agree proposed licence conditions",
        "Vulnerability Management Plan Completed 7 October 2026, countersigned 9 October 2026 • Refer Connor to the advocacy service",
        "Next risk meeting Booked for 18 December 2026",
        // Custody: no contacts a month, as the plan says.
        "How often we meet. In custody: the case manager visits, as the intervention plan sets out.",
    ] {
        assert!(has(&text, expected), "no `{expected}`:\n{text}");
    }
    // With the plans' actions given, the child's keep-safe list is not repeated.
    assert!(!has(&text, "Keeping safe, from the intervention plan"), "{text}");

    // Not booked: when the monthly rule says it is due (a month after the
    // last meeting, 20 November 2026).
    let mut unbooked = case.clone();
    unbooked.as_object_mut().unwrap().remove("next_risk_meeting");
    let text =
        paper(&tmp.path().join("b"), &unbooked, DocumentKind::RiskSummary, "2026-11-23", false).unwrap();
    assert!(has(&text, "Next risk meeting Not yet booked; due by 20 December 2026"), "{text}");
    // A booking dated before the paper is not the next meeting.
    let text = paper(&tmp.path().join("c"), &case, DocumentKind::RiskSummary, "2026-12-21", false).unwrap();
    assert!(has(&text, "Next risk meeting Not booked; it was due by 20 December 2026"), "{text}");

    // Without the assessment's own account, the PSR's words, said as such.
    let jay = sample("yro-custody-possible.json");
    let text = paper(&tmp.path().join("d"), &jay, DocumentKind::RiskSummary, "2026-11-23", false).unwrap();
    assert!(
        has(
            &text,
            "The likelihood of further offending is assessed as high, linked to his association with older peers"
        ),
        "{text}"
    );
    assert!(has(&text, "From the pre-sentence report."), "{text}");
}

#[test]
fn issue_31_6_the_progress_report_gives_offences_power_views_and_who_presents_it() {
    let tmp = tempfile::tempdir().unwrap();
    let case = sample("progress-report.json");
    let text = paper(tmp.path(), &case, DocumentKind::ProgressReport, "2026-11-23", false).unwrap();
    for expected in [
        "Offences Assault by beating contrary to s.39 Criminal Justice Act 1988, 30 April 2026",
        "Order Referral Order from 15 June 2026 to 14 June 2027 (12 months)",
        "Power asked of the court Revocation of the order for good progress",
        // The typeset apostrophes of the template's own words are curly.
        "Work outstanding None. All the reparation hours and anger sessions in the contract are complete.",
        "The youth offender panel’s view. The panel met Kai and his mother on 12 November 2026.",
        "Kai’s view. Kai says he is proud of finishing the reparation",
        "The parent’s or carer’s view. Ms Brennan supports the application.",
        "The victim’s view. The victim chose not to take part in restorative work",
        "Power asked of the court: Revocation of the order for good progress. That the court revokes the referral order",
        "Will the author attend court? Yes: the author will attend court and present this report.",
    ] {
        assert!(has(&text, expected), "no `{expected}`:\n{text}");
    }
    assert!(!text.contains("TOCOMPLETE"), "{text}");

    // The court officer presents it: said so.
    let mut officer = case.clone();
    officer["progress_report"]["at_court"] = json!("court_officer");
    let text =
        paper(&tmp.path().join("b"), &officer, DocumentKind::ProgressReport, "2026-11-23", false).unwrap();
    assert!(
        has(&text, "Will the author attend court? No: the court officer will present this report."),
        "{text}"
    );
}

#[test]
fn issue_31_6_a_progress_report_asks_only_for_the_views_that_apply_and_gives_its_due_date() {
    let tmp = tempfile::tempdir().unwrap();
    let mut case = sample("progress-report.json");
    for field in
        ["power", "panel_view", "child_view", "parent_view", "victim_view", "outstanding_work", "at_court"]
    {
        case["progress_report"].as_object_mut().unwrap().remove(field);
    }
    let text =
        paper(&tmp.path().join("a"), &case, DocumentKind::ProgressReport, "2026-11-23", false).unwrap();
    for marker in [
        "TO COMPLETE: power asked of the court",
        "TO COMPLETE: the panel's view",
        "TO COMPLETE: the young person's view",
        "TO COMPLETE: the parent's or carer's view",
        "TO COMPLETE: the victim's view, or that they gave none",
        "TO COMPLETE: work outstanding, or none",
        "TO COMPLETE: whether the author will attend court",
    ] {
        assert!(has(&text, marker), "no `{marker}`:\n{text}");
    }
    let refused = paper(&tmp.path().join("final"), &case, DocumentKind::ProgressReport, "2026-11-23", true);
    assert!(refused.unwrap_err().contains("power asked of the court"));

    // A youth rehabilitation order has no panel, and an offence with no
    // victim asks for no victim's view.
    case["order"]["type"] = json!("youth_rehabilitation_order");
    case["offences"][0]["victims"] = json!([]);
    let text =
        paper(&tmp.path().join("b"), &case, DocumentKind::ProgressReport, "2026-11-23", false).unwrap();
    assert!(!has(&text, "panel’s view") && !has(&text, "victim’s view"), "{text}");

    // To be double gatekept: due to the managers two working days before
    // the hearing on Monday 14 December 2026.
    case["progress_report"]["custody_strong_possibility"] = json!(true);
    let text =
        paper(&tmp.path().join("c"), &case, DocumentKind::ProgressReport, "2026-11-23", false).unwrap();
    assert!(
        has(
            &text,
            "It is due to the gatekeeping managers by 10 December 2026, two working days before court."
        ),
        "{text}"
    );
    // Single gatekeeping and no service standard: no day is set.
    let text = paper(
        &tmp.path().join("d"),
        &sample("progress-report.json"),
        DocumentKind::ProgressReport,
        "2026-11-23",
        false,
    )
    .unwrap();
    assert!(!has(&text, "It is due to"), "{text}");
}

/// A case system's extract of the risk analysis, mapped as any fact.
const RISK_MAPPING: &str = r#"
[children]
file = "children.csv"
key = "Ref"
[children.fields]
case_id = { column = "Ref", format = "R-{}" }
"child.first_name" = "First"
"child.last_name" = "Last"
"child.date_of_birth" = "DOB"
"case_manager.name" = "Worker"
"line_manager.name" = "Manager"
team = "Team"
"assessment.date" = "Assessed"
"assessment.reoffending" = { column = "ROR", lookup = "levels" }
"assessment.serious_harm" = { column = "ROSH", lookup = "levels" }
"assessment.safety_wellbeing" = { column = "SWB", lookup = "levels" }
"serious_harm.nature" = "Nature of harm"
"serious_harm.imminence" = "Imminence"
"reoffending.summary" = "Reoffending"
"next_risk_meeting" = "Next RVMM"

[[joined]]
into = "serious_harm.groups"
file = "rosh.csv"
key = "Ref"
[joined.fields]
group = { column = "Group", lookup = "groups" }
who = "Who"
community = { column = "Community", lookup = "levels" }
custody = { column = "Custody", lookup = "levels" }

[lookups.levels]
L = "low"
M = "medium"
H = "high"
VH = "very_high"

[lookups.groups]
Public = "public"
Child = "children"
"Known adult" = "known_adult"
"#;

#[test]
fn issue_31_5_an_import_brings_the_risk_analysis_to_the_summary() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(
        dir.join("children.csv"),
        "Ref,First,Last,DOB,Worker,Manager,Team,Assessed,ROR,ROSH,SWB,Nature of harm,Imminence,Reoffending,Next RVMM\n\
         0007,Sam,Lee,2010-03-21,Ann Case,Bea Boss,North,2026-11-02,M,H,L,Injury from a knife in a fight,Could happen at any time,Linked to older peers,2026-12-02\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("rosh.csv"),
        "Ref,Group,Who,Community,Custody\n0007,Public,Young people in the town centre,H,M\n0007,Child,,L,\n",
    )
    .unwrap();
    std::fs::write(dir.join("mapping.toml"), RISK_MAPPING).unwrap();
    let mut config = casepress::config::Config::default();
    config.paths.output = dir.join("out");
    let opts = casepress::import::ImportOptions {
        mapping: dir.join("mapping.toml"),
        extracts: vec![dir.join("children.csv"), dir.join("rosh.csv")],
        out: dir.join("cases"),
        now: chrono::Utc::now(),
    };
    let report = casepress::import::import(&casepress::service::Service::new(config), &opts).unwrap();
    assert!(!report.needs_action(), "{report:?}");
    let case: Value = serde_json::from_slice(&std::fs::read(dir.join("cases/R-0007.json")).unwrap()).unwrap();
    let text = paper(&dir.join("render"), &case, DocumentKind::RiskSummary, "2026-11-23", false).unwrap();
    for expected in [
        "Public Young people in the town centre High Medium",
        "Children Low Not assessed",
        "Known adult Not assessed Not assessed",
        "Nature of the harm Injury from a knife in a fight",
        "How imminent Could happen at any time",
        "Likelihood of reoffending Linked to older peers",
        "Next risk meeting Booked for 2 December 2026",
    ] {
        assert!(has(&text, expected), "no `{expected}`:\n{text}");
    }
}
