//! Filing the inbox, crash-safe: a crash at any instant loses nothing and a
//! re-run completes the work without duplicates.
//!
//! Per statement: read once (hashing), decide, record the decision in the
//! ledger ("begun"), publish the copy without overwrite, verify its SHA-256,
//! write the notes and notices, append the receipt to the case log, record
//! "done", and only then remove it from the inbox. A re-run finds "begun"
//! and repeats the same decision; every step is idempotent. This module is
//! that order and nothing else: the practice decision is [`super::decide()`].

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use sha2::{Digest, Sha256};

use super::decide::{Policy, Received, decide};
use super::decision::{Decision, StatementOutcome};
use super::inbox::{self, Arrived};
use super::ledger::{Ledger, LedgerFile, Stage, read_ledger};
use super::notes::{self, SafetyLinkNotice};
use super::register::Register;
use super::report::{FilingReport, StatementReport};
use super::staff::Directory;
use crate::case::Caseload;
use crate::failpoint;
use crate::press::{Press, SetupError};
use crate::store::{self, Layout, LogEntry, Modes};

/// What to file and when.
#[derive(Debug, Clone)]
pub struct FileOptions {
    /// The inbox folder.
    pub inbox: PathBuf,
    /// "Now": when the statements are received and assigned.
    pub now: DateTime<Utc>,
}

/// Files every statement in the inbox, matching against `caseload`. Holds a
/// lock on the output's statement ledger for the whole run: a second
/// concurrent run is refused.
pub fn file_inbox(
    press: &Press,
    caseload: &Caseload,
    opts: &FileOptions,
) -> Result<FilingReport, SetupError> {
    let config = press.config();
    let layout = press.layout();
    let modes = press.modes();
    store::ensure_dir(&layout.ledger_dir(), modes)?;
    let lock_path = layout.ledger_dir().join("lock");
    let lock = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .mode(modes.file)
        .open(&lock_path)
        .map_err(|e| SetupError::Input(format!("{}: {e}", lock_path.display())))?;
    lock.try_lock().map_err(|_| {
        SetupError::Input(format!("{}: another `casepress statements file` run is filing this output folder; try again when it finishes", lock_path.display()))
    })?;

    if let (Some(sample), Some(configured)) = (&config.statements.sample_inbox, &config.statements.inbox)
        && *configured == opts.inbox
    {
        inbox::seed_from_sample(&opts.inbox, sample, modes)?;
    }
    let register = Register::new(caseload.cases());
    let unloaded: Vec<String> = caseload.failures.iter().map(|f| f.file.display().to_string()).collect();
    let directory = Directory::new(config.staff.clone());
    let policy = Policy {
        register: &register,
        unloaded: &unloaded,
        directory: &directory,
        hours: press.hours(),
        settings: &config.statements,
        naming: &config.naming.statement,
    };
    let filer = Filer {
        press,
        layout,
        modes,
        ledger_file: LedgerFile { path: layout.ledger(), modes },
        policy,
        now: opts.now,
    };
    let mut ledger = read_ledger(&layout.ledger())?;
    filer.reconcile(&mut ledger, &opts.inbox).map_err(SetupError::Input)?;
    filer.restore_receipts(&ledger).map_err(SetupError::Input)?;

    let settle = Duration::from_secs(config.statements.settle_seconds);
    let mut items = Vec::new();
    let mut batch = Batch::default();
    let files = inbox::inbox_files(&opts.inbox)
        .map_err(|e| SetupError::Input(format!("{}: {e}", opts.inbox.display())))?;
    for path in files {
        let mut prepared = filer.prepare(&path, &ledger, settle, &batch);
        if let Ok(Prepared::Clash) = prepared {
            // The same file, or the same destination, as one in the batch:
            // file the batch first, then this one against what it filed.
            items.extend(filer.commit(std::mem::take(&mut batch), &mut ledger));
            prepared = filer.prepare(&path, &ledger, settle, &batch);
        }
        match prepared {
            Ok(Prepared::Report(report)) => items.push(report),
            Ok(Prepared::File(pending)) => {
                batch.push(*pending);
                if batch.is_full() {
                    items.extend(filer.commit(std::mem::take(&mut batch), &mut ledger));
                }
            }
            Ok(Prepared::Clash) => unreachable!("nothing clashes with an empty batch"),
            Err(reason) => items.push(StatementReport::failed(&path, &reason)),
        }
    }
    items.extend(filer.commit(batch, &mut ledger));
    // Safety Link first: those are actioned immediately.
    items.sort_by_key(|i| !i.safety_link);
    // "Done" lines before the inbox removals they allow.
    filer.ledger_file.sync().map_err(SetupError::Input)?;
    store::sync_dir(&opts.inbox)?;
    drop(lock);
    Ok(FilingReport { items, unloaded: caseload.failures.clone() })
}

