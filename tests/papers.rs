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
    ("date of conviction", &["/offences/*/conviction_date"]),
    ("what helps the child take part in the hearing", &["/psr/effective_participation"]),
    ("the child's views", &["/psr/child_views"]),
    ("the parent's or carer's views", &["/psr/parent_views"]),
    ("options considered and why each is not proposed", &["/psr/options_considered"]),
    ("hours a week", &["/psr/delivery/hours_a_week"]),
    ("timetable", &["/psr/delivery/timetable"]),
    ("when the order would start", &["/psr/delivery/start"]),
    ("who would supervise the order", &["/psr/delivery/supervisor"]),
    ("address assessed", &["/psr/curfew_address/address", "/child/address"]),
    ("date the address was assessed", &["/psr/curfew_address/assessed_date"]),
    ("curfew suitability", &["/psr/curfew_address/curfew"]),
    ("electronic monitoring suitability", &["/psr/curfew_address/electronic_monitoring"]),
    ("the author's view on a parenting order", &["/psr/parenting_order"]),
    ("date of gatekeeping meeting", &["/gatekeeping/meeting_date"]),
    ("gatekeeping manager", &["/gatekeeping/managers"]),
    ("second gatekeeping manager from another team", &["/gatekeeping/managers/1"]),
    ("agreed sentencing proposal", &["/gatekeeping/agreed_proposal"]),
    ("managers' views on the PSR", &["/gatekeeping/views"]),
    ("why the court asked for the report", &["/progress_report/purpose"]),
    ("progress since the last hearing", &["/progress_report/progress"]),
    ("attendance and compliance", &["/progress_report/compliance"]),
    ("what the report asks the court to do", &["/progress_report/recommendation"]),
    ("power asked of the court", &["/progress_report/power"]),
    ("the panel's view", &["/progress_report/panel_view"]),
    ("the young person's view", &["/progress_report/child_view"]),
    ("the parent's or carer's view", &["/progress_report/parent_view"]),
    ("the victim's view, or that they gave none", &["/progress_report/victim_view"]),
    ("work outstanding, or none", &["/progress_report/outstanding_work"]),
    ("whether the author will attend court", &["/progress_report/at_court"]),
    ("who is at risk of serious harm", &["/serious_harm/groups"]),
    ("the nature of the harm", &["/serious_harm/nature"]),
    ("how imminent the harm is", &["/serious_harm/imminence"]),
    ("Risk Management Plan actions", &["/risk_management_plan/actions"]),
    ("Vulnerability Management Plan actions", &["/vulnerability_management_plan/actions"]),
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
    ("expected release date", &["/mappa/release_date"]),
    ("proposed next review date", &["/mappa/review_date"]),
    ("risk of serious harm to each group, in the community and in custody", &["/serious_harm/groups"]),
    ("requests to the panel", &["/mappa/requests_to_panel"]),
    ("disclosure considerations", &["/mappa/disclosure"]),
    (
        "whether the child has been told of the referral",
        &["/mappa/referral_shared/child_told", "/mappa/referral_shared/not_told_because"],
    ),
    ("the child's views", &["/mappa/referral_shared/child_views"]),
    (
        "whether a parent or carer has been told of the referral",
        &["/mappa/referral_shared/parent_told", "/mappa/referral_shared/not_told_because"],
    ),
    ("the parent's or carer's views", &["/mappa/referral_shared/parent_views"]),
    ("welfare considerations for the child", &["/mappa/welfare"]),
    (
        "children's services representative",
        &["/mappa/childrens_services", "/child/looked_after/social_worker"],
    ),
    ("what children's services are asked to do", &["/pprc/request/asks"]),
    ("how urgent the request is", &["/pprc/request/urgency"]),
    ("the date a reply is asked for", &["/pprc/request/by"]),
    ("the lawful basis for sharing this information", &["/pprc/request/sharing_basis"]),
    ("the decision: whether a risk to children remains", &["/pprc/risk_remains"]),
    ("date of the line-manager discussion at closure", &["/pprc/closure_discussion_date"]),
    ("who was told of the decision, and when", &["/pprc/closure_notified"]),
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

/// The text of `case` (a changed sample) rendered as a draft of `kind` on
/// 23 November 2026 under `out`.
fn changed_paper(out: &std::path::Path, case: &serde_json::Value, kind: DocumentKind) -> String {
    std::fs::create_dir_all(out).unwrap();
    let file = out.join("case.json");
    std::fs::write(&file, case.to_string()).unwrap();
    let opts = RenderOptions { kinds: KindSelection::only(vec![kind]), force: true, ..drafts() };
    let report = render(&press(&out.join("out")), &[file], &opts);
    let Outcome::Written { path, .. } = &report.items[0].outcome else { panic!("{report:?}") };
    squash(&pdf_text(path))
}

