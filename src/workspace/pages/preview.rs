//! The preview's pages: typeset per case file version, served as SVG images.

#![allow(clippy::result_large_err)]

use super::*;

pub(super) fn preview_key(
    ws: &Workspace,
    opened: &Opened,
    kind: DocumentKind,
) -> super::super::preview::PreviewKey {
    super::super::preview::PreviewKey {
        case_id: opened.loaded.case.case_id.to_string(),
        kind,
        version: opened.file.version(),
        date: ws.today(),
    }
}

pub(super) fn make_preview(
    ws: &Workspace,
    opened: &Opened,
    kind: DocumentKind,
    memo: &crate::typeset::SvgMemo,
) -> Result<Vec<std::sync::Arc<str>>, String> {
    let case = &opened.loaded.case;
    let today = ws.today();
    let facts = ws.press.service().facts(case, today, &opened.log);
    let docs_dir = ws.press.layout().documents(case.case_id.as_str());
    let origin = format!("case `{}`", case.case_id);
    let order = crate::press::document::Order {
        case,
        facts: &facts,
        kind,
        date: today,
        final_: false,
        log: &opened.log,
        docs_dir: &docs_dir,
        force: true,
        typst_dir: None,
        origin: &origin,
    };
    ws.press.make_pages(&order, memo).map_err(|f| f.reason)
}

/// The preview's place on a page shown to `token`'s session, whose access
/// to the case was checked for that page.
pub(super) fn preview_view(
    ws: &Workspace,
    token: &str,
    opened: &Opened,
    kind: DocumentKind,
) -> minijinja::Value {
    let key = preview_key(ws, opened, kind);
    let pages = ws.previews.get_or_make(&key, |memo| make_preview(ws, opened, kind, memo));
    ws.previews.grant(token, &key);
    match pages.as_ref() {
        Ok(p) => context! { pages => (1..=p.len()).collect::<Vec<_>>(), stamp => key.stamp() },
        Err(e) => context! { pages => Vec::<usize>::new(), error => for_browser(e) },
    }
}

pub async fn preview_page(
    State(ws): Ws,
    v: Visitor,
    Path((case_id, kind, n)): Path<(String, String, String)>,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    blocking(ws.clone(), move |ws| {
        let kind = match kind_of(ws, &kind) {
            Ok(k) => k,
            Err(r) => return r,
        };
        let Ok(n) = n.parse::<usize>() else { return not_found_page(ws) };
        let detail = format!("{kind} preview page {n}");
        // A page of a preview this session was just shown, its access
        // checked then: the case is not opened again for each page.
        let stamp = query.iter().find(|(k, _)| k == "v").map(|(_, s)| s.as_str());
        let pages = match stamp.and_then(|s| ws.previews.granted(&v.token, &case_id, kind, s)) {
            Some(pages) => {
                if let Err(page) = audited(ws, &v, Outcome::Done, "read", &case_id, &detail) {
                    return page;
                }
                pages
            }
            None => {
                let (opened, _) = match open_for(ws, &v, &case_id, "read", &detail) {
                    Ok(o) => o,
                    Err(r) => return r,
                };
                let key = preview_key(ws, &opened, kind);
                ws.previews.get_or_make(&key, |memo| make_preview(ws, &opened, kind, memo))
            }
        };
        match pages.as_ref().as_ref().ok().and_then(|p| p.get(n.wrapping_sub(1))) {
            Some(svg) => ([(header::CONTENT_TYPE, "image/svg+xml")], svg.to_string()).into_response(),
            None => not_found_page(ws),
        }
    })
    .await
}

pub(super) fn not_found_page(ws: &Workspace) -> Response {
    refusal(ws, StatusCode::NOT_FOUND, "Page not found", "There is no page at this address.")
}
