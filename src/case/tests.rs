use std::path::Path;

use super::*;

const MINIMAL: &str = r#"{
  "schema": "casepress/case/v1",
  "case_id": "T-1",
  "child": {"first_name": "Sam", "last_name": "Lee", "date_of_birth": "2010-03-21"},
  "case_manager": {"name": "Ann Case"},
  "team": "North"
}"#;

fn one(text: &str, name: &str) -> Result<LoadedCase, CaseError> {
    let mut all = parse_bytes(text.as_bytes(), Path::new(name));
    assert_eq!(all.len(), 1);
    all.remove(0)
}

#[test]
fn loads_a_minimal_case() {
    let loaded = one(MINIMAL, "a.json").unwrap();
    assert_eq!(loaded.case.case_id.as_str(), "T-1");
    assert_eq!(loaded.line, 1);
}

#[test]
fn a_wrong_date_names_file_line_column_and_json_path() {
    let text = MINIMAL.replace("2010-03-21", "2010-13-21");
    let err = one(&text, "cases/a.json").unwrap_err();
    assert_eq!(err.json_path.as_deref(), Some("child.date_of_birth"));
    assert_eq!(err.line, Some(4));
    assert!(err.to_string().starts_with("cases/a.json:4:"), "{err}");
    assert!(err.message.contains("input is out of range") || err.message.contains("premature"), "{err}");
}

#[test]
fn a_misspelt_field_suggests_the_nearest_known_one() {
    let text = MINIMAL.replace("\"team\"", "\"teem\"");
    let err = one(&text, "a.json").unwrap_err();
    assert!(err.message.contains("did you mean `team`?"), "{err}");
}

#[test]
fn a_duplicate_key_is_rejected_not_silently_overwritten() {
    let text = MINIMAL.replace("\"team\": \"North\"", "\"team\": \"North\", \"team\": \"South\"");
    let err = one(&text, "a.json").unwrap_err();
    assert!(err.message.contains("duplicate field `team`"), "{err}");
}

#[test]
fn an_unsafe_case_id_is_rejected_before_it_becomes_a_folder() {
    let err = one(&MINIMAL.replace("T-1", "../etc"), "a.json").unwrap_err();
    assert_eq!(err.json_path.as_deref(), Some("case_id"));
    assert!(err.message.contains("invalid case_id"), "{err}");
}

#[test]
fn an_asset_score_over_64_is_rejected() {
    let text = MINIMAL.replace(
        "\"team\": \"North\"",
        r#""team": "North", "assessment": {"date": "2026-01-05", "asset_score": 65, "reoffending": "low", "serious_harm": "low", "safety_wellbeing": "low"}"#,
    );
    let err = one(&text, "a.json").unwrap_err();
    assert_eq!(err.json_path.as_deref(), Some("assessment.asset_score"));
    assert!(err.message.contains("expected 0 to 64"), "{err}");
}

#[test]
fn in_an_array_one_bad_case_fails_alone_with_its_index_and_line() {
    let bad = MINIMAL.replace("T-1", "T-2").replace("\"Sam\"", "42");
    let text = format!("[\n{MINIMAL},\n{bad}\n]");
    let all = parse_bytes(text.as_bytes(), Path::new("many.json"));
    assert_eq!(all.len(), 2);
    assert!(all[0].is_ok());
    let err = all[1].as_ref().unwrap_err();
    assert_eq!(err.json_path.as_deref(), Some("[1].child.first_name"));
    assert_eq!(err.line, Some(12), "{err}");
}

#[test]
fn ndjson_is_one_case_per_line() {
    let line = MINIMAL.replace('\n', " ");
    let text = format!("{line}\n\n{}\nnot json\n", line.replace("T-1", "T-2"));
    let all = parse_bytes(text.as_bytes(), Path::new("x.ndjson"));
    assert_eq!(all.len(), 3);
    assert_eq!(all[1].as_ref().unwrap().line, 3);
    assert_eq!(all[2].as_ref().unwrap_err().line, Some(4));
}

#[test]
fn malformed_json_is_an_error_not_a_panic() {
    for text in ["", "{", "[1,", "{\"schema\": }", "\u{0}", "[[[[[[", "null", "42"] {
        let all = parse_bytes(text.as_bytes(), Path::new("bad.json"));
        assert!(all.iter().all(Result::is_err), "{text:?}");
    }
}

#[test]
fn a_byte_order_mark_is_reported_clearly() {
    let text = format!("\u{feff}{MINIMAL}");
    let err = one(&text, "bom.json").unwrap_err();
    assert!(err.message.contains("byte-order mark"), "{err}");
}

#[test]
fn the_schema_documents_fields() {
    let schema = json_schema().to_string();
    assert!(schema.contains("Case identifier; becomes the case folder name."));
    assert!(schema.contains("very_high"));
}