/// Said of a statement whose inbox name now holds a different file.
const REPLACED: &str = "a different file now has its name in the inbox and is left for the next run";

struct Filer<'a> {
    press: &'a Press,
    layout: &'a Layout,
    modes: Modes,
    ledger_file: LedgerFile,
    policy: Policy<'a>,
    now: DateTime<Utc>,
}

impl Filer<'_> {
    /// Reads a statement and decides what to do with it, writing nothing
    /// but the removal of a duplicate from the inbox.
    fn prepare(
        &self,
        path: &Path,
        ledger: &Ledger,
        settle: Duration,
        batch: &Batch,
    ) -> Result<Prepared, String> {
        let arrived = match inbox::read_settled(path, settle)? {
            Ok(arrived) => arrived,
            Err(why) => {
                return Ok(Prepared::Report(StatementReport::bare(
                    path,
                    StatementOutcome::Skipped,
                    why.into(),
                )));
            }
        };
        if batch.pending.iter().any(|p| p.decision.sha256 == arrived.sha256) {
            return Ok(Prepared::Clash);
        }
        if let Some(open) = ledger.open(&arrived.sha256) {
            return self.prepared(path, arrived, open, true, batch);
        }
        if let Some(done) = ledger.done(&arrived.sha256)
            && self.verify(&done).is_ok()
        {
            // A sidecar that came with it is kept beside the filed copy.
            self.keep_sidecar(&done, &arrived)?;
            let removal = inbox::remove(path, &arrived)?;
            let mut report = self.report(path, &done);
            report.outcome = StatementOutcome::Duplicate;
            let filed = report.filed.as_ref().map(|p| p.display().to_string()).unwrap_or_default();
            report.detail = match removal {
                inbox::Removal::Removed => format!("already filed as {filed}: removed from the inbox"),
                inbox::Removal::Replaced => format!("already filed as {filed}; {REPLACED}"),
            };
            return Ok(Prepared::Report(report));
        }
        let decision = self.decide(path, &arrived)?;
        self.prepared(path, arrived, decision, false, batch)
    }

    /// A decided statement, to file with the batch unless it clashes.
    fn prepared(
        &self,
        path: &Path,
        arrived: Arrived,
        decision: Decision,
        resumed: bool,
        batch: &Batch,
    ) -> Result<Prepared, String> {
        let same_place = |p: &Pending| {
            p.decision.dest_dir == decision.dest_dir && p.decision.dest_name == decision.dest_name
        };
        if batch.pending.iter().any(same_place) {
            return Ok(Prepared::Clash);
        }
        Ok(Prepared::File(Box::new(Pending { path: path.to_owned(), arrived, decision, resumed })))
    }

    /// The practice decision, then the copy's free name: `_2` when a
    /// different file (a re-sent edit) already has the name it should have.
    fn decide(&self, path: &Path, arrived: &Arrived) -> Result<Decision, String> {
        let source = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
        let received = Received {
            sha256: &arrived.sha256,
            source: &source,
            fields: inbox::fields_of(arrived),
            sidecar: arrived.sidecar.is_some(),
        };
        let mut d = decide(received, &self.policy, self.now)?;
        if d.outcome == StatementOutcome::Assigned {
            let name = d.dest_name.clone();
            d.dest_name =
                store::free_name(&self.layout.at(&d.dest_dir), &name, &Sha256::digest(&arrived.bytes));
            d.variant = variant(&name, &d.dest_name);
        }
        Ok(d)
    }

    /// Files a batch in order, each step for the whole batch before the
    /// next: decisions ("begun", one sync); copies, verified, then sidecars,
    /// notes and notices (each file synced, each folder once); receipts (one
    /// append and sync per case log); "done"; removal from the inbox. A
    /// statement that fails a step drops out with its reason; its "begun"
    /// line makes the next run finish it.
    fn commit(&self, batch: Batch, ledger: &mut Ledger) -> Vec<StatementReport> {
        let mut live: Vec<(Pending, Result<(), String>)> =
            batch.pending.into_iter().map(|p| (p, Ok(()))).collect();
        if live.is_empty() {
            return Vec::new();
        }
        let new: Vec<&Decision> = live.iter().filter(|(p, _)| !p.resumed).map(|(p, _)| &p.decision).collect();
        if let Err(reason) = self.ledger_file.append(ledger, Stage::Begun, &new) {
            return live.iter().map(|(p, _)| StatementReport::failed(&p.path, &reason)).collect();
        }
        failpoint("after-begun");
        let mut folders = Folders::default();
        for (p, result) in &mut live {
            *result = self.publish_copy(p, &mut folders);
        }
        failpoint("after-publish");
        for (p, result) in live.iter_mut().filter(|(_, r)| r.is_ok()) {
            *result = self.publish_notes(&p.decision, &mut folders);
        }
        if let Err(reason) = folders.sync() {
            fail_the_rest(&mut live, &reason);
        }
        failpoint("after-notes");
        self.log_receipts(&mut live);
        failpoint("after-log");
        let done: Vec<&Decision> = live.iter().filter(|(_, r)| r.is_ok()).map(|(p, _)| &p.decision).collect();
        if let Err(reason) = self.ledger_file.append(ledger, Stage::Done, &done) {
            fail_the_rest(&mut live, &reason);
        }
        failpoint("after-done");
        live.into_iter()
            .map(|(p, result)| {
                result
                    .and_then(|()| inbox::remove(&p.path, &p.arrived))
                    .map(|removal| {
                        let mut report = self.report(&p.path, &p.decision);
                        if removal == inbox::Removal::Replaced {
                            report.detail.push_str(&format!("; {REPLACED}"));
                        }
                        report
                    })
                    .unwrap_or_else(|reason| StatementReport::failed(&p.path, &reason))
            })
            .collect()
    }

    /// Publishes the filed copy (and its sidecar) and verifies it by
    /// SHA-256. Idempotent; the folder is synced with the batch's.
    fn publish_copy(&self, p: &Pending, folders: &mut Folders) -> Result<(), String> {
        let d = &p.decision;
        let dir = folders.enter(&self.layout.at(&d.dest_dir), self.modes)?;
        store::publish_as_unsynced(&dir, &d.dest_name, &p.arrived.bytes, self.modes)
            .map_err(|e| e.to_string())?;
        self.verify(d)?;
        // Every sidecar goes where its PDF goes: filed or quarantined.
        if let Some(side) = &p.arrived.sidecar {
            let name = Path::new(&d.dest_name).with_extension("json");
            store::publish_as_unsynced(&dir, &name.to_string_lossy(), &side.bytes, self.modes)
                .map_err(|e| e.to_string())?;
        }
        Ok(())
    }

    /// Keeps the sidecar of a duplicate beside the filed copy: under the
    /// copy's sidecar name when it is the same, else numbered (`_2`), never
    /// replacing one.
    fn keep_sidecar(&self, d: &Decision, arrived: &Arrived) -> Result<(), String> {
        let Some(side) = &arrived.sidecar else { return Ok(()) };
        let name = Path::new(&d.dest_name).with_extension("json");
        store::publish(&self.layout.at(&d.dest_dir), &name.to_string_lossy(), &side.bytes, self.modes)
            .map(drop)
            .map_err(|e| e.to_string())
    }

    /// Writes the decision's notes and, for Safety Link, the escalation
    /// notice. Idempotent; folders are synced with the batch's.
    fn publish_notes(&self, d: &Decision, folders: &mut Folders) -> Result<(), String> {
        for (dir, name, text) in notes::notes_for(d, self.press.config(), self.press.calendar()) {
            let dir = folders.enter(&self.layout.at(dir), self.modes)?;
            store::publish_as_unsynced(&dir, &name, text.as_bytes(), self.modes)
                .map_err(|e| e.to_string())?;
        }
        if !d.recipients.is_empty() {
            let notice = SafetyLinkNotice::of(d);
            let pdf = self
                .press
                .typeset_notice("safety-link.typ.j2", &notice, &d.sha256, d.received_day())
                .map_err(|f| f.reason)?;
            let dir = folders.enter(&self.layout.escalations(), self.modes)?;
            store::publish_as_unsynced(&dir, &d.notice_name(), &pdf, self.modes)
                .map_err(|e| e.to_string())?;
        }
        Ok(())
    }

    /// Re-reads the filed copy and checks its SHA-256.
    fn verify(&self, d: &Decision) -> Result<(), String> {
        let path = self.layout.at(d.filed());
        let digest = store::file_digest(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        if store::hex(&digest) == d.sha256 {
            Ok(())
        } else {
            Err(format!("{}: the filed copy does not match the original (SHA-256)", path.display()))
        }
    }

    /// The receipts of the batch's assigned statements, one append (and one
    /// sync) per case log, after their copies are durable.
    ///
    /// Only a resumed decision can already have its receipt (the receipt is
    /// written after "begun"), so only then is the case log read to check.
    fn log_receipts(&self, live: &mut [(Pending, Result<(), String>)]) {
        let mut by_case: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (k, (p, result)) in live.iter().enumerate() {
            if result.is_ok() && p.decision.outcome == StatementOutcome::Assigned {
                by_case.entry(p.decision.case_id.as_deref().unwrap_or_default()).or_default().push(k);
            }
        }
        let mut failures = Vec::new();
        for (case_id, members) in by_case {
            let case_dir = self.layout.case_dir(case_id);
            let logged = if members.iter().any(|&k| live[k].0.resumed) {
                match logged_statements(&case_dir) {
                    Ok(logged) => logged,
                    Err(e) => {
                        failures.extend(members.iter().map(|&k| (k, e.clone())));
                        continue;
                    }
                }
            } else {
                BTreeSet::new()
            };
            let entries: Vec<LogEntry> = members
                .iter()
                .map(|&k| &live[k].0.decision)
                .filter(|d| !logged.contains(&d.sha256))
                .map(|d| self.receipt(d))
                .collect();
            if let Err(e) = store::append_log_many(&case_dir, &entries, self.modes) {
                failures.extend(members.iter().map(|&k| (k, e.to_string())));
            }
        }
        for (k, reason) in failures {
            live[k].1 = Err(reason);
        }
    }

    /// The case-log receipt of an assigned statement.
    fn receipt(&self, d: &Decision) -> LogEntry {
        let f = &d.fields;
        LogEntry::Statement {
            at: d.received.to_rfc3339_opts(SecondsFormat::Secs, true),
            statement_id: f.statement_id.clone().unwrap_or_default(),
            file: d.dest_name.clone(),
            sha256: d.sha256.clone(),
            app: f.app.clone(),
            statement_type: f.statement_type.clone(),
            sent: f.sent.map(|s| s.to_rfc3339_opts(SecondsFormat::Secs, true)).unwrap_or_default(),
            received: d.received.to_rfc3339_opts(SecondsFormat::Secs, true),
            assigned_to: d.assigned_to.clone().unwrap_or_default(),
            route: d.route.as_ref().map_or("allocated", |r| r.as_str()).into(),
            working_minutes: d.working_minutes.unwrap_or_default(),
            sla_hours: self.press.config().statements.assign_within_working_hours,
            sla_met: d.sla_met.unwrap_or(true),
            safety_link: f.safety_link,
        }
    }

    /// Restores receipts that case logs lost to a torn or glued write: every
    /// statement the ledger records as filed into a case, with its copy
    /// intact, has its receipt in that case's log.
    fn restore_receipts(&self, ledger: &Ledger) -> Result<(), String> {
        let mut by_case: BTreeMap<String, Vec<Decision>> = BTreeMap::new();
        for d in ledger.done_decisions().into_iter().filter(|d| d.outcome == StatementOutcome::Assigned) {
            by_case.entry(d.case_id.clone().unwrap_or_default()).or_default().push(d);
        }
        for (case_id, decisions) in by_case {
            let case_dir = self.layout.case_dir(&case_id);
            let logged = logged_statements(&case_dir)?;
            let missing: Vec<LogEntry> = decisions
                .iter()
                .filter(|d| !logged.contains(&d.sha256) && self.verify(d).is_ok())
                .map(|d| self.receipt(d))
                .collect();
            store::append_log_many(&case_dir, &missing, self.modes).map_err(|e| e.to_string())?;
        }
        Ok(())
    }

    /// Restores "done" for statements whose filing completed but whose
    /// "done" line was lost in a crash: the copy verifies, the receipt is in
    /// the case log (if assigned), and the file has left the inbox.
    fn reconcile(&self, ledger: &mut Ledger, inbox: &Path) -> Result<(), String> {
        for d in ledger.open_decisions() {
            let gone = !inbox.join(&d.source).exists();
            let receipt = d.outcome != StatementOutcome::Assigned || {
                let case_dir = self.layout.case_dir(d.case_id.as_deref().unwrap_or_default());
                logged_statements(&case_dir)?.contains(&d.sha256)
            };
            if gone && receipt && self.verify(&d).is_ok() {
                self.ledger_file.append(ledger, Stage::Done, &[&d])?;
            }
        }
        Ok(())
    }

    fn report(&self, path: &Path, d: &Decision) -> StatementReport {
        let sla_hours = self.press.config().statements.assign_within_working_hours;
        StatementReport::decided(path, d, self.layout, sla_hours)
    }
}

