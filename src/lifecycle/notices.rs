//! Who a document waits for, and who is told by email when a step changes
//! that. One answer serves both: the case list's "Waiting for you" and the
//! emails a step queues ask [`waiting_for`], so a person is emailed exactly
//! when a document starts to wait for them (and when one they worked on is
//! made final).
//!
//! An email leaves the service: a step's notice names the document kind,
//! the step, the member of staff who took it and when, and where to find it
//! in the workspace, never the child nor the case id (decision 0114). The
//! queue (`OUT/outbox/steps.jsonl`) holds the same, a key and the case id
//! (to find the step in the case's log); the outbox sends it once the step
//! is on record (decision 0115).

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::rules::{may_finalise, may_issue, may_review};
use crate::case::Case;
use crate::documents::{DocumentKind, Review, Step};
use crate::history::{DocState, Phase};
use crate::staff::{Directory, same_name};
use crate::store::{self, Layout, Modes};

/// What a document waits for someone to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Waiting {
    /// A manager's review (gatekeeping or sign-off) of the submitted version.
    Review,
    /// The managers disagree: the head of service decides.
    Decide,
    /// Returned with comments to its writer, to amend and resubmit.
    Returned,
    /// Agreed: its writer makes it final.
    MakeFinal,
}

impl Waiting {
    /// The words the case list shows.
    pub fn words(self) -> &'static str {
        match self {
            Self::Review => "Waiting for your review",
            Self::Decide => "The managers disagree: your decision",
            Self::Returned => "Returned to you",
            Self::MakeFinal => "Agreed: make it final",
        }
    }
}

/// What the current version of a reviewed document waits for `who` to do,
/// if anything: a review by a manager it was submitted to (any the rules
/// allow when none was named), the head of service's decision when the
/// managers disagree, and, for its writer (who submitted it, or the case
/// manager), amending a returned version or making an agreed one final.
pub fn waiting_for(
    state: &DocState,
    case: &Case,
    directory: &Directory,
    who: &str,
    head_of_service: Option<&str>,
) -> Option<Waiting> {
    if !state.kind.reviewed() {
        return None;
    }
    let reviewed_it = state.reviews.iter().any(|r| same_name(&r.by, who));
    if state.disagreement() {
        let decides = head_of_service.is_some_and(|h| same_name(h, who));
        return (decides && may_review(state, case, directory, who, head_of_service).is_ok())
            .then_some(Waiting::Decide);
    }
    let writer = writer_of(state, case).iter().any(|w| same_name(w, who));
    // Submitted to nobody by name: the case manager's line manager is asked.
    let asked = if state.submitted_to.is_empty() {
        let line_manager = case.line_manager.as_ref().map(|m| m.name.as_str());
        directory.line_manager_of(&case.case_manager.name, line_manager).is_some_and(|m| same_name(&m, who))
    } else {
        state.submitted_to.iter().any(|n| same_name(n, who))
    };
    match state.phase {
        Phase::Submitted | Phase::Agreed
            if !reviewed_it && asked && may_review(state, case, directory, who, head_of_service).is_ok() =>
        {
            Some(Waiting::Review)
        }
        Phase::Returned if writer => Some(Waiting::Returned),
        Phase::Agreed
            if writer
                && may_finalise(state, case, directory, head_of_service).is_ok()
                && may_issue(state.kind, case, directory, who).is_ok() =>
        {
            Some(Waiting::MakeFinal)
        }
        _ => None,
    }
}

/// Who wrote the current version: who submitted it, and the case manager.
fn writer_of(state: &DocState, case: &Case) -> Vec<String> {
    let mut out: Vec<String> = state.submitted.iter().map(|(by, _)| by.clone()).collect();
    if !out.iter().any(|w| same_name(w, &case.case_manager.name)) {
        out.push(case.case_manager.name.clone());
    }
    out
}

