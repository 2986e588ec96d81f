//! Signing in and out: the sign-in page, local accounts with the throttle,
//! the second factor (an authenticator app's code, or enrolling one), and
//! sign-out. Each step of a sign-in gets a new session token.

#![allow(clippy::result_large_err)]

use super::super::lockout::Failed;
use super::super::sessions::Pending;
use super::super::{accounts, second_factor};
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

/// The sign-in session of the request, when its form carries its CSRF
/// token: (token, session); otherwise the refusal to send.
fn signing_in(
    ws: &Workspace,
    headers: &HeaderMap,
    form: &[(String, String)],
) -> Result<(String, super::super::sessions::Session), Response> {
    if ws.press.config().workspace.proxy.is_some() {
        return Err(refusal(
            ws,
            StatusCode::FORBIDDEN,
            "Sign in through the council's sign-on",
            "This workspace is reached through the council's sign-on.",
        ));
    }
    let token = http::session_token(headers);
    let session = token.as_deref().and_then(|t| ws.sessions.get(t));
    match (token, session) {
        (Some(token), Some(s))
            if Visitor {
                user: String::new(),
                csrf: s.csrf.clone(),
                token: String::new(),
                left: Default::default(),
            }
            .csrf_ok(form) =>
        {
            Ok((token, s))
        }
        _ => Err(refusal(
            ws,
            StatusCode::FORBIDDEN,
            "Please try again",
            "The sign-in form had expired. Open the sign-in page again.",
        )),
    }
}

fn field(form: &[(String, String)], k: &str) -> String {
    form.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default()
}

fn throttled(ws: &Workspace, who: &str, what: &str) -> Response {
    let _ = ws.audit.record(who, Event::SignInThrottled, None, what);
    refusal(
        ws,
        StatusCode::TOO_MANY_REQUESTS,
        "Too many attempts",
        "There have been too many attempts to sign in. Wait a minute, then try again.",
    )
}

/// What the password check found.
enum Checked {
    /// Right: the person, and their app's secret if they have one.
    Right(String, Option<String>),
    /// Wrong, or no such account.
    Wrong,
    /// The account was locked already.
    Locked(String),
    /// This failure locked the account, after so many in a row.
    LockedNow(String, u32),
}

/// The answer to any sign-in on a locked account, the right password
/// included: locked, and whom to ask; nothing about what was typed.
fn locked(ws: &Workspace, account: &str, step: &str) -> Response {
    let _ = ws.audit.record(account, Event::SignInLocked, None, step);
    refusal(
        ws,
        StatusCode::FORBIDDEN,
        "Account locked",
        "This account is locked after too many failed attempts to sign in. \
         Ask your casepress administrator to unlock it.",
    )
}

/// A second step on a locked account: the half-begun sign-in ends, and
/// the answer is any locked sign-in's.
fn refused_if_locked(ws: &Workspace, token: &str, user: &str, step: &str) -> Option<Response> {
    match ws.lockout.locked(user) {
        Ok(false) => None,
        Ok(true) => {
            ws.sessions.end(token);
            Some(locked(ws, user, step))
        }
        Err(e) => Some(cannot_check(ws, &e)),
    }
}

/// A failure that reached the limit: the lock is audited and logged.
fn locked_now(ws: &Workspace, account: &str, failures: u32, step: &str) -> Response {
    tracing::warn!(
        "the account of {account} is locked after {failures} failed sign-ins in a row; \
         `casepress user unlock` opens it"
    );
    let detail = format!("after {failures} failed sign-ins in a row ({step})");
    let _ = ws.audit.record(account, Event::AccountLocked, None, &detail);
    locked(ws, account, step)
}

/// The accounts or the failure counts could not be read: nobody signs in
/// (the cap is never lifted by a broken file); the log says why.
fn cannot_check(ws: &Workspace, e: &str) -> Response {
    tracing::error!("a sign-in could not be checked: {e}");
    refusal(
        ws,
        StatusCode::INTERNAL_SERVER_ERROR,
        "Not available",
        "Signing in is not available just now. Tell your casepress administrator.",
    )
}

