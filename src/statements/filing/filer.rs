//! The filer: what the practice decision needs from the service (built
//! once per run), and reading one inbox file into a decision. Writes
//! nothing but the removal of a duplicate from the inbox; the commit files.

use std::path::Path;
use std::time::Duration;

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
use crate::store::{self, Layout, Modes};

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
}

impl Filer<'_> {
    /// Reads a statement and decides what to do with it, writing nothing
    /// but the removal of a duplicate from the inbox.
    pub(super) fn prepare(
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
