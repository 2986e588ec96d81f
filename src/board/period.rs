//! One quarter's view of the cases, and the shape of a figure's
//! definition: what every family of board figures (the service's own, the
//! national indicators, the plan's) is computed over.

use chrono::NaiveDate;

use super::figure::Measure;
use super::quarter::Quarter;
use crate::case::{Case, DisposalType};
use crate::rules::{self, WorkingCalendar};
use crate::statements::ledger::FiledStatement;

/// What the figures are computed from.
pub struct BoardInput<'a> {
    /// Every case.
    pub cases: &'a [Case],
    /// Every statement filed.
    pub statements: &'a [FiledStatement],
    /// The working-day calendar.
    pub calendar: &'a WorkingCalendar,
    /// Target percentages by figure id.
    pub targets: &'a [(String, f64)],
    /// Which PSRs the two-working-days rule applies to.
    pub rules: &'a crate::rules::Settings,
    /// The service's practice standards, which definitions cite.
    pub policy: &'a str,
    /// The PSR steps casepress recorded, by case id: where they exist, the
    /// gatekeeping figures count from them rather than from the case data.
    pub records: &'a std::collections::BTreeMap<String, PsrRecord>,
    /// The management board's attendance, from the file `board.attendance`
    /// names (none: KPI 7 counts no meetings).
    pub attendance: &'a [Attendance],
}

/// A PSR's gatekeeping as casepress recorded it (the lifecycle's steps):
/// the board counts the same steps `check` reads.
pub type PsrRecord = crate::rules::RecordedGatekeeping;

impl Period<'_> {
    pub(super) fn record(&self, c: &Case) -> Option<&PsrRecord> {
        self.input.records.get(c.case_id.as_str())
    }

    /// Gatekept: a gatekeeping meeting with a manager held before the
    /// hearing. Recorded steps: a manager's agreement (the lifecycle lets
    /// only managers agree), on the meeting's day or, with no meeting
    /// recorded, the agreement's. Else the case data: a meeting date and a
    /// manager listed.
    pub(super) fn gatekept(&self, c: &Case) -> bool {
        let Some(hearing) = c.court.as_ref().and_then(|x| x.hearing_date) else { return false };
        let held = match self.record(c) {
            Some(r) => r.agreed.and(r.meeting.or(r.agreed)),
            None => c
                .gatekeeping
                .as_ref()
                .filter(|g| g.managers.iter().any(|m| rules::counts_as_manager(m.role.as_deref())))
                .and_then(|g| g.meeting_date),
        };
        held.is_some_and(|d| d < hearing)
    }

    /// When the PSR went to managers: recorded, else from the case data.
    pub(super) fn submitted(&self, c: &Case) -> Option<NaiveDate> {
        match self.record(c) {
            Some(r) => r.submitted,
            None => c.gatekeeping.as_ref().and_then(|g| g.submitted_date),
        }
    }

    /// Two managers, one from another team, agreed: recorded, else the case data.
    pub(super) fn double_gatekept(&self, c: &Case) -> bool {
        match self.record(c) {
            Some(r) => r.two_managers,
            None => rules::double_gatekeeping_done(c),
        }
    }
}

/// One quarter's view of the cases.
pub(super) struct Period<'a> {
    pub(super) q: Quarter,
    pub(super) input: &'a BoardInput<'a>,
}

impl Period<'_> {
    pub(super) fn during(&self, d: Option<NaiveDate>) -> bool {
        d.is_some_and(|d| self.q.contains(d))
    }

    /// Open at the quarter's end: started by then and not closed by then.
    pub(super) fn caseload(&self) -> impl Iterator<Item = &Case> {
        let end = self.q.end();
        self.input.cases.iter().filter(move |c| {
            c.order.as_ref().is_some_and(|o| o.start_date <= end && o.closed_date.is_none_or(|x| x > end))
        })
    }

    /// Open at any time in the quarter.
    pub(super) fn worked_with(&self) -> impl Iterator<Item = &Case> {
        let (start, end) = (self.q.start(), self.q.end());
        self.input.cases.iter().filter(move |c| {
            c.order.as_ref().is_some_and(|o| o.start_date <= end && o.closed_date.is_none_or(|x| x >= start))
        })
    }

    /// Started in the quarter.
    pub(super) fn started(&self) -> impl Iterator<Item = &Case> {
        self.input.cases.iter().filter(|c| self.during(c.order.as_ref().map(|o| o.start_date)))
    }

    /// Ended in the quarter.
    pub(super) fn ended(&self) -> impl Iterator<Item = &Case> {
        self.input.cases.iter().filter(|c| self.during(c.order.as_ref().and_then(|o| o.closed_date)))
    }

    /// PSRs for hearings in the quarter.
    pub(super) fn psrs(&self) -> impl Iterator<Item = &Case> {
        self.input
            .cases
            .iter()
            .filter(|c| c.psr.is_some() && self.during(c.court.as_ref().and_then(|x| x.hearing_date)))
    }

    pub(super) fn statements(&self) -> impl Iterator<Item = &FiledStatement> {
        let q = self.q;
        self.input.statements.iter().filter(move |s| q.contains(s.received.date_naive()))
    }
}

pub(super) fn count<T>(it: impl Iterator<Item = T>, pred: impl Fn(&T) -> bool) -> usize {
    it.filter(|x| pred(x)).count()
}

/// A figure computed the same way for both quarters.
pub(super) struct Spec {
    pub(super) id: String,
    pub(super) section: &'static str,
    pub(super) label: String,
    pub(super) definition: String,
    pub(super) measure: Box<dyn Fn(&Period) -> Measure>,
}

pub(super) fn spec(
    id: impl Into<String>,
    section: &'static str,
    label: impl Into<String>,
    definition: impl Into<String>,
    measure: impl Fn(&Period) -> Measure + 'static,
) -> Spec {
    Spec {
        id: id.into(),
        section,
        label: label.into(),
        definition: definition.into(),
        measure: Box::new(measure),
    }
}

pub(super) fn slug(kind: DisposalType) -> String {
    kind.key().to_owned()
}

pub(super) fn is_custody(k: DisposalType) -> bool {
    k.is_custodial()
}

pub(super) fn is_out_of_court(k: DisposalType) -> bool {
    k.is_out_of_court()
}

pub(super) fn kind(c: &Case) -> Option<DisposalType> {
    c.order.as_ref().map(|o| o.kind)
}

/// One board member's attendance at one management board meeting, a row
/// of the attendance file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attendance {
    /// The meeting's date.
    pub date: NaiveDate,
    /// The member expected, by role or agency (e.g. "Police").
    pub member: String,
    /// Whether they (or a deputy the board accepts) attended: `yes` or `no`.
    pub attended: bool,
}
