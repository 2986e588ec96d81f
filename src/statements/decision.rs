//! The decision about one received statement: what it is, where it goes,
//! who it is assigned to and who is told. Made once by [`super::decide()`],
//! recorded in the ledger before anything is written, and the only source
//! of every note, notice, receipt and report line about the statement.

use chrono::{DateTime, Utc};
use chrono_tz::Europe::London;
use serde::{Deserialize, Serialize};

use super::fields::StatementFields;
use crate::staff::Route;
use crate::store::{Layout, Quarantine};

/// What happened to one inbox file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StatementOutcome {
    /// Filed into a case and assigned.
    Assigned,
    /// Not matched to exactly one case: quarantined, never assigned.
    Unidentified,
    /// Not a readable statement: quarantined with a reason.
    Unreadable,
    /// The virus scanner found something in it: quarantined, never read.
    Infected,
    /// Already filed (same SHA-256): removed from the inbox, not filed twice.
    Duplicate,
    /// Still arriving, or a temporary file: left for the next run.
    Skipped,
    /// A transient failure (disk full, permission): left in the inbox.
    Failed,
}

/// Someone a notice goes to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recipient {
    /// Their part: "Team manager", "Service manager"…
    pub role: String,
    /// Their name.
    pub name: String,
    /// Their email, if the staff directory has it.
    pub email: Option<String>,
}

/// The decision about one statement, recorded before anything is written so
/// that a re-run after a crash repeats it exactly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    /// SHA-256 of the PDF.
    pub sha256: String,
    /// Its name in the inbox.
    pub source: String,
    /// When it was received (the filing run's "now").
    pub received: DateTime<Utc>,
    /// Assigned, unidentified or unreadable.
    pub outcome: StatementOutcome,
    /// What the statement says about itself.
    pub fields: StatementFields,
    /// Why it is unreadable.
    pub reason: Option<String>,
    /// The case it was filed into.
    pub case_id: Option<String>,
    /// The child's name, from the case.
    pub child: Option<String>,
    /// Who it was assigned to.
    pub assigned_to: Option<String>,
    /// Why them.
    pub route: Option<Route>,
    /// Cases that matched an unidentified statement (0 or 2+).
    pub candidates: usize,
    /// Folder of the filed copy, relative to the output root.
    pub dest_dir: String,
    /// Name of the filed copy.
    pub dest_name: String,
    /// `_2`, `_3`… when an earlier, different statement already had the
    /// copy's name (a re-sent edit): the notes and notice carry it too.
    #[serde(default)]
    pub variant: String,
    /// Whether a sidecar JSON came with it (and is filed beside it).
    pub sidecar: bool,
    /// Working minutes from sent to received.
    pub working_minutes: Option<i64>,
    /// Whether it was assigned within the target.
    pub sla_met: Option<bool>,
    /// Who is told at once (Safety Link).
    pub recipients: Vec<Recipient>,
    /// Case files that could not be loaded when an unidentified statement
    /// was decided: the child may be in one of them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unloaded: Vec<String>,
    /// The earlier decision's filed copy (relative to the output root) when
    /// this decision supersedes it: an unidentified statement attached to
    /// its child. The earlier record stays as it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supersedes: Option<String>,
    /// Who attached it to the case, and why (`statements attach`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attached: Option<Attached>,
}

/// A duty manager's decision to attach a quarantined statement to a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attached {
    /// Who decided.
    pub by: String,
    /// Why, in their words.
    pub reason: String,
}

impl Decision {
    /// The starting point of every decision: unreadable, quarantined, no
    /// one told, until reading and matching say otherwise.
    pub fn unreadable(sha256: String, source: String, received: DateTime<Utc>) -> Self {
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
            dest_dir: Layout::quarantine_rel(Quarantine::Unreadable).into(),
            dest_name: String::new(),
            variant: String::new(),
            sidecar: false,
            working_minutes: None,
            sla_met: None,
            recipients: Vec::new(),
            unloaded: Vec::new(),
            supersedes: None,
            attached: None,
        }
    }

    /// The filed copy, relative to the output root.
    pub fn filed(&self) -> String {
        format!("{}/{}", self.dest_dir, self.dest_name)
    }

    /// The day it was received, in London.
    pub fn received_day(&self) -> chrono::NaiveDate {
        self.received.with_timezone(&London).date_naive()
    }

    /// The Safety Link notice's file name in the escalations folder.
    pub fn notice_name(&self) -> String {
        let id = self.fields.statement_id.as_deref().unwrap_or("unknown");
        // A superseding decision's notice is a new notice, never the old one.
        let matched = if self.supersedes.is_some() { "_matched" } else { "" };
        format!("{}_safety-link_{id}{}{matched}.pdf", self.received_day(), self.variant)
    }

    /// Why an unidentified statement matched no one, in words.
    pub fn unidentified_because(&self) -> String {
        let mut why = match self.candidates {
            0 => "no matching child".to_string(),
            n => format!("{n} children match"),
        };
        if !self.unloaded.is_empty() {
            why.push_str(&format!(
                " (but {} could not be loaded, so the child may be there: fix it and re-file)",
                self.unloaded.join(", ")
            ));
        }
        why
    }
}
