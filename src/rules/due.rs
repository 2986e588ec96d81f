//! Due dates and whether they were met, against a given day.

use chrono::NaiveDate;
use serde::Serialize;

use super::Rule;

/// Where a deadline stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DueStatus {
    /// Done on or before the due date.
    Met,
    /// Done, but after the due date.
    Late,
    /// Not done; the due date has not passed.
    Due,
    /// Not done, and the due date has passed.
    Overdue,
}

impl DueStatus {
    /// Status of a deadline `due`, done on `done` (if at all), seen on `today`.
    pub fn of(due: NaiveDate, done: Option<NaiveDate>, today: NaiveDate) -> Self {
        match done {
            Some(d) if d <= due => Self::Met,
            Some(_) => Self::Late,
            None if today > due => Self::Overdue,
            None => Self::Due,
        }
    }
}

/// One deadline of a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DueDate {
    /// What is due, e.g. "assessment within 15 working days of the order".
    pub what: &'static str,
    /// The rule the deadline comes from.
    pub rule: Rule,
    /// The due date.
    pub due: NaiveDate,
    /// When it was done, if recorded by the day the deadline is seen on.
    pub done: Option<NaiveDate>,
    /// A date recorded for it that is still to come on that day: planned,
    /// not done.
    pub planned: Option<NaiveDate>,
    /// Met, late, due or overdue.
    pub status: DueStatus,
}

impl DueDate {
    pub(super) fn new(
        what: &'static str,
        rule: Rule,
        due: NaiveDate,
        done: Option<NaiveDate>,
        today: NaiveDate,
    ) -> Self {
        // What is dated after `today` has not happened on `today`.
        let (done, planned) = match done {
            Some(d) if d > today => (None, Some(d)),
            done => (done, None),
        };
        Self { what, rule, due, done, planned, status: DueStatus::of(due, done, today) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn status_table() {
        let due = d("2026-11-20");
        for (done, today, want) in [
            (Some("2026-11-20"), "2026-11-30", DueStatus::Met),
            (Some("2026-11-21"), "2026-11-30", DueStatus::Late),
            (None, "2026-11-20", DueStatus::Due),
            (None, "2026-11-21", DueStatus::Overdue),
        ] {
            assert_eq!(DueStatus::of(due, done.map(d), d(today)), want, "{done:?} {today}");
        }
        let ahead = DueDate::new(
            "meeting",
            crate::rules::Rule::GATEKEEPING,
            due,
            Some(d("2026-11-19")),
            d("2026-11-18"),
        );
        assert_eq!((ahead.done, ahead.planned, ahead.status), (None, Some(d("2026-11-19")), DueStatus::Due));
    }
}
