//! The `casepress` binary as a user runs it: exit codes, messages, files.

mod common;
#[path = "support/statement_pdfs.rs"]
mod statement_pdfs;

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use common::*;

fn casepress(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_casepress")).args(args).current_dir(cwd).output().unwrap()
}

fn text(out: &[u8]) -> String {
    String::from_utf8_lossy(out).into_owned()
}

#[test]
fn a_malformed_case_fails_alone_with_a_clear_error_and_the_batch_goes_on() {
    let tmp = tempfile::tempdir().unwrap();
    let cases = tmp.path().join("cases");
    fs::create_dir(&cases).unwrap();
    fs::write(cases.join("a-good.json"), minimal_json("GOOD-1").to_string()).unwrap();
    fs::write(
        cases.join("b-broken.json"),
        "{\n  \"schema\": \"casepress/case/v1\",\n  \"case_id\": \"BAD-1\",,\n}",
    )
    .unwrap();
    let mut typo = minimal_json("TYPO-1");
    typo["child"]["date_of_brith"] = "2010-01-01".into();
    fs::write(cases.join("c-typo.json"), serde_json::to_string_pretty(&typo).unwrap()).unwrap();
    fs::write(cases.join("d-binary.json"), [0x7b, 0xc3, 0x28, 0x7d]).unwrap();
    fs::write(cases.join("e-good.ndjson"), format!("{}\n", minimal_json("GOOD-2"))).unwrap();

    let out = casepress(&["render", "cases", "--out", "out", "--date", "2026-11-23"], tmp.path());
    let stdout = text(&out.stdout);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "some items failed: exit 1\n{stdout}\n{stderr}");
    assert!(
        stdout.contains("cases/b-broken.json:3:22: malformed JSON: key must be a string"),
        "file, line and column of the syntax error:\n{stdout}"
    );
    assert!(
        stdout.contains("c-typo.json:")
            && stdout.contains("c-typo.json:8:19: at `child.date_of_brith`")
            && stdout.contains("did you mean `date_of_birth`?"),
        "{stdout}"
    );
    assert!(stdout.contains("d-binary.json:1: invalid UTF-8"), "{stdout}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    for id in ["GOOD-1", "GOOD-2"] {
        let docs = tmp.path().join("out/cases").join(id).join("documents");
        assert_eq!(fs::read_dir(&docs).unwrap().count(), 1, "{id}: its service agreement rendered");
    }
    assert!(stdout.contains("2 written, 0 unchanged, 3 failed"), "{stdout}");
    let runs: Vec<_> = fs::read_dir(tmp.path().join("out/runs")).unwrap().collect();
    assert_eq!(runs.len(), 1, "one run record");
}

