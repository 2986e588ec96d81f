//! The nightly run and the one caseload loader, as a user runs them: a case
//! file that cannot be loaded is named by every command, and a run started
//! from another working folder renders nothing again and bundles nothing
//! twice.

mod common;
#[path = "support/statement_pdfs.rs"]
mod statement_pdfs;

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use common::*;
use statement_pdfs::*;

fn casepress(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_casepress")).args(args).current_dir(cwd).output().unwrap()
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
    })
}

/// A service folder: a good case, Sam's case file with a typo, an inbox
/// holding a statement from Sam, and a config naming them.
fn service_with_a_broken_case(dir: &Path) {
    fs::create_dir_all(dir.join("cases")).unwrap();
    fs::create_dir_all(dir.join("inbox")).unwrap();
    fs::write(dir.join("cases/good.json"), minimal_json("GOOD-1").to_string().replace("Sam", "Ali")).unwrap();
    let mut sam = minimal_json("SAM-1");
    sam["child"]["date_of_brith"] = "2010-03-21".into();
    fs::write(dir.join("cases/sam.json"), serde_json::to_string_pretty(&sam).unwrap()).unwrap();
    let statement = Statement::new("MOMO-S1", "Sam", "21/03/2010", "20/11/2026 18:00");
    fs::write(dir.join("inbox/s.pdf"), statement_pdf(&statement, Layout::Lines)).unwrap();
    fs::write(
        dir.join("casepress.toml"),
        "[paths]\ncases = [\"cases\"]\noutput = \"out\"\n[statements]\ninbox = \"inbox\"\nsettle_seconds = 0\n",
    )
    .unwrap();
}

#[test]
fn a_case_that_fails_to_load_is_named_by_statements_file_run_and_board() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    service_with_a_broken_case(dir);

    // Filing: Sam's statement cannot be matched, and the report says why.
    let out = casepress(&["statements", "file", "--now", "2026-11-23 11:00", "--json"], dir);
    assert_eq!(out.status.code(), Some(1), "a case that failed to load needs action");
    let report = json(&out);
    assert!(report["unloaded"][0]["reason"].as_str().unwrap().contains("date_of_brith"), "{report:#}");
    let item = &report["items"][0];
    assert_eq!(item["outcome"], "unidentified");
    let detail = item["detail"].as_str().unwrap();
    assert!(detail.contains("could not be loaded") && detail.contains("sam.json"), "{detail}");
    let notes = files_under(&dir.join("out/quarantine/unidentified"));
    let duty = notes.iter().find(|p| p.to_string_lossy().ends_with(".duty-officer-note.txt")).unwrap();
    assert!(
        fs::read_to_string(duty).unwrap().contains("could not be loaded"),
        "the duty officer is told too"
    );

    // The text report names it as well.
    fs::write(
        dir.join("inbox/s2.pdf"),
        statement_pdf(&Statement::new("MOMO-S2", "Sam", "21/03/2010", "20/11/2026 19:00"), Layout::Lines),
    )
    .unwrap();
    let out = casepress(&["statements", "file", "--now", "2026-11-23 11:00"], dir);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Cases that could not be loaded") && text.contains("sam.json"), "{text}");

    // The nightly run: a failed load item, typed by stage.
    let out = casepress(&["run", "casepress.toml", "--json", "--date", "2026-11-23"], dir);
    assert_eq!(out.status.code(), Some(1));
    let report = json(&out);
    let failed: Vec<_> =
        report["render"]["items"].as_array().unwrap().iter().filter(|i| i["outcome"] == "failed").collect();
    assert_eq!(failed.len(), 1, "{report:#}");
    assert_eq!(failed[0]["stage"], "load");
    assert!(failed[0]["reason"].as_str().unwrap().contains("sam.json"));
    assert!(report["statements"]["unloaded"].as_array().unwrap().len() == 1);
    assert!(!report["board"]["errors"].as_array().unwrap().is_empty());

    // The board report: not counted, and said.
    let out = casepress(&["board", "--quarter", "2026-Q2"], dir);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("not counted:") && text.contains("sam.json"), "{text}");
}

/// The sample service with Mason's case only (he turns 18 on 10 December
/// 2026) and no inbox, under `dir/service`.
fn service_for_mason(dir: &Path) {
    fs::create_dir_all(dir.join("service/cases")).unwrap();
    fs::copy(samples().join("cases/turning-18.json"), dir.join("service/cases/turning-18.json")).unwrap();
    let config = fs::read_to_string(samples().join("casepress.toml"))
        .unwrap()
        .replace("cases = [\"cases\", \"caseload\"]", "cases = [\"cases\"]")
        .replace("output = \"../out\"", "output = \"out\"")
        .replace("inbox = \"../out/inbox\"\n", "")
        .replace("sample_inbox = \"inbox\"\n", "");
    fs::write(dir.join("service/casepress.toml"), config).unwrap();
    fs::copy(samples().join("board-attendance.csv"), dir.join("service/board-attendance.csv")).unwrap();
}

