//! The lifecycle steps from the browser: the same library calls as the command line.

#![allow(clippy::result_large_err)]

use super::*;

pub async fn submit(
    State(ws): Ws,
    v: Visitor,
    Path((case_id, kind)): Path<(String, String)>,
    Form(form): Posted,
) -> Response {
    step(ws, v, case_id, kind, form, |form, _| {
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
    v: Visitor,
    Path((case_id, kind)): Path<(String, String)>,
    Form(form): Posted,
) -> Response {
    step(ws, v, case_id, kind, form, |form, kind| {
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
            "agree" => Ok(Step::Agree { comments: (!comments.is_empty()).then_some(comments) }),
            "return" if comments.is_empty() => Err("to return it, say what to change".to_owned()),
            "return" => Ok(Step::Return { comments }),
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
    step(ws, v, case_id, kind, form, |form, _| Ok(Step::Final { date: posted_date(form, "date")? })).await
}

pub async fn sent(
    State(ws): Ws,
    v: Visitor,
    Path((case_id, kind)): Path<(String, String)>,
    Form(form): Posted,
) -> Response {
    step(ws, v, case_id, kind, form, |form, _| {
        let to = posted(form, "to");
        if to.is_empty() {
            return Err("say who it was sent to".into());
        }
        Ok(Step::Sent { to: to.to_owned(), date: posted_date(form, "date")? })
    })
    .await
}

pub(super) fn posted_date(form: &[(String, String)], name: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(posted(form, name), "%Y-%m-%d")
        .map_err(|_| "the date: expected a date as YYYY-MM-DD".to_owned())
}

/// One lifecycle step: the same library call as the command line.
pub(super) async fn step(
    ws: Arc<Workspace>,
    v: Visitor,
    case_id: String,
    kind: String,
    form: Vec<(String, String)>,
    parse: impl FnOnce(&[(String, String)], DocumentKind) -> Result<Step, String> + Send + 'static,
) -> Response {
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
        let what = step.name();
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

pub(super) fn render_draft(ws: &Workspace, caseload: &Caseload, kind: DocumentKind) -> Result<(), String> {
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

pub(super) fn done_words(step: &Step) -> String {
    match step {
        Step::Submit { to } if to.is_empty() => "submitted".into(),
        Step::Submit { to } => format!("submitted to {}", to.join(" and ")),
        Step::Agree { .. } => "agreed".into(),
        Step::Return { .. } => "returned with your comments".into(),
        Step::Final { date } => format!("made final, dated {}", words(*date)),
        Step::Sent { to, date } => format!("recorded as sent to {to} on {}", words(*date)),
    }
}
