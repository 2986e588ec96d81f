//! A document's history, folded from its case's log: the latest draft
//! version, the lifecycle steps taken on it since, and its latest final.
//! Below the render batch (which leaves a frozen final alone) and the
//! lifecycle steps (which check the rules against it).

use chrono::{DateTime, NaiveDate};
use serde::Serialize;

pub use crate::documents::Phase;
use crate::documents::{DocumentKind, Signer, Step};
use crate::store::LogEntry;

/// A reviewer's step on the current version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Review {
    /// Who.
    pub by: String,
    /// When (RFC 3339).
    pub at: String,
    /// Agreed, or returned.
    pub agreed: bool,
    /// Their comments.
    pub comments: Option<String>,
}

/// One recorded step, whatever version it concerned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StepRecord {
    /// Which step.
    pub step: Step,
    /// Who took it.
    pub by: String,
    /// When (RFC 3339).
    pub at: String,
    /// Comments or views, if any.
    pub comments: Option<String>,
    /// For `sent`: to whom.
    pub to: Option<String>,
    /// SHA-256 of the version it concerned.
    pub sha256: String,
}

/// A document's state.
#[derive(Debug, Clone, Serialize)]
pub struct DocState {
    /// Which document.
    pub kind: DocumentKind,
    /// Its phase.
    pub phase: Phase,
    /// SHA-256 of the current draft version.
    pub version: Option<String>,
    /// The current draft's file, and its input hash.
    pub draft_file: Option<String>,
    /// The input hash of the current draft.
    pub draft_input: Option<String>,
    /// When the current version was submitted, and by whom.
    pub submitted: Option<(String, String)>,
    /// The managers the current version was submitted to (empty: any the
    /// rules allow).
    pub submitted_to: Vec<String>,
    /// Reviews of the current version, in order.
    pub reviews: Vec<Review>,
    /// The latest final: its PDF's SHA-256 and file.
    pub final_version: Option<(String, String)>,
    /// The input hash of the draft the latest final was made from.
    pub final_input: Option<String>,
    /// Who it was sent to, and when.
    pub sent: Option<(String, String)>,
    /// Every step recorded for this kind, in order, across versions.
    pub steps: Vec<StepRecord>,
    /// Every signature recorded for this kind, in order, each with the
    /// version it was given to.
    pub signatures: Vec<SignatureRecord>,
    /// Every gatekeeping meeting recorded for this kind, in order.
    pub meetings: Vec<MeetingRecord>,
}

/// A gatekeeping meeting, recorded as a step on the version discussed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MeetingRecord {
    /// The day it was held.
    pub date: NaiveDate,
    /// Who was there, as the staff directory spells them.
    pub attended: Vec<String>,
    /// SHA-256 of the version discussed.
    pub sha256: String,
    /// The manager who recorded it.
    pub recorded_by: String,
    /// When it was recorded (RFC 3339).
    pub at: String,
}

/// A signature, recorded as a step on one version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignatureRecord {
    /// The part it was given in.
    pub signer: Signer,
    /// Who signed.
    pub name: String,
    /// The day they signed (YYYY-MM-DD).
    pub date: String,
    /// SHA-256 of the version signed.
    pub sha256: String,
    /// The member of staff who recorded it.
    pub recorded_by: String,
}

impl DocState {
    /// Whether the managers disagree on the current version: one agreed,
    /// another returned it.
    pub fn disagreement(&self) -> bool {
        let agreed = self.reviews.iter().position(|r| r.agreed);
        agreed.is_some_and(|a| self.reviews.iter().skip(a + 1).any(|r| !r.agreed))
    }

    /// The signature `signer` gave to the current version, if any (the latest).
    pub fn signed(&self, signer: Signer) -> Option<&SignatureRecord> {
        let current = self.version.as_deref()?;
        self.signatures.iter().rev().find(|s| s.signer == signer && s.sha256 == current)
    }

    /// The latest signature `signer` gave to an earlier version, when the
    /// current version is not signed by them: it needs signing again.
    pub fn signed_earlier(&self, signer: Signer) -> Option<&SignatureRecord> {
        if self.signed(signer).is_some() {
            return None;
        }
        self.signatures.iter().rev().find(|s| s.signer == signer)
    }

    /// The managers who agreed the current version.
    pub fn agreed_by(&self) -> Vec<&str> {
        self.reviews.iter().filter(|r| r.agreed).map(|r| r.by.as_str()).collect()
    }
}

/// The case log as a paper dated `day` may state it: every lifecycle step
/// recorded after that day (in England) left out. The documents rendered
/// stay, whenever they were: they say which version a step concerned, and
/// a step's time may be given (`--now`) while a render's is the clock's.
/// A step whose time cannot be read is kept.
pub fn as_of(log: &[LogEntry], day: NaiveDate) -> Vec<LogEntry> {
    let later =
        |e: &LogEntry| matches!(e, LogEntry::Lifecycle { .. }) && logged_on(e.at()).is_some_and(|d| d > day);
    log.iter().filter(|e| !later(e)).cloned().collect()
}

