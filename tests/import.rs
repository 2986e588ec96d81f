//! `casepress import`: the two sample mappings end to end (import, `check`
//! passes, a second import changes nothing), a re-import after the writer's
//! work, and the spreadsheet quirks one by one.

mod common;
#[path = "support/extracts.rs"]
mod extracts;
#[path = "support/hostile_workbooks.rs"]
mod hostile_workbooks;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use casepress::config::Config;
use casepress::import::{ImportOptions, ImportReport, Outcome, import};
use serde_json::Value;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_casepress"))
}

fn import_dir() -> PathBuf {
    common::samples().join("import")
}

/// The committed samples are what the generator makes (or are rewritten
/// by it with `CASEPRESS_UPDATE_SAMPLES=1`).
#[test]
fn samples_are_current() {
    let update = std::env::var_os("CASEPRESS_UPDATE_SAMPLES").is_some();
    let children = extracts::children(200);
    for (name, bytes) in extracts::childview(&children) {
        let path = import_dir().join("childview").join(name);
        if update {
            fs::write(&path, &bytes).unwrap();
        }
        assert_eq!(fs::read(&path).unwrap(), bytes, "{name} is not what the generator makes");
    }
    let (name, bytes) = extracts::yois(&children[..30]);
    let path = import_dir().join("yois").join(name);
    if update {
        fs::write(&path, &bytes).unwrap();
    }
    assert_eq!(fs::read(&path).unwrap(), bytes, "{name} is not what the generator makes");
    let tmp = tempfile::tempdir().unwrap();
    let made = tmp.path().join("Youth_Extract.xlsx");
    extracts::caredirector(&children[..24], &made);
    let path = import_dir().join("caredirector").join("Youth_Extract.xlsx");
    if update {
        fs::copy(&made, &path).unwrap();
    }
    assert!(path.exists());
}

fn config_in(root: &Path) -> PathBuf {
    let text = fs::read_to_string(common::samples().join("casepress.toml"))
        .unwrap()
        .replace("output = \"../out\"", "output = \"out\"")
        .replace("sample_inbox = \"inbox\"\n", "");
    let path = root.join("casepress.toml");
    fs::write(&path, text).unwrap();
    path
}

fn run_import(config: &Path, mapping: &Path, extracts: &[PathBuf], out: &Path) -> (i32, String) {
    let o = bin()
        .arg("import")
        .arg("--config")
        .arg(config)
        .arg("--mapping")
        .arg(mapping)
        .args(extracts)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    (o.status.code().unwrap_or(-1), text)
}

fn files_in(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().and_then(|e| e.to_str()) == Some(ext))
        .collect();
    files.sort();
    files
}

#[test]
fn both_sample_mappings_import_and_the_cases_pass_check() {
    for (mapping, count) in [("childview", 200), ("caredirector", 24), ("yois", 30)] {
        let tmp = tempfile::tempdir().unwrap();
        let config = config_in(tmp.path());
        let out = tmp.path().join("cases");
        let dir = import_dir().join(mapping);
        let extracts: Vec<PathBuf> =
            files_in(&dir, "csv").into_iter().chain(files_in(&dir, "xlsx")).collect();
        let (code, text) = run_import(&config, &dir.join("mapping.toml"), &extracts, &out);
        assert_eq!(code, 0, "{mapping}: {text}");
        assert!(text.contains(&format!("{count} created, 0 updated")), "{mapping}: {text}");
        let cases = files_in(&out, "json");
        assert_eq!(cases.len(), count, "{mapping}");
        let check = bin()
            .arg("check")
            .arg(&out)
            .args(["--today", "2026-11-30", "--config"])
            .arg(&config)
            .output()
            .unwrap();
        assert!(
            check.status.success(),
            "{mapping}: check: {}",
            String::from_utf8_lossy(&check.stdout)
                .lines()
                .filter(|l| l.contains("OVERDUE") || l.contains("invalid") || l.contains("error"))
                .take(20)
                .collect::<Vec<_>>()
                .join("\n")
        );
        // Deterministic, and a second import of the same extract changes nothing.
        let before: Vec<Vec<u8>> = cases.iter().map(|c| fs::read(c).unwrap()).collect();
        let (code, text) = run_import(&config, &dir.join("mapping.toml"), &extracts, &out);
        assert_eq!(code, 0, "{text}");
        assert!(text.contains(&format!("0 created, 0 updated, {count} unchanged")), "{text}");
        let after: Vec<Vec<u8>> = cases.iter().map(|c| fs::read(c).unwrap()).collect();
        assert_eq!(before, after);
    }
}

/// Rewrites one cell of a CSV extract (keeping its BOM and CRLF).
fn edit_csv(path: &Path, key: &str, column: &str, value: &str) {
    let bytes = fs::read(path).unwrap();
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(text.as_bytes());
    let mut rows: Vec<Vec<String>> =
        reader.records().map(|r| r.unwrap().iter().map(str::to_owned).collect()).collect();
    let col = rows[0].iter().position(|h| h == column).unwrap();
    let row = rows.iter_mut().find(|r| r[0] == key).unwrap();
    row[col] = value.to_owned();
    let mut w =
        csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(b"\xEF\xBB\xBF".to_vec());
    rows.iter().for_each(|r| w.write_record(r).unwrap());
    fs::write(path, w.into_inner().unwrap()).unwrap();
}

