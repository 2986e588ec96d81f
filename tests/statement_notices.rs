//! Notices that reach people: a Safety Link, an assignment and an
//! unidentified statement each email the right people through a durable
//! outbox, tested against a real SMTP server on loopback (aiosmtpd, from
//! PyPI): the email names the case and statement, never the child; a server
//! that is down and comes back gets every notice; a watcher killed at random
//! instants while sending loses none, and never sends one as two messages.

mod common;
#[path = "support/smtp.rs"]
mod smtp;
#[path = "support/statement_pdfs.rs"]
mod statement_pdfs;
#[path = "support/workspace.rs"]
mod workspace;

use std::collections::BTreeMap;
use std::fs;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use smtp::*;
use statement_pdfs::*;
use workspace::*;

fn with_smtp(ws: &Workspace, port: u16) {
    let config = ws.path().join("casepress.toml");
    let text = fs::read_to_string(&config).unwrap();
    let smtp = format!(
        "\n[smtp]\nserver = \"127.0.0.1\"\nport = {port}\ntls = \"none\"\nsender = \"casepress <casepress@northfield.example.gov.uk>\"\nretry_seconds = 1\n"
    );
    fs::write(&config, format!("{text}{smtp}")).unwrap();
}

fn watcher(ws: &Workspace) -> Child {
    Command::new(env!("CARGO_BIN_EXE_casepress"))
        .args(["statements", "watch", "casepress.toml", "--poll", "1"])
        .current_dir(ws.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

fn stop(mut child: Child) {
    // SAFETY: kill(2) on our own child.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let _ = child.wait();
}

fn jay(id: &str, safety_link: bool) -> Statement {
    let mut s = Statement::new(id, "Jay", "14/06/2009", "20/11/2026 21:40");
    s.safety_link = safety_link;
    s
}

fn nobody(id: &str) -> Statement {
    Statement::new(id, "Nobody", "01/01/2011", "21/11/2026 10:15")
}

#[test]
#[ignore = "needs aiosmtpd, an SMTP server: bash .ci/test installs it"]
fn notices_reach_the_right_people_and_never_name_the_child() {
    let ws = Workspace::new();
    let port = free_port();
    with_smtp(&ws, port);
    let sink = Sink::start(port, &ws.path().join("maildir"));
    let w = watcher(&ws);
    ws.put("a.pdf", &statement_pdf(&jay("MOMO-N1", true), Layout::Lines));
    ws.put("b.pdf", &statement_pdf(&nobody("MOMO-N2"), Layout::Table));
    // Safety Link: the case manager, the team manager and the service manager
    // (the case manager's assignment is in the same email); unidentified: the duty officer.
    until("four notices are accepted", 30, || sink.messages().len() >= 4);
    stop(w);
    let messages = sink.messages();
    let told: BTreeMap<String, String> =
        messages.iter().map(|(_, to, subject, _)| (to.clone(), subject.clone())).collect();
    let to = |who: &str| {
        told.iter()
            .find(|(k, _)| k.contains(who))
            .map(|(_, s)| s.as_str())
            .unwrap_or_else(|| panic!("{who} not told: {told:#?}"))
    };
    assert!(to("priya.natarajan@").starts_with("SAFETY LINK: statement MOMO-N1, case NYJS-2026-0117"));
    assert!(to("declan.hughes@").starts_with("SAFETY LINK: statement MOMO-N1"));
    assert!(to("helen.adeyemi@").starts_with("SAFETY LINK: statement MOMO-N1"));
    assert!(to("yjs.duty@").starts_with("Unidentified statement MOMO-N2"));
    let all: Vec<_> = messages.iter().map(|m| (m.1.clone(), m.2.clone())).collect();
    assert_eq!(messages.len(), 4, "{all:#?}");
    for (_, _, _, text) in &messages {
        for personal in ["Jay", "Whitfield", "Nobody", "14/06/2009", "2009-06-14", "01/01/2011"] {
            assert!(!text.contains(personal), "an email carries {personal:?}: {text}");
        }
    }
    let (code, text) = ws.status();
    assert!(!text.contains("NOTICES NOT SENT"), "{text}");
    assert_eq!(code, Some(1), "the unidentified statement still awaits a decision: {text}");
}

#[test]
#[ignore = "needs aiosmtpd, an SMTP server: bash .ci/test installs it"]
fn a_server_that_is_down_and_comes_back_gets_every_notice() {
    let ws = Workspace::new();
    let port = free_port();
    with_smtp(&ws, port);
    let w = watcher(&ws);
    ws.put("a.pdf", &statement_pdf(&jay("MOMO-D1", true), Layout::Lines));
    until("status says the notices are not sent", 30, || ws.status().1.contains("NOTICES NOT SENT: 3"));
    let (code, _) = ws.status();
    assert_eq!(code, Some(1));
    let sink = Sink::start(port, &ws.path().join("maildir"));
    until("every notice is accepted once the server is back", 60, || sink.messages().len() >= 3);
    until("status is clear", 30, || !ws.status().1.contains("NOTICES NOT SENT"));
    stop(w);
    let ids: std::collections::HashSet<_> = sink.messages().into_iter().map(|m| m.0).collect();
    assert_eq!(ids.len(), 3);
    assert_eq!(sink.messages().len(), 3, "none sent twice");
}

#[test]
#[ignore = "needs aiosmtpd, an SMTP server: bash .ci/test installs it"]
fn sigkill_while_sending_loses_no_notice_and_never_makes_two_messages_of_one() {
    let ws = Workspace::new();
    let port = free_port();
    with_smtp(&ws, port);
    let sink = Sink::start(port, &ws.path().join("maildir"));
    for n in 0..8 {
        ws.put(&format!("s{n}.pdf"), &statement_pdf(&jay(&format!("MOMO-S{n}"), n % 2 == 0), Layout::Lines));
    }
    // 4 plain assignments; for the 4 Safety Link statements, the case
    // manager and two managers each.
    let owed = 4 + 4 * 3;
    let mut seed: u64 = 0xD1B5_4A32_D192_ED03;
    for _ in 0..12 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let mut child = watcher(&ws);
        std::thread::sleep(Duration::from_millis(seed % 1500));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
    }
    let w = watcher(&ws);
    until("every notice is accepted", 60, || {
        let ids: std::collections::HashSet<_> = sink.messages().into_iter().map(|m| m.0).collect();
        ids.len() >= owed
    });
    until("status is clear", 30, || !ws.status().1.contains("NOTICES NOT SENT"));
    stop(w);
    let messages = sink.messages();
    let mut by_id: BTreeMap<String, usize> = BTreeMap::new();
    for (id, ..) in &messages {
        *by_id.entry(id.clone()).or_default() += 1;
    }
    assert_eq!(by_id.len(), owed, "every notice sent: {by_id:#?}");
    // A resend can only follow a death between the server's acceptance and
    // the outbox's record of it, and carries the same Message-ID.
    let resent = messages.len() - by_id.len();
    eprintln!(
        "deliveries {}, distinct messages {}, resent after a kill {resent}",
        messages.len(),
        by_id.len()
    );
    assert!(resent <= 12, "at most one resend per kill");
    assert_consistent(&ws, 8);
}

/// `run` makes the same filing round as the watcher: a duty manager's
/// decision queued at the desk is carried out, and the notices owed are
/// emailed, with no watcher running.
#[test]
#[ignore = "needs aiosmtpd, an SMTP server: bash .ci/test installs it"]
fn the_nightly_run_carries_out_queued_desk_decisions_and_emails_the_notices() {
    use casepress::statements::requests::{AttachRequest, outcomes, queue_attach};
    let ws = Workspace::new();
    let port = free_port();
    with_smtp(&ws, port);
    let sink = Sink::start(port, &ws.path().join("maildir"));
    ws.put("b.pdf", &statement_pdf(&nobody("MOMO-Q1"), Layout::Table));
    let filed = ws.file(&[]);
    assert!(filed.status.code().is_some(), "{}", String::from_utf8_lossy(&filed.stderr));
    until("the duty officer is told", 30, || sink.messages().iter().any(|m| m.2.contains("MOMO-Q1")));

    // The desk queues the duty manager's decision (as it does while a filer holds the lock).
    let layout = casepress::store::Layout::new(ws.out());
    let request = AttachRequest {
        statement: "MOMO-Q1".into(),
        case_id: "NYJS-2026-0117".into(),
        by: "Declan Hughes".into(),
        reason: "The child's mother confirmed by phone that Jay sent it.".into(),
    };
    queue_attach(&layout, casepress::store::Modes::default(), &request).unwrap();

    // The board counts the sample cases only (its synthetic caseload is beside the samples).
    let config = ws.path().join("casepress.toml");
    let text = fs::read_to_string(&config).unwrap();
    let board = format!("cases = [{:?}]", common::samples().join("cases"));
    fs::write(&config, text.replace("cases = [\"cases\", \"caseload\"]", &board)).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_casepress"))
        .args(["run", "casepress.toml", "--date", "2026-11-23", "--now", "2026-11-23 11:00"])
        .current_dir(ws.path())
        .output()
        .unwrap();
    assert!(out.status.code().is_some_and(|c| c < 2), "{}", String::from_utf8_lossy(&out.stderr));
    let done = outcomes(&layout);
    assert_eq!(done.len(), 1, "{done:?}");
    assert!(done[0].refused.is_none(), "{:?}", done[0].refused);
    let filed = common::files_under(&ws.out().join("cases/NYJS-2026-0117/statements"));
    assert!(filed.iter().any(|p| p.to_string_lossy().contains("MOMO-Q1")), "{filed:?}");
    until("the case manager is told of the attached statement", 30, || {
        sink.messages().iter().any(|m| m.1.contains("priya.natarajan@") && m.2.contains("MOMO-Q1"))
    });
}

/// A mail server that accepts connections and never says a word: each
/// connection is held open, unanswered, until the test ends.
fn silent_server() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream);
        }
    });
    port
}

