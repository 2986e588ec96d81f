//! Issue 29 item 2: disposals come from a catalogue. A 2027/28-style
//! catalogue with a new code, named in the config, is followed by every
//! rule (the assessment due after a court sentence, the intervention
//! level's contacts), form (the schema, the PSR's proposal), paper and
//! board figure; and a case naming a disposal the catalogue lacks fails to
//! load with the catalogue's entries named.

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;

use common::*;

fn casepress(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_casepress")).args(args).current_dir(dir).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A new court sentence, as a 2027/28 schema might add one.
const NEW_ENTRY: &str = r#"
[[disposal]]
key = "youth_community_sentence"
name = "Youth Community Sentence"
cld_code = "YCS27"
court_sentence = true
psr = true
post_order_assessment = true
contact = "scaled_approach"
plan = "intervention"
answers_to = "court"
"#;

/// A service folder: five children on the new sentence from 3 August
/// 2026, and a config naming the 2027/28 catalogue (the built-in one, as
/// `casepress disposals` prints it, and the new entry).
fn service(dir: &Path) {
    let (code, built_in, said) = casepress(dir, &["disposals"]);
    assert_eq!(code, 0, "{said}");
    assert!(
        built_in.contains("key = \"outcome_23\"") && built_in.contains("key = \"turnaround\""),
        "{built_in}"
    );
    fs::write(dir.join("disposals-2027.toml"), format!("{built_in}{NEW_ENTRY}")).unwrap();
    fs::write(
        dir.join("casepress.toml"),
        "[paths]\ncases = [\"cases\"]\noutput = \"out\"\n\n[disposals]\ncatalogue = \"disposals-2027.toml\"\n",
    )
    .unwrap();
    fs::create_dir_all(dir.join("cases")).unwrap();
    for n in 1..=5 {
        let mut case = minimal_json(&format!("NEW-{n}"));
        case["order"] = serde_json::json!({"type": "youth_community_sentence", "start_date": "2026-08-03",
            "end_date": "2027-08-02"});
        case["assessment"] = serde_json::json!({"date": "2026-08-05",
            "intervention_level": {"level": "intensive", "agreed_by": "Declan Hughes", "agreed_date": "2026-08-06"},
            "reoffending": "low", "serious_harm": "low", "safety_wellbeing": "low"});
        fs::write(dir.join(format!("cases/new-{n}.json")), case.to_string()).unwrap();
    }
}

#[test]
fn a_catalogue_with_a_new_code_is_followed_by_every_rule_form_paper_and_figure() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    service(dir);

    // The rules: an assessment is due after it, and it is banded.
    let (_, text, said) = casepress(dir, &["check", "cases", "--today", "2026-11-23"]);
    assert!(text.contains("NEW-1  Sam Lee"), "{text}{said}");
    assert!(text.contains("met      assessment within 15 working days of the order"), "{text}");
    assert!(
        text.contains(
            "Intervention      Intensive (practitioner's judgement, agreed by Declan Hughes on 6 August 2026): 8 a month"
        ),
        "{text}"
    );

    // The forms: the schema lists it.
    let (code, schema, said) = casepress(dir, &["schema", "--config", "casepress.toml"]);
    assert_eq!(code, 0, "{said}");
    assert!(schema.contains("\"youth_community_sentence\""), "{schema}");
    assert!(schema.contains("youth_community_sentence (Youth Community Sentence)"), "{schema}");

    // The papers: its name, and who the child answers to.
    let (code, said, err) = casepress(
        dir,
        &["render", "cases/new-1.json", "--kind", "service-agreement", "--date", "2026-11-23"],
    );
    assert_eq!(code, 0, "{said}{err}");
    let pdf = files_under(&dir.join("out"))
        .into_iter()
        .find(|p| {
            p.to_string_lossy().contains("service-agreement") && p.extension().is_some_and(|e| e == "pdf")
        })
        .expect("a service agreement");
    let paper = squash(&pdf_text(&pdf));
    assert!(paper.contains(&squash("Youth Community Sentence, from 3 August 2026")), "{paper}");
    assert!(paper.contains(&squash("the court")), "{paper}");

    // The board: a row of its own, and the sentences' figures count it.
    let (code, said, err) = casepress(dir, &["board", "--quarter", "2026-Q2", "--today", "2026-11-23"]);
    assert_eq!(code, 0, "{said}{err}");
    let csv = fs::read_to_string(dir.join("out/board/2026-Q2/figures.csv")).unwrap();
    let row = |id: &str| -> Vec<String> {
        csv.lines()
            .find(|l| l.starts_with(&format!("{id},")))
            .unwrap_or_else(|| panic!("no {id} in\n{csv}"))
            .split(',')
            .map(str::to_owned)
            .collect()
    };
    let new = row("new.youth_community_sentence");
    assert_eq!((new[2].as_str(), new[3].as_str()), ("New: Youth Community Sentence", "5"), "{new:?}");
    assert_eq!(
        row("assessment.on_time")[3..5],
        ["5".to_owned(), "5".to_owned()],
        "all five assessed on time"
    );
    assert_eq!(row("custody.share")[4], "5", "five new sentences, none custodial");
}

#[test]
fn an_unknown_disposal_names_the_catalogues_entries() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    service(dir);
    // Without the service's config, the built-in catalogue lacks the new code.
    fs::remove_file(dir.join("casepress.toml")).unwrap();
    let (code, text, said) = casepress(dir, &["check", "cases/new-1.json", "--today", "2026-11-23"]);
    let all = format!("{text}{said}");
    assert_ne!(code, 0, "{all}");
    assert!(all.contains("at `order.type`: unknown disposal `youth_community_sentence`"), "{all}");
    assert!(
        all.contains("expected one of the catalogue's `referral_order`, `youth_rehabilitation_order`"),
        "{all}"
    );
    assert!(all.contains("`outcome_22`, `outcome_23`, `youth_diversion_order`, `turnaround`"), "{all}");
}

#[test]
fn a_bad_catalogue_is_named_with_what_is_wrong() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    service(dir);
    fs::write(dir.join("disposals-2027.toml"), format!("{NEW_ENTRY}{NEW_ENTRY}")).unwrap();
    let (code, text, said) = casepress(dir, &["check", "cases", "--today", "2026-11-23"]);
    assert_eq!(code, 2, "{text}{said}");
    assert!(
        said.contains("disposals-2027.toml: disposal key `youth_community_sentence` appears twice"),
        "{said}"
    );
}

#[test]
fn the_childs_plan_gives_the_courts_requirements_in_a_childs_words() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::create_dir(dir.join("cases")).unwrap();
    fs::copy(samples().join("cases/yro-custody-possible.json"), dir.join("cases/jay.json")).unwrap();
    let (code, said, err) = casepress(
        dir,
        &["render", "cases", "--kind", "intervention-plan", "--date", "2026-11-23", "--out", "out"],
    );
    assert_eq!(code, 0, "{said}{err}");
    let pdf = files_under(&dir.join("out"))
        .into_iter()
        .find(|p| p.extension().is_some_and(|e| e == "pdf"))
        .expect("a plan");
    let plan = squash(&pdf_text(&pdf));
    for child in [
        "You must be at home between 7pm and 7am.",
        "You must not go into Kingsway Park.",
        "You must come to your bail support meetings twice a week.",
    ] {
        assert!(plan.contains(&squash(child)), "{child}: {plan}");
    }
    assert!(!plan.contains("Curfew19:00"), "the court's wording is not the child's: {plan}");
}
