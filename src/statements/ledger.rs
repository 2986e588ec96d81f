//! The statement ledger: each decision recorded before anything is written
//! ("begun"), and again once it is complete ("done"), so that a re-run after
//! a crash repeats the decision exactly.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader};
use std::path::Path;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::StatementOutcome;
use super::fields::StatementFields;
use super::staff::Route;

/// The decision about one statement, recorded before anything is written so
/// that a re-run after a crash repeats it exactly.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct Decision {
    pub(super) sha256: String,
    pub(super) source: String,
    pub(super) received: DateTime<Utc>,
    pub(super) outcome: StatementOutcome,
    pub(super) fields: StatementFields,
    pub(super) reason: Option<String>,
    pub(super) case_id: Option<String>,
    pub(super) child: Option<String>,
    pub(super) assigned_to: Option<String>,
    pub(super) route: Option<Route>,
    pub(super) candidates: usize,
    /// Folder and name of the filed copy, relative to the output root.
    pub(super) dest_dir: String,
    pub(super) dest_name: String,
    /// `_2`, `_3`… when an earlier, different statement already had the
    /// copy's name (a re-sent edit): the notes and notice carry it too.
    #[serde(default)]
    pub(super) variant: String,
    pub(super) sidecar: bool,
    pub(super) working_minutes: Option<i64>,
    pub(super) sla_met: Option<bool>,
    pub(super) recipients: Vec<Recipient>,
}

impl Decision {
    /// The starting point of every decision: unreadable, quarantined, no
    /// one told, until reading and matching say otherwise.
    pub(super) fn unreadable(sha256: String, source: String, received: DateTime<Utc>) -> Self {
        Self {
            sha256,
            source,
            received,
            outcome: StatementOutcome::Unreadable,
            fields: StatementFields::default(),
            reason: None,
            case_id: None,
            child: None,
            assigned_to: None,
            route: None,
            candidates: 0,
            dest_dir: "quarantine/unreadable".into(),
            dest_name: String::new(),
            variant: String::new(),
            sidecar: false,
            working_minutes: None,
            sla_met: None,
            recipients: Vec::new(),
        }
    }
}

/// Someone a notice goes to.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct Recipient {
    pub(super) role: String,
    pub(super) name: String,
    pub(super) email: Option<String>,
}

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

/// Every statement the ledger records as done, latest decision per file.
pub(super) fn done_decisions(out: &Path) -> io::Result<Vec<Decision>> {
    let ledger = read_ledger(&out.join("statements/ledger.jsonl"))?;
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
    Ok(done_decisions(out)?
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
