//! The statement ledger: each decision recorded before anything is written
//! ("begun"), and again once it is complete ("done"), so that a re-run after
//! a crash repeats the decision exactly.

use std::collections::HashMap;
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::decision::{Decision, StatementOutcome};
use crate::store::{self, Damaged, Layout, Modes, StoreError};

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(super) enum Stage {
    Begun,
    Done,
}

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct LedgerLine {
    pub(super) stage: Stage,
    pub(super) decision: Decision,
}

/// The ledger as read at the start of a run, plus what the run appends,
/// indexed by SHA-256: a run looks up every inbox file, and a ledger grows
/// by two lines per statement for years.
#[derive(Default)]
pub(super) struct Ledger {
    pub(super) lines: Vec<LedgerLine>,
    /// Lines that are not records (torn or glued writes).
    pub(super) damaged: Vec<Damaged>,
    /// Index in `lines` of the latest line of each stage, per SHA-256.
    latest_done: HashMap<String, usize>,
    latest_begun: HashMap<String, usize>,
}

impl Ledger {
    /// Adds a line (already written to the file).
    pub(super) fn push(&mut self, line: LedgerLine) {
        let index = match line.stage {
            Stage::Done => &mut self.latest_done,
            Stage::Begun => &mut self.latest_begun,
        };
        index.insert(line.decision.sha256.clone(), self.lines.len());
        self.lines.push(line);
    }

    /// The latest "done" decision for a file with this SHA-256.
    pub(super) fn done(&self, sha256: &str) -> Option<Decision> {
        self.latest_done.get(sha256).map(|&i| self.lines[i].decision.clone())
    }

    /// The decision begun for a file with this SHA-256 and not yet done: an
    /// interrupted filing, or a superseding decision being carried out.
    pub(super) fn open(&self, sha256: &str) -> Option<Decision> {
        let begun = *self.latest_begun.get(sha256)?;
        let done = self.latest_done.get(sha256).copied();
        (done.is_none_or(|d| d < begun)).then(|| self.lines[begun].decision.clone())
    }

    /// Every open decision (see [`Ledger::open`]), in ledger order.
    pub(super) fn open_decisions(&self) -> Vec<Decision> {
        let mut open: Vec<usize> = self
            .latest_begun
            .iter()
            .filter(|(sha, begun)| self.latest_done.get(*sha).is_none_or(|d| d < *begun))
            .map(|(_, &i)| i)
            .collect();
        open.sort_unstable();
        open.into_iter().map(|i| self.lines[i].decision.clone()).collect()
    }

    /// Each statement's latest "done" decision, in ledger order, by reference.
    pub(super) fn each_done(&self, mut each: impl FnMut(&Decision)) {
        let mut done: Vec<usize> = self.latest_done.values().copied().collect();
        done.sort_unstable();
        done.into_iter().for_each(|i| each(&self.lines[i].decision));
    }

    /// The latest "done" decision of every statement, in ledger order.
    pub(super) fn done_decisions(&self) -> Vec<Decision> {
        let mut done: Vec<usize> = self.latest_done.values().copied().collect();
        done.sort_unstable();
        done.into_iter().map(|i| self.lines[i].decision.clone()).collect()
    }
}

/// Reads the ledger; damaged lines are kept in [`Ledger::damaged`].
pub(super) fn read_ledger(path: &Path) -> Result<Ledger, StoreError> {
    let (lines, damaged) = store::read_lines::<LedgerLine>(path)?;
    let mut ledger = Ledger { damaged, ..Ledger::default() };
    lines.into_iter().for_each(|l| ledger.push(l));
    Ok(ledger)
}

/// The ledger file, for appending.
pub(super) struct LedgerFile {
    pub(super) path: PathBuf,
    pub(super) modes: Modes,
}

