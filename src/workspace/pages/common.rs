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
pub(super) use axum::extract::{ConnectInfo, Path, State};
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
pub(super) use crate::workspace::edit::{self, Values};
pub(super) use crate::workspace::forms::{self, Input, Section};
pub(super) use crate::workspace::respond::{
    self as http, SessionLeft, Visitor, page, page_with, refusal, visitor, with_cookie,
};
pub(super) use crate::workspace::{Opened, Why, Workspace, views};

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
    let _ = ws.audit.record(&v.user, "refused", None, "no valid CSRF token");
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

pub(super) fn closed(ws: &Workspace, v: &Visitor, case_id: &str) -> Response {
    let _ = ws.audit.record(
        &v.user,
        "refused",
        Some(case_id).filter(|c| c.len() <= 64),
        "not open to this person",
    );
    refusal(
        ws,
        StatusCode::FORBIDDEN,
        "This case is not open to you",
        "You can open the cases allocated to you, the cases you cover, your team's cases if you manage it, and documents submitted to you for review.",
    )
}

/// Common to every page about one case: who, may they, and the audit line.
pub(super) fn open_for(
    ws: &Workspace,
    v: &Visitor,
    case_id: &str,
    what: &str,
    detail: &str,
) -> Result<(Opened, Why), Response> {
    let Some(opened) = ws.open(case_id) else { return Err(closed(ws, v, case_id)) };
    let Some(why) = ws.may_see(&v.user, &opened.loaded.case, &opened.states) else {
        return Err(closed(ws, v, case_id));
    };
    if ws.audit.record(&v.user, what, Some(case_id), detail).is_err() {
        return Err(audit_failed(ws));
    }
    Ok((opened, why))
}

pub(super) fn kind_of(ws: &Workspace, kind: &str) -> Result<DocumentKind, Response> {
    kind.parse::<DocumentKind>()
        .map_err(|_| refusal(ws, StatusCode::NOT_FOUND, "Page not found", "There is no such document."))
}
