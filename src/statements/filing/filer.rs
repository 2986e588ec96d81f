//! The filer: what the practice decision needs from the service (built
//! once per run), and reading one inbox file into a decision. Writes
//! nothing but the removal of a duplicate from the inbox; the commit files.

use std::cell::RefCell;
use std::path::Path;

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use super::batch::{Batch, Pending, Prepared};
use crate::case::Caseload;
use crate::press::Press;
use crate::staff::Directory;
use crate::statements::decide::{Policy, Received, decide};
use crate::statements::decision::{Decision, StatementOutcome};
use crate::statements::inbox::{self, Arrived};
use crate::statements::ledger::{Ledger, LedgerFile};
use crate::statements::register::Register;
use crate::statements::report::StatementReport;
use crate::statements::scan::{ScanError, Scanner, Verdict};
use crate::store::{self, Layout, Modes, Quarantine};

/// What the practice decision needs from the service, built once per run.
pub(super) struct Service<'a> {
    press: &'a Press,
    register: Register,
    unloaded: Vec<String>,
    directory: &'a Directory,
}

impl<'a> Service<'a> {
    pub(super) fn new(press: &'a Press, caseload: &Caseload) -> Self {
        Self {
            press,
            register: Register::new(caseload.cases()),
            unloaded: caseload.failures.iter().map(|f| f.file.display().to_string()).collect(),
            directory: press.staff(),
        }
    }

    pub(super) fn filer(&self, now: DateTime<Utc>) -> Filer<'_> {
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
            ledger_file: LedgerFile { journal: self.press.records().ledger() },
            policy,
            now,
            scan: config
                .statements
                .scan
                .as_ref()
                .map(|c| Scan { scanner: Scanner::new(c), down: RefCell::new(None) }),
        }
    }
}

/// Said of a statement whose inbox name now holds a different file.
pub(super) const REPLACED: &str =
    "a different file now has its name in the inbox and is left for the next run";

pub(super) struct Filer<'a> {
    pub(super) press: &'a Press,
    pub(super) layout: &'a Layout,
    pub(super) modes: Modes,
    pub(super) ledger_file: LedgerFile,
    pub(super) policy: Policy<'a>,
    pub(super) now: DateTime<Utc>,
    /// The virus scanner, when one is configured.
    scan: Option<Scan>,
}

/// The scanner for one filing round, and why it could not be reached, once
/// it could not: the rest of the round then waits without trying again (a
/// scanner that hangs would cost each file its time limit).
struct Scan {
    scanner: Scanner,
    down: RefCell<Option<String>>,
}

/// Said of a statement left in the inbox because it cannot be scanned.
pub(super) const NOT_SCANNED: &str = "not filed, left in the inbox until it can be scanned";

impl Filer<'_> {
    /// Reads a statement and decides what to do with it, writing nothing
    /// but the removal of a duplicate from the inbox.
    pub(super) fn prepare(
        &self,
        path: &Path,
        ledger: &Ledger,
        settle: &inbox::Settle,
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
        // Scanned before the PDF reader sees a byte of it.
        let found = self.scan(arrived)?;
        let received = Received {
            sha256: &arrived.sha256,
            source: &source,
            fields: match &found {
                Some(name) => Err(format!("the virus scanner found `{name}`")),
                None => inbox::fields_of(arrived),
            },
            sidecar: arrived.sidecar.is_some(),
        };
        let mut d = decide(received, &self.policy, self.now)?;
        if found.is_some() {
            d.outcome = StatementOutcome::Infected;
            d.dest_dir = Layout::quarantine_rel(Quarantine::Infected).into();
            // Not openable by a double click as what it claims to be.
            d.dest_name.push_str(".infected");
        }
        if d.outcome == StatementOutcome::Assigned {
            let name = d.dest_name.clone();
            d.dest_name =
                store::free_name(&self.layout.at(&d.dest_dir), &name, &Sha256::digest(&arrived.bytes));
            d.variant = variant(&name, &d.dest_name);
        }
        Ok(d)
    }

    /// Why the scanner could not be reached this round, if it could not.
    pub(super) fn scanner_down(&self) -> Option<String> {
        self.scan.as_ref().and_then(|s| s.down.borrow().clone())
    }

    /// What the scanner found in the file (None: nothing, or no scanner),
    /// or why it could not be scanned: then it stays in the inbox.
    fn scan(&self, arrived: &Arrived) -> Result<Option<String>, String> {
        let Some(scan) = &self.scan else { return Ok(None) };
        if let Some(why) = scan.down.borrow().as_ref() {
            return Err(format!("{NOT_SCANNED}: {why}"));
        }
        match scan.scanner.scan(&arrived.bytes) {
            Ok(Verdict::Clean) => Ok(None),
            Ok(Verdict::Found(name)) => Ok(Some(name)),
            Err(e @ ScanError::Unavailable(_)) => {
                let why = e.to_string();
                *scan.down.borrow_mut() = Some(why.clone());
                Err(format!("{NOT_SCANNED}: {why}"))
            }
            Err(e @ ScanError::Refused(_)) => Err(format!("{NOT_SCANNED}: {e}")),
        }
    }

    pub(super) fn report(&self, path: &Path, d: &Decision) -> StatementReport {
        let sla_hours = self.press.config().statements.assign_within_working_hours;
        StatementReport::decided(path, d, self.layout, sla_hours)
    }
}

/// `_2` when `numbered` is `name` numbered by [`store::free_name`] (`a_2.pdf`
/// for `a.pdf`); empty when it is `name` itself.
pub(super) fn variant(name: &str, numbered: &str) -> String {
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
