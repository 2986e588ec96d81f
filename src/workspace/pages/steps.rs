//! The lifecycle steps from the browser: the same library calls as the command line.

#![allow(clippy::result_large_err)]

use super::present::*;
use super::*;

pub async fn submit(
    State(ws): Ws,
    v: Visitor,
    Path((case_id, kind)): Path<(String, String)>,
    Form(form): Posted,
) -> Response {
    step(ws, v, case_id, kind, "submit", form, |form, _| Ok(Act::Submit { to: posted_all(form, "to") })).await
}

pub async fn review(
    State(ws): Ws,
    v: Visitor,
    Path((case_id, kind)): Path<(String, String)>,
    Form(form): Posted,
) -> Response {
    step(ws, v, case_id, kind, "review", form, |form, kind| {
        let mut comments = Vec::new();
        let sections = forms::sections(kind).iter().map(|s| (format!("comment.{}", s.slug), s.title));
        for (field, title) in sections.chain([("comment.general".to_owned(), "Overall")]) {
            let text = posted(form, &field);
            if !text.is_empty() {
                comments.push(format!("{title}: {}", text.replace("\r\n", "\n")));
            }
        }
        let comments = comments.join("\n");
        match posted(form, "decision") {
            "agree" => Ok(Act::Agree { comments: (!comments.is_empty()).then_some(comments) }),
            "return" if comments.is_empty() => Err("to return it, say what to change".to_owned()),
            "return" => Ok(Act::Return { comments }),
            _ => Err("choose Agree or Return".to_owned()),
        }
    })
    .await
}

pub async fn final_(
    State(ws): Ws,
    v: Visitor,
    Path((case_id, kind)): Path<(String, String)>,
    Form(form): Posted,
) -> Response {
    step(ws, v, case_id, kind, "final", form, |form, _| Ok(Act::Final { date: posted_date(form, "date")? }))
        .await
}

pub async fn sent(
    State(ws): Ws,
    v: Visitor,
    Path((case_id, kind)): Path<(String, String)>,
    Form(form): Posted,
) -> Response {
    step(ws, v, case_id, kind, "sent", form, |form, _| {
        let to = posted(form, "to");
        if to.is_empty() {
            return Err("say who it was sent to".into());
        }
        Ok(Act::Sent { to: to.to_owned(), date: posted_date(form, "date")? })
    })
    .await
}

pub async fn sign(
    State(ws): Ws,
    v: Visitor,
    Path((case_id, kind)): Path<(String, String)>,
    Form(form): Posted,
) -> Response {
    step(ws, v, case_id, kind, "sign", form, |form, _| {
        let signer = crate::documents::Signer::from_name(posted(form, "part"))
            .ok_or_else(|| "choose who signed".to_owned())?;
        let name = Some(posted(form, "name").trim().to_owned()).filter(|n| !n.is_empty());
        Ok(Act::Sign { signer, name, date: posted_date(form, "date")? })
    })
    .await
}

/// A PSR's gatekeeping meeting: the day held and who was there (each a
/// `with` box; the manager recording it is counted as there).
pub async fn meeting(
    State(ws): Ws,
    v: Visitor,
    Path((case_id, kind)): Path<(String, String)>,
    Form(form): Posted,
) -> Response {
    step(ws, v, case_id, kind, "meeting", form, |form, _| {
        Ok(Act::Meeting { date: posted_date(form, "date")?, attended: posted_all(form, "with") })
    })
    .await
}

/// Starts a document the person writes: its section added to the case
/// file (the same library call as `casepress start`), then its editor.
pub async fn start(
    State(ws): Ws,
    v: Visitor,
    Path((case_id, kind)): Path<(String, String)>,
    Form(form): Posted,
) -> Response {
    if !v.csrf_ok(&form) {
        return csrf_refused(&ws, &v);
    }
    blocking(ws.clone(), move |ws| {
        let kind = match kind_of(ws, &kind) {
            Ok(k) => k,
            Err(r) => return r,
        };
        let (opened, why) = match check_for(ws, &v, &case_id, "start") {
            Ok(o) => o,
            Err(r) => return r,
        };
        let case_id = opened.loaded.case.case_id.to_string();
        let record = |outcome: Outcome, detail: &str| audited(ws, &v, outcome, "start", &case_id, detail);
        if let Some(day) = closed_on(ws, &opened.loaded.case) {
            let _ = record(Outcome::Refused, &format!("{kind}: the case is closed"));
            return closed_case(ws, day);
        }
        if !writes(why) {
            let _ = record(Outcome::Refused, &format!("{kind}: not the writer"));
            return refusal(
                ws,
                StatusCode::FORBIDDEN,
                "Read only",
                "Only the case's worker, or their cover, starts its documents.",
            );
        }
        let title = kind.title();
        match lifecycle::start(&ws.press, &opened.file.file, &case_id, kind, &v.user) {
            Ok(_) => {
                if let Err(page) = record(Outcome::Done, kind.name()) {
                    return page;
                }
                ws.sessions.set_flash(
                    &v.token,
                    &format!(
                        "{title} started. Write it section by section: what you type is saved as you go."
                    ),
                    "ok",
                );
                let first = forms::sections(kind).first().map_or("", |s| s.slug);
                Redirect::to(&format!("/cases/{case_id}/{kind}/edit/{first}")).into_response()
            }
            Err(Refused::Rule(why)) => {
                let _ = record(Outcome::Refused, &format!("{kind}: the rules"));
                ws.sessions.set_flash(&v.token, &for_browser(&format!("Not started: {why}.")), "error");
                Redirect::to(&format!("/cases/{case_id}")).into_response()
            }
            Err(Refused::Setup(e)) => {
                tracing::error!("a start failed: {e}");
                let _ = record(Outcome::Failed, kind.name());
                ws.sessions.set_flash(
                    &v.token,
                    "Not started: the workspace could not write the case file; tell your administrator.",
                    "error",
                );
                Redirect::to(&format!("/cases/{case_id}")).into_response()
            }
        }
    })
    .await
}

