//! Always-on filing: `casepress statements watch` files what arrives while
//! it runs, is the only filer of its output root, stops cleanly on SIGTERM
//! after the batch in hand, loses and duplicates nothing when SIGKILLed at
//! any instant, and `statements status` says when it has not been seen.

mod common;
#[path = "support/statement_pdfs.rs"]
mod statement_pdfs;
#[path = "support/workspace.rs"]
mod workspace;

use std::fs;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use statement_pdfs::*;
use workspace::*;

fn jay(id: &str, safety_link: bool) -> Statement {
    let mut s = Statement::new(id, "Jay", "14/06/2009", "20/11/2026 21:40");
    s.safety_link = safety_link;
    s
}

fn watcher(ws: &Workspace, env: &[(&str, &str)]) -> Child {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_casepress"));
    cmd.args(["statements", "watch", "casepress.toml", "--poll", "1"])
        .current_dir(ws.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.spawn().unwrap()
}

fn inbox_empty(ws: &Workspace) -> bool {
    fs::read_dir(ws.inbox()).unwrap().next().is_none()
}

fn heartbeat(ws: &Workspace) -> Option<serde_json::Value> {
    serde_json::from_slice(&fs::read(ws.out().join("statements/heartbeat.json")).ok()?).ok()
}

fn terminate(child: &mut Child) -> std::process::ExitStatus {
    // SAFETY: kill(2) on our own child's pid.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(Instant::now() < deadline, "the watcher did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn expect_watcher(ws: &Workspace) {
    let config = ws.path().join("casepress.toml");
    let text = fs::read_to_string(&config).unwrap();
    fs::write(&config, format!("{text}\n[statements.watch]\npoll_seconds = 1\n")).unwrap();
}

#[test]
fn the_watcher_files_what_arrives_while_it_runs_and_stops_on_sigterm() {
    let ws = Workspace::new();
    let mut child = watcher(&ws, &[]);
    until("the first heartbeat", 20, || heartbeat(&ws).is_some());
    ws.put("a.pdf", &statement_pdf(&jay("MOMO-W1", true), Layout::Lines));
    ws.put("b.pdf", &statement_pdf(&jay("MOMO-W2", false), Layout::Table));
    ws.put(
        "c.pdf",
        &statement_pdf(
            &Statement::new("MOMO-W3", "Nobody", "01/01/2011", "21/11/2026 10:15"),
            Layout::Kerned,
        ),
    );
    until("the inbox is filed", 30, || inbox_empty(&ws));
    until("the heartbeat counts them", 10, || heartbeat(&ws).is_some_and(|h| h["handled"] == 3));
    let stopped = terminate(&mut child);
    assert!(stopped.success(), "{stopped:?}");
    let mut log = String::new();
    std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut log).unwrap();
    assert!(log.contains("INFO") && log.contains("statement MOMO-W1: assigned"), "{log}");
    assert!(log.contains("WARN"), "a Safety Link is logged as a warning: {log}");
    assert!(!log.contains("Jay"), "no child's name in the log: {log}");
    assert_consistent(&ws, 3);
    assert_eq!(fs::read_dir(ws.out().join("escalations")).unwrap().count(), 1, "the Safety Link notice");
}

#[test]
fn one_filer_per_output_root() {
    let ws = Workspace::new();
    let mut first = watcher(&ws, &[]);
    until("the first heartbeat", 20, || heartbeat(&ws).is_some());
    let second = Command::new(env!("CARGO_BIN_EXE_casepress"))
        .args(["statements", "watch", "casepress.toml"])
        .current_dir(ws.path())
        .output()
        .unwrap();
    assert_eq!(second.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&second.stderr)
            .contains("a `statements watch`) is filing into this output folder")
    );
    let manual = ws.file(&[]);
    assert_eq!(manual.status.code(), Some(2), "a manual run is refused while the watcher runs");
    assert!(terminate(&mut first).success());
    assert!(ws.file(&[]).status.success(), "and allowed once it has stopped");
}

#[test]
fn sigterm_lets_the_batch_in_hand_finish() {
    let ws = Workspace::new();
    let flag = ws.path().join("paused");
    let flag_text = flag.to_str().unwrap().to_owned();
    let mut child =
        watcher(&ws, &[("CASEPRESS_PAUSE", "after-publish"), ("CASEPRESS_PAUSE_FILE", flag_text.as_str())]);
    ws.put("a.pdf", &statement_pdf(&jay("MOMO-T1", true), Layout::Lines));
    until("the batch is half done", 30, || flag.exists());
    // SIGTERM now, in the middle of the batch: it must finish, then stop.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    std::thread::sleep(Duration::from_millis(300));
    assert!(child.try_wait().unwrap().is_none(), "still finishing the batch");
    fs::remove_file(&flag).unwrap();
    let stopped = terminate(&mut child);
    assert!(stopped.success(), "{stopped:?}");
    assert!(inbox_empty(&ws), "the batch in hand was finished");
    assert_consistent(&ws, 1);
}

