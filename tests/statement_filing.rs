//! Filing received statements: outcomes by the book (the Bradford MOMO standards and the MOMO One/Express standards),
//! idempotent re-runs, a lock against concurrent runs, and crash safety: the
//! process is killed at every step, and at random instants, and re-run.

mod common;
#[path = "support/statement_pdfs.rs"]
mod statement_pdfs;
#[path = "support/workspace.rs"]
mod workspace;

use std::collections::BTreeMap;
use std::fs;

use std::process::{Command, Stdio};
use std::time::Duration;

use common::*;
use statement_pdfs::*;
use workspace::*;

fn jay(id: &str) -> Statement {
    Statement::new(id, "Jay", "14/06/2009", "20/11/2026 21:40")
}

/// A small inbox exercising every outcome.
fn mixed_inbox(ws: &Workspace) {
    let mut s = jay("MOMO-1");
    s.safety_link = true;
    ws.put("a.pdf", &statement_pdf(&s, Layout::Lines));
    ws.put("a-copy.pdf", &statement_pdf(&s, Layout::Lines));
    ws.put(
        "b.pdf",
        &statement_pdf(&Statement::new("MOMO-2", "Ellie", "19/05/2012", "21/11/2026 10:15"), Layout::Table),
    );
    ws.put(
        "c.pdf",
        &statement_pdf(&Statement::new("MOMO-3", "Nobody", "01/01/2011", "21/11/2026 10:15"), Layout::Kerned),
    );
    ws.put("d.pdf", &broken(Broken::Truncated));
}

fn outcomes(report: &serde_json::Value) -> Vec<(String, String)> {
    report["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["file"].as_str().unwrap().rsplit('/').next().unwrap().to_owned(),
                i["outcome"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn every_outcome_lands_where_the_standards_say() {
    let ws = Workspace::new();
    mixed_inbox(&ws);
    let report = ws.report();
    let got: BTreeMap<String, String> = outcomes(&report).into_iter().collect();
    // `a-copy.pdf` sorts first, so it is filed and `a.pdf` is its duplicate.
    let want: BTreeMap<String, String> = [
        ("a-copy.pdf", "assigned"),
        ("a.pdf", "duplicate"),
        ("b.pdf", "assigned"),
        ("c.pdf", "unidentified"),
        ("d.pdf", "unreadable"),
    ]
    .into_iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(got, want);
    // Safety Link first in the summary (Bradford MOMO standards: actioned immediately).
    assert_eq!(report["items"][0]["safety_link"], true);
    assert_eq!(fs::read_dir(ws.inbox()).unwrap().count(), 0, "everything left the inbox");

    let out = ws.out();
    // Bradford MOMO standards "Re-assigning Statements 1": Priya is away on 23 Nov, so her named cover.
    let log = fs::read_to_string(out.join("cases/NYJS-2026-0117/case-log.jsonl")).unwrap();
    let receipt: serde_json::Value = serde_json::from_str(log.lines().next().unwrap()).unwrap();
    assert_eq!(receipt["event"], "statement");
    assert_eq!(receipt["assigned_to"], "Sarah Bennett");
    assert_eq!(receipt["route"], "cover");
    assert_eq!(receipt["sla_met"], true);
    assert_eq!(receipt["working_minutes"], 120, "Fri 21:40 to Mon 11:00 is 2 working hours");
    assert_eq!(log.lines().count(), 1, "the duplicate was not logged twice");
    let filed = out.join("cases/NYJS-2026-0117/statements/2026-11-20_my-world_MOMO-1.pdf");
    assert_eq!(store_sha(&filed), receipt["sha256"].as_str().unwrap());
    assert!(out.join("cases/NYJS-2026-0117/notes/2026-11-23_statement-receipt_MOMO-1.txt").exists());

    // Safety Link: a notice to the team manager and the service manager.
    let notice = out.join("escalations/2026-11-23_safety-link_MOMO-1.pdf");
    let text = pdf_text(&notice);
    assert!(text.contains("Declan Hughes") && text.contains("Helen Adeyemi"), "{text}");

    // Unidentified: quarantined, never assigned; the vendor note carries the ID only.
    let quarantine = out.join("quarantine/unidentified");
    let vendor: Vec<_> = fs::read_dir(&quarantine)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".vendor-note.txt"))
        .collect();
    let vendor_note = fs::read_to_string(vendor[0].path()).unwrap();
    assert!(vendor_note.contains("MOMO-3"));
    assert!(
        !vendor_note.contains("Nobody") && !vendor_note.contains("2011"),
        "no name, no date of birth: {vendor_note}"
    );
    assert!(!out.join("cases").read_dir().unwrap().flatten().any(|c| {
        fs::read_to_string(c.path().join("case-log.jsonl")).unwrap_or_default().contains("MOMO-3")
    }));

    // Unreadable: quarantined with a reason.
    let reasons: Vec<_> = fs::read_dir(out.join("quarantine/unreadable"))
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".reason.txt"))
        .collect();
    assert!(fs::read_to_string(reasons[0].path()).unwrap().contains("truncated"));
}