#[test]
fn a_reimport_keeps_every_word_the_writer_wrote_and_reports_the_facts_that_changed() {
    let tmp = tempfile::tempdir().unwrap();
    let config = config_in(tmp.path());
    let out = tmp.path().join("cases");
    let extract = tmp.path().join("extract");
    fs::create_dir(&extract).unwrap();
    let src = import_dir().join("childview");
    for f in files_in(&src, "csv") {
        fs::copy(&f, extract.join(f.file_name().unwrap())).unwrap();
    }
    let csvs = files_in(&extract, "csv");
    let mapping = src.join("mapping.toml");
    assert_eq!(run_import(&config, &mapping, &csvs, &out).0, 0);

    // The writer works on one case: a PSR, a plan, and a preferred name corrected by hand.
    let file = out.join("NYJS-CV004100.json");
    let mut case: Value = serde_json::from_slice(&fs::read(&file).unwrap()).unwrap();
    // Issue 31: the conviction date comes from the case system, for the
    // PSR's age at conviction (a guilty plea convicts; none otherwise).
    let child = &extracts::children(200)[0];
    for (o, want) in case["offences"].as_array().unwrap().iter().zip(&child.offences) {
        let convicted = (want.2 == "G").then(|| child.order_start.format("%Y-%m-%d").to_string());
        assert_eq!(o["conviction_date"].as_str().map(str::to_owned), convicted, "{o}");
    }
    let psr = serde_json::json!({
        "introduction": "Aiden appears for sentence having pleaded guilty.\n\nThis report was prepared after two interviews — one at home.",
        "conclusion": "A community sentence would keep Aiden in education.",
        "sources": ["Interview with Aiden on 12 November 2026"]
    });
    let plan = serde_json::json!({"date": "2026-11-24", "targets": [{"target": "Stay safe when I'm out", "actions": "Weekly sessions", "who": "Priya", "by_when": "2027-02-28"}]});
    case["psr"] = psr.clone();
    case["intervention_plan"] = plan.clone();
    case["child"]["preferred_name"] = Value::String("Aid-the-writer".into());
    fs::write(&file, serde_json::to_vec_pretty(&case).unwrap()).unwrap();

    // The case system moves the hearing, changes the preferred name too, and
    // corrects another child's surname.
    let children = extract.join("YJ_Children_20261130.csv");
    edit_csv(&children, "CV004100", "Next Hearing", "15/01/2027");
    edit_csv(&children, "CV004100", "Known As", "Aidy");
    edit_csv(&children, "CV004101", "Surname", "Brennan-Moss");
    let (code, text) = run_import(&config, &mapping, &csvs, &out);
    assert_eq!(code, 1, "a conflict needs a person: {text}");
    assert!(text.contains("0 created, 2 updated, 198 unchanged, 1 with conflicts, 0 failed"), "{text}");
    assert!(text.contains("court.hearing_date: (nothing) → \"2027-01-15\""), "{text}");
    assert!(text.contains("child.last_name: \"Brennan\" → \"Brennan-Moss\""), "{text}");
    assert!(
        text.contains("CONFLICT child.preferred_name: casepress has \"Aid-the-writer\", the case system now \"Aidy\" (last import \"Aid\")"),
        "{text}"
    );
    let after: Value = serde_json::from_slice(&fs::read(&file).unwrap()).unwrap();
    assert_eq!(after["psr"], psr, "every word of the PSR kept");
    assert_eq!(after["intervention_plan"], plan);
    assert_eq!(
        after["child"]["preferred_name"], "Aid-the-writer",
        "the writer's value stays until a person decides"
    );
    assert_eq!(after["court"]["hearing_date"], "2027-01-15");

    // Again: nothing changes, and the conflict is still reported.
    let (code, text) = run_import(&config, &mapping, &csvs, &out);
    assert_eq!(code, 1);
    assert!(text.contains("0 created, 0 updated, 200 unchanged, 1 with conflicts"), "{text}");
    // The person agrees with the case system: the conflict is gone.
    let mut case = after;
    case["child"]["preferred_name"] = Value::String("Aidy".into());
    fs::write(&file, serde_json::to_vec_pretty(&case).unwrap()).unwrap();
    let (code, text) = run_import(&config, &mapping, &csvs, &out);
    assert_eq!(code, 0, "{text}");
    // Every import is recorded, with what changed.
    let log = fs::read_to_string(tmp.path().join("out/import/imports.jsonl")).unwrap();
    assert_eq!(log.lines().count(), 4);
    assert!(log.lines().nth(1).unwrap().contains("\"court.hearing_date\""));
}

const QUIRK_MAPPING: &str = r#"
[children]
key = "Ref"
[children.fields]
case_id = { column = "Ref", format = "Q-{}" }
"child.first_name" = "First"
"child.last_name" = "Last"
"child.date_of_birth" = "DOB"
"case_manager.name" = "Worker"
team = "Team"
"order.type" = { column = "Order", lookup = "orders" }
"order.start_date" = "Start"
[lookups.orders]
YRO = "youth_rehabilitation_order"
RO = "referral_order"
"#;

const HEADER: &str = "Ref,First,Last,DOB,Worker,Team,Order,Start";

/// Imports one extract with the quirk mapping into a fresh folder.
fn quirk(name: &str, bytes: &[u8]) -> (ImportReport, tempfile::TempDir) {
    let tmp = tempfile::tempdir().unwrap();
    let extract = tmp.path().join(name);
    fs::write(&extract, bytes).unwrap();
    import_quirk(tmp, extract)
}

fn import_quirk(tmp: tempfile::TempDir, extract: PathBuf) -> (ImportReport, tempfile::TempDir) {
    let mapping = tmp.path().join("mapping.toml");
    fs::write(&mapping, QUIRK_MAPPING).unwrap();
    let mut config = Config::default();
    config.paths.output = tmp.path().join("out");
    let opts = ImportOptions {
        mapping,
        extracts: vec![extract],
        out: tmp.path().join("cases"),
        now: chrono::Utc::now(),
    };
    let report = import(&casepress::service::Service::new(config.clone()), &opts).unwrap();
    (report, tmp)
}

fn case_of(tmp: &tempfile::TempDir, id: &str) -> Value {
    serde_json::from_slice(&fs::read(tmp.path().join("cases").join(format!("{id}.json"))).unwrap()).unwrap()
}

fn row(cells: &str) -> String {
    format!("{cells}\r\n")
}

/// (quirk, file name, bytes, case id, JSON pointer, expected value)
type Quirk = (&'static str, &'static str, Vec<u8>, &'static str, &'static str, Value);

