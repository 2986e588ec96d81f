//! Papers that invent nothing, and read as papers: every sample case's
//! documents rendered as real PDFs and read back.

mod common;

use std::path::PathBuf;

use casepress::batch::{KindSelection, Outcome, RenderOptions};
use casepress::documents::DocumentKind;
use common::*;

/// Every kind, forms included, for every sample case: (case id, kind, PDF).
fn every_paper(out: &std::path::Path) -> Vec<(String, DocumentKind, PathBuf)> {
    let opts = RenderOptions { kinds: KindSelection::only(DocumentKind::ALL.to_vec()), ..drafts() };
    let report = render(&press(out), &[samples().join("cases")], &opts);
    assert!(!report.has_failures(), "{report:#?}");
    report
        .items
        .iter()
        .map(|i| {
            let Outcome::Written { path, .. } = &i.outcome else { panic!("{i:?}") };
            (i.case_id.clone().unwrap(), i.kind.unwrap(), path.clone())
        })
        .collect()
}

/// The headings a sign-off block starts with, in every kind.
const SIGN_OFF: [&str; 5] = ["Sign-off", "Signatures", "Report author", "YJS contact", "Referrer"];

#[test]
fn issue_24_8_table_values_stay_in_their_cells_and_a_sign_off_never_stands_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let papers = every_paper(tmp.path());
    assert!(papers.len() >= 100, "every kind of every sample: {}", papers.len());
    let mut tables = 0;
    for (id, kind, path) in &papers {
        // No text crosses a table's vertical rule: long emails, long words
        // and the hostile sample's 300-character token wrap inside.
        for (n, page) in geometry::pages(path).iter().enumerate() {
            tables += usize::from(!page.rules.is_empty());
            let over = page.crossings();
            assert!(over.is_empty(), "{id} {kind} p{}: text over a cell's edge: {over:?}", n + 1);
        }
        // The page holding the sign-off also holds the end of the section
        // before it: after the page furniture, something comes first.
        let pages = page_texts(path);
        let last = pages.last().unwrap();
        let Some(at) = SIGN_OFF.iter().filter_map(|h| last.find(h)).min() else { continue };
        let furniture = ["DRAFT", "Northfield Youth Justice Service", "OFFICIAL-SENSITIVE", kind.title()];
        let before: String = last[..at]
            .lines()
            .map(str::trim)
            .filter(|l| !furniture.contains(l) && !l.chars().all(|c| c.is_ascii_digit() || c == '.'))
            .collect();
        assert!(!before.is_empty(), "{id} {kind}: the sign-off alone on its last page:\n{last}");
    }
    assert!(tables > 100, "tables were checked: {tables} pages with rules");
}

/// The text of each page of a PDF.
fn page_texts(pdf: &std::path::Path) -> Vec<String> {
    let doc = lopdf::Document::load(pdf).unwrap();
    doc.get_pages().keys().map(|&n| doc.extract_text(&[n]).unwrap_or_default()).collect()
}
