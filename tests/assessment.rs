//! Issue 29 item 1: AssetPlus first, ASSET as legacy. A hand-written
//! AssetPlus case (no ASSET score; the level the practitioner's judgement,
//! agreed by a manager) loads, and its papers and `check` say where the
//! level came from; a legacy score still sets a level, and a recorded level
//! that disagrees with it is found.

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;

use common::*;

fn casepress(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_casepress")).args(args).current_dir(dir).output().unwrap();
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap_or(-1), said)
}

/// Jay's sample case on a referral order, with `assessment` as given.
fn write_case(dir: &Path, assessment: serde_json::Value) {
    let mut case: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(samples().join("cases/referral-order.json")).unwrap())
            .unwrap();
    case["assessment"] = assessment;
    fs::create_dir_all(dir.join("cases")).unwrap();
    fs::write(dir.join("cases/case.json"), serde_json::to_string_pretty(&case).unwrap()).unwrap();
}

fn pdf_of(out: &Path, kind: &str) -> String {
    let pdf = files_under(out)
        .into_iter()
        .find(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            name.contains(&format!("_{kind}_")) && name.ends_with(".pdf")
        })
        .unwrap_or_else(|| panic!("no {kind} under {}", out.display()));
    squash(&pdf_text(&pdf))
}

#[test]
fn a_hand_written_assetplus_case_prints_the_agreed_judgement() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    // As a practitioner on AssetPlus would write it: no ASSET score at all.
    write_case(
        dir,
        serde_json::json!({
            "tool": "AssetPlus", "date": "2026-10-09",
            "intervention_level": {"level": "enhanced", "agreed_by": "Declan Hughes", "agreed_date": "2026-10-12"},
            "reoffending": "low", "serious_harm": "low", "safety_wellbeing": "medium", "countersigned": "2026-10-12"
        }),
    );
    let (code, text) = casepress(dir, &["check", "cases", "--today", "2026-11-23"]);
    assert!(code <= 1, "{text}");
    assert!(
        text.contains(
            "Intervention      Enhanced (practitioner's judgement, agreed by Declan Hughes on 12 October 2026): 4 a month for the first 3 months, then 2"
        ),
        "{text}"
    );
    assert!(!text.contains("intervention level"), "no finding on an agreed level: {text}");

    let out = dir.join("out");
    let (code, said) = casepress(
        dir,
        &[
            "render",
            "cases",
            "--kind",
            "risk-summary",
            "--date",
            "2026-11-23",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{said}");
    let risk = pdf_of(&out, "risk-summary");
    assert!(
        risk.contains(&squash(
            "Intervention level: Enhanced (practitioner's judgement, agreed by Declan Hughes on 12 October 2026): 4 contacts a month"
        )),
        "{risk}"
    );
    assert!(!risk.contains("ASSETscore"), "no score was recorded: {risk}");
}

#[test]
fn a_legacy_asset_score_sets_the_level_and_a_disagreeing_judgement_is_found() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write_case(
        dir,
        serde_json::json!({
            "tool": "ASSET", "date": "2026-10-09", "asset_score": 27,
            "reoffending": "low", "serious_harm": "low", "safety_wellbeing": "medium", "countersigned": "2026-10-12"
        }),
    );
    let (_, text) = casepress(dir, &["check", "cases", "--today", "2026-11-23"]);
    assert!(text.contains("Intervention      Enhanced (from ASSET score 27): 4 a month"), "{text}");

    write_case(
        dir,
        serde_json::json!({
            "tool": "ASSET", "date": "2026-10-09", "asset_score": 36,
            "intervention_level": {"level": "enhanced"},
            "reoffending": "low", "serious_harm": "low", "safety_wellbeing": "medium", "countersigned": "2026-10-12"
        }),
    );
    let (_, text) = casepress(dir, &["check", "cases", "--today", "2026-11-23"]);
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        text.contains(
            "intervention level recorded as Enhanced but ASSET score 36 gives Intensive under the Scaled Approach table"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "intervention level Enhanced is the practitioner's judgement: record the manager who agreed it"
        ),
        "{text}"
    );
}

#[test]
fn an_assessment_with_no_level_on_a_court_order_is_found() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write_case(
        dir,
        serde_json::json!({
            "date": "2026-10-09",
            "reoffending": "low", "serious_harm": "low", "safety_wellbeing": "medium", "countersigned": "2026-10-12"
        }),
    );
    let (_, text) = casepress(dir, &["check", "cases", "--today", "2026-11-23"]);
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(text.contains("Intervention not recorded"), "{text}");
    assert!(text.contains("no intervention level: record the practitioner's judgement"), "{text}");
}