#[test]
fn run_renders_the_configured_folders_and_json_reports_every_item() {
    let tmp = tempfile::tempdir().unwrap();
    fs::create_dir(tmp.path().join("cases")).unwrap();
    fs::write(tmp.path().join("cases/one.json"), minimal_json("RUN-1").to_string()).unwrap();
    fs::write(tmp.path().join("casepress.toml"), "[service]\nname = \"Testshire YJS\"\n").unwrap();
    let out = casepress(&["run", "--json", "--date", "2026-11-23"], tmp.path());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let items = report["render"]["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["outcome"], "written");
    assert_eq!(items[0]["kind"], "service-agreement");
    let pdf = Path::new(items[0]["path"].as_str().unwrap());
    assert!(
        pdf_text(&tmp.path().join(pdf)).contains("Testshire YJS") || pdf_text(pdf).contains("Testshire YJS")
    );
}

#[test]
fn could_not_run_is_exit_2_with_the_reason() {
    let tmp = tempfile::tempdir().unwrap();
    let out = casepress(&["run", "missing.toml"], tmp.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("missing.toml: cannot read"), "{}", text(&out.stderr));

    fs::write(tmp.path().join("bad.toml"), "[service]\nnmae = 1\n").unwrap();
    let out = casepress(&["run", "bad.toml"], tmp.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("unknown field `nmae`"), "{}", text(&out.stderr));

    let out = casepress(&["render", "nowhere"], tmp.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("nowhere: cannot read"), "{}", text(&out.stderr));
}

#[test]
fn schema_prints_the_json_schema() {
    let out = casepress(&["schema"], Path::new("."));
    assert!(out.status.success());
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(schema["title"], "Case");
    assert!(schema["required"].as_array().unwrap().iter().any(|r| r == "case_id"));
}

#[test]
fn exported_templates_can_be_edited_and_used_with_templates_dir() {
    let tmp = tempfile::tempdir().unwrap();
    let out = casepress(&["templates", "export", "tpl"], tmp.path());
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(tmp.path().join("tpl/psr.typ.j2").exists());
    assert!(tmp.path().join("tpl/layout.typ").exists());
    let again = casepress(&["templates", "export", "tpl"], tmp.path());
    assert!(
        again.status.success() && text(&again.stdout).contains("kept"),
        "export never overwrites: it keeps"
    );

    let sa = tmp.path().join("tpl/service-agreement.typ.j2");
    let edited =
        fs::read_to_string(&sa).unwrap().replace("= Sharing information", "= How we share information");
    fs::write(&sa, edited).unwrap();
    fs::write(tmp.path().join("c.json"), minimal_json("TPL-1").to_string()).unwrap();
    let out = casepress(&["render", "c.json", "--templates", "tpl", "--out", "out", "--json"], tmp.path());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let pdf = tmp.path().join(report["items"][0]["path"].as_str().unwrap());
    assert!(pdf_text(&pdf).contains("How we share information"));
}

#[test]
fn run_renders_the_samples_and_files_their_inbox() {
    let tmp = tempfile::tempdir().unwrap();
    let copy = |from: &Path, to: &Path| {
        fs::create_dir_all(to).unwrap();
        for entry in fs::read_dir(from).unwrap().flatten() {
            fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    };
    let samples = samples();
    copy(&samples.join("cases"), &tmp.path().join("samples/cases"));
    copy(&samples.join("caseload"), &tmp.path().join("samples/caseload"));
    // The generator writes exactly `samples/inbox/`.
    statement_pdfs::write_sample_inbox(&tmp.path().join("samples/inbox"));
    fs::copy(samples.join("casepress.toml"), tmp.path().join("samples/casepress.toml")).unwrap();
    fs::copy(samples.join("board-attendance.csv"), tmp.path().join("samples/board-attendance.csv")).unwrap();
    let out = casepress(&["run", "samples/casepress.toml", "--date", "2026-11-23"], tmp.path());
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{}", text(&out.stderr));
    assert!(stdout.contains("0 failed. Run record"), "{stdout}");
    assert!(stdout.contains("Filing statements from"), "{stdout}");
    assert!(stdout.contains("SAFETY LINK assigned"), "{stdout}");
    assert!(
        stdout.contains("7 assigned (1 Safety Link), 2 unidentified, 5 unreadable, 1 duplicate"),
        "{stdout}"
    );
    // The run files a copy of the sample inbox, made under the output folder.
    let left: Vec<_> =
        fs::read_dir(tmp.path().join("out/inbox")).unwrap().flatten().map(|e| e.file_name()).collect();
    assert_eq!(
        left,
        vec![std::ffi::OsString::from("portal-20441.pdf.part")],
        "only the partial download stays"
    );
    assert!(tmp.path().join("out/escalations").read_dir().unwrap().count() >= 2);
    assert!(stdout.contains("Board report for"), "{stdout}");
    // Mason (NYJS-2026-0088) turns 18 on 10 Dec 2026, within 30 days, but
    // his risk summary is not final yet: a notice, not an empty bundle.
    assert!(stdout.contains("Y2A for NYJS-2026-0088 not ready: no final risk summary"), "{stdout}");
    assert!(!tmp.path().join("out/exports").exists(), "no bundle without what it must hold");
    assert!(tmp.path().join("out/board").read_dir().unwrap().count() == 1, "one quarter's board folder");
}

#[test]
fn worker_processes_render_what_one_process_does_and_a_crashing_case_fails_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let lines: String = (1..=5).map(|n| format!("{}\n", minimal_json(&format!("W-{n}")))).collect();
    fs::write(tmp.path().join("cases.ndjson"), lines).unwrap();
    let render = |out: &str, jobs: &str, failpoint: Option<&str>| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_casepress"));
        cmd.args(["render", "cases.ndjson", "--date", "2026-11-23", "--json", "--jobs", jobs, "--out", out]);
        cmd.current_dir(tmp.path());
        if let Some(name) = failpoint {
            cmd.env("CASEPRESS_FAILPOINT", name);
        }
        let out = cmd.output().unwrap();
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let items: Vec<(String, String, String)> = report["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                let detail = i["sha256"].as_str().or(i["reason"].as_str()).unwrap_or_default();
                (
                    i["case_id"].as_str().unwrap().to_owned(),
                    i["outcome"].as_str().unwrap().to_owned(),
                    detail.into(),
                )
            })
            .collect();
        (out.status.code(), items)
    };

    let (code, one) = render("one", "1", None);
    assert_eq!(code, Some(0));
    let (code, three) = render("three", "3", None);
    assert_eq!(code, Some(0));
    assert_eq!(one, three, "three worker processes: the same documents, in the same order");
    // Workers receive each case as JSON from the parent: its input hash is
    // unchanged by the trip, so a re-run in processes renders nothing.
    let (code, again) = render("one", "2", None);
    assert_eq!(code, Some(0));
    assert!(again.iter().all(|(_, outcome, _)| outcome == "unchanged"), "{again:?}");

    // A case that kills its worker process is tried once more on a fresh
    // worker, alone, then failed; every other case is rendered.
    let (code, crashed) = render("crashed", "2", Some("render:W-3"));
    assert_eq!(code, Some(1), "{crashed:?}");
    let failed: Vec<_> = crashed.iter().filter(|(_, outcome, _)| outcome == "failed").collect();
    assert_eq!(failed.len(), 1, "{crashed:?}");
    assert_eq!(failed[0].0, "W-3");
    assert!(failed[0].2.contains("the worker process rendering it stopped"), "{}", failed[0].2);
    // A case its dying worker had already stored is found unchanged on retry.
    let others: Vec<_> = crashed.iter().filter(|(id, _, _)| id != "W-3").collect();
    assert_eq!(others.len(), 4, "{crashed:?}");
    assert!(
        others.iter().all(|(_, outcome, _)| outcome == "written" || outcome == "unchanged"),
        "{others:?}"
    );
    for n in [1, 2, 4, 5] {
        let docs = tmp.path().join(format!("crashed/cases/W-{n}/documents"));
        assert_eq!(fs::read_dir(&docs).unwrap().count(), 1, "W-{n}: its service agreement");
    }
}

