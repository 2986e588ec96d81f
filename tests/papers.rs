//! Papers that invent nothing, and read as papers: every sample case's
//! documents rendered as real PDFs and read back.

mod common;

use std::path::PathBuf;

use casepress::batch::{KindSelection, Outcome, RenderOptions};
use casepress::documents::DocumentKind;
use common::*;

/// Every kind, forms included, for every sample case: (case id, kind, PDF).
fn every_paper(out: &std::path::Path) -> Vec<(String, DocumentKind, PathBuf)> {
    let opts = RenderOptions { kinds: KindSelection::only(DocumentKind::ALL.to_vec()), ..drafts() };
    let report = render(&press(out), &[samples().join("cases")], &opts);
    assert!(!report.has_failures(), "{report:#?}");
    report
        .items
        .iter()
        .map(|i| {
            let Outcome::Written { path, .. } = &i.outcome else { panic!("{i:?}") };
            (i.case_id.clone().unwrap(), i.kind.unwrap(), path.clone())
        })
        .collect()
}

/// The headings a sign-off block starts with, in every kind.
const SIGN_OFF: [&str; 5] = ["Sign-off", "Signatures", "Report author", "YJS contact", "Referrer"];

#[test]
fn issue_24_6_table_values_stay_in_their_cells_and_a_sign_off_never_stands_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let papers = every_paper(tmp.path());
    assert!(papers.len() >= 100, "every kind of every sample: {}", papers.len());
    let mut tables = 0;
    for (id, kind, path) in &papers {
        // No text crosses a table's vertical rule: long emails, long words
        // and the hostile sample's 300-character token wrap inside.
        for (n, page) in geometry::pages(path).iter().enumerate() {
            tables += usize::from(!page.rules.is_empty());
            let over = page.crossings();
            assert!(over.is_empty(), "{id} {kind} p{}: text over a cell's edge: {over:?}", n + 1);
        }
        // Every age says what day it is on: at the hearing on a court
        // paper (where there is one), else on the paper's date.
        let text = squash(&pdf_text(path));
        let court = kind.spec().court_report || *kind == DocumentKind::Gatekeeping;
        for at in text.match_indices("(age").map(|(i, _)| i) {
            let rest = text[at + 4..].trim_start_matches(|c: char| c.is_ascii_digit());
            let labelled =
                rest.starts_with("on23November2026)") || court && rest.starts_with("atthehearing)");
            assert!(labelled, "{id} {kind}: an age without its day: {}", &text[at..at + 40]);
        }
        // The page holding the sign-off also holds the end of the section
        // before it: after the page furniture, something comes first.
        let pages = page_texts(path);
        let last = pages.last().unwrap();
        let Some(at) = SIGN_OFF.iter().filter_map(|h| last.find(h)).min() else { continue };
        let furniture = ["DRAFT", "Northfield Youth Justice Service", "OFFICIAL-SENSITIVE", kind.title()];
        let before: String = last[..at]
            .lines()
            .map(str::trim)
            .filter(|l| !furniture.contains(l) && !l.chars().all(|c| c.is_ascii_digit() || c == '.'))
            .collect();
        assert!(!before.is_empty(), "{id} {kind}: the sign-off alone on its last page:\n{last}");
    }
    assert!(tables > 100, "tables were checked: {tables} pages with rules");
}

/// The text of each page of a PDF.
fn page_texts(pdf: &std::path::Path) -> Vec<String> {
    let doc = lopdf::Document::load(pdf).unwrap();
    doc.get_pages().keys().map(|&n| doc.extract_text(&[n]).unwrap_or_default()).collect()
}

