//! One document asked of the renderer, and the Typst source it gives back.
//! The template context reads the request too, so these sit below both.

use chrono::NaiveDate;

use crate::case::Case;
use crate::documents::DocumentKind;
use crate::rules::{Facts, Missing};

/// One document to render.
#[derive(Debug, Clone, Copy)]
pub struct RenderRequest<'a> {
    /// The case.
    pub case: &'a Case,
    /// The rules' facts about it.
    pub facts: &'a Facts,
    /// Which document.
    pub kind: DocumentKind,
    /// The document's date.
    pub date: NaiveDate,
    /// A final document (refuses missing data) rather than a draft.
    pub final_: bool,
    /// The case log as it stood on `date` (nothing recorded later): the
    /// gatekeeping record shows the PSR's steps from it, and MAPPA H when
    /// it was sent.
    pub log: &'a [crate::store::LogEntry],
    /// Signatures given to an earlier version and not to this one: the
    /// document shows them as such, to be signed again.
    pub earlier_signatures: &'a [&'a crate::history::SignatureRecord],
}

/// Typst source for one document, ready to typeset.
#[derive(Debug, Clone)]
pub struct RenderedSource {
    /// The generated Typst markup.
    pub source: String,
    /// Required data still missing (drafts only; finals refuse).
    pub missing: Vec<Missing>,
    /// Everything the document lists as still to complete: the required
    /// data missing and every TO COMPLETE marker, each once.
    pub to_complete: Vec<String>,
}