pub async fn sign_in(
    State(ws): Ws,
    headers: HeaderMap,
    ConnectInfo(peer): Peer,
    Form(form): Posted,
) -> Response {
    let (token, session) = match signing_in(&ws, &headers, &form) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let (name, password) = (field(&form, "name"), field(&form, "password"));
    // Counted before the hash is checked, for the name and the address at
    // once: a burst of guesses gets no more checks than a slow series.
    let keys = [format!("name:{}", crate::staff::name_key(&name)), format!("address:{}", peer.ip())];
    let Some(attempt) = ws.throttle.attempt(&keys) else {
        return throttled(&ws, "-", "password");
    };
    let ws2 = ws.clone();
    let users = ws.press.config().workspace.users.clone();
    let checked = tokio::task::spawn_blocking(move || {
        let accounts = super::super::Accounts::load(&users)?;
        // The account the name is of, if any: a locked one is refused
        // before its password is checked, whatever the password.
        let account = accounts.get(&name).map(|a| a.name.clone());
        if let Some(account) = &account
            && ws2.lockout.locked(account)?
        {
            return Ok(Checked::Locked(account.clone()));
        }
        let right = accounts.verify(&name, &password).and_then(|found| {
            let user = ws2.press.staff().spelled(found).map(str::to_owned)?;
            Some((user, accounts.get(found).and_then(|a| a.totp.clone())))
        });
        Ok(match right {
            Some((user, secret)) => Checked::Right(user, secret),
            None => match (ws2.lockout.failed(account.as_deref())?, account) {
                (Failed::LockedNow(n), Some(account)) => Checked::LockedNow(account, n),
                _ => Checked::Wrong,
            },
        })
    })
    .await
    .map_err(|e| e.to_string())
    .and_then(|r: Result<Checked, String>| r);
    let (user, secret) = match checked {
        Ok(Checked::Right(user, secret)) => (user, secret),
        Ok(Checked::Wrong) => {
            let _ = ws.audit.record("-", Event::SignInFailed, None, "password");
            return page_with(
                &ws,
                StatusCode::UNAUTHORIZED,
                "sign_in.html",
                context! {
                    csrf => session.csrf, name => field(&form, "name"),
                    error => "The name or the password is not right, or the name is not in the staff directory.",
                },
            );
        }
        Ok(Checked::LockedNow(account, n)) => return locked_now(&ws, &account, n, "password"),
        Ok(Checked::Locked(account)) => return locked(&ws, &account, "password"),
        Err(e) => return cannot_check(&ws, &e),
    };
    ws.throttle.succeeded(attempt);
    ws.sessions.end(&token);
    if secret.is_none() && !ws.press.config().workspace.require_second_factor {
        return signed_in(&ws, &headers, peer, user, "local account");
    }
    // Half signed in: a new token, that names nobody until the second factor.
    let next = if secret.is_some() { "/sign-in/code" } else { "/sign-in/enrol" };
    let enrol = secret.is_none().then(second_factor::new_secret);
    let (token, _) = ws.sessions.start(None);
    ws.sessions.set_pending(&token, Some(Pending { user, enrol }));
    with_cookie(Redirect::to(next).into_response(), Some(http::session_cookie(&ws, &token, &headers, peer)))
}

/// Signs `user` in: a new session, the audit line, on to their cases.
fn signed_in(
    ws: &Workspace,
    headers: &HeaderMap,
    peer: std::net::SocketAddr,
    user: String,
    how: &str,
) -> Response {
    let (token, _) = match start_signed_in(ws, user, how) {
        Ok(t) => t,
        Err(r) => return r,
    };
    with_cookie(Redirect::to("/cases").into_response(), Some(http::session_cookie(ws, &token, headers, peer)))
}

