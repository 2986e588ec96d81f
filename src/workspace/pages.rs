//! The workspace's pages and actions. Each handler: who is asking, whether
//! they may, the audit line, then the page. File work, typesetting and
//! password hashing run on the blocking pool.

// A handler's early return is the page to send: axum's `Response` is the
// error type, as its own extractors use it.
#![allow(clippy::result_large_err)]

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Form;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use minijinja::context;
use serde::Serialize;

use super::edit::{self, Values};
use super::forms::{self, Input, Section};
use super::http::{self, Visitor, page, page_with, refusal, visitor, with_cookie};
use super::{Opened, Why, Workspace, views};
use crate::case::{Case, Caseload};
use crate::history::{DocState, Phase};
use crate::lifecycle::{self, Refused, Step};
use crate::render::DocumentKind;
use crate::rules::{self, DueStatus, Facts, Severity};

type Ws = State<Arc<Workspace>>;
type Peer = ConnectInfo<SocketAddr>;
type Posted = Form<Vec<(String, String)>>;

async fn blocking(ws: Arc<Workspace>, f: impl FnOnce(&Workspace) -> Response + Send + 'static) -> Response {
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

// ---- signing in and out -------------------------------------------------

pub async fn sign_in_page(State(ws): Ws, headers: HeaderMap, ConnectInfo(peer): Peer) -> Response {
    if ws.press.config().workspace.proxy.is_some() {
        return page(&ws, "sign_in.html", context! { proxy => true });
    }
    if visitor(&ws, &headers, peer).is_ok() {
        return Redirect::to("/cases").into_response();
    }
    let (token, session) = anonymous(&ws, &headers);
    let cookie = token.map(|t| http::session_cookie(&ws, &t, &headers, peer));
    with_cookie(page(&ws, "sign_in.html", context! { csrf => session.csrf, name => "" }), cookie)
}

/// The sign-in page's session (no one signed in yet), new if need be.
fn anonymous(ws: &Workspace, headers: &HeaderMap) -> (Option<String>, super::sessions::Session) {
    match http::session_token(headers).and_then(|t| ws.sessions.get(&t)) {
        Some(s) if s.user.is_none() => (None, s),
        _ => {
            let (token, s) = ws.sessions.start(None);
            (Some(token), s)
        }
    }
}

pub async fn sign_in(
    State(ws): Ws,
    headers: HeaderMap,
    ConnectInfo(peer): Peer,
    Form(form): Posted,
) -> Response {
    if ws.press.config().workspace.proxy.is_some() {
        return refusal(
            &ws,
            StatusCode::FORBIDDEN,
            "Sign in through the council's sign-on",
            "This workspace is reached through the council's sign-on.",
        );
    }
    let token = http::session_token(&headers);
    let session = token.as_deref().and_then(|t| ws.sessions.get(t));
    let csrf_ok = session.as_ref().is_some_and(|s| {
        let v = Visitor { user: String::new(), csrf: s.csrf.clone(), token: String::new() };
        v.csrf_ok(&form)
    });
    if !csrf_ok {
        return refusal(
            &ws,
            StatusCode::FORBIDDEN,
            "Please try again",
            "The sign-in form had expired. Open the sign-in page again.",
        );
    }
    let field = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default();
    let (name, password) = (field("name"), field("password"));
    let keys = [format!("name:{}", name.trim().to_lowercase()), format!("address:{}", peer.ip())];
    if keys.iter().any(|k| ws.throttle.blocked(k)) {
        let _ = ws.audit.record("-", "sign-in-throttled", None, "");
        return refusal(
            &ws,
            StatusCode::TOO_MANY_REQUESTS,
            "Too many attempts",
            "There have been too many wrong passwords. Wait a minute, then try again.",
        );
    }
    let ws2 = ws.clone();
    let users = ws.press.config().workspace.users.clone();
    let (name2, password2) = (name.clone(), password);
    let verified = tokio::task::spawn_blocking(move || {
        let accounts = super::Accounts::load(&users).ok()?;
        let found = accounts.verify(&name2, &password2)?;
        ws2.directory.member(found).map(|m| m.name.clone())
    })
    .await
    .ok()
    .flatten();
    let Some(user) = verified else {
        keys.iter().for_each(|k| ws.throttle.fail(k));
        let _ = ws.audit.record("-", "sign-in-failed", None, "");
        let csrf = session.map(|s| s.csrf).unwrap_or_default();
        return page_with(
            &ws,
            StatusCode::UNAUTHORIZED,
            "sign_in.html",
            context! {
                csrf, name, error => "The name or the password is not right, or the name is not in the staff directory.",
            },
        );
    };
    if let Some(t) = &token {
        ws.sessions.end(t);
    }
    if ws.audit.record(&user, "signed-in", None, "local account").is_err() {
        return audit_failed(&ws);
    }
    let (token, _) = ws.sessions.start(Some(user));
    with_cookie(
        Redirect::to("/cases").into_response(),
        Some(http::session_cookie(&ws, &token, &headers, peer)),
    )
}

pub async fn sign_out(
    State(ws): Ws,
    headers: HeaderMap,
    ConnectInfo(peer): Peer,
    Form(form): Posted,
) -> Response {
    let v = match visitor(&ws, &headers, peer) {
        Ok(v) => v,
        Err(r) => return r,
    };
    if !v.csrf_ok(&form) {
        return csrf_refused(&ws, &v);
    }
    ws.sessions.end(&v.token);
    let _ = ws.audit.record(&v.user, "signed-out", None, "");
    with_cookie(Redirect::to("/sign-in").into_response(), Some(http::cleared_cookie()))
}

fn csrf_refused(ws: &Workspace, v: &Visitor) -> Response {
    let _ = ws.audit.record(&v.user, "refused", None, "no valid CSRF token");
    refusal(
        ws,
        StatusCode::FORBIDDEN,
        "Please try again",
        "This form had expired or did not come from this workspace. Go back, reload the page and try again.",
    )
}

fn audit_failed(ws: &Workspace) -> Response {
    refusal(
        ws,
        StatusCode::INTERNAL_SERVER_ERROR,
        "Not recorded",
        "The audit log could not be written, so the workspace will not show or change a child's record. Tell your administrator.",
    )
}

fn closed(ws: &Workspace, v: &Visitor, case_id: &str) -> Response {
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
fn open_for(
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

fn kind_of(ws: &Workspace, kind: &str) -> Result<DocumentKind, Response> {
    kind.parse::<DocumentKind>()
        .map_err(|_| refusal(ws, StatusCode::NOT_FOUND, "Page not found", "There is no such document."))
}

// ---- lists ---------------------------------------------------------------

#[derive(Serialize)]
struct CaseRow {
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
struct ReviewRow {
    case_id: String,
    child: String,
    kind: &'static str,
    title: &'static str,
    submitted: String,
    due: Option<String>,
}

pub async fn cases(State(ws): Ws, headers: HeaderMap, ConnectInfo(peer): Peer) -> Response {
    let v = match visitor(&ws, &headers, peer) {
        Ok(v) => v,
        Err(r) => return r,
    };
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
            let report_kind = if case.psr.is_some() {
                Some(DocumentKind::Psr)
            } else if case.progress_report.is_some() {
                Some(DocumentKind::ProgressReport)
            } else {
                None
            };
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
                    format!(
                        "{}: {}",
                        k.title(),
                        phase_words(
                            states.iter().find(|s| s.kind == k).map(|s| s.phase).unwrap_or(Phase::None)
                        )
                    )
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
        let manager = lifecycle::is_manager(&ws.directory, &v.user);
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
fn waiting_for(ws: &Workspace, who: &str, state: &DocState, case: &Case) -> bool {
    lifecycle::reviewed(state.kind)
        && matches!(state.phase, Phase::Submitted | Phase::Agreed)
        && !state.reviews.iter().any(|r| r.by.eq_ignore_ascii_case(who))
        && lifecycle::may_review(
            state,
            case,
            &ws.directory,
            who,
            ws.press.config().rules.head_of_service.as_deref(),
        )
        .is_ok()
        && (state.submitted_to.is_empty() || state.submitted_to.iter().any(|n| n.eq_ignore_ascii_case(who)))
}

#[derive(Serialize)]
struct DocRow {
    kind: &'static str,
    title: &'static str,
    phase: &'static str,
    phase_class: &'static str,
    next: &'static str,
}

pub async fn case(
    State(ws): Ws,
    headers: HeaderMap,
    ConnectInfo(peer): Peer,
    Path(case_id): Path<String>,
) -> Response {
    let v = match visitor(&ws, &headers, peer) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let flash = ws.sessions.take_flash(&v.token);
    blocking(ws.clone(), move |ws| {
        let (opened, _) = match open_for(ws, &v, &case_id, "read", "case summary") {
            Ok(o) => o,
            Err(r) => return r,
        };
        let case = &opened.loaded.case;
        let facts = facts(ws, case, ws.today());
        let documents: Vec<DocRow> = DocumentKind::ALL
            .into_iter()
            .filter(|k| k.applies(case, &facts))
            .map(|k| {
                let state = state_of(&opened, k);
                DocRow {
                    kind: k.name(),
                    title: k.title(),
                    phase: phase_words(state.phase),
                    phase_class: phase_class(state.phase),
                    next: next_words(k, &state),
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

// ---- one document --------------------------------------------------------

pub async fn document(
    State(ws): Ws,
    headers: HeaderMap,
    ConnectInfo(peer): Peer,
    Path((case_id, kind)): Path<(String, String)>,
) -> Response {
    let v = match visitor(&ws, &headers, peer) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let flash = ws.sessions.take_flash(&v.token);
    blocking(ws.clone(), move |ws| {
        let kind = match kind_of(ws, &kind) {
            Ok(k) => k,
            Err(r) => return r,
        };
        let (opened, why) = match open_for(ws, &v, &case_id, "read", kind.name()) {
            Ok(o) => o,
            Err(r) => return r,
        };
        let case = &opened.loaded.case;
        let today = ws.today();
        let facts = facts(ws, case, today);
        let state = state_of(&opened, kind);
        let preview = preview_view(ws, &opened, kind);
        let actions = actions(ws, &v.user, why, &opened, kind, &state);
        page(
            ws,
            "document.html",
            context! {
                user => v.user, csrf => v.csrf, case => case_view(case, today), doc => doc_view(kind, &state),
                may_edit => writes(why),
                findings => findings(case, &facts, kind), preview, actions, today => today.to_string(),
                flash => flash.as_ref().map(|f| f.0.clone()), flash_kind => flash.map(|f| f.1),
            },
        )
    })
    .await
}

#[derive(Serialize)]
struct Manager {
    name: String,
    team: String,
}

fn actions(
    ws: &Workspace,
    user: &str,
    why: Why,
    opened: &Opened,
    kind: DocumentKind,
    state: &DocState,
) -> minijinja::Value {
    let case = &opened.loaded.case;
    let head = ws.press.config().rules.head_of_service.as_deref();
    let issuer = matches!(why, Why::Allocated | Why::Covering | Why::Managing);
    let reviewed = lifecycle::reviewed(kind);
    let can_submit = writes(why)
        && reviewed
        && matches!(state.phase, Phase::None | Phase::Draft | Phase::Returned)
        && !state.disagreement();
    let submit = can_submit.then(|| {
        let managers: Vec<Manager> = ws
            .press
            .config()
            .staff
            .iter()
            .filter(|m| lifecycle::is_manager(&ws.directory, &m.name) && !m.name.eq_ignore_ascii_case(user))
            .map(|m| Manager { name: m.name.clone(), team: m.team.clone().unwrap_or_default() })
            .collect();
        let first = ws
            .directory
            .line_manager_of(&case.case_manager.name, case.line_manager.as_ref().map(|m| m.name.as_str()))
            .unwrap_or_default();
        let others: Vec<&Manager> =
            managers.iter().filter(|m| !m.team.eq_ignore_ascii_case(&case.team)).collect();
        context! { managers => &managers, first, others, double => rules::two_managers_required(kind, case) }
    });
    let review = (reviewed
        && lifecycle::may_review(state, case, &ws.directory, user, head).is_ok()
        && !state.reviews.iter().any(|r| r.by.eq_ignore_ascii_case(user)))
    .then(|| {
        let sections: Vec<_> =
            forms::sections(kind).iter().map(|s| context! { slug => s.slug, title => s.title }).collect();
        context! { sections }
    });
    // A plan or agreement is made final from its current data: the draft is
    // rendered on the way, so "not rendered yet" does not stand in the way.
    let mut drafted = state.clone();
    if !reviewed && drafted.phase == Phase::None {
        drafted.phase = Phase::Draft;
    }
    // Offered only when a final would render: nothing it needs is missing.
    let final_ = (issuer
        && kind.missing(case).is_empty()
        && lifecycle::may_finalise(&drafted, case, &ws.directory, head).is_ok())
    .then_some(true);
    let sent = (issuer && lifecycle::may_send(state).is_ok()).then(|| {
        let to = case.court.as_ref().map(|c| c.name.clone()).unwrap_or_default();
        context! { to }
    });
    context! { submit, review, final => final_, sent }
}

// ---- the editor ----------------------------------------------------------

pub async fn editor(
    State(ws): Ws,
    headers: HeaderMap,
    ConnectInfo(peer): Peer,
    Path((case_id, kind, slug)): Path<(String, String, String)>,
) -> Response {
    let v = match visitor(&ws, &headers, peer) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let flash = ws.sessions.take_flash(&v.token);
    blocking(ws.clone(), move |ws| {
        let (kind, section) = match editable(ws, &kind, &slug) {
            Ok(x) => x,
            Err(r) => return r,
        };
        let (opened, why) = match open_for(ws, &v, &case_id, "read", &format!("{kind} {slug}")) {
            Ok(o) => o,
            Err(r) => return r,
        };
        if !writes(why) {
            return refusal(
                ws,
                StatusCode::FORBIDDEN,
                "Read only",
                "You can read and review this document, not edit it.",
            );
        }
        let values = edit::values(&opened.file.case, section);
        let editing = Editing {
            values: &values,
            errors: &BTreeMap::new(),
            conflicts: &[],
            saved: flash.as_ref().is_some_and(|f| f.1 == "saved"),
        };
        editor_page(ws, &v, &opened, kind, section, &editing, &opened.file.version(), StatusCode::OK)
    })
    .await
}

/// The writer of a case's documents: the allocated worker, or their cover.
/// Managers comment through review rather than edit the writer's words.
fn writes(why: Why) -> bool {
    matches!(why, Why::Allocated | Why::Covering)
}

fn editable(ws: &Workspace, kind: &str, slug: &str) -> Result<(DocumentKind, &'static Section), Response> {
    let kind = kind_of(ws, kind)?;
    forms::section(kind, slug).map(|s| (kind, s)).ok_or_else(|| {
        refusal(ws, StatusCode::NOT_FOUND, "Page not found", "This document has no such section to edit.")
    })
}

struct Editing<'a> {
    values: &'a Values,
    errors: &'a BTreeMap<String, String>,
    conflicts: &'a [edit::Conflict],
    saved: bool,
}

#[derive(Serialize)]
struct FieldView {
    name: String,
    id: String,
    label: &'static str,
    hint: &'static str,
    input: &'static str,
    value: String,
    error: Option<String>,
    conflict: Option<String>,
    options: Vec<Opt>,
    rows: Vec<RowView>,
}

#[derive(Serialize)]
struct Opt {
    value: &'static str,
    label: &'static str,
}

#[derive(Serialize)]
struct RowView {
    blank: bool,
    cells: Vec<FieldView>,
}

fn field_id(name: &str) -> String {
    let id: String = name.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
    format!("f-{}", id.trim_end_matches('-'))
}

fn input_name(input: Input) -> &'static str {
    match input {
        Input::Text => "text",
        Input::Area => "area",
        Input::Date => "date",
        Input::Number => "number",
        Input::Check => "check",
        Input::Choice(_) => "choice",
        Input::Lines => "lines",
        Input::Rows(_) => "rows",
    }
}

fn field_view(name: String, field: &forms::Field, e: &Editing<'_>) -> FieldView {
    let conflict = e.conflicts.iter().find(|c| c.name == name).map(|c| c.saved.clone());
    let rows = match field.input {
        Input::Rows(columns) => {
            let count = (0..)
                .take_while(|i| {
                    columns.iter().any(|c| e.values.contains_key(&format!("{name}[{i}].{}", c.path)))
                })
                .count();
            (0..=count)
                .map(|i| RowView {
                    blank: i == count,
                    cells: columns
                        .iter()
                        .map(|c| field_view(format!("{name}[{i}].{}", c.path), c, e))
                        .collect(),
                })
                .collect()
        }
        _ => Vec::new(),
    };
    FieldView {
        id: field_id(&name),
        value: e.values.get(&name).cloned().unwrap_or_default(),
        error: e.errors.get(&name).cloned(),
        conflict,
        label: field.label,
        hint: field.hint,
        input: input_name(field.input),
        options: match field.input {
            Input::Choice(options) => options.iter().map(|(value, label)| Opt { value, label }).collect(),
            _ => Vec::new(),
        },
        rows,
        name,
    }
}

#[allow(clippy::too_many_arguments)]
fn editor_page(
    ws: &Workspace,
    v: &Visitor,
    opened: &Opened,
    kind: DocumentKind,
    section: &'static Section,
    e: &Editing<'_>,
    version: &str,
    status: StatusCode,
) -> Response {
    let case = &opened.loaded.case;
    let today = ws.today();
    let facts = facts(ws, case, today);
    let state = state_of(opened, kind);
    let missing = kind.missing(case);
    let all = forms::sections(kind);
    let sections: Vec<_> = all
        .iter()
        .map(|s| {
            let n = missing
                .iter()
                .filter(|m| forms::locate(kind, m.path).is_some_and(|(ms, _)| ms.slug == s.slug))
                .count();
            context! { slug => s.slug, title => s.title, current => s.slug == section.slug, missing => n }
        })
        .collect();
    let next_section = all
        .iter()
        .skip_while(|s| s.slug != section.slug)
        .nth(1)
        .map(|s| context! { slug => s.slug, title => s.title });
    let fields: Vec<FieldView> = section.fields.iter().map(|f| field_view(f.path.to_owned(), f, e)).collect();
    let label_of = |name: &str| {
        section
            .fields
            .iter()
            .find(|f| name == f.path || name.starts_with(&format!("{}[", f.path)))
            .map(|f| f.label)
            .unwrap_or("This field")
    };
    let error_list: Vec<_> = e
        .errors
        .iter()
        .map(|(name, message)| context! { id => field_id(name), label => label_of(name), message })
        .collect();
    let conflicts: Vec<_> = e
        .conflicts
        .iter()
        .map(|c| context! { id => field_id(&c.name), label => label_of(&c.name) })
        .collect();
    page_with(
        ws,
        status,
        "editor.html",
        context! {
            user => v.user, csrf => v.csrf, case => case_view(case, today), doc => doc_view(kind, &state),
            section => context! { slug => section.slug, title => section.title }, sections, next_section,
            fields, errors => !e.errors.is_empty(), error_list, conflicts, version, saved => e.saved,
            findings => findings(case, &facts, kind), preview => preview_view(ws, opened, kind),
        },
    )
}

#[derive(Serialize)]
struct SaveAnswer {
    status: &'static str,
    version: String,
    at: String,
    errors: BTreeMap<String, String>,
    preview: Option<PreviewAnswer>,
    findings: Option<String>,
}

#[derive(Serialize)]
struct PreviewAnswer {
    pages: usize,
    stamp: String,
}

pub async fn save(
    State(ws): Ws,
    headers: HeaderMap,
    ConnectInfo(peer): Peer,
    Path((case_id, kind, slug)): Path<(String, String, String)>,
    Form(form): Posted,
) -> Response {
    let v = match visitor(&ws, &headers, peer) {
        Ok(v) => v,
        Err(r) => return r,
    };
    if !v.csrf_ok(&form) {
        return csrf_refused(&ws, &v);
    }
    let autosave = headers.contains_key("x-autosave");
    blocking(ws.clone(), move |ws| {
        let (kind, section) = match editable(ws, &kind, &slug) {
            Ok(x) => x,
            Err(r) => return r,
        };
        let (opened, why) = match open_for(ws, &v, &case_id, "write", &format!("{kind} {slug}")) {
            Ok(o) => o,
            Err(r) => return r,
        };
        if !writes(why) {
            return refusal(ws, StatusCode::FORBIDDEN, "Read only", "You can read and review this document, not edit it.");
        }
        let posted = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        let based_on = posted("_version").unwrap_or("").to_owned();
        let then = posted("_then").and_then(|s| forms::section(kind, s)).map(|s| s.slug);
        let mut yours = edit::from_form(section, &form);
        // "Keep what was saved meanwhile": the form's version is the one
        // the writer was shown beside their text.
        let base = ws.versions.get(&case_id, &based_on).map(|b| edit::values(&b, section)).unwrap_or_default();
        for (k, choice) in &form {
            if let (Some(name), "saved") = (k.strip_prefix("_keep."), choice.as_str()) {
                yours.insert(name.to_owned(), base.get(name).cloned().unwrap_or_default());
            }
        }
        let outcome = store_section(ws, &opened, section, &based_on, &base, &yours);
        let reopened = ws.open(&case_id);
        let current = reopened.as_ref().unwrap_or(&opened);
        match outcome {
            Saved::Written | Saved::Unchanged => {
                if autosave {
                    return saved_answer(ws, current, kind);
                }
                ws.sessions.set_flash(&v.token, "Saved.", "saved");
                let to = then.unwrap_or(section.slug);
                Redirect::to(&format!("/cases/{case_id}/{kind}/edit/{to}")).into_response()
            }
            Saved::Invalid(errors) => {
                if autosave {
                    return http::json(StatusCode::UNPROCESSABLE_ENTITY, &SaveAnswer {
                        status: "invalid", version: based_on, at: String::new(), errors, preview: None, findings: None,
                    });
                }
                let e = Editing { values: &yours, errors: &errors, conflicts: &[], saved: false };
                editor_page(ws, &v, current, kind, section, &e, &based_on, StatusCode::UNPROCESSABLE_ENTITY)
            }
            Saved::Conflict(conflicts, merged) => {
                if autosave {
                    return StatusCode::CONFLICT.into_response();
                }
                let e = Editing { values: &merged, errors: &BTreeMap::new(), conflicts: &conflicts, saved: false };
                editor_page(ws, &v, current, kind, section, &e, &current.file.version(), StatusCode::CONFLICT)
            }
            Saved::Failed(why) => {
                tracing::error!("a save failed: {why}");
                refusal(ws, StatusCode::INTERNAL_SERVER_ERROR, "Not saved", "The case file could not be written. Your text is not lost: go back, copy it, and tell your administrator.")
            }
        }
    })
    .await
}

enum Saved {
    Written,
    Unchanged,
    Invalid(BTreeMap<String, String>),
    Conflict(Vec<edit::Conflict>, Values),
    Failed(String),
}

/// Merges, checks and writes one section, under the case's lock.
fn store_section(
    ws: &Workspace,
    opened: &Opened,
    section: &Section,
    based_on: &str,
    base: &Values,
    yours: &Values,
) -> Saved {
    let case_id = opened.loaded.case.case_id.as_str();
    let case_dir = ws.press.layout().case_dir(case_id);
    let _lock = match crate::store::ensure_dir(&case_dir, ws.press.modes())
        .and_then(|()| crate::store::lock_case(&case_dir, ws.press.modes()))
    {
        Ok(lock) => lock,
        Err(e) => return Saved::Failed(e.to_string()),
    };
    let file = match edit::CaseFile::read(&opened.file.file, case_id) {
        Ok(f) => f,
        Err(e) => return Saved::Failed(e),
    };
    let saved_now = edit::values(&file.case, section);
    let merged = if file.version() == based_on {
        yours.clone()
    } else {
        let (merged, conflicts) = edit::merge(base, &saved_now, yours);
        if !conflicts.is_empty() {
            return Saved::Conflict(conflicts, merged);
        }
        merged
    };
    let mut case = file.case.clone();
    if let Err(errors) = edit::apply(&mut case, section, &merged) {
        return Saved::Invalid(errors);
    }
    let bytes = match file.with_case(&case) {
        Ok(b) => b,
        Err(e) => return Saved::Failed(e),
    };
    if let Err(e) = file.load(&bytes, case_id) {
        let name = e.json_path.as_deref().and_then(|p| edit::field_of_error(section, p, &e.message));
        let mut errors = BTreeMap::new();
        errors.insert(name.unwrap_or_else(|| section.fields[0].path.to_owned()), e.message);
        return Saved::Invalid(errors);
    }
    if bytes == file.bytes {
        return Saved::Unchanged;
    }
    match file.write(&bytes) {
        Ok(()) => Saved::Written,
        Err(e) => Saved::Failed(e),
    }
}

fn saved_answer(ws: &Workspace, opened: &Opened, kind: DocumentKind) -> Response {
    let case = &opened.loaded.case;
    let facts = facts(ws, case, ws.today());
    let key = preview_key(ws, opened, kind);
    let pages = ws.previews.get_or_make(&key, || make_preview(ws, opened, kind));
    let findings_html = ws
        .views
        .get_template("findings.html")
        .and_then(|t| t.render(context! { findings => findings(case, &facts, kind) }))
        .ok();
    http::json(
        StatusCode::OK,
        &SaveAnswer {
            status: "saved",
            version: opened.file.version(),
            at: ws.now().with_timezone(&chrono_tz::Europe::London).format("%H:%M:%S").to_string(),
            errors: BTreeMap::new(),
            preview: pages
                .as_ref()
                .as_ref()
                .ok()
                .map(|p| PreviewAnswer { pages: p.len(), stamp: key.stamp() }),
            findings: findings_html,
        },
    )
}

// ---- preview -------------------------------------------------------------

fn preview_key(ws: &Workspace, opened: &Opened, kind: DocumentKind) -> super::preview::PreviewKey {
    super::preview::PreviewKey {
        case_id: opened.loaded.case.case_id.to_string(),
        kind,
        version: opened.file.version(),
        date: ws.today(),
    }
}

fn make_preview(ws: &Workspace, opened: &Opened, kind: DocumentKind) -> Result<Vec<String>, String> {
    let psr = (kind == DocumentKind::Gatekeeping).then(|| state_of(opened, DocumentKind::Psr));
    super::preview::make(&ws.press, &opened.loaded.case, kind, ws.today(), psr.as_ref())
}

fn preview_view(ws: &Workspace, opened: &Opened, kind: DocumentKind) -> minijinja::Value {
    let key = preview_key(ws, opened, kind);
    let pages = ws.previews.get_or_make(&key, || make_preview(ws, opened, kind));
    match pages.as_ref() {
        Ok(p) => context! { pages => (1..=p.len()).collect::<Vec<_>>(), stamp => key.stamp() },
        Err(e) => context! { pages => Vec::<usize>::new(), error => e },
    }
}

pub async fn preview_page(
    State(ws): Ws,
    headers: HeaderMap,
    ConnectInfo(peer): Peer,
    Path((case_id, kind, n)): Path<(String, String, String)>,
) -> Response {
    let v = match visitor(&ws, &headers, peer) {
        Ok(v) => v,
        Err(r) => return r,
    };
    blocking(ws.clone(), move |ws| {
        let kind = match kind_of(ws, &kind) {
            Ok(k) => k,
            Err(r) => return r,
        };
        let Ok(n) = n.parse::<usize>() else { return not_found_page(ws) };
        let (opened, _) = match open_for(ws, &v, &case_id, "read", &format!("{kind} preview page {n}")) {
            Ok(o) => o,
            Err(r) => return r,
        };
        let key = preview_key(ws, &opened, kind);
        let pages = ws.previews.get_or_make(&key, || make_preview(ws, &opened, kind));
        match pages.as_ref().as_ref().ok().and_then(|p| p.get(n.wrapping_sub(1))) {
            Some(svg) => ([(header::CONTENT_TYPE, "image/svg+xml")], svg.clone()).into_response(),
            None => not_found_page(ws),
        }
    })
    .await
}

fn not_found_page(ws: &Workspace) -> Response {
    refusal(ws, StatusCode::NOT_FOUND, "Page not found", "There is no page at this address.")
}

// ---- lifecycle steps -------------------------------------------------------

pub async fn submit(
    State(ws): Ws,
    headers: HeaderMap,
    ConnectInfo(peer): Peer,
    Path((case_id, kind)): Path<(String, String)>,
    Form(form): Posted,
) -> Response {
    step(ws, headers, peer, case_id, kind, form, |form, _| {
        let to: Vec<String> = form
            .iter()
            .filter(|(k, v)| k == "to" && !v.trim().is_empty())
            .map(|(_, v)| v.trim().to_owned())
            .collect();
        Ok(Step::Submit { to })
    })
    .await
}

pub async fn review(
    State(ws): Ws,
    headers: HeaderMap,
    ConnectInfo(peer): Peer,
    Path((case_id, kind)): Path<(String, String)>,
    Form(form): Posted,
) -> Response {
    step(ws, headers, peer, case_id, kind, form, |form, kind| {
        let mut comments = Vec::new();
        for s in forms::sections(kind) {
            if let Some((_, text)) =
                form.iter().find(|(k, v)| *k == format!("comment.{}", s.slug) && !v.trim().is_empty())
            {
                comments.push(format!("{}: {}", s.title, text.trim().replace("\r\n", "\n")));
            }
        }
        if let Some((_, text)) = form.iter().find(|(k, v)| k == "comment.general" && !v.trim().is_empty()) {
            comments.push(format!("Overall: {}", text.trim().replace("\r\n", "\n")));
        }
        let comments = comments.join("\n");
        match form.iter().find(|(k, _)| k == "decision").map(|(_, v)| v.as_str()) {
            Some("agree") => Ok(Step::Agree { comments: (!comments.is_empty()).then_some(comments) }),
            Some("return") if comments.is_empty() => Err("to return it, say what to change".to_owned()),
            Some("return") => Ok(Step::Return { comments }),
            _ => Err("choose Agree or Return".to_owned()),
        }
    })
    .await
}

pub async fn final_(
    State(ws): Ws,
    headers: HeaderMap,
    ConnectInfo(peer): Peer,
    Path((case_id, kind)): Path<(String, String)>,
    Form(form): Posted,
) -> Response {
    step(ws, headers, peer, case_id, kind, form, |form, _| {
        Ok(Step::Final { date: posted_date(form, "date")? })
    })
    .await
}

pub async fn sent(
    State(ws): Ws,
    headers: HeaderMap,
    ConnectInfo(peer): Peer,
    Path((case_id, kind)): Path<(String, String)>,
    Form(form): Posted,
) -> Response {
    step(ws, headers, peer, case_id, kind, form, |form, _| {
        let to = form.iter().find(|(k, _)| k == "to").map(|(_, v)| v.trim().to_owned()).unwrap_or_default();
        if to.is_empty() {
            return Err("say who it was sent to".into());
        }
        Ok(Step::Sent { to, date: posted_date(form, "date")? })
    })
    .await
}

fn posted_date(form: &[(String, String)], name: &str) -> Result<NaiveDate, String> {
    let text = form.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim()).unwrap_or("");
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| "the date: expected a date as YYYY-MM-DD".to_owned())
}

/// One lifecycle step: the same library call as the command line.
async fn step(
    ws: Arc<Workspace>,
    headers: HeaderMap,
    peer: SocketAddr,
    case_id: String,
    kind: String,
    form: Vec<(String, String)>,
    parse: impl FnOnce(&[(String, String)], DocumentKind) -> Result<Step, String> + Send + 'static,
) -> Response {
    let v = match visitor(&ws, &headers, peer) {
        Ok(v) => v,
        Err(r) => return r,
    };
    if !v.csrf_ok(&form) {
        return csrf_refused(&ws, &v);
    }
    blocking(ws.clone(), move |ws| {
        let kind = match kind_of(ws, &kind) {
            Ok(k) => k,
            Err(r) => return r,
        };
        let step = match parse(&form, kind) {
            Ok(s) => s,
            Err(why) => return back(ws, &v, &case_id, kind, &format!("Not done: {why}."), "error"),
        };
        let what = step_word(&step);
        let (opened, _) = match open_for(ws, &v, &case_id, what, kind.name()) {
            Ok(o) => o,
            Err(r) => return r,
        };
        let caseload = Caseload { cases: vec![opened.loaded.clone()], failures: Vec::new() };
        // A submission is of the current draft: render it (unchanged
        // drafts are left as they are) so that the version is on record.
        let drafts_first = match step {
            Step::Submit { .. } => true,
            Step::Final { .. } => !lifecycle::reviewed(kind),
            _ => false,
        };
        if drafts_first && let Err(why) = render_draft(ws, &caseload, kind) {
            return back(
                ws,
                &v,
                &case_id,
                kind,
                &format!("Not done: the draft could not be rendered: {why}"),
                "error",
            );
        }
        match lifecycle::act(&ws.press, &caseload, &case_id, kind, &step, &v.user, ws.now()) {
            Ok(_) => back(ws, &v, &case_id, kind, &format!("{} {}.", kind.title(), done_words(&step)), "ok"),
            Err(Refused::Rule(why)) => back(ws, &v, &case_id, kind, &format!("Not done: {why}."), "error"),
            Err(Refused::Setup(e)) => {
                tracing::error!("a lifecycle step failed: {e}");
                back(
                    ws,
                    &v,
                    &case_id,
                    kind,
                    "Not done: the workspace could not record it; tell your administrator.",
                    "error",
                )
            }
        }
    })
    .await
}

fn render_draft(ws: &Workspace, caseload: &Caseload, kind: DocumentKind) -> Result<(), String> {
    use crate::batch::{self, Cases, KindSelection, Outcome, RenderOptions, Workers};
    let opts = RenderOptions {
        kinds: KindSelection::only(vec![kind]),
        final_: false,
        date: ws.today(),
        force: false,
        jobs: 1,
        typst_dir: None,
    };
    let report = batch::render(&ws.press, Cases::Loaded(caseload), &opts, &Workers::Threads, &|_| {})
        .map_err(|e| e.to_string())?;
    match report.items.first().map(|i| &i.outcome) {
        Some(Outcome::Failed { reason, .. } | Outcome::Historic { reason }) => Err(reason.clone()),
        _ => Ok(()),
    }
}

fn back(
    ws: &Workspace,
    v: &Visitor,
    case_id: &str,
    kind: DocumentKind,
    message: &str,
    flash_kind: &str,
) -> Response {
    ws.sessions.set_flash(&v.token, message, flash_kind);
    Redirect::to(&format!("/cases/{case_id}/{kind}")).into_response()
}

fn step_word(step: &Step) -> &'static str {
    match step {
        Step::Submit { .. } => "submitted",
        Step::Agree { .. } => "agreed",
        Step::Return { .. } => "returned",
        Step::Final { .. } => "final",
        Step::Sent { .. } => "sent",
    }
}

fn done_words(step: &Step) -> String {
    match step {
        Step::Submit { to } if to.is_empty() => "submitted".into(),
        Step::Submit { to } => format!("submitted to {}", to.join(" and ")),
        Step::Agree { .. } => "agreed".into(),
        Step::Return { .. } => "returned with your comments".into(),
        Step::Final { date } => format!("made final, dated {}", words(*date)),
        Step::Sent { to, date } => format!("recorded as sent to {to} on {}", words(*date)),
    }
}

// ---- views ---------------------------------------------------------------

fn facts(ws: &Workspace, case: &Case, today: NaiveDate) -> Facts {
    rules::derive_with(case, ws.press.calendar(), today, &ws.press.config().rules)
}

fn state_of(opened: &Opened, kind: DocumentKind) -> DocState {
    opened.states.iter().find(|s| s.kind == kind).cloned().unwrap_or_else(|| crate::history::fold(&[], kind))
}

fn words(date: NaiveDate) -> String {
    date.format("%-d %B %Y").to_string()
}

fn child_name(case: &Case) -> String {
    let c = &case.child;
    match &c.preferred_name {
        Some(p) if !p.trim().is_empty() && p != &c.first_name => {
            format!("{} {} (known as {p})", c.first_name, c.last_name)
        }
        _ => format!("{} {}", c.first_name, c.last_name),
    }
}

fn case_view(case: &Case, today: NaiveDate) -> minijinja::Value {
    context! {
        case_id => case.case_id.to_string(),
        child => child_name(case),
        age => rules::age_on(case.child.date_of_birth, today),
        case_manager => case.case_manager.name.clone(),
        team => case.team.clone(),
        court => case.court.as_ref().map(|c| c.name.clone()),
        hearing => case.court.as_ref().and_then(|c| c.hearing_date).map(words),
        order => case.order.as_ref().map(|o| o.kind.label()),
    }
}

fn doc_view(kind: DocumentKind, state: &DocState) -> minijinja::Value {
    let reviews: Vec<_> = state
        .reviews
        .iter()
        .map(|r| context! { by => r.by, verdict => if r.agreed { "agreed" } else { "returned it" }, at => r.at.get(..10).unwrap_or(&r.at).to_owned(), comments => r.comments })
        .collect();
    let steps: Vec<_> = state
        .steps
        .iter()
        .map(|s| context! { at => s.at.replace('T', " ").trim_end_matches('Z').to_owned(), step => s.step, by => s.by, to => s.to })
        .collect();
    context! {
        kind => kind.name(), title => kind.title(), short => short(kind),
        phase => phase_words(state.phase), phase_class => phase_class(state.phase), next => next_words(kind, state),
        editable => !forms::sections(kind).is_empty(),
        first_section => forms::sections(kind).first().map(|s| s.slug),
        reviews, steps, returned => state.phase == Phase::Returned,
        review_word => if matches!(kind, DocumentKind::Psr | DocumentKind::ProgressReport) { "gatekeeping" } else { "sign-off" },
    }
}

fn short(kind: DocumentKind) -> &'static str {
    match kind {
        DocumentKind::Psr => "report",
        DocumentKind::ProgressReport => "progress report",
        DocumentKind::InterventionPlan => "plan",
        DocumentKind::ServiceAgreement => "agreement",
        _ => "document",
    }
}

fn phase_words(phase: Phase) -> &'static str {
    match phase {
        Phase::None => "Not started",
        Phase::Draft => "Draft",
        Phase::Submitted => "Submitted",
        Phase::Returned => "Returned",
        Phase::Agreed => "Agreed",
        Phase::Final => "Final",
        Phase::Sent => "Sent",
    }
}

fn phase_class(phase: Phase) -> &'static str {
    match phase {
        Phase::None => "none",
        Phase::Draft => "draft",
        Phase::Submitted => "submitted",
        Phase::Returned => "returned",
        Phase::Agreed => "agreed",
        Phase::Final => "final",
        Phase::Sent => "sent",
    }
}

fn next_words(kind: DocumentKind, state: &DocState) -> &'static str {
    match state.phase {
        Phase::None if !forms::sections(kind).is_empty() => "write it, then submit it",
        Phase::None => "rendered from the case data by the batch",
        _ => lifecycle::next_step(state),
    }
}

fn findings(case: &Case, facts: &Facts, kind: DocumentKind) -> minijinja::Value {
    let id = case.case_id.as_str();
    let href = |path: &str| {
        forms::locate(kind, path)
            .map(|(s, f)| format!("/cases/{id}/{kind}/edit/{}#{}", s.slug, field_id(f.path)))
    };
    let missing: Vec<_> =
        kind.missing(case).iter().map(|m| context! { label => m.label, href => href(m.path) }).collect();
    let language = (kind == DocumentKind::Psr).then(|| {
        facts
            .language_findings
            .iter()
            .map(|l| {
                let place = forms::locate(kind, &l.field).map(|(_, f)| f.label).unwrap_or(l.field.as_str());
                context! { where => place, phrase => l.phrase, why => sentence(l.why), href => href(&l.field) }
            })
            .collect::<Vec<_>>()
    });
    let court_report = matches!(kind, DocumentKind::Psr | DocumentKind::ProgressReport);
    context! {
        missing, language,
        gatekeeping_due => facts.gatekeeping_due.filter(|_| court_report).map(words),
        double => court_report && rules::two_managers_required(kind, case),
        dues => dues(facts, true),
    }
}

/// `why` as a sentence: a capital first letter.
fn sentence(why: &str) -> String {
    let mut chars = why.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

fn dues(facts: &Facts, open_only: bool) -> Vec<minijinja::Value> {
    facts
        .due_dates
        .iter()
        .filter(|d| !open_only || matches!(d.status, DueStatus::Due | DueStatus::Overdue))
        .map(|d| {
            let (status, class) = match d.status {
                DueStatus::Met => ("done", "met"),
                DueStatus::Late => ("done late", "late"),
                DueStatus::Due => ("due", "due"),
                DueStatus::Overdue => ("overdue", "overdue"),
            };
            context! { what => d.what, due => words(d.due), status, status_class => class }
        })
        .collect()
}

fn problems(facts: &Facts) -> Vec<minijinja::Value> {
    facts
        .findings
        .iter()
        .map(|f| {
            let (severity, class) = match f.severity {
                Severity::Invalid => ("Cannot be right", "invalid"),
                Severity::Warning => ("Practice", "warning"),
            };
            context! { severity, class, message => f.message }
        })
        .collect()
}