#[test]
fn a_y2a_bundle_waits_for_a_final_risk_summary_then_run_makes_it_once_from_any_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    service_for_mason(dir);
    fs::create_dir_all(dir.join("elsewhere")).unwrap();
    let not_ready = "Y2A for NYJS-2026-0088 not ready: no final risk summary";

    // No final risk summary: a notice, not a failure, and no bundle.
    let first = casepress(&["run", "service/casepress.toml", "--json", "--date", "2026-11-23"], dir);
    assert_eq!(first.status.code(), Some(0), "{}", String::from_utf8_lossy(&first.stderr));
    let report = json(&first);
    assert_eq!(report["y2a"][0]["not_ready"], not_ready, "{:#}", report["y2a"]);
    assert!(report["y2a"][0]["failed"].is_null());
    let text = casepress(&["run", "service/casepress.toml", "--date", "2026-11-23"], dir);
    assert_eq!(text.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&text.stdout).contains(&format!("  {not_ready}\n")));
    // `export` refuses with the same words, and writes nothing.
    let config = ["--config", "service/casepress.toml"];
    let refused = casepress(&[&["export", "NYJS-2026-0088", "--purpose", "y2a"][..], &config].concat(), dir);
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stdout).contains(not_ready));
    assert!(!dir.join("service/out/exports").exists(), "nothing written");

    // The line manager signs it off and it is made final.
    for step in RISK_SUMMARY_SIGNED_OFF {
        let out = casepress(&[step, &config[..]].concat(), dir);
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let case_log = dir.join("service/out/cases/NYJS-2026-0088/case-log.jsonl");
    let logged = fs::read_to_string(&case_log).unwrap();

    // From another working folder: nothing typeset again, one bundle.
    let again = casepress(
        &["run", "../service/casepress.toml", "--json", "--date", "2026-11-24"],
        &dir.join("elsewhere"),
    );
    assert_eq!(again.status.code(), Some(0), "{}", String::from_utf8_lossy(&again.stderr));
    let report = json(&again);
    let items = report["render"]["items"].as_array().unwrap();
    assert!(items.iter().all(|i| i["outcome"] == "unchanged" || i["outcome"] == "historic"), "{items:#?}");
    assert_eq!(report["y2a"][0]["written"], true, "{:#}", report["y2a"]);
    let now = fs::read_to_string(&case_log).unwrap();
    let added: Vec<&str> = now.strip_prefix(logged.as_str()).expect("only appended").lines().collect();
    assert!(
        added.len() == 1 && added[0].contains("\"event\":\"export\""),
        "the input hash has no paths: {added:?}"
    );
    let bundles = files_under(&dir.join("service/out/exports"));
    assert_eq!(bundles.len(), 1, "one Y2A bundle: {bundles:?}");
    let name = bundles[0].file_name().unwrap().to_string_lossy().into_owned();
    assert_eq!(name, "NYJS-2026-0088_y2a_2026-11-24.zip", "dated the run's day");
    // The case log records the bundle relative to the output root.
    assert!(now.contains(&format!("\"file\":\"exports/{name}\"")), "{now}");

    // The next night: the same documents, so no second bundle.
    let next = casepress(&["run", "service/casepress.toml", "--json", "--date", "2026-11-25"], dir);
    let report = json(&next);
    assert_eq!(report["y2a"][0]["written"], false, "{:#}", report["y2a"]);
    assert!(report["y2a"][0]["bundle"].as_str().unwrap().ends_with(&name));
    assert_eq!(files_under(&dir.join("service/out/exports")).len(), 1);

    // `export` without --date is dated today, never 1 January 1970.
    let before = chrono::Local::now().date_naive();
    let out =
        casepress(&[&["export", "NYJS-2026-0088", "--purpose", "y2a", "--json"][..], &config].concat(), dir);
    let after = chrono::Local::now().date_naive();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let path = dir.join(json(&out)[0]["bundle"].as_str().unwrap());
    let dated = path.file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        [before, after].iter().any(|d| dated == format!("NYJS-2026-0088_y2a_{d}.zip")),
        "{dated}, today {before}"
    );
    let mut zip = zip::ZipArchive::new(fs::File::open(&path).unwrap()).unwrap();
    let mut letter = Vec::new();
    std::io::Read::read_to_end(&mut zip.by_name("cover-letter.pdf").unwrap(), &mut letter).unwrap();
    fs::write(dir.join("letter.pdf"), letter).unwrap();
    let text = pdf_text(&dir.join("letter.pdf"));
    let long = |d: chrono::NaiveDate| d.format("%-d %B %Y").to_string();
    assert!(text.contains(&long(before)) || text.contains(&long(after)), "{text}");
    assert!(!text.contains("1970"), "{text}");
}