/// The text of one sample paper rendered on `date`, from `case` changed by `edit`.
fn edited_paper(
    out: &std::path::Path,
    file: &str,
    kind: DocumentKind,
    edit: impl FnOnce(&mut serde_json::Value),
) -> String {
    let mut case: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(samples().join("cases").join(file)).unwrap()).unwrap();
    edit(&mut case);
    std::fs::create_dir_all(out).unwrap();
    let path = out.join(file);
    std::fs::write(&path, case.to_string()).unwrap();
    let opts = RenderOptions { kinds: KindSelection::only(vec![kind]), ..drafts() };
    let report = render(&press(&out.join("out")), &[path], &opts);
    let Outcome::Written { path, .. } = &report.items[0].outcome else { panic!("{report:?}") };
    squash(&pdf_text(path))
}

fn sample_json(file: &str) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(samples().join("cases").join(file)).unwrap()).unwrap()
}

/// Issue 31, item 1: the PSR gives the court the age at conviction, the
/// options considered and why not, how the order would run, the curfew
/// address, the child's communication needs and what helps them take part,
/// the child's and parent's views, the intervention level in words, and
/// whether it was quality assured: each from the case, none made up.
#[test]
fn issue_31_1_the_psr_gives_the_court_what_it_asks_for() {
    let tmp = tempfile::tempdir().unwrap();
    let psr = sample_paper(tmp.path(), "yro-custody-possible.json", DocumentKind::Psr, "2026-11-23");
    for expected in [
        "Age at conviction 17 (convicted 10 November 2026)",
        "Other options considered Sentence Why it is not proposed Referral Order Not available",
        "Youth Rehabilitation Order with Intensive Supervision and Surveillance ISS would add 25 hours a week",
        "Detention and Training Order Jay has kept to a demanding bail curfew",
        "Hours a week 6 hours a week at the start",
        "Start First appointment within five working days of sentence",
        "Supervised by Priya Natarajan, Case Manager (North Team)",
        "Address assessed 14 Larch Close, Northfield NF4 7QT Assessed on 17 November 2026",
        "Suitable for a curfew Yes Suitable for electronic monitoring Yes",
        "Taking part in the hearing Jay has speech, language and communication needs",
        "He asks that the bench speak to him directly",
        "Views of Jay and Karen Whitfield (mother) Jay: Jay says he is ashamed",
        "Karen Whitfield: Karen Whitfield says Jay has been calmer",
        "Intervention level Enhanced (from ASSET score 27)",
        "This draft is not yet quality assured: two managers, one from another team, gatekeep it",
    ] {
        assert!(psr.contains(&squash(expected)), "no `{expected}` in the PSR:\n{psr}");
    }
    // Jay was 17 when convicted: no parenting order line, no threshold.
    for absent in ["of 64", "Parenting order", "Age threshold", "TO COMPLETE"] {
        assert!(!psr.contains(&squash(absent)), "`{absent}` in the PSR:\n{psr}");
    }
}

/// Issue 31, item 1: a child who turned 15 between the offence and the
/// conviction gets the threshold line and, under 16, the parenting order
/// line; the level is the practitioner's judgement in words; what the case
/// does not hold (the author's view on a parenting order, what helps the
/// child take part) is marked to complete, and a proposal with no curfew
/// has no curfew section.
#[test]
fn issue_31_1_a_threshold_crossed_a_parenting_order_and_what_is_not_recorded() {
    let tmp = tempfile::tempdir().unwrap();
    let mut case = sample_json("yro-custody-possible.json");
    case["child"]["date_of_birth"] = "2011-10-01".into();
    case["assessment"]["intervention_level"] =
        serde_json::json!({"level": "enhanced", "agreed_by": "Declan Hughes", "agreed_date": "2026-11-02"});
    let psr = case["psr"].as_object_mut().unwrap();
    for gone in ["curfew_address", "effective_participation", "options_considered"] {
        psr.remove(gone);
    }
    case["psr"]["proposal"]["requirements"] = serde_json::json!(["Supervision"]);
    let text = changed_paper(tmp.path(), &case, DocumentKind::Psr);
    for expected in [
        "Age at the offence 14 (offence of 29 August 2026)",
        "Age at conviction 15 (convicted 10 November 2026)",
        "Age threshold Jay turned 15 on 1 October 2026, after the offence (29 August 2026) and before conviction (10 November 2026): a sentencing threshold.",
        "the sentence likely to have been imposed on the day of the offence (Sentencing Children and Young People guideline)",
        "Parenting order Jay was under 16 when convicted: the court must make a parenting order",
        "(Crime and Disorder Act 1998, sections 8 and 9)",
        "TO COMPLETE: the author's view on a parenting order",
        "TO COMPLETE: what helps the child take part in the hearing",
        "TO COMPLETE: options considered and why each is not proposed",
        "Intervention level Enhanced (practitioner's judgement, agreed by Declan Hughes on 2 November 2026)",
    ] {
        assert!(text.contains(&squash(expected)), "no `{expected}` in the PSR:\n{text}");
    }
    assert!(!text.contains(&squash("Curfew and electronic monitoring")), "{text}");
}