#[test]
fn sigkill_the_watcher_at_random_instants_loses_and_duplicates_nothing() {
    let ws = Workspace::new();
    for n in 0..12 {
        ws.put(&format!("k{n}.pdf"), &statement_pdf(&jay(&format!("MOMO-K{n}"), n % 4 == 0), Layout::Lines));
    }
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    for _ in 0..12 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let mut child = watcher(&ws, &[]);
        std::thread::sleep(Duration::from_millis(seed % 1500));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
    }
    let left = fs::read_dir(ws.inbox()).unwrap().count();
    assert!(left < 12, "the killed watchers were killed while filing, not before");
    // A watcher that runs to the end finishes the work.
    let mut last = watcher(&ws, &[]);
    let pid = last.id();
    until("the last watcher's heartbeat", 30, || heartbeat(&ws).is_some_and(|h| h["pid"] == pid));
    until("the inbox is filed", 60, || inbox_empty(&ws));
    let stopped = terminate(&mut last);
    let mut log = String::new();
    std::io::Read::read_to_string(last.stderr.as_mut().unwrap(), &mut log).unwrap();
    assert!(stopped.success(), "{stopped:?}: {log}");
    assert_consistent(&ws, 12);
    let escalations = fs::read_dir(ws.out().join("escalations")).unwrap().count();
    assert_eq!(escalations, 3, "one Safety Link notice each, none twice");
}

#[test]
fn status_exits_1_when_the_watcher_has_not_been_seen() {
    let ws = Workspace::new();
    expect_watcher(&ws);
    let (code, text) = ws.status();
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("WATCHER NOT SEEN: no heartbeat at all"), "{text}");
    let mut child = watcher(&ws, &[]);
    until("the first heartbeat", 20, || heartbeat(&ws).is_some());
    let (code, text) = ws.status();
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("Watcher: seen"), "{text}");
    assert!(text.contains("Virus scanning: off"), "never silent about scanning being off: {text}");
    assert!(terminate(&mut child).success());
    std::thread::sleep(Duration::from_millis(4500));
    let (code, text) = ws.status();
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("WATCHER NOT SEEN for"), "{text}");
}

/// The config with a settle time of an hour and the watcher's `mode`.
fn settle_for_an_hour(ws: &Workspace, mode: &str) {
    let config = ws.path().join("casepress.toml");
    let text = fs::read_to_string(&config).unwrap();
    assert!(text.contains("settle_seconds = 0 "), "the sample config settles at once");
    let text = text.replace("settle_seconds = 0 ", "settle_seconds = 3600 ");
    fs::write(&config, format!("{text}\n[statements.watch]\npoll_seconds = 1\nmode = \"{mode}\"\n")).unwrap();
}

#[test]
fn with_events_a_file_seen_finished_is_filed_without_waiting_to_settle() {
    let ws = Workspace::new();
    settle_for_an_hour(&ws, "events");
    let mut child = watcher(&ws, &[]);
    until("the first heartbeat", 20, || heartbeat(&ws).is_some());
    assert_eq!(heartbeat(&ws).unwrap()["events"], true);
    // Written and closed: the close is the writer saying it has finished.
    ws.put("a.pdf", &statement_pdf(&jay("MOMO-E1", true), Layout::Lines));
    // Written elsewhere and moved in, as a browser's download is.
    let outside = ws.path().join("b.pdf.part");
    fs::write(&outside, statement_pdf(&jay("MOMO-E2", false), Layout::Table)).unwrap();
    fs::rename(&outside, ws.inbox().join("b.pdf")).unwrap();
    until("both are filed, an hour before they would have settled", 30, || inbox_empty(&ws));
    assert!(terminate(&mut child).success());
    assert_consistent(&ws, 2);
}

#[test]
fn polling_only_keeps_the_settle_time() {
    let ws = Workspace::new();
    settle_for_an_hour(&ws, "poll");
    ws.put("a.pdf", &statement_pdf(&jay("MOMO-P1", false), Layout::Lines));
    let mut child = watcher(&ws, &[]);
    until("three looks", 30, || heartbeat(&ws).is_some_and(|h| h["polls"].as_u64() >= Some(3)));
    let beat = heartbeat(&ws).unwrap();
    assert_eq!(beat["events"], false);
    assert_eq!(beat["handled"], 0, "modified within the settle time: left for a later look");
    assert!(ws.inbox().join("a.pdf").exists());
    assert!(terminate(&mut child).success());
}
