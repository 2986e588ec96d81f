//! The case list (with what waits for the signed-in person: a review, a
//! returned report, a final to make) and a case's page.

#![allow(clippy::result_large_err)]

use super::present::*;
use super::*;
use crate::documents::Step;

#[derive(Serialize)]
pub(super) struct CaseRow {
    case_id: String,
    child: String,
    case_manager: String,
    why: &'static str,
    hearing: Option<String>,
    next_due: Option<String>,
    #[serde(skip)]
    next_day: Option<NaiveDate>,
    overdue: usize,
    report: Option<String>,
}

/// A document waiting for the signed-in person, and what it waits for.
#[derive(Serialize)]
pub(super) struct WaitingRow {
    case_id: String,
    child: String,
    kind: &'static str,
    title: &'static str,
    what: &'static str,
    since: String,
    due: Option<String>,
}

pub async fn cases(State(ws): Ws, v: Visitor) -> Response {
    let flash = ws.sessions.take_flash(&v.token);
    blocking(ws.clone(), move |ws| {
        let today = ws.today();
        let caseload = ws.caseload();
        let (mut rows, mut waiting) = (Vec::new(), Vec::new());
        for loaded in &caseload.cases {
            let case = &loaded.case;
            let states = ws.states(case.case_id.as_str());
            let Some(why) = ws.may_see(&v.user, case, &states) else { continue };
            let facts = facts(ws, case, today);
            let report_done = |k: DocumentKind| {
                states
                    .iter()
                    .any(|s| s.kind == k && matches!(s.phase, Phase::Agreed | Phase::Final | Phase::Sent))
            };
            let gatekeeping = facts
                .gatekeeping_due
                .filter(|_| case.psr.is_some() && !report_done(DocumentKind::Psr))
                .map(|due| ("PSR to gatekeeping", due));
            let next = facts
                .due_dates
                .iter()
                .filter(|d| matches!(d.status, DueStatus::Due | DueStatus::Overdue))
                .map(|d| (d.what, d.due))
                .chain(gatekeeping)
                .min_by_key(|(_, due)| *due);
            // The court report the case has, or the court asked for.
            let report_kind = [DocumentKind::Psr, DocumentKind::ProgressReport]
                .into_iter()
                .find(|k| written(*k, case) || crate::rules::documents::startable(*k, case));
            rows.push(CaseRow {
                case_id: case.case_id.to_string(),
                child: child_name(case),
                case_manager: case.case_manager.name.clone(),
                why: match why {
                    Why::Allocated => "",
                    Why::Covering => "covering",
                    Why::Managing => "",
                    Why::Reviewing => "for review",
                    Why::Deciding => "to decide",
                },
                hearing: case.court.as_ref().and_then(|c| c.hearing_date).map(words),
                next_due: next.map(|(what, due)| format!("{what}: {}", words(due))),
                next_day: next.map(|(_, due)| due),
                overdue: facts.due_dates.iter().filter(|d| d.status == DueStatus::Overdue).count(),
                report: report_kind.map(|k| {
                    let state = states
                        .iter()
                        .find(|s| s.kind == k)
                        .cloned()
                        .unwrap_or_else(|| crate::history::fold(&[], k));
                    format!("{}: {}", k.title(), standing(k, &state, case).words)
                }),
            });
            let head = ws.press.config().rules.head_of_service.as_deref();
            for s in &states {
                if let Some(wait) = lifecycle::waiting_for(s, case, ws.press.staff(), &v.user, head) {
                    waiting.push(WaitingRow {
                        case_id: case.case_id.to_string(),
                        child: child_name(case),
                        kind: s.kind.name(),
                        title: s.kind.title(),
                        what: wait.words(),
                        since: since(s, wait),
                        due: facts.gatekeeping_due.filter(|_| s.kind == DocumentKind::Psr).map(words),
                    });
                }
            }
        }
        // Most pressing first: anything overdue, then by the next date due.
        rows.sort_by_key(|r| (r.overdue == 0, r.next_day.is_none(), r.next_day));
        let listed: Vec<&str> = rows.iter().map(|r| r.case_id.as_str()).collect();
        if ws
            .audit
            .record(&v.user, Event::Listed, None, &format!("cases listed: {}", listed.join(" ")))
            .is_err()
        {
            return audit_failed(ws);
        }
        let manager = ws.press.staff().is_manager(&v.user);
        let role_words = if manager {
            "Your team's cases, and documents submitted to you."
        } else {
            "The cases allocated to you, and those you cover."
        };
        page(
            ws,
            "cases.html",
            context! {
                user => v.user, csrf => v.csrf, cases => rows, waiting, role_words,
                today_words => words(today), unloaded => caseload.failures.len(),
                flash => flash.as_ref().map(|f| f.0.clone()), flash_kind => flash.map(|f| f.1),
            },
        )
    })
    .await
}

/// The step the wait follows, in words: "Submitted 23 November 2026 by …".
fn since(state: &DocState, wait: lifecycle::Waiting) -> String {
    let (word, step) = match wait {
        lifecycle::Waiting::Review => {
            ("Submitted", state.steps.iter().rev().find(|s| s.step == Step::Submitted))
        }
        lifecycle::Waiting::Returned => {
            ("Returned", state.steps.iter().rev().find(|s| s.step == Step::Returned))
        }
        lifecycle::Waiting::MakeFinal | lifecycle::Waiting::Decide => {
            ("Reviewed", state.steps.iter().rev().find(|s| matches!(s.step, Step::Agreed | Step::Returned)))
        }
    };
    let Some(step) = step else { return String::new() };
    let day = crate::history::logged_on(&step.at).map(words).unwrap_or_default();
    format!("{word} {day} by {}", step.by)
}

#[derive(Serialize)]
pub(super) struct DocRow {
    kind: &'static str,
    title: &'static str,
    phase: &'static str,
    phase_class: &'static str,
    next: String,
    /// The person may start it here (a "Start" button).
    start: bool,
}

pub async fn case(State(ws): Ws, v: Visitor, Path(case_id): Path<String>) -> Response {
    let flash = ws.sessions.take_flash(&v.token);
    blocking(ws.clone(), move |ws| {
        let (opened, why) = match open_for(ws, &v, &case_id, "read", "case summary") {
            Ok(o) => o,
            Err(r) => return r,
        };
        let case = &opened.loaded.case;
        let facts = facts(ws, case, ws.today());
        let closed = closed_on(ws, case);
        // What applies, and what the person could start (a PSR the court
        // asked for); a document with a recorded version stays listed.
        let startable = |k: DocumentKind| crate::rules::documents::startable(k, case);
        let documents: Vec<DocRow> = DocumentKind::ALL
            .into_iter()
            .filter(|k| {
                crate::rules::documents::applies(*k, case, &facts)
                    || startable(*k)
                    || state_of(&opened, *k).phase != Phase::None
            })
            .map(|k| {
                let state = state_of(&opened, k);
                let standing = standing(k, &state, case);
                DocRow {
                    kind: k.name(),
                    title: k.title(),
                    phase: standing.words,
                    phase_class: standing.class,
                    next: standing.next,
                    start: writes(why) && closed.is_none() && startable(k),
                }
            })
            .collect();
        page(
            ws,
            "case.html",
            context! {
                user => v.user, csrf => v.csrf, case => case_view(case, ws.today()), documents,
                closed => closed.map(words),
                dues => dues(&facts, false), problems => problems(&facts),
                flash => flash.as_ref().map(|f| f.0.clone()), flash_kind => flash.map(|f| f.1),
            },
        )
    })
    .await
}