#[test]
fn a_typst_error_names_the_document_its_stage_and_how_to_see_the_source() {
    let tmp = tempfile::tempdir().unwrap();
    assert!(casepress(&["templates", "export", "tpl"], tmp.path()).status.success());
    let sa = tmp.path().join("tpl/service-agreement.typ.j2");
    fs::write(&sa, format!("{}\n#no-such-function()\n", fs::read_to_string(&sa).unwrap())).unwrap();
    fs::write(tmp.path().join("c.json"), minimal_json("TPL-2").to_string()).unwrap();
    let out = casepress(&["render", "c.json", "--templates", "tpl", "--out", "out", "--json"], tmp.path());
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let item = &report["items"][0];
    assert_eq!(item["outcome"], "failed");
    assert_eq!(item["stage"], "typeset");
    let reason = item["reason"].as_str().unwrap();
    assert!(reason.contains("TPL-2/service-agreement.typ:"), "{reason}");
    assert!(reason.contains("--typst-dir"), "{reason}");
    // The run record keeps the stage, so a morning's failures can be filtered.
    let record = files_under(&tmp.path().join("out/runs")).remove(0);
    let record: serde_json::Value = serde_json::from_slice(&fs::read(record).unwrap()).unwrap();
    assert_eq!(record["items"][0]["stage"], "typeset");
}

