//! `casepress check`: the rules' report as text and JSON, and its exit code.

mod common;

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use common::*;

fn check(dir: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["check", "cases", "--today", "2026-11-23"];
    args.extend_from_slice(extra);
    Command::new(env!("CARGO_BIN_EXE_casepress")).args(&args).current_dir(dir).output().unwrap()
}

fn write_case(dir: &Path, name: &str, json: serde_json::Value) {
    fs::create_dir_all(dir.join("cases")).unwrap();
    fs::write(dir.join("cases").join(name), json.to_string()).unwrap();
}

#[test]
fn a_clean_case_exits_0_and_lists_its_forms_and_due_dates() {
    let tmp = tempfile::tempdir().unwrap();
    let mut j = minimal_json("OK-1");
    j["mappa"] = serde_json::json!({"category": 2, "level": 1, "notified_date": "2026-11-02"});
    j["risk_meetings"] = serde_json::json!(["2026-11-10"]);
    write_case(tmp.path(), "ok.json", j);
    let out = check(tmp.path(), &[]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("OK-1  Sam Lee, 16"), "{text}");
    assert!(text.contains("mappa-h  required  sent 2026-11-02"), "{text}");
    assert!(
        text.contains(
            "2026-12-10  due      next monthly Risk and Vulnerability Management Meeting (Youth Justice Service practice standards, risk and vulnerability management meetings)"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "Checked 1 case on 2026-11-23: 1 form required, 0 missing; 0 overdue, 1 due; 0 invalid"
        ),
        "{text}"
    );
}

#[test]
fn category_3_at_level_1_and_an_overdue_deadline_exit_1() {
    let tmp = tempfile::tempdir().unwrap();
    let mut j = minimal_json("BAD-1");
    j["mappa"] = serde_json::json!({"category": 3, "level": 1});
    j["order"] = serde_json::json!({"type": "youth_rehabilitation_order", "start_date": "2026-10-01"});
    write_case(tmp.path(), "bad.json", j);
    let out = check(tmp.path(), &[]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("INVALID MAPPA category 3 is never managed at level 1"), "{text}");
    assert!(text.contains("2026-10-22  OVERDUE  assessment within 15 working days of the order"), "{text}");
    assert!(text.contains("mappa-h  required  MISSING"), "{text}");
}

#[test]
fn json_output_is_valid_and_complete() {
    let tmp = tempfile::tempdir().unwrap();
    let mut j = minimal_json("J-1");
    j["pprc"] =
        serde_json::json!({"criteria_met": true, "risk_identified": true, "discussion_date": "2026-11-01"});
    write_case(tmp.path(), "j.json", j);
    fs::write(tmp.path().join("cases/broken.json"), "{").unwrap();
    let out = check(tmp.path(), &["--json"]);
    assert_eq!(out.status.code(), Some(1), "a case that fails to load needs action");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["summary"]["cases"], 1);
    assert_eq!(report["summary"]["load_errors"], 1);
    assert_eq!(report["summary"]["forms_missing"], 1);
    let forms = report["cases"][0]["facts"]["forms"].as_array().unwrap();
    let pprc2 = forms.iter().find(|f| f["form"] == "pprc-2").unwrap();
    assert_eq!(pprc2["required"], true);
    assert!(report["errors"][0].as_str().unwrap().contains("broken.json"));
}

#[test]
fn the_samples_check_cleanly_apart_from_what_they_show() {
    let out = Command::new(env!("CARGO_BIN_EXE_casepress"))
        .args([
            "check",
            "samples/cases",
            "--today",
            "2026-11-23",
            "--config",
            "samples/casepress.toml",
            "--json",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["summary"]["load_errors"], 0);
    assert_eq!(report["summary"]["invalid"], 0, "the shipped samples hold no invalid MAPPA combination");
    assert!(report["summary"]["cases"].as_u64().unwrap() >= 8);
}

#[test]
fn jargon_and_hard_sentences_in_what_a_child_reads_are_found_with_plain_words() {
    let tmp = tempfile::tempdir().unwrap();
    let mut j = minimal_json("PLAIN-1");
    j["intervention_plan"] = serde_json::json!({
        "targets": [{"target": "Stay safe at home", "actions": "Your MAPPA level 2 meetings and reparation at the park"}],
        "keep_safe": ["Participation in structured consequential-thinking interventions facilitating desistance and accountability"],
        "child_views": "I think MAPPA is unfair and the consequential stuff is rubbish"
    });
    write_case(tmp.path(), "plain.json", j);
    let out = check(tmp.path(), &[]);
    let text = String::from_utf8(out.stdout).unwrap();
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        text.contains(
            "intervention_plan.targets[0].actions (what the child reads): \"MAPPA\" is a professionals' word"
        ),
        "{text}"
    );
    assert!(
        text.contains("\"reparation\" is a professionals' word: say \"work to put things right\""),
        "{text}"
    );
    assert!(text.contains("intervention_plan.keep_safe[0] (what the child reads): reads at grade"), "{text}");
    assert!(!text.contains("child_views"), "the child's own words are theirs: {text}");
}
