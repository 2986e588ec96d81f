//! Who is told what about a statement, by email: pure. An email leaves the
//! service, so it names the case id, the statement id and where to look,
//! never the child's name or date of birth.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::decision::{Decision, StatementOutcome};
use crate::staff::Directory;
use crate::store::{self, Layout};

/// Why someone is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NoticeEvent {
    /// A statement was assigned to them.
    Assigned,
    /// A Safety Link statement: act at once.
    SafetyLink,
    /// A statement nobody could be matched to: the duty officer's steps.
    Unidentified,
}

/// One email owed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    /// Stable identity: the statement's SHA-256, the event and the person.
    pub key: String,
    /// Why.
    pub event: NoticeEvent,
    /// The statement id (or the file's name when it had none).
    pub statement: String,
    /// The case, where matched.
    pub case_id: Option<String>,
    /// Who is told.
    pub to_name: String,
    /// Their address, from the staff directory.
    pub to_email: Option<String>,
    /// Where to look, relative to the output root.
    pub look_in: String,
    /// When the statement was received.
    pub received: DateTime<Utc>,
}

impl Notice {
    /// The Message-ID: the same for every attempt at this notice.
    pub fn message_id(&self) -> String {
        let digest = Sha256::digest(self.key.as_bytes());
        format!("<{}@casepress.invalid>", &store::hex(&digest)[..32])
    }

    /// The subject line.
    pub fn subject(&self) -> String {
        let case = self.case_id.as_deref().map(|c| format!(", case {c}")).unwrap_or_default();
        match self.event {
            NoticeEvent::SafetyLink => format!("SAFETY LINK: statement {}{case}: act now", self.statement),
            NoticeEvent::Assigned => format!("Statement {} assigned to you{case}", self.statement),
            NoticeEvent::Unidentified => {
                format!("Unidentified statement {}: a duty decision is needed", self.statement)
            }
        }
    }

    /// The text: what happened, where to look, what to do; no personal details.
    pub fn body(&self, service: &str) -> String {
        let received = self.received.to_rfc3339_opts(SecondsFormat::Secs, true);
        let case = self.case_id.as_deref().unwrap_or("not matched");
        let what = match self.event {
            NoticeEvent::SafetyLink => {
                "A Mind Of My Own statement with the Safety Link was received. Act on it now, as the service's Safety Link procedure says; the escalation notice is in the folder below."
            }
            NoticeEvent::Assigned => {
                "A Mind Of My Own statement was filed and assigned to you. Read it and record its receipt in the case notes within the service's target."
            }
            NoticeEvent::Unidentified => {
                "A Mind Of My Own statement could not be matched to one child and is in quarantine, never assigned. Follow the duty officer's steps in the note beside it, then have the duty manager attach it to the right case."
            }
        };
        format!(
            "{what}\n\nStatement: {}\nCase: {case}\nReceived: {received}\nWhere to look: {} (in the casepress output folder)\n\nThis email deliberately carries no child's name or other personal details: open the case folder or casepress for them.\n\n{service}\n",
            self.statement, self.look_in
        )
    }
}

/// The notices a decision owes, by the book: an assignment to the person
/// it was assigned to, a Safety Link to the managers the decision named,
/// an unidentified statement to the duty officer. Pure.
pub fn notices(decision: &Decision, directory: &Directory, duty_officer: Option<&str>) -> Vec<Notice> {
    let statement = decision.fields.statement_id.clone().unwrap_or_else(|| decision.source.clone());
    let email = |name: &str| directory.member(name).and_then(|m| m.email.clone());
    let notice = |event: NoticeEvent, name: &str, email: Option<String>, look_in: String| Notice {
        key: format!("{}:{}:{}", decision.sha256, serde_key(event), name.to_lowercase()),
        event,
        statement: statement.clone(),
        case_id: decision.case_id.clone(),
        to_name: name.to_owned(),
        to_email: email,
        look_in,
        received: decision.received,
    };
    let mut out = Vec::new();
    // Someone told of the Safety Link is not also sent the plain assignment.
    let alerted = |who: &str| {
        decision.fields.safety_link
            && decision.recipients.iter().any(|r| crate::staff::same_name(&r.name, who))
    };
    match decision.outcome {
        StatementOutcome::Assigned => {
            if let Some(who) = decision.assigned_to.as_ref().filter(|w| !alerted(w)) {
                out.push(notice(NoticeEvent::Assigned, who, email(who), decision.dest_dir.clone()));
            }
        }
        StatementOutcome::Unidentified => {
            if let Some(officer) = duty_officer {
                out.push(notice(
                    NoticeEvent::Unidentified,
                    officer,
                    email(officer),
                    decision.dest_dir.clone(),
                ));
            }
        }
        _ => {}
    }
    if decision.fields.safety_link {
        for r in &decision.recipients {
            let address = r.email.clone().or_else(|| email(&r.name));
            out.push(notice(NoticeEvent::SafetyLink, &r.name, address, Layout::ESCALATIONS.into()));
        }
    }
    out
}

fn serde_key(event: NoticeEvent) -> &'static str {
    match event {
        NoticeEvent::Assigned => "assigned",
        NoticeEvent::SafetyLink => "safety-link",
        NoticeEvent::Unidentified => "unidentified",
    }
}
