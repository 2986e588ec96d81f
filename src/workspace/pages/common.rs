//! What every page handler shares: the types and imports they use, running
//! file work on the blocking pool, opening a case for a person (with its
//! audit line), and the common refusals.

// A handler's early return is the page to send: axum's `Response` is the
// error type, as its own extractors use it.
#![allow(clippy::result_large_err)]

pub(super) use std::collections::BTreeMap;
pub(super) use std::net::SocketAddr;
pub(super) use std::sync::Arc;

pub(super) use axum::Form;
pub(super) use axum::extract::{ConnectInfo, Path, Query, State};
pub(super) use axum::http::{HeaderMap, StatusCode, header};
pub(super) use axum::response::{IntoResponse, Redirect, Response};
pub(super) use chrono::NaiveDate;
pub(super) use minijinja::context;
pub(super) use serde::Serialize;

pub(super) use crate::case::Case;
pub(super) use crate::documents::DocumentKind;
pub(super) use crate::history::{DocState, Phase};
pub(super) use crate::lifecycle::{self, Act, Refused};
pub(super) use crate::rules::{self, DueStatus, Facts, Severity};
pub(super) use crate::staff::same_name;
pub(super) use crate::workspace::audit::{Event, Outcome};
pub(super) use crate::workspace::edit::{self, Values};
pub(super) use crate::workspace::forms::{self, Input, Section};
pub(super) use crate::workspace::respond::{
    self as http, SessionLeft, Visitor, page, page_with, refusal, visitor, with_cookie,
};
pub(super) use crate::workspace::{Held, Opened, Why, Workspace, views};

pub(super) type Ws = State<Arc<Workspace>>;
pub(super) type Peer = ConnectInfo<SocketAddr>;
pub(super) type Posted = Form<Vec<(String, String)>>;

pub(super) async fn blocking(
    ws: Arc<Workspace>,
    f: impl FnOnce(&Workspace) -> Response + Send + 'static,
) -> Response {
    match tokio::task::spawn_blocking(move || f(&ws)).await {
        Ok(response) => response,
        Err(_) => {
            (StatusCode::INTERNAL_SERVER_ERROR, "The request failed; the error is in the workspace's log.")
                .into_response()
        }
    }
}

pub async fn css() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], views::CSS).into_response()
}

pub async fn js() -> Response {
    ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8")], views::JS).into_response()
}

pub async fn not_found(State(ws): Ws) -> Response {
    refusal(&ws, StatusCode::NOT_FOUND, "Page not found", "There is no page at this address.")
}

/// A posted form field, trimmed ("" when absent). Not for passwords, which
/// are taken as typed.
pub(super) fn posted<'f>(form: &'f [(String, String)], name: &str) -> &'f str {
    form.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.trim())
}

pub(super) fn csrf_refused(ws: &Workspace, v: &Visitor) -> Response {
    let _ = ws.audit.outcome(Outcome::Refused, &v.user, "post", None, "no valid CSRF token");
    refusal(
        ws,
        StatusCode::FORBIDDEN,
        "Please try again",
        "This form had expired or did not come from this workspace. Go back, reload the page and try again.",
    )
}

pub(super) fn audit_failed(ws: &Workspace) -> Response {
    refusal(
        ws,
        StatusCode::INTERNAL_SERVER_ERROR,
        "Not recorded",
        "The audit log could not be written, so the workspace will not show or change a child's record. Tell your administrator.",
    )
}

/// The page for a case that is not open to this person: the same whether
/// the case exists or not.
pub(super) fn not_open(ws: &Workspace) -> Response {
    refusal(
        ws,
        StatusCode::FORBIDDEN,
        "This case is not open to you",
        "You can open the cases allocated to you, the cases you cover, your team's cases if you manage it, and documents submitted to you for review.",
    )
}

/// Who is asking and may they: the case opened, and why they may see it.
/// A refusal is audited (with the case id only when the case exists: an
/// id typed into an address may be anything, a child's name among them);
/// what is done is audited by the caller, after it is done.
pub(super) fn check_for(
    ws: &Workspace,
    v: &Visitor,
    case_id: &str,
    what: &str,
) -> Result<(Opened, Why), Response> {
    let Some(opened) = ws.open(case_id) else {
        let _ = ws.audit.outcome(Outcome::Refused, &v.user, what, None, "no such case");
        return Err(not_open(ws));
    };
    let why = may_see(ws, v, &opened, what)?;
    Ok((opened, why))
}

