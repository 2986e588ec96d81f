//! The router: routes, security headers, the sign-on proxy and the request
//! log. Handlers live in `pages`; what they answer with is in `respond`.

// A handler's early return is the page to send: axum's `Response` is the
// error type, as its own extractors use it.
#![allow(clippy::result_large_err)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{Redirect, Response};
use axum::routing::{get, post};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;

use super::audit::Event;
use super::respond::{COOKIE, from_proxy, session_cookie, session_token, with_cookie};
use super::{Workspace, pages};

/// Nothing inline, nothing from elsewhere: pages, styles, the script and
/// preview images all come from this server.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The largest request body: a section of narrative, with room to spare.
const BODY_LIMIT: usize = 512 * 1024;

pub fn app(ws: Arc<Workspace>) -> Router {
    let headers: [(HeaderName, &str); 7] = [
        (header::CONTENT_SECURITY_POLICY, CSP),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "no-referrer"),
        // Children's records are never kept in a browser's or proxy's cache.
        (header::CACHE_CONTROL, "no-store"),
        (HeaderName::from_static("cross-origin-opener-policy"), "same-origin"),
        (HeaderName::from_static("permissions-policy"), "camera=(), microphone=(), geolocation=()"),
    ];
    let mut router = Router::new()
        .route("/", get(|| async { Redirect::to("/cases") }))
        .route("/static/app.css", get(pages::css))
        .route("/static/app.js", get(pages::js))
        .route("/sign-in", get(pages::sign_in_page).post(pages::sign_in))
        .route("/sign-in/code", get(pages::code_page).post(pages::code))
        .route("/sign-in/enrol", get(pages::enrol_page).post(pages::enrol))
        .route("/sign-in/enrol/qr.svg", get(pages::enrol_qr))
        .route("/sign-out", post(pages::sign_out))
        .route("/session", get(pages::session_left))
        .route("/session/stay", post(pages::stay_signed_in))
        .route("/cases", get(pages::cases))
        .route("/desk", get(pages::desk))
        .route("/desk/attach", post(pages::desk_attach))
        .route("/cases/{case}", get(pages::case))
        .route("/cases/{case}/{kind}", get(pages::document))
        .route("/cases/{case}/{kind}/edit/{section}", get(pages::editor).post(pages::save))
        .route("/cases/{case}/{kind}/preview/{page}", get(pages::preview_page))
        .route("/cases/{case}/{kind}/papers/{file}", get(pages::paper))
        .route("/cases/{case}/{kind}/start", post(pages::start))
        .route("/cases/{case}/{kind}/changes", get(pages::changes))
        .route("/cases/{case}/{kind}/submit", post(pages::submit))
        .route("/cases/{case}/{kind}/review", post(pages::review))
        .route("/cases/{case}/{kind}/sign", post(pages::sign))
        .route("/cases/{case}/{kind}/meeting", post(pages::meeting))
        .route("/cases/{case}/{kind}/final", post(pages::final_))
        .route("/cases/{case}/{kind}/sent", post(pages::sent))
        .fallback(pages::not_found)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, Duration::from_secs(60)))
        .layer(axum::middleware::from_fn_with_state(ws.clone(), proxy_sign_on))
        .layer(axum::middleware::from_fn(log_request));
    for (name, value) in headers {
        router = router.layer(SetResponseHeaderLayer::overriding(name, HeaderValue::from_static(value)));
    }
    // Served over HTTPS: browsers are told to use nothing else for a year.
    if ws.press.config().workspace.secure_cookies {
        router = router.layer(SetResponseHeaderLayer::overriding(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        ));
    }
    router.with_state(ws)
}

