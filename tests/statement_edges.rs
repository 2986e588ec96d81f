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
