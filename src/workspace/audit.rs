//! The audit log: every read and write of a child's record in the
//! workspace, one JSON line each, appended and synced before the page is
//! sent. Who, when, which case, what was asked and how it ended (done,
//! refused, invalid, conflict, failed), recorded after the fact. Never the
//! child's name, any case content or any free text a person typed: the log
//! must be safe to hand to an information officer.
//!
//! Each line carries the SHA-256 of the line before it (`prev`), so a
//! changed, removed or reordered line breaks the chain and [`verify`] names
//! where. The log is one file a month, `audit-YYYY-MM.jsonl` (UTC); the
//! chain runs across them, so a month's first line carries the hash of the
//! previous month's last. A log from before the chain (`audit.jsonl`) is
//! kept as it is and read first; the chain's first line carries the hash of
//! that whole file. Each line may also be sent to the local syslog or
//! journald (`[audit] syslog`), a copy out of the workspace's reach.

use std::os::unix::net::UnixDatagram;
use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex};

use chrono::{SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

use crate::store::{self, Modes};

/// The log from before the hash chain (read, never written).
const LEGACY: &str = "audit.jsonl";

/// The `prev` of the very first line of a log with nothing before it.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// How an audited request ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// It was done (a page shown, a save written, a step recorded).
    Done,
    /// The person may not do it (access, role, rules, a throttle, CSRF).
    Refused,
    /// What was sent could not be accepted (a form that does not parse,
    /// a value the case format refuses); nothing changed.
    Invalid,
    /// Someone else saved meanwhile; nothing changed.
    Conflict,
    /// The workspace could not do it (a disk error); nothing changed.
    Failed,
}

impl Outcome {
    /// The word written in the log.
    pub fn word(self) -> &'static str {
        match self {
            Outcome::Done => "done",
            Outcome::Refused => "refused",
            Outcome::Invalid => "invalid",
            Outcome::Conflict => "conflict",
            Outcome::Failed => "failed",
        }
    }
}

/// What [`Audit::record`] logs: sign-in and session events, each with the
/// outcome it always has, so no verb can be logged `done` by default.
/// Requests about a case say how they ended with [`Audit::outcome`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// Signed in (`signed-in`, done).
    SignedIn,
    /// Signed out, or all sessions ended (`signed-out`, done).
    SignedOut,
    /// An authenticator app and recovery codes set up
    /// (`second-factor-enrolled`, done).
    SecondFactorEnrolled,
    /// The case list shown (`list`, done).
    Listed,
    /// A wrong password or code (`sign-in-failed`, refused).
    SignInFailed,
    /// Too many tries (`sign-in-throttled`, refused).
    SignInThrottled,
    /// Single sign-on without the second factor the policy asks
    /// (`sign-in-refused`, refused).
    SignInRefused,
    /// A wrong code while enrolling (`enrol-failed`, refused).
    EnrolFailed,
    /// A sign-in to a locked account (`sign-in-locked`, refused).
    SignInLocked,
    /// An account locked by its failures in a row (`account-locked`, refused).
    AccountLocked,
}

impl Event {
    /// The verb written in the log.
    pub fn verb(self) -> &'static str {
        match self {
            Event::SignedIn => "signed-in",
            Event::SignedOut => "signed-out",
            Event::SecondFactorEnrolled => "second-factor-enrolled",
            Event::Listed => "list",
            Event::SignInFailed => "sign-in-failed",
            Event::SignInThrottled => "sign-in-throttled",
            Event::SignInRefused => "sign-in-refused",
            Event::EnrolFailed => "enrol-failed",
            Event::SignInLocked => "sign-in-locked",
            Event::AccountLocked => "account-locked",
        }
    }

    /// How it ended, always.
    pub fn outcome(self) -> Outcome {
        match self {
            Event::SignedIn | Event::SignedOut | Event::SecondFactorEnrolled | Event::Listed => Outcome::Done,
            Event::SignInFailed
            | Event::SignInThrottled
            | Event::SignInRefused
            | Event::EnrolFailed
            | Event::SignInLocked
            | Event::AccountLocked => Outcome::Refused,
        }
    }
}

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// When (RFC 3339, UTC).
    pub at: String,
    /// Who (a name in the staff directory; `-` before sign-in).
    pub who: String,
    /// What was asked: `read`, `list`, `preview`, `write`, `start`,
    /// `submitted`, `agreed`, `returned`, `final`, `sent`, `signed`,
    /// `meeting`, `attach`, `post` (a CSRF refusal), and the [`Event`]
    /// verbs: `signed-in`, `signed-out`, `sign-in-failed`, and so on.
    pub what: String,
    /// How it ended: `done`, `refused`, `invalid`, `conflict`, `failed`
    /// (absent in lines from before outcomes were recorded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
    /// The case, where one is concerned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case: Option<String>,
    /// Which document and section, or why a request was refused: words of
    /// the workspace's own, never text a person typed.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub detail: String,
    /// The SHA-256 (hex) of the line before, across months (absent in lines
    /// from before the chain).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prev: Option<String>,
}

