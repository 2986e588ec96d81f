//! Filing the inbox, crash-safe: a crash at any instant loses nothing and a
//! re-run completes the work without duplicates.
//!
//! Per statement: read once (hashing), decide, record the decision in the
//! ledger ("begun"), publish the copy without overwrite, verify its SHA-256,
//! write the notes and notices, append the receipt to the case log, record
//! "done", and only then remove it from the inbox. A re-run finds "begun"
//! and repeats the same decision; every step is idempotent. This module is
//! that order and nothing else: the practice decision is [`super::decide()`].

use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, Utc};

mod attach;
mod batch;
mod commit;
mod filer;
mod recover;

pub use attach::{AttachOptions, attach, attach_locked};

use batch::{Batch, Prepared};
use filer::Service;

use super::decision::StatementOutcome;
use super::inbox;
use super::ledger::Ledger;
use super::report::{FilingReport, StatementReport};
use crate::case::Caseload;
use crate::press::{Press, SetupError};
use crate::store;

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
    _held: store::FilingLock,
    ledger: Option<Ledger>,
    receipts_checked: bool,
    /// Inbox files a watcher saw finished (closed after writing, or moved
    /// in): filed without waiting out the settle time.
    seen_whole: inbox::SeenWhole,
}

impl FilingLock {
    /// Takes the lock, or says who holds it.
    pub fn take(press: &Press) -> Result<Self, SetupError> {
        let held = press.records().try_lock_filing()?.ok_or_else(|| {
            SetupError::Input(format!(
                "{}: another `casepress statements file` run (or `attach`, or a `statements watch`) is filing into this output folder; try again when it finishes",
                press.layout().filing_lock().display()
            ))
        })?;
        Ok(Self { _held: held, ledger: None, receipts_checked: false, seen_whole: inbox::SeenWhole::new() })
    }

    /// Records that the inbox file `name` was seen finished, as `identity`
    /// (a watcher's file-system event): it is whole while it stays so.
    pub fn saw_whole(&mut self, name: std::ffi::OsString, identity: inbox::Identity) {
        self.seen_whole.insert(name, identity);
    }

    /// The ledger's index: read at first use, caught up after.
    fn ledger(&mut self, records: &store::Records) -> Result<&mut Ledger, SetupError> {
        match &mut self.ledger {
            Some(ledger) => ledger.catch_up()?,
            None => self.ledger = Some(Ledger::read(&records.ledger())?),
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
    let modes = press.modes();
    if let (Some(sample), Some(configured)) = (&config.statements.sample_inbox, &config.statements.inbox)
        && *configured == opts.inbox
    {
        inbox::seed_from_sample(&opts.inbox, sample, modes)?;
    }
    let service = Service::new(press, caseload);
    let filer = service.filer(opts.now);
    let check_receipts = !lock.receipts_checked;
    let seen_whole = std::mem::take(&mut lock.seen_whole);
    let ledger = lock.ledger(press.records())?;
    filer.reconcile(ledger, &opts.inbox).map_err(SetupError::Input)?;
    // Receipts are lost only to a crash or a torn write, both of which end
    // a hold: checked once per hold, not every batch.
    let mut problems = if check_receipts { filer.restore_receipts(ledger) } else { Vec::new() };

    let settle = inbox::Settle {
        quiet: Duration::from_secs(config.statements.settle_seconds),
        seen_whole: &seen_whole,
    };
    let mut items = Vec::new();
    let mut batch = Batch::default();
    let contents = inbox::inbox_files(&opts.inbox)
        .map_err(|e| SetupError::Input(format!("{}: {e}", opts.inbox.display())))?;
    for (path, what) in &contents.others {
        let detail = format!("{what}: left in the inbox");
        items.push(StatementReport::bare(path, StatementOutcome::Skipped, detail));
    }
    for path in contents.files {
        let mut prepared = filer.prepare(&path, ledger, &settle, &batch);
        if let Ok(Prepared::Clash) = prepared {
            // The same file, or the same destination, as one in the batch:
            // file the batch first, then this one against what it filed.
            items.extend(filer.commit(std::mem::take(&mut batch), ledger));
            prepared = filer.prepare(&path, ledger, &settle, &batch);
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
    if let Some(why) = filer.scanner_down() {
        let waiting = items.iter().filter(|i| i.detail.contains(filer::NOT_SCANNED)).count();
        problems.push(format!(
            "{why}: {waiting} statement(s) left in the inbox, unfiled; filing resumes when it is back"
        ));
    }
    if check_receipts {
        lock.receipts_checked = true;
    }
    // What has left the inbox is forgotten; what is still there is kept.
    lock.seen_whole = seen_whole;
    lock.seen_whole.retain(|name, _| opts.inbox.join(name).exists());
    // Safety Link first: those are actioned immediately.
    items.sort_by_key(|i| !i.safety_link);
    // "Done" lines before the inbox removals they allow.
    filer.ledger_file.sync().map_err(SetupError::Input)?;
    // The summaries commands read: derived, so a failure only slows them.
    if let Err(e) = lock.ledger(press.records()).and_then(|l| l.save_summaries().map_err(SetupError::from)) {
        tracing::warn!("the ledger's summary index could not be written: {e}");
    }
    store::sync_dir(&opts.inbox)?;
    Ok(FilingReport { items, unloaded: caseload.failures.clone(), problems })
}
