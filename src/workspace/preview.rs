//! The live preview: a document typeset as its draft would print, drawn as
//! one SVG per page by Typst's own renderer, kept for the few most recent
//! versions so that the pages of a save are typeset once.

use std::sync::Arc;
use std::time::{Duration, Instant};

use super::recent::Recent;

use chrono::NaiveDate;

use crate::documents::DocumentKind;
use crate::typeset::SvgMemo;

/// The pages of one version of one document, or why it could not be made.
pub type Pages = Arc<Result<Vec<Arc<str>>, String>>;

/// Which document, which version of the case file, which day.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PreviewKey {
    /// The case.
    pub case_id: String,
    /// The document.
    pub kind: DocumentKind,
    /// The case file's SHA-256.
    pub version: String,
    /// The draft's date.
    pub date: NaiveDate,
}

impl PreviewKey {
    /// What the browser puts in an image address so that a new version is
    /// fetched and an old one comes from its cache.
    pub fn stamp(&self) -> String {
        format!("{}-{}", &self.version[..16.min(self.version.len())], self.date)
    }
}

/// How long a session may fetch the pages of a preview it was shown without
/// the case being opened and its access checked again: long enough for the
/// browser to fetch every page, short enough that a change of allocation
/// holds at once for anything newer.
const GRANT_LIFE: Duration = Duration::from_secs(60);

/// Recently made previews.
pub struct Previews {
    recent: Recent<PreviewKey, Pages>,
    drawn: SvgMemo,
    /// The previews sessions were just shown, by the SHA-256 of the
    /// session's token (the token itself is never kept) and key: small
    /// entries, holding no pages, so the grants never keep pages alive.
    granted: Recent<(String, PreviewKey), Instant>,
}

impl Previews {
    /// Keeps the `keep` most recent.
    pub fn new(keep: usize) -> Self {
        Self { recent: Recent::new(keep), drawn: SvgMemo::default(), granted: Recent::new(keep * 4) }
    }

    /// Notes that the session `token`, whose access to the case was just
    /// checked, was shown the preview `key`: the pages it then fetches are
    /// served without opening the case again (decision 0195).
    pub fn grant(&self, token: &str, key: &PreviewKey) {
        self.granted.insert((crate::store::sha256_hex(token.as_bytes()), key.clone()), Instant::now);
    }

    /// The pages of the preview stamped `stamp` that `token` was shown in
    /// the last minute, if they are still kept.
    pub fn granted(&self, token: &str, case_id: &str, kind: DocumentKind, stamp: &str) -> Option<Pages> {
        let token = crate::store::sha256_hex(token.as_bytes());
        let shown = |(t, key): &(String, PreviewKey)| {
            *t == token && key.case_id == case_id && key.kind == kind && key.stamp() == stamp
        };
        let (_, (_, key)) = self.granted.find_entry(shown).filter(|(at, _)| at.elapsed() <= GRANT_LIFE)?;
        self.recent.get(&key)
    }

    /// The pages for `key`, typeset by `make` if they are not kept.
    pub fn get_or_make(
        &self,
        key: &PreviewKey,
        make: impl FnOnce(&SvgMemo) -> Result<Vec<Arc<str>>, String>,
    ) -> Pages {
        if let Some(pages) = self.recent.get(key) {
            return pages;
        }
        let pages = Arc::new(make(&self.drawn));
        self.recent.insert(key.clone(), || pages.clone());
        pages
    }
}
