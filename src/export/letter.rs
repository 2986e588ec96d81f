//! What a cover letter states about the case, from the case file and the
//! case log, never from a template: for a transfer the reason, the order
//! and its end, the next hearing, the current risk and safety flags and the
//! allocated worker; for a Y2A the 18th birthday and the order's end. The
//! child is never named (record 0033): the documents name them.

use chrono::NaiveDate;
use serde::Serialize;

use crate::case::Case;
use crate::documents::{DocumentKind, Phase};
use crate::history;
use crate::store::LogEntry;

/// The letter's facts about the case (`notice.case` in `cover-letter.typ.j2`).
#[derive(Debug, Clone, Default, Serialize)]
pub(super) struct CaseFacts {
    /// Whether the case file was read at all: without it the letter says so.
    pub read: bool,
    pub reason: Option<String>,
    pub transfer_date: Option<String>,
    /// "Youth Rehabilitation Order, 12 months, made 8 June 2026; ends 7 June 2027".
    pub order: Option<String>,
    /// "Northfield Youth Court, 8 December 2026", only when after the letter's date.
    pub next_hearing: Option<String>,
    pub next_appointment: Option<String>,
    /// "Risk of serious harm: Medium", …, and MAPPA and PPRC where recorded.
    pub risk: Vec<String>,
    /// What the receiving service must know now: the case's own flags,
    /// Safety Link statements and court reports not yet final.
    pub flags: Vec<String>,
    /// The allocated worker: name, role, phone and email.
    pub worker: String,
    /// "turns 18 on 10 December 2026" (or "turned 18 on …").
    pub eighteenth: Option<String>,
    /// The 18th birthday alone: "10 December 2026".
    pub eighteenth_date: Option<String>,
}

fn long(d: NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
}

/// The letter's facts for `case` (if its file was read) on `date`.
pub(super) fn facts(case: Option<&Case>, log: &[LogEntry], date: NaiveDate) -> CaseFacts {
    let Some(case) = case else { return CaseFacts::default() };
    let transfer = case.transfer.as_ref();
    let cm = &case.case_manager;
    let worker = [Some(cm.name.clone()), cm.role.clone(), cm.phone.clone(), cm.email.clone()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ");
    let eighteenth = case.child.date_of_birth.checked_add_months(chrono::Months::new(18 * 12));
    CaseFacts {
        read: true,
        reason: transfer.and_then(|t| t.reason.clone()),
        transfer_date: transfer.and_then(|t| t.date).map(long),
        order: case.order.as_ref().map(|o| {
            let mut text = o.kind.label().to_owned();
            if let Some(m) = o.length_months {
                text.push_str(&format!(", {m} months"));
            }
            text.push_str(&format!(", made {}", long(o.start_date)));
            match (o.closed_date, o.end_date) {
                (Some(c), _) => text.push_str(&format!("; closed {}", long(c))),
                (None, Some(e)) => text.push_str(&format!("; ends {}", long(e))),
                (None, None) => text.push_str("; no end date recorded"),
            }
            text
        }),
        next_hearing: case
            .court
            .as_ref()
            .and_then(|c| c.hearing_date.filter(|h| *h >= date).map(|h| format!("{}, {}", c.name, long(h)))),
        next_appointment: transfer.and_then(|t| t.next_appointment.clone()),
        risk: risk(case),
        flags: flags(case, log, date),
        worker,
        eighteenth: eighteenth.map(|b| {
            let verb = if b <= date { "turned" } else { "turns" };
            format!("{verb} 18 on {}", long(b))
        }),
        eighteenth_date: eighteenth.map(long),
    }
}

/// The assessment's levels, MAPPA and PPRC, as recorded.
fn risk(case: &Case) -> Vec<String> {
    let mut lines = Vec::new();
    match &case.assessment {
        Some(a) => lines.push(format!(
            "Risk of serious harm {}; likelihood of reoffending {}; safety and wellbeing {} ({}, {})",
            a.serious_harm.label(),
            a.reoffending.label(),
            a.safety_wellbeing.label(),
            a.tool,
            long(a.date)
        )),
        None => lines.push("No assessment recorded".to_owned()),
    }
    if let Some(m) = &case.mappa
        && let Some(c) = m.category
    {
        let level = m.level.map(|l| format!(", managed at level {}", u8::from(l))).unwrap_or_default();
        lines.push(format!("MAPPA category {}{level}", u8::from(c)));
    }
    if let Some(p) = &case.pprc
        && p.criteria_met
    {
        lines.push(match p.risk_identified {
            Some(true) => "Person Posing a Risk to Children: risk to children identified".to_owned(),
            Some(false) => {
                "Person Posing a Risk to Children: criteria met, no risk to children identified".to_owned()
            }
            None => "Person Posing a Risk to Children: criteria met, risk not yet discussed".to_owned(),
        });
    }
    lines
}

/// The case's own flags, then each Safety Link statement in the case log,
/// then each court report not yet final for a hearing still ahead.
fn flags(case: &Case, log: &[LogEntry], date: NaiveDate) -> Vec<String> {
    let mut flags: Vec<String> = case.transfer.iter().flat_map(|t| t.flags.clone()).collect();
    for entry in log {
        if let LogEntry::Statement { safety_link: true, sent, statement_id, .. } = entry {
            let day = sent.get(..10).and_then(|d| d.parse::<NaiveDate>().ok()).map(long);
            flags.push(format!(
                "Safety Link: Mind Of My Own statement {statement_id}{}, escalated to managers when it was filed",
                day.map(|d| format!(" sent {d}")).unwrap_or_default()
            ));
        }
    }
    let reports: [(DocumentKind, Option<bool>); 2] = [
        (DocumentKind::Psr, case.psr.as_ref().map(|p| p.custody_strong_possibility)),
        (DocumentKind::ProgressReport, case.progress_report.as_ref().map(|p| p.custody_strong_possibility)),
    ];
    // A report for a hearing that has passed is history, not pending.
    let hearing_ahead = case.court.as_ref().and_then(|c| c.hearing_date).is_none_or(|h| h >= date);
    for (kind, custody) in reports {
        let Some(custody) = custody.filter(|_| hearing_ahead) else { continue };
        let state = history::fold(log, kind);
        let where_it_is = match state.phase {
            Phase::Final | Phase::Sent => continue,
            Phase::None | Phase::Draft => "a draft, not yet submitted for gatekeeping".to_owned(),
            Phase::Submitted => "submitted for gatekeeping, not yet agreed".to_owned(),
            Phase::Returned => "returned to its author with comments".to_owned(),
            Phase::Agreed => format!("agreed by {}, not yet final", state.agreed_by().join(" and ")),
        };
        let double = if custody {
            "; custody is a strong possibility, so two managers, one from another team, must agree it"
        } else {
            ""
        };
        flags.push(format!("{} gatekeeping pending: {where_it_is}{double}", kind.title()));
    }
    flags
}

/// "A", "A and B", "A, B and C".
pub(super) fn in_words(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn lists_read_as_words() {
        let w = |v: &[&str]| super::in_words(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(w(&[]), "");
        assert_eq!(w(&["A"]), "A");
        assert_eq!(w(&["A", "B", "C"]), "A, B and C");
    }
}
