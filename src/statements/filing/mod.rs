//! Filing the inbox, crash-safe: a crash at any instant loses nothing and a
//! re-run completes the work without duplicates.
//!
//! Per statement: read once (hashing), decide, record the decision in the
//! ledger ("begun"), publish the copy without overwrite, verify its SHA-256,
//! write the notes and notices, append the receipt to the case log, record
//! "done", and only then remove it from the inbox. A re-run finds "begun"
//! and repeats the same decision; every step is idempotent. This module is
//! that order and nothing else: the practice decision is [`super::decide()`].

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

mod attach;
mod commit;
mod recover;

pub use attach::{AttachOptions, attach, attach_locked};

use commit::{Batch, Pending, Prepared};

use super::decide::{Policy, Received, decide};
use super::decision::{Decision, StatementOutcome};
use super::inbox::{self, Arrived};
use super::ledger::{Ledger, LedgerFile};
use super::register::Register;
use super::report::{FilingReport, StatementReport};
use crate::case::Caseload;
use crate::press::{Press, SetupError};
use crate::staff::Directory;
use crate::store::{self, Layout, Modes};

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
    let mut lock = FilingLock::take(press)?;
    file_inbox_locked(press, caseload, opts, &mut lock)
}

/// The filing lock of an output root: one filer at a time (a `file` run,
/// an `attach`, or a watcher for its whole life). Released when dropped.
///
/// Only the holder writes the ledger, so the holder keeps its index: read
/// once, then followed as it grows, and the start-of-run recovery done once
/// per hold. A watcher's memory and each batch's work stay flat however
/// long the ledger gets.
pub struct FilingLock {
    _file: fs::File,
    ledger: Option<Ledger>,
    receipts_checked: bool,
}

impl FilingLock {
    /// Takes the lock, or says who holds it.
    pub fn take(press: &Press) -> Result<Self, SetupError> {
        let file = lock(press.layout(), press.modes())?;
        Ok(Self { _file: file, ledger: None, receipts_checked: false })
    }

    /// The ledger's index: read at first use, caught up after.
    fn ledger(&mut self, layout: &Layout) -> Result<&mut Ledger, SetupError> {
        match &mut self.ledger {
            Some(ledger) => ledger.catch_up()?,
            None => self.ledger = Some(Ledger::read(&layout.ledger())?),
        }
        Ok(self.ledger.as_mut().expect("just read"))
    }
}

/// [`file_inbox`] under a lock the caller holds (the watcher holds one for
/// its whole life).
pub fn file_inbox_locked(
    press: &Press,
    caseload: &Caseload,
    opts: &FileOptions,
    lock: &mut FilingLock,
) -> Result<FilingReport, SetupError> {
    let config = press.config();
    let layout = press.layout();
    let modes = press.modes();
    if let (Some(sample), Some(configured)) = (&config.statements.sample_inbox, &config.statements.inbox)
        && *configured == opts.inbox
    {
        inbox::seed_from_sample(&opts.inbox, sample, modes)?;
    }
    let service = Service::new(press, caseload);
    let filer = service.filer(opts.now);
    let check_receipts = !lock.receipts_checked;
    let ledger = lock.ledger(layout)?;
    filer.reconcile(ledger, &opts.inbox).map_err(SetupError::Input)?;
    // Receipts are lost only to a crash or a torn write, both of which end
    // a hold: checked once per hold, not every batch.
    let problems = if check_receipts { filer.restore_receipts(ledger) } else { Vec::new() };

    let settle = Duration::from_secs(config.statements.settle_seconds);
    let mut items = Vec::new();
    let mut batch = Batch::default();
    let contents = inbox::inbox_files(&opts.inbox)
        .map_err(|e| SetupError::Input(format!("{}: {e}", opts.inbox.display())))?;
    for (path, what) in &contents.others {
        let detail = format!("{what}: left in the inbox");
        items.push(StatementReport::bare(path, StatementOutcome::Skipped, detail));
    }
    for path in contents.files {
        let mut prepared = filer.prepare(&path, ledger, settle, &batch);
        if let Ok(Prepared::Clash) = prepared {
            // The same file, or the same destination, as one in the batch:
            // file the batch first, then this one against what it filed.
            items.extend(filer.commit(std::mem::take(&mut batch), ledger));
            prepared = filer.prepare(&path, ledger, settle, &batch);
        }
        match prepared {
            Ok(Prepared::Report(report)) => items.push(report),
            Ok(Prepared::File(pending)) => {
                batch.push(*pending);
                if batch.is_full() {
                    items.extend(filer.commit(std::mem::take(&mut batch), ledger));
                }
            }
            Ok(Prepared::Clash) => unreachable!("nothing clashes with an empty batch"),
            Err(reason) => items.push(StatementReport::failed(&path, &reason)),
        }
    }
    items.extend(filer.commit(batch, ledger));
    if check_receipts {
        lock.receipts_checked = true;
    }
    // Safety Link first: those are actioned immediately.
    items.sort_by_key(|i| !i.safety_link);
    // "Done" lines before the inbox removals they allow.
    filer.ledger_file.sync().map_err(SetupError::Input)?;
    store::sync_dir(&opts.inbox)?;
    Ok(FilingReport { items, unloaded: caseload.failures.clone(), problems })
}

