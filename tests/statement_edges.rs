//! Filing at the edges, tried as an attacker and an unlucky admin would:
//! files changed in the inbox mid-run, re-filing, torn appends, sidecars,
//! odd inbox entries. Each test names the issue item it reproduces.

mod common;
#[path = "support/statement_pdfs.rs"]
mod statement_pdfs;
#[path = "support/workspace.rs"]
mod workspace;

use std::fs;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use statement_pdfs::*;
use workspace::*;

fn jay(id: &str) -> Statement {
    Statement::new(id, "Jay", "14/06/2009", "20/11/2026 21:40")
}

/// Starts `statements file` paused at the step `at`; returns when it is there.
fn file_paused_at(ws: &Workspace, at: &str) -> (Child, std::path::PathBuf) {
    let flag = ws.path().join("paused");
    let child = Command::new(env!("CARGO_BIN_EXE_casepress"))
        .args(["statements", "file", "--now", NOW, "--json"])
        .current_dir(ws.path())
        .env("CASEPRESS_PAUSE", at)
        .env("CASEPRESS_PAUSE_FILE", &flag)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let until = Instant::now() + Duration::from_secs(30);
    while !flag.exists() {
        assert!(Instant::now() < until, "the run never reached {at}");
        std::thread::sleep(Duration::from_millis(10));
    }
    (child, flag)
}

