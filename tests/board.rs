//! The quarterly board report: each figure against a hand-computed value,
//! suppression, and byte-identical outputs and pack.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;

use casepress::board::{BoardInput, Figure, Measure, Quarter, build_board, compute, figures_csv};
use casepress::case::Case;
use casepress::rules::WorkingCalendar;
use casepress::statements::StatementOutcome;
use casepress::statements::ledger::FiledStatement;
use common::*;
use serde_json::json;

fn case(id: &str, extra: serde_json::Value) -> Case {
    let mut j = minimal_json(id);
    for (k, v) in extra.as_object().unwrap() {
        j[k] = v.clone();
    }
    case_from(&j)
}

fn assessment(lor: &str, rosh: &str, sw: &str) -> serde_json::Value {
    json!({"date": "2026-04-01", "asset_score": 20, "reoffending": lor, "serious_harm": rosh, "safety_wellbeing": sw})
}

/// Seven cases whose figures for 2026-Q2 (July to September 2026) are
/// worked out by hand in the comments of `every_figure_equals_its_hand_computed_value`.
fn fixture() -> Vec<Case> {
    vec![
        case("A", json!({
            "order": {"type": "referral_order", "start_date": "2026-05-10"},
            "assessment": assessment("low", "low", "medium"),
            "intervention_plan": {"date": "2026-05-25"},
        })),
        case("B", json!({
            "order": {"type": "youth_rehabilitation_order", "start_date": "2026-07-06", "assessed_date": "2026-07-20"},
            "assessment": assessment("high", "high", "high"),
            "court": {"name": "Youth Court", "hearing_date": "2026-07-06"},
            "psr": {"custody_strong_possibility": true},
            "gatekeeping": {"meeting_date": "2026-07-01", "submitted_date": "2026-07-02",
                "managers": [{"name": "M1", "team": "North"}, {"name": "M2", "team": "South"}]},
            "mappa": {"category": 2, "level": 1},
            "intervention_plan": {"date": "2026-07-10"},
            "offences": [{"date": "2026-06-01", "description": "x", "victims": [
                {"description": "v1", "consents_to_contact": true, "engaged_in_rj": true},
                {"description": "v2", "consents_to_contact": true, "engaged_in_rj": false},
                {"description": "v3", "consents_to_contact": false}]}],
        })),
        case("C", json!({
            "order": {"type": "detention_and_training_order", "start_date": "2026-08-03", "assessed_date": "2026-09-01"},
            "assessment": assessment("medium", "medium", "low"),
            "court": {"name": "Youth Court", "hearing_date": "2026-08-03"},
            "psr": {"custody_strong_possibility": true},
            "gatekeeping": {"meeting_date": "2026-07-29", "submitted_date": "2026-07-31", "managers": [{"name": "M1", "team": "North"}]},
            "pprc": {"criteria_met": true, "risk_identified": true, "referral_date": "2026-08-10"},
            "intervention_plan": {"date": "2026-03-01"},
        })),
        case("D", json!({
            "order": {"type": "youth_conditional_caution", "start_date": "2026-08-15", "closed_date": "2026-09-20"},
            "assessment": assessment("low", "low", "low"),
            "end_of_order": {"suitable_accommodation": true, "suitable_ete": false, "mental_health_need": true,
                "mental_health_attended": true, "substance_misuse_need": true, "substance_misuse_attended": false},
            "offences": [{"date": "2026-08-01", "description": "x", "victims": [{"description": "v", "consents_to_contact": true, "engaged_in_rj": false}]}],
        })),
        case("E", json!({"order": {"type": "remand", "start_date": "2026-09-01"}})),
        case("F", json!({
            "order": {"type": "referral_order", "start_date": "2026-02-01", "closed_date": "2026-08-01"},
            "end_of_order": {"suitable_accommodation": true, "suitable_ete": true, "mental_health_need": false, "substance_misuse_need": false},
            "intervention_plan": {"date": "2026-02-10"},
        })),
        case("G", json!({
            "order": {"type": "prevention", "start_date": "2026-04-15", "closed_date": "2026-06-15"},
            "end_of_order": {"suitable_accommodation": false},
        })),
    ]
    .into_iter()
    .map(|mut c| {
        // A is looked after and has SEND with a plan; F has SEND without one.
        match c.case_id.as_str() {
            "A" => {
                c.child.looked_after = Some(serde_json::from_value(json!({"local_authority": "Northfield"})).unwrap());
                c.child.send = Some(serde_json::from_value(json!({"identified": true, "formal_plan": true})).unwrap());
            }
            "F" => c.child.send = Some(serde_json::from_value(json!({"identified": true})).unwrap()),
            _ => {}
        }
        c
    })
    .collect()
}