#[test]
fn a_mail_server_that_never_answers_holds_up_no_filing() {
    let ws = Workspace::new();
    with_smtp(&ws, silent_server());
    let w = watcher(&ws);
    // Six notices owed to a server that never answers (each attempt waits
    // out its time limit), then a Safety Link statement: it is filed and
    // escalated while the notices wait, and the watcher keeps its heartbeat.
    ws.put("a.pdf", &statement_pdf(&jay("MOMO-H1", true), Layout::Lines));
    ws.put("b.pdf", &statement_pdf(&jay("MOMO-H2", true), Layout::Lines));
    until("the first two are filed", 30, || fs::read_dir(ws.inbox()).unwrap().next().is_none());
    ws.put("c.pdf", &statement_pdf(&jay("MOMO-H3", true), Layout::Lines));
    until("the Safety Link statement is filed while the mail server says nothing", 30, || {
        fs::read_dir(ws.inbox()).unwrap().next().is_none()
    });
    let (_, text) = ws.status();
    assert!(text.contains("Safety Link escalations: 3"), "{text}");
    assert!(text.contains("MOMO-H3"), "{text}");
    assert!(!text.contains("WATCHER NOT SEEN"), "the heartbeat is written while mail waits: {text}");
    // A round stops at the first attempt the server does not answer: one
    // notice has waited out the time limit, the rest were not tried.
    until("the unanswered attempt is recorded as failed", 60, || ws.status().1.contains("NOTICES NOT SENT"));
    let (code, text) = ws.status();
    assert!(text.contains("NOTICES NOT SENT: 1\n"), "{text}");
    assert!(text.contains("1 attempt(s), last: "), "{text}");
    assert_eq!(code, Some(1));
    stop(w);
}