#[test]
fn spreadsheets_as_people_make_them_row_by_row() {
    let good = "0042,Sam,Lee,02/03/2011,Priya Natarajan,North Team,YRO,01/11/2026";
    // (quirk, file name, bytes, case id, field, expected value)
    let cases: Vec<Quirk> = vec![
        (
            "UTF-8 with a byte-order mark",
            "a.csv",
            [b"\xEF\xBB\xBF".to_vec(), format!("{}{}", row(HEADER), row(good)).into_bytes()].concat(),
            "Q-0042",
            "/child/first_name",
            "Sam".into(),
        ),
        (
            "UTF-8 without one, LF endings",
            "a.csv",
            format!("{HEADER}\n{good}\n").into_bytes(),
            "Q-0042",
            "/child/last_name",
            "Lee".into(),
        ),
        (
            "Windows-1252",
            "a.csv",
            [
                row(HEADER).into_bytes(),
                b"0042,Sin\xE9ad,O\x92Brien,02/03/2011,Priya Natarajan,North Team,YRO,01/11/2026\r\n"
                    .to_vec(),
            ]
            .concat(),
            "Q-0042",
            "/child/last_name",
            "O’Brien".into(),
        ),
        (
            "CRLF endings",
            "a.csv",
            format!("{}{}", row(HEADER), row(good)).into_bytes(),
            "Q-0042",
            "/team",
            "North Team".into(),
        ),
        (
            "dd/mm/yyyy",
            "a.csv",
            format!("{}{}", row(HEADER), row(good)).into_bytes(),
            "Q-0042",
            "/child/date_of_birth",
            "2011-03-02".into(),
        ),
        (
            "yyyy-mm-dd",
            "a.csv",
            format!("{}{}", row(HEADER), row(&good.replace("02/03/2011", "2011-03-02"))).into_bytes(),
            "Q-0042",
            "/child/date_of_birth",
            "2011-03-02".into(),
        ),
        (
            "an Excel serial number",
            "a.csv",
            format!("{}{}", row(HEADER), row(&good.replace("02/03/2011", "40604"))).into_bytes(),
            "Q-0042",
            "/child/date_of_birth",
            "2011-03-02".into(),
        ),
        (
            "trailing blank rows",
            "a.csv",
            format!("{}{}{}{}", row(HEADER), row(good), row(",,,,,,,"), row("")).into_bytes(),
            "Q-0042",
            "/order/start_date",
            "2026-11-01".into(),
        ),
        (
            "a title row above the header",
            "a.csv",
            format!(
                "{}{}{}",
                row("Northfield YJS: open cases as at 30/11/2026,,,,,,,"),
                row(HEADER),
                row(good)
            )
            .into_bytes(),
            "Q-0042",
            "/child/first_name",
            "Sam".into(),
        ),
        (
            "leading zeros in the id",
            "a.csv",
            format!("{}{}", row(HEADER), row(good)).into_bytes(),
            "Q-0042",
            "/case_id",
            "Q-0042".into(),
        ),
        (
            "a code with a trailing space",
            "a.csv",
            format!("{}{}", row(HEADER), row(&good.replace(",YRO,", ",YRO ,"))).into_bytes(),
            "Q-0042",
            "/order/type",
            "youth_rehabilitation_order".into(),
        ),
        (
            "a value that looks like a formula",
            "a.csv",
            format!(
                "{}{}",
                row(HEADER),
                row(&good.replace(",Lee,", ",\"=HYPERLINK(\"\"http://x.example\"\",\"\"x\"\")\","))
            )
            .into_bytes(),
            "Q-0042",
            "/child/last_name",
            "=HYPERLINK(\"http://x.example\",\"x\")".into(),
        ),
        (
            "two rows for one child that agree",
            "a.csv",
            format!("{}{}{}", row(HEADER), row(good), row(&good.replace(",YRO,", ",,"))).into_bytes(),
            "Q-0042",
            "/order/type",
            "youth_rehabilitation_order".into(),
        ),
    ];
    for (quirk_name, name, bytes, id, pointer, want) in cases {
        let (report, tmp) = quirk(name, &bytes);
        assert!(
            report.failures.is_empty() && report.count(Outcome::Created) == 1,
            "{quirk_name}: {:?}",
            report.failures
        );
        assert_eq!(case_of(&tmp, id).pointer(pointer), Some(&want), "{quirk_name}");
    }
}

#[test]
fn a_bad_row_fails_alone_and_says_where_and_what() {
    let rows = [
        row(HEADER),
        row("0001,Sam,Lee,02/03/2011,Priya Natarajan,North Team,YRO,01/11/2026"),
        row("0002,Ash,Kerr,31/02/2011,Priya Natarajan,North Team,YRO,01/11/2026"),
        row("0003,Jo,Marsh,04/05/2012,Priya Natarajan,North Team,XYZ,01/11/2026"),
        row("0004,Al,Nye,04/05/2012,Priya Natarajan,North Team,YRO,01/11/2026"),
        row("0004,Al,Nye,05/05/2012,Priya Natarajan,North Team,YRO,01/11/2026"),
        row(",No,Key,04/05/2012,Priya Natarajan,North Team,YRO,01/11/2026"),
        row("0005,Bo,Hale,,Priya Natarajan,North Team,YRO,01/11/2026"),
        row("0006,Cy,Ross,04/05/2012,Priya Natarajan,North Team,RO,01/11/2026"),
    ]
    .concat();
    let (report, tmp) = quirk("extract.csv", rows.as_bytes());
    assert_eq!(report.count(Outcome::Created), 2, "{:#?}", report);
    assert!(tmp.path().join("cases/Q-0001.json").exists() && tmp.path().join("cases/Q-0006.json").exists());
    let all: Vec<String> = report
        .failures
        .iter()
        .map(|f| format!("{} ({}): {}", f.place, f.field.clone().unwrap_or_default(), f.message))
        .chain(report.cases.iter().filter_map(|c| c.error.clone()))
        .collect();
    let said = |needle: &str| all.iter().any(|m| m.contains(needle));
    assert!(
        said(
            "extract.csv, row 3, column D \"DOB\" (child.date_of_birth): expected a date as dd/mm/yyyy, yyyy-mm-dd or an Excel date, found \"31/02/2011\""
        ),
        "{all:#?}"
    );
    assert!(
        said("extract.csv, row 4, column G \"Order\" (order.type): \"XYZ\" is not in [lookups.orders]"),
        "{all:#?}"
    );
    assert!(said("rows 5 and 6 are for the same child and disagree"), "{all:#?}");
    assert!(said("row 7, column A \"Ref\""), "{all:#?}");
    assert!(said("extract.csv, row 8, column D \"DOB\" (child.date_of_birth): missing field"), "{all:#?}");
    assert_eq!(all.len(), 5, "{all:#?}");
}

#[test]
fn a_workbook_with_a_merged_title_excel_dates_and_numeric_ids() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("extract.xlsx");
    let mut book = Workbook::new();
    let sheet = book.add_worksheet().set_name("Cases").unwrap();
    sheet.merge_range(0, 0, 0, 7, "Open cases", &Format::new().set_bold()).unwrap();
    for (c, h) in HEADER.split(',').enumerate() {
        sheet.write_string(1, c as u16, h).unwrap();
    }
    let date = Format::new().set_num_format("dd/mm/yyyy");
    sheet.write_string(2, 0, "0042").unwrap();
    sheet.write_string(2, 1, "Sam").unwrap();
    sheet.write_string(2, 2, "Lee").unwrap();
    sheet.write_datetime_with_format(2, 3, ExcelDateTime::from_ymd(2011, 3, 2).unwrap(), &date).unwrap();
    sheet.write_string(2, 4, "Priya Natarajan").unwrap();
    sheet.write_string(2, 5, "North Team").unwrap();
    sheet.write_string(2, 6, "YRO").unwrap();
    sheet.write_string(2, 7, "bad date").unwrap();
    sheet.write_number(3, 0, 43.0).unwrap();
    sheet.write_string(3, 1, "Jo").unwrap();
    book.save(&path).unwrap();
    let (report, tmp) = import_quirk(tmp, path);
    assert_eq!(report.count(Outcome::Failed) + report.failures.len(), 2, "{report:#?}");
    let errors: Vec<String> = report
        .cases
        .iter()
        .filter_map(|c| c.error.clone())
        .chain(report.failures.iter().map(|f| format!("{}: {}", f.place, f.message)))
        .collect();
    assert!(
        errors.iter().any(|e| e.contains("extract.xlsx, sheet \"Cases\", row 3, column H \"Start\"")
            && e.contains("found \"bad date\"")),
        "{errors:#?}"
    );
    assert!(
        errors.iter().any(|e| e.contains("row 4")),
        "the numeric id's row fails on its own missing fields: {errors:#?}"
    );
    drop(tmp);
}

