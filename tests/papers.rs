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
fn issue_24_8_table_values_stay_in_their_cells_and_a_sign_off_never_stands_alone() {
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