/// Issue 31, item 2: the gatekeeping record's checklist shows each item as
/// recorded (done, not done, not recorded), never as done by default; and a
/// service that sets a day for single gatekeeping has it on the record.
#[test]
fn issue_31_2_the_gatekeeping_checklist_shows_what_is_recorded_and_nothing_else() {
    let tmp = tempfile::tempdir().unwrap();
    let record =
        sample_paper(tmp.path(), "yro-custody-possible.json", DocumentKind::Gatekeeping, "2026-11-23");
    for expected in [
        "Quality-assurance checklist",
        "Risk of serious harm assessment complete ✓ Done",
        "Referral to the victim service ✓ Done",
        "Parenting referral (a child under 16) Not needed: 16 or over when convicted",
        "The court's request, with the sentence indication, on file ✓ Done",
        "Record of previous convictions attached Not done",
        "Due to managers 4 December 2026: two working days before the hearing on 8 December 2026",
    ] {
        assert!(record.contains(&squash(expected)), "no `{expected}` in the record:\n{record}");
    }

    // Nothing recorded: every item says so, with what the case holds.
    let mut case = sample_json("yro-custody-possible.json");
    case["gatekeeping"].as_object_mut().unwrap().remove("checklist");
    let bare = changed_paper(&tmp.path().join("bare"), &case, DocumentKind::Gatekeeping);
    let list = &bare[bare.find("Quality-assurancechecklist").unwrap()..bare.find("Managers’views").unwrap()];
    assert!(!list.contains("Done") && !list.contains("Notdone"), "{list}");
    assert_eq!(list.matches("Notrecorded").count(), 6, "{list}");
    assert!(
        list.contains(&squash("Not recorded (the case holds an AssetPlus assessment of 30 October 2026)")),
        "{list}"
    );

    // One manager, and a service that sets three working days for that.
    case["psr"]["custody_strong_possibility"] = false.into();
    let file = tmp.path().join("single.json");
    std::fs::write(&file, case.to_string()).unwrap();
    let mut config = sample_config(&tmp.path().join("single"));
    config.rules.single_gatekeeping_working_days = Some(3);
    let opts = RenderOptions {
        kinds: KindSelection::only(vec![DocumentKind::Gatekeeping]),
        force: true,
        ..drafts()
    };
    let report = render(&casepress::press::Press::new(config).unwrap(), &[file], &opts);
    let Outcome::Written { path, .. } = &report.items[0].outcome else { panic!("{report:?}") };
    let single = squash(&pdf_text(path));
    let due = "Due to managers 3 December 2026: three working days before the hearing on 8 December 2026 (this service's standard for a report gatekept by one manager)";
    assert!(single.contains(&squash(due)), "{single}");
}

fn says(paper: &str, expected: &[&str]) {
    for e in expected {
        assert!(paper.contains(&squash(e)), "no `{e}`:\n{paper}");
    }
}

#[test]
fn issue_31_7_mappa_h_gives_the_next_review_and_a_release_date_only_where_it_applies() {
    let tmp = tempfile::tempdir().unwrap();
    // Kyle, on ISS in the community; Connor, in custody on a DTO.
    let kyle = sample_paper(&tmp.path().join("a"), "mappa-level-2.json", DocumentKind::MappaH, "2026-11-23");
    says(
        &kyle,
        &["Expected release Not applicable: not in custody", "Proposed next MAPPA review 7 January 2027"],
    );
    let connor =
        sample_paper(&tmp.path().join("b"), "mappa-category-2.json", DocumentKind::MappaH, "2026-11-23");
    says(&connor, &["Expected release 19 March 2027", "Proposed next MAPPA review 14 December 2026"]);
    // In custody without a release date: a marker, never "not in custody".
    let unknown = edited_paper(&tmp.path().join("c"), "mappa-category-2.json", DocumentKind::MappaH, |c| {
        c["mappa"]["release_date"] = serde_json::Value::Null;
        c["mappa"]["review_date"] = serde_json::Value::Null;
    });
    says(&unknown, &["TO COMPLETE: expected release date", "TO COMPLETE: proposed next review date"]);
    assert!(!unknown.contains(&squash("not in custody")), "{unknown}");
}