/// Where each TO COMPLETE marker's fact lives in a case (JSON pointers):
/// the marker is false when the case has any of them.
const MARKED: &[(&str, &[&str])] = &[
    ("court", &["/court"]),
    ("date of hearing", &["/court/hearing_date"]),
    ("court reference", &["/court/reference"]),
    ("remand or bail status", &["/court/remand_status"]),
    ("offences", &["/offences"]),
    ("offences before the court", &["/offences"]),
    ("line manager", &["/line_manager"]),
    ("order or intervention", &["/order"]),
    ("order or bail the report is about", &["/order"]),
    ("sentence or order", &["/order"]),
    ("sentence", &["/order"]),
    ("sentence date", &["/order/start_date"]),
    ("date of closure", &["/order/closed_date"]),
    ("gender", &["/child/gender"]),
    ("ethnicity", &["/child/ethnicity"]),
    ("PNC number", &["/child/pnc_id"]),
    ("PNC ID", &["/child/pnc_id"]),
    ("address", &["/child/address"]),
    ("address, or NFA and the area of closest links", &["/child/address"]),
    ("needs", &["/child/needs"]),
    ("needs and diversity", &["/child/needs"]),
    ("strengths", &["/strengths"]),
    ("assessment", &["/assessment"]),
    ("assessment (AssetPlus)", &["/assessment"]),
    ("how often we will meet (from the assessment)", &["/assessment"]),
    ("date of plan", &["/intervention_plan/date"]),
    ("review date", &["/intervention_plan/review_date"]),
    ("what the young person thinks, in their own words", &["/intervention_plan/child_views"]),
    ("what we will work on", &["/intervention_plan/targets"]),
    ("actions", &["/intervention_plan/targets/*/actions"]),
    ("what we will do", &["/intervention_plan/targets/*/actions"]),
    ("what I am good at, in my words", &["/intervention_plan/childs_part/my_strengths"]),
    ("what help I want, in my words", &["/intervention_plan/childs_part/help_i_want"]),
    ("who will help me, in my words", &["/intervention_plan/childs_part/who_will_help"]),
    ("what worked", &["/intervention_plan/exit_plan/what_worked"]),
    ("who you can go to after this plan", &["/intervention_plan/exit_plan/after"]),
    ("who", &["/intervention_plan/targets/*/who"]),
    ("when", &["/intervention_plan/targets/*/by_when"]),
    ("what's going well", &["/intervention_plan/going_well", "/strengths"]),
    ("what we will do to keep you and others safe", &["/intervention_plan/keep_safe"]),
    ("what we will do to keep the young person and others safe", &["/intervention_plan/keep_safe"]),
    ("how we will make it easier for you", &["/intervention_plan/make_it_easier"]),
    ("restorative intervention", &["/intervention_plan/restorative"]),
    ("date of agreement", &["/service_agreement/date"]),
    ("report type", &["/psr/report_type"]),
    ("previous offending and out-of-court disposals", &["/psr/previous_offending"]),
    ("introduction", &["/psr/introduction"]),
    ("sources of information", &["/psr/sources"]),
    ("offence seriousness", &["/psr/offence_analysis/seriousness"]),
    ("underlying causes of the offending", &["/psr/underlying_causes"]),
    ("previous compliance", &["/psr/previous_compliance"]),
    ("impact on victims", &["/psr/offence_analysis/victims"]),
    ("personal circumstances", &["/psr/child_assessment/circumstances"]),
    ("family and relationships", &["/psr/child_assessment/family"]),
    ("education, training and employment", &["/psr/child_assessment/education"]),
    ("health and wellbeing", &["/psr/child_assessment/health"]),
    ("parenting", &["/psr/child_assessment/parenting"]),
    ("looked-after experience", &["/psr/child_assessment/looked_after"]),
    ("likelihood of reoffending", &["/psr/risk_assessment/reoffending"]),
    ("risk of serious harm", &["/psr/risk_assessment/serious_harm"]),
    ("safety and wellbeing", &["/psr/risk_assessment/safety_wellbeing"]),
    ("vulnerability in custody", &["/psr/custody_vulnerability"]),
    ("dangerousness assessment", &["/psr/dangerousness"]),
    ("conclusion", &["/psr/conclusion"]),
    ("sentencing proposal", &["/psr/proposal"]),
    // `$report`: the PSR's section, or the progress report's.
    (
        "report discussed with the young person and parent or carer",
        &["/$report/discussed_with_child_and_carer"],
    ),
    ("date of gatekeeping meeting", &["/gatekeeping/meeting_date"]),
    ("gatekeeping manager", &["/gatekeeping/managers"]),
    ("second gatekeeping manager from another team", &["/gatekeeping/managers/1"]),
    ("agreed sentencing proposal", &["/gatekeeping/agreed_proposal"]),
    ("managers' views on the PSR", &["/gatekeeping/views"]),
    ("why the court asked for the report", &["/progress_report/purpose"]),
    ("progress since the last hearing", &["/progress_report/progress"]),
    ("attendance and compliance", &["/progress_report/compliance"]),
    ("what the report asks the court to do", &["/progress_report/recommendation"]),
    ("MAPPA category", &["/mappa/category"]),
    ("MAPPA area", &["/mappa/area"]),
    ("date identified", &["/mappa/identified_date"]),
    ("date of referral", &["/mappa/referral_date"]),
    ("MAPPA H notification", &["/mappa/notified_date"]),
    ("level 2 or 3", &["/mappa/level>=2"]),
    ("why this level is needed", &["/mappa/level_reason"]),
    ("victim issues", &["/mappa/victim_issues"]),
    (
        "reason for referral: behaviour, attitudes, patterns, other agencies' information",
        &["/mappa/reason_for_referral"],
    ),
    ("offence details as bullets (not pasted from the PSR)", &["/mappa/offence_details"]),
    ("agencies involved", &["/mappa/agencies"]),
    ("the assessed risk to children", &["/pprc/risk_summary"]),
    ("date of the risk discussion", &["/pprc/discussion_date"]),
    ("decision and reasons", &["/pprc/decision"]),
    ("original decision", &["/pprc/decision"]),
    ("children in contact, or none known", &["/pprc/children_in_contact"]),
    ("reassessment of the risk to children at closure", &["/pprc/closure_reassessment"]),
    ("actions agreed to manage the risk", &["/pprc/actions"]),
    ("actions and agencies who will hold the risk after closure", &["/pprc/closure_actions"]),
];

