//! The append-only case log: one JSON line per event in a case folder.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::documents::{DocumentKind, Signer, Step};

use super::jsonl::{Damaged, append_lines, read_lines};
use super::{Modes, StoreError, sync_dir};

/// The case log's file name inside a case folder.
pub const CASE_LOG: &str = "case-log.jsonl";

/// One line of a case log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum LogEntry {
    /// A received statement was filed into the case (the receipt).
    Statement {
        /// When it was filed (RFC 3339, UTC).
        at: String,
        /// Statement ID.
        statement_id: String,
        /// File name within `statements/`.
        file: String,
        /// SHA-256 of the PDF.
        sha256: String,
        /// App (One, Express, Xchange).
        app: Option<String>,
        /// Statement type.
        statement_type: Option<String>,
        /// When the child sent it (RFC 3339, UTC).
        sent: String,
        /// When casepress received and assigned it (RFC 3339, UTC).
        received: String,
        /// Who it was assigned to.
        assigned_to: String,
        /// Why: allocated, cover or line-manager.
        route: String,
        /// Working minutes from sent to assigned.
        working_minutes: i64,
        /// The assignment SLA in working hours.
        sla_hours: u32,
        /// Whether it was assigned within the SLA.
        sla_met: bool,
        /// Whether the Safety Link was triggered.
        safety_link: bool,
    },
    /// A bundle of the case folder was exported (transfer or Y2A).
    Export {
        /// When (RFC 3339, UTC).
        at: String,
        /// `transfer` or `y2a`.
        purpose: String,
        /// The bundle written.
        file: String,
        /// SHA-256 of the bundle.
        sha256: String,
        /// Member names.
        members: Vec<String>,
    },
    /// A document was rendered and published.
    Document {
        /// When (RFC 3339, UTC).
        at: String,
        /// Document kind.
        kind: DocumentKind,
        /// File name within `documents/`.
        file: String,
        /// SHA-256 of the PDF.
        sha256: String,
        /// SHA-256 of everything that went into it (case, templates, config, version).
        input_hash: String,
        /// Whether it is a draft.
        draft: bool,
        /// casepress version that made it.
        version: String,
    },
    /// A step in a document's life (submitted, returned, agreed, final,
    /// sent), with who took it and the exact version it concerns.
    Lifecycle {
        /// When (RFC 3339, UTC).
        at: String,
        /// Document kind.
        kind: DocumentKind,
        /// `submitted`, `returned`, `agreed`, `final`, `sent`, `signed` or
        /// `meeting`.
        step: Step,
        /// SHA-256 of the version it concerns: the draft submitted, returned
        /// or agreed; the final PDF for `final` and `sent`.
        sha256: String,
        /// Who took the step (a name in the staff directory).
        by: String,
        /// The operating-system user who ran the command.
        os_user: String,
        /// A reviewer's comments, for `returned` or `agreed`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        comments: Option<String>,
        /// Who it was sent to, for `sent`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to: Option<String>,
        /// The date it was sent, for `sent`; signed, for `signed`; held,
        /// for `meeting` (YYYY-MM-DD).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        date: Option<String>,
        /// For `submitted`: the managers it was submitted to (empty: the
        /// team's managers, as the rules allow).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        reviewers: Vec<String>,
        /// For `final`: the input hash of the agreed draft, so that a later
        /// render knows whether the case changed since.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        agreed_input: Option<String>,
        /// For `signed`: the part the signature was given in.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        signer: Option<Signer>,
        /// For `signed`: who signed, where that is not `by` (the young
        /// person or a parent or carer, whose signature `by` recorded).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        signed_by: Option<String>,
        /// For `meeting`: who was there (names as the staff directory
        /// spells them). The meeting's day is `date`.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        attended: Vec<String>,
    },
    /// A subject access request (UK GDPR article 15) about the child: a
    /// pack made for a requester, or a manager's decision to release it or
    /// not (see `crate::sar`).
    Disclosure {
        /// When (RFC 3339, UTC).
        at: String,
        /// `made`, `released` or `refused`.
        step: DisclosureStep,
        /// Who asked: `child`, `parent` or `carer`.
        requester: String,
        /// The parent's or carer's name, as the case file spells it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        requester_name: Option<String>,
        /// The pack's PDF, relative to the output root.
        file: String,
        /// SHA-256 of the pack's PDF.
        sha256: String,
        /// How many items the pack withholds.
        withheld: usize,
        /// Who took the step: the member of staff who made the pack, or
        /// the manager who decided.
        by: String,
        /// The operating-system user who ran the command.
        os_user: String,
        /// The manager's reasons, for a decision.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
}

/// A step in answering a subject access request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DisclosureStep {
    /// The pack was made, with its redaction log.
    Made,
    /// A manager decided to release the pack as made.
    Released,
    /// A manager decided not to release it (the reason says why).
    Refused,
}

impl LogEntry {
    /// When it was recorded (RFC 3339, UTC).
    pub fn at(&self) -> &str {
        match self {
            Self::Statement { at, .. }
            | Self::Export { at, .. }
            | Self::Document { at, .. }
            | Self::Lifecycle { at, .. }
            | Self::Disclosure { at, .. } => at,
        }
    }
}

/// Appends one line to `case_dir/case-log.jsonl` and syncs it.
///
/// One `write` of a whole line to an `O_APPEND` file, after ending any torn
/// last line, so a record is never glued to a fragment (see
/// [`super::append_lines`]).
pub fn append_log(case_dir: &Path, entry: &LogEntry, modes: Modes) -> Result<(), StoreError> {
    append_log_many(case_dir, std::slice::from_ref(entry), modes)
}

/// Appends several lines in one write and one sync (see [`append_log`]).
pub fn append_log_many(case_dir: &Path, entries: &[LogEntry], modes: Modes) -> Result<(), StoreError> {
    if entries.is_empty() {
        return Ok(());
    }
    let mut lines = Vec::new();
    for entry in entries {
        lines.extend(serde_json::to_vec(entry).expect("log entries serialise"));
        lines.push(b'\n');
    }
    let created = append_lines(&case_dir.join(CASE_LOG), &lines, modes, true)?;
    // Only a new file's name needs the folder synced; an append is durable
    // with the file's own sync.
    if created { sync_dir(case_dir) } else { Ok(()) }
}

/// A case log as read: its entries, and any damaged lines.
#[derive(Debug, Clone, Default)]
pub struct CaseLog {
    /// The entries, in order.
    pub entries: Vec<LogEntry>,
    /// Lines that are not records (torn or glued writes).
    pub damaged: Vec<Damaged>,
}

/// Reads a case log's entries; damaged lines are left out (see
/// [`read_case_log`] to have them reported).
pub fn read_log(case_dir: &Path) -> Result<Vec<LogEntry>, StoreError> {
    Ok(read_case_log(case_dir)?.entries)
}

/// Reads a case log with its damaged lines.
pub fn read_case_log(case_dir: &Path) -> Result<CaseLog, StoreError> {
    let (entries, damaged) = read_lines(&case_dir.join(CASE_LOG))?;
    Ok(CaseLog { entries, damaged })
}