#[test]
fn issue_12_14_ids_that_differ_only_in_letter_case_are_one_id() {
    let tmp = tempfile::tempdir().unwrap();
    let case = |id: &str| {
        format!(
            r#"{{"schema": "casepress/case/v1", "case_id": "{id}", "child": {{"first_name": "A", "last_name": "B", "date_of_birth": "2010-01-01"}}, "case_manager": {{"name": "W"}}, "team": "T"}}"#
        )
    };
    std::fs::write(tmp.path().join("cases.ndjson"), format!("{}\n{}\n", case("NYJS-1"), case("nyjs-1")))
        .unwrap();
    let load = super::Caseload::load(&[tmp.path().to_owned()]).unwrap();
    assert_eq!(load.cases.len(), 1);
    assert_eq!(load.failures.len(), 1);
    assert!(load.failures[0].reason.contains("case_id `nyjs-1` is also in"), "{}", load.failures[0].reason);
    assert!(load.failures[0].reason.contains("as `NYJS-1`"), "{}", load.failures[0].reason);
}

#[test]
fn array_elements_report_their_own_lines() {
    let text = "[\n{\"case_id\": 1},\n\n{\"case_id\": 2}\n]";
    let results = super::parse_bytes(text.as_bytes(), Path::new("a.json"));
    let lines: Vec<_> = results.iter().map(|r| r.as_ref().unwrap_err().line).collect();
    assert_eq!(lines, [Some(2), Some(4)]);
}

#[test]
fn one_malformed_case_in_an_array_fails_alone() {
    let good = |id: &str| MINIMAL.replace("T-1", id);
    let bad = "{\n  schema: \"casepress/case/v1\"\n}";
    let text =
        format!("[\n{},\n{},\n{},\n{bad},\n{}\n]\n", good("A-1"), good("A-2"), good("A-3"), good("A-5"));
    let all = parse_bytes(text.as_bytes(), Path::new("arr.json"));
    assert_eq!(all.len(), 5);
    let ids: Vec<&str> =
        all.iter().filter_map(|r| r.as_ref().ok()).map(|c| c.case.case_id.as_str()).collect();
    assert_eq!(ids, ["A-1", "A-2", "A-3", "A-5"]);
    let err = all[3].as_ref().unwrap_err();
    assert_eq!(err.json_path.as_deref(), Some("[3]"));
    assert!(err.message.contains("malformed JSON: key must be a string"), "{}", err.message);
    assert_eq!(err.line, Some(24), "the line of the bad key in the file");
    // A comma too many is one failure, not the whole file's.
    let trailing = format!("[{}, {},]", good("B-1"), good("B-2"));
    let all = parse_bytes(trailing.as_bytes(), Path::new("t.json"));
    assert_eq!(all.iter().filter(|r| r.is_ok()).count(), 2);
    assert!(all[2].as_ref().unwrap_err().message.contains("a comma too many"));
    // Brackets that never close: one error for the file.
    assert_eq!(parse_bytes(b"[{\"a\": [1, 2}", Path::new("u.json")).len(), 1);
}

#[test]
fn utf16_json_is_refused_as_utf16() {
    let utf16 = |big: bool| -> Vec<u8> {
        let mut out = if big { vec![0xFE, 0xFF] } else { vec![0xFF, 0xFE] };
        for unit in MINIMAL.encode_utf16() {
            out.extend(if big { unit.to_be_bytes() } else { unit.to_le_bytes() });
        }
        out
    };
    for (bytes, which) in [
        (utf16(true), "big-endian"),
        (utf16(false), "little-endian"),
        (utf16(true)[2..].to_vec(), "big-endian"),
    ] {
        let err = one_bytes(&bytes).unwrap_err();
        assert_eq!(
            err.message,
            format!("the file is UTF-16 ({which}): expected UTF-8 JSON (re-save it as UTF-8)")
        );
    }
}

fn one_bytes(bytes: &[u8]) -> Result<LoadedCase, CaseError> {
    let mut all = parse_bytes(bytes, Path::new("u16.json"));
    assert_eq!(all.len(), 1);
    all.remove(0)
}

#[test]
fn a_case_whose_values_are_each_within_limits_but_too_much_together_is_refused_before_rendering() {
    // 500 offences of 1,100 characters: every value and list within its
    // limit, 550,000 characters in all.
    let offences: Vec<String> = (0..500)
        .map(|_| format!(r#"{{"date": "2026-01-02", "description": "{}"}}"#, "x".repeat(1_100)))
        .collect();
    let text = MINIMAL.replace(
        "\"team\": \"North\"",
        &format!("\"team\": \"North\", \"offences\": [{}]", offences.join(",")),
    );
    let err = one(&text, "big.json").unwrap_err();
    assert!(
        err.message.starts_with("the case holds 555")
            && err.message.contains("expected at most 500000 (limits.max_case_chars"),
        "{}",
        err.message
    );
}
