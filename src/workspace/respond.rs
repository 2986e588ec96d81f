//! What every handler answers with and asks of a request: who is asking
//! (the signed-in visitor, their session cookie, the CSRF token), pages,
//! refusals and JSON. Below the handlers; the router is above them.

// A handler's early return is the page to send: axum's `Response` is the
// error type, as its own extractors use it.
#![allow(clippy::result_large_err)]

use std::net::SocketAddr;
use std::sync::Arc;

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use cookie::{Cookie, SameSite};
use serde::Serialize;

use super::Workspace;
use super::audit::Event;

/// The session cookie's name.
pub const COOKIE: &str = "casepress_session";

/// Its name over HTTPS: the `__Host-` prefix makes browsers keep it to
/// this host, this path and secure connections only (ASVS V3.3.3).
pub const SECURE_COOKIE: &str = "__Host-casepress_session";

/// The person asking, signed in.
pub struct Visitor {
    /// Their name, as the staff directory has it.
    pub user: String,
    /// Their session's CSRF token.
    pub csrf: String,
    /// Their session token (to end it).
    pub token: String,
    /// How long their session has left.
    pub left: SessionLeft,
}

/// How long a session has left, in seconds: without a request, and at most.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct SessionLeft {
    /// Before it ends without a request (or at its absolute end, if sooner).
    pub idle_left: u64,
    /// Before its absolute end.
    pub absolute_left: u64,
}

impl SessionLeft {
    fn of(s: &super::sessions::Session) -> Self {
        Self { idle_left: s.idle_left.as_secs(), absolute_left: s.absolute_left.as_secs() }
    }
}

impl Visitor {
    /// Whether a posted form carries this session's CSRF token.
    pub fn csrf_ok(&self, form: &[(String, String)]) -> bool {
        form.iter().any(|(k, v)| k == "_csrf" && constant_time_eq(v.as_bytes(), self.csrf.as_bytes()))
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The session token from the request's cookies.
pub fn session_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == COOKIE || c.name() == SECURE_COOKIE)
        .map(|c| c.value().to_owned())
}

/// The `Set-Cookie` value for a session token.
pub fn session_cookie(ws: &Workspace, token: &str, headers: &HeaderMap, peer: SocketAddr) -> String {
    let secure = ws.press.config().workspace.secure_cookies || behind_tls_proxy(ws, headers, peer);
    Cookie::build((if secure { SECURE_COOKIE } else { COOKIE }, token.to_owned()))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .build()
        .to_string()
}

/// A cookie that ends the session in the browser too (by the name it was
/// set under).
pub fn cleared_cookie(ws: &Workspace, headers: &HeaderMap, peer: SocketAddr) -> String {
    let secure = ws.press.config().workspace.secure_cookies || behind_tls_proxy(ws, headers, peer);
    Cookie::build((if secure { SECURE_COOKIE } else { COOKIE }, ""))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .max_age(cookie::time::Duration::ZERO)
        .build()
        .to_string()
}

pub(super) fn from_proxy(ws: &Workspace, peer: SocketAddr) -> bool {
    ws.press.config().workspace.proxy.as_ref().is_some_and(|p| p.from.contains(&peer.ip()))
}

fn behind_tls_proxy(ws: &Workspace, headers: &HeaderMap, peer: SocketAddr) -> bool {
    from_proxy(ws, peer) && headers.get("x-forwarded-proto").and_then(|v| v.to_str().ok()) == Some("https")
}

/// A handler that takes a `Visitor` runs only for someone signed in.
impl axum::extract::FromRequestParts<Arc<Workspace>> for Visitor {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        ws: &Arc<Workspace>,
    ) -> Result<Self, Response> {
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<SocketAddr>>()
            .map(|c| c.0)
            .ok_or_else(|| StatusCode::INTERNAL_SERVER_ERROR.into_response())?;
        visitor(ws, &parts.headers, peer)
    }
}

/// Who is asking, or the response that sends them to sign in (or refuses
/// a request that did not come through the configured sign-on proxy).
pub fn visitor(ws: &Workspace, headers: &HeaderMap, peer: SocketAddr) -> Result<Visitor, Response> {
    let token = session_token(headers);
    let session = token.as_deref().and_then(|t| ws.sessions.get(t).map(|s| (t.to_owned(), s)));
    for who in ws.sessions.take_ended() {
        let _ = ws.audit.record(&who, Event::SignedOut, None, "everywhere, by `casepress user sign-out`");
    }
    if let Some(proxy) = &ws.press.config().workspace.proxy {
        if !from_proxy(ws, peer) {
            return Err(refusal(
                ws,
                StatusCode::FORBIDDEN,
                "Sign in through the council's sign-on",
                "This workspace is reached through the council's sign-on.",
            ));
        }
        let name =
            headers.get(proxy.header.as_str()).and_then(|v| v.to_str().ok()).map(str::trim).unwrap_or("");
        let Some(member) = ws.press.staff().member(name) else {
            return Err(refusal(
                ws,
                StatusCode::FORBIDDEN,
                "Not in the staff directory",
                "Your account is not in this service's staff directory. Ask an administrator.",
            ));
        };
        let name = member.name.clone();
        // `proxy_sign_on` has started a session for the proxy's person.
        return match session {
            Some((token, s)) if s.user.as_deref() == Some(name.as_str()) => {
                Ok(Visitor { user: name, left: SessionLeft::of(&s), csrf: s.csrf, token })
            }
            _ => Err(refusal(
                ws,
                StatusCode::FORBIDDEN,
                "Please try again",
                "Your session could not be started. Reload the page.",
            )),
        };
    }
    match session {
        Some((token, s)) => match s.user.clone() {
            Some(user) => Ok(Visitor { user, left: SessionLeft::of(&s), csrf: s.csrf, token }),
            None => Err(Redirect::to("/sign-in").into_response()),
        },
        None => Err(Redirect::to("/sign-in").into_response()),
    }
}

/// A page from a template.
pub fn page(ws: &Workspace, template: &str, ctx: minijinja::Value) -> Response {
    page_with(ws, StatusCode::OK, template, ctx)
}

/// A page from a template, with a status.
pub fn page_with(ws: &Workspace, status: StatusCode, template: &str, ctx: minijinja::Value) -> Response {
    let service = ws.press.config().service.name.clone();
    let desk = ctx
        .get_attr("user")
        .ok()
        .and_then(|u| u.as_str().map(|u| super::access::desk_role(ws.press().staff(), u).is_some()));
    let ctx = minijinja::context! { service => service, desk => desk, ..ctx };
    match ws.views.get_template(template).and_then(|t| t.render(ctx)) {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!("page {template} failed: {e}");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "The page could not be made; the error is in the workspace's log.",
            )
                .into_response()
        }
    }
}

/// A page that says no: no case content, no details.
pub fn refusal(ws: &Workspace, status: StatusCode, heading: &str, message: &str) -> Response {
    page_with(ws, status, "error.html", minijinja::context! { heading, message })
}

/// JSON for the autosave script.
pub fn json(status: StatusCode, body: &impl Serialize) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => (status, [(header::CONTENT_TYPE, "application/json")], bytes).into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// Adds a `Set-Cookie` header when there is one to set.
pub fn with_cookie(mut response: Response, cookie: Option<String>) -> Response {
    if let Some(value) = cookie.and_then(|c| HeaderValue::from_str(&c).ok()) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_compare_in_constant_time_and_exactly() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
