//! The life of every document: draft → submitted → returned (with
//! comments) or agreed → final → sent, and a final superseded by a later
//! one. Every step is an event in the case's append-only log, with who took
//! it (a name in the staff directory, and the operating-system user) and
//! the SHA-256 of the exact version it concerns. The case JSON stays what
//! the case system exports; this log is casepress's own record beside it.
//!
//! One writer at a time per case: a step takes the case's lock (as the
//! render batch does when it stores a case), reads the log, checks the
//! rules, and appends one whole line.

mod rules;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};

pub use crate::history::{DocState, Phase, Review, fold};
pub use rules::{is_manager, may_finalise, may_review, may_send, may_submit, reviewed};

use crate::batch::{self, Cases, KindSelection, Outcome, RenderOptions, Workers};
use crate::case::{Case, Caseload};
use crate::press::{Press, SetupError};
use crate::render::DocumentKind;
use crate::statements::staff::Directory;
use crate::store::{self, LogEntry};

/// A step someone takes.
#[derive(Debug, Clone)]
pub enum Step {
    /// Submit the current draft for gatekeeping or sign-off, to the
    /// managers named (none: whichever manager the rules allow).
    Submit {
        /// The managers asked to review it.
        to: Vec<String>,
    },
    /// Agree the submitted version, optionally with views.
    Agree {
        /// The reviewer's views.
        comments: Option<String>,
    },
    /// Return the submitted version with comments, to amend.
    Return {
        /// What to change, per section.
        comments: String,
    },
    /// Make the agreed version final (renders the final PDF).
    Final {
        /// The final's date.
        date: NaiveDate,
    },
    /// Record that the final was sent.
    Sent {
        /// To whom (a court, a panel, an agency).
        to: String,
        /// When.
        date: NaiveDate,
    },
}

impl Step {
    /// As the case log records it: `submitted`, `agreed`, `returned`,
    /// `final` or `sent`.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Submit { .. } => "submitted",
            Self::Agree { .. } => "agreed",
            Self::Return { .. } => "returned",
            Self::Final { .. } => "final",
            Self::Sent { .. } => "sent",
        }
    }
}

/// Why a step was not taken.
#[derive(Debug, thiserror::Error)]
pub enum Refused {
    /// The rules do not allow it now; the reason names the rule.
    #[error("{0}")]
    Rule(String),
    /// The case, the person or the output could not be used.
    #[error(transparent)]
    Setup(#[from] SetupError),
}

/// Takes `step` on the `kind` document of case `case_id`, by `by`, at `now`.
/// Returns the event recorded.
pub fn act(
    press: &Press,
    caseload: &Caseload,
    case_id: &str,
    kind: DocumentKind,
    step: &Step,
    by: &str,
    now: DateTime<Utc>,
) -> Result<LogEntry, Refused> {
    let case = find(caseload, case_id)?;
    let directory = Directory::new(press.config().staff.clone());
    if !press.config().staff.is_empty() && directory.member(by).is_none() {
        return Err(Refused::Rule(format!(
            "{by} is not in the staff directory: --by names a member of staff"
        )));
    }
    let head = press.config().rules.head_of_service.as_deref();
    let case_dir = press.layout().case_dir(case_id);
    let final_pdf = match step {
        Step::Final { date } => {
            let state = fold(&store::read_log(&case_dir).map_err(SetupError::from)?, kind);
            may_finalise(&state, case, &directory, head).map_err(Refused::Rule)?;
            let rendered = render_final(press, caseload, case_id, kind, *date)?;
            crate::failpoint("lifecycle:after-final-render");
            Some((rendered, state.draft_input, state.steps.len()))
        }
        _ => None,
    };
    let _lock = store::lock_case(&case_dir, press.modes()).map_err(SetupError::from)?;
    let state = fold(&store::read_log(&case_dir).map_err(SetupError::from)?, kind);
    let check = match step {
        Step::Submit { to } => may_submit(&state).and_then(|()| named_managers(&directory, to)),
        Step::Agree { .. } | Step::Return { .. } => may_review(&state, case, &directory, by, head),
        // The final render takes the case lock itself, so its rules were
        // checked before it: refuse if a step was recorded in between.
        Step::Final { .. } => match &final_pdf {
            Some((_, _, steps)) if *steps != state.steps.len() => {
                Err("another step was recorded on this document meanwhile: check its status and try again"
                    .into())
            }
            _ => Ok(()),
        },
        Step::Sent { .. } => may_send(&state),
    };
    check.map_err(Refused::Rule)?;
    let concerns = match (step, &final_pdf, &state.final_version) {
        (Step::Final { .. }, Some((sha, ..)), _) => sha.clone(),
        (Step::Sent { .. }, _, Some((sha, _))) => sha.clone(),
        _ => state.version.clone().unwrap_or_default(),
    };
    let event = LogEntry::Lifecycle {
        at: now.to_rfc3339_opts(SecondsFormat::Secs, true),
        kind: kind.name().into(),
        step: step.name().into(),
        sha256: concerns,
        by: by.to_owned(),
        os_user: os_user(),
        comments: match step {
            Step::Agree { comments } => comments.clone(),
            Step::Return { comments } => Some(comments.clone()),
            _ => None,
        },
        to: match step {
            Step::Sent { to, .. } => Some(to.clone()),
            _ => None,
        },
        date: match step {
            Step::Sent { date, .. } => Some(date.to_string()),
            _ => None,
        },
        reviewers: match step {
            Step::Submit { to } => to.clone(),
            _ => Vec::new(),
        },
        agreed_input: final_pdf.and_then(|(_, input, _)| input),
    };
    crate::failpoint("lifecycle:before-append");
    store::append_log(&case_dir, &event, press.modes()).map_err(SetupError::from)?;
    crate::failpoint("lifecycle:after-append");
    Ok(event)
}

/// The state of every document of a case that has been rendered.
pub fn status(press: &Press, case_id: &str) -> Result<Vec<DocState>, SetupError> {
    let log = store::read_log(&press.layout().case_dir(case_id))?;
    Ok(DocumentKind::ALL.into_iter().map(|k| fold(&log, k)).filter(|s| s.phase != Phase::None).collect())
}

/// The next step for a document, in words.
pub fn next_step(state: &DocState) -> &'static str {
    match state.phase {
        Phase::None => "render a draft",
        Phase::Draft if reviewed(state.kind) => "submit it for gatekeeping or sign-off",
        Phase::Draft => "record the signatures, then make it final",
        Phase::Returned => "amend the case, render and resubmit",
        Phase::Submitted => "a manager's review",
        Phase::Agreed => "make it final (where two managers must agree, the second agrees first)",
        Phase::Final => "record when it is sent",
        Phase::Sent => "nothing (sent)",
    }
}