#[test]
fn issue_12_8_everything_written_is_owner_only_whatever_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("c.json"), minimal_json("UMASK-1").to_string()).unwrap();
    fs::create_dir(tmp.path().join("loose")).unwrap();
    fs::set_permissions(tmp.path().join("loose"), fs::Permissions::from_mode(0o777)).unwrap();
    let script = format!(
        "umask 000; exec {} render c.json --out loose/out --typst-dir loose/typst --date 2026-11-23",
        env!("CARGO_BIN_EXE_casepress")
    );
    let out = Command::new("sh").args(["-c", &script]).current_dir(tmp.path()).output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let mut checked = 0;
    for entry in walkdir::WalkDir::new(tmp.path().join("loose")).min_depth(1) {
        let entry = entry.unwrap();
        let mode = entry.metadata().unwrap().permissions().mode() & 0o777;
        let expected = if entry.file_type().is_dir() { 0o700 } else { 0o600 };
        assert_eq!(mode, expected, "{}", entry.path().display());
        checked += 1;
    }
    assert!(checked > 5, "the typst sources, the PDF, the case log and the run record were checked");
}

#[test]
fn issue_12_10_and_15_render_sweeps_crash_leftovers_and_one_render_at_a_time() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("c.json"), minimal_json("SWEEP-1").to_string()).unwrap();
    let docs = tmp.path().join("out/cases/SWEEP-1/documents");
    fs::create_dir_all(&docs).unwrap();
    let leftover = docs.join(".SWEEP-1_service-agreement_2026-11-23_draft.pdf.tmp-999-0");
    fs::write(&leftover, b"%PDF-1.7 half a child's document").unwrap();

    // A render already holds the output folder: a second is refused.
    fs::create_dir_all(tmp.path().join("out")).unwrap();
    let held = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(tmp.path().join("out/render.lock"))
        .unwrap();
    held.lock().unwrap();
    let refused = casepress(&["render", "c.json", "--out", "out", "--date", "2026-11-23"], tmp.path());
    assert_eq!(refused.status.code(), Some(2));
    assert!(text(&refused.stderr).contains("another render"), "{}", text(&refused.stderr));
    drop(held);

    let out = casepress(&["render", "c.json", "--out", "out", "--date", "2026-11-23"], tmp.path());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(!leftover.exists(), "the partial PDF is removed");
}

#[test]
fn issue_12_13_a_run_record_that_cannot_be_written_still_gives_the_summary() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("c.json"), minimal_json("REC-1").to_string()).unwrap();
    fs::create_dir(tmp.path().join("out")).unwrap();
    // `runs` is a file, so the record cannot be written (as on a full disk).
    fs::write(tmp.path().join("out/runs"), b"").unwrap();
    let out = casepress(&["render", "c.json", "--out", "out", "--date", "2026-11-23"], tmp.path());
    assert_eq!(out.status.code(), Some(1), "every item done, the record not: exit 1, not 2");
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("wrote      REC-1 service-agreement") && stdout.contains("1 written"),
        "{stdout}"
    );
    assert!(text(&out.stderr).contains("the run record could not be written"), "{}", text(&out.stderr));
}

#[test]
fn issue_12_7_a_looping_pattern_or_template_fails_its_item_and_a_bad_logo_stops_at_start() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("c.json"), minimal_json("LOOP-1").to_string()).unwrap();
    let forever = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}";
    fs::write(tmp.path().join("naming.toml"), format!("[naming]\ndocument = \"{forever}x.pdf\"\n")).unwrap();
    let out =
        casepress(&["render", "c.json", "--config", "naming.toml", "--out", "o1", "--json"], tmp.path());
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["items"][0]["stage"], "template");
    assert!(report["items"][0]["reason"].as_str().unwrap().contains("fuel"), "{report:#}");

    assert!(casepress(&["templates", "export", "tpl"], tmp.path()).status.success());
    let sa = tmp.path().join("tpl/service-agreement.typ.j2");
    fs::write(&sa, format!("{forever}{}", fs::read_to_string(&sa).unwrap())).unwrap();
    let out = casepress(&["render", "c.json", "--templates", "tpl", "--out", "o2", "--json"], tmp.path());
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["items"][0]["stage"], "template", "{report:#}");

    fs::write(tmp.path().join("logo.png"), b"this is not a picture").unwrap();
    fs::write(tmp.path().join("logo.toml"), "[service]\nlogo = \"logo.png\"\nlogo_alt = \"Logo\"\n").unwrap();
    let out = casepress(&["render", "c.json", "--config", "logo.toml", "--out", "o3"], tmp.path());
    assert_eq!(out.status.code(), Some(2), "stopped at start-up");
    assert!(
        text(&out.stderr).contains("logo.png: the service logo is not an image"),
        "{}",
        text(&out.stderr)
    );
    assert!(!tmp.path().join("o3/cases").exists(), "no document was attempted");
}