/// One email a step owes: queued at the step, sent by the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepNotice {
    /// Stable identity, made once when the step queues it: a digest of the
    /// case, the document, the step, its time and version, the person told
    /// and a random part.
    pub key: String,
    /// The case, so that the outbox can find the step in its log before
    /// sending; never in the email.
    pub case_id: String,
    /// The document.
    pub kind: DocumentKind,
    /// The step taken.
    pub step: Step,
    /// What the document now waits for the person told to do, if anything.
    pub waiting: Option<Waiting>,
    /// Who took the step (a member of staff).
    pub by: String,
    /// When (RFC 3339, UTC).
    pub at: DateTime<Utc>,
    /// Who is told.
    pub to_name: String,
    /// Their address, from the staff directory when the outbox reads the
    /// queue (never written to it).
    #[serde(skip)]
    pub to_email: Option<String>,
}

impl StepNotice {
    /// The subject line: the document kind and what waits, no case.
    pub fn subject(&self) -> String {
        let title = self.kind.title();
        match (self.waiting, self.step) {
            (Some(Waiting::Review), _) => format!("{title} waiting for your review"),
            (Some(Waiting::Decide), _) => format!("{title}: the managers disagree and you decide"),
            (Some(Waiting::Returned), _) => format!("{title} returned to you with comments"),
            (Some(Waiting::MakeFinal), _) => format!("{title} agreed: make it final"),
            (None, Step::Final) => format!("{title} made final"),
            (None, step) => format!("{title} {step}"),
        }
    }

    /// The text: what happened, who did it and when, where to find it;
    /// `link` is the workspace's list of what waits for the reader.
    pub fn body(&self, service: &str, link: &str) -> String {
        let title = self.kind.title();
        let when = self.at.with_timezone(&chrono_tz::Europe::London).format("%-d %B %Y at %H:%M").to_string();
        let by = &self.by;
        let review = if self.kind.review() == Review::Gatekeeping { "gatekeeping" } else { "sign-off" };
        let what = match (self.waiting, self.step) {
            (Some(Waiting::Review), _) => {
                format!("{by} submitted a {title} to you for {review} on {when}. It waits for your review.")
            }
            (Some(Waiting::Decide), _) => format!(
                "The managers reviewing a {title} disagree ({by} on {when}): as head of service, you decide whether it is agreed or returned."
            ),
            (Some(Waiting::Returned), _) => format!(
                "{by} returned a {title} to you with comments on {when}. Read the comments, amend it and submit it again."
            ),
            (Some(Waiting::MakeFinal), _) => {
                format!(
                    "{by} agreed a {title} on {when}: its {review} is complete, and you can now make it final."
                )
            }
            (None, Step::Final) => format!("{by} made a {title} you worked on final on {when}."),
            (None, step) => format!("{by} recorded a {title} as {step} on {when}."),
        };
        format!(
            "{what}\n\nFind it in casepress, under \"Waiting for you\" on your list of cases:\n{link}\n\nThis email deliberately names no child and no case: sign in to casepress to see which one.\n\n{service}\n"
        )
    }

    /// The Message-ID: the same for every attempt at this notice.
    pub fn message_id(&self) -> String {
        let digest = Sha256::digest(self.key.as_bytes());
        format!("<{}@casepress.invalid>", &store::hex(&digest)[..32])
    }
}

/// What a step changed, as [`step_notices`] needs it.
pub struct Stepped<'a> {
    /// The case.
    pub case: &'a Case,
    /// The step taken.
    pub step: Step,
    /// Who took it.
    pub by: &'a str,
    /// When.
    pub at: DateTime<Utc>,
    /// The version it concerned (the SHA-256 the log records).
    pub sha256: &'a str,
    /// The document before the step, and after it.
    pub before: &'a DocState,
    /// The document after it.
    pub after: &'a DocState,
}

