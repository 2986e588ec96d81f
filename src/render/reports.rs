//! What the risk summary and the progress report state beyond the case's
//! own words, derived here so that no template works it out: the risk of
//! serious harm group by group ("Not assessed" where no level is
//! recorded), the next risk meeting (booked, or when the rules say it is
//! due), the narratives' sources, and the progress report's power, views
//! and attendance at court.

use chrono::NaiveDate;
use serde::Serialize;

use super::request::RenderRequest;
use crate::case::{Case, RiskGroup, RiskLevel};
use crate::rules::{Rule, panel_view_needed, victim_view_needed};

/// "Not assessed": a level no one has recorded, never "not met" or "none".
const NOT_ASSESSED: &str = "Not assessed";

/// One row of the risk of serious harm table.
#[derive(Debug, Clone, Serialize)]
pub(super) struct HarmRow {
    group: &'static str,
    who: Option<String>,
    community: String,
    custody: String,
}

/// The risk summary's derived lines.
#[derive(Debug, Clone, Default, Serialize)]
pub(super) struct RiskPaper {
    /// Every group, assessed or not; empty when no analysis is recorded.
    harm: Vec<HarmRow>,
    /// The next Risk and Vulnerability Management Meeting, in words.
    next_meeting: Option<String>,
    /// The reoffending narrative, and where it came from.
    reoffending: Option<String>,
    reoffending_source: Option<&'static str>,
    /// Whether either management plan records its actions (the summary
    /// then gives those, not the child's plan's keep-safe list).
    plan_actions: bool,
}

fn level(l: Option<RiskLevel>) -> String {
    l.map_or(NOT_ASSESSED, RiskLevel::label).to_owned()
}

fn long(d: NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
}

/// The risk summary's lines for `req`.
pub(super) fn risk(req: &RenderRequest<'_>) -> RiskPaper {
    let case = req.case;
    let harm = case.serious_harm.as_ref().map_or_else(Vec::new, |h| {
        RiskGroup::ALL
            .into_iter()
            .map(|g| {
                let row = h.group(g);
                HarmRow {
                    group: g.label(),
                    who: row.and_then(|r| r.who.clone()),
                    community: level(row.and_then(|r| r.community)),
                    custody: level(row.and_then(|r| r.custody)),
                }
            })
            .collect()
    });
    let (reoffending, reoffending_source) = reoffending(case);
    let plan_actions = [&case.risk_management_plan, &case.vulnerability_management_plan]
        .into_iter()
        .any(|p| p.as_ref().is_some_and(|p| !p.actions.is_empty()));
    RiskPaper { harm, next_meeting: next_meeting(req), reoffending, reoffending_source, plan_actions }
}

/// The assessment's own summary, else the PSR's words (said as such).
fn reoffending(case: &Case) -> (Option<String>, Option<&'static str>) {
    let own = case.reoffending.as_ref().and_then(|r| r.summary.clone());
    if own.is_some() {
        return (own, None);
    }
    let psr = case.psr.as_ref().and_then(|p| p.risk_assessment.as_ref()).and_then(|r| r.reoffending.clone());
    let source = psr.as_ref().map(|_| "From the pre-sentence report.");
    (psr.filter(|t| !t.trim().is_empty()), source)
}

/// Booked after the paper's date, or when the monthly rule says it is due.
fn next_meeting(req: &RenderRequest<'_>) -> Option<String> {
    let booked = req.case.next_risk_meeting.filter(|d| *d > req.date);
    let due = req.facts.due_dates.iter().find(|d| d.rule == Rule::RISK_MEETINGS).map(|d| d.due);
    match (booked, due) {
        (Some(b), _) => Some(format!("Booked for {}", long(b))),
        (None, Some(d)) if d < req.date => Some(format!("Not booked; it was due by {}", long(d))),
        (None, Some(d)) => Some(format!("Not yet booked; due by {}", long(d))),
        (None, None) => None,
    }
}

/// The progress report's derived lines.
#[derive(Debug, Clone, Default, Serialize)]
pub(super) struct ProgressPaper {
    /// The power asked of the court, in words.
    power: Option<&'static str>,
    /// Whether the panel's view belongs in the report: the order is a
    /// referral order, which a youth offender panel runs.
    panel: bool,
    /// Whether any offence has a victim, so the victim's view is asked for.
    victims: bool,
    /// Whether the author attends court, in words.
    attends: Option<&'static str>,
    /// When the report is due to its gatekeeping managers, if a rule says.
    due: Option<NaiveDate>,
}

/// The progress report's lines for `req`.
pub(super) fn progress(req: &RenderRequest<'_>) -> ProgressPaper {
    let case = req.case;
    let Some(report) = &case.progress_report else { return ProgressPaper::default() };
    ProgressPaper {
        power: report.power.map(|p| p.label()),
        panel: panel_view_needed(case),
        victims: victim_view_needed(case),
        attends: report.at_court.map(|a| a.label()),
        due: req.facts.progress_report_due,
    }
}