#[test]
fn issue_12_5_huge_case_text_fails_its_case_by_name_and_a_crash_never_takes_the_batch_down() {
    let tmp = tempfile::tempdir().unwrap();
    let mut huge = minimal_json("HUGE-1");
    huge["child"]["first_name"] = "A".repeat(1 << 20).into();
    let lines = [minimal_json("OK-1"), huge, minimal_json("CRASH-1"), minimal_json("OK-2")];
    let ndjson: String = lines.iter().map(|c| format!("{c}\n")).collect();
    fs::write(tmp.path().join("cases.ndjson"), ndjson).unwrap();
    // `--jobs 1`, the default on a one-core machine: a case that aborts its
    // worker fails alone, and the batch and its run record complete.
    let out = Command::new(env!("CARGO_BIN_EXE_casepress"))
        .args(["render", "cases.ndjson", "--out", "out", "--jobs", "1", "--json", "--date", "2026-11-23"])
        .env("CASEPRESS_FAILPOINT", "render:CRASH-1")
        .current_dir(tmp.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let failed: Vec<&serde_json::Value> =
        report["items"].as_array().unwrap().iter().filter(|i| i["outcome"] == "failed").collect();
    assert_eq!(failed.len(), 2, "{report:#}");
    let huge = failed.iter().find(|i| i["stage"] == "load").unwrap();
    let reason = huge["reason"].as_str().unwrap();
    assert!(reason.contains("child.first_name") && reason.contains("expected at most 50000"), "{reason}");
    let crashed = failed.iter().find(|i| i["stage"] == "worker").unwrap();
    assert_eq!(crashed["case_id"], "CRASH-1");
    for id in ["OK-1", "OK-2"] {
        assert!(tmp.path().join("out/cases").join(id).join("documents").exists(), "{id} rendered");
    }
    assert_eq!(fs::read_dir(tmp.path().join("out/runs")).unwrap().count(), 1, "a run record");
}

#[test]
fn issue_13_8_errors_a_newcomer_can_act_on() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let out = casepress(&["render", "c.json", "--date", "23/11/2026"], dir);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("`23/11/2026` is not a date: expected YYYY-MM-DD"),
        "{}",
        text(&out.stderr)
    );

    let mut case = minimal_json("ERR-1");
    case["child"]["date_of_birth"] = "19/05/2012".into();
    fs::write(dir.join("c.json"), serde_json::to_string_pretty(&case).unwrap()).unwrap();
    let out = casepress(&["check", "c.json"], dir);
    assert!(
        text(&out.stdout).contains(
            "`child.date_of_birth`: input contains invalid characters: expected a date as YYYY-MM-DD"
        ),
        "{}",
        text(&out.stdout)
    );
    case["child"]["date_of_birth"] = "2012-05-19".into();
    case["assessment"] = serde_json::json!({"tool": "AssetPlus", "date": "2026-01-01", "asset_score": 0,
        "reoffending": "low", "serious_harm": "low", "safety_wellbeing": "low"});
    for bad in [serde_json::json!(300), serde_json::json!(-1), serde_json::json!(65)] {
        case["assessment"]["asset_score"] = bad.clone();
        fs::write(dir.join("c.json"), case.to_string()).unwrap();
        let out = casepress(&["check", "c.json"], dir);
        assert!(
            text(&out.stdout)
                .contains(&format!("ASSET score {bad} is out of range: expected 0 to 64 (a whole number)")),
            "{}",
            text(&out.stdout)
        );
    }

    fs::create_dir(dir.join("cases")).unwrap();
    let out = casepress(&["run", "cases"], dir);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("`run` takes a config file")
            && text(&out.stderr).contains("casepress render cases"),
        "{}",
        text(&out.stderr)
    );
    let out = casepress(&["run", "c.json"], dir);
    assert!(text(&out.stderr).contains("`run` takes a config file"), "{}", text(&out.stderr));

    let out = casepress(&["render", "cases", "--out", "out"], dir);
    assert_eq!(out.status.code(), Some(1), "no case files is not success");
    assert!(text(&out.stderr).contains("no case files were found"), "{}", text(&out.stderr));
    assert!(!text(&out.stderr).contains("note:"), "no note about a letterhead nothing carries");

    assert!(casepress(&["templates", "export", "tpl"], dir).status.success());
    fs::write(dir.join("tpl/psr.typ.j2"), "my own").unwrap();
    let again = casepress(&["templates", "export", "tpl"], dir);
    assert!(again.status.success());
    assert!(
        text(&again.stdout).contains("kept") && text(&again.stdout).contains("psr.typ.j2"),
        "{}",
        text(&again.stdout)
    );
    assert_eq!(fs::read_to_string(dir.join("tpl/psr.typ.j2")).unwrap(), "my own", "kept as it was");
}

