//! Recovery at the start of a filing run: "done" lines lost in a crash,
//! and receipts lost from case logs to torn writes, restored from what is
//! on disk and in the ledger.

use std::collections::BTreeMap;
use std::path::Path;

use super::batch::logged_statements;
use super::filer::Filer;
use crate::statements::decision::StatementOutcome;
use crate::statements::ledger::{Ledger, Stage};
use crate::store::LogEntry;

impl Filer<'_> {
    /// Restores receipts that case logs lost to a torn or glued write: every
    /// statement the ledger records as filed into a case, with its copy
    /// intact, has its receipt in that case's log.
    pub(super) fn restore_receipts(&self, ledger: &Ledger) -> Vec<String> {
        // Only the SHA-256s are held, case by case; a missing receipt's
        // decision is read back from the ledger.
        let mut by_case: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let listed = ledger.each_done(|d| {
            if d.outcome == StatementOutcome::Assigned {
                by_case.entry(d.case_id.unwrap_or_default()).or_default().push(d.sha256);
            }
        });
        if let Err(e) = listed {
            return vec![format!("the ledger could not be read to check case logs' receipts: {e}")];
        }
        let mut problems = Vec::new();
        for (case_id, filed) in by_case {
            let records = self.press.records();
            let restored = logged_statements(records, &case_id).and_then(|logged| {
                let mut missing: Vec<LogEntry> = Vec::new();
                for sha256 in filed.iter().filter(|sha| !logged.contains(*sha)) {
                    if let Some(d) = ledger.done(sha256).map_err(|e| e.to_string())?
                        && self.verify(&d).is_ok()
                    {
                        missing.push(self.receipt(&d));
                    }
                }
                records.append(&case_id, &missing).map_err(|e| e.to_string())
            });
            if let Err(e) = restored {
                problems.push(format!("case {case_id}: its receipts could not be checked: {e}"));
            }
        }
        problems
    }

    /// Restores "done" for statements whose filing completed but whose
    /// "done" line was lost in a crash: the copy verifies, the receipt is in
    /// the case log (if assigned), and the file has left the inbox.
    pub(super) fn reconcile(&self, ledger: &mut Ledger, inbox: &Path) -> Result<(), String> {
        for d in ledger.open_decisions().map_err(|e| e.to_string())? {
            let gone = !inbox.join(&d.source).exists();
            let receipt = d.outcome != StatementOutcome::Assigned || {
                logged_statements(self.press.records(), d.case_id.as_deref().unwrap_or_default())?
                    .contains(&d.sha256)
            };
            if gone && receipt && self.verify(&d).is_ok() {
                self.ledger_file.append(ledger, Stage::Done, &[&d])?;
            }
        }
        Ok(())
    }
}
