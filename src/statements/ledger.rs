//! The statement ledger: each decision recorded before anything is written
//! ("begun"), and again once it is complete ("done"), so that a re-run after
//! a crash repeats the decision exactly.

use std::collections::HashMap;
use std::fs::{self, File};
use std::io::{self, BufRead, BufReader, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::decision::{Decision, StatementOutcome};
use crate::store::{Layout, Modes};

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

    /// The latest "begun" decision for a file with this SHA-256.
    pub(super) fn begun(&self, sha256: &str) -> Option<Decision> {
        self.latest_begun.get(sha256).map(|&i| self.lines[i].decision.clone())
    }
}

pub(super) fn read_ledger(path: &Path) -> io::Result<Ledger> {
    let mut ledger = Ledger::default();
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(ledger),
        Err(e) => return Err(e),
    };
    for line in BufReader::new(file).lines() {
        // A torn last line (crash mid-append) is skipped.
        if let Ok(l) = serde_json::from_str(&line?) {
            ledger.push(l);
        }
    }
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
    /// reconciliation on the next run.
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
        let at = |e: io::Error| format!("{}: {e}", self.path.display());
        let mut file = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .mode(self.modes.file)
            .open(&self.path)
            .map_err(at)?;
        file.write_all(&lines).map_err(at)?;
        if matches!(stage, Stage::Begun) {
            file.sync_data().map_err(at)?;
        }
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

/// Every statement the ledger records as done, latest decision per file.
pub(super) fn done_decisions(layout: &Layout) -> io::Result<Vec<Decision>> {
    let ledger = read_ledger(&layout.ledger())?;
    let mut seen = std::collections::HashSet::new();
    let mut done: Vec<Decision> = ledger
        .lines
        .into_iter()
        .rev()
        .filter(|l| matches!(l.stage, Stage::Done))
        .map(|l| l.decision)
        .filter(|d| seen.insert(d.sha256.clone()))
        .collect();
    done.reverse();
    Ok(done)
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

/// Every statement the ledger records as done under the output root `out`.
pub fn filed_statements(out: &Path) -> io::Result<Vec<FiledStatement>> {
    Ok(done_decisions(&Layout::new(out))?
        .into_iter()
        .map(|d| FiledStatement {
            received: d.received,
            outcome: d.outcome,
            safety_link: d.fields.safety_link,
            within_target: d.sla_met.filter(|_| d.outcome == StatementOutcome::Assigned),
        })
        .collect())
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
        assert_eq!(ledger.begun("a").unwrap().dest_name, "second");
        assert_eq!(ledger.done("a").unwrap().dest_name, "first");
        assert!(ledger.done("b").is_none());
        assert!(ledger.begun("c").is_none());
    }
}