/// [`check_for`] for a change: the case is read once, under the locks
/// that write it, and checked once.
pub(super) fn check_locked(
    ws: &Workspace,
    v: &Visitor,
    case_id: &str,
    what: &str,
) -> Result<(Opened, Held, Why), Response> {
    let (opened, held) = match ws.open_locked(case_id) {
        Ok(Some(o)) => o,
        Ok(None) => {
            let _ = ws.audit.outcome(Outcome::Refused, &v.user, what, None, "no such case");
            return Err(not_open(ws));
        }
        Err(why) => {
            tracing::error!("a case could not be locked: {why}");
            let _ = ws.audit.outcome(Outcome::Failed, &v.user, what, None, "the case could not be locked");
            return Err(not_saved(ws));
        }
    };
    let why = may_see(ws, v, &opened, what)?;
    Ok((opened, held, why))
}

/// Why `v` may see the opened case, or the refusal, audited.
fn may_see(ws: &Workspace, v: &Visitor, opened: &Opened, what: &str) -> Result<Why, Response> {
    ws.may_see(&v.user, &opened.loaded.case, &opened.states).ok_or_else(|| {
        let id = opened.loaded.case.case_id.to_string();
        let _ = ws.audit.outcome(Outcome::Refused, &v.user, what, Some(&id), "not open to this person");
        not_open(ws)
    })
}

/// The page for a save that could not be written.
pub(super) fn not_saved(ws: &Workspace) -> Response {
    refusal(
        ws,
        StatusCode::INTERNAL_SERVER_ERROR,
        "Not saved",
        "The case file could not be written. Your text is not lost: go back, copy it, and tell your administrator.",
    )
}

/// Common to every page that reads a case: who, may they, and the audit
/// line (a read is done as the page is sent).
pub(super) fn open_for(
    ws: &Workspace,
    v: &Visitor,
    case_id: &str,
    what: &str,
    detail: &str,
) -> Result<(Opened, Why), Response> {
    let (opened, why) = check_for(ws, v, case_id, what)?;
    let id = opened.loaded.case.case_id.to_string();
    if ws.audit.outcome(Outcome::Done, &v.user, what, Some(&id), detail).is_err() {
        return Err(audit_failed(ws));
    }
    Ok((opened, why))
}

/// Records how a change to a case ended; `Err` is the page to send when
/// the line could not be written.
pub(super) fn audited(
    ws: &Workspace,
    v: &Visitor,
    outcome: Outcome,
    what: &str,
    case_id: &str,
    detail: &str,
) -> Result<(), Response> {
    ws.audit.outcome(outcome, &v.user, what, Some(case_id), detail).map_err(|e| {
        tracing::error!("an audit line could not be written: {e}");
        audit_failed(ws)
    })
}

/// The day a case closed, when it has (on or before today): a closed case
/// is read only in the workspace.
pub(super) fn closed_on(ws: &Workspace, case: &Case) -> Option<NaiveDate> {
    case.order.as_ref().and_then(|o| o.closed_date).filter(|d| *d <= ws.today())
}

/// A message for a browser: every absolute path in it cut to its last part
/// (a file's name), so no page shows where the server keeps its files.
pub(super) fn for_browser(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(i) = rest.find('/') {
        let at_boundary =
            rest[..i].chars().next_back().is_none_or(|c| c.is_whitespace() || "(`'\"=[<".contains(c));
        if !at_boundary {
            out.push_str(&rest[..=i]);
            rest = &rest[i + 1..];
            continue;
        }
        out.push_str(&rest[..i]);
        let end = rest[i..]
            .find(|c: char| c.is_whitespace() || "`'\")]>,".contains(c))
            .map_or(rest.len(), |e| i + e);
        let path = &rest[i..end];
        out.push_str(path.rsplit('/').next().unwrap_or(""));
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

pub(super) fn kind_of(ws: &Workspace, kind: &str) -> Result<DocumentKind, Response> {
    kind.parse::<DocumentKind>()
        .map_err(|_| refusal(ws, StatusCode::NOT_FOUND, "Page not found", "There is no such document."))
}

#[cfg(test)]
mod tests {
    use super::for_browser;

    #[test]
    fn a_message_for_a_browser_names_no_server_path() {
        assert_eq!(
            for_browser("/srv/casepress/samples/cases/yro.json:1: case `X` missing psr.signed"),
            "yro.json:1: case `X` missing psr.signed"
        );
        assert_eq!(
            for_browser("cannot read `/var/lib/out/inbox` (No such file)"),
            "cannot read `inbox` (No such file)"
        );
        assert_eq!(for_browser("page 1/2 of a 1/2-day"), "page 1/2 of a 1/2-day");
        assert_eq!(for_browser("no path here"), "no path here");
    }
}
