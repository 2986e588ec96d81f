use std::path::Path;

use chrono::NaiveDate;

use super::*;
use crate::case::parse_bytes;
use crate::rules::{self, WorkingCalendar};

const CASE: &str = r##"{
  "schema": "casepress/case/v1",
  "case_id": "SNAP-1",
  "child": {"first_name": "Sam", "last_name": "Lee \"#x\"", "date_of_birth": "2010-03-21"},
  "case_manager": {"name": "Ann Case", "role": "Case Manager"},
  "team": "North",
  "strengths": ["Kind to his sister"],
  "intervention_plan": {"targets": [{"target": "Go to college", "who": "Ann"}]}
}"##;

fn case() -> crate::case::Case {
    parse_bytes(CASE.as_bytes(), Path::new("snap.json")).remove(0).unwrap().case
}

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

fn render(kind: DocumentKind, final_: bool) -> Result<RenderedSource, RenderError> {
    let case = case();
    let facts = rules::derive(&case, &WorkingCalendar::default(), day());
    let service =
        ServiceView { name: "Test YJS".into(), address: vec!["1 High St".into()], ..Default::default() };
    let renderer = Renderer::new(&TemplateSet::embedded(), service).unwrap();
    renderer.render(RenderRequest {
        case: &case,
        facts: &facts,
        kind,
        date: day(),
        final_,
        log: &[],
        earlier_signatures: &[],
    })
}

#[test]
fn intervention_plan_source_snapshot() {
    insta::assert_snapshot!(render(DocumentKind::InterventionPlan, false).unwrap().source);
}

#[test]
fn a_final_document_refuses_and_names_every_missing_field() {
    let err = render(DocumentKind::InterventionPlan, true).unwrap_err();
    let msg = err.to_string();
    assert!(msg.starts_with("cannot render a final intervention-plan: missing"), "{msg}");
    assert!(msg.contains("`intervention_plan.restorative` (restorative intervention)"), "{msg}");
    assert!(msg.contains("`intervention_plan.signatures.young_person`"), "{msg}");
}

#[test]
fn kinds_parse_from_their_names_and_reject_typos_helpfully() {
    for kind in DocumentKind::ALL {
        assert_eq!(kind.name().parse::<DocumentKind>().unwrap(), kind);
    }
    let err = "pssr".parse::<DocumentKind>().unwrap_err();
    assert!(err.contains("expected one of psr, gatekeeping"), "{err}");
}

#[test]
fn an_override_with_an_unknown_name_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pssr.typ.j2"), "x").unwrap();
    let err = TemplateSet::with_overrides(dir.path()).unwrap_err().to_string();
    assert!(err.contains("no template is called `pssr.typ.j2`"), "{err}");
}

#[test]
fn an_override_replaces_one_template_and_keeps_the_others() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("service-agreement.typ.j2"), "Custom {{ case.case_id }}").unwrap();
    let set = TemplateSet::with_overrides(dir.path()).unwrap();
    assert_eq!(set.get("service-agreement.typ.j2"), Some("Custom {{ case.case_id }}"));
    assert_eq!(set.get("psr.typ.j2"), TemplateSet::embedded().get("psr.typ.j2"));
    assert_ne!(set.digest(), TemplateSet::embedded().digest());
}

#[test]
fn a_broken_template_fails_at_startup_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("psr.typ.j2"), "{% if %}").unwrap();
    let set = TemplateSet::with_overrides(dir.path()).unwrap();
    let err = Renderer::new(&set, ServiceView::default()).err().unwrap().to_string();
    assert!(err.starts_with("template `psr.typ.j2`"), "{err}");
}

#[test]
fn todo_markers_are_found_in_generated_source() {
    let source = r#"a #todo("gender"); b #todo("a \"quoted\" label"); #todo("gender");"#;
    assert_eq!(super::todo_labels(source), ["gender", "a \"quoted\" label", "gender"]);
}
