//! What changed since the version a reviewer returned: the resubmitted
//! version against the returned one, section by section, word by word.

#![allow(clippy::result_large_err)]

use super::present::*;
use super::*;

pub async fn changes(State(ws): Ws, v: Visitor, Path((case_id, kind)): Path<(String, String)>) -> Response {
    blocking(ws.clone(), move |ws| {
        let kind = match kind_of(ws, &kind) {
            Ok(k) => k,
            Err(r) => return r,
        };
        let detail = format!("{} changes since returned", kind.name());
        let (opened, _) = match open_for(ws, &v, &case_id, "read", &detail) {
            Ok(o) => o,
            Err(r) => return r,
        };
        let state = state_of(&opened, kind);
        let changes = match since_returned(ws, &opened, &state, true) {
            Ok(c) => c,
            Err(r) => return r,
        };
        page(
            ws,
            "changes.html",
            context! {
                user => v.user, csrf => v.csrf, case => case_view(&opened.loaded.case, ws.today()),
                doc => doc_view(kind, &state, &opened.loaded.case), changes,
            },
        )
    })
    .await
}

/// What changed in the version under review since the version returned
/// before it (`None`: not a resubmission). With `detail`, every changed
/// field's words; without, the sections changed only (for the document's
/// page).
pub(super) fn since_returned(
    ws: &Workspace,
    opened: &Opened,
    state: &DocState,
    detail: bool,
) -> Result<Option<minijinja::Value>, Response> {
    let case_id = opened.loaded.case.case_id.as_str();
    let found = lifecycle::resubmission(ws.press.records(), case_id, &opened.log, state).map_err(|e| {
        tracing::error!("a kept version could not be read: {e}");
        http::refusal(
            ws,
            StatusCode::INTERNAL_SERVER_ERROR,
            "Not available",
            "The versions to compare could not be read; tell your administrator.",
        )
    })?;
    let Some(found) = found else { return Ok(None) };
    let (sections, elsewhere, kept) = match (&found.then, &found.now) {
        (Some(then), Some(now)) => (
            crate::workspace::changes::of_kind(state.kind, then, now),
            elsewhere(state.kind, then, now),
            true,
        ),
        _ => (Vec::new(), Vec::new(), false),
    };
    let changed: Vec<_> = sections.iter().filter(|s| !s.fields.is_empty()).collect();
    let unchanged: Vec<&str> = sections.iter().filter(|s| s.fields.is_empty()).map(|s| s.title).collect();
    let titles: Vec<&str> = changed.iter().map(|s| s.title).collect();
    Ok(Some(context! {
        returned_by => found.returned_by, returned_on => when(&found.returned_at), comments => found.comments,
        resubmitted_by => found.resubmitted.0, resubmitted_on => when(&found.resubmitted.1),
        kept, titles, unchanged, elsewhere, sections => detail.then_some(changed),
    }))
}

/// What else changed in the case, outside the fields the editor shows for
/// `kind` (facts from the case system, such as a hearing date): the case's
/// own paths, as `final` names them.
fn elsewhere(kind: DocumentKind, then: &serde_json::Value, now: &serde_json::Value) -> Vec<String> {
    let shown: Vec<&str> =
        forms::sections(kind).iter().flat_map(|s| s.fields.iter().map(|f| f.path)).collect();
    lifecycle::changed_sections(then, now)
        .into_iter()
        .map(|p| p.trim_matches('`').to_owned())
        .filter(|p| !shown.iter().any(|f| f.starts_with(p.as_str()) || p.starts_with(f)))
        .collect()
}

/// A log time as people read it, in England: "23 November 2026 at 11:00".
fn when(at: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(at)
        .map(|t| t.with_timezone(&chrono_tz::Europe::London).format("%-d %B %Y at %H:%M").to_string())
        .unwrap_or_else(|_| at.to_owned())
}
