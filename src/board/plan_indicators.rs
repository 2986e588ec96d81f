//! The Youth Justice Plan's own indicators, which the board receives beside
//! the national KPIs (decision 0162): first-time entrants, reoffending (the
//! binary and the frequency rate, over a 12-month cohort) and looked-after
//! children's share of custodial sentences. First-time entrants and
//! reoffending come from each case's offending history; a case without one
//! is counted as "not recorded", never as a first entrant or a non-reoffender.

use chrono::{Months, NaiveDate};

use super::figure::Measure;
use super::period::{Period, Spec, count, is_custody, kind, spec};
use crate::case::{Case, DisposalType};

/// The report section of the plan's indicators.
pub const SECTION: &str = "Youth Justice Plan indicators";

pub use super::figure::is_rate;

/// How long after a cohort entry an offence counts as reoffending.
const FOLLOW_UP_MONTHS: u32 = 12;
/// How long after a cohort entry a reoffence may still be proved.
const PROVED_WITHIN_MONTHS: u32 = 18;

/// A formal entry to the youth justice system: a court sentence, a Youth
/// Caution or a Youth Conditional Caution (the "statutory cohort"). A
/// Community Resolution, prevention, bail and remand are not.
pub fn is_formal(k: DisposalType) -> bool {
    k.is_formal()
}

/// One proven outcome of a child's record, the current order included.
struct Outcome {
    kind: DisposalType,
    date: NaiveDate,
    offence_date: Option<NaiveDate>,
    offences: u32,
}

/// The child's record, the current order and the history together; `None`
/// when the history is not recorded.
fn record(c: &Case) -> Option<Vec<Outcome>> {
    let history = c.offending_history.as_ref()?;
    let mut all: Vec<Outcome> = history
        .iter()
        .map(|h| Outcome {
            kind: h.kind,
            date: h.outcome_date,
            offence_date: h.offence_date,
            offences: u32::from(h.offences),
        })
        .collect();
    if let Some(o) = &c.order {
        all.push(Outcome {
            kind: o.kind,
            date: o.start_date,
            offence_date: c.offences.iter().map(|x| x.date).min(),
            offences: c.offences.len().max(1) as u32,
        });
    }
    all.sort_by_key(|o| o.date);
    Some(all)
}

/// First-time entrant in the quarter: the current order is a formal entry
/// made in the quarter, and the history records no formal entry before it.
/// `None`: the current order is a formal entry in the quarter but the
/// history is not recorded.
fn first_time_entrant(p: &Period, c: &Case) -> Option<Option<bool>> {
    let o = c.order.as_ref().filter(|o| is_formal(o.kind) && p.q.contains(o.start_date))?;
    Some(
        c.offending_history
            .as_ref()
            .map(|h| !h.iter().any(|x| is_formal(x.kind) && x.outcome_date < o.start_date)),
    )
}

/// The 12-month cohort reported in quarter `p`: formal entries in the 12
/// months that ended 18 months before the quarter's end, so that every
/// entry has had its 12 months' follow-up and 6 more for proof.
fn cohort_window(p: &Period) -> (NaiveDate, NaiveDate) {
    let last = p.q.end().checked_sub_months(Months::new(PROVED_WITHIN_MONTHS)).expect("in range");
    let first = last.checked_sub_months(Months::new(12)).expect("in range").succ_opt().expect("in range");
    (first, last)
}

/// A case in the quarter's reoffending cohort: `Some(reoffences)` (0 or
/// more), or `None` when the history is not recorded and the current order
/// is a formal entry in the cohort window. Cases outside the cohort are
/// left out.
fn cohort(p: &Period, c: &Case) -> Option<Option<u32>> {
    let (first, last) = cohort_window(p);
    let within = |d: NaiveDate| first <= d && d <= last;
    let Some(all) = record(c) else {
        let enters = c.order.as_ref().is_some_and(|o| is_formal(o.kind) && within(o.start_date));
        return enters.then_some(None);
    };
    let index = all.iter().find(|o| is_formal(o.kind) && within(o.date))?.date;
    let follow_up = index.checked_add_months(Months::new(FOLLOW_UP_MONTHS)).expect("in range");
    let proved_by = index.checked_add_months(Months::new(PROVED_WITHIN_MONTHS)).expect("in range");
    let reoffences = all
        .iter()
        .filter(|o| o.date > index && o.date <= proved_by && is_formal(o.kind))
        .filter(|o| o.offence_date.is_some_and(|d| d > index && d <= follow_up))
        .map(|o| o.offences)
        .sum();
    Some(Some(reoffences))
}