/// SHA-256 of every statement a case log records as filed.
fn logged_statements(case_dir: &Path) -> Result<BTreeSet<String>, String> {
    Ok(store::read_log(case_dir)
        .map_err(|e| e.to_string())?
        .into_iter()
        .filter_map(|e| match e {
            LogEntry::Statement { sha256, .. } => Some(sha256),
            _ => None,
        })
        .collect())
}

/// Statements filed together: one ledger sync for their decisions, one
/// fsync per folder, one append per case log. Bounded, so that little is
/// held in memory and a crash leaves little to resume.
#[derive(Default)]
struct Batch {
    pending: Vec<Pending>,
    bytes: usize,
}

impl Batch {
    const MAX_STATEMENTS: usize = 64;
    const MAX_BYTES: usize = 64 << 20;

    fn push(&mut self, p: Pending) {
        self.bytes += p.arrived.bytes.len();
        self.pending.push(p);
    }

    fn is_full(&self) -> bool {
        self.pending.len() >= Self::MAX_STATEMENTS || self.bytes >= Self::MAX_BYTES
    }
}

/// A statement read and decided, waiting to be filed with its batch.
struct Pending {
    path: PathBuf,
    arrived: Arrived,
    decision: Decision,
    /// The decision comes from an earlier run that stopped part-way.
    resumed: bool,
}