/// Whether the case holds a value at `pointer` (not null, not empty; a
/// number at least N where the pointer ends `>=N`; in every element of a
/// list at `/*/`).
fn has(case: &serde_json::Value, pointer: &str) -> bool {
    if let Some((list, rest)) = pointer.split_once("/*/") {
        let items = case.pointer(list).and_then(|l| l.as_array()).cloned().unwrap_or_default();
        return !items.is_empty() && items.iter().all(|i| has(i, &format!("/{rest}")));
    }
    if let Some((pointer, least)) = pointer.split_once(">=") {
        return case.pointer(pointer).and_then(|v| v.as_u64()).is_some_and(|n| n >= least.parse().unwrap());
    }
    match case.pointer(pointer) {
        None | Some(serde_json::Value::Null) => false,
        Some(serde_json::Value::String(s)) => !s.trim().is_empty(),
        Some(serde_json::Value::Array(a)) => !a.is_empty(),
        Some(_) => true,
    }
}

/// The labels of the TO COMPLETE markers in Typst source.
fn markers(source: &str) -> Vec<String> {
    source
        .split("#todo(\"")
        .skip(1)
        .map(|rest| rest[..rest.find("\")").unwrap()].replace("\\\"", "\""))
        .collect()
}

#[test]
fn issue_24_6_no_to_complete_marker_names_a_fact_the_case_has() {
    let tmp = tempfile::tempdir().unwrap();
    let typst = tmp.path().join("typst");
    let opts = RenderOptions {
        kinds: KindSelection::only(DocumentKind::ALL.to_vec()),
        typst_dir: Some(typst.clone()),
        ..drafts()
    };
    let report = render(&press(&tmp.path().join("out")), &[samples().join("cases")], &opts);
    assert!(!report.has_failures(), "{report:#?}");
    let cases: std::collections::BTreeMap<String, serde_json::Value> =
        casepress::case::discover(&[samples().join("cases")])
            .unwrap()
            .iter()
            .flat_map(|f| casepress::case::load_file(f))
            .filter_map(Result::ok)
            .map(|l| (l.case.case_id.to_string(), serde_json::to_value(&l.case).unwrap()))
            .collect();
    let mut checked = 0;
    for item in &report.items {
        let (id, kind) = (item.case_id.clone().unwrap(), item.kind.unwrap());
        let Outcome::Written { path, .. } = &item.outcome else { panic!("{item:?}") };
        let source = std::fs::read_to_string(typst.join(format!("{id}_{kind}.typ"))).unwrap();
        let text = squash(&pdf_text(path));
        for label in markers(&source) {
            let Some((_, facts)) = MARKED.iter().find(|(l, _)| *l == label) else {
                panic!("{id} {kind}: `TO COMPLETE: {label}`: say in MARKED where the case holds it");
            };
            assert!(
                text.contains(&squash(&format!("TO COMPLETE: {label}"))),
                "{id} {kind}: {label} on the page"
            );
            let report = if kind == DocumentKind::ProgressReport { "progress_report" } else { "psr" };
            let held: Vec<String> =
                facts.iter().map(|p| p.replace("$report", report)).filter(|p| has(&cases[&id], p)).collect();
            assert!(held.is_empty(), "{id} {kind}: `TO COMPLETE: {label}` but the case has {held:?}");
            checked += 1;
        }
    }
    assert!(checked > 50, "markers were checked: {checked}");
}