/// The append-only audit log of one output root.
pub struct Audit {
    dir: PathBuf,
    modes: Modes,
    syslog: Option<PathBuf>,
    // Group commit: lines queue here; one caller at a time writes and
    // syncs everything queued, and every caller whose line that sync
    // covered returns. One sync serves many requests under load. Each line's
    // `prev` is fixed as it is queued, in the order lines are written.
    queue: Mutex<Queue>,
    synced: Condvar,
}

#[derive(Default)]
struct Queue {
    /// Lines waiting to be written: the month file each goes to, its bytes.
    pending: Vec<(String, Vec<u8>)>,
    queued: u64,
    synced: u64,
    flushing: bool,
    // The last failed flush: the lines up to this number, and why.
    failed: Option<(u64, String)>,
    /// The hash of the last line queued, and of the last line written.
    last: String,
    durable: String,
}

/// The file of the month `at` (RFC 3339) falls in.
fn month_file(at: &str) -> String {
    format!("audit-{}.jsonl", at.get(..7).unwrap_or("0000-00"))
}

/// The month files in `dir`, oldest first.
fn month_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut files: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| {
                let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
                name.len() == "audit-YYYY-MM.jsonl".len()
                    && name.starts_with("audit-")
                    && name.ends_with(".jsonl")
            })
            .collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(format!("{}: {e}", dir.display())),
    };
    files.sort();
    Ok(files)
}