/// The day (in England) of a log time.
pub fn logged_on(at: &str) -> Option<NaiveDate> {
    let t = DateTime::parse_from_rfc3339(at).ok()?;
    Some(t.with_timezone(&chrono_tz::Europe::London).date_naive())
}

/// Folds a case log into the state of one kind of document.
pub fn fold(log: &[LogEntry], kind: DocumentKind) -> DocState {
    let mut s = DocState {
        kind,
        phase: Phase::None,
        version: None,
        draft_file: None,
        draft_input: None,
        submitted: None,
        submitted_to: Vec::new(),
        reviews: Vec::new(),
        final_version: None,
        final_input: None,
        sent: None,
        steps: Vec::new(),
        signatures: Vec::new(),
        meetings: Vec::new(),
    };
    let mut finals: Vec<(String, String)> = Vec::new();
    for entry in log {
        match entry {
            LogEntry::Document { kind: k, file, sha256, input_hash, draft, .. } if *k == kind => {
                if !*draft {
                    finals.push((sha256.clone(), file.clone()));
                } else if s.version.as_deref() != Some(sha256) && s.final_input.as_deref() != Some(input_hash)
                {
                    // A new draft version: everything before concerned another.
                    s.version = Some(sha256.clone());
                    s.draft_file = Some(file.clone());
                    s.draft_input = Some(input_hash.clone());
                    s.submitted = None;
                    s.submitted_to.clear();
                    s.reviews.clear();
                    s.phase = Phase::Draft;
                }
            }
            LogEntry::Lifecycle {
                kind: k,
                step,
                sha256,
                by,
                at,
                comments,
                to,
                date,
                agreed_input,
                reviewers,
                signer,
                signed_by,
                attended,
                ..
            } if *k == kind => {
                s.steps.push(StepRecord {
                    step: *step,
                    by: by.clone(),
                    at: at.clone(),
                    comments: comments.clone(),
                    to: to.clone(),
                    sha256: sha256.clone(),
                });
                let current = s.version.as_deref() == Some(sha256.as_str());
                match step {
                    Step::Submitted if current => {
                        s.submitted = Some((by.clone(), at.clone()));
                        s.submitted_to = reviewers.clone();
                        s.reviews.clear();
                        s.phase = Phase::Submitted;
                    }
                    Step::Returned | Step::Agreed if current => {
                        let agreed = *step == Step::Agreed;
                        s.reviews.push(Review {
                            by: by.clone(),
                            at: at.clone(),
                            agreed,
                            comments: comments.clone(),
                        });
                        s.phase = if agreed { Phase::Agreed } else { Phase::Returned };
                    }
                    Step::Final => {
                        let file = finals.iter().rev().find(|(sha, _)| sha == sha256).map(|(_, f)| f.clone());
                        s.final_version = Some((sha256.clone(), file.unwrap_or_default()));
                        s.final_input = agreed_input.clone();
                        s.sent = None;
                        s.phase = Phase::Final;
                    }
                    Step::Signed => {
                        if let Some(signer) = signer {
                            s.signatures.push(SignatureRecord {
                                signer: *signer,
                                name: signed_by.clone().unwrap_or_else(|| by.clone()),
                                date: date
                                    .clone()
                                    .unwrap_or_else(|| at.get(..10).unwrap_or_default().to_owned()),
                                sha256: sha256.clone(),
                                recorded_by: by.clone(),
                            });
                        }
                    }
                    Step::Meeting => {
                        if let Some(held) = date.as_deref().and_then(|d| d.parse().ok()) {
                            s.meetings.push(MeetingRecord {
                                date: held,
                                attended: attended.clone(),
                                sha256: sha256.clone(),
                                recorded_by: by.clone(),
                                at: at.clone(),
                            });
                        }
                    }
                    Step::Sent if s.final_version.as_ref().is_some_and(|(f, _)| f == sha256) => {
                        s.sent = Some((to.clone().unwrap_or_default(), date.clone().unwrap_or_default()));
                        s.phase = Phase::Sent;
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
    s
}

/// What `log` records of the case's PSR gatekeeping by the end of `today`
/// (London time): steps taken later are not yet history on that day.
pub fn gatekeeping_recorded(
    log: &[LogEntry],
    case: &crate::case::Case,
    staff: &crate::staff::Directory,
    today: chrono::NaiveDate,
) -> crate::rules::RecordedGatekeeping {
    use crate::rules::{RecordedGatekeeping, two_managers_agree, two_managers_required};
    let steps: Vec<(Step, &str, chrono::NaiveDate, Option<&str>)> = log
        .iter()
        .filter_map(|e| match e {
            LogEntry::Lifecycle { kind: DocumentKind::Psr, step, by, at, date, .. } => {
                logged_on(at).filter(|d| *d <= today).map(|d| (*step, by.as_str(), d, date.as_deref()))
            }
            _ => None,
        })
        .collect();
    let two = two_managers_required(DocumentKind::Psr, case);
    let mut out = RecordedGatekeeping { recorded: !steps.is_empty(), ..Default::default() };
    let mut round: Vec<&str> = Vec::new();
    for (step, by, on, date) in steps {
        match step {
            Step::Submitted => {
                out.submitted.get_or_insert(on);
                round.clear();
            }
            Step::Returned => round.clear(),
            Step::Agreed => {
                round.push(by);
                let pair = two_managers_agree(&case.team, round.iter().map(|m| (*m, staff.team(m))));
                out.two_managers |= pair;
                if !two || pair {
                    out.agreed.get_or_insert(on);
                }
            }
            // The day it was held, which may be before the day it was
            // recorded; the latest meeting recorded stands.
            Step::Meeting => out.meeting = date.and_then(|d| d.parse().ok()).or(Some(on)),
            Step::Final | Step::Sent | Step::Signed => {}
        }
    }
    out
}

/// `case` as a document of `state.kind` is signed: where any signature of
/// that kind is recorded as a step, the recorded ones are its signatures
/// (the typed signature fields are for documents signed outside
/// casepress), and only those given to the version being made count
/// (`current`: the version being made is `state`'s current one).
pub fn with_signatures(case: &crate::case::Case, state: &DocState, current: bool) -> crate::case::Case {
    use crate::case::{Signature, Signatures};
    let mut case = case.clone();
    if state.signatures.is_empty() {
        return case;
    }
    let given = |signer: Signer| {
        current
            .then(|| state.signed(signer))
            .flatten()
            .and_then(|s| s.date.parse().ok().map(|date| Signature { name: s.name.clone(), date }))
    };
    let signatures = || Signatures {
        young_person: given(Signer::YoungPerson),
        parent_carer: given(Signer::ParentCarer),
        case_manager: given(Signer::CaseManager),
        manager: given(Signer::Manager),
    };
    match state.kind {
        DocumentKind::Psr => {
            if let Some(psr) = case.psr.as_mut() {
                psr.signed = given(Signer::Author);
            }
        }
        DocumentKind::ProgressReport => {
            if let Some(report) = case.progress_report.as_mut() {
                report.signed = given(Signer::Author);
            }
        }
        DocumentKind::InterventionPlan => {
            if let Some(plan) = case.intervention_plan.as_mut() {
                plan.signatures = signatures();
            }
        }
        DocumentKind::ServiceAgreement => {
            if let Some(agreement) = case.service_agreement.as_mut() {
                agreement.signatures = signatures();
            }
        }
        _ => {}
    }
    case
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(step: Step, at: &str, date: Option<&str>, attended: &[&str]) -> LogEntry {
        LogEntry::Lifecycle {
            at: at.into(),
            kind: DocumentKind::Psr,
            step,
            sha256: "v1".into(),
            by: "Ruth Okafor".into(),
            os_user: "uid 0".into(),
            comments: None,
            to: None,
            date: date.map(str::to_owned),
            reviewers: Vec::new(),
            agreed_input: None,
            signer: None,
            signed_by: None,
            attended: attended.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    /// A meeting is a step that changes no phase; the rules read the day it
    /// was held, and only once it is recorded.
    #[test]
    fn a_meeting_is_folded_and_read_on_its_own_day_once_recorded() {
        let log = [
            step(Step::Submitted, "2026-12-01T10:00:00Z", None, &[]),
            step(Step::Meeting, "2026-12-03T09:00:00Z", Some("2026-12-02"), &["Ruth Okafor", "Tom Ashworth"]),
        ];
        let state = fold(&log, DocumentKind::Psr);
        assert_eq!(state.meetings.len(), 1);
        assert_eq!(state.meetings[0].date, "2026-12-02".parse::<NaiveDate>().unwrap());
        assert_eq!(state.meetings[0].attended, ["Ruth Okafor", "Tom Ashworth"]);
        let json = r#"{"schema": "casepress/case/v1", "case_id": "R-1",
            "child": {"first_name": "Sam", "last_name": "Lee", "date_of_birth": "2010-03-21"},
            "case_manager": {"name": "Tom Ashworth"}, "team": "South Team", "psr": {}}"#;
        let case =
            crate::case::parse_bytes(json.as_bytes(), std::path::Path::new("t.json")).remove(0).unwrap().case;
        let staff = crate::staff::Directory::default();
        let on = |day: &str| gatekeeping_recorded(&log, &case, &staff, day.parse().unwrap()).meeting;
        assert_eq!(on("2026-12-02"), None, "recorded on the 3rd: not yet history on the 2nd");
        assert_eq!(on("2026-12-03"), Some("2026-12-02".parse().unwrap()));
    }
}