pub(super) fn posted_date(form: &[(String, String)], name: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(posted(form, name), "%Y-%m-%d")
        .map_err(|_| "the date: expected a date as YYYY-MM-DD".to_owned())
}

/// One lifecycle step: the same library call as the command line. The
/// case id is checked (a case open to this person) before anything echoes
/// it; the audit line says how the step ended, once it has.
pub(super) async fn step(
    ws: Arc<Workspace>,
    v: Visitor,
    case_id: String,
    kind: String,
    verb: &'static str,
    form: Vec<(String, String)>,
    parse: impl FnOnce(&[(String, String)], DocumentKind) -> Result<Act, String> + Send + 'static,
) -> Response {
    if !v.csrf_ok(&form) {
        return csrf_refused(&ws, &v);
    }
    blocking(ws.clone(), move |ws| {
        let kind = match kind_of(ws, &kind) {
            Ok(k) => k,
            Err(r) => return r,
        };
        let (opened, why) = match check_for(ws, &v, &case_id, verb) {
            Ok(o) => o,
            Err(r) => return r,
        };
        let case_id = opened.loaded.case.case_id.to_string();
        let record = |outcome: Outcome, what: &str| audited(ws, &v, outcome, what, &case_id, kind.name());
        let not_done = |message: &str| back(ws, &v, &case_id, kind, &for_browser(message), "error");
        if closed_on(ws, &opened.loaded.case).is_some() {
            let _ = record(Outcome::Refused, verb);
            return not_done("Not done: this case is closed, so it can be read, not changed.");
        }
        let step = match parse(&form, kind) {
            Ok(s) => s,
            Err(why) => {
                let _ = record(Outcome::Invalid, verb);
                return not_done(&format!("Not done: {why}."));
            }
        };
        let what = step.step().name();
        // A signature is recorded by someone who may write the case.
        if matches!(step, Act::Sign { .. }) && !writes(why) {
            let _ = record(Outcome::Refused, what);
            return not_done("Not done: only someone working on this case records a signature.");
        }
        match lifecycle::act(&ws.press, &opened.loaded.case, kind, &step, &v.user, ws.now()) {
            Ok(_) => match record(Outcome::Done, what) {
                Ok(()) => {
                    let message = format!("{} {}.", kind.title(), done_words(&step));
                    // A step can end the person's reason to see the case: a
                    // manager from another team who returns a document is no
                    // longer its reviewer. Their cases, not a refusal, follow.
                    let states = ws.states(&case_id);
                    if ws.may_see(&v.user, &opened.loaded.case, &states).is_none() {
                        ws.sessions.set_flash(&v.token, &message, "ok");
                        return Redirect::to("/cases").into_response();
                    }
                    back(ws, &v, &case_id, kind, &message, "ok")
                }
                Err(page) => page,
            },
            Err(Refused::Rule(why)) => {
                let _ = record(Outcome::Refused, what);
                not_done(&format!("Not done: {why}."))
            }
            Err(Refused::Setup(e)) => {
                tracing::error!("a lifecycle step failed: {e}");
                let _ = record(Outcome::Failed, what);
                not_done("Not done: the workspace could not record it; tell your administrator.")
            }
        }
    })
    .await
}

pub(super) fn back(
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

pub(super) fn done_words(step: &Act) -> String {
    match step {
        Act::Submit { to } if to.is_empty() => "submitted".into(),
        Act::Submit { to } => format!("submitted to {}", to.join(" and ")),
        Act::Agree { .. } => "agreed".into(),
        Act::Return { .. } => "returned with your comments".into(),
        Act::Final { date } => format!("made final, dated {}", words(*date)),
        Act::Sent { to, date } => format!("recorded as sent to {to} on {}", words(*date)),
        Act::Meeting { date, .. } => format!("gatekeeping meeting of {} recorded", words(*date)),
        Act::Sign { signer, name, date } => match name {
            Some(name) => format!("signed by {name}, {}, on {}", signer.words(), words(*date)),
            None => format!("signed by {}, on {}", signer.words(), words(*date)),
        },
    }
}

/// Every non-empty value posted under `name` (a list of boxes or choices).
fn posted_all(form: &[(String, String)], name: &str) -> Vec<String> {
    form.iter().filter(|(k, v)| k == name && !v.trim().is_empty()).map(|(_, v)| v.trim().to_owned()).collect()
}
