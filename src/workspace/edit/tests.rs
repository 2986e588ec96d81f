use serde_json::json;

use super::*;
use crate::documents::DocumentKind;
use crate::workspace::forms::section;

fn psr(slug: &str) -> &'static Section {
    section(DocumentKind::Psr, slug).unwrap()
}

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

#[test]
fn a_section_round_trips_through_its_form_values() {
    let mut case = json!({"case_id": "X", "psr": {"introduction": "Hello", "sources": ["a", "b"], "custody_strong_possibility": true}});
    let values = values(&case, psr("about"));
    assert_eq!(values["psr.introduction"], "Hello");
    assert_eq!(values["psr.sources"], "a\nb");
    assert_eq!(values["psr.custody_strong_possibility"], "true");
    let before = case.clone();
    apply(&mut case, psr("about"), &values).unwrap();
    assert_eq!(case, before);
}

#[test]
fn empty_fields_are_removed_and_empty_groups_go_with_them_but_the_document_stays() {
    let mut case = json!({"case_id": "X", "psr": {"signed": {"name": "A", "date": "2026-11-01"}}});
    let form = from_form(psr("signature"), &pairs(&[("psr.signed.name", " "), ("psr.signed.date", "")]));
    apply(&mut case, psr("signature"), &form).unwrap();
    assert_eq!(case, json!({"case_id": "X", "psr": {}}));
}

#[test]
fn text_areas_lose_carriage_returns_and_lines_lose_blank_lines() {
    let form = from_form(
        psr("about"),
        &pairs(&[("psr.introduction", "One\r\nTwo\r\n\r\n"), ("psr.sources", "a\r\n\r\n  b  \r\n")]),
    );
    assert_eq!(form["psr.introduction"], "One\nTwo");
    assert_eq!(form["psr.sources"], "a\nb");
    assert_eq!(form["psr.custody_strong_possibility"], "", "an unticked box is not posted");
}

#[test]
fn bad_dates_numbers_and_choices_are_named_beside_their_fields() {
    let mut case = json!({"case_id": "X", "psr": {}});
    let form = from_form(
        psr("proposal"),
        &pairs(&[
            ("psr.proposal.sentence", "hanging"),
            ("psr.proposal.length_months", "twelve"),
            ("psr.discussed_with_child_and_carer", "1/12/2026"),
        ]),
    );
    let errors = apply(&mut case, psr("proposal"), &form).unwrap_err();
    assert_eq!(errors["psr.proposal.sentence"], "choose one of the options");
    assert_eq!(errors["psr.proposal.length_months"], "twelve is not a whole number");
    assert_eq!(
        errors["psr.discussed_with_child_and_carer"],
        "1/12/2026: expected a date as YYYY-MM-DD, e.g. 2012-05-19"
    );
}

#[test]
fn rows_are_renumbered_and_blank_rows_dropped() {
    let plan = section(DocumentKind::InterventionPlan, "plan").unwrap();
    let form = from_form(
        plan,
        &pairs(&[
            ("intervention_plan.targets[0].target", ""),
            ("intervention_plan.targets[3].target", "Go to school"),
            ("intervention_plan.targets[3].by_when", "2027-01-31"),
            ("intervention_plan.targets[7].target", ""),
        ]),
    );
    assert_eq!(form["intervention_plan.targets[0].target"], "Go to school");
    assert!(!form.contains_key("intervention_plan.targets[1].target"));
    let mut case = json!({"case_id": "X", "intervention_plan": {}});
    apply(&mut case, plan, &form).unwrap();
    assert_eq!(
        case["intervention_plan"]["targets"],
        json!([{"target": "Go to school", "by_when": "2027-01-31"}])
    );
}