fn start_signed_in(
    ws: &Workspace,
    user: String,
    how: &str,
) -> Result<(String, super::super::sessions::Session), Response> {
    if ws.audit.record(&user, Event::SignedIn, None, how).is_err() {
        return Err(audit_failed(ws));
    }
    // A complete sign-in: the count of failures in a row starts again.
    if let Err(e) = ws.lockout.succeeded(&user) {
        tracing::error!("a sign-in's count of failures could not be cleared: {e}");
    }
    Ok(ws.sessions.start(Some(user)))
}

/// The half-signed-in session of the request, or the way back to sign-in.
/// A posted second step of signing in: the form's checks, then the
/// half-done sign-in it continues.
fn second_step(
    ws: &Workspace,
    headers: &HeaderMap,
    form: &[(String, String)],
) -> Result<(String, super::super::sessions::Session, Pending), Response> {
    signing_in(ws, headers, form)?;
    pending(ws, headers)
}

fn pending(
    ws: &Workspace,
    headers: &HeaderMap,
) -> Result<(String, super::super::sessions::Session, Pending), Response> {
    let token = http::session_token(headers);
    let session = token.as_deref().and_then(|t| ws.sessions.get(t));
    match (token, session) {
        (Some(t), Some(s)) if s.user.is_none() => match s.pending.clone() {
            Some(p) => Ok((t, s, p)),
            None => Err(Redirect::to("/sign-in").into_response()),
        },
        _ => Err(Redirect::to("/sign-in").into_response()),
    }
}

pub async fn code_page(State(ws): Ws, headers: HeaderMap) -> Response {
    match pending(&ws, &headers) {
        Ok((_, s, p)) if p.enrol.is_none() => page(&ws, "second_factor.html", context! { csrf => s.csrf }),
        Ok(_) => Redirect::to("/sign-in/enrol").into_response(),
        Err(r) => r,
    }
}

/// The second step: the app's code (once only) or a recovery code.
pub async fn code(
    State(ws): Ws,
    headers: HeaderMap,
    ConnectInfo(peer): Peer,
    Form(form): Posted,
) -> Response {
    let (token, session, p) = match second_step(&ws, &headers, &form) {
        Ok(x) => x,
        Err(r) => return r,
    };
    if p.enrol.is_some() {
        return Redirect::to("/sign-in/enrol").into_response();
    }
    let keys = [format!("code:{}", crate::staff::name_key(&p.user)), format!("address:{}", peer.ip())];
    let Some(attempt) = ws.throttle.attempt(&keys) else {
        return throttled(&ws, &p.user, "second factor");
    };
    if let Some(refused) = refused_if_locked(&ws, &token, &p.user, "second factor") {
        return refused;
    }
    let typed = field(&form, "code");
    let users = ws.press.config().workspace.users.clone();
    let user = p.user.clone();
    let ws2 = ws.clone();
    let how = tokio::task::spawn_blocking(move || -> Option<String> {
        if second_factor::looks_like_recovery(&typed) {
            let left = accounts::update(&users, |a| {
                Ok(a.use_recovery(&user, &typed).then(|| a.get(&user).map_or(0, |a| a.recovery.len())))
            })
            .ok()??;
            return Some(format!("local account and a recovery code ({left} left)"));
        }
        let accounts = super::super::Accounts::load(&users).ok()?;
        let secret = accounts.get(&user)?.totp.clone()?;
        let step = second_factor::step_of(&secret, &typed, second_factor::now())?;
        ws2.used.claim(&user, step).then(|| "local account and an authenticator code".to_owned())
    })
    .await
    .ok()
    .flatten();
    let Some(how) = how else {
        let _ = ws.audit.record(&p.user, Event::SignInFailed, None, "second factor");
        match ws.lockout.failed(Some(&p.user)) {
            Ok(Failed::LockedNow(n)) => {
                ws.sessions.end(&token);
                return locked_now(&ws, &p.user, n, "second factor");
            }
            Ok(Failed::Counted(_)) => {}
            Err(e) => return cannot_check(&ws, &e),
        }
        return page_with(
            &ws,
            StatusCode::UNAUTHORIZED,
            "second_factor.html",
            context! {
                csrf => session.csrf,
                error => "The code is not right, or it was used already. Type the code the app shows now.",
            },
        );
    };
    ws.throttle.succeeded(attempt);
    ws.sessions.end(&token);
    signed_in(&ws, &headers, peer, p.user, &how)
}