fn statements() -> Vec<FiledStatement> {
    let s = |when: &str, outcome, safety_link, within: Option<bool>| FiledStatement {
        received: format!("{when}T10:00:00Z").parse().unwrap(),
        outcome,
        safety_link,
        within_target: within,
    };
    vec![
        s("2026-07-15", StatementOutcome::Assigned, false, Some(true)),
        s("2026-08-20", StatementOutcome::Assigned, false, Some(false)),
        s("2026-09-02", StatementOutcome::Unidentified, true, None),
        s("2026-05-02", StatementOutcome::Assigned, false, Some(true)),
    ]
}

fn figures() -> BTreeMap<String, Figure> {
    let cases = fixture();
    let statements = statements();
    let calendar = WorkingCalendar::default();
    let targets = vec![("psr.on_time".to_string(), 90.0)];
    let input = BoardInput { cases: &cases, statements: &statements, calendar: &calendar, targets: &targets };
    compute(&input, "2026-Q2".parse().unwrap()).into_iter().map(|f| (f.id.clone(), f)).collect()
}

fn m(n: u32, d: Option<u32>) -> Measure {
    Measure { numerator: n, denominator: d }
}

#[test]
fn every_figure_equals_its_hand_computed_value() {
    let f = figures();
    let expect = |id: &str, n: u32, d: Option<u32>| {
        assert_eq!(f[id].current, m(n, d), "{id}");
    };
    // Open on 30 Sep 2026: A, B, C, E (D closed 20 Sep, F 1 Aug, G in June).
    expect("caseload.total", 4, None);
    expect("caseload.referral_order", 1, None);
    expect("caseload.detention_and_training_order", 1, None);
    expect("caseload.remand", 1, None);
    // Previous quarter, open on 30 Jun: A, and F (closed 1 Aug).
    assert_eq!(f["caseload.total"].previous, m(2, None));
    // Started July to September: B, C, D, E; in April to June: A and G.
    expect("new.total", 4, None);
    expect("new.youth_conditional_caution", 1, None);
    assert_eq!(f["new.total"].previous, m(2, None));
    // Risk profile of the caseload (E has no assessment).
    expect("risk.serious_harm.high", 1, None);
    expect("risk.serious_harm.medium", 1, None);
    expect("risk.serious_harm.low", 1, None);
    expect("risk.safety_wellbeing.medium", 1, None);
    expect("risk.reoffending.high", 1, None);
    expect("mappa.category_2", 1, None);
    expect("mappa.level_1", 1, None);
    expect("mappa.category_3", 0, None);
    expect("pprc.criteria_met", 1, None);
    expect("pprc.pprc2_sent", 1, None);
    expect("pprc.pprc7_sent", 0, None);
    // A is the one looked-after child of four.
    expect("lac.share", 1, Some(4));
    // Sentences started: B (YRO) and C (DTO); C is custody. E is a remand.
    expect("custody.new", 1, None);
    expect("custody.share", 1, Some(2));
    expect("remand.new", 1, None);
    // PSRs for hearings in the quarter: B (6 Jul) and C (3 Aug). Both gatekept.
    // B due Thu 2 Jul, sent 2 Jul: on time. C due Thu 30 Jul, sent 31 Jul: late.
    // Both had custody as a strong possibility; only B had a second manager from another team.
    expect("psr.gatekept", 2, Some(2));
    expect("psr.on_time", 1, Some(2));
    expect("psr.double_gatekept", 1, Some(2));
    assert_eq!(f["psr.on_time"].rag(), Some("red"), "50% against a 90% target");
    // B: order Mon 6 Jul, due Mon 27 Jul, assessed 20 Jul. C: order 3 Aug,
    // due 24 Aug, assessed 1 Sep (late).
    expect("assessment.on_time", 1, Some(2));
    // Plans in the caseload: A (25 May) and B (10 Jul) are under 6 months on
    // 30 Sep; C's (1 Mar) is not.
    expect("plans.review_on_time", 2, Some(3));
    // Statements filed July to September: 3 (the May one is the previous quarter).
    expect("statements.received", 3, None);
    expect("statements.within_target", 1, Some(2));
    expect("statements.safety_link", 1, None);
    expect("statements.unidentified", 1, None);
    // Orders ending in the quarter: D (20 Sep) and F (1 Aug).
    expect("kpi.accommodation", 2, Some(2));
    expect("kpi.ete", 1, Some(2));
    // Worked with in the quarter: A to F. SEND identified: A (plan) and F (none).
    expect("kpi.send", 1, Some(2));
    // Of endings with a need: D attended its mental health intervention, not its substance misuse one.
    expect("kpi.mental_health", 1, Some(1));
    expect("kpi.substance_misuse", 0, Some(1));
    // Started: B and C (sentences), D (caution); E (remand) is excluded.
    expect("kpi.out_of_court", 1, Some(3));
    // Victims consenting to contact, for children worked with: B's two and D's one; one engaged.
    expect("kpi.victims", 1, Some(3));
}