#[test]
fn a_new_case_is_valid_names_its_schema_and_is_never_written_over() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("cases");
    let new = |id: &str| {
        bin()
            .args(["new", id, "--first-name", "Sam", "--last-name", "Lee", "--born", "2011-03-02"])
            .args(["--case-manager", "priya natarajan", "--config"])
            .arg(common::samples().join("casepress.toml"))
            .arg("--out")
            .arg(&dir)
            .output()
            .unwrap()
    };
    let made = new("NYJS-2026-0300");
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let file = dir.join("NYJS-2026-0300.json");
    let case: Value = serde_json::from_slice(&fs::read(&file).unwrap()).unwrap();
    assert_eq!(case["$schema"], "./casepress-case-v1.schema.json");
    assert_eq!(case["case_manager"]["name"], "Priya Natarajan", "named as the staff directory names her");
    assert_eq!(case["team"], "North Team", "her team, from the directory");
    let schema: Value =
        serde_json::from_slice(&fs::read(dir.join("casepress-case-v1.schema.json")).unwrap()).unwrap();
    assert!(schema["properties"]["$schema"].is_object(), "editors accept the $schema key");
    // The case (with its $schema) loads; the schema beside it is not taken for a case.
    let check = bin().arg("check").arg(&dir).args(["--today", "2026-11-30"]).output().unwrap();
    let text = String::from_utf8_lossy(&check.stdout).into_owned() + &String::from_utf8_lossy(&check.stderr);
    assert!(check.status.success(), "{text}");
    assert!(text.contains("NYJS-2026-0300") && !text.contains("schema.json"), "{text}");
    // Never over an existing case.
    let before = fs::read(&file).unwrap();
    let again = new("NYJS-2026-0300");
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already there"));
    assert_eq!(fs::read(&file).unwrap(), before);
    // A date of birth is never made up, nor an unsafe id accepted.
    let bad = bin()
        .args([
            "new",
            "../escape",
            "--first-name",
            "A",
            "--last-name",
            "B",
            "--born",
            "2011-02-30",
            "--case-manager",
            "X",
        ])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    // `schema --out` writes the same schema.
    let out = tmp.path().join("s.schema.json");
    assert!(bin().args(["schema", "--out"]).arg(&out).status().unwrap().success());
    assert_eq!(serde_json::from_slice::<Value>(&fs::read(&out).unwrap()).unwrap(), schema);
}

#[test]
fn a_case_written_by_hand_is_updated_where_it_is_and_its_differences_left_to_a_person() {
    let tmp = tempfile::tempdir().unwrap();
    let cases = tmp.path().join("cases");
    fs::create_dir(&cases).unwrap();
    let hand = cases.join("jordan.json");
    fs::copy(common::samples().join("cases/yro-custody-possible.json"), &hand).unwrap();
    let before: Value = serde_json::from_slice(&fs::read(&hand).unwrap()).unwrap();
    let mapping = tmp.path().join("mapping.toml");
    fs::write(
        &mapping,
        "[children]\nkey = \"Case\"\n[children.fields]\ncase_id = \"Case\"\n\"child.last_name\" = \"Surname\"\n\"court.reference\" = \"Court Ref\"\n\"mappa.visor_ref\" = \"ViSOR\"\n",
    )
    .unwrap();
    let extract = tmp.path().join("extract.csv");
    fs::write(
        &extract,
        "Case,Surname,Court Ref,ViSOR\r\nNYJS-2026-0117,Whitfield-Smith,NF-YC-2026-4417,VR-0042\r\n",
    )
    .unwrap();
    let mut config = Config::default();
    config.paths.output = tmp.path().join("out");
    let opts =
        ImportOptions { mapping, extracts: vec![extract], out: cases.clone(), now: chrono::Utc::now() };
    let report = import(&casepress::service::Service::new(config.clone()), &opts).unwrap();
    assert_eq!(report.count(Outcome::Updated), 1, "{report:#?}");
    assert!(!cases.join("NYJS-2026-0117.json").exists(), "no second file for the same case");
    let case = &report.cases[0];
    assert_eq!(case.file, hand);
    assert_eq!(case.changes.iter().map(|c| c.path.as_str()).collect::<Vec<_>>(), ["mappa.visor_ref"]);
    assert_eq!(case.conflicts.iter().map(|c| c.path.as_str()).collect::<Vec<_>>(), ["child.last_name"]);
    let after: Value = serde_json::from_slice(&fs::read(&hand).unwrap()).unwrap();
    assert_eq!(after["child"]["last_name"], before["child"]["last_name"]);
    assert_eq!(after["psr"], before["psr"], "the writer's PSR untouched");
    assert_eq!(after["mappa"]["visor_ref"], "VR-0042");
    let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&after)[..keys(&before).len()], keys(&before)[..], "key order kept, new keys after");
}

/// A workbook saved with the 1904 date system (old Excel for Mac) counts
/// its dates from 1904: they are read as the dates they show.
#[test]
fn a_workbook_with_1904_dates_reads_the_dates_it_shows() {
    use rust_xlsxwriter::{Format, Workbook};
    use std::io::{Read, Write};
    let tmp = tempfile::tempdir().unwrap();
    let plain = tmp.path().join("plain.xlsx");
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in HEADER.split(',').enumerate() {
        sheet.write_string(0, c as u16, h).unwrap();
    }
    let date = Format::new().set_num_format("dd/mm/yyyy");
    for (c, v) in ["0042", "Sam", "Lee"].iter().enumerate() {
        sheet.write_string(1, c as u16, *v).unwrap();
    }
    // 39978 days after 1 January 1904 is 15 June 2013 (in the 1900 system, 14 June 2009).
    sheet.write_number_with_format(1, 3, 39978.0, &date).unwrap();
    for (c, v) in ["Priya Natarajan", "North Team", "YRO"].iter().enumerate() {
        sheet.write_string(1, 4 + c as u16, *v).unwrap();
    }
    sheet.write_number_with_format(1, 7, 39978.0, &date).unwrap();
    book.save(&plain).unwrap();
    // The same workbook, switched to the 1904 date system.
    let mut zip = zip::ZipArchive::new(fs::File::open(&plain).unwrap()).unwrap();
    let path = tmp.path().join("mac.xlsx");
    let mut out = zip::ZipWriter::new(fs::File::create(&path).unwrap());
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let name = entry.name().unwrap().into_owned();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        if name == "xl/workbook.xml" {
            let text = String::from_utf8(bytes).unwrap();
            assert!(text.contains("<workbookPr"), "{text}");
            bytes = text.replacen("<workbookPr", "<workbookPr date1904=\"1\"", 1).into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        out.write_all(&bytes).unwrap();
    }
    out.finish().unwrap();
    let (report, tmp) = import_quirk(tmp, path);
    assert!(report.failures.is_empty() && report.count(Outcome::Created) == 1, "{report:#?}");
    let case = case_of(&tmp, "Q-0042");
    assert_eq!(case["child"]["date_of_birth"], "2013-06-15");
    assert_eq!(case["order"]["start_date"], "2013-06-15");
}