#[test]
fn re_running_files_nothing_twice_and_a_re_download_is_a_duplicate() {
    let ws = Workspace::new();
    mixed_inbox(&ws);
    ws.report();
    let before = ws.outputs();
    let second = ws.report();
    assert!(second["items"].as_array().unwrap().is_empty());
    // The same statement downloaded again later is recognised by SHA-256.
    let mut s = jay("MOMO-1");
    s.safety_link = true;
    ws.put("again.pdf", &statement_pdf(&s, Layout::Lines));
    let third = ws.report();
    assert_eq!(outcomes(&third), vec![("again.pdf".to_string(), "duplicate".to_string())]);
    assert_eq!(before, ws.outputs(), "nothing new was written");
}

#[test]
fn a_second_concurrent_run_is_refused() {
    let ws = Workspace::new();
    fs::create_dir_all(ws.out().join("statements")).unwrap();
    let lock = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(ws.out().join("statements/lock"))
        .unwrap();
    lock.lock().unwrap();
    let out = ws.file(&[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("another `casepress statements file` run"));
}

#[test]
fn a_crash_at_every_step_loses_nothing_and_duplicates_nothing() {
    for point in ["after-begun", "after-publish", "after-notes", "after-log", "after-done"] {
        let ws = Workspace::new();
        mixed_inbox(&ws);
        let crashed = ws.file(&[("CASEPRESS_FAILPOINT", point)]);
        assert!(!crashed.status.success(), "{point}: the fail point fired");
        ws.report();
        assert_consistent(&ws, 4);
        // And the outputs equal those of a run that never crashed.
        let clean = Workspace::new();
        mixed_inbox(&clean);
        clean.report();
        assert_eq!(
            ws.outputs().keys().collect::<Vec<_>>(),
            clean.outputs().keys().collect::<Vec<_>>(),
            "{point}"
        );
    }
}

#[test]
fn sigkill_at_random_instants_then_a_rerun_completes_the_work() {
    let ws = Workspace::new();
    for n in 0..12 {
        let mut s = jay(&format!("MOMO-K{n}"));
        s.safety_link = n % 4 == 0;
        ws.put(&format!("k{n}.pdf"), &statement_pdf(&s, Layout::Lines));
    }
    // A simple deterministic generator: no extra dependency, reproducible runs.
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..8 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let delay = Duration::from_millis(seed % 120);
        let mut child = Command::new(env!("CARGO_BIN_EXE_casepress"))
            .args(["statements", "file", "--now", NOW])
            .current_dir(ws.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
    }
    ws.report();
    assert_consistent(&ws, 12);
}

#[test]
fn hostile_files_never_take_over_200_mb() {
    let ws = Workspace::new();
    for (i, kind) in [
        Broken::Truncated,
        Broken::Empty,
        Broken::NotAPdf,
        Broken::PasswordProtected,
        Broken::CompressionBomb,
        Broken::Zipped,
    ]
    .into_iter()
    .enumerate()
    {
        ws.put(&format!("broken-{i}.pdf"), &broken(kind));
    }
    let out = ws.file(&[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(report["items"].as_array().unwrap().iter().all(|i| i["outcome"] == "unreadable"), "{report:#}");
    // Peak resident memory of the finished child processes, in kilobytes.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: getrusage writes into the struct we own.
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    assert!(usage.ru_maxrss < 200 * 1024, "peak RSS {} kB", usage.ru_maxrss);
}

#[test]
fn status_lists_escalations_unidentified_unreadable_and_missed_targets() {
    let ws = Workspace::new();
    mixed_inbox(&ws);
    // Filed a week later: outside the 24-working-hour target (Bradford MOMO standards).
    let out = Command::new(env!("CARGO_BIN_EXE_casepress"))
        .args(["statements", "file", "--now", "2026-11-30 16:00"])
        .current_dir(ws.path())
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("OUTSIDE the 24-working-hour target"));
    ws.put("late.pdf", &statement_pdf(&jay("MOMO-9"), Layout::Lines));
    let status = Command::new(env!("CARGO_BIN_EXE_casepress"))
        .args(["statements", "status", "--now", "2026-12-10 12:00", "--test-clock"])
        .current_dir(ws.path())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&status.stdout);
    assert_eq!(status.status.code(), Some(1), "{text}");
    assert!(text.contains("Safety Link escalations: 1"), "{text}");
    assert!(text.contains("Unidentified, awaiting a decision: 1"), "{text}");
    assert!(text.contains("Unreadable, in quarantine: 1"), "{text}");
    assert!(text.contains("Waiting in the inbox: 1"), "{text}");
    assert!(text.contains("assigned after"), "a missed target is listed: {text}");
}

#[test]
fn bradford_with_the_worker_and_cover_away_the_line_manager_gets_it() {
    let ws = Workspace::new();
    // Gracie's worker, Joanna Pike, is away 16-30 Nov 2026 with no named cover.
    let mut s = Statement::new("MOMO-G1", "Gracie", "11/02/2014", "21/11/2026 16:30");
    s.app = "One";
    ws.put("g.pdf", &statement_pdf(&s, Layout::Incremental));
    ws.report();
    let log = fs::read_to_string(ws.out().join("cases/NYJS-2026-0166/case-log.jsonl")).unwrap();
    let receipt: serde_json::Value = serde_json::from_str(log.lines().next().unwrap()).unwrap();
    assert_eq!(receipt["assigned_to"], "Mark Ellison");
    assert_eq!(receipt["route"], "line-manager");
}

#[test]
fn a_done_line_lost_in_a_crash_is_restored_on_the_next_run() {
    let ws = Workspace::new();
    mixed_inbox(&ws);
    ws.report();
    let ledger = ws.out().join("statements/ledger.jsonl");
    let text = fs::read_to_string(&ledger).unwrap();
    let begun: String =
        text.lines().filter(|l| l.contains("\"stage\":\"begun\"")).map(|l| format!("{l}\n")).collect();
    assert_eq!(begun.lines().count(), 4);
    // As if power failed before the "done" lines reached the disk.
    fs::write(&ledger, &begun).unwrap();
    let before = ws.outputs();
    let report = ws.report();
    assert!(report["items"].as_array().unwrap().is_empty());
    let restored = fs::read_to_string(&ledger).unwrap();
    assert_eq!(restored.lines().filter(|l| l.contains("\"stage\":\"done\"")).count(), 4, "{restored}");
    assert_eq!(before, ws.outputs(), "nothing filed again");
}

#[test]
fn statements_are_filed_in_batches_and_a_resent_edit_in_the_same_run_gets_its_own_name() {
    let ws = Workspace::new();
    // More than one batch (64) of statements, all for Jay.
    for n in 0..70 {
        ws.put(&format!("s{n:03}.pdf"), &statement_pdf(&jay(&format!("MOMO-B{n}")), Layout::Lines));
    }
    // The same statement sent again with different words: same ID, same
    // destination name, different bytes.
    let mut edited = jay("MOMO-B0");
    edited.words = "I want to change what I said about college.".into();
    ws.put("t-edited.pdf", &statement_pdf(&edited, Layout::Lines));
    let out = ws.file(&[]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(out.status.success(), "{report:#}");
    let outcomes = outcomes(&report);
    assert_eq!(outcomes.len(), 71);
    assert!(outcomes.iter().all(|(_, o)| o == "assigned"), "{outcomes:?}");
    let filed: Vec<String> = report["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["filed"].as_str().unwrap().rsplit('/').next().unwrap().to_owned())
        .collect();
    let unique: std::collections::BTreeSet<_> = filed.iter().collect();
    assert_eq!(unique.len(), 71, "every statement has its own file: {filed:?}");
    assert!(filed.last().unwrap().contains("_2."), "the edit is filed beside the first: {filed:?}");
    // One receipt per statement in the case log.
    let case_dir = ws.out().join("cases/NYJS-2026-0117");
    let receipts = fs::read_to_string(case_dir.join("case-log.jsonl"))
        .unwrap()
        .lines()
        .filter(|l| l.contains("\"event\":\"statement\""))
        .count();
    assert_eq!(receipts, 71);
    assert!(fs::read_dir(ws.inbox()).unwrap().next().is_none(), "the inbox is empty");
}