/// The `casepress` binary in `dir`.
fn casepress(dir: &std::path::Path, args: &[&str]) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_casepress"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.code().is_some_and(|c| c <= 1), "{args:?}: {said}");
    said
}

/// The text of the one document of `kind` under `out` whose name has `date`.
fn paper_text(out: &std::path::Path, kind: &str, date: &str) -> String {
    let pdf = files_under(out)
        .into_iter()
        .find(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            name.contains(&format!("_{kind}_{date}")) && name.ends_with(".pdf")
        })
        .unwrap_or_else(|| panic!("no {kind} dated {date} under {}", out.display()));
    squash(&pdf_text(&pdf))
}

#[test]
fn issue_24_4_time_runs_one_way_a_paper_states_nothing_after_its_date() {
    // Jay's case, with its typed meeting on 26 November and submission on
    // 3 December, and the steps recorded in December.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::create_dir(dir.join("cases")).unwrap();
    std::fs::copy(samples().join("cases/yro-custody-possible.json"), dir.join("cases/jay.json")).unwrap();
    let config = std::fs::read_to_string(samples().join("casepress.toml")).unwrap();
    std::fs::write(dir.join("casepress.toml"), config.replace("output = \"../out\"", "output = \"out\""))
        .unwrap();
    std::fs::copy(samples().join("board-attendance.csv"), dir.join("board-attendance.csv")).unwrap();
    let jay = "NYJS-2026-0117";
    casepress(dir, &["render", "cases", "--kind", "psr", "--date", "2026-12-02", "--jobs", "1"]);
    for step in [
        ["submit", jay, "psr", "--by", "Priya Natarajan", "--now", "2026-12-02 10:00"].as_slice(),
        &["review", jay, "psr", "--by", "Declan Hughes", "--agree", "--now", "2026-12-03 09:00"],
        &["review", jay, "psr", "--by", "Ruth Okafor", "--agree", "--now", "2026-12-03 10:00"],
    ] {
        casepress(dir, step);
    }

    // On 23 November: the meeting and the discussion are planned; nothing
    // submitted, agreed or met. (The record in the output holding the
    // steps; the PSR elsewhere, so that Jay's submitted version stays.)
    let (main, early) = (dir.join("out"), dir.join("early"));
    casepress(dir, &["render", "cases", "--kind", "gatekeeping", "--date", "2026-11-23"]);
    casepress(
        dir,
        &["render", "cases", "--kind", "psr", "--date", "2026-11-23", "--out", early.to_str().unwrap()],
    );
    let record = paper_text(&main, "gatekeeping", "2026-11-23");
    for expected in [
        "Date of meeting Planned for 26 November 2026",
        "Submitted to managers Not yet: planned for 3 December 2026",
        "Double gatekeeping met Not yet: the meeting is planned for 26 November 2026",
        "Agreed proposal Not yet agreed",
    ] {
        assert!(record.contains(&squash(expected)), "no `{expected}`:\n{record}");
    }
    for after in
        ["(recorded in casepress)", "Decisions recorded in", "Hughes Agreed", "met ✓ Yes", "as drafted"]
    {
        assert!(!record.contains(&squash(after)), "`{after}` on a record of 23 November:\n{record}");
    }
    let psr = paper_text(&early, "psr", "2026-11-23");
    assert!(psr.contains(&squash("planned for 27 November 2026")), "{psr}");
    assert!(!psr.contains(&squash("It was discussed")), "{psr}");

    // `check` on 23 November counts neither the meeting nor the submission as met.
    let check = casepress(dir, &["check", "cases", "--today", "2026-11-23"]);
    let meeting = check.lines().find(|l| l.contains("PSR gatekeeping meeting held")).unwrap();
    assert!(meeting.contains("due") && meeting.contains("(planned 2026-11-26)"), "{check}");
    assert!(!check.contains("met "), "nothing met on 23 November:\n{check}");
    assert!(check.contains("PSR gatekeeping   not yet submitted"), "steps of December:\n{check}");

    // On 2 December: submitted, and no manager has agreed yet.
    casepress(dir, &["render", "cases", "--kind", "gatekeeping", "--date", "2026-12-02", "--force"]);
    let record = paper_text(&main, "gatekeeping", "2026-12-02");
    for expected in [
        "Submitted to managers 2 December 2026 (recorded in casepress)",
        "Gatekept by Not yet: no manager has agreed this version",
        "Double gatekeeping met Not yet: 0 of two managers agreed",
        "No manager has reviewed the report yet.",
    ] {
        assert!(record.contains(&squash(expected)), "no `{expected}`:\n{record}");
    }

    // On 4 December the same record states what was recorded by then.
    casepress(dir, &["render", "cases", "--kind", "gatekeeping", "--date", "2026-12-04", "--force"]);
    let record = paper_text(&main, "gatekeeping", "2026-12-04");
    for expected in [
        "Submitted to managers 2 December 2026 (recorded in casepress)",
        "Double gatekeeping met ✓ Yes",
        "Gatekeeping manager Declan Hughes Agreed 3 December 2026",
        "Gatekeeping manager Ruth Okafor Agreed 3 December 2026",
    ] {
        assert!(record.contains(&squash(expected)), "no `{expected}`:\n{record}");
    }
}