/// Takes the filing lock of an output root: one filing run (or attach) at a
/// time. Released when the file is dropped.
fn lock(layout: &Layout, modes: Modes) -> Result<fs::File, SetupError> {
    store::ensure_dir(&layout.ledger_dir(), modes)?;
    let lock_path = layout.filing_lock();
    store::try_lock(&lock_path, modes)?.ok_or_else(|| {
        SetupError::Input(format!(
            "{}: another `casepress statements file` run (or `attach`, or a `statements watch`) is filing into this output folder; try again when it finishes",
            lock_path.display()
        ))
    })
}

/// What the practice decision needs from the service, built once per run.
struct Service<'a> {
    press: &'a Press,
    register: Register,
    unloaded: Vec<String>,
    directory: &'a Directory,
}

impl<'a> Service<'a> {
    fn new(press: &'a Press, caseload: &Caseload) -> Self {
        Self {
            press,
            register: Register::new(caseload.cases()),
            unloaded: caseload.failures.iter().map(|f| f.file.display().to_string()).collect(),
            directory: press.staff(),
        }
    }

    fn filer(&self, now: DateTime<Utc>) -> Filer<'_> {
        let config = self.press.config();
        let layout = self.press.layout();
        let modes = self.press.modes();
        let policy = Policy {
            register: &self.register,
            unloaded: &self.unloaded,
            directory: self.directory,
            hours: self.press.hours(),
            settings: &config.statements,
            naming: &config.naming.statement,
        };
        Filer {
            press: self.press,
            layout,
            modes,
            ledger_file: LedgerFile { path: layout.ledger(), modes },
            policy,
            now,
        }
    }
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
        if let Some(open) = ledger.open(&arrived.sha256).map_err(|e| e.to_string())? {
            return self.prepared(path, arrived, open, true, batch);
        }
        if let Some(done) = ledger.done(&arrived.sha256).map_err(|e| e.to_string())?
            && self.verify(&done).is_ok()
        {
            // Put back after the case was corrected (or with a sidecar naming
            // the child): an unidentified or unreadable statement that now
            // decides otherwise is filed anew, superseding the old decision.
            if matches!(done.outcome, StatementOutcome::Unidentified | StatementOutcome::Unreadable) {
                let mut fresh = self.decide(path, &arrived)?;
                if fresh.outcome != done.outcome {
                    fresh.supersedes = Some(done.filed());
                    return self.prepared(path, arrived, fresh, false, batch);
                }
            }
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
        Ok(Prepared::File(Box::new(Pending {
            path: path.to_owned(),
            arrived,
            decision,
            resumed,
            from_inbox: true,
        })))
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

    fn report(&self, path: &Path, d: &Decision) -> StatementReport {
        let sla_hours = self.press.config().statements.assign_within_working_hours;
        StatementReport::decided(path, d, self.layout, sla_hours)
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