#[test]
fn a_merge_takes_each_side_where_only_it_changed_and_reports_where_both_did() {
    let v = |items: &[(&str, &str)]| {
        items.iter().map(|(k, v)| (format!("psr.offence_analysis.{k}"), v.to_string())).collect::<Values>()
    };
    let base = v(&[("seriousness", "1"), ("basis_of_plea", "1"), ("victims", "1")]);
    let saved = v(&[("seriousness", "2"), ("basis_of_plea", "1"), ("victims", "3")]);
    let yours = v(&[("seriousness", "1"), ("basis_of_plea", "2"), ("victims", "4")]);
    let (merged, conflicts) = merge(psr("offence"), &base, &saved, &yours);
    assert_eq!(merged["psr.offence_analysis.seriousness"], "2", "changed only in the file");
    assert_eq!(merged["psr.offence_analysis.basis_of_plea"], "2", "changed only by the writer");
    assert_eq!(
        conflicts,
        [Conflict {
            name: "psr.offence_analysis.victims".into(),
            saved: "3".into(),
            yours: "4".into(),
            rows: None
        }]
    );
}

#[test]
fn a_table_merges_by_row_and_a_row_both_changed_shows_both_versions() {
    let plan = section(DocumentKind::InterventionPlan, "plan").unwrap();
    let v = |rows: &[(&str, &str)]| {
        let mut out = Values::new();
        for (i, (target, when)) in rows.iter().enumerate() {
            out.insert(format!("intervention_plan.targets[{i}].target"), target.to_string());
            out.insert(format!("intervention_plan.targets[{i}].by_when"), when.to_string());
        }
        out
    };
    let base = v(&[("School", "2027-01-31"), ("Football", "")]);
    // The file gained a row; the writer added one too: both kept.
    let (merged, conflicts) = merge(
        plan,
        &base,
        &v(&[("School", "2027-01-31"), ("Football", ""), ("Saved row", "")]),
        &v(&[("School", "2027-01-31"), ("Football", ""), ("My row", "")]),
    );
    assert!(conflicts.is_empty());
    assert_eq!(merged["intervention_plan.targets[2].target"], "Saved row");
    assert_eq!(merged["intervention_plan.targets[3].target"], "My row");
    // Both changed the first row's target: the writer's row, with the saved one beside it.
    let (merged, conflicts) = merge(
        plan,
        &base,
        &v(&[("School every day", "2027-01-31"), ("Football", "")]),
        &v(&[("School, and college visit", "2027-01-31"), ("Football", "")]),
    );
    assert_eq!(merged["intervention_plan.targets[0].target"], "School, and college visit");
    assert_eq!(conflicts.len(), 1);
    assert_eq!(conflicts[0].name, "intervention_plan.targets");
    assert!(conflicts[0].saved.contains("School every day"), "{}", conflicts[0].saved);
    assert_eq!(conflicts[0].rows.as_ref().unwrap().yours, 0..1);
}

#[test]
fn an_ndjson_case_is_replaced_on_its_own_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cases.jsonl");
    std::fs::write(&file, "{\"case_id\":\"A\",\"x\":1}\n{\"case_id\":\"B\",\"x\":2}\n").unwrap();
    let cf = CaseFile::read(&file, "B").unwrap();
    let mut case = cf.case.clone();
    case["x"] = json!(3);
    let bytes = cf.with_case(&case).unwrap();
    assert_eq!(
        String::from_utf8(bytes).unwrap(),
        "{\"case_id\":\"A\",\"x\":1}\n{\"case_id\":\"B\",\"x\":3}\n"
    );
}

#[test]
fn an_object_file_keeps_its_key_order() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("case.json");
    std::fs::write(&file, "{\n  \"schema\": \"s\",\n  \"case_id\": \"A\",\n  \"child\": {}\n}\n").unwrap();
    let cf = CaseFile::read(&file, "A").unwrap();
    assert_eq!(cf.with_case(&cf.case).unwrap(), cf.bytes);
}

#[test]
fn a_missing_field_error_points_at_the_field() {
    assert_eq!(
        field_of_error(psr("proposal"), "psr.proposal", "missing field `sentence`").as_deref(),
        Some("psr.proposal.sentence")
    );
    assert_eq!(
        field_of_error(psr("signature"), "psr.signed.date", "bad date").as_deref(),
        Some("psr.signed.date")
    );
    assert_eq!(field_of_error(psr("signature"), "child.first_name", "x"), None);
}