fn read_bytes(path: &Path) -> Result<Option<Vec<u8>>, String> {
    match std::fs::read(path) {
        Ok(b) => Ok(Some(b)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

/// The non-blank lines of a file, numbered from 1.
fn lines(bytes: &[u8]) -> impl Iterator<Item = (usize, &[u8])> {
    bytes
        .split(|b| *b == b'\n')
        .enumerate()
        .map(|(i, l)| (i + 1, l))
        .filter(|(_, l)| !l.iter().all(u8::is_ascii_whitespace))
}

/// Where the chain starts: the hash of the log from before it, if any.
fn genesis(dir: &Path) -> Result<String, String> {
    Ok(match read_bytes(&dir.join(LEGACY))? {
        Some(bytes) => store::sha256_hex(&bytes),
        None => GENESIS.to_owned(),
    })
}

/// The hash of the chain's last line (what the next line carries).
fn tip(dir: &Path) -> Result<String, String> {
    for file in month_files(dir)?.iter().rev() {
        let bytes = read_bytes(file)?.unwrap_or_default();
        if let Some((_, line)) = lines(&bytes).last() {
            return Ok(store::sha256_hex(line));
        }
    }
    genesis(dir)
}

impl Audit {
    /// The log in `dir` (one file a month); each line also goes to the
    /// syslog socket `syslog` (e.g. `/dev/log`) when given.
    pub fn new(dir: PathBuf, modes: Modes, syslog: Option<PathBuf>) -> Result<Self, String> {
        store::ensure_dir(&dir, modes).map_err(|e| e.to_string())?;
        let last = tip(&dir)?;
        let queue = Queue { durable: last.clone(), last, ..Queue::default() };
        Ok(Self { dir, modes, syslog, queue: Mutex::new(queue), synced: Condvar::new() })
    }

    /// The folder of the log.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Records a sign-in or session event, with the outcome it has.
    pub fn record(&self, who: &str, event: Event, case: Option<&str>, detail: &str) -> Result<(), String> {
        self.outcome(event.outcome(), who, event.verb(), case, detail)
    }

    /// Appends one line saying how a request ended, and returns once it is
    /// synced; a line that cannot be recorded fails the request it records.
    pub fn outcome(
        &self,
        outcome: Outcome,
        who: &str,
        what: &str,
        case: Option<&str>,
        detail: &str,
    ) -> Result<(), String> {
        let lock = || self.queue.lock().unwrap_or_else(|e| e.into_inner());
        let mut q = lock();
        let entry = AuditEntry {
            at: Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true),
            who: who.to_owned(),
            what: what.to_owned(),
            outcome: Some(outcome.word().to_owned()),
            case: case.map(str::to_owned),
            detail: detail.to_owned(),
            prev: Some(q.last.clone()),
        };
        let mut line = serde_json::to_vec(&entry).map_err(|e| e.to_string())?;
        q.last = store::sha256_hex(&line);
        line.push(b'\n');
        q.pending.push((month_file(&entry.at), line));
        q.queued += 1;
        let mine = q.queued;
        loop {
            if q.synced >= mine {
                return Ok(());
            }
            if let Some((upto, why)) = &q.failed
                && *upto >= mine
            {
                return Err(why.clone());
            }
            if q.flushing {
                q = self.synced.wait(q).unwrap_or_else(|e| e.into_inner());
                continue;
            }
            q.flushing = true;
            let batch = std::mem::take(&mut q.pending);
            let (upto, last) = (q.queued, q.last.clone());
            drop(q);
            let written = self.flush(&batch);
            q = lock();
            q.flushing = false;
            match written {
                Ok(()) => {
                    q.synced = upto;
                    q.durable = last;
                }
                Err(why) => {
                    // Lines queued meanwhile follow the lost ones: they fail
                    // too, and the chain goes on from the last line written.
                    q.failed = Some((q.queued, why));
                    q.pending.clear();
                    q.last = q.durable.clone();
                }
            }
            self.synced.notify_all();
        }
    }

    fn flush(&self, batch: &[(String, Vec<u8>)]) -> Result<(), String> {
        let mut start = 0;
        while start < batch.len() {
            let file = &batch[start].0;
            let end = start + batch[start..].iter().take_while(|(f, _)| f == file).count();
            let bytes: Vec<u8> = batch[start..end].iter().flat_map(|(_, l)| l.iter().copied()).collect();
            let path = self.dir.join(file);
            let created = store::append_lines(&path, &bytes, self.modes, true).map_err(|e| e.to_string())?;
            if created {
                store::sync_dir(&self.dir).map_err(|e| e.to_string())?;
            }
            start = end;
        }
        if let Some(socket) = &self.syslog {
            forward(socket, batch.iter().map(|(_, l)| l.as_slice()));
        }
        Ok(())
    }

    /// Every entry so far, oldest first (the log from before the chain first).
    pub fn read(&self) -> Result<Vec<AuditEntry>, String> {
        read(&self.dir)
    }
}

/// Every entry of the log in `dir`, oldest first.
pub fn read(dir: &Path) -> Result<Vec<AuditEntry>, String> {
    let mut files = vec![dir.join(LEGACY)];
    files.extend(month_files(dir)?);
    let mut entries = Vec::new();
    for file in files {
        let (mut read, _) = store::read_lines::<AuditEntry>(&file).map_err(|e| e.to_string())?;
        entries.append(&mut read);
    }
    Ok(entries)
}

/// Sends each line to the syslog socket (facility authpriv, severity info,
/// tag `casepress-audit`); journald reads the same socket. The local line is
/// the record: a copy that cannot be sent is warned of, and the request goes on.
fn forward<'a>(socket: &Path, lines: impl Iterator<Item = &'a [u8]>) {
    // <86>: facility authpriv (10) × 8 + severity info (6).
    let header = format!("<86>casepress-audit[{}]: ", std::process::id());
    let sender = match UnixDatagram::unbound() {
        Ok(s) => s,
        Err(e) => return tracing::warn!("audit lines not forwarded to {}: {e}", socket.display()),
    };
    for line in lines {
        let mut message = header.clone().into_bytes();
        message.extend_from_slice(line.strip_suffix(b"\n").unwrap_or(line));
        if let Err(e) = sender.send_to(&message, socket) {
            return tracing::warn!("audit lines not forwarded to {}: {e}", socket.display());
        }
    }
}

/// What [`verify`] found.
#[derive(Debug, Clone, Default)]
pub struct Verified {
    /// Chained lines checked.
    pub lines: usize,
    /// The month files read, oldest first.
    pub files: Vec<PathBuf>,
    /// Lines of the log from before the chain (covered as a whole by the
    /// chain's first line).
    pub before_chain: usize,
    /// The hash of the last line: note it, or compare it with the
    /// forwarded copy, to see a removed last line.
    pub last: String,
    /// Every break found, in order.
    pub problems: Vec<Break>,
    /// Each file's lines and the hash of its last line: what to record
    /// before the file is archived, to start a later check after it.
    pub ends: Vec<(PathBuf, usize, String)>,
    /// The `prev` of the first chained line, as it is written there.
    pub first_prev: Option<String>,
    /// Where the check started: the hash given to start after, if any.
    pub after: Option<String>,
}

/// A place where the chain is broken.
#[derive(Debug, Clone)]
pub struct Break {
    /// The file.
    pub file: PathBuf,
    /// The line (from 1).
    pub line: usize,
    /// What is wrong.
    pub why: String,
}

/// Checks the whole chain of the log in `dir`: every line must carry the
/// hash of the line before it and lie in its month's file. A changed line
/// breaks the link of the line after it; a removed one, the link of the line
/// that followed it; a reordered pair, the first of them.
pub fn verify(dir: &Path) -> Result<Verified, String> {
    verify_after(dir, None)
}

/// [`verify`], but the first line left must follow `after`: the hash of the
/// last line of the months archived and removed, as recorded before they
/// were (none: from the start of the log, the strict default).
pub fn verify_after(dir: &Path, after: Option<&str>) -> Result<Verified, String> {
    let mut verified = Verified::default();
    let mut expected = match after {
        Some(hash) => {
            let hash = hash.trim().to_ascii_lowercase();
            if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(format!(
                    "`{}` is not a line's hash: expected 64 hexadecimal characters, as `audit verify` prints them",
                    hash
                ));
            }
            verified.after = Some(hash.clone());
            hash
        }
        None => genesis(dir)?,
    };
    if let Some(bytes) = read_bytes(&dir.join(LEGACY))? {
        verified.before_chain = lines(&bytes).count();
    }
    let mut previous: Option<(PathBuf, usize)> = None;
    for file in month_files(dir)? {
        let bytes = read_bytes(&file)?.unwrap_or_default();
        let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("").to_owned();
        for (n, line) in lines(&bytes) {
            verified.lines += 1;
            let mut problem =
                |why: String| verified.problems.push(Break { file: file.clone(), line: n, why });
            let after = match &previous {
                Some((f, l)) if *f == file => format!("line {l}"),
                Some((f, l)) => {
                    format!("line {l} of {}", f.file_name().and_then(|n| n.to_str()).unwrap_or(""))
                }
                None if after.is_some() => "the hash given to start after".to_owned(),
                None => "the start of the log".to_owned(),
            };
            match serde_json::from_slice::<AuditEntry>(line) {
                Err(_) => problem("not an audit entry (changed, or a torn write)".into()),
                Ok(entry) => {
                    if previous.is_none() {
                        verified.first_prev = entry.prev.clone();
                    }
                    match entry.prev.as_deref() {
                        None => problem("carries no hash of the line before: changed, or put in".into()),
                        Some(prev) if prev != expected => problem(format!(
                            "does not follow {after}: a line between them was removed, or one of them was changed or moved"
                        )),
                        Some(_) => {}
                    }
                    if month_file(&entry.at) != name {
                        problem(format!("dated {}, in the wrong month's file: moved", entry.at));
                    }
                }
            }
            expected = store::sha256_hex(line);
            previous = Some((file.clone(), n));
        }
        let count = lines(&bytes).count();
        if count > 0 {
            verified.ends.push((file.clone(), count, expected.clone()));
        }
        verified.files.push(file);
    }
    verified.last = expected;
    Ok(verified)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn audit(dir: &Path) -> Audit {
        Audit::new(dir.to_owned(), Modes::default(), None).unwrap()
    }

    fn write_lines(path: &Path, lines: &[&str]) {
        std::fs::write(path, lines.iter().map(|l| format!("{l}\n")).collect::<String>()).unwrap();
    }

    fn the_month_file(dir: &Path) -> PathBuf {
        month_files(dir).unwrap().pop().unwrap()
    }

    #[test]
    fn every_line_from_many_threads_is_written_whole_and_once_and_chained() {
        let dir = tempfile::tempdir().unwrap();
        let audit = std::sync::Arc::new(audit(&dir.path().join("audit")));
        let threads: Vec<_> = (0..8)
            .map(|t| {
                let audit = audit.clone();
                std::thread::spawn(move || {
                    for i in 0..50 {
                        audit
                            .outcome(Outcome::Done, "Someone", "read", Some(&format!("C-{t}-{i}")), "")
                            .unwrap();
                    }
                })
            })
            .collect();
        threads.into_iter().for_each(|t| t.join().unwrap());
        let entries = audit.read().unwrap();
        assert_eq!(entries.len(), 400);
        let mut cases: Vec<_> = entries.iter().map(|e| e.case.clone().unwrap()).collect();
        cases.sort();
        cases.dedup();
        assert_eq!(cases.len(), 400);
        let verified = verify(audit.dir()).unwrap();
        assert_eq!((verified.lines, verified.problems.len()), (400, 0), "{:?}", verified.problems);
    }

    #[test]
    fn a_line_that_cannot_be_written_fails_its_request_and_the_chain_goes_on() {
        let dir = tempfile::tempdir().unwrap();
        let audit = audit(&dir.path().join("audit"));
        audit.outcome(Outcome::Done, "Someone", "read", Some("C"), "").unwrap();
        let file = the_month_file(audit.dir());
        std::fs::rename(&file, dir.path().join("aside")).unwrap();
        std::fs::create_dir(&file).unwrap(); // a folder where the file should be
        assert!(audit.outcome(Outcome::Done, "Someone", "read", Some("C"), "").is_err());
        std::fs::remove_dir(&file).unwrap();
        std::fs::rename(dir.path().join("aside"), &file).unwrap();
        audit.outcome(Outcome::Done, "Someone", "read", Some("C"), "").unwrap();
        let verified = verify(audit.dir()).unwrap();
        assert_eq!((verified.lines, verified.problems.len()), (2, 0), "{:?}", verified.problems);
    }

    #[test]
    fn a_changed_removed_or_reordered_line_is_found_and_named() {
        let dir = tempfile::tempdir().unwrap();
        let audit = audit(&dir.path().join("audit"));
        for case in ["A", "B", "C", "D", "E"] {
            audit.outcome(Outcome::Done, "Someone", "read", Some(case), "").unwrap();
        }
        let file = the_month_file(audit.dir());
        let good = std::fs::read_to_string(&file).unwrap();
        let lines: Vec<&str> = good.lines().collect();
        let broken_at = |text: String| {
            std::fs::write(&file, text).unwrap();
            let v = verify(audit.dir()).unwrap();
            v.problems.iter().map(|p| p.line).collect::<Vec<_>>()
        };
        // Changed: case B becomes X; the line after it no longer follows.
        let changed = good.replace("\"case\":\"B\"", "\"case\":\"X\"");
        assert_eq!(broken_at(changed), vec![3]);
        // Removed: line 3 (C) gone; D, now line 3, does not follow B.
        let mut removed = lines.clone();
        removed.remove(2);
        assert_eq!(broken_at(removed.join("\n") + "\n"), vec![3]);
        // Reordered: C and D swapped.
        let mut swapped = lines.clone();
        swapped.swap(2, 3);
        let found = broken_at(swapped.join("\n") + "\n");
        assert!(found.contains(&3), "{found:?}");
        // As it was: nothing found.
        assert_eq!(broken_at(good.clone()), Vec::<usize>::new());
        let v = verify(audit.dir()).unwrap();
        assert!(v.problems.is_empty());
        assert_eq!(v.last, store::sha256_hex(lines[4].as_bytes()));
    }

    #[test]
    fn the_chain_runs_across_a_month_boundary() {
        let dir = tempfile::tempdir().unwrap();
        let audit_dir = dir.path().join("audit");
        std::fs::create_dir_all(&audit_dir).unwrap();
        // November's lines as the workspace wrote them, ending 30 November.
        let mut prev = GENESIS.to_owned();
        let mut november = Vec::new();
        for (i, at) in ["2026-11-29T09:00:00.000Z", "2026-11-30T23:59:59.999Z"].iter().enumerate() {
            let entry = AuditEntry {
                at: (*at).into(),
                who: "Someone".into(),
                what: "read".into(),
                outcome: Some("done".into()),
                case: Some(format!("N-{i}")),
                detail: String::new(),
                prev: Some(prev.clone()),
            };
            let line = serde_json::to_string(&entry).unwrap();
            prev = store::sha256_hex(line.as_bytes());
            november.push(line);
        }
        let november_file = audit_dir.join("audit-2026-11.jsonl");
        write_lines(&november_file, &november.iter().map(String::as_str).collect::<Vec<_>>());
        // A restart in December: the month's first line follows November's last.
        let audit = audit(&audit_dir);
        audit.outcome(Outcome::Done, "Someone", "read", Some("D-0"), "").unwrap();
        let entries = audit.read().unwrap();
        assert_eq!(entries.len(), 3);
        assert_eq!(entries[2].prev.as_deref(), Some(prev.as_str()));
        let v = verify(&audit_dir).unwrap();
        assert_eq!((v.files.len(), v.lines, v.problems.len()), (2, 3, 0), "{:?}", v.problems);
        assert_eq!(v.ends[0], (november_file.clone(), 2, prev.clone()), "November's last hash, to record");
        // Without November, December's first line is found out of place,
        // unless the check starts after November's last hash.
        std::fs::remove_file(&november_file).unwrap();
        let v = verify(&audit_dir).unwrap();
        assert_eq!(v.problems.len(), 1);
        assert_eq!(v.problems[0].line, 1);
        assert_eq!(v.first_prev.as_deref(), Some(prev.as_str()));
        let v = verify_after(&audit_dir, Some(&prev.to_uppercase())).unwrap();
        assert_eq!((v.lines, v.problems.len()), (1, 0), "{:?}", v.problems);
        assert!(verify_after(&audit_dir, Some("not a hash")).is_err());
    }

    #[test]
    fn a_log_from_before_the_chain_is_read_and_covered_by_its_first_line() {
        let dir = tempfile::tempdir().unwrap();
        let audit_dir = dir.path().join("audit");
        std::fs::create_dir_all(&audit_dir).unwrap();
        let old = r#"{"at":"2026-11-20T10:00:00.000Z","who":"Someone","what":"write","case":"C","detail":"psr offence"}"#;
        write_lines(&audit_dir.join(LEGACY), &[old]);
        let audit = audit(&audit_dir);
        audit.outcome(Outcome::Refused, "Someone", "write", Some("C"), "read only").unwrap();
        let entries = audit.read().unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].outcome, None);
        assert_eq!(entries[1].outcome.as_deref(), Some("refused"));
        let v = verify(&audit_dir).unwrap();
        assert_eq!((v.before_chain, v.lines, v.problems.len()), (1, 1, 0));
        // A changed old line breaks the chain's first link.
        write_lines(&audit_dir.join(LEGACY), &[&old.replace("Someone", "Another")]);
        assert_eq!(verify(&audit_dir).unwrap().problems.len(), 1);
    }

    #[test]
    fn each_line_is_forwarded_to_the_syslog_socket() {
        let dir = tempfile::tempdir().unwrap();
        let socket = dir.path().join("log.sock");
        let receiver = UnixDatagram::bind(&socket).unwrap();
        receiver.set_read_timeout(Some(std::time::Duration::from_secs(5))).unwrap();
        let audit = Audit::new(dir.path().join("audit"), Modes::default(), Some(socket)).unwrap();
        audit.outcome(Outcome::Conflict, "Someone", "write", Some("C"), "psr offence").unwrap();
        let mut buf = [0u8; 4096];
        let n = receiver.recv(&mut buf).unwrap();
        let message = String::from_utf8_lossy(&buf[..n]);
        assert!(message.starts_with("<86>casepress-audit["), "{message}");
        let line = message.split_once("]: ").unwrap().1;
        let file = std::fs::read_to_string(the_month_file(audit.dir())).unwrap();
        assert_eq!(format!("{line}\n"), file, "the same line as the file's");
    }
}