/// The emails a step owes, pure: everyone in the staff directory (and the
/// head of service) for whom the document now waits and did not wait
/// before; for a final, its writer and the managers who agreed it. Never
/// the person who took the step.
pub fn step_notices(
    s: &Stepped<'_>,
    directory: &Directory,
    head_of_service: Option<&str>,
) -> Vec<StepNotice> {
    let mut candidates: Vec<String> = directory.members().map(|m| m.name.clone()).collect();
    if let Some(head) = head_of_service.and_then(|h| directory.spelled(h)).or(head_of_service)
        && !candidates.iter().any(|c| same_name(c, head))
    {
        candidates.push(head.to_owned());
    }
    let mut told: Vec<(String, Option<Waiting>)> = Vec::new();
    if s.step == Step::Final {
        let mut involved = writer_of(s.before, s.case);
        involved.extend(s.before.agreed_by().into_iter().map(str::to_owned));
        for name in involved {
            if !told.iter().any(|(t, _)| same_name(t, &name)) {
                told.push((directory.spelled(&name).unwrap_or(&name).to_owned(), None));
            }
        }
    } else if matches!(s.step, Step::Submitted | Step::Returned | Step::Agreed) {
        for name in candidates {
            let now = waiting_for(s.after, s.case, directory, &name, head_of_service);
            let then = waiting_for(s.before, s.case, directory, &name, head_of_service);
            if let Some(wait) = now.filter(|w| then != Some(*w)) {
                told.push((name, Some(wait)));
            }
        }
    }
    told.retain(|(name, _)| !same_name(name, s.by));
    let at = s.at.to_rfc3339_opts(SecondsFormat::Secs, true);
    told.into_iter()
        .map(|(name, waiting)| {
            // Written once to the queue and never computed again, so a
            // random part may make it unique: two steps in one second on
            // one version, or a step retried after one cut short (whose
            // email was dropped), are different emails.
            let mut nonce = [0u8; 16];
            getrandom::fill(&mut nonce).unwrap_or_else(|e| panic!("no random numbers from the OS: {e}"));
            let identity = format!(
                "step:{}:{}:{}:{at}:{}:{}:{}",
                s.case.case_id,
                s.before.kind,
                s.step,
                s.sha256,
                name.to_lowercase(),
                store::hex(&nonce)
            );
            StepNotice {
                key: store::hex(&Sha256::digest(identity.as_bytes())),
                case_id: s.case.case_id.to_string(),
                kind: s.before.kind,
                step: s.step,
                waiting,
                by: s.by.to_owned(),
                at: s.at,
                to_name: name,
                to_email: None,
            }
        })
        .collect()
}

impl StepNotice {
    /// Whether `log` records the step this notice is about.
    pub fn recorded_in(&self, log: &[crate::store::LogEntry]) -> bool {
        log.iter().any(|e| match e {
            crate::store::LogEntry::Lifecycle { kind, step, by, at, .. } => {
                *kind == self.kind
                    && *step == self.step
                    && same_name(by, &self.by)
                    && DateTime::parse_from_rfc3339(at).is_ok_and(|t| t == self.at)
            }
            _ => false,
        })
    }
}

/// Queues `notices` for the outbox: one append of whole lines, synced.
pub fn queue(layout: &Layout, modes: Modes, notices: &[StepNotice]) -> Result<(), String> {
    if notices.is_empty() {
        return Ok(());
    }
    let path = layout.outbox_steps();
    let dir = path.parent().unwrap_or(std::path::Path::new("."));
    store::ensure_dir(dir, modes).map_err(|e| e.to_string())?;
    let mut bytes = Vec::new();
    for notice in notices {
        serde_json::to_writer(&mut bytes, notice).map_err(|e| e.to_string())?;
        bytes.push(b'\n');
    }
    let created = store::append_lines(&path, &bytes, modes, true).map_err(|e| e.to_string())?;
    if created {
        store::sync_dir(dir).map_err(|e| e.to_string())?;
    }
    Ok(())
}
