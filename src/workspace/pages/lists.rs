//! The case list (with what waits for the person's review) and a case's page.

#![allow(clippy::result_large_err)]

use super::present::*;
use super::*;

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

#[derive(Serialize)]
pub(super) struct ReviewRow {
    case_id: String,
    child: String,
    kind: &'static str,
    title: &'static str,
    submitted: String,
    due: Option<String>,
}

pub async fn cases(State(ws): Ws, v: Visitor) -> Response {
    let flash = ws.sessions.take_flash(&v.token);
    blocking(ws.clone(), move |ws| {
        let today = ws.today();
        let caseload = ws.caseload();
        let (mut rows, mut reviews) = (Vec::new(), Vec::new());
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
            for s in &states {
                if waiting_for(ws, &v.user, s, case) {
                    reviews.push(ReviewRow {
                        case_id: case.case_id.to_string(),
                        child: child_name(case),
                        kind: s.kind.name(),
                        title: s.kind.title(),
                        submitted: s
                            .submitted
                            .as_ref()
                            .map(|(by, at)| format!("{} by {by}", &at[..10.min(at.len())]))
                            .unwrap_or_default(),
                        due: facts.gatekeeping_due.map(words),
                    });
                }
            }
        }
        // Most pressing first: anything overdue, then by the next date due.
        rows.sort_by_key(|r| (r.overdue == 0, r.next_day.is_none(), r.next_day));
        let listed: Vec<&str> = rows.iter().map(|r| r.case_id.as_str()).collect();
        if ws.audit.record(&v.user, "list", None, &format!("cases listed: {}", listed.join(" "))).is_err() {
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
                user => v.user, csrf => v.csrf, cases => rows, reviews, role_words,
                today_words => words(today), unloaded => caseload.failures.len(),
                flash => flash.as_ref().map(|f| f.0.clone()), flash_kind => flash.map(|f| f.1),
            },
        )
    })
    .await
}

/// Whether a document waits for `who`'s review.
pub(super) fn waiting_for(ws: &Workspace, who: &str, state: &DocState, case: &Case) -> bool {
    state.kind.reviewed()
        && matches!(state.phase, Phase::Submitted | Phase::Agreed)
        && !state.reviews.iter().any(|r| same_name(&r.by, who))
        && lifecycle::may_review(
            state,
            case,
            ws.press.staff(),
            who,
            ws.press.config().rules.head_of_service.as_deref(),
        )
        .is_ok()
        && (state.submitted_to.is_empty() || state.submitted_to.iter().any(|n| same_name(n, who)))
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
                    start: writes(why) && startable(k),
                }
            })
            .collect();
        page(
            ws,
            "case.html",
            context! {
                user => v.user, csrf => v.csrf, case => case_view(case, ws.today()), documents,
                dues => dues(&facts, false), problems => problems(&facts),
                flash => flash.as_ref().map(|f| f.0.clone()), flash_kind => flash.map(|f| f.1),
            },
        )
    })
    .await
}