pub async fn enrol_page(State(ws): Ws, headers: HeaderMap) -> Response {
    match pending(&ws, &headers) {
        Ok((_, s, Pending { enrol: Some(secret), .. })) => {
            page(&ws, "enrol.html", context! { csrf => s.csrf, secret => second_factor::grouped(&secret) })
        }
        Ok(_) => Redirect::to("/sign-in/code").into_response(),
        Err(r) => r,
    }
}

/// The QR code of the secret being enrolled, as an image from this server.
pub async fn enrol_qr(State(ws): Ws, headers: HeaderMap) -> Response {
    let Ok((_, _, Pending { user, enrol: Some(secret) })) = pending(&ws, &headers) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match second_factor::uri(&secret, &user).and_then(|u| second_factor::qr_svg(&u)) {
        Ok(svg) => ([(header::CONTENT_TYPE, "image/svg+xml")], svg).into_response(),
        Err(e) => {
            tracing::error!("the QR code could not be drawn: {e}");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// Confirms enrolment with the app's first code: the secret is kept, and
/// the recovery codes are shown, once.
pub async fn enrol(
    State(ws): Ws,
    headers: HeaderMap,
    ConnectInfo(peer): Peer,
    Form(form): Posted,
) -> Response {
    let (token, session, p) = match second_step(&ws, &headers, &form) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let Some(secret) = p.enrol.clone() else { return Redirect::to("/sign-in/code").into_response() };
    if let Some(refused) = refused_if_locked(&ws, &token, &p.user, "enrolment") {
        return refused;
    }
    let keys = [format!("code:{}", crate::staff::name_key(&p.user)), format!("address:{}", peer.ip())];
    let Some(attempt) = ws.throttle.attempt(&keys) else {
        return throttled(&ws, &p.user, "enrolment");
    };
    let right = second_factor::step_of(&secret, &field(&form, "code"), second_factor::now())
        .is_some_and(|step| ws.used.claim(&p.user, step));
    if !right {
        let _ = ws.audit.record(&p.user, Event::EnrolFailed, None, "code not right");
        return page_with(
            &ws,
            StatusCode::UNAUTHORIZED,
            "enrol.html",
            context! {
                csrf => session.csrf, secret => second_factor::grouped(&secret),
                error => "The code is not right. Check the app added the secret shown, then type the code it shows now.",
            },
        );
    }
    ws.throttle.succeeded(attempt);
    let users = ws.press.config().workspace.users.clone();
    let user = p.user.clone();
    let codes =
        tokio::task::spawn_blocking(move || accounts::update(&users, |a| a.enrol(&user, &secret))).await;
    let codes = match codes.map_err(|e| e.to_string()).and_then(|r| r) {
        Ok(codes) => codes,
        Err(e) => {
            tracing::error!("the second factor could not be kept: {e}");
            return refusal(
                &ws,
                StatusCode::INTERNAL_SERVER_ERROR,
                "Not set up",
                "Your authenticator app could not be recorded. Tell your administrator.",
            );
        }
    };
    let _ = ws.audit.record(
        &p.user,
        Event::SecondFactorEnrolled,
        None,
        "authenticator app and 10 recovery codes",
    );
    ws.sessions.end(&token);
    let (token, s) =
        match start_signed_in(&ws, p.user.clone(), "local account and an authenticator code (enrolled)") {
            Ok(t) => t,
            Err(r) => return r,
        };
    with_cookie(
        page(&ws, "recovery_codes.html", context! { user => p.user, csrf => s.csrf, codes }),
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
    let _ = ws.audit.record(&v.user, Event::SignedOut, None, "");
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
