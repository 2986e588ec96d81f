//! Signing in and out: the sign-in page, local accounts with the throttle, sign-out.

#![allow(clippy::result_large_err)]

use super::*;

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
pub(super) fn anonymous(
    ws: &Workspace,
    headers: &HeaderMap,
) -> (Option<String>, super::super::sessions::Session) {
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
        let v = Visitor {
            user: String::new(),
            csrf: s.csrf.clone(),
            token: String::new(),
            left: Default::default(),
        };
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
    let keys = [format!("name:{}", crate::staff::name_key(&name)), format!("address:{}", peer.ip())];
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
        let accounts = super::super::Accounts::load(&users).ok()?;
        let found = accounts.verify(&name2, &password2)?;
        ws2.press.staff().spelled(found).map(str::to_owned)
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
    with_cookie(Redirect::to("/sign-in").into_response(), Some(http::cleared_cookie(&ws, &headers, peer)))
}

/// How long the session has left (the page's warning before it ends).
/// Asking is a request, so it keeps the session alive as any other does.
pub async fn session_left(State(ws): Ws, v: Visitor) -> Response {
    let _ = &ws;
    http::json(StatusCode::OK, &v.left)
}

/// "Stay signed in": a request, with the CSRF token, that keeps the
/// session alive; answers how long it now has.
pub async fn stay_signed_in(State(ws): Ws, v: Visitor, Form(form): Posted) -> Response {
    if !v.csrf_ok(&form) {
        return csrf_refused(&ws, &v);
    }
    http::json(StatusCode::OK, &v.left)
}
