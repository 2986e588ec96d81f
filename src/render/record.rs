//! The gatekeeping record as of its date. What casepress recorded (the
//! PSR's steps, each manager's review with their comments) comes first;
//! what the case file says of a meeting is used only where nothing is
//! recorded, and only once the meeting was held. A submission or meeting
//! dated after the record is planned, never done.

use chrono::NaiveDate;
use serde::Serialize;

use crate::case::Case;
use crate::documents::Step;
use crate::history::{DocState, logged_on};
use crate::staff::name_key;

/// A date of something, and whether it had happened by the record's date.
#[derive(Debug, Clone, Copy, Serialize)]
pub(super) struct Dated {
    date: NaiveDate,
    done: bool,
}

/// A manager's review: agreed or returned, when, and their views.
#[derive(Debug, Clone, Serialize)]
pub(super) struct View {
    by: String,
    on: Option<NaiveDate>,
    agreed: bool,
    comments: Option<String>,
}

/// One recorded step, on its day in England.
#[derive(Debug, Clone, Serialize)]
pub(super) struct StepRow {
    step: Step,
    by: String,
    on: Option<NaiveDate>,
    comments: Option<String>,
    to: Option<String>,
    version: String,
}

/// What the gatekeeping record states on its date.
#[derive(Debug, Clone, Serialize)]
pub(super) struct Record {
    /// Submitted to managers: the recorded step, else the case's date.
    submitted: Option<Dated>,
    /// The submission is the recorded step.
    submitted_recorded: bool,
    /// Submitted after the due date.
    late: bool,
    /// The gatekeeping meeting: the latest recorded as a step, else as the
    /// case file gives it.
    meeting: Option<Dated>,
    /// The meeting is a recorded step.
    meeting_recorded: bool,
    /// Who was at the recorded meeting.
    met_with: Vec<String>,
    /// Who gatekept: the managers whose agreement is recorded, else those
    /// the case file names.
    gatekept_by: Vec<String>,
    /// The managers are from recorded agreements.
    recorded: bool,
    /// How many managers' agreements to this version are recorded.
    agreed_count: usize,
    /// The meeting has happened, or no date says it has not (the case
    /// file's fields then stand as typed).
    held: bool,
    /// Two managers, one from another team, have agreed by the date.
    double_met: bool,
    /// The managers' reviews recorded in casepress, in order.
    views: Vec<View>,
    /// Any step is recorded for the report.
    steps_recorded: bool,
    /// Who agreed the current version, and when: the sign-off.
    sign_off: Vec<View>,
    /// Every step recorded by the date.
    steps: Vec<StepRow>,
}

/// The record of `case`'s PSR on `day`, from its history as it stood then.
pub(super) fn record(case: &Case, psr: &DocState, day: NaiveDate, due: Option<NaiveDate>) -> Record {
    let gk = case.gatekeeping.as_ref();
    let dated = |d: NaiveDate| Dated { date: d, done: d <= day };
    let submitted_step =
        psr.steps.iter().rev().find(|s| s.step == Step::Submitted).and_then(|s| logged_on(&s.at));
    let submitted = submitted_step.map(dated).or_else(|| gk.and_then(|g| g.submitted_date).map(dated));
    let recorded_meeting = psr.meetings.last();
    let meeting =
        recorded_meeting.map(|m| dated(m.date)).or_else(|| gk.and_then(|g| g.meeting_date).map(dated));
    let held = meeting.is_none_or(|m| m.done);

    let agreed: Vec<&crate::history::Review> = psr.reviews.iter().filter(|r| r.agreed).collect();
    let recorded = !agreed.is_empty();
    let mut gatekept_by: Vec<String> = Vec::new();
    let mut keys: Vec<String> = Vec::new();
    let names: Vec<&str> = if recorded {
        agreed.iter().map(|r| r.by.as_str()).collect()
    } else {
        gk.map(|g| g.managers.iter().map(|m| m.name.as_str()).collect()).unwrap_or_default()
    };
    for name in names {
        if !keys.contains(&name_key(name)) {
            keys.push(name_key(name));
            gatekept_by.push(name.to_owned());
        }
    }
    // The lifecycle let the second agreement stand only from another team;
    // typed managers count only for a PSR with no recorded steps, once
    // their meeting was held.
    let double_met = if !psr.steps.is_empty() {
        recorded && gatekept_by.len() >= 2
    } else {
        held && crate::rules::double_gatekeeping_done(case)
    };

    let view = |r: &crate::history::Review| View {
        by: r.by.clone(),
        on: logged_on(&r.at),
        agreed: r.agreed,
        comments: r.comments.clone(),
    };
    let views = psr
        .steps
        .iter()
        .filter(|s| matches!(s.step, Step::Agreed | Step::Returned))
        .map(|s| View {
            by: s.by.clone(),
            on: logged_on(&s.at),
            agreed: s.step == Step::Agreed,
            comments: s.comments.clone(),
        })
        .collect();
    let steps = psr
        .steps
        .iter()
        .map(|s| StepRow {
            step: s.step,
            by: s.by.clone(),
            on: logged_on(&s.at),
            comments: s.comments.clone(),
            to: s.to.clone(),
            version: s.sha256.chars().take(12).collect(),
        })
        .collect();
    let agreed_count = if recorded { gatekept_by.len() } else { 0 };
    Record {
        agreed_count,
        late: submitted.is_some_and(|s| s.done && due.is_some_and(|d| s.date > d)),
        submitted,
        submitted_recorded: submitted_step.is_some(),
        meeting,
        meeting_recorded: recorded_meeting.is_some(),
        met_with: recorded_meeting.map(|m| m.attended.clone()).unwrap_or_default(),
        gatekept_by,
        recorded,
        held,
        double_met,
        views,
        steps_recorded: !psr.steps.is_empty(),
        sign_off: agreed.into_iter().map(view).collect(),
        steps,
    }
}

/// Whether the steps recorded for the PSR meet what a final record needs at
/// `path` (labelled `label`): the submission, the managers who agreed, and
/// their views are recorded, so the case file need not repeat them.
pub(super) fn met_by_steps(psr: &DocState, path: &str, label: &str) -> bool {
    let mut agreed: Vec<String> = psr.reviews.iter().filter(|r| r.agreed).map(|r| name_key(&r.by)).collect();
    agreed.dedup();
    match path {
        "gatekeeping.submitted_date" => psr.steps.iter().any(|s| s.step == Step::Submitted),
        "gatekeeping.views" => psr.steps.iter().any(|s| matches!(s.step, Step::Agreed | Step::Returned)),
        "gatekeeping.managers" if label.starts_with("second") => agreed.len() >= 2,
        "gatekeeping.managers" => !agreed.is_empty(),
        _ => false,
    }
}