fn resume(child: Child, flag: &Path) -> serde_json::Value {
    fs::remove_file(flag).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.code().is_some_and(|c| c < 2), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn issue_12_1_a_file_replaced_or_rewritten_during_filing_stays_for_the_next_run() {
    for how in ["saved over", "rewritten in place"] {
        let ws = Workspace::new();
        ws.put("a.pdf", &statement_pdf(&jay("MOMO-OLD"), Layout::Lines));
        let (child, flag) = file_paused_at(&ws, "after-done");
        let newer = statement_pdf(&jay("MOMO-NEW"), Layout::Lines);
        match how {
            "saved over" => {
                fs::write(ws.inbox().join(".a.pdf.crdownload"), &newer).unwrap();
                fs::rename(ws.inbox().join(".a.pdf.crdownload"), ws.inbox().join("a.pdf")).unwrap();
            }
            _ => fs::write(ws.inbox().join("a.pdf"), &newer).unwrap(),
        }
        let report = resume(child, &flag);
        assert_eq!(report["items"][0]["outcome"], "assigned", "{how}: {report:#}");
        assert!(report["items"][0]["detail"].as_str().unwrap().contains("left for the next run"), "{how}");
        assert_eq!(
            fs::read(ws.inbox().join("a.pdf")).unwrap(),
            newer,
            "{how}: the newer file is not deleted"
        );

        // The next run files it.
        let again = ws.report();
        assert_eq!(again["items"][0]["statement_id"], "MOMO-NEW", "{how}: {again:#}");
        assert_eq!(again["items"][0]["outcome"], "assigned", "{how}");
        assert!(!ws.inbox().join("a.pdf").exists(), "{how}");
    }
}

#[test]
fn issue_12_4_every_sidecar_goes_where_its_pdf_goes() {
    let ws = Workspace::new();
    // An unreadable statement with a sidecar: both quarantined.
    ws.put("u.pdf", &broken(Broken::Truncated));
    ws.put("u.json", br#"{"child_id": "NYJS-2026-0117"}"#);
    // A filed statement, then the same PDF again with a sidecar: the
    // duplicate's sidecar is kept beside the filed copy.
    ws.put("a.pdf", &statement_pdf(&jay("MOMO-S"), Layout::Lines));
    ws.report();
    ws.put("a.pdf", &statement_pdf(&jay("MOMO-S"), Layout::Lines));
    ws.put("a.json", br#"{"worker": "Priya Natarajan"}"#);
    let report = ws.report();
    assert_eq!(report["items"][0]["outcome"], "duplicate", "{report:#}");
    assert_eq!(fs::read_dir(ws.inbox()).unwrap().count(), 0, "the inbox is empty");
    let kept: Vec<String> = files_under(&ws.out())
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| p.strip_prefix(ws.out()).unwrap().display().to_string())
        .filter(|p| !p.starts_with("statements/"))
        .collect();
    assert!(kept.iter().any(|p| p.starts_with("quarantine/unreadable/")), "{kept:?}");
    assert!(kept.iter().any(|p| p.contains("/statements/") && p.contains("MOMO-S")), "{kept:?}");
    let side = files_under(&ws.out())
        .into_iter()
        .find(|p| p.starts_with(ws.out().join("cases")) && p.extension().is_some_and(|e| e == "json"))
        .unwrap();
    assert_eq!(fs::read(side).unwrap(), br#"{"worker": "Priya Natarajan"}"#);
}

fn casepress(ws: &Workspace, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_casepress")).args(args).current_dir(ws.path()).output().unwrap()
}

/// Appends bytes with no newline: what a write cut short leaves.
fn tear(path: &Path, fragment: &str) {
    use std::io::Write;
    fs::OpenOptions::new().append(true).open(path).unwrap().write_all(fragment.as_bytes()).unwrap();
}

/// The lines of a JSON-lines file that are records, and those that are not.
fn records_and_damaged(path: &Path) -> (Vec<serde_json::Value>, usize) {
    let text = fs::read_to_string(path).unwrap();
    let parsed: Vec<_> = text.lines().map(serde_json::from_str::<serde_json::Value>).collect();
    let damaged = parsed.iter().filter(|p| p.is_err()).count();
    (parsed.into_iter().filter_map(Result::ok).collect(), damaged)
}

#[test]
fn issue_12_3_an_append_after_a_torn_write_is_whole_and_the_damage_is_reported() {
    let ws = Workspace::new();
    ws.put("a.pdf", &statement_pdf(&jay("MOMO-T1"), Layout::Lines));
    let first = ws.report();
    let case_id = first["items"][0]["case_id"].as_str().unwrap().to_owned();
    let ledger = ws.out().join("statements/ledger.jsonl");
    let case_log = ws.out().join("cases").join(&case_id).join("case-log.jsonl");
    tear(&ledger, "{\"stage\":\"done\",\"decision\":{\"sha2");
    tear(&case_log, "{\"event\":\"statement\",\"at\":\"2026");

    let mut s = jay("MOMO-T2");
    s.safety_link = true;
    ws.put("b.pdf", &statement_pdf(&s, Layout::Lines));
    assert_eq!(ws.report()["items"][0]["outcome"], "assigned");

    // Nothing glued: every record is whole, and the fragment is one damaged line.
    let (records, damaged) = records_and_damaged(&ledger);
    assert_eq!((records.len(), damaged), (4, 1), "begun and done for each statement, one fragment");
    let (entries, damaged) = records_and_damaged(&case_log);
    assert_eq!(damaged, 1);
    assert!(entries.iter().any(|e| e["statement_id"] == "MOMO-T2"), "the new receipt is whole");

    // `status` lists the Safety Link and reports the damaged ledger line.
    let out = casepress(&ws, &["statements", "status", "--json", "--now", NOW]);
    let status: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(status["safety_link"].as_array().unwrap().iter().any(|i| i["statement"] == "MOMO-T2"));
    assert_eq!(status["damaged_ledger_lines"][0]["line"], 3, "{status:#}");
    assert_eq!(out.status.code(), Some(1), "damage needs action");
}

#[test]
fn issue_12_3_a_receipt_lost_from_a_case_log_is_restored_and_export_refuses_until_then() {
    let ws = Workspace::new();
    ws.put("a.pdf", &statement_pdf(&jay("MOMO-R1"), Layout::Lines));
    let case_id = ws.report()["items"][0]["case_id"].as_str().unwrap().to_owned();
    // An older version glued the receipt onto a torn line: the receipt is lost.
    let case_log = ws.out().join("cases").join(&case_id).join("case-log.jsonl");
    let text = fs::read_to_string(&case_log).unwrap();
    fs::write(&case_log, format!("{{\"event\":\"docu{text}")).unwrap();
    assert_eq!(records_and_damaged(&case_log).0.len(), 0);

    let export = |ws: &Workspace| {
        casepress(ws, &["export", &case_id, "--purpose", "transfer", "--from", "out", "--json"])
    };
    let refused = export(&ws);
    assert_eq!(refused.status.code(), Some(1));
    let items: serde_json::Value = serde_json::from_slice(&refused.stdout).unwrap();
    let reason = items[0]["failed"].as_str().unwrap();
    assert!(reason.contains("missing from its case log") && reason.contains("MOMO-R1"), "{reason}");

    // The next filing run restores the receipt from the ledger; then the export holds the statement.
    ws.report();
    assert!(records_and_damaged(&case_log).0.iter().any(|e| e["statement_id"] == "MOMO-R1"));
    let exported = export(&ws);
    assert_eq!(exported.status.code(), Some(0), "{}", String::from_utf8_lossy(&exported.stdout));
    let bundle: serde_json::Value = serde_json::from_slice(&exported.stdout).unwrap();
    let zip = fs::File::open(ws.path().join(bundle[0]["bundle"].as_str().unwrap())).unwrap();
    let names: Vec<String> = zip::ZipArchive::new(zip).unwrap().file_names().map(str::to_owned).collect();
    assert!(names.iter().any(|n| n.starts_with("statements/") && n.contains("MOMO-R1")), "{names:?}");
}