/// `casepress ARGS` in `cwd` with `CASEPRESS_CONFIG` as given (unset when
/// `None`, whatever the test's own environment holds).
fn casepress_env(args: &[&str], cwd: &Path, config_env: Option<&Path>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_casepress"));
    command.args(args).current_dir(cwd).env_remove("CASEPRESS_CONFIG").env_remove("RUST_LOG");
    if let Some(path) = config_env {
        command.env("CASEPRESS_CONFIG", path);
    }
    command.output().unwrap()
}

/// A service folder: `casepress.toml` (cases in `cases/`, output in `out/`)
/// and one case, NYJS-0001, with a nested folder below it to work from.
fn service(dir: &Path) -> std::path::PathBuf {
    fs::create_dir_all(dir.join("cases/nested/deeper")).unwrap();
    fs::write(dir.join("casepress.toml"), "[paths]\ncases = [\"cases\"]\noutput = \"out\"\n").unwrap();
    fs::write(dir.join("cases/one.json"), minimal_json("NYJS-0001").to_string()).unwrap();
    dir.join("cases/nested/deeper")
}

#[test]
fn issue_28_2_the_config_is_found_by_flag_environment_working_folder_and_folders_above() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("service");
    let nested = service(&root);
    let elsewhere = tmp.path().join("elsewhere");
    fs::create_dir(&elsewhere).unwrap();

    // From a folder two levels below the config: found above, and -v says so.
    let out = casepress_env(&["-v", "status", "NYJS-0001"], &nested, None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).starts_with("NYJS-0001"), "{}", text(&out.stdout));
    assert!(
        text(&out.stderr).contains(&format!(
            "config: {} (found in a folder above the working folder)",
            root.join("casepress.toml").display()
        )),
        "{}",
        text(&out.stderr)
    );
    // In the service's folder: the working folder's.
    let out = casepress_env(&["-v", "status", "NYJS-0001"], &root, None);
    assert!(
        text(&out.stderr).contains("config: casepress.toml (in the working folder)"),
        "{}",
        text(&out.stderr)
    );

    // From elsewhere: CASEPRESS_CONFIG, then --config, which wins over it.
    let config = root.join("casepress.toml");
    let out = casepress_env(&["-v", "status", "NYJS-0001"], &elsewhere, Some(&config));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("(named by CASEPRESS_CONFIG)"), "{}", text(&out.stderr));
    let gone = tmp.path().join("gone.toml");
    let out = casepress_env(&["status", "NYJS-0001"], &elsewhere, Some(&gone));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("gone.toml: config file not found (CASEPRESS_CONFIG names it)"),
        "{}",
        text(&out.stderr)
    );
    let flag = config.to_str().unwrap();
    let out = casepress_env(&["-v", "status", "NYJS-0001", "--config", flag], &elsewhere, Some(&gone));
    assert_eq!(out.status.code(), Some(0), "--config comes before the variable: {}", text(&out.stderr));
    assert!(text(&out.stderr).contains("(given on the command line)"), "{}", text(&out.stderr));

    // `run` takes its config the same way: from the nested folder, no argument.
    let out = casepress_env(&["run", "--date", "2026-11-23", "--json"], &nested, None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(root.join("out/cases/NYJS-0001").is_dir(), "written where the found config says");
    // ... and as every other verb does, with --config; not both.
    let out = casepress_env(&["run", "--config", flag, "--date", "2026-11-23", "--json"], &elsewhere, None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = casepress_env(&["run", flag, "--config", flag], &elsewhere, None);
    assert_eq!(out.status.code(), Some(2), "one config, named once");
}

#[test]
fn issue_28_2_no_config_is_said_as_such_and_an_unknown_case_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let out =
        casepress_env(&["submit", "NYJS-2026-0117", "psr", "--by", "Priya Natarajan"], tmp.path(), None);
    assert_eq!(out.status.code(), Some(2));
    let said = text(&out.stderr);
    assert!(said.contains("no config: no casepress.toml in this folder or any folder above it"), "{said}");
    assert!(!said.contains("cannot read"), "{said}");
    let out = casepress_env(&["run"], tmp.path(), None);
    assert!(text(&out.stderr).contains("no config:"), "{}", text(&out.stderr));
    let out = casepress_env(&["status", "NYJS-0001"], tmp.path(), None);
    assert!(text(&out.stderr).contains("or name the case files with --cases"), "{}", text(&out.stderr));

    let root = tmp.path().join("service");
    service(&root);
    let out = casepress_env(&["status", "NYJS-0002"], &root, None);
    assert_eq!(out.status.code(), Some(2), "a case that is not there is an error");
    assert!(
        text(&out.stderr).contains("no case `NYJS-0002` among the 1 case loaded from cases")
            && text(&out.stderr).contains("did you mean `NYJS-0001`?"),
        "{}",
        text(&out.stderr)
    );
    assert!(text(&out.stdout).is_empty(), "{}", text(&out.stdout));
    let out = casepress_env(&["status", "NYJS-0999", "--json"], &root, None);
    assert_eq!((out.status.code(), text(&out.stdout)), (Some(2), String::new()));
    let out = casepress_env(&["submit", "NYJS-0999", "psr", "--by", "Ann Case"], &root, None);
    assert_eq!(out.status.code(), Some(2), "the same for every step");
}

