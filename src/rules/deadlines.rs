//! Every deadline of a case, each from its source.

use chrono::{Days, Months, NaiveDate};

use super::due::DueDate;
use super::{Rule, WorkingCalendar, gatekeeping, risk};
use crate::case::Case;

/// The day the post-order assessment was done: the order's own record of
/// it, else the case's assessment if dated on or after the order was made.
/// An assessment before the order is the pre-sentence one (Derbyshire
/// practice guidance §2.1: "within 15 working days of the Order being made").
/// `check` and the board both ask here.
pub fn post_order_assessment(case: &Case) -> Option<NaiveDate> {
    let order = case.order.as_ref()?;
    let after_order = case.assessment.as_ref().map(|a| a.date).filter(|d| *d >= order.start_date);
    order.assessed_date.filter(|d| *d >= order.start_date).or(after_order)
}

/// The case's deadlines, as of `today`.
pub fn deadlines(
    case: &Case,
    cal: &WorkingCalendar,
    today: NaiveDate,
    settings: &super::settings::Settings,
    recorded: &super::RecordedGatekeeping,
) -> Vec<DueDate> {
    let mut out = Vec::new();

    // Derbyshire practice guidance §2.1: "For Court orders, assessment documents should be
    // completed within 15 working days of the Order being made."
    // An assessment completed before the order was made is the
    // pre-sentence one: it does not meet this deadline.
    if let Some(order) = case.order.as_ref().filter(|o| o.kind.entry().post_order_assessment) {
        let done = post_order_assessment(case);
        let due = cal.add_working_days(order.start_date, 15);
        out.push(DueDate::new(
            "assessment within 15 working days of the order",
            Rule::ASSESSMENT,
            due,
            done,
            today,
        ));
    }

    // Derbyshire practice guidance §7.3: the PSR is gatekept before completion; one to be
    // double gatekept goes to managers two working days before the court
    // date (every PSR, where the service's settings say so).
    if let Some(due) = gatekeeping::gatekeeping_due(case, cal, settings) {
        // Recorded steps are the gatekeeping where there are any; the
        // typed fields are for PSRs gatekept outside casepress.
        let gk = case.gatekeeping.as_ref().filter(|_| !recorded.recorded);
        // The recorded meeting's own day; without one, the agreement stands
        // for it (the proposal is agreed at the meeting).
        let met = if recorded.recorded {
            recorded.meeting.or(recorded.agreed)
        } else {
            gk.and_then(|g| g.meeting_date)
        };
        let held = if settings.psr_meeting_working_day_before {
            "PSR gatekeeping meeting held (by the working day before the hearing: this service's standard)"
        } else {
            "PSR gatekeeping meeting held"
        };
        out.push(DueDate::new(held, Rule::GATEKEEPING, due.meeting, met, today));
        if let Some(to_managers) = due.to_managers {
            let sent = if recorded.recorded { recorded.submitted } else { gk.and_then(|g| g.submitted_date) };
            let what = if let Some(days) = super::gatekeeping::single_due_days(settings, case) {
                match days {
                    1 => {
                        "PSR to its manager 1 working day before court (one manager: this service's standard)"
                    }
                    2 => {
                        "PSR to its manager 2 working days before court (one manager: this service's standard)"
                    }
                    3 => {
                        "PSR to its manager 3 working days before court (one manager: this service's standard)"
                    }
                    4 => {
                        "PSR to its manager 4 working days before court (one manager: this service's standard)"
                    }
                    _ => {
                        "PSR to its manager by the service's day before court (one manager: this service's standard)"
                    }
                }
            } else if settings.psr_due_for_every_psr {
                "PSR to managers 2 working days before court (every PSR: this service's standard)"
            } else {
                "PSR to managers 2 working days before court (to be double gatekept)"
            };
            out.push(DueDate::new(what, Rule::GATEKEEPING, to_managers, sent, today));
        }
    }

    // Derbyshire practice guidance §4.4: plans "will be reviewed on a minimum six month basis";
    // the review is a new plan, so the current plan's next review is pending.
    if let Some(date) = case.intervention_plan.as_ref().and_then(|p| p.date) {
        let open = case.order.as_ref().is_none_or(|o| o.closed_date.is_none());
        if open && let Some(due) = date.checked_add_months(Months::new(6)) {
            out.push(DueDate::new(
                "intervention plan reviewed within 6 months",
                Rule::PLAN_REVIEW,
                due,
                None,
                today,
            ));
        }
    }

    // Wolverhampton YOT guidance §6(a): High/Very High LoR, ROSH, vulnerability or MAPPA ⇒ a
    // Risk and Vulnerability Management Meeting "on a monthly basis".
    if !risk::risk_meeting_triggers(case).is_empty() {
        let last = case.risk_meetings.iter().filter(|m| **m <= today).max().copied();
        // Every MAPPA case is managed through these meetings (§11(b)): with
        // no assessment or meeting yet, the month runs from the MAPPA
        // notification, else the order, so the date can go overdue.
        let started =
            case.mappa.as_ref().and_then(|m| m.notified_date).or(case.order.as_ref().map(|o| o.start_date));
        let base = last.or(case.assessment.as_ref().map(|a| a.date)).or(started);
        if let Some(due) = base.and_then(|b| b.checked_add_months(Months::new(1))) {
            let what = if last.is_some() {
                "next monthly Risk and Vulnerability Management Meeting"
            } else {
                "first Risk and Vulnerability Management Meeting (within a month)"
            };
            out.push(DueDate::new(what, Rule::RISK_MEETINGS, due, None, today));
        }
    }

    // Salford Next Steps protocol: joint Next Steps cases meet "within 15 working days"; a
    // young person in custody is visited "within one week of them being
    // sentenced and detained", then "at intervals of not more than six weeks".
    if let Some(ns) = &case.next_steps {
        let due = cal.add_working_days(ns.allocated_date, 15);
        out.push(DueDate::new(
            "Next Steps joint meeting within 15 working days",
            Rule::NEXT_STEPS,
            due,
            ns.joint_meeting_date,
            today,
        ));
        if let Some(detained) = ns.detained_date {
            let mut visits: Vec<NaiveDate> =
                ns.custody_visits.iter().copied().filter(|v| *v >= detained && *v <= today).collect();
            visits.sort();
            let first_due = detained + Days::new(7);
            out.push(DueDate::new(
                "Next Steps custody visit within one week",
                Rule::NEXT_STEPS,
                first_due,
                visits.first().copied(),
                today,
            ));
            let released = ns.released_date.is_some();
            let within_year = detained.checked_add_months(Months::new(12)).is_some_and(|end| today <= end);
            if let Some(last) = visits.last().filter(|_| !released && within_year) {
                let due = *last + Days::new(42);
                out.push(DueDate::new(
                    "next Next Steps custody visit (at most 6 weeks apart)",
                    Rule::NEXT_STEPS,
                    due,
                    None,
                    today,
                ));
            }
        }
    }
    out
}
