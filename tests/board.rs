//! The quarterly board report: each figure against a hand-computed value,
//! suppression, and byte-identical outputs and pack.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::Path;

use casepress::board::{BoardInput, Figure, Measure, Quarter, build_board, compute, figures_csv};
use casepress::case::Case;
use casepress::rules::WorkingCalendar;
use casepress::statements::StatementOutcome;
use casepress::statements::ledger::FiledStatement;
use common::*;

/// The seven cases of `tests/fixtures/board/hand-computed.json` (A to G).
fn fixture() -> Vec<Case> {
    casepress::case::load_file(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/board/hand-computed.json"),
    )
    .into_iter()
    .map(|c| c.unwrap().case)
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
    // The fixture was computed under the every-PSR standard.
    let rules = casepress::rules::Settings { psr_due_for_every_psr: true, ..Default::default() };
    let input = BoardInput {
        cases: &cases,
        statements: &statements,
        calendar: &calendar,
        targets: &targets,
        rules: &rules,
        policy: "Northfield YJS practice standards",
        records: &Default::default(),
        attendance: &[],
    };
    compute(&input, "2026-Q2".parse().unwrap()).into_iter().map(|f| (f.id.clone(), f)).collect()
}

fn m(n: u32, d: Option<u32>) -> Measure {
    Measure { numerator: n, denominator: d }
}

#[test]
fn every_figure_on_the_fixture_equals_its_hand_computed_value() {
    let f = figures();
    let mut want: BTreeMap<&str, Measure> = BTreeMap::new();
    let mut set = |id: &'static str, n: u32, d: Option<u32>| {
        want.insert(id, m(n, d));
    };
    // Open on 30 Sep 2026: A (referral order), B (YRO), C (DTO), E (remand).
    // D closed on 20 Sep, F on 1 Aug, G in June.
    // Seven case records, whatever their dates.
    set("records.counted", 7, None);
    set("caseload.total", 4, None);
    set("caseload.referral_order", 1, None);
    set("caseload.youth_rehabilitation_order", 1, None);
    set("caseload.detention_and_training_order", 1, None);
    set("caseload.remand", 1, None);
    // Started July to September: B, C, D (Youth Conditional Caution), E.
    set("new.total", 4, None);
    set("new.youth_rehabilitation_order", 1, None);
    set("new.detention_and_training_order", 1, None);
    set("new.youth_conditional_caution", 1, None);
    set("new.remand", 1, None);
    // Assessments in the caseload: A low/low/medium, B high/high/high,
    // C medium/medium/low (reoffending/serious harm/safety); E has none.
    set("risk.reoffending.low", 1, None);
    set("risk.reoffending.medium", 1, None);
    set("risk.reoffending.high", 1, None);
    set("risk.serious_harm.low", 1, None);
    set("risk.serious_harm.medium", 1, None);
    set("risk.serious_harm.high", 1, None);
    set("risk.safety_wellbeing.low", 1, None);
    set("risk.safety_wellbeing.medium", 1, None);
    set("risk.safety_wellbeing.high", 1, None);
    // B is MAPPA category 2, level 1. C meets the PPRC criteria; its PPRC 2
    // went on 10 Aug; nobody's PPRC 7 was in the quarter.
    set("mappa.category_2", 1, None);
    set("mappa.level_1", 1, None);
    set("pprc.criteria_met", 1, None);
    set("pprc.pprc2_sent", 1, None);
    // A is the one looked-after child of the four.
    set("lac.share", 1, Some(4));
    // Sentences started: B (YRO) and C (DTO); C is custody. E is a remand.
    set("custody.new", 1, None);
    set("custody.share", 1, Some(2));
    set("remand.new", 1, None);
    // PSRs for hearings in the quarter: B (Mon 6 Jul) and C (Mon 3 Aug), both
    // gatekept. B due Thu 2 Jul, sent 2 Jul: on time. C due Thu 30 Jul, sent
    // 31 Jul: late. Both had custody as a strong possibility; only B had a
    // second manager from another team.
    set("psr.gatekept", 2, Some(2));
    set("psr.on_time", 1, Some(2));
    set("psr.double_gatekept", 1, Some(2));
    // B: order Mon 6 Jul, 15 working days to Mon 27 Jul, assessed 20 Jul.
    // C: order Mon 3 Aug, due Mon 24 Aug, assessed 1 Sep: late.
    set("assessment.on_time", 1, Some(2));
    // Plans in the caseload: A (25 May) and B (10 Jul) are under 6 months old
    // on 30 Sep; C's (1 Mar) is not; E has none.
    set("plans.review_on_time", 2, Some(3));
    // Statements filed July to September: 3 (the May one is the previous quarter).
    set("statements.received", 3, None);
    set("statements.within_target", 1, Some(2));
    set("statements.safety_link", 1, None);
    set("statements.unidentified", 1, None);
    // Orders ending in the quarter: D (20 Sep) and F (1 Aug).
    set("kpi.accommodation", 2, Some(2));
    set("kpi.ete", 1, Some(2));
    // Worked with in the quarter: A to F (G closed in June). SEND identified:
    // A (with a plan) and F (without).
    set("kpi.send", 1, Some(2));
    // B to E have no SEND status recorded.
    set("kpi.send.not_recorded", 4, None);
    // Endings screened: D (both needs) and F (neither). D attended the
    // mental health intervention (so it was offered) but not the substance
    // misuse one, which is not recorded as offered either.
    set("kpi.mental_health", 1, Some(2));
    set("kpi.mental_health.offered", 1, Some(1));
    set("kpi.mental_health.attended", 1, Some(1));
    set("kpi.substance_misuse", 1, Some(2));
    set("kpi.substance_misuse.offered", 0, Some(1));
    set("kpi.substance_misuse.attended", 0, Some(0));
    // No attendance file.
    set("kpi.board_attendance", 0, Some(0));
    // Started: B and C (sentences) and D (caution); E (remand) is excluded.
    set("kpi.out_of_court", 1, Some(3));
    // Victims consenting to contact, for children worked with: B's two and
    // D's one; one of them engaged.
    set("kpi.victims", 1, Some(3));
    // Formal entries started: B, C and D, none with an offending history.
    set("plan.fte.not_recorded", 3, None);
    // The cohort (April 2024 to March 2025) is empty.
    set("plan.reoffending.binary", 0, Some(0));
    set("plan.reoffending.frequency", 0, Some(0));
    // C's DTO; C is not looked after.
    set("plan.lac_custody", 0, Some(1));

    for (id, figure) in &f {
        // Every other figure counts nothing for these seven cases (a count of 0).
        let expected = want.get(id.as_str()).copied().unwrap_or(m(0, None));
        assert_eq!(figure.current, expected, "{id}");
    }
    // 84, and a caseload and a new row for each of the catalogue's four
    // newer outcomes (Outcomes 22 and 23, Youth Diversion Orders, Turnaround).
    assert_eq!(f.len(), 92, "every figure was checked");
    // The previous quarter (April to June): open on 30 Jun were A and F;
    // A and G started.
    assert_eq!(f["caseload.total"].previous, m(2, None));
    assert_eq!(f["new.total"].previous, m(2, None));
    assert_eq!(f["statements.received"].previous, m(1, None));
    assert_eq!(f["psr.on_time"].rag(), Some("red"), "50% against a 90% target");
    assert_eq!(f["caseload.total"].trend(), Some("up"));
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
        row, "caseload.total,Caseload,Caseload at quarter end,,,,,,,true,,,",
        "4 and 2 are not published"
    );
    let zero = csv.lines().find(|l| l.starts_with("mappa.category_3,")).unwrap();
    assert!(zero.contains(",0,,,0,,,false,same,"), "zero is published: {zero}");
}

