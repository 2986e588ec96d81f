//! Always-on filing under a steady load: statements dropped into the inbox
//! at 10 a second while `casepress statements watch` runs (the release
//! binary, its default mode, which reacts to file-system events, with a 5 s
//! poll beside them and the default 2 s settle), with a real SMTP server on
//! loopback (aiosmtpd). For every Safety Link statement (one in ten), the
//! time from the file's arrival in the inbox to the server accepting its
//! Safety Link email; and the watcher's resident memory at the start and at
//! the end.
//!
//! Then the same with a mail server that accepts connections and never
//! answers: the time from each statement's arrival to its leaving the inbox
//! filed (filing must not wait for mail), and how long the watcher takes to
//! stop on SIGTERM.
//!
//! `cargo bench --bench watch [-- SECONDS]` (default 60; 1800 for the 30-minute soak;
//! quick mode, `CASEPRESS_BENCH_QUICK=1`: 2 s, 20 statements, 2 of them Safety Link).
//! `CASEPRESS_BENCH_BIN=PATH` measures another build of the binary (an
//! earlier one, for a before-and-after). Needs aiosmtpd in `CASEPRESS_PYTHON`,
//! `target/venv` (which `.ci/test` makes) or `python3`.

#[path = "../tests/support/statement_pdfs.rs"]
mod statement_pdfs;
// The tests' tools: the same Python for the SMTP server.
#[allow(dead_code)]
#[path = "../tests/common/tools.rs"]
mod tools;

#[path = "support/quick.rs"]
mod quick;

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use statement_pdfs::{Layout, Statement, statement_pdf};

const RATE: u32 = 10;
const POLL: u64 = 5;
/// The goal: arrival to Safety Link email accepted, p95.
const GOAL_SECONDS: f64 = 2.0;

/// The binary measured: this build's, or `CASEPRESS_BENCH_BIN`.
fn binary() -> PathBuf {
    std::env::var_os("CASEPRESS_BENCH_BIN")
        .map_or_else(|| env!("CARGO_BIN_EXE_casepress").into(), PathBuf::from)
}

/// A folder with a config for the watcher, its inbox and a staging folder;
/// the config's mail server at `port`.
fn service_at(root: &Path, port: u16) {
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    fs::create_dir_all(root.join("inbox")).unwrap();
    fs::create_dir_all(root.join("staging")).unwrap();
    let config = fs::read_to_string(samples.join("casepress.toml"))
        .unwrap()
        .replace("output = \"../out\"", "output = \"out\"")
        .replace("inbox = \"../out/inbox\"", "inbox = \"inbox\"")
        .replace("sample_inbox = \"inbox\"\n", "")
        .replace("settle_seconds = 0 ", "settle_seconds = 2 ")
        .replace("cases = [\"cases\"]", &format!("cases = [{:?}]", samples.join("cases")));
    let smtp = format!(
        "\n[statements.watch]\npoll_seconds = {POLL}\n\n[smtp]\nserver = \"127.0.0.1\"\nport = {port}\ntls = \"none\"\nsender = \"casepress <casepress@northfield.example.gov.uk>\"\nretry_seconds = 1\n"
    );
    fs::write(root.join("casepress.toml"), format!("{config}{smtp}")).unwrap();
}