/// The plan's indicators.
#[allow(clippy::too_many_lines, reason = "a table of like items: one entry per figure")]
pub(super) fn specs() -> Vec<Spec> {
    let cohort_rule = "The 12-month cohort is the children with a formal outcome (a court sentence, Youth Caution or Youth Conditional Caution; a Community Resolution is not one) in the twelve months ending 18 months before the quarter's end, from the current order and the offending history together; the first such outcome is the child's entry. A reoffence is an offence committed within 12 months after the entry and proved by a formal outcome within 18 months of it (Guide to Proven Reoffending Statistics). A custodial sentence is counted from the sentence date, not from release: release dates are not in the case format.";
    vec![
        spec(
            "plan.fte",
            SECTION,
            "First-time entrants",
            "Children whose current order, made in the quarter, is their first formal entry to the youth justice system (a court sentence, Youth Caution or Youth Conditional Caution), with no earlier one in their offending history. A count, not the national rate per 100,000 children aged 10 to 17: the population is not in the case data.",
            |p| Measure::count(count(p.started(), |c| first_time_entrant(p, c) == Some(Some(true)))),
        ),
        spec(
            "plan.fte.not_recorded",
            SECTION,
            "   first-time entry not known: history not recorded",
            "Children whose current order, made in the quarter, is a formal entry, but whose offending history is not recorded: they may or may not be first-time entrants.",
            |p| Measure::count(count(p.started(), |c| first_time_entrant(p, c) == Some(None))),
        ),
        spec(
            "plan.reoffending.binary",
            SECTION,
            "Reoffending: binary rate",
            format!("Children in the 12-month cohort who reoffended ÷ children in the cohort. {cohort_rule}"),
            |p| {
                let counts: Vec<u32> = p.input.cases.iter().filter_map(|c| cohort(p, c).flatten()).collect();
                Measure::ratio(counts.iter().filter(|n| **n > 0).count(), counts.len())
            },
        ),
        spec(
            "plan.reoffending.frequency",
            SECTION,
            "Reoffending: frequency rate (reoffences per child)",
            format!(
                "Reoffences by the children in the 12-month cohort ÷ children in the cohort: reoffences per child, shown as a number, not a percentage. {cohort_rule}"
            ),
            |p| {
                let counts: Vec<u32> = p.input.cases.iter().filter_map(|c| cohort(p, c).flatten()).collect();
                Measure::ratio(counts.iter().sum::<u32>() as usize, counts.len())
            },
        ),
        spec(
            "plan.reoffending.not_recorded",
            SECTION,
            "   cohort not known: history not recorded",
            "Children whose current order is a formal entry in the cohort's twelve months but whose offending history is not recorded: left out of both rates.",
            |p| Measure::count(count(p.input.cases.iter(), |c| cohort(p, c) == Some(None))),
        ),
        spec(
            "plan.lac_custody",
            SECTION,
            "Looked-after children's share of custodial sentences",
            "Custodial sentences (Detention and Training Orders and s.250) starting in the quarter for children recorded as looked after ÷ custodial sentences starting in the quarter. Looked-after status is as the case records it now, not as at sentence.",
            |p| {
                let custody: Vec<&Case> = p.started().filter(|c| kind(c).is_some_and(is_custody)).collect();
                Measure::ratio(
                    custody.iter().filter(|c| c.child.looked_after.is_some()).count(),
                    custody.len(),
                )
            },
        ),
    ]
}
