//! A document's papers as PDF: every draft and final the case log records,
//! opened from the document page. Audited as reads; the address carries the
//! case id, the kind and the file name casepress gave it, never a child's
//! name.

#![allow(clippy::result_large_err)]

use super::preview::not_found_page;
use super::*;

/// One PDF of a document, by its file name as the log records it.
pub async fn paper(
    State(ws): Ws,
    v: Visitor,
    Path((case_id, kind, file)): Path<(String, String, String)>,
) -> Response {
    blocking(ws.clone(), move |ws| {
        let kind = match kind_of(ws, &kind) {
            Ok(k) => k,
            Err(r) => return r,
        };
        let (opened, _) = match open_for(ws, &v, &case_id, "read", &format!("{kind} paper {file}")) {
            Ok(o) => o,
            Err(r) => return r,
        };
        // Only a file the log records for this document: a name is never a path.
        if !papers(&opened, kind).iter().any(|p| p.file == file) {
            return not_found_page(ws);
        }
        let path = ws.press.layout().documents(opened.loaded.case.case_id.as_str()).join(&file);
        match std::fs::read(&path) {
            Ok(bytes) => (
                [
                    (header::CONTENT_TYPE, "application/pdf".to_owned()),
                    (header::CONTENT_DISPOSITION, format!("inline; filename=\"{file}\"")),
                ],
                bytes,
            )
                .into_response(),
            Err(_) => not_found_page(ws),
        }
    })
    .await
}

/// A paper of a document, as the page lists it.
#[derive(Debug, Clone, Serialize)]
pub(super) struct Paper {
    /// The file name, as casepress named it.
    pub file: String,
    /// "Final" or "Draft".
    pub what: &'static str,
    /// When it was made (YYYY-MM-DD).
    pub made: String,
}

/// Every PDF the log records for `kind`, newest first, each once.
pub(super) fn papers(opened: &Opened, kind: DocumentKind) -> Vec<Paper> {
    let mut out: Vec<Paper> = Vec::new();
    for entry in opened.log.iter().rev() {
        if let crate::store::LogEntry::Document { kind: k, file, draft, at, .. } = entry
            && *k == kind
            && !out.iter().any(|p| p.file == *file)
        {
            let what = if *draft { "Draft" } else { "Final" };
            out.push(Paper { file: file.clone(), what, made: at.get(..10).unwrap_or(at).to_owned() });
        }
    }
    out
}