#[test]
fn the_sample_board_is_byte_identical_on_a_re_run_and_its_pack_verifies() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let inputs = [samples().join("cases"), samples().join("caseload")];
    let caseload = casepress::case::Caseload::load(&inputs).unwrap();
    let quarter: Quarter = "2026-Q2".parse().unwrap();
    let quarter = casepress::board::BoardRequest::complete(quarter, day());
    let outputs = build_board(&press(a.path()), &caseload, &quarter).unwrap();
    build_board(&press(b.path()), &caseload, &quarter).unwrap();
    assert!(outputs.errors.is_empty(), "{:?}", outputs.errors);
    for name in ["board-report.pdf", "figures.csv", "figures.json", "board-pack.zip"] {
        let x = fs::read(a.path().join("board/2026-Q2").join(name)).unwrap();
        let y = fs::read(b.path().join("board/2026-Q2").join(name)).unwrap();
        assert!(x == y, "{name} differs between runs");
    }
    // Re-running into the same folder writes nothing new.
    let again = build_board(&press(a.path()), &caseload, &quarter).unwrap();
    assert!(again.files.iter().all(|(_, _, new)| !new));

    let dir = a.path().join("board/2026-Q2");
    let mut zip = zip::ZipArchive::new(fs::File::open(dir.join("board-pack.zip")).unwrap()).unwrap();
    let names: Vec<String> = zip.file_names().map(|n| n.unwrap().into_owned()).collect();
    assert_eq!(names, ["board-report.pdf", "figures.csv", "figures.json", "manifest.json"]);
    let mut manifest = String::new();
    zip.by_name("manifest.json").unwrap().read_to_string(&mut manifest).unwrap();
    let manifest: serde_json::Value = serde_json::from_str(&manifest).unwrap();
    for entry in manifest["members"].as_array().unwrap() {
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
    // The board says which PSRs the two-working-days rule covers (issue 13 item 5).
    let on_time = json["figures"].as_array().unwrap().iter().find(|f| f["id"] == "psr.on_time").unwrap();
    assert!(on_time["definition"].as_str().unwrap().contains("to be double gatekept"), "{on_time}");
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

#[test]
fn gatekeeping_figures_count_from_the_recorded_steps_where_they_exist() {
    use casepress::board::PsrRecord;
    let case = casepress::case::load_file(&samples().join("cases/yro-custody-possible.json"))
        .remove(0)
        .unwrap()
        .case;
    let cases = vec![case];
    let calendar = WorkingCalendar::default();
    let rules = casepress::rules::Settings::default();
    let quarter: Quarter = "2026-Q3".parse().unwrap();
    let figure = |records: &BTreeMap<String, PsrRecord>, id: &str| {
        let input = BoardInput {
            cases: &cases,
            statements: &[],
            calendar: &calendar,
            targets: &[],
            rules: &rules,
            policy: "Northfield YJS practice standards",
            records,
            attendance: &[],
        };
        compute(&input, quarter).into_iter().find(|f| f.id == id).unwrap().current
    };
    // The case data says two managers gatekept it; with no record, that counts.
    assert_eq!(figure(&BTreeMap::new(), "psr.gatekept"), m(1, Some(1)));
    assert_eq!(figure(&BTreeMap::new(), "psr.double_gatekept"), m(1, Some(1)));
    // Recorded: submitted on 1 December, agreed by one manager only.
    let record = PsrRecord {
        recorded: true,
        submitted: Some("2026-12-01".parse().unwrap()),
        agreed: Some("2026-12-02".parse().unwrap()),
        two_managers: false,
        meeting: None,
    };
    let records = BTreeMap::from([("NYJS-2026-0117".to_string(), record)]);
    assert_eq!(figure(&records, "psr.gatekept"), m(1, Some(1)));
    assert_eq!(
        figure(&records, "psr.double_gatekept"),
        m(0, Some(1)),
        "one manager is not double gatekeeping"
    );
    assert_eq!(figure(&records, "psr.on_time"), m(1, Some(1)), "submitted by the 4 December due date");
}

/// One case for the definitions test: a child, a team and what is given.
fn defined(id: &str, extra: serde_json::Value) -> Case {
    let mut case = serde_json::json!({
        "schema": "casepress/case/v1",
        "case_id": id,
        "child": {"first_name": "Test", "last_name": id, "date_of_birth": "2010-01-01"},
        "case_manager": {"name": "Ann Case"},
        "team": "North Team",
    });
    for (k, v) in extra.as_object().unwrap() {
        case[k] = v.clone();
    }
    let tmp = tempfile::NamedTempFile::new().unwrap();
    fs::write(tmp.path(), case.to_string()).unwrap();
    casepress::case::load_file(tmp.path()).remove(0).unwrap().case
}

/// A PSR for a hearing on 12 August 2026 with this gatekeeping.
fn psr_case(id: &str, custody: bool, meeting: Option<&str>, managers: serde_json::Value) -> Case {
    defined(
        id,
        serde_json::json!({
            "psr": {"custody_strong_possibility": custody},
            "court": {"name": "Northfield Youth Court", "hearing_date": "2026-08-12"},
            "gatekeeping": {"meeting_date": meeting, "managers": managers},
        }),
    )
}

#[test]
fn counts_follow_the_sources_definitions() {
    use serde_json::json;
    let manager = |name: &str, role: &str, team: &str| json!({"name": name, "role": role, "team": team});
    let ruth = manager("Ruth Okafor", "Team Manager", "North Team");
    let cases = vec![
        // Assessments: one before the order (the pre-sentence one), one after.
        defined(
            "P1",
            json!({"order": {"type": "referral_order", "start_date": "2026-07-06"},
                   "assessment": {"date": "2026-07-01", "asset_score": 10, "reoffending": "low", "serious_harm": "low", "safety_wellbeing": "low"},
                   "intervention_plan": {"date": "2026-07-20"}}),
        ),
        defined(
            "P2",
            json!({"order": {"type": "referral_order", "start_date": "2026-07-06"},
                   "assessment": {"date": "2026-07-10", "asset_score": 10, "reoffending": "low", "serious_harm": "low", "safety_wellbeing": "low"},
                   "intervention_plan": {"date": "2026-10-05"}}),
        ),
        // PSRs for a hearing on 12 August.
        psr_case("S1", false, Some("2026-08-10"), json!([ruth])),
        psr_case("S2", false, Some("2026-08-14"), json!([ruth])),
        psr_case("S3", false, Some("2026-08-10"), json!([])),
        psr_case(
            "S4",
            true,
            Some("2026-08-10"),
            json!([ruth, manager("Ruth Okafor", "Team Manager", "South Team")]),
        ),
        psr_case(
            "S5",
            true,
            Some("2026-08-10"),
            json!([ruth, manager("Sam Senior", "Senior Case Manager", "South Team")]),
        ),
        psr_case(
            "S6",
            true,
            Some("2026-08-10"),
            json!([ruth, manager("Dana Reeve", "Team Manager", "South Team")]),
        ),
    ];
    let calendar = WorkingCalendar::default();
    let rules = casepress::rules::Settings::default();
    let input = BoardInput {
        cases: &cases,
        statements: &[],
        calendar: &calendar,
        targets: &[],
        rules: &rules,
        policy: "Northfield YJS practice standards",
        records: &Default::default(),
        attendance: &[],
    };
    let figures: BTreeMap<String, Figure> =
        compute(&input, "2026-Q2".parse().unwrap()).into_iter().map(|f| (f.id.clone(), f)).collect();
    let current = |id: &str| figures[id].current;
    assert_eq!(current("assessment.on_time"), m(1, Some(2)), "P1's assessment came before its order");
    assert_eq!(
        current("psr.gatekept"),
        m(4, Some(6)),
        "S2's meeting came after the hearing; S3's had no manager"
    );
    assert_eq!(
        current("psr.double_gatekept"),
        m(1, Some(3)),
        "S4 lists one manager twice; S5's second is a senior case manager; S6 has two managers, one from another team"
    );
    assert_eq!(current("plans.review_on_time"), m(1, Some(1)), "P2's plan is dated after the quarter's end");
}

#[test]
fn a_board_paper_is_dated_for_its_meeting() {
    use casepress::board::BoardRequest;
    let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    let q: Quarter = "2026-Q2".parse().unwrap();
    let meetings = [d("2026-07-21"), d("2026-10-20"), d("2027-01-19")];
    let mut request = BoardRequest::complete(q, d("2026-11-23"));
    assert_eq!(request.paper_date(&meetings), d("2026-10-20"), "the first meeting after 30 September");
    assert_eq!(request.paper_date(&[]), d("2026-11-23"), "no meetings configured: the day it was made");
    request.board_date = Some(d("2026-10-27"));
    assert_eq!(request.paper_date(&meetings), d("2026-10-27"), "--board-date wins");
}

#[test]
fn a_folder_of_cases_counts_case_files_only() {
    use casepress::case::Caseload;
    // The whole samples folder holds an inbox with a statement's sidecar
    // (portal-20434.json beside portal-20434.pdf), import extracts and
    // config: only the case files count, and nothing fails.
    let whole = Caseload::load(&[samples()]).unwrap();
    let cases = Caseload::load(&[samples().join("cases"), samples().join("caseload")]).unwrap();
    assert!(whole.failures.is_empty(), "{:?}", whole.failures);
    assert_eq!(whole.cases().count(), cases.cases().count());
    // Named on its own, a sidecar is still read, and fails, as a case file.
    let sidecar = Caseload::load(&[samples().join("inbox/portal-20434.json")]).unwrap();
    assert_eq!(sidecar.failures.len(), 1);
}

#[test]
fn a_missing_attendance_file_costs_kpi_7_only() {
    let tmp = tempfile::tempdir().unwrap();
    let config = fs::read_to_string(samples().join("casepress.toml")).unwrap();
    let config = config
        .replace("attendance = \"board-attendance.csv\"", "attendance = \"no-such-file.csv\"")
        .replace("cases = [\"cases\", \"caseload\"]", &format!("cases = [{:?}]", samples().join("cases")));
    fs::write(tmp.path().join("casepress.toml"), config).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_casepress"))
        .args(["board", "--quarter", "2026-Q2", "--today", "2026-11-23", "--out", "out"])
        .current_dir(tmp.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "listed, not fatal: {stdout}");
    assert!(stdout.contains("no-such-file.csv") && stdout.contains("KPI 7"), "{stdout}");
    assert!(tmp.path().join("out/board/2026-Q2/board-report.pdf").is_file(), "the rest of the pack is made");
}
