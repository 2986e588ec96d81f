//! Gatekeeping of court reports, each rule once (Derbyshire practice
//! guidance §7.3, and §7.5 for progress reports): when two managers must
//! agree, what "two managers, one from another team" means, and every
//! gatekeeping due date. `check`, the board, the lifecycle and the
//! workspace all ask here.

use chrono::NaiveDate;
use serde::Serialize;

use super::calendar::WorkingCalendar;
use super::settings::Settings;
use crate::case::Case;
use crate::documents::DocumentKind;
use crate::staff::{Role, name_key};

/// Derbyshire practice guidance §7.3: "Any case where custody is considered a strong possibility
/// should ... be gate kept by two managers, one being from another team."
pub fn double_gatekeeping_required(case: &Case) -> bool {
    case.psr.as_ref().is_some_and(|p| p.custody_strong_possibility)
}

/// Whether two managers, one from another team, must agree a document of
/// `kind`: a progress report is gatekept "with the same rigour as PSRs"
/// (Derbyshire practice guidance §7.5); other kinds never need two.
pub fn two_managers_required(kind: DocumentKind, case: &Case) -> bool {
    match kind {
        DocumentKind::Psr => double_gatekeeping_required(case),
        DocumentKind::ProgressReport => {
            case.progress_report.as_ref().is_some_and(|p| p.custody_strong_possibility)
        }
        _ => false,
    }
}

/// Whether a manager of `team` is "from another team" than the case's.
/// A manager with no team recorded is not.
pub fn from_another_team(case_team: &str, team: Option<&str>) -> bool {
    team.is_some_and(|t| !t.trim().eq_ignore_ascii_case(case_team.trim()))
}

/// "Two managers, one being from another team" (Derbyshire practice
/// guidance §7.3), over the managers who agreed, each with their team: at
/// least two different people (a name listed twice is one person), and at
/// least one of them from a team other than the case's. The one meaning:
/// the lifecycle, `check`, the board and the case data all use it.
pub fn two_managers_agree<'a>(
    case_team: &str,
    agreed: impl IntoIterator<Item = (&'a str, Option<&'a str>)>,
) -> bool {
    let mut people: Vec<(String, Option<&str>)> = Vec::new();
    for (name, team) in agreed {
        let key = name_key(name);
        match people.iter_mut().find(|(k, _)| *k == key) {
            // The same person twice: another team counts if either says so.
            Some((_, t)) if t.is_none() => *t = team,
            Some(_) => {}
            None if !key.is_empty() => people.push((key, team)),
            None => {}
        }
    }
    people.len() >= 2 && people.iter().any(|(_, team)| from_another_team(case_team, *team))
}

/// Whether someone listed as a gatekeeping manager in the case data, with
/// this job title, counts as one: a title that is not a manager's (a case
/// manager, however senior) does not; with no title recorded, the case
/// data's word that they gatekept stands.
pub fn counts_as_manager(title: Option<&str>) -> bool {
    title.is_none_or(|t| Role::from_title(Some(t)).is_manager())
}

/// Whether the managers recorded in the case data meet double gatekeeping:
/// distinct people, each a manager by title ([`counts_as_manager`]).
pub fn double_gatekeeping_done(case: &Case) -> bool {
    let managers = case.gatekeeping.as_ref().map(|g| g.managers.as_slice()).unwrap_or_default();
    let managers = managers.iter().filter(|m| counts_as_manager(m.role.as_deref()));
    // A name listed twice under two teams is still one manager: take the
    // team the first listing gives.
    let mut seen: Vec<String> = Vec::new();
    let distinct = managers.filter(|m| {
        let key = name_key(&m.name);
        let new = !seen.contains(&key);
        seen.push(key);
        new
    });
    two_managers_agree(&case.team, distinct.map(|m| (m.name.as_str(), m.team.as_deref())))
}

/// When a PSR's gatekeeping is due, for a hearing on `hearing`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct GatekeepingDue {
    /// The gatekeeping meeting held and the proposal agreed: before the
    /// PSR is complete, so before the hearing (by the working day before
    /// it, where the service sets that standard), or by the day the PSR
    /// goes to managers where that rule applies.
    pub meeting: NaiveDate,
    /// The PSR to managers two working days before court, where the rule
    /// applies (PSRs to be double gatekept, or every PSR by the service's
    /// own standard).
    pub to_managers: Option<NaiveDate>,
}