/// Every name a submission is addressed to is a manager in the directory.
fn named_managers(directory: &Directory, to: &[String]) -> Result<(), String> {
    match to.iter().find(|name| !rules::is_manager(directory, name)) {
        Some(name) => Err(format!("{name} is not a manager in the staff directory: submit to a manager")),
        None => Ok(()),
    }
}

fn find<'a>(caseload: &'a Caseload, case_id: &str) -> Result<&'a Case, Refused> {
    caseload
        .cases()
        .find(|c| c.case_id.as_str() == case_id)
        .ok_or_else(|| Refused::Rule(format!("no case `{case_id}` among the cases loaded")))
}

/// Renders the final PDF of one document; returns its SHA-256.
fn render_final(
    press: &Press,
    caseload: &Caseload,
    case_id: &str,
    kind: DocumentKind,
    date: NaiveDate,
) -> Result<String, Refused> {
    let one = Caseload {
        cases: caseload.cases.iter().filter(|c| c.case.case_id.as_str() == case_id).cloned().collect(),
        failures: Vec::new(),
    };
    let opts = RenderOptions {
        kinds: KindSelection::only(vec![kind]),
        final_: true,
        date,
        force: true,
        jobs: 1,
        typst_dir: None,
    };
    let report = batch::render(press, Cases::Loaded(&one), &opts, &Workers::Threads, &|_| {})?;
    match report.items.first().map(|i| &i.outcome) {
        Some(Outcome::Written { sha256, .. }) => Ok(sha256.clone()),
        Some(Outcome::Unchanged { path }) => {
            store::file_digest(path).map(|d| store::hex(&d)).map_err(|e| Refused::Rule(e.to_string()))
        }
        Some(Outcome::Failed { reason, .. } | Outcome::Historic { reason }) => {
            Err(Refused::Rule(reason.clone()))
        }
        None => Err(Refused::Rule(format!("{kind} does not apply to case {case_id}"))),
    }
}

/// The operating-system user running the command.
fn os_user() -> String {
    std::env::var("USER").or_else(|_| std::env::var("LOGNAME")).unwrap_or_else(|_| format!("uid {}", uid()))
}

fn uid() -> u32 {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").map(|m| m.uid()).unwrap_or_default()
}