/// The text of one sample paper rendered on `date` into `out`.
fn sample_paper(out: &std::path::Path, file: &str, kind: DocumentKind, date: &str) -> String {
    let opts = RenderOptions {
        kinds: KindSelection::only(vec![kind]),
        date: date.parse().unwrap(),
        force: true,
        ..drafts()
    };
    let report = render(&press(out), &[samples().join("cases").join(file)], &opts);
    let Outcome::Written { path, .. } = &report.items[0].outcome else { panic!("{report:?}") };
    squash(&pdf_text(path))
}

#[test]
fn issue_24_6_papers_say_each_thing_once_and_only_what_is_known() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path();
    let day = "2026-11-23";

    // No PPRC record: not assessed, never "criteria not met".
    let risk = sample_paper(out, "yro-custody-possible.json", DocumentKind::RiskSummary, day);
    assert!(risk.contains(&squash("Person Posing a Risk to Children Not assessed")), "{risk}");
    assert!(!risk.contains(&squash("Criteria not met")), "{risk}");
    assert!(risk.contains(&squash("(age 17 on 23 November 2026)")), "{risk}");

    // The PSR: the age at the hearing and at the offence.
    let psr = sample_paper(out, "yro-custody-possible.json", DocumentKind::Psr, day);
    assert!(psr.contains(&squash("(age 17 at the hearing)")), "{psr}");
    assert!(psr.contains(&squash("Age at the offence 17 (offence of 29 August 2026)")), "{psr}");

    // How often we meet, once per disposal: in custody and on ISS no
    // contacts a month, in the plan or the risk summary.
    for (file, kind_says) in [("mappa-category-2.json", "In custody"), ("mappa-level-2.json", "ISS:")] {
        let plan = sample_paper(out, file, DocumentKind::InterventionPlan, day);
        let risk = sample_paper(out, file, DocumentKind::RiskSummary, day);
        assert!(risk.contains(&squash(kind_says)), "{file}: {risk}");
        for paper in [&plan, &risk] {
            assert!(!paper.contains("amonth"), "{file}: contacts a month:\n{paper}");
        }
    }

    // Who to call names the worker once, with what either entry gives.
    let agreement = sample_paper(out, "mappa-level-2.json", DocumentKind::ServiceAgreement, day);
    let who = &agreement[agreement.find("Whotocall").unwrap()..agreement.find("Signatures").unwrap()];
    assert_eq!(who.matches("NadiaShah").count(), 1, "{who}");
    assert!(who.contains(&squash("Nadia Shah Your worker 01632 960 177")), "{who}");
}

