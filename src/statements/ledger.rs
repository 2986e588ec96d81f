//! The statement ledger: each decision recorded before anything is written
//! ("begun"), and again once it is complete ("done"), so that a re-run after
//! a crash repeats the decision exactly.

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

/// The ledger as read at the start of a run.
pub(super) struct Ledger {
    pub(super) lines: Vec<LedgerLine>,
}

impl Ledger {
    /// The latest "done" decision for a file with this SHA-256.
    pub(super) fn done(&self, sha256: &str) -> Option<Decision> {
        self.latest(sha256, |s| matches!(s, Stage::Done))
    }

    /// The latest "begun" decision for a file with this SHA-256.
    pub(super) fn begun(&self, sha256: &str) -> Option<Decision> {
        self.latest(sha256, |s| matches!(s, Stage::Begun))
    }

    fn latest(&self, sha256: &str, stage: impl Fn(&Stage) -> bool) -> Option<Decision> {
        self.lines
            .iter()
            .rev()
            .find(|l| stage(&l.stage) && l.decision.sha256 == sha256)
            .map(|l| l.decision.clone())
    }
}

pub(super) fn read_ledger(path: &Path) -> io::Result<Ledger> {
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Ledger { lines: Vec::new() }),
        Err(e) => return Err(e),
    };
    let mut lines = Vec::new();
    for line in BufReader::new(file).lines() {
        // A torn last line (crash mid-append) is skipped.
        if let Ok(l) = serde_json::from_str(&line?) {
            lines.push(l);
        }
    }
    Ok(Ledger { lines })
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
