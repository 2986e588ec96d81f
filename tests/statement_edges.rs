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
    assert!(
        String::from_utf8_lossy(&casepress(&ws, &["statements", "status", "--now", NOW]).stdout)
            .contains("DAMAGED LEDGER LINES")
    );
    let _ = out;
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
    let names: Vec<String> =
        zip::ZipArchive::new(zip).unwrap().file_names().map(|n| n.unwrap().into_owned()).collect();
    assert!(names.iter().any(|n| n.starts_with("statements/") && n.contains("MOMO-R1")), "{names:?}");
}

fn stranger() -> Statement {
    let mut s = Statement::new("MOMO-U1", "Jaybird", "14/06/2009", "21/11/2026 10:15");
    s.safety_link = true;
    s
}

#[test]
fn issue_12_2_a_duty_manager_attaches_an_unidentified_statement_to_its_case() {
    let ws = Workspace::new();
    ws.put("u.pdf", &statement_pdf(&stranger(), Layout::Lines));
    assert_eq!(ws.report()["items"][0]["outcome"], "unidentified");
    let jay_case = {
        ws.put("j.pdf", &statement_pdf(&jay("MOMO-J"), Layout::Lines));
        ws.report()["items"][0]["case_id"].as_str().unwrap().to_owned()
    };

    let attach_by = |ws: &Workspace, by: &str| {
        casepress(
            ws,
            &[
                "statements",
                "attach",
                "MOMO-U1",
                "--case",
                &jay_case,
                "--by",
                by,
                "--reason",
                "Jay uses the name Jaybird in the app; confirmed with his worker",
                "--now",
                NOW,
                "--json",
            ],
        )
    };
    let attach = |ws: &Workspace| attach_by(ws, "Gemma Rowe");
    // Only a manager in the staff directory decides (issue 26): a name from
    // nowhere and an admin officer are refused, and nothing is filed.
    for (by, why) in [
        ("Mallory Nobody", "Mallory Nobody is not in the staff directory"),
        ("Aisha Khan", "Aisha Khan is not a manager"),
    ] {
        let out = attach_by(&ws, by);
        assert_eq!(out.status.code(), Some(2), "{by}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(why),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert!(
        !fs::read_to_string(ws.out().join("cases").join(&jay_case).join("case-log.jsonl"))
            .unwrap()
            .contains("MOMO-U1")
    );
    let out = attach(&ws);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let item = &report["items"][0];
    assert_eq!(item["outcome"], "assigned", "{report:#}");
    assert_eq!(item["case_id"], jay_case.as_str());
    assert!(item["escalation"].as_str().unwrap().ends_with("_matched.pdf"), "a new Safety Link notice");

    // Filed by the book: copy, receipt in the case log, a receipt note that
    // records who attached it and why; the quarantine record stays.
    let case_dir = ws.out().join("cases").join(&jay_case);
    assert!(
        files_under(&case_dir.join("statements")).iter().any(|p| p.to_string_lossy().contains("MOMO-U1"))
    );
    let log = fs::read_to_string(case_dir.join("case-log.jsonl")).unwrap();
    assert!(log.contains("\"statement_id\":\"MOMO-U1\""));
    let note = files_under(&case_dir.join("notes"))
        .into_iter()
        .find(|p| p.to_string_lossy().contains("MOMO-U1"))
        .unwrap();
    let note = fs::read_to_string(note).unwrap();
    assert!(note.contains("Attached by:     Gemma Rowe: Jay uses the name Jaybird"), "{note}");
    assert!(note.contains("Previously:      quarantine/unidentified/"), "{note}");
    assert_eq!(files_under(&ws.out().join("quarantine/unidentified")).len(), 3, "copy and two notes stay");

    // No longer awaiting a decision; attaching again is refused with the reason.
    let status = casepress(&ws, &["statements", "status", "--json", "--now", NOW]);
    let status: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(status["unidentified"].as_array().unwrap().len(), 0, "{status:#}");
    let again = attach(&ws);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("no unidentified statement `MOMO-U1`"));
}

#[test]
fn issue_12_2_put_back_with_a_sidecar_naming_the_child_it_is_filed_and_the_sidecar_kept() {
    let ws = Workspace::new();
    let pdf = statement_pdf(&stranger(), Layout::Lines);
    ws.put("u.pdf", &pdf);
    assert_eq!(ws.report()["items"][0]["outcome"], "unidentified");
    ws.put("j.pdf", &statement_pdf(&jay("MOMO-J"), Layout::Lines));
    let jay_case = ws.report()["items"][0]["case_id"].as_str().unwrap().to_owned();

    ws.put("u.pdf", &pdf);
    let sidecar = format!("{{\"child_id\": \"{jay_case}\"}}");
    ws.put("u.json", sidecar.as_bytes());
    let report = ws.report();
    let item = &report["items"][0];
    assert_eq!(item["outcome"], "assigned", "{report:#}");
    assert_eq!(item["case_id"], jay_case.as_str());
    assert_eq!(fs::read_dir(ws.inbox()).unwrap().count(), 0);
    let kept = files_under(&ws.out().join("cases").join(&jay_case).join("statements"));
    let side = kept.iter().find(|p| p.extension().is_some_and(|e| e == "json")).expect("the sidecar is kept");
    assert_eq!(fs::read_to_string(side).unwrap(), sidecar);
}

