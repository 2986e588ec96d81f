//! Typst source → PDF, in process: a sealed World, embedded fonts, PDF/A-2a
//! with PDF/UA-1.
//!
//! The [`Typesetter`] is built once per process and shared by every worker
//! thread: fonts are parsed once, the shared Typst modules (the layout) are
//! parsed once, and each document is compiled in a short-lived `DocWorld`
//! that can see only its own generated source, those modules, the fonts and
//! the assets that config names. Nothing else on disk is reachable.

mod fonts;
pub use fonts::covers;
mod world;

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use typst::diag::{Severity, SourceDiagnostic};
use typst::foundations::{Datetime, Smart};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

use self::world::{DocWorld, Shared};

/// How many eviction rounds an unused memoised result survives. Evicting after
/// every document keeps memory flat over a long batch while the layout module,
/// used by every document, stays warm.
const MEMO_MAX_AGE: usize = 8;

/// The same for previews: the workspace typesets the documents open in its
/// editors in turn, one save each, so a document's layout must outlive the
/// saves of the others between two of its own to be reused (decision 0196).
/// 32 keeps some thirty open documents warm; older results still go.
const PREVIEW_MEMO_MAX_AGE: usize = 32;

/// Previews evict once in this many: each eviction walks every memoised
/// result (7% of a save's time when done after every preview, with 10
/// others saving), and an age counted in evictions keeps the same window
/// when it is divided by the same number.
const PREVIEW_EVICT_EVERY: usize = 8;

/// Everything a document needs besides its own source: fonts, the standard
/// library, shared Typst modules and named assets.
pub struct Typesetter {
    shared: Shared,
}

/// PDF metadata that is not part of the Typst source.
#[derive(Debug, Clone)]
pub struct PdfMeta {
    /// Stable identity of the document (e.g. `case-id/kind`); hashed into the PDF id.
    pub ident: String,
    /// The document's date: `datetime.today()` in Typst and the PDF creation date.
    pub date: NaiveDate,
}

/// A Typst compile or PDF export that failed.
#[derive(Debug, thiserror::Error)]
#[error("typst could not typeset the generated source: {}", .diagnostics.join("; "))]
pub struct TypesetError {
    /// One line per diagnostic: `file:line:col: message (hint: ...)`.
    pub diagnostics: Vec<String>,
}

impl Typesetter {
    /// Builds the typesetter with the embedded fonts.
    ///
    /// `modules` are Typst sources the documents may import by path (e.g.
    /// `("layout.typ", text)`); `assets` are byte files they may read (e.g. a
    /// logo that config names).
    pub fn new(modules: &[(String, String)], assets: &[(String, Vec<u8>)]) -> Self {
        Self { shared: Shared::new(modules, assets) }
    }

    /// Compiles `source` and exports it as PDF/A-2a and PDF/UA-1 (tagged,
    /// accessible, archival); Typst refuses a document that cannot be both.
    ///
    /// Same source and meta ⇒ byte-identical PDF.
    pub fn typeset(&self, source: &str, meta: &PdfMeta) -> Result<Vec<u8>, TypesetError> {
        let today = typst_date(meta.date);
        let world = DocWorld::new(&self.shared, source, today);
        let result = typst::compile::<PagedDocument>(&world).output;
        let pdf = result.and_then(|document| {
            let options = PdfOptions {
                ident: Smart::Custom(meta.ident.clone()),
                creator: Smart::Custom(Some(format!("casepress {}", env!("CARGO_PKG_VERSION")))),
                timestamp: Some(Timestamp::new_utc(today)),
                standards: PdfStandards::new(&[PdfStandard::A_2a, PdfStandard::Ua_1])
                    .expect("PDF/A-2a with PDF/UA-1 is a valid standard set"),
                tagged: true,
                ..PdfOptions::default()
            };
            typst_pdf::pdf(&document, &options)
        });
        comemo::evict(MEMO_MAX_AGE);
        // The document is compiled as `/main.typ` (file ids are interned);
        // a reader knows it as `<case_id>/<kind>.typ`.
        let named = |line: String| match line.strip_prefix("main.typ") {
            Some(rest) => format!("{}.typ{rest}", meta.ident),
            None => line,
        };
        pdf.map_err(|diags| TypesetError {
            diagnostics: diags.iter().map(|d| named(world.describe(d))).collect(),
        })
    }
}

/// Pages already drawn as SVG, by a hash of the laid-out page: a save
/// usually changes one page of a report, and drawing a page (glyph outlines
/// as paths) costs more than laying out the whole document.
#[derive(Default)]
pub struct SvgMemo {
    pages: std::sync::Mutex<HashMap<u128, std::sync::Arc<str>>>,
}

/// How many drawn pages a memo keeps before it starts afresh.
const SVG_MEMO_PAGES: usize = 512;

impl Typesetter {
    /// Compiles `source` and draws each page as SVG, for a preview in the
    /// browser: the same layout as the PDF, without the PDF export. Pages
    /// laid out exactly as before come from `memo`.
    pub fn svg_pages(
        &self,
        source: &str,
        meta: &PdfMeta,
        memo: &SvgMemo,
    ) -> Result<Vec<std::sync::Arc<str>>, TypesetError> {
        let world = DocWorld::new(&self.shared, source, typst_date(meta.date));
        let result = typst::compile::<PagedDocument>(&world).output;
        let options = typst_svg::SvgOptions::default();
        let pages = result.map(|doc| {
            doc.pages()
                .iter()
                .map(|page| {
                    let key = typst_utils::hash128(page);
                    let known = memo.pages.lock().unwrap_or_else(|e| e.into_inner()).get(&key).cloned();
                    known.unwrap_or_else(|| {
                        let svg: std::sync::Arc<str> = typst_svg::svg(page, &options).into();
                        let mut pages = memo.pages.lock().unwrap_or_else(|e| e.into_inner());
                        if pages.len() >= SVG_MEMO_PAGES {
                            pages.clear();
                        }
                        pages.insert(key, svg.clone());
                        svg
                    })
                })
                .collect()
        });
        static PREVIEWS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        if PREVIEWS.fetch_add(1, std::sync::atomic::Ordering::Relaxed).is_multiple_of(PREVIEW_EVICT_EVERY) {
            comemo::evict(PREVIEW_MEMO_MAX_AGE / PREVIEW_EVICT_EVERY);
        }
        pages.map_err(|diags| TypesetError { diagnostics: diags.iter().map(|d| world.describe(d)).collect() })
    }
}

impl DocWorld<'_> {
    /// `main.typ:12:5: message (hint: ...)` for one diagnostic.
    fn describe(&self, diag: &SourceDiagnostic) -> String {
        let place = self.locate(diag.span).unwrap_or_else(|| "main.typ".into());
        let kind = match diag.severity {
            Severity::Error => "",
            Severity::Warning => "warning: ",
        };
        let mut line = format!("{place}: {kind}{}", diag.message);
        for hint in &diag.hints {
            line.push_str(&format!(" (hint: {})", hint.v));
        }
        line
    }
}

fn typst_date(date: NaiveDate) -> Datetime {
    Datetime::from_ymd(date.year(), date.month() as u8, date.day() as u8)
        .expect("a chrono date is a valid Typst date")
}

#[cfg(test)]
mod tests;
