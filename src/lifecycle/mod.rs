//! The life of every document: draft → submitted → returned (with
//! comments) or agreed → final → sent, and a final superseded by a later
//! one. Every step is an event in the case's append-only log, with who took
//! it (the name as the staff directory spells it, and the operating-system
//! user) and the SHA-256 of the exact version it concerns. The case JSON
//! stays what the case system exports; this log is casepress's own record
//! beside it.
//!
//! One case, one lock: a step takes that case's lock only, makes what it
//! needs with [`Press::make`] (the current draft before a submission, the
//! final), publishes it, and appends the document and the step in one
//! write. It never waits for a batch rendering other cases.

mod notices;
mod resubmission;
mod rules;
mod start;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};

pub use crate::history::{DocState, Phase, Review, fold};
pub use notices::{StepNotice, Stepped, Waiting, queue, step_notices, waiting_for};
pub use resubmission::{Resubmission, resubmission};
pub use rules::{
    head_of_service_must_agree, may_finalise, may_issue, may_record_meeting, may_record_sent, may_review,
    may_send, may_sign, may_submit,
};
pub use start::{Started, start};

use crate::case::Case;
use crate::documents::{DocumentKind, Signer, Step};
use crate::press::document::{Made, Order};
use crate::press::{Press, SetupError};
use crate::service::Service;
use crate::staff::{Directory, name_key};
use crate::store::{self, LogEntry};

/// A step someone takes.
#[derive(Debug, Clone)]
pub enum Act {
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
    /// Record a signature given to the current version: the signer's own
    /// (the author, the case manager, the manager), or the young person's
    /// or a parent's or carer's, recorded by the member of staff with them.
    Sign {
        /// The part it is given in.
        signer: Signer,
        /// Who signed, for the young person or a parent or carer (default:
        /// the young person; the only parent or carer recorded).
        name: Option<String>,
        /// The day they signed.
        date: NaiveDate,
    },
    /// Record a PSR's gatekeeping meeting, about the current version: the
    /// day it was held and who was there (the manager recording it is
    /// counted as there).
    Meeting {
        /// The day it was held.
        date: NaiveDate,
        /// Who else was there: the report's author, a second manager.
        attended: Vec<String>,
    },
}

impl Act {
    /// The step the case log records for it.
    pub fn step(&self) -> Step {
        match self {
            Self::Submit { .. } => Step::Submitted,
            Self::Agree { .. } => Step::Agreed,
            Self::Return { .. } => Step::Returned,
            Self::Final { .. } => Step::Final,
            Self::Sent { .. } => Step::Sent,
            Self::Sign { .. } => Step::Signed,
            Self::Meeting { .. } => Step::Meeting,
        }
    }

    /// Whether the current draft is rendered first (see [`drafts_first`]).
    pub fn drafts_first(&self, kind: DocumentKind) -> bool {
        drafts_first(self.step(), kind)
    }
}