impl LedgerFile {
    /// Appends lines to the file, in one write, and to `ledger`. "Begun"
    /// lines are synced at once: nothing may be written before the
    /// decisions are durable. "Done" lines are synced together at the end of
    /// the run ([`LedgerFile::sync`]); a "done" lost in a crash is restored by
    /// reconciliation on the next run. A torn last line is ended first, so a
    /// record is never glued to it.
    pub(super) fn append(
        &self,
        ledger: &mut Ledger,
        stage: Stage,
        decisions: &[&Decision],
    ) -> Result<(), String> {
        if decisions.is_empty() {
            return Ok(());
        }
        let entries: Vec<LedgerLine> =
            decisions.iter().map(|&d| LedgerLine { stage, decision: d.clone() }).collect();
        let mut lines = Vec::new();
        for entry in &entries {
            serde_json::to_writer(&mut lines, entry).expect("ledger lines serialise");
            lines.push(b'\n');
        }
        store::append_lines(&self.path, &lines, self.modes, matches!(stage, Stage::Begun))
            .map_err(|e| e.to_string())?;
        entries.into_iter().for_each(|e| ledger.push(e));
        Ok(())
    }

    /// Makes every line appended so far durable.
    pub(super) fn sync(&self) -> Result<(), String> {
        match File::open(&self.path) {
            Ok(f) => f.sync_data().map_err(|e| format!("{}: {e}", self.path.display())),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(format!("{}: {e}", self.path.display())),
        }
    }
}

/// Every statement the ledger records as done (latest decision per file),
/// and the ledger's damaged lines.
pub(super) fn done_decisions(layout: &Layout) -> Result<(Vec<Decision>, Vec<Damaged>), StoreError> {
    let ledger = read_ledger(&layout.ledger())?;
    Ok((ledger.done_decisions(), ledger.damaged))
}

/// The statements the ledger records as filed into a case: (statement ID,
/// file name, SHA-256) of each, for an export to account for.
pub fn filed_into(out: &Path, case_id: &str) -> Result<Vec<(String, String, String)>, StoreError> {
    let (done, _) = done_decisions(&Layout::new(out))?;
    Ok(done
        .into_iter()
        .filter(|d| d.outcome == StatementOutcome::Assigned && d.case_id.as_deref() == Some(case_id))
        .map(|d| (d.fields.statement_id.unwrap_or_default(), d.dest_name, d.sha256))
        .collect())
}

/// One filed statement, as the board report counts it.
#[derive(Debug, Clone, Serialize)]
pub struct FiledStatement {
    /// When it was received and assigned.
    pub received: DateTime<Utc>,
    /// Assigned, unidentified or unreadable.
    pub outcome: StatementOutcome,
    /// Whether the Safety Link was triggered.
    pub safety_link: bool,
    /// Whether it was assigned within the target (assigned statements only).
    pub within_target: Option<bool>,
}

/// Every statement the ledger under the output root `out` records as done,
/// and the ledger's damaged lines (which may have held more).
pub fn filed_statements(out: &Path) -> Result<(Vec<FiledStatement>, Vec<Damaged>), StoreError> {
    let (done, damaged) = done_decisions(&Layout::new(out))?;
    let filed = done
        .into_iter()
        .map(|d| FiledStatement {
            received: d.received,
            outcome: d.outcome,
            safety_link: d.fields.safety_link,
            within_target: d.sla_met.filter(|_| d.outcome == StatementOutcome::Assigned),
        })
        .collect();
    Ok((filed, damaged))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(stage: Stage, sha256: &str, dest_name: &str) -> LedgerLine {
        let mut decision = Decision::unreadable(sha256.into(), "s.pdf".into(), DateTime::UNIX_EPOCH);
        decision.dest_name = dest_name.into();
        LedgerLine { stage, decision }
    }

    #[test]
    fn lookups_find_the_latest_line_of_each_stage() {
        let mut ledger = Ledger::default();
        ledger.push(line(Stage::Begun, "a", "first"));
        assert!(ledger.done("a").is_none());
        ledger.push(line(Stage::Done, "a", "first"));
        ledger.push(line(Stage::Begun, "a", "second"));
        ledger.push(line(Stage::Begun, "b", "other"));
        assert_eq!(ledger.open("a").unwrap().dest_name, "second", "begun after the last done: open");
        assert_eq!(ledger.done("a").unwrap().dest_name, "first");
        assert!(ledger.done("b").is_none());
        assert!(ledger.open("c").is_none());
        assert!(ledger.open("b").is_some());
    }
}