/// Derbyshire practice guidance §7.3: "PSRs must be completed and submitted to managers two
/// working days prior to the court date where they are to be double gate kept."
pub fn to_managers_due(calendar: &WorkingCalendar, hearing: NaiveDate) -> NaiveDate {
    calendar.sub_working_days(hearing, 2)
}

/// Whether the two-working-days rule applies to this case's PSR: one to
/// be double gatekept, or every PSR where the service's settings say so.
pub fn psr_due_applies(settings: &Settings, case: &Case) -> bool {
    case.psr.is_some() && (settings.psr_due_for_every_psr || double_gatekeeping_required(case))
}

/// The service's own day for a PSR gatekept by one manager, where it sets
/// one and the two-working-days rule does not already apply.
pub fn single_due_days(settings: &Settings, case: &Case) -> Option<u8> {
    settings
        .single_gatekeeping_working_days
        .filter(|_| case.psr.is_some() && !psr_due_applies(settings, case))
}

/// When a PSR is due to its managers, in words a paper prints after the
/// date: "two working days before the hearing on 8 December 2026", or the
/// service's own day for one manager; none without a day or a hearing.
pub fn due_words(settings: &Settings, case: &Case) -> Option<String> {
    let hearing = case.court.as_ref().and_then(|c| c.hearing_date)?.format("%-d %B %Y");
    if let Some(days) = single_due_days(settings, case) {
        let days = match days {
            1 => "one working day".to_owned(),
            2 => "two working days".to_owned(),
            3 => "three working days".to_owned(),
            4 => "four working days".to_owned(),
            5 => "five working days".to_owned(),
            n => format!("{n} working days"),
        };
        return Some(format!(
            "{days} before the hearing on {hearing} (this service's standard for a report gatekept by one manager)"
        ));
    }
    psr_due_applies(settings, case).then(|| format!("two working days before the hearing on {hearing}"))
}

/// Every gatekeeping due date of a case's PSR (`None`: no PSR or no hearing).
pub fn gatekeeping_due(
    case: &Case,
    calendar: &WorkingCalendar,
    settings: &Settings,
) -> Option<GatekeepingDue> {
    case.psr.as_ref()?;
    let hearing = case.court.as_ref().and_then(|c| c.hearing_date)?;
    let to_managers = match single_due_days(settings, case) {
        Some(days) => Some(calendar.sub_working_days(hearing, u32::from(days))),
        None => psr_due_applies(settings, case).then(|| to_managers_due(calendar, hearing)),
    };
    // "Prior to the PSR being completed": before the hearing, or by the
    // working day before it where the service sets that standard.
    let before_hearing = if settings.psr_meeting_working_day_before {
        calendar.sub_working_days(hearing, 1)
    } else {
        hearing.pred_opt().unwrap_or(hearing)
    };
    let meeting = to_managers.unwrap_or(before_hearing);
    Some(GatekeepingDue { meeting, to_managers })
}

/// When a progress report is due to its gatekeeping managers: gatekept
/// "with the same rigour as PSRs" (Derbyshire practice guidance §7.5), so
/// the PSR's rule applies: two working days before court for a report to
/// be double gatekept, or for every report where the service sets that
/// standard for every PSR. `None`: no report, no hearing, or no rule.
pub fn progress_report_due(
    case: &Case,
    calendar: &WorkingCalendar,
    settings: &Settings,
) -> Option<NaiveDate> {
    case.progress_report.as_ref()?;
    let hearing = case.court.as_ref().and_then(|c| c.hearing_date)?;
    let applies = settings.psr_due_for_every_psr || two_managers_required(DocumentKind::ProgressReport, case);
    applies.then(|| to_managers_due(calendar, hearing))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_managers_one_from_another_team() {
        let north = "North";
        assert!(two_managers_agree(north, [("Ruth Okafor", Some("South")), ("Dana Reeve", Some("South"))]));
        assert!(two_managers_agree(north, [("Ruth Okafor", Some("North")), ("Dana Reeve", Some("South"))]));
        assert!(!two_managers_agree(north, [("Ruth Okafor", Some("North")), ("Sam Hale", Some("north "))]));
        assert!(!two_managers_agree(north, [("Ruth Okafor", Some("South"))]), "one manager");
        assert!(
            !two_managers_agree(north, [("Ruth Okafor", Some("South")), ("ruth  okafor ", Some("South"))]),
            "one manager named twice"
        );
        assert!(
            !two_managers_agree(north, [("Ruth Okafor", None), ("Dana Reeve", None)]),
            "no team recorded"
        );
    }
}
