//! The statements desk: for admin staff and managers, what needs someone
//! now (Safety Link escalations, statements past their target, unidentified
//! statements with the duty officer's steps and the duty manager's attach,
//! unreadable and infected files, the inbox), the watcher's health and
//! whether the virus scanner can be reached.

#![allow(clippy::result_large_err)]

use super::present::*;
use super::*;
use crate::statements::{outbox, requests, status, watch};
use crate::workspace::access::{DeskRole, desk_role};

pub async fn desk(State(ws): Ws, v: Visitor) -> Response {
    let flash = ws.sessions.take_flash(&v.token);
    blocking(ws.clone(), move |ws| {
        let Some(role) = desk_role(ws.press.staff(), &v.user) else {
            let _ = ws.audit.outcome(Outcome::Refused, &v.user, "read", None, "statements desk");
            return refusal(ws, StatusCode::FORBIDDEN, "For admin staff and managers", "The statements desk is for admin staff and managers.");
        };
        if ws.audit.outcome(Outcome::Done, &v.user, "read", None, "statements desk").is_err() {
            return audit_failed(ws);
        }
        let config = ws.press.config();
        let layout = ws.press.layout();
        let now = ws.now();
        let report = match status::status(ws.press.service(), config.statements.inbox.as_deref(), now) {
            Ok(r) => r,
            Err(e) => {
                tracing::error!("statements status: {e}");
                return refusal(ws, StatusCode::INTERNAL_SERVER_ERROR, "Not available", "The statement records could not be read; tell your administrator.");
            }
        };
        let watcher = config.statements.watch.as_ref().map(|w| watch::health(layout, w.stale_after(), now));
        let unsent: Vec<_> = match &config.smtp {
            Some(_) => outbox::Outbox::new(layout, ws.press.modes())
                .unsent(ws.press.service())
                .unwrap_or_default()
                .into_iter()
                .filter(|u| u.attempts > 0)
                .map(|u| context! { subject => u.notice.subject(), to => u.notice.to_name(), attempts => u.attempts, error => u.error })
                .collect(),
            None => Vec::new(),
        };
        // Places relative to the output folder: what the people who use it call them.
        let relative = |items: &[status::StatusItem]| -> Vec<status::StatusItem> {
            items
                .iter()
                .cloned()
                .map(|mut i| {
                    i.path = layout.relative(std::path::Path::new(&i.path)).display().to_string();
                    i
                })
                .collect()
        };
        let mut late = relative(&report.sla_breaches);
        late.extend(relative(&report.waiting).into_iter().filter(|i| i.overdue));
        page(ws, "desk.html", context! {
            user => v.user, csrf => v.csrf, now_words => words(ws.today()),
            watcher, unsent, safety_link => relative(&report.safety_link), late,
            unidentified => relative(&report.unidentified), unreadable => relative(&report.unreadable),
            infected => relative(&report.infected),
            // Whether, not why: the reason names a server path.
            scanner_down => report.scanner.as_ref().is_some_and(|s| s.down.is_some()),
            scanner_off => report.scanner.is_none(),
            waiting => relative(&report.waiting),
            may_attach => role == DeskRole::Manager,
            queued => requests::queued(layout),
            // A refusal may name the folder it looked in (a server path).
            outcomes => requests::outcomes(layout)
                .into_iter()
                .take(10)
                .map(|mut o| {
                    o.refused = o.refused.map(|r| for_browser(&r));
                    o
                })
                .collect::<Vec<_>>(),
            flash => flash.as_ref().map(|f| f.0.clone()), flash_kind => flash.map(|f| f.1),
        })
    })
    .await
}

/// A duty manager attaches an unidentified statement to a case: at once
/// when no watcher is filing, else queued for the watcher's next look.
pub async fn desk_attach(State(ws): Ws, v: Visitor, Form(form): Posted) -> Response {
    if !v.csrf_ok(&form) {
        return csrf_refused(&ws, &v);
    }
    blocking(ws.clone(), move |ws| {
        if desk_role(ws.press.staff(), &v.user) != Some(DeskRole::Manager) {
            let _ = ws.audit.outcome(Outcome::Refused, &v.user, "attach", None, "not a manager");
            return refusal(
                ws,
                StatusCode::FORBIDDEN,
                "For managers",
                "Only a manager attaches a statement to a case.",
            );
        }
        let field = |k: &str| posted(&form, k).to_owned();
        let request = requests::AttachRequest {
            statement: field("statement"),
            case_id: field("case_id"),
            by: v.user.clone(),
            reason: field("reason"),
        };
        let back = |message: String, kind: &str| {
            ws.sessions.set_flash(&v.token, &message, kind);
            Redirect::to("/desk").into_response()
        };
        // The line names the statement and the case only once they are
        // known to be real (what was typed may be anything, a name among
        // them), and never the reason typed.
        let record = |outcome: Outcome, case: Option<&str>, detail: &str| {
            ws.audit.outcome(outcome, &v.user, "attach", case, detail).map_err(|e| {
                tracing::error!("an audit line could not be written: {e}");
                audit_failed(ws)
            })
        };
        if crate::case::CaseId::try_from(request.case_id.clone()).is_err() || request.reason.is_empty() {
            let _ = record(Outcome::Invalid, None, "no case id or no reason");
            return back("Not attached: give the case id and why it is this child's.".into(), "error");
        }
        match crate::statements::FilingLock::take(&ws.press) {
            Ok(mut lock) => {
                let caseload = ws.caseload();
                match requests::carry_out(&ws.press, &caseload, &request, &mut lock) {
                    Ok(o) => match o.refused {
                        None => {
                            let detail = format!("statement {}: filed", request.statement);
                            if let Err(page) = record(Outcome::Done, Some(&request.case_id), &detail) {
                                return page;
                            }
                            back(
                                format!(
                                    "Statement {} attached to case {} and filed.",
                                    request.statement, request.case_id
                                ),
                                "ok",
                            )
                        }
                        Some(why) => {
                            let _ = record(Outcome::Refused, None, "refused by the filer");
                            back(for_browser(&format!("Not attached: {why}")), "error")
                        }
                    },
                    Err(e) => {
                        tracing::error!("an attach failed: {e}");
                        let _ = record(Outcome::Failed, None, "the filer failed");
                        back(for_browser(&format!("Not attached: {e}")), "error")
                    }
                }
            }
            Err(_) => match requests::queue_attach(ws.press.layout(), ws.press.modes(), &request) {
                Ok(()) => {
                    // Queued, not done: the watcher's own record says how it ended.
                    if let Err(page) = record(Outcome::Done, None, "queued for the watcher") {
                        return page;
                    }
                    back(
                        format!(
                            "The watcher is filing: statement {} will be attached to case {} at its next look.",
                            request.statement, request.case_id
                        ),
                        "ok",
                    )
                }
                Err(e) => {
                    let _ = record(Outcome::Failed, None, "could not queue it");
                    back(for_browser(&format!("Not attached: {e}")), "error")
                }
            },
        }
    })
    .await
}