fn start_watcher(root: &Path) -> Child {
    Command::new(binary())
        .args(["statements", "watch", "casepress.toml"])
        .current_dir(root)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// Statement number `n`: one in ten with the Safety Link.
fn statement(n: u32) -> (String, Statement) {
    let id = format!("MOMO-B{n:06}");
    let mut s = Statement::new(&id, "Jay", "14/06/2009", "20/11/2026 21:40");
    s.safety_link = n.is_multiple_of(10);
    s.words = format!("Statement number {n}.");
    (id, s)
}

/// Statement `n` arrives at its time on the steady rate from `start`:
/// written outside the inbox, then renamed in, as a download finishes.
fn arrive(root: &Path, n: u32, start: Instant) -> (String, Statement) {
    let (id, s) = statement(n);
    let staged = root.join("staging").join(format!("{id}.pdf"));
    fs::write(&staged, statement_pdf(&s, Layout::Lines)).unwrap();
    let due = start + Duration::from_millis(u64::from(n) * 1000 / u64::from(RATE));
    std::thread::sleep(due.saturating_duration_since(Instant::now()));
    fs::rename(&staged, root.join("inbox").join(format!("{id}.pdf"))).unwrap();
    (id, s)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn rss_kb(pid: u32) -> u64 {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

fn main() {
    let seconds = quick::size(60, 2) as u64;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    service_at(root, port);
    let maildir = root.join("maildir");
    let python = tools::python_with_aiosmtpd();
    let mut sink = Command::new(&python)
        .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}"), "-c", "aiosmtpd.handlers.Mailbox"])
        .arg(&maildir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("a Python with aiosmtpd");
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        // A server that exits never listens: say so, never wait forever.
        if let Some(status) = sink.try_wait().unwrap() {
            panic!("{} -m aiosmtpd exited ({status})", python.display());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let mut watcher = start_watcher(root);
    std::thread::sleep(Duration::from_secs(2));
    let rss_start = rss_kb(watcher.id());

    // Drop statements at a steady rate: written outside, renamed in (arrival).
    let total = seconds as u32 * RATE;
    let mut arrived: HashMap<String, SystemTime> = HashMap::new();
    let start = Instant::now();
    let mut peak = rss_start;
    for n in 0..total {
        let (id, s) = arrive(root, n, start);
        if s.safety_link {
            arrived.insert(id, SystemTime::now());
        }
        if n > 0 && n % (RATE * 60) == 0 {
            let now = rss_kb(watcher.id());
            peak = peak.max(now);
            println!("  after {:>4} s: watcher RSS {} MB", n / RATE, now / 1024);
        }
    }
    // Wait for the last Safety Link emails.
    let deadline = Instant::now() + Duration::from_secs(POLL + 60);
    let accepted = loop {
        let accepted = accepted_safety_links(&maildir);
        if accepted.len() >= arrived.len() || Instant::now() > deadline {
            break accepted;
        }
        std::thread::sleep(Duration::from_millis(500));
    };
    let rss_end = rss_kb(watcher.id());
    unsafe { libc::kill(watcher.id() as i32, libc::SIGTERM) };
    let _ = watcher.wait();
    let _ = sink.kill();
    let _ = sink.wait();

    let mut delays: Vec<f64> = arrived
        .iter()
        .filter_map(|(id, at)| {
            accepted.get(id).map(|t| t.duration_since(*at).unwrap_or_default().as_secs_f64())
        })
        .collect();
    delays.sort_by(f64::total_cmp);
    let pct = |p: f64| percentile(&delays, p);
    println!(
        "{total} statements at {RATE}/s over {seconds} s, poll {POLL} s, settle 2 s: {} Safety Link, {} emailed",
        arrived.len(),
        delays.len()
    );
    println!(
        "arrival → Safety Link email accepted: p50 {:.2} s  p95 {:.2} s  max {:.2} s  (goal p95 ≤ {GOAL_SECONDS} s)",
        pct(0.5),
        pct(0.95),
        pct(1.0),
    );
    println!(
        "watcher RSS: start {} MB, peak {} MB, end {} MB",
        rss_start / 1024,
        peak.max(rss_end) / 1024,
        rss_end / 1024
    );
    assert_eq!(delays.len(), arrived.len(), "every Safety Link emailed");
    silent_mail_server();
}

/// The watcher with a mail server that accepts connections and never says
/// a word: statements at 10 a second for 5 s (quick mode: 2 s); the time from
/// each one's arrival to its leaving the inbox filed, and SIGTERM's.
fn silent_mail_server() {
    let seconds: u32 = if quick::on() { 2 } else { 5 };
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    service_at(root, listener.local_addr().unwrap().port());
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream);
        }
    });
    let mut watcher = start_watcher(root);
    std::thread::sleep(Duration::from_secs(2));
    let arrived: Arc<Mutex<HashMap<String, Instant>>> = Arc::default();
    let filed: Arc<Mutex<HashMap<String, Instant>>> = Arc::default();
    let inbox = root.join("inbox");
    let (a, f, i) = (arrived.clone(), filed.clone(), inbox.clone());
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let d = done.clone();
    // Watches the inbox for files leaving it.
    let looker = std::thread::spawn(move || {
        while !d.load(std::sync::atomic::Ordering::SeqCst) {
            let waiting: Vec<String> = {
                let (a, f) = (a.lock().unwrap(), f.lock().unwrap());
                a.keys().filter(|k| !f.contains_key(*k)).cloned().collect()
            };
            for id in waiting {
                if !i.join(format!("{id}.pdf")).exists() {
                    f.lock().unwrap().insert(id, Instant::now());
                }
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    });
    let start = Instant::now();
    let total = seconds * RATE;
    for n in 0..total {
        let (id, _) = arrive(root, n, start);
        arrived.lock().unwrap().insert(id, Instant::now());
    }
    let deadline = Instant::now() + Duration::from_secs(120);
    while filed.lock().unwrap().len() < total as usize && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    looker.join().unwrap();
    let stopping = Instant::now();
    unsafe { libc::kill(watcher.id() as i32, libc::SIGTERM) };
    let _ = watcher.wait();
    let stopped = stopping.elapsed().as_secs_f64();
    let (arrived, filed) = (arrived.lock().unwrap(), filed.lock().unwrap());
    let mut delays: Vec<f64> =
        filed.iter().map(|(id, at)| at.duration_since(arrived[id]).as_secs_f64()).collect();
    delays.sort_by(f64::total_cmp);
    if delays.is_empty() {
        delays.push(f64::NAN);
    }
    println!(
        "mail server that never answers: {total} statements at {RATE}/s, {} filed; arrival → filed: p50 {:.2} s  p95 {:.2} s  max {:.2} s; SIGTERM → stopped {stopped:.1} s",
        delays.len(),
        percentile(&delays, 0.5),
        percentile(&delays, 0.95),
        percentile(&delays, 1.0),
    );
    assert_eq!(filed.len(), total as usize, "every statement filed while the mail server says nothing");
}

/// Statement id → when the server accepted its Safety Link email (the
/// maildir file's modification time), first acceptance.
fn accepted_safety_links(maildir: &Path) -> HashMap<String, SystemTime> {
    let mut out: HashMap<String, SystemTime> = HashMap::new();
    let Ok(dir) = fs::read_dir(maildir.join("new")) else { return out };
    for entry in dir.flatten() {
        let Ok(text) = fs::read_to_string(entry.path()) else { continue };
        let Some(subject) = text.lines().find(|l| l.starts_with("Subject:")) else { continue };
        let Some(rest) = subject.strip_prefix("Subject: SAFETY LINK: statement ") else { continue };
        let id = rest.split(',').next().unwrap_or("").to_owned();
        let at = entry.metadata().and_then(|m| m.modified()).unwrap_or(SystemTime::now());
        out.entry(id).and_modify(|t| *t = (*t).min(at)).or_insert(at);
    }
    out
}