#[test]
fn issue_31_7_mappa_a_gives_risk_by_group_requests_disclosure_the_familys_knowledge_and_welfare() {
    let tmp = tempfile::tempdir().unwrap();
    let paper = sample_paper(tmp.path(), "mappa-level-2.json", DocumentKind::MappaA, "2026-11-23");
    says(
        &paper,
        &[
            "Who is at risk In the community In custody",
            // The case's risk of serious harm analysis, as the risk summary gives it.
            "Public: Lone workers, such as delivery riders, in the Eastbrook area in the evening High Low",
            "Known adult: The victim of the robbery, a 19-year-old delivery rider who still works in Eastbrook Medium Low",
            "The young person (self): Kyle, from the two older males if he withdraws from them High Not assessed",
            "What the panel is asked to do Completed by: referring agency 1. Agree to manage Kyle at MAPPA level 2",
            "Disclosure considerations Completed by: referring agency No disclosure to a third party is proposed now",
            "14.1 The child knows of the referral Yes: told 14 October 2026",
            "14.2 The child’s views Kyle said he understands why people are worried",
            "14.3 A parent or carer knows Yes: told 14 October 2026",
            "14.4 Their views His mother agrees with the referral",
            "Welfare considerations Completed by: referring agency with children’s services Kyle is a child in need",
            "Children’s services representative Leanne Marsh, Social Worker, Exploitation Team (Northfield City Council Children's Services) · 01632 960 312",
        ],
    );
    // Not told, with the reason: said as such, and no views asked for.
    let untold = edited_paper(&tmp.path().join("u"), "mappa-level-2.json", DocumentKind::MappaA, |c| {
        c["mappa"]["referral_shared"] =
            serde_json::json!({"not_told_because": "telling him now would alert the older males"});
        c["serious_harm"]["groups"] = serde_json::json!([{"group": "staff"}]);
    });
    says(
        &untold,
        &[
            "The child knows of the referral No: telling him now would alert the older males",
            "The child’s views Not asked: not yet told",
            "Staff Not assessed Not assessed",
        ],
    );
}

#[test]
fn issue_31_7_pprc_2_names_the_children_and_asks_children_s_services_by_a_date() {
    let tmp = tempfile::tempdir().unwrap();
    let paper = sample_paper(tmp.path(), "pprc.json", DocumentKind::Pprc2, "2026-11-23");
    says(
        &paper,
        &[
            "Child Born Lives at Parental responsibility",
            "Kian Lawson Younger brother, lives with Harvey Brother 14 June 2017 9 Rowan Close",
            "Nicola Lawson (mother) and Steve Lawson (father)",
            "Maisie Lawson",
            "Chloe Barnes (mother) and Steve Lawson (father)",
            "What we ask of children’s services",
            "1. Tell us whether Northfield Children's Services will assess the safety of Kian and Lily",
            "7.1 How urgent Urgent",
            "7.2 Reply or action by 5 November 2026",
            "7.3 Basis for sharing The duty to safeguard and promote the welfare of children (Children Act 2004, section 11)",
        ],
    );
    // A child recorded by age alone, as older case files have them.
    let by_age = edited_paper(&tmp.path().join("a"), "pprc.json", DocumentKind::Pprc2, |c| {
        c["pprc"]["children_in_contact"] = serde_json::json!([
            {"description": "Cousin", "age": 4, "is_child": true, "relationship": "Cousin", "consents_to_contact": null}
        ]);
        c["pprc"]["request"] = serde_json::Value::Null;
    });
    says(
        &by_age,
        &[
            "Cousin Cousin Aged 4; date of birth not known Not known Not known",
            "TO COMPLETE: what children's services are asked to do",
            "TO COMPLETE: the lawful basis for sharing this information",
        ],
    );
}

#[test]
fn issue_31_7_pprc_7_states_the_decision_the_discussion_and_who_was_told() {
    let tmp = tempfile::tempdir().unwrap();
    let paper = sample_paper(tmp.path(), "pprc-closed.json", DocumentKind::Pprc7, "2026-11-23");
    says(
        &paper,
        &[
            "4.1 Risk to children remains Yes ✓ No",
            "4.2 Discussed with the line manager 4 November 2026, with Declan Hughes",
            "Who was told of this decision",
            "Northfield Children's Services (Front Door) 6 November 2026",
            "Brooke and her mother, Leanne Hanlon 5 November 2026",
        ],
    );
    let undecided = edited_paper(&tmp.path().join("u"), "pprc-closed.json", DocumentKind::Pprc7, |c| {
        let p = c["pprc"].as_object_mut().unwrap();
        for key in ["risk_remains", "closure_discussion_date", "closure_notified"] {
            p.remove(key);
        }
    });
    says(
        &undecided,
        &[
            "TO COMPLETE: the decision: whether a risk to children remains",
            "TO COMPLETE: date of the line-manager discussion at closure",
            "TO COMPLETE: who was told of the decision, and when",
        ],
    );
}