#[test]
fn counts_of_one_to_four_are_suppressed_when_published() {
    assert!(m(1, None).suppressed() && m(4, None).suppressed());
    assert!(!m(0, None).suppressed() && !m(5, None).suppressed());
    assert!(m(7, Some(3)).suppressed(), "a small denominator reveals a count");
    let f = figures();
    let csv = figures_csv(&f.values().cloned().collect::<Vec<_>>());
    let row = csv.lines().find(|l| l.starts_with("caseload.total,")).unwrap();
    assert_eq!(
        row, "caseload.total,\"Caseload\",\"Caseload at quarter end\",,,,,,,true,,,",
        "4 and 2 are not published"
    );
    let zero = csv.lines().find(|l| l.starts_with("mappa.category_3,")).unwrap();
    assert!(zero.contains(",0,,,0,,,false,same,"), "zero is published: {zero}");
}

#[test]
fn the_sample_board_is_byte_identical_on_a_re_run_and_its_pack_verifies() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let inputs = [samples().join("cases"), samples().join("caseload")];
    let quarter: Quarter = "2026-Q2".parse().unwrap();
    let outputs = build_board(&pipeline(a.path()), &inputs, quarter).unwrap();
    build_board(&pipeline(b.path()), &inputs, quarter).unwrap();
    assert!(outputs.errors.is_empty(), "{:?}", outputs.errors);
    for name in ["board-report.pdf", "figures.csv", "figures.json", "board-pack.zip"] {
        let x = fs::read(a.path().join("board/2026-Q2").join(name)).unwrap();
        let y = fs::read(b.path().join("board/2026-Q2").join(name)).unwrap();
        assert!(x == y, "{name} differs between runs");
    }
    // Re-running into the same folder writes nothing new.
    let again = build_board(&pipeline(a.path()), &inputs, quarter).unwrap();
    assert!(again.files.iter().all(|(_, _, new)| !new));

    let dir = a.path().join("board/2026-Q2");
    let mut zip = zip::ZipArchive::new(fs::File::open(dir.join("board-pack.zip")).unwrap()).unwrap();
    let names: Vec<String> = zip.file_names().map(str::to_owned).collect();
    assert_eq!(names, ["board-report.pdf", "figures.csv", "figures.json", "manifest.json"]);
    let mut manifest = String::new();
    zip.by_name("manifest.json").unwrap().read_to_string(&mut manifest).unwrap();
    let manifest: serde_json::Value = serde_json::from_str(&manifest).unwrap();
    for entry in manifest["files"].as_array().unwrap() {
        let name = entry["name"].as_str().unwrap();
        let mut bytes = Vec::new();
        zip.by_name(name).unwrap().read_to_end(&mut bytes).unwrap();
        assert_eq!(entry["sha256"].as_str().unwrap(), casepress::store::sha256_hex(&bytes), "{name}");
        assert_eq!(bytes, fs::read(dir.join(name)).unwrap(), "{name} in the pack equals the file beside it");
    }

    let json: serde_json::Value =
        serde_json::from_slice(&fs::read(dir.join("figures.json")).unwrap()).unwrap();
    assert_eq!(json["quarter"], "2026-Q2");
    let total = json["figures"].as_array().unwrap().iter().find(|f| f["id"] == "caseload.total").unwrap();
    assert!(total["numerator"].as_u64().unwrap() >= 100, "the sample caseload is substantial: {total}");
    let text = pdf_text(&dir.join("board-report.pdf"));
    for expected in [
        "Quarterly performance report",
        "July to September 2026",
        "Ratings against targets",
        "Appendix: definitions",
        "KPI 2",
    ] {
        assert!(text.contains(expected), "{expected}");
    }
}