#[test]
fn issue_28_2_each_verbs_help_lists_only_the_options_it_uses() {
    let tmp = tempfile::tempdir().unwrap();
    let help = |args: &[&str]| {
        let out = casepress_env(args, tmp.path(), None);
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        text(&out.stdout)
    };
    let has = |help: &str, option: &str| {
        help.contains(&format!("  {option} ")) || help.contains(&format!(" {option} <"))
    };
    let final_ = help(&["final", "--help"]);
    assert!(!has(&final_, "--to") && has(&final_, "--date"), "{final_}");
    let sent = help(&["sent", "--help"]);
    assert!(sent.contains("--to <NAME> <CASE_ID>"), "sent's --to is required, in the usage: {sent}");
    let start = help(&["start", "--help"]);
    assert!(!has(&start, "--now") && !has(&start, "--test-clock"), "start records no time: {start}");
    let status = help(&["status", "--help"]);
    assert!(!has(&status, "--now") && has(&status, "--cases"), "{status}");
    let attach = help(&["statements", "attach", "--help"]);
    assert!(!has(&attach, "--inbox") && has(&attach, "--now"), "{attach}");
    for verb in ["file", "status"] {
        let page = help(&["statements", verb, "--help"]);
        assert!(has(&page, "--inbox"), "{page}");
        assert!(!page.contains("report time for"), "no other verb's words: {page}");
    }
    let out = casepress_env(&["final", "X", "psr", "--by", "A", "--to", "Court"], tmp.path(), None);
    assert_eq!(out.status.code(), Some(2), "--to is refused, not ignored");
    let out = casepress_env(&["sent", "X", "psr", "--by", "A"], tmp.path(), None);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--to <NAME>"), "{}", text(&out.stderr));
}