#[test]
fn issue_12_9_a_symbolic_link_planted_in_the_output_is_never_written_through() {
    let ws = Workspace::new();
    ws.put("a.pdf", &statement_pdf(&jay("MOMO-L1"), Layout::Lines));
    let case_id = ws.report()["items"][0]["case_id"].as_str().unwrap().to_owned();
    let case_dir = ws.out().join("cases").join(&case_id);
    let outside = ws.path().join("outside.jsonl");
    fs::write(&outside, b"").unwrap();
    fs::remove_file(case_dir.join("case-log.jsonl")).unwrap();
    std::os::unix::fs::symlink(&outside, case_dir.join("case-log.jsonl")).unwrap();
    let elsewhere = ws.path().join("elsewhere");
    fs::create_dir(&elsewhere).unwrap();
    fs::remove_dir_all(case_dir.join("notes")).unwrap();
    std::os::unix::fs::symlink(&elsewhere, case_dir.join("notes")).unwrap();

    ws.put("b.pdf", &statement_pdf(&jay("MOMO-L2"), Layout::Lines));
    let out = ws.file(&[]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["items"][0]["outcome"], "failed", "{report:#}");
    assert!(report["items"][0]["detail"].as_str().unwrap().contains("symbolic link"), "{report:#}");
    assert_eq!(fs::read(&outside).unwrap(), b"", "nothing appended outside the output folder");
    assert_eq!(fs::read_dir(&elsewhere).unwrap().count(), 0, "nothing written through the folder link");
    assert!(ws.inbox().join("b.pdf").exists(), "the statement stays in the inbox for the next run");
}