/// Cases that live together in one NDJSON file are updated where they are,
/// every one of them, though `import` updates cases in parallel: a writer
/// of a case file holds that file's lock, so no update undoes another.
#[test]
fn two_hundred_cases_in_one_ndjson_file_are_all_updated() {
    two_hundred_cases_in_one_file_are_all_updated("all.ndjson");
}

/// Review N2: the same with the cases in one JSON array (it lost 86 of 200
/// updates), and a re-import then finds nothing to change.
#[test]
fn two_hundred_cases_in_one_json_array_are_all_updated() {
    two_hundred_cases_in_one_file_are_all_updated("all.json");
}

/// Every sample case moved into the one file `name` (NDJSON or a JSON
/// array), then every child moves town in the case system. An import
/// killed at its first write (review L3) leaves the file as it was and a
/// copy that no load reads; the next import removes the copy and updates
/// all 200; the one after that changes nothing.
fn two_hundred_cases_in_one_file_are_all_updated(name: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let config = config_in(tmp.path());
    let out = tmp.path().join("cases");
    let source = import_dir().join("childview");
    let dir = tmp.path().join("extract");
    fs::create_dir(&dir).unwrap();
    for csv in files_in(&source, "csv") {
        fs::copy(&csv, dir.join(csv.file_name().unwrap())).unwrap();
    }
    let extracts = files_in(&dir, "csv");
    let mapping = source.join("mapping.toml");
    let (code, text) = run_import(&config, &mapping, &extracts, &out);
    assert_eq!(code, 0, "{text}");
    let mut cases = Vec::new();
    for file in files_in(&out, "json") {
        cases.push(serde_json::from_slice::<Value>(&fs::read(&file).unwrap()).unwrap());
        fs::remove_file(file).unwrap();
    }
    let all = out.join(name);
    let text = if name.ends_with(".ndjson") {
        cases.iter().map(|c| format!("{c}\n")).collect()
    } else {
        serde_json::to_string_pretty(&cases).unwrap()
    };
    fs::write(&all, text).unwrap();
    let before = fs::read(&all).unwrap();
    let children = dir.join("YJ_Children_20261130.csv");
    let csv = fs::read(&children).unwrap();
    fs::write(&children, String::from_utf8(csv).unwrap().replace(",Northfield,", ",Newtown,")).unwrap();
    let moved = || fs::read_to_string(&all).unwrap().matches("\"Newtown\"").count();
    let copies = || -> Vec<PathBuf> {
        fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.to_string_lossy().contains(".tmp-"))
            .collect()
    };

    let killed = bin()
        .args(["import", "--config"])
        .arg(&config)
        .arg("--mapping")
        .arg(&mapping)
        .args(&extracts)
        .arg("--out")
        .arg(&out)
        .env("CASEPRESS_FAILPOINT", "case-file:before-publish")
        .output()
        .unwrap();
    assert_eq!(killed.status.code(), None, "killed: {}", String::from_utf8_lossy(&killed.stderr));
    assert_eq!(copies().len(), 1, "the kill left its copy");
    assert_eq!(fs::read(&all).unwrap(), before, "the file as it was");
    let loaded = casepress::case::Caseload::load(std::slice::from_ref(&out)).unwrap();
    assert!(loaded.failures.is_empty() && loaded.cases.len() == 200, "the copy is not read");
    assert!(loaded.cases.iter().all(|c| c.file == all));

    let (code, text) = run_import(&config, &mapping, &extracts, &out);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("0 created, 200 updated"), "{text}");
    assert_eq!(moved(), 200, "every update reached the file");
    assert!(copies().is_empty(), "the next import removed the copy: {:?}", copies());
    let (code, text) = run_import(&config, &mapping, &extracts, &out);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("0 created, 0 updated, 200 unchanged, 0 with conflicts, 0 failed"), "{text}");
    assert_eq!(moved(), 200);
}

/// A copy of the workbook at `from` with its first sheet's XML written by
/// `sheet` instead (every other part copied as it is).
fn with_sheet(from: &Path, to: &Path, sheet: impl FnOnce(&mut dyn std::io::Write)) {
    hostile_workbooks::with_part(from, to, "xl/worksheets/sheet1.xml", sheet);
}

/// Runs the import of `path` alone and asserts it is refused in under a
/// second (exit 2), naming the file and saying `says`.
fn refused_quickly(config: &Path, mapping: &Path, path: &Path, says: &str) {
    let out = path.parent().unwrap().join("cases");
    let started = std::time::Instant::now();
    let (code, text) = run_import(config, mapping, &[path.to_path_buf()], &out);
    let took = started.elapsed();
    assert_eq!(code, 2, "{text}");
    assert!(text.contains(&path.display().to_string()) && text.contains("refused"), "{text}");
    assert!(text.contains(says), "{text}");
    assert!(took < std::time::Duration::from_secs(1), "{} took {took:?}", path.display());
    assert!(!out.exists() || fs::read_dir(&out).unwrap().next().is_none(), "nothing is imported: {text}");
}