/// What reading an inbox file came to.
enum Prepared {
    /// Nothing to file: skipped or a duplicate.
    Report(StatementReport),
    /// To file with the batch.
    File(Box<Pending>),
    /// The same file or destination as one in the batch.
    Clash,
}

/// The folders a batch writes into: each created and swept of stale
/// temporary files once, and synced once before anything names its files.
#[derive(Default)]
struct Folders(BTreeSet<PathBuf>);

impl Folders {
    fn enter(&mut self, dir: &Path, modes: Modes) -> Result<PathBuf, String> {
        if !self.0.contains(dir) {
            store::ensure_dir(dir, modes).map_err(|e| e.to_string())?;
            store::sweep_temp_files(dir);
            self.0.insert(dir.to_owned());
        }
        Ok(dir.to_owned())
    }

    fn sync(&self) -> Result<(), String> {
        self.0.iter().try_for_each(|dir| store::sync_dir(dir).map_err(|e| e.to_string()))
    }
}

/// Fails every statement of the batch still going, with `reason`.
fn fail_the_rest(live: &mut [(Pending, Result<(), String>)], reason: &str) {
    for (_, result) in live.iter_mut().filter(|(_, r)| r.is_ok()) {
        *result = Err(reason.to_owned());
    }
}

/// `_2` when `numbered` is `name` numbered by [`store::free_name`] (`a_2.pdf`
/// for `a.pdf`); empty when it is `name` itself.
fn variant(name: &str, numbered: &str) -> String {
    let stem = |n: &str| n.rsplit_once('.').map_or(n.to_owned(), |(s, _)| s.to_owned());
    stem(numbered).strip_prefix(&stem(name)).unwrap_or_default().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_numbered_copy_has_its_variant() {
        assert_eq!(variant("2026-11-20_my-world_M1.pdf", "2026-11-20_my-world_M1.pdf"), "");
        assert_eq!(variant("2026-11-20_my-world_M1.pdf", "2026-11-20_my-world_M1_2.pdf"), "_2");
        assert_eq!(variant("noext", "noext_3"), "_3");
    }
}