/// With a sign-on proxy: a request from the proxy naming a person in the
/// staff directory gets a session of its own (for the CSRF token), started
/// here so that every handler sees it as an ordinary signed-in session.
async fn proxy_sign_on(
    axum::extract::State(ws): axum::extract::State<Arc<Workspace>>,
    axum::extract::ConnectInfo(peer): axum::extract::ConnectInfo<SocketAddr>,
    mut req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let Some(proxy) = &ws.press.config().workspace.proxy else { return next.run(req).await };
    if !from_proxy(&ws, peer) {
        return next.run(req).await;
    }
    let headers = req.headers();
    // A name sent twice is not believed either (review L9): the browser may
    // have made up one of them. Neither name reaches the log.
    if headers.get_all(proxy.header.as_str()).iter().count() > 1 {
        let _ = ws.audit.record("-", Event::SignInRefused, None, "single sign-on name header sent twice");
        return super::respond::refusal(
            &ws,
            StatusCode::BAD_REQUEST,
            "Not signed in",
            "The council's sign-on passed on more than one name, so the workspace believes neither. \
             Tell your administrator: the sign-on proxy must replace the name header, never add to it.",
        );
    }
    let named = headers.get(proxy.header.as_str()).and_then(|v| v.to_str().ok()).map(str::trim).unwrap_or("");
    let Some(name) = ws.press.staff().member(named).map(|m| m.name.clone()) else {
        return next.run(req).await;
    };
    let current = session_token(headers).and_then(|t| ws.sessions.get(&t));
    if current.is_some_and(|s| s.user.as_deref() == Some(name.as_str())) {
        return next.run(req).await;
    }
    // How the proxy says the person signed in (`amr` values), believed
    // because the request comes from the proxy.
    // A header sent twice is not believed: a proxy that appends rather than
    // replaces would pass on one the browser made up.
    let methods: Vec<String> = proxy
        .methods_header
        .as_deref()
        .filter(|h| headers.get_all(*h).iter().count() == 1)
        .and_then(|h| headers.get(h))
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            // Short plain words only: the header's text reaches the audit log.
            v.split([',', ' '])
                .map(|m| m.trim().to_ascii_lowercase())
                .filter(|m| {
                    !m.is_empty()
                        && m.len() <= 16
                        && m.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                })
                .take(8)
                .collect()
        })
        .unwrap_or_default();
    let mfa = methods.iter().any(|m| proxy.mfa_methods.iter().any(|k| k.eq_ignore_ascii_case(m)));
    if proxy.require_mfa && !mfa {
        let _ = ws.audit.record(&name, Event::SignInRefused, None, "single sign-on without a second factor");
        return super::respond::refusal(
            &ws,
            StatusCode::FORBIDDEN,
            "Sign in with a second factor",
            "This workspace holds children's records, so it needs you to have signed in to the council's \
             sign-on with a second factor (an authenticator app, a security key or a code). Sign out of the \
             council's sign-on, sign in again with your second factor, then open the workspace.",
        );
    }
    let how = if methods.is_empty() {
        "single sign-on".to_owned()
    } else {
        format!("single sign-on ({})", methods.join(" "))
    };
    let _ = ws.audit.record(&name, Event::SignedIn, None, &how);
    let (token, _) = ws.sessions.start(Some(name));
    let cookie = session_cookie(&ws, &token, req.headers(), peer);
    let pair = format!("{COOKIE}={token}");
    req.headers_mut().remove(header::COOKIE);
    if let Ok(value) = HeaderValue::from_str(&pair) {
        req.headers_mut().insert(header::COOKIE, value);
    }
    with_cookie(next.run(req).await, Some(cookie))
}

/// Logs method, route shape and status: never the address itself, which
/// may carry a case id, nor anything from the body.
async fn log_request(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let method = req.method().clone();
    let shape = route_shape(req.uri().path());
    let started = std::time::Instant::now();
    let response = next.run(req).await;
    tracing::info!("{method} {shape} {} {}ms", response.status().as_u16(), started.elapsed().as_millis());
    response
}

fn route_shape(path: &str) -> String {
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match parts.as_slice() {
        ["cases", _, rest @ ..] => {
            let mut s = String::from("/cases/{case}");
            for p in rest {
                s.push('/');
                s.push_str(if p.chars().all(|c| c.is_ascii_lowercase() || c == '-' || c.is_ascii_digit()) {
                    p
                } else {
                    "{…}"
                });
            }
            s
        }
        _ if path.len() <= 32 => path.to_owned(),
        _ => "{long path}".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logs_name_the_route_not_the_case() {
        assert_eq!(route_shape("/cases/NYJS-2026-0161/psr/edit/offence"), "/cases/{case}/psr/edit/offence");
        assert_eq!(route_shape("/cases/NYJS-2026-0161"), "/cases/{case}");
        assert_eq!(route_shape("/cases/x/Some Name"), "/cases/{case}/{…}");
        assert_eq!(route_shape("/sign-in"), "/sign-in");
    }
}