/// Whether a step renders the current draft first: a submission is of the
/// case as it is now, and so is a gatekeeping meeting's discussion; a
/// document final on its signatures is made from its current data. The command line and the workspace both ask here, so
/// they submit the same thing.
pub fn drafts_first(step: Step, kind: DocumentKind) -> bool {
    match step {
        Step::Submitted | Step::Meeting => true,
        Step::Final => !kind.reviewed(),
        _ => false,
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

/// Takes `act` on the `kind` document of `case`, by `by`, at `now`.
/// Returns the event recorded.
pub fn act(
    press: &Press,
    case: &Case,
    kind: DocumentKind,
    act: &Act,
    by: &str,
    now: DateTime<Utc>,
) -> Result<LogEntry, Refused> {
    let directory = press.staff();
    let by = recorded_name(directory, by)?;
    let head = press.config().rules.head_of_service.as_deref();
    let case_id = case.case_id.as_str();
    let docs_dir = press.layout().documents(case_id);
    let lock = press.records().lock(case_id).map_err(SetupError::from)?;
    // What an interrupted step published but never recorded goes first, so
    // that the final made now takes its own name and is the only final.
    press.records().set_aside_unrecorded(&lock, case_id).map_err(SetupError::from)?;
    let mut log = press.records().read(case_id).map_err(SetupError::from)?;
    let today = now.with_timezone(&chrono_tz::Europe::London).date_naive();
    let mut written = Vec::new();
    if act.drafts_first(kind)
        && let Some(entry) = make_and_publish(press, case, kind, today, false, &log, &docs_dir)?
    {
        log.push(entry.clone());
        written.push(entry);
    }
    let state = fold(&log, kind);
    // What `log` already holds of `written` (the draft made on the way).
    let in_log = written.len();
    let mut signed_by = None;
    let mut present = Vec::new();
    let check = in_order(&state, act, now).and_then(|()| match act {
        Act::Submit { to } => may_submit(&state).and_then(|()| named_managers(directory, to)),
        Act::Agree { .. } | Act::Return { .. } => may_review(&state, case, directory, &by, head),
        Act::Final { .. } => may_issue(kind, case, directory, &by)
            .and_then(|()| may_finalise(&state, &press.signed_case(case, kind, &log), directory, head))
            .and_then(|()| unchanged_since_review(press, case, &state, &log)),
        Act::Sent { .. } => may_record_sent(kind, case, directory, &by).and_then(|()| may_send(&state)),
        Act::Sign { signer, name, date } => signed_on(*date, now)
            .and_then(|()| may_sign(&state, case, directory, &by, *signer, name.as_deref()))
            .map(|who| signed_by = Some(who)),
        Act::Meeting { date, attended } => held_on(*date, now)
            .and_then(|()| may_record_meeting(&state, case, directory, &by, attended))
            .map(|who| present = who),
    });
    if let Err(why) = check {
        // A draft made on the way is a draft like any other: on record, even
        // when the step itself is refused.
        press.records().append(case_id, &written).map_err(SetupError::from)?;
        return Err(Refused::Rule(why));
    }
    if let (Act::Submit { .. }, Some(input)) = (act, &state.draft_input) {
        // What the reviewers will read, kept so that a final can be checked
        // against it section by section.
        let json = serde_json::to_vec(case).expect("a case serialises");
        press.records().keep_version(case_id, input, &json).map_err(SetupError::from)?;
    }
    let concerns = match act {
        Act::Final { date } => {
            let made = make_and_publish(press, case, kind, *date, true, &log, &docs_dir);
            let Ok(Some(entry)) = made else {
                press.records().append(case_id, &written).map_err(SetupError::from)?;
                return Err(made
                    .err()
                    .unwrap_or_else(|| Refused::Rule("the final could not be made".into())));
            };
            crate::failpoint("lifecycle:after-final-render");
            let LogEntry::Document { sha256, .. } = &entry else { unreachable!("a document entry") };
            let sha = sha256.clone();
            written.push(entry);
            sha
        }
        Act::Sent { .. } => state.final_version.as_ref().map(|(sha, _)| sha.clone()).unwrap_or_default(),
        _ => state.version.clone().unwrap_or_default(),
    };
    // Who signed is recorded only where it is not the one recording it.
    let signed_by = signed_by.filter(|who| !crate::staff::same_name(who, &by));
    let event = LogEntry::Lifecycle {
        at: now.to_rfc3339_opts(SecondsFormat::Secs, true),
        kind,
        step: act.step(),
        sha256: concerns,
        by,
        os_user: os_user(),
        comments: match act {
            Act::Agree { comments } => comments.clone(),
            Act::Return { comments } => Some(comments.clone()),
            _ => None,
        },
        to: match act {
            Act::Sent { to, .. } => Some(to.clone()),
            _ => None,
        },
        date: match act {
            Act::Sent { date, .. } | Act::Sign { date, .. } | Act::Meeting { date, .. } => {
                Some(date.to_string())
            }
            _ => None,
        },
        reviewers: match act {
            Act::Submit { to } => to.iter().map(|n| directory.spelled(n).unwrap_or(n).to_owned()).collect(),
            _ => Vec::new(),
        },
        agreed_input: match act {
            Act::Final { .. } => state.draft_input.clone(),
            _ => None,
        },
        signer: match act {
            Act::Sign { signer, .. } => Some(*signer),
            _ => None,
        },
        signed_by,
        attended: present,
    };
    written.push(event.clone());
    log.extend(written[in_log..].iter().cloned());
    tell(press, case, &state, &fold(&log, kind), &event);
    crate::failpoint("lifecycle:before-append");
    press.records().append(case_id, &written).map_err(SetupError::from)?;
    crate::failpoint("lifecycle:after-append");
    Ok(event)
}

/// Queues the emails the step owes (when the service sends email): to
/// whoever the document now waits for, and to those who worked on a final.
/// Queued just before the step is appended, under the case's lock: the
/// outbox sends one only once it finds its step in the case log (taking
/// the same lock), so a step cut short owes nothing and a recorded one
/// cannot lose its emails. A queue that cannot be written is logged and
/// never fails the step, and nothing here waits for a mail server.
fn tell(press: &Press, case: &Case, before: &DocState, after: &DocState, event: &LogEntry) {
    let LogEntry::Lifecycle { step, sha256, by, at, .. } = event else { return };
    if press.config().smtp.is_none() {
        return;
    }
    let Ok(at) = DateTime::parse_from_rfc3339(at).map(|t| t.with_timezone(&Utc)) else { return };
    let stepped = Stepped { case, step: *step, by, at, sha256, before, after };
    let head = press.config().rules.head_of_service.as_deref();
    let owed = step_notices(&stepped, press.staff(), head);
    if let Err(e) = queue(press.layout(), press.modes(), &owed) {
        // The case id is not a child's data; the error names a path under OUT.
        tracing::error!("the emails for a {} step on case {} could not be queued: {e}", step, case.case_id);
    }
}

/// A signature is never dated after the day it is recorded.
fn signed_on(date: NaiveDate, now: DateTime<Utc>) -> Result<(), String> {
    let today = now.with_timezone(&chrono_tz::Europe::London).date_naive();
    if date > today {
        return Err(format!(
            "a signature is recorded on or after the day it is given: {} is later than today",
            date.format("%-d %B %Y")
        ));
    }
    Ok(())
}

/// A meeting is recorded once it has been held: never dated after today.
fn held_on(date: NaiveDate, now: DateTime<Utc>) -> Result<(), String> {
    let today = now.with_timezone(&chrono_tz::Europe::London).date_naive();
    if date > today {
        return Err(format!(
            "a gatekeeping meeting is recorded once it has been held: {} is later than today",
            date.format("%-d %B %Y")
        ));
    }
    Ok(())
}

/// Time runs one way on a document: a step is never recorded before the
/// step it follows, a final or a meeting is never dated before the day of
/// that step, and a final is never sent before its date.
fn in_order(state: &DocState, act: &Act, now: DateTime<Utc>) -> Result<(), String> {
    let noun = state.kind.spec().noun;
    let Some(last) = state.steps.last() else { return Ok(()) };
    let Ok(last_at) = DateTime::parse_from_rfc3339(&last.at).map(|t| t.with_timezone(&Utc)) else {
        return Ok(());
    };
    let london = |t: DateTime<Utc>| t.with_timezone(&chrono_tz::Europe::London);
    let said = format!(
        "the last step on this {noun} ({} by {}) was recorded at {}",
        last.step.name(),
        last.by,
        london(last_at).format("%-d %B %Y %H:%M")
    );
    if now < last_at {
        return Err(format!("{said}: a step is never recorded before the one it follows"));
    }
    let last_day = london(last_at).date_naive();
    match act {
        Act::Final { date } if *date < last_day => {
            Err(format!("{said}: the final cannot be dated {}, before that", date.format("%-d %B %Y")))
        }
        // The meeting discussed the version as it stood when it is recorded:
        // one held before the last step belongs before it in the history.
        Act::Meeting { date, .. } if *date < last_day => Err(format!(
            "{said}: a meeting held on {} is recorded before the steps that followed it, on the day it is held",
            date.format("%-d %B %Y")
        )),
        Act::Sent { date, .. } => match state.steps.iter().rev().find(|s| s.step == Step::Final) {
            Some(fin) => {
                let final_day =
                    DateTime::parse_from_rfc3339(&fin.at).map(|t| london(t.with_timezone(&Utc)).date_naive());
                match final_day {
                    Ok(day) if *date < day => Err(format!(
                        "this {noun} was made final on {}: it cannot have been sent on {}",
                        day.format("%-d %B %Y"),
                        date.format("%-d %B %Y")
                    )),
                    _ => Ok(()),
                }
            }
            None => Ok(()),
        },
        _ => Ok(()),
    }
}

/// A reviewed document is made final from exactly the version its
/// reviewers agreed: refused when anything that shapes it has changed since
/// (naming the sections of the case that changed), so that it is submitted
/// again.
fn unchanged_since_review(
    press: &Press,
    case: &Case,
    state: &DocState,
    log: &[LogEntry],
) -> Result<(), String> {
    let Some(agreed) = state.draft_input.as_deref().filter(|_| state.kind.reviewed()) else { return Ok(()) };
    if press.document_input(case, state.kind, false, log) == agreed {
        return Ok(());
    }
    let kept = press.records().version(case.case_id.as_str(), agreed).ok().flatten();
    let then = kept.and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok());
    let now = serde_json::to_value(case).expect("a case serialises");
    let what = match then.map(|then| changed_sections(&then, &now)) {
        Some(sections) if !sections.is_empty() => format!("the case has changed in {}", sections.join(", ")),
        Some(_) => "casepress's templates or settings have changed".to_owned(),
        None => "the case has changed".to_owned(),
    };
    Err(format!(
        "{what} since the version that was agreed: this {} must be submitted and agreed again before it is final",
        state.kind.spec().noun
    ))
}

/// The sections of the case (and, inside a section, the fields) that
/// differ, each as a backticked path (`` `court.hearing_date` ``).
pub fn changed_sections(then: &serde_json::Value, now: &serde_json::Value) -> Vec<String> {
    let (Some(then), Some(now)) = (then.as_object(), now.as_object()) else { return vec!["the case".into()] };
    let mut keys: Vec<&String> = then.keys().chain(now.keys()).collect();
    keys.sort();
    keys.dedup();
    let mut out = Vec::new();
    for key in keys {
        match (then.get(key), now.get(key)) {
            (a, b) if a == b => {}
            (Some(serde_json::Value::Object(a)), Some(serde_json::Value::Object(b))) => {
                let mut fields: Vec<&String> = a.keys().chain(b.keys()).collect();
                fields.sort();
                fields.dedup();
                out.extend(
                    fields.into_iter().filter(|f| a.get(*f) != b.get(*f)).map(|f| format!("`{key}.{f}`")),
                );
            }
            _ => out.push(format!("`{key}`")),
        }
    }
    out
}

/// The name a step is recorded under: as the staff directory spells it (a
/// name typed with other spacing or letter case is the same person), or,
/// where the service lists no staff, as typed with its spacing tidied.
fn recorded_name(directory: &Directory, by: &str) -> Result<String, Refused> {
    if directory.is_empty() {
        let tidy = by.split_whitespace().collect::<Vec<_>>().join(" ");
        return if name_key(&tidy).is_empty() {
            Err(Refused::Rule("--by names who takes the step".into()))
        } else {
            Ok(tidy)
        };
    }
    directory.spelled(by).map(str::to_owned).ok_or_else(|| {
        Refused::Rule(format!("{} is not in the staff directory: --by names a member of staff", by.trim()))
    })
}

/// Makes one document of `case` and publishes it, syncing its folder, and
/// gives the case-log line to append (`None`: the same version is already
/// on record).
fn make_and_publish(
    press: &Press,
    case: &Case,
    kind: DocumentKind,
    date: NaiveDate,
    final_: bool,
    log: &[LogEntry],
    docs_dir: &std::path::Path,
) -> Result<Option<LogEntry>, Refused> {
    let facts = press.service().facts(case, date, log);
    let origin = format!("case `{}`", case.case_id);
    let order = Order {
        case,
        facts: &facts,
        kind,
        date,
        final_,
        log,
        docs_dir,
        force: final_,
        typst_dir: None,
        origin: &origin,
    };
    let made = press.make(&order).map_err(|f| Refused::Rule(f.reason))?;
    let Made::Pdf(pdf) = made else { return Ok(None) };
    store::sweep_temp_files(docs_dir);
    let (_, entry) = pdf.publish(docs_dir, press.modes()).map_err(|f| Refused::Rule(f.reason))?;
    store::sync_dir(docs_dir).map_err(SetupError::from)?;
    Ok(Some(entry))
}

/// The state of every document of a case that has been rendered.
pub fn status(service: &Service, case_id: &str) -> Result<Vec<DocState>, SetupError> {
    let log = service.records().read(case_id)?;
    Ok(DocumentKind::ALL.into_iter().map(|k| fold(&log, k)).filter(|s| s.phase != Phase::None).collect())
}

/// The next step for a document, in words.
pub fn next_step(state: &DocState) -> &'static str {
    match state.phase {
        Phase::None => "render a draft",
        Phase::Draft if state.kind.reviewed() => "submit it for gatekeeping or sign-off",
        Phase::Draft => "record the signatures, then make it final",
        Phase::Returned => "amend it and submit it again",
        Phase::Submitted => "a manager's review",
        Phase::Agreed => "make it final, once every manager who must agree has agreed",
        Phase::Final => "record when it is sent",
        Phase::Sent => "nothing (sent)",
    }
}

/// Every name a submission is addressed to is a manager in the directory.
fn named_managers(directory: &Directory, to: &[String]) -> Result<(), String> {
    match to.iter().find(|name| !directory.is_manager(name)) {
        Some(name) => Err(format!("{name} is not a manager in the staff directory: submit to a manager")),
        None => Ok(()),
    }
}

/// The operating-system account running the command, from the process's
/// effective user id (never from `$USER`, which anyone can set): its login
/// name, or the bare id where the system has no name for it.
fn os_user() -> String {
    let uid = nix::unistd::Uid::effective();
    match nix::unistd::User::from_uid(uid) {
        Ok(Some(user)) => user.name,
        _ => format!("uid {uid}"),
    }
}