#[test]
fn issue_24_6_mappa_h_says_when_it_was_sent() {
    let tmp = tempfile::tempdir().unwrap();
    let file = "mappa-category-2.json";
    // The notification date, as the case records it, or planned before it.
    let sent = sample_paper(&tmp.path().join("a"), file, DocumentKind::MappaH, "2026-11-23");
    assert!(sent.contains(&squash("Sent to the central MAPPA unit Sent 24 September 2026")), "{sent}");
    let before = sample_paper(&tmp.path().join("b"), file, DocumentKind::MappaH, "2026-09-22");
    assert!(before.contains(&squash("Not yet sent: planned for 24 September 2026")), "{before}");
    // Without a notification date: not yet sent.
    let mut case: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(samples().join("cases").join(file)).unwrap()).unwrap();
    case["mappa"]["notified_date"] = serde_json::Value::Null;
    let unsent = tmp.path().join("unsent.json");
    std::fs::write(&unsent, case.to_string()).unwrap();
    let opts = RenderOptions { kinds: KindSelection::only(vec![DocumentKind::MappaH]), ..drafts() };
    let report = render(&press(&tmp.path().join("c")), &[unsent], &opts);
    let Outcome::Written { path, .. } = &report.items[0].outcome else { panic!("{report:?}") };
    assert!(squash(&pdf_text(path)).contains(&squash("central MAPPA unit Not yet sent")));

    // A recorded `sent` step says when and to whom, on the risk summary too.
    let out = tmp.path().join("d");
    let risk = sample_paper(&out, file, DocumentKind::RiskSummary, "2026-11-23");
    assert!(risk.contains(&squash("MAPPA H: Sent 24 September 2026")), "{risk}");
    let step = |step: &str, at: &str| casepress::store::LogEntry::Lifecycle {
        at: at.into(),
        kind: DocumentKind::MappaH,
        step: serde_json::from_value(serde_json::json!(step)).unwrap(),
        sha256: "0".repeat(64),
        by: "Amrit Sandhu".into(),
        os_user: "test".into(),
        comments: None,
        to: (step == "sent").then(|| "Central MAPPA Unit".into()),
        date: (step == "sent").then(|| "2026-09-25".into()),
        reviewers: Vec::new(),
        agreed_input: None,
        signer: None,
        signed_by: None,
        attended: Vec::new(),
    };
    press(&out)
        .records()
        .append(
            "NYJS-2026-0098",
            &[step("final", "2026-09-24T10:00:00Z"), step("sent", "2026-09-25T10:00:00Z")],
        )
        .unwrap();
    let risk = sample_paper(&out, file, DocumentKind::RiskSummary, "2026-11-23");
    assert!(
        risk.contains(&squash(
            "MAPPA H: Sent 25 September 2026 to Central MAPPA Unit (recorded in casepress)"
        )),
        "{risk}"
    );
}