#[test]
fn the_sample_run_files_a_copy_of_the_sample_inbox_and_leaves_the_samples_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::create_dir_all(dir.join("samples/cases")).unwrap();
    fs::copy(samples().join("cases/turning-18.json"), dir.join("samples/cases/turning-18.json")).unwrap();
    write_sample_inbox(&dir.join("samples/inbox"));
    let config = fs::read_to_string(samples().join("casepress.toml")).unwrap();
    fs::write(
        dir.join("samples/casepress.toml"),
        config.replace("cases = [\"cases\", \"caseload\"]", "cases = [\"cases\"]"),
    )
    .unwrap();
    fs::copy(samples().join("board-attendance.csv"), dir.join("samples/board-attendance.csv")).unwrap();
    let before = files_under(&dir.join("samples"));
    for _ in 0..2 {
        let out = casepress(&["run", "samples/casepress.toml", "--date", "2026-11-23"], dir);
        assert!(out.status.code().is_some_and(|c| c < 2), "{}", String::from_utf8_lossy(&out.stderr));
    }
    assert_eq!(files_under(&dir.join("samples")), before, "samples/ unchanged after two runs");
    let left: Vec<_> =
        fs::read_dir(dir.join("out/inbox")).unwrap().flatten().map(|e| e.file_name()).collect();
    assert_eq!(left, vec![std::ffi::OsString::from("portal-20441.pdf.part")], "the copy was filed");
}

#[test]
fn run_over_the_samples_renders_no_history_and_exports_no_draft() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::create_dir_all(dir.join("samples/cases")).unwrap();
    for entry in fs::read_dir(samples().join("cases")).unwrap().flatten() {
        fs::copy(entry.path(), dir.join("samples/cases").join(entry.file_name())).unwrap();
    }
    let config = fs::read_to_string(samples().join("casepress.toml")).unwrap();
    fs::create_dir_all(dir.join("samples/inbox")).unwrap();
    let config = config.replace("cases = [\"cases\", \"caseload\"]", "cases = [\"cases\"]");
    fs::write(dir.join("samples/casepress.toml"), config).unwrap();
    fs::copy(samples().join("board-attendance.csv"), dir.join("samples/board-attendance.csv")).unwrap();
    let out = casepress(
        &["run", "samples/casepress.toml", "--json", "--date", "2026-11-23", "--now", "2026-11-23 11:00"],
        dir,
    );
    let report = json(&out);
    let items = report["render"]["items"].as_array().unwrap();
    let historic: Vec<String> = items
        .iter()
        .filter(|i| i["outcome"] == "historic")
        .map(|i| format!("{} {}: {}", i["case_id"], i["kind"], i["reason"]))
        .collect();
    assert!(
        historic
            .iter()
            .any(|h| h.contains("NYJS-2026-0088") && h.contains("psr") && h.contains("the hearing was on")),
        "{historic:#?}"
    );
    assert!(historic.iter().any(|h| h.contains("the case closed on")), "{historic:#?}");
    assert!(
        !items
            .iter()
            .any(|i| i["case_id"] == "NYJS-2026-0088" && i["kind"] == "psr" && i["outcome"] == "written")
    );
    for bundle in files_under(&dir.join("out/exports")) {
        let zip = zip::ZipArchive::new(fs::File::open(&bundle).unwrap()).unwrap();
        let names: Vec<String> = zip.file_names().map(|n| n.unwrap().into_owned()).collect();
        assert!(!names.iter().any(|n| n.contains("_draft")), "{}: {names:?}", bundle.display());
    }
}

#[test]
fn a_historic_document_is_rendered_when_asked_for_by_kind() {
    let tmp = tempfile::tempdir().unwrap();
    let out = casepress(
        &[
            "render",
            samples().join("cases/turning-18.json").to_str().unwrap(),
            "--kind",
            "psr",
            "--out",
            tmp.path().join("out").to_str().unwrap(),
            "--date",
            "2026-11-23",
            "--json",
        ],
        tmp.path(),
    );
    let report = json(&out);
    let items = report["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{report:#}");
    assert_eq!(items[0]["outcome"], "written", "asked for by kind, history is rendered: {report:#}");
}