#[test]
fn issue_28_2_quiet_and_verbose() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::write(dir.join("c.json"), minimal_json("NYJS-0001").to_string()).unwrap();
    let render = |flag: &str| {
        let mut args = vec!["render", "c.json", "--kind", "service-agreement", "--out", "out", "--jobs", "1"];
        if !flag.is_empty() {
            args.insert(0, flag);
        }
        casepress_env(&args, dir, None)
    };
    let plain = render("");
    assert!(plain.status.success(), "{}", text(&plain.stderr));
    assert!(text(&plain.stderr).contains("note: no casepress.toml here"), "{}", text(&plain.stderr));
    let quiet = render("-q");
    assert!(quiet.status.success());
    assert_eq!(text(&quiet.stderr), "", "-q: no note");
    assert!(
        text(&quiet.stdout).contains("0 written, 1 unchanged, 0 failed"),
        "the report stays: {}",
        text(&quiet.stdout)
    );
    let verbose = render("-v");
    assert!(
        text(&verbose.stderr).contains("config: none found, the built-in defaults"),
        "{}",
        text(&verbose.stderr)
    );
    let both = casepress_env(&["-q", "-v", "schema"], dir, None);
    assert_eq!(both.status.code(), Some(2), "-q and -v together is a usage error");
}

#[test]
fn issue_28_2_completions_and_man_page_come_from_the_definition() {
    let tmp = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = casepress_env(&["completions", shell], tmp.path(), None);
        assert!(out.status.success(), "{shell}");
        let script = text(&out.stdout);
        assert!(script.contains("casepress") && script.contains("statements"), "{shell}: {script}");
    }
    let bash = text(&casepress_env(&["completions", "bash"], tmp.path(), None).stdout);
    assert!(bash.contains("--test-clock") && bash.contains("--quiet"), "every option is offered");
    let page = casepress_env(&["man"], tmp.path(), None);
    assert!(page.status.success());
    assert!(
        text(&page.stdout).starts_with(".ie \\n(.g .ds Aq") || text(&page.stdout).contains(".TH casepress"),
        "{}",
        text(&page.stdout)
    );
    let out = casepress_env(&["man", "--out", "man"], tmp.path(), None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let render = fs::read_to_string(tmp.path().join("man/casepress-render.1")).unwrap();
    assert!(render.contains("\\-\\-kind"), "{render}");
}

#[test]
fn issue_28_2_every_documented_exit_code_is_what_the_binary_gives() {
    // docs/reference/commands.md, "Exit codes": one row each.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let code = |args: &[&str]| casepress_env(args, dir, None).status.code();

    // 0: done.
    assert_eq!(code(&["schema"]), Some(0));
    // 1: an item needs action. A damaged ledger line (a write cut short).
    let ledger = dir.join("out/statements/ledger.jsonl");
    fs::create_dir_all(ledger.parent().unwrap()).unwrap();
    fs::write(&ledger, "{\"stage\":\"done\",\"decision\":{\"sha2").unwrap();
    let out = casepress_env(&["statements", "status", "--out", "out"], dir, None);
    assert_eq!(out.status.code(), Some(1), "{}{}", text(&out.stdout), text(&out.stderr));
    assert!(text(&out.stdout).contains("DAMAGED LEDGER LINES"), "{}", text(&out.stdout));
    let out = casepress_env(&["statements", "status", "--out", "out", "--json"], dir, None);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["damaged_ledger_lines"][0]["line"], 1, "{json:#}");
    // 1: a case that could not be loaded.
    fs::write(dir.join("bad.json"), "{").unwrap();
    assert_eq!(code(&["check", "bad.json"]), Some(1));
    // 2: could not run: a usage error, a config that cannot be read, a
    // missing input.
    assert_eq!(code(&["render"]), Some(2));
    assert_eq!(code(&["render", "c.json", "--config", "missing.toml"]), Some(2));
    assert_eq!(code(&["check", "nowhere"]), Some(2));
}
