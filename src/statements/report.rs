//! What a filing run reports: one line per inbox file, Safety Link first.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::decision::{Decision, StatementOutcome};
use crate::store::Layout;

/// One inbox file's result.
#[derive(Debug, Clone, Serialize)]
pub struct StatementReport {
    /// The inbox file.
    pub file: PathBuf,
    /// The outcome.
    pub outcome: StatementOutcome,
    /// Whether the Safety Link was triggered (listed first).
    pub safety_link: bool,
    /// Statement ID, if read.
    pub statement_id: Option<String>,
    /// The case, if matched.
    pub case_id: Option<String>,
    /// Who it was assigned to.
    pub assigned_to: Option<String>,
    /// Where it was filed or quarantined.
    pub filed: Option<PathBuf>,
    /// The escalation notice, for Safety Link.
    pub escalation: Option<PathBuf>,
    /// The stage a failed file failed in (always filing), as render
    /// failures carry theirs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stage: Option<crate::failure::Stage>,
    /// Reason or summary, in words.
    pub detail: String,
}

/// Everything a filing run did; Safety Link statements first.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FilingReport {
    /// One entry per inbox file.
    pub items: Vec<StatementReport>,
    /// Case files or cases that could not be loaded: statements from those
    /// children cannot be matched until they are fixed.
    pub unloaded: Vec<crate::case::LoadFailure>,
    /// Problems found outside the inbox that need someone (a case log that
    /// could not be repaired), in words.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<String>,
}

impl FilingReport {
    /// Whether any file failed transiently, or a case could not be loaded
    /// (exit code 1).
    pub fn has_failures(&self) -> bool {
        self.items.iter().any(|i| i.outcome == StatementOutcome::Failed)
            || !self.unloaded.is_empty()
            || !self.problems.is_empty()
    }

    /// How many items had this outcome.
    pub fn count(&self, outcome: StatementOutcome) -> usize {
        self.items.iter().filter(|i| i.outcome == outcome).count()
    }
}

impl StatementReport {
    /// A file with no decision: skipped, or failed.
    pub(super) fn bare(file: &Path, outcome: StatementOutcome, detail: String) -> Self {
        Self {
            file: file.to_owned(),
            outcome,
            safety_link: false,
            statement_id: None,
            case_id: None,
            assigned_to: None,
            filed: None,
            escalation: None,
            stage: None,
            detail,
        }
    }

    /// A file that failed transiently and stays in the inbox.
    pub(super) fn failed(file: &Path, reason: &str) -> Self {
        let mut report = Self::bare(file, StatementOutcome::Failed, format!("{}: {reason}", file.display()));
        report.stage = Some(crate::failure::Stage::Filing);
        report
    }

    /// The line for a decided statement.
    pub(super) fn decided(file: &Path, d: &Decision, layout: &Layout, sla_hours: u32) -> Self {
        let detail = match d.outcome {
            StatementOutcome::Assigned => {
                let sla = if d.sla_met == Some(true) { "within" } else { "OUTSIDE" };
                format!(
                    "assigned to {} ({}), {sla} the {sla_hours}-working-hour target",
                    d.assigned_to.as_deref().unwrap_or_default(),
                    d.route.as_ref().map_or("allocated worker", |r| r.explained()),
                )
            }
            StatementOutcome::Unidentified => format!(
                "{}: quarantined, not assigned; duty officer to cross-reference",
                d.unidentified_because()
            ),
            StatementOutcome::Infected => format!(
                "{}: quarantined, never opened; tell the information security lead",
                d.reason.as_deref().unwrap_or_default()
            ),
            _ => d.reason.clone().unwrap_or_default(),
        };
        Self {
            file: file.to_owned(),
            outcome: d.outcome,
            safety_link: d.fields.safety_link,
            statement_id: d.fields.statement_id.clone(),
            case_id: d.case_id.clone(),
            assigned_to: d.assigned_to.clone(),
            filed: Some(layout.at(d.filed())),
            escalation: (!d.recipients.is_empty()).then(|| layout.escalations().join(d.notice_name())),
            stage: None,
            detail,
        }
    }
}