#[test]
fn issue_12_11_and_12_odd_inbox_entries_are_reported_and_names_never_reach_the_terminal_raw() {
    let ws = Workspace::new();
    let elsewhere = ws.path().join("statement-elsewhere.pdf");
    fs::write(&elsewhere, statement_pdf(&jay("MOMO-X"), Layout::Lines)).unwrap();
    std::os::unix::fs::symlink(&elsewhere, ws.inbox().join("link.pdf")).unwrap();
    fs::create_dir(ws.inbox().join("folder.pdf")).unwrap();
    let fifo = Command::new("mkfifo").arg(ws.inbox().join("pipe.pdf")).status().unwrap();
    assert!(fifo.success());
    ws.put("evil\u{1b}[2J\u{1b}[31m.pdf", &broken(Broken::Truncated));

    let report = ws.report();
    let skipped: Vec<(String, String)> = report["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["outcome"] == "skipped")
        .map(|i| {
            (
                i["file"].as_str().unwrap().rsplit('/').next().unwrap().to_owned(),
                i["detail"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(skipped.len(), 3, "{report:#}");
    assert!(skipped.iter().any(|(f, d)| f == "link.pdf" && d.contains("symbolic link")));
    assert!(skipped.iter().any(|(f, d)| f == "folder.pdf" && d.contains("a folder")));
    assert!(skipped.iter().any(|(f, d)| f == "pipe.pdf" && d.contains("not a regular file")));
    assert!(elsewhere.exists(), "a link's target is never touched");

    let status = casepress(&ws, &["statements", "status", "--now", NOW]);
    let text = String::from_utf8_lossy(&status.stdout);
    for name in ["link.pdf", "folder.pdf", "pipe.pdf"] {
        assert!(text.contains(name), "status lists {name}:\n{text}");
    }

    ws.put("evil\u{1b}[2J\u{1b}[31m.pdf", &broken(Broken::Empty));
    let out = casepress(&ws, &["statements", "file", "--now", NOW]);
    assert!(!out.stdout.contains(&0x1b), "no raw escape reaches the terminal");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("evil\\u{1b}[2J"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// A small tmpfs mounted over a folder, unmounted when dropped.
struct SmallDisk(std::path::PathBuf);

impl SmallDisk {
    /// Mounts it; panics where this machine does not allow it.
    fn mount(at: &Path, bytes: u64) -> Self {
        crate::common::tools::root();
        fs::create_dir_all(at).unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={bytes},mode=0700"), "tmpfs"])
            .arg(at)
            .status()
            .is_ok_and(|s| s.success());
        assert!(
            ok,
            "cannot mount a tmpfs at {}, even as root: this test needs a machine that allows it",
            at.display()
        );
        Self(at.to_owned())
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
#[ignore = "needs root to mount a small tmpfs: bash .ci/test runs it (as root, as CI does)"]
fn issue_12_a_full_disk_at_any_point_loses_nothing_glues_nothing_and_a_rerun_accounts_for_every_receipt() {
    let statements: Vec<(String, Vec<u8>)> = (1..=6)
        .map(|n| {
            let mut s = jay(&format!("MOMO-F{n}"));
            s.safety_link = n % 3 == 0;
            (format!("s{n}.pdf"), statement_pdf(&s, Layout::Lines))
        })
        .collect();
    let size: u64 = 2 << 20;
    for free in
        [0u64, 8 << 10, 32 << 10, 96 << 10, 128 << 10, 160 << 10, 192 << 10, 224 << 10, 256 << 10, 768 << 10]
    {
        let ws = Workspace::new();
        let _disk = SmallDisk::mount(&ws.out(), size);
        let filler = ws.out().join("filler");
        fs::write(&filler, vec![0u8; (size - free) as usize]).unwrap_or(());
        for (name, pdf) in &statements {
            ws.put(name, pdf);
        }
        let first = ws.file(&[]);
        let outcomes: Vec<String> = serde_json::from_slice::<serde_json::Value>(&first.stdout)
            .map(|r| {
                r["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|i| i["outcome"].as_str().unwrap().to_owned())
                    .collect()
            })
            .unwrap_or_else(|_| vec![String::from_utf8_lossy(&first.stderr).trim().to_owned()]);
        eprintln!("free {free}: {outcomes:?}");
        assert!(
            first.status.code().is_some(),
            "free {free}: no crash: {}",
            String::from_utf8_lossy(&first.stderr)
        );
        // Whatever the full disk stopped, nothing left the inbox unfiled.
        let ledger = ws.out().join("statements/ledger.jsonl");
        for (name, _) in &statements {
            if !ws.inbox().join(name).exists() {
                let text = fs::read_to_string(&ledger).unwrap_or_default();
                assert!(
                    text.contains("\"stage\":\"done\""),
                    "free {free}: {name} left the inbox without a done line"
                );
            }
        }
        let _ = fs::remove_file(&filler);
        let again = ws.report();
        assert!(again["problems"].as_array().is_none_or(|p| p.is_empty()), "free {free}: {again:#}");
        assert_eq!(fs::read_dir(ws.inbox()).unwrap().count(), 0, "free {free}: all filed after the re-run");

        // Every statement filed once, its receipt in the case log, no glued line.
        let (ledger_records, _) = records_and_damaged(&ledger);
        let case_id = ledger_records[0]["decision"]["case_id"].as_str().unwrap().to_owned();
        let case_dir = ws.out().join("cases").join(&case_id);
        let (entries, _) = records_and_damaged(&case_dir.join("case-log.jsonl"));
        for n in 1..=6 {
            let id = format!("MOMO-F{n}");
            let copies = files_under(&case_dir.join("statements"))
                .iter()
                .filter(|p| p.to_string_lossy().contains(&id))
                .count();
            assert_eq!(copies, 1, "free {free}: one copy of {id}");
            let receipts = entries
                .iter()
                .filter(|e| e["event"] == "statement" && e["statement_id"] == id.as_str())
                .count();
            assert_eq!(receipts, 1, "free {free}: one receipt for {id}");
        }
        for file in [&ledger, &case_dir.join("case-log.jsonl")] {
            for line in fs::read_to_string(file).unwrap().lines() {
                let records = line.matches("{\"stage\"").count() + line.matches("{\"event\"").count();
                assert!(records <= 1, "free {free}: a glued line in {}: {line}", file.display());
            }
        }
    }
}

#[test]
fn issue_13_7_the_unidentified_safety_link_notice_names_the_duty_manager_not_a_worker() {
    let ws = Workspace::new();
    ws.put("u.pdf", &statement_pdf(&stranger(), Layout::Lines));
    let report = ws.report();
    let notice = Path::new(report["items"][0]["escalation"].as_str().unwrap()).to_owned();
    let notice = if notice.is_absolute() { notice } else { ws.path().join(notice) };
    let text = squash(&pdf_text(&notice));
    assert!(text.contains(&squash("has not been identified, so there is no allocated worker")), "{text}");
    assert!(text.contains(&squash("Gemma Rowe, the duty manager, leads the follow-up")), "{text}");
    assert!(!text.contains(&squash("Follow up with the allocated worker")), "{text}");
    assert!(text.contains(&squash("Case not identified")), "the footer: {text}");
}

#[test]
fn issue_31_8_a_safety_link_notice_quotes_the_flag_and_has_a_box_for_the_decision() {
    let ws = Workspace::new();
    let mut s = jay("MOMO-F1");
    s.safety_link = true;
    s.feeling = Some("Scared".into());
    s.place = Some("At home".into());
    ws.put("f.pdf", &statement_pdf(&s, Layout::Table));
    let report = ws.report();
    let notice = ws.path().join(report["items"][0]["escalation"].as_str().unwrap());
    let text = squash(&pdf_text(&notice));
    for expected in [
        "flagged the feeling “Scared”, where: “At home”",
        "Feeling flagged Scared",
        "Where At home",
        // Sent Friday 20 November 21:40, filed Monday 23 November 11:00.
        "From sent to filed 2 days 13 hours (2 hours of working time)",
        "Out of hours",
        "the Emergency Duty Team on 01632 960 999",
        "Decision",
        "Safeguarding procedures apply",
        "Decided by",
        "Recorded on the case file",
    ] {
        assert!(text.contains(&squash(expected)), "no `{expected}`: {text}");
    }

    // Without a recorded feeling or place the notice says so, and claims none.
    let ws = Workspace::new();
    let mut plain = jay("MOMO-F2");
    plain.safety_link = true;
    ws.put("g.pdf", &statement_pdf(&plain, Layout::Lines));
    let report = ws.report();
    let text = squash(&pdf_text(&ws.path().join(report["items"][0]["escalation"].as_str().unwrap())));
    assert!(text.contains(&squash("does not say which feeling or place")), "{text}");
    assert!(!text.contains(&squash("unsafe, scared or unhappy")), "{text}");
}

#[test]
fn issue_31_8_the_unidentified_notice_shows_the_name_and_date_of_birth_given_and_the_quarantine_path() {
    let ws = Workspace::new();
    ws.put("u.pdf", &statement_pdf(&stranger(), Layout::Lines));
    let report = ws.report();
    let item = &report["items"][0];
    let notice = ws.path().join(item["escalation"].as_str().unwrap());
    let text = squash(&pdf_text(&notice));
    let filed = item["file"].as_str().unwrap().rsplit('/').next().unwrap().to_owned();
    let quarantined = std::fs::read_dir(ws.out().join("quarantine/unidentified"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .find(|n| n.ends_with(".pdf"))
        .unwrap();
    for expected in [
        "Name given Jaybird".to_owned(),
        "Date of birth given 14 June 2009".to_owned(),
        format!("Quarantined as quarantine/unidentified/{quarantined}"),
    ] {
        assert!(text.contains(&squash(&expected)), "no `{expected}` ({filed}): {text}");
    }
}

/// A newer download saved under a statement's name after filing checked
/// it, and before the file left the inbox, is never deleted unfiled: the
/// file is claimed (renamed to a private name) before it is checked, so
/// what arrives under the name afterwards is a new arrival, filed next run.
/// A run killed after the claim gives the name back on the next run.
#[test]
fn a_download_saved_over_a_statement_while_it_is_removed_is_filed_next_run() {
    let ws = Workspace::new();
    ws.put("a.pdf", &statement_pdf(&jay("MOMO-OLD"), Layout::Lines));
    let (child, flag) = file_paused_at(&ws, "inbox:claimed");
    let newer = statement_pdf(&jay("MOMO-NEW"), Layout::Lines);
    fs::write(ws.inbox().join(".a.pdf.crdownload"), &newer).unwrap();
    fs::rename(ws.inbox().join(".a.pdf.crdownload"), ws.inbox().join("a.pdf")).unwrap();
    let report = resume(child, &flag);
    assert_eq!(report["items"][0]["statement_id"], "MOMO-OLD", "{report:#}");
    assert_eq!(fs::read(ws.inbox().join("a.pdf")).unwrap(), newer, "the newer download is still there");
    let again = ws.report();
    assert_eq!(again["items"][0]["statement_id"], "MOMO-NEW", "{again:#}");
    assert!(!ws.inbox().join("a.pdf").exists());

    // Killed right after the claim: the next run gives the name back and
    // knows the statement as filed.
    ws.put("b.pdf", &statement_pdf(&jay("MOMO-KILL"), Layout::Lines));
    let killed = Command::new(env!("CARGO_BIN_EXE_casepress"))
        .args(["statements", "file", "--now", NOW, "--json"])
        .current_dir(ws.path())
        .env("CASEPRESS_FAILPOINT", "inbox:claimed")
        .output()
        .unwrap();
    assert!(!killed.status.success());
    assert!(!ws.inbox().join("b.pdf").exists(), "claimed under a private name");
    let after = ws.report();
    assert_eq!(after["items"][0]["outcome"], "duplicate", "{after:#}");
    assert_eq!(fs::read_dir(ws.inbox()).unwrap().count(), 0, "nothing left in the inbox");
}