/// Issue 26 item 7 (review N8): a 16 KB workbook whose sheet spans
/// A1:XFD1048576 (it made calamine allocate 512 GiB and abort), the same
/// far cell under a sheet that claims to be small, and a 4 MB zip bomb
/// (1 GB of sheet XML) are each refused in under a second, naming the file.
#[test]
fn issue_26_hostile_workbooks_are_refused_before_anything_is_allocated() {
    use rust_xlsxwriter::Workbook;
    let tmp = tempfile::tempdir().unwrap();
    let config = config_in(tmp.path());
    let mapping = import_dir().join("caredirector").join("mapping.toml");

    // A1 and XFD1048576: what the review's x07b holds.
    let far = tmp.path().join("far").join("Youth_Extract.xlsx");
    fs::create_dir_all(far.parent().unwrap()).unwrap();
    let mut book = Workbook::new();
    let sheet = book.add_worksheet().set_name("Young People").unwrap();
    sheet.write_string(0, 0, "Person Ref").unwrap();
    sheet.write_string(1_048_575, 16_383, "x").unwrap();
    book.save(&far).unwrap();
    assert!(fs::metadata(&far).unwrap().len() < 16 * 1024);

    // The same cells under a sheet that claims to span A1 only.
    let lying = tmp.path().join("lying").join("Youth_Extract.xlsx");
    fs::create_dir_all(lying.parent().unwrap()).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(
        &mut zip::ZipArchive::new(fs::File::open(&far).unwrap())
            .unwrap()
            .by_name("xl/worksheets/sheet1.xml")
            .unwrap(),
        &mut xml,
    )
    .unwrap();
    assert!(xml.contains(r#"<dimension ref="A1:XFD1048576"/>"#), "{xml}");
    let xml = xml.replace(r#"<dimension ref="A1:XFD1048576"/>"#, r#"<dimension ref="A1"/>"#);
    with_sheet(&far, &lying, |w| w.write_all(xml.as_bytes()).unwrap());

    // A zip bomb: 1 GB of identical rows in a few MB.
    let bomb = tmp.path().join("bomb").join("Youth_Extract.xlsx");
    fs::create_dir_all(bomb.parent().unwrap()).unwrap();
    with_sheet(&far, &bomb, |w| {
        let head = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#;
        w.write_all(head.as_bytes()).unwrap();
        let row = r#"<row><c t="inlineStr"><is><t>Young person</t></is></c><c t="inlineStr"><is><t>Young person</t></is></c></row>"#;
        let block = row.repeat((1 << 20) / row.len());
        for _ in 0..1024 {
            w.write_all(block.as_bytes()).unwrap();
        }
        w.write_all(b"</sheetData></worksheet>").unwrap();
    });
    let size = fs::metadata(&bomb).unwrap().len();
    assert!(size < 8 << 20, "the bomb is {size} bytes");

    for (path, says) in [
        (&far, "spans 17179869184 cells"),
        (&lying, "more than the 2000000 an extract may"),
        (&bomb, "would unpack to"),
    ] {
        refused_quickly(&config, &mapping, path, says);
    }
}

/// Issue 26 item 7, the other kinds (audit gap 1): an XLSB is read cell by
/// cell within the same limits as an XLSX (a far cell, with its extent
/// told or hidden, was a 512 GiB allocation); XLS and ODS, which calamine
/// reads whole as it opens them, are refused with what to do, an ODS bomb
/// too, and also under a name in capitals; an XLSX whose zip understates
/// its shared strings, or whose shared strings claim a count they cannot
/// hold, is stopped.
#[test]
fn issue_26_xlsb_xls_ods_and_lying_shared_strings_are_bounded_or_refused() {
    use calamine::Data;
    use hostile_workbooks::{ods_bomb, understate, with_part, xlsb, xlsb_damaged};
    let tmp = tempfile::tempdir().unwrap();
    let config = config_in(tmp.path());
    let mapping = import_dir().join("caredirector").join("mapping.toml");
    let file = |dir: &str, name: &str| {
        let path = tmp.path().join(dir).join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        path
    };

    // An honest XLSB reads as before, through the cell reader.
    let small = file("small", "Youth_Extract.xlsb");
    let cells = [(0, 0, "Person Ref"), (0, 1, "Surname"), (1, 0, "P000123"), (1, 1, "Okafor")];
    xlsb(&small, "Young People", &cells, ((0, 0), (1, 1)));
    let mut book = casepress::import::workbook::open(&small).unwrap();
    let range = casepress::import::workbook::sheet(&mut book, "Young People", "small").unwrap();
    assert_eq!((range.start(), range.end()), (Some((0, 0)), Some((1, 1))));
    assert_eq!(range.get_value((1, 1)), Some(&Data::String("Okafor".into())));

    // A1 and XFD1048576, the extent told; then hidden behind a claim of A1.
    let far = file("far", "Youth_Extract.xlsb");
    let far_cells = [(0, 0, "Person Ref"), (1_048_575, 16_383, "x")];
    xlsb(&far, "Young People", &far_cells, ((0, 0), (1_048_575, 16_383)));
    let lying = file("lying", "Youth_Extract.xlsb");
    xlsb(&lying, "Young People", &far_cells, ((0, 0), (0, 0)));
    assert!(fs::metadata(&lying).unwrap().len() < 16 * 1024);
    // A record that makes calamine's reader panic: refused, never a crash.
    let damaged = file("damaged", "Youth_Extract.xlsb");
    xlsb_damaged(&damaged, "Young People");

    let ods = file("ods", "Youth_Extract.ods");
    ods_bomb(&ods);
    assert!(fs::metadata(&ods).unwrap().len() < 64 * 1024);
    // calamine would guess the kind of a name it does not know in lower case.
    let capitals = file("capitals", "Youth_Extract.XLSX");
    fs::copy(&ods, &capitals).unwrap();
    let xls = file("xls", "Youth_Extract.xls");
    fs::write(&xls, b"\xD0\xCF\x11\xE0 not read").unwrap();

    // Shared strings of 64 MB whose zip says 4 KB.
    let strings = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#;
    let base = file("base", "Youth_Extract.xlsx");
    let mut workbook = rust_xlsxwriter::Workbook::new();
    workbook.add_worksheet().set_name("Young People").unwrap().write_string(0, 0, "Person Ref").unwrap();
    workbook.save(&base).unwrap();
    let understated = file("understated", "Youth_Extract.xlsx");
    with_part(&base, &understated, "xl/sharedStrings.xml", |w| {
        w.write_all(strings.as_bytes()).unwrap();
        let block = "<si><t>Young person</t></si>".repeat(1 << 15);
        for _ in 0..(64 << 20) / block.len() {
            w.write_all(block.as_bytes()).unwrap();
        }
        w.write_all(b"</sst>").unwrap();
    });
    understate(&understated, "xl/sharedStrings.xml", 4096);
    // A count of a trillion strings in a part of a few bytes.
    let counted = file("counted", "Youth_Extract.xlsx");
    with_part(&base, &counted, "xl/sharedStrings.xml", |w| {
        let head = strings.replace("<sst ", r#"<sst uniqueCount="1000000000000" "#);
        w.write_all(format!("{head}<si><t>Person Ref</t></si></sst>").as_bytes()).unwrap();
    });

    let save_as = "save the sheet as .xlsx (or CSV) and import that";
    for (path, says) in [
        (&far, "spans 17179869184 cells"),
        (&lying, "more than the 2000000 an extract may"),
        (&damaged, "the workbook reader failed on this file"),
        (&ods, save_as),
        (&xls, save_as),
        (&understated, "unpacks to more than the zip says it holds"),
        (&counted, "claims 1000000000000 shared strings"),
    ] {
        refused_quickly(&config, &mapping, path, says);
    }
    // Opened as the XLSX it is named, an ODS fails at once: not read whole.
    let started = std::time::Instant::now();
    let (code, text) =
        run_import(&config, &mapping, std::slice::from_ref(&capitals), &tmp.path().join("cases"));
    assert_eq!(code, 2, "{text}");
    assert!(
        text.contains(&capitals.display().to_string()) && text.contains("cannot open the workbook"),
        "{text}"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(1), "{text}");
}

fn try_quirk(mapping: &str, name: &str, bytes: &[u8]) -> (Result<ImportReport, String>, tempfile::TempDir) {
    let tmp = tempfile::tempdir().unwrap();
    let extract = tmp.path().join(name);
    fs::write(&extract, bytes).unwrap();
    let mapping_file = tmp.path().join("mapping.toml");
    fs::write(&mapping_file, mapping).unwrap();
    let config = Config::load(&common::samples().join("casepress.toml")).unwrap();
    let mut config = config;
    config.paths.output = tmp.path().join("out");
    let opts = ImportOptions {
        mapping: mapping_file,
        extracts: vec![extract],
        out: tmp.path().join("cases"),
        now: chrono::Utc::now(),
    };
    (import(&casepress::service::Service::new(config), &opts), tmp)
}

fn cases_written(tmp: &tempfile::TempDir) -> usize {
    fs::read_dir(tmp.path().join("cases")).map_or(0, |d| {
        d.filter(|e| e.as_ref().unwrap().path().extension().is_some_and(|x| x == "json")).count()
    })
}

/// Issue 28: the third sample, a YOIS-style report, imports as the case
/// system writes it: every feature of its mapping is seen in the cases.
#[test]
fn a_semicolon_windows_1252_report_with_lists_in_cells_and_a_totals_row_imports_as_it_is() {
    let tmp = tempfile::tempdir().unwrap();
    let config = config_in(tmp.path());
    let out = tmp.path().join("cases");
    let dir = import_dir().join("yois");
    let extract = dir.join("YJ07b_OpenCases_30-Nov-2026.csv");
    let (code, text) = run_import(&config, &dir.join("mapping.toml"), &[extract], &out);
    assert_eq!(code, 0, "the totals row is skipped, not a failure: {text}");
    assert!(text.contains("30 created, 0 updated, 0 unchanged, 0 with conflicts, 0 failed"), "{text}");
    assert!(
        text.contains(
            "[children]: YJ07b_OpenCases_30-Nov-2026.csv, row 34: skipped, as \"YP Ref. No.\" matches `^Total`"
        ),
        "{text}"
    );
    let children = extracts::children(30);
    let case = |n: usize| -> Value {
        serde_json::from_slice(&fs::read(out.join(format!("NYJS-Y{:06}.json", 4100 + n))).unwrap()).unwrap()
    };
    let dmy = |d: chrono::NaiveDate| Value::String(d.format("%Y-%m-%d").to_string());
    // Windows-1252 letters, and surnames in capitals written as names.
    assert_eq!(case(1)["child"]["first_name"], "Zoë");
    assert_eq!(case(3)["child"]["last_name"], "Nuñez");
    assert_eq!(case(7)["child"]["last_name"], "O’Neill");
    assert_eq!(case(12)["child"]["last_name"], "Müller-Hart");
    assert_eq!(case(7)["child"]["address"][0], "Flat 2; Rose Court", "a quoted delimiter");
    // "Natarajan, Priya" as the staff directory names her.
    assert_eq!(case(0)["case_manager"]["name"], "Priya Natarajan");
    assert_eq!(case(5)["case_manager"]["name"], "Amrit Sandhu");
    for (n, child) in children.iter().enumerate() {
        let c = case(n);
        // One offence per `|` part, dates (12-Mar-2009) and pleas side by side.
        let offences = c["offences"].as_array().unwrap();
        assert_eq!(offences.len(), child.offences.len(), "child {n}");
        for (o, want) in offences.iter().zip(&child.offences) {
            assert_eq!(o["date"], dmy(want.0));
            assert_eq!(o["description"], want.1);
            assert_eq!(o["plea"], if want.2 == "G" { "guilty" } else { "not_guilty" });
        }
        assert_eq!(c["child"]["date_of_birth"], dmy(child.dob));
        if child.order == "BAIL" {
            // No start date, so no order at all: the court's request and the remand instead.
            assert!(c.get("order").is_none(), "child {n}: {c}");
            assert_eq!(c["court"]["report_requested"], "psr");
            assert_eq!(c["court"]["remand_status"], "On bail awaiting sentence");
        } else {
            assert_eq!(c["order"]["start_date"], dmy(child.order_start), "child {n}");
            assert!(c["court"].get("report_requested").is_none());
            // The length out of "YRO - 12 mths"; the closing date out of "Closed 26-Oct-2026 (…)".
            let months = child.order_months.map(Value::from).unwrap_or(Value::from(4));
            assert_eq!(c["order"]["length_months"], months, "child {n}");
            let closed = (n % 9 == 4).then(|| dmy(child.order_start + chrono::Days::new(5)));
            assert_eq!(c["order"].get("closed_date"), closed.as_ref(), "child {n}");
        }
        // "Cat 2 / Lvl 1": two numbers out of one cell.
        match child.mappa {
            Some((cat, level)) => {
                assert_eq!(c["mappa"]["category"], cat);
                assert_eq!(c["mappa"]["level"], level);
            }
            None => assert!(c.get("mappa").is_none()),
        }
    }
}

/// Issue 28: the mapping language's rules are checked when the mapping
/// loads, and every error names the mapping's section with the file, row
/// and column.
#[test]
fn a_mapping_mistake_names_its_section_and_row_errors_name_section_file_row_and_column() {
    use casepress::import::mapping::Mapping;
    let base = "[children]\nkey = \"Ref\"\n[children.fields]\ncase_id = \"Ref\"\n";
    let refused = |extra: &str| Mapping::parse(&format!("{base}{extra}")).unwrap_err();
    let e = refused("\"offences.description\" = { column = \"Offences\", split = \"|\" }\n");
    assert!(e.contains("`offences.description` is a field of each item of the list `offences`"), "{e}");
    assert!(e.starts_with("[children]"), "{e}");
    let e = refused("[children.when]\norder = { column = \"Start\" }\n");
    assert!(e.contains("when `order`: no field of `order` is mapped"), "{e}");
    let e = refused("\"child.last_name\" = { column = \"Surname\", letter_case = \"shouty\" }\n");
    assert!(e.contains("letter_case `shouty`"), "{e}");
    let e = refused("\"child.date_of_birth\" = { column = \"DOB\", staff = true }\n");
    assert!(e.contains("letter_case, names and staff are for text"), "{e}");
    let e = refused("[files.\"x.csv\"]\nencoding = \"ebcdic\"\n");
    assert!(e.starts_with("[files.\"x.csv\"]: encoding `ebcdic`"), "{e}");
    let e = refused("[[joined]]\ninto = \"offences\"\nkey = \"Ref\"\nsplit = \"|\"\nid = \"Seq\"\n");
    assert!(e.contains("`split` makes several items of one row"), "{e}");

    // Rows: a `|` list whose counts differ, a date not in the file's format.
    let mapping = r#"
[files."*.csv"]
delimiter = ";"
date = "%d-%b-%Y"
[children]
key = "Ref"
[children.fields]
case_id = { column = "Ref", format = "Q-{}" }
"child.first_name" = "First"
"child.last_name" = "Last"
"child.date_of_birth" = "DOB"
"case_manager.name" = "Worker"
team = "Team"
[[joined]]
into = "offences"
key = "Ref"
split = "|"
[joined.fields]
description = "Offences"
date = "Dates"
"#;
    let text = "Ref;First;Last;DOB;Worker;Team;Offences;Dates\r\n\
        1;Sam;Lee;02-Mar-2011;Priya Natarajan;North Team;Theft|Affray;01-Jan-2026|02-Jan-2026\r\n\
        2;Ash;Kerr;02-Mar-2011;Priya Natarajan;North Team;Theft|Affray;01-Jan-2026\r\n\
        3;Jo;Marsh;2011/03/02;Priya Natarajan;North Team;Theft;01-Jan-2026\r\n\
        4;Al;Nye;02-Mar-2011;Priya Natarajan;North Team;Theft|Affray|Arson;01-Jan-2026|02-Jan-2026\r\n";
    let (report, tmp) = try_quirk(mapping, "x.csv", text.as_bytes());
    let report = report.unwrap();
    assert_eq!(report.count(Outcome::Created), 2, "{report:#?}");
    let first: Value = serde_json::from_slice(&fs::read(tmp.path().join("cases/Q-1.json")).unwrap()).unwrap();
    assert_eq!(first["offences"][1]["description"], "Affray");
    assert_eq!(first["offences"][1]["date"], "2026-01-02");
    let second: Value =
        serde_json::from_slice(&fs::read(tmp.path().join("cases/Q-2.json")).unwrap()).unwrap();
    assert_eq!(second["offences"][1]["date"], "2026-01-01", "one value serves every item");
    let all: Vec<String> = report
        .failures
        .iter()
        .map(|f| format!("{} ({}): {}", f.place, f.field.clone().unwrap_or_default(), f.message))
        .collect();
    assert!(
        all.iter().any(|m| m.starts_with(
            "[children]: x.csv, row 4, column D \"DOB\" (child.date_of_birth): expected a date as the mapping's `%d-%b-%Y` (e.g. 12-Mar-2009), dd/mm/yyyy"
        )),
        "{all:#?}"
    );
    assert!(
        all.iter().any(|m| m.starts_with(
            "[[joined]] offences: x.csv, row 5, column H \"Dates\" (offences): 2 values separated by \"|\" here, and 3 in column G \"Offences\""
        )),
        "{all:#?}"
    );
    // A header the section cannot find is that section's error.
    let (err, _) = try_quirk(
        &mapping.replace("key = \"Ref\"\nsplit", "key = \"Reference\"\nsplit"),
        "x.csv",
        text.as_bytes(),
    );
    let err = err.unwrap_err();
    assert!(err.starts_with("[[joined]] offences: "), "{err}");
}

/// Issue 28 item 4: input that would be misread is refused, saying where;
/// nothing is garbled and nothing written.
#[test]
fn input_edges_are_refused_where_they_are_never_garbled() {
    let good = |id: &str, first: &str, last: &str| {
        row(&format!("{id},{first},{last},02/03/2011,Priya Natarajan,North Team,YRO,01/11/2026"))
    };
    // One Windows-1252 byte in a UTF-8 file with accented names.
    let mut bytes =
        [row(HEADER), good("0001", "Zoë", "Lee"), good("0002", "Siân", "Núñez")].concat().into_bytes();
    bytes.extend(b"0003,Sam,O\x92Neill,02/03/2011,Priya Natarajan,North Team,YRO,01/11/2026\r\n");
    let (result, tmp) = try_quirk(QUIRK_MAPPING, "mixed.csv", &bytes);
    let e = result.unwrap_err();
    assert!(e.contains("line 4, character 11"), "{e}");
    assert!(e.contains("the byte 0x92 is not UTF-8") && e.contains("mixes two encodings"), "{e}");
    assert!(e.starts_with("[children]: "), "{e}");
    assert_eq!(cases_written(&tmp), 0);

    // A NUL byte in a name fails that child, naming row and column.
    let bytes = [row(HEADER), good("0001", "Bel\0la", "Lee"), good("0002", "Sam", "Lee")].concat();
    let (result, tmp) = try_quirk(QUIRK_MAPPING, "nul.csv", bytes.as_bytes());
    let report = result.unwrap();
    assert_eq!(report.count(Outcome::Created), 1);
    let f = &report.failures[0];
    assert_eq!(f.place, "[children]: nul.csv, row 2, column B \"First\"");
    assert!(f.message.contains("NUL byte"), "{}", f.message);
    assert!(!fs::read_to_string(tmp.path().join("cases/Q-0002.json")).unwrap().contains("\\u0000"));

    // A quote never closed: the row and column where it opens.
    let bytes =
        [row(HEADER), good("0001", "Sam", "Lee"), good("0002", "\"Bex", "Lee"), good("0003", "Jo", "Marsh")]
            .concat();
    let (result, tmp) = try_quirk(QUIRK_MAPPING, "quote.csv", bytes.as_bytes());
    let e = result.unwrap_err();
    assert!(
        e.contains("quote.csv, row 3 (line 3), column B: a quote opens this cell and is never closed"),
        "{e}"
    );
    assert_eq!(cases_written(&tmp), 0);

    // UTF-16 with its byte-order mark (Excel's "Unicode text") is read.
    let text = [row(HEADER), good("0001", "Zoë", "Núñez")].concat();
    let mut bytes = vec![0xFF, 0xFE];
    text.encode_utf16().for_each(|u| bytes.extend(u.to_le_bytes()));
    let (result, tmp) = try_quirk(QUIRK_MAPPING, "u16.csv", &bytes);
    assert_eq!(result.unwrap().count(Outcome::Created), 1);
    assert_eq!(case_of(&tmp, "Q-0001")["child"]["last_name"], "Núñez");
    // Without its mark, it is refused as UTF-16.
    let (result, _) = try_quirk(QUIRK_MAPPING, "u16.csv", &bytes[2..]);
    assert!(result.unwrap_err().contains("UTF-16"));
}

/// Issue 28 item 4 (N10): `new` never makes a second file for an id a
/// case file of another name (an array, an NDJSON line) already holds.
#[test]
fn new_refuses_an_id_held_in_another_file() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("cases");
    fs::create_dir_all(&dir).unwrap();
    let case = |id: &str| {
        format!(
            r#"{{"schema": "casepress/case/v1", "case_id": "{id}", "child": {{"first_name": "Sam", "last_name": "Lee", "date_of_birth": "2011-03-02"}}, "case_manager": {{"name": "Priya Natarajan"}}, "team": "North Team"}}"#
        )
    };
    fs::write(dir.join("yro-custody-possible.json"), case("NYJS-2026-0117")).unwrap();
    fs::write(dir.join("many.ndjson"), format!("{}\n{}\n", case("NYJS-2026-0165"), case("NYJS-2026-0166")))
        .unwrap();
    for id in ["NYJS-2026-0117", "NYJS-2026-0165", "nyjs-2026-0166"] {
        let o = bin()
            .args(["new", id, "--first-name", "Test", "--last-name", "Shadow", "--born", "2011-03-02"])
            .args(["--case-manager", "Priya Natarajan", "--config"])
            .arg(common::samples().join("casepress.toml"))
            .arg("--out")
            .arg(&dir)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{id}: {err}");
        assert!(err.contains("is already in") && err.contains("not created"), "{id}: {err}");
        assert!(!dir.join(format!("{id}.json")).exists(), "{id}");
    }
}
