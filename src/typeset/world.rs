//! The sealed Typst World of one document, and the files, fonts and library
//! that every document's world shares. The [`Typesetter`](super::Typesetter)
//! owns a [`Shared`] and compiles through a [`DocWorld`]; nothing here names
//! the typesetter, so the dependency runs one way.

use std::collections::HashMap;
use std::sync::LazyLock;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{DiagSpan, DiagSpanKind, FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World, WorldExt};

use super::fonts;

/// Every document compiles as `/main.typ`. File ids are interned for the life
/// of the process (at most 65,535), so a per-case path would run out on a
/// long batch.
static MAIN: LazyLock<FileId> = LazyLock::new(|| virtual_file("main.typ"));

/// The interned id of a project file.
fn virtual_file(path: &str) -> FileId {
    let vpath = VirtualPath::new(format!("/{}", path.trim_start_matches('/')))
        .expect("casepress names its virtual files itself");
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

/// What every document's world sees besides its own source: the standard
/// library, the fonts, the shared Typst modules and the named assets.
pub(super) struct Shared {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    modules: HashMap<FileId, Source>,
    assets: HashMap<FileId, Bytes>,
}

impl Shared {
    /// The embedded fonts, `modules` (Typst sources documents may import by
    /// path) and `assets` (byte files they may read).
    pub(super) fn new(modules: &[(String, String)], assets: &[(String, Vec<u8>)]) -> Self {
        let fonts = fonts::embedded();
        let book = FontBook::from_fonts(&fonts);
        let modules = modules
            .iter()
            .map(|(path, text)| {
                let id = virtual_file(path);
                (id, Source::new(id, text.clone()))
            })
            .collect();
        let assets =
            assets.iter().map(|(path, bytes)| (virtual_file(path), Bytes::new(bytes.clone()))).collect();
        // `pdf.header-cell` (row headers in label/value tables) is one of
        // Typst's accessibility extras.
        let features: typst::Features = [typst::Feature::A11yExtras].into_iter().collect();
        let library = Library::builder().with_features(features).build();
        Self { library: LazyHash::new(library), book: LazyHash::new(book), fonts, modules, assets }
    }
}

/// One document's view of the world: its generated source plus the shared
/// modules, assets and fonts.
pub(super) struct DocWorld<'a> {
    shared: &'a Shared,
    main: Source,
    today: Datetime,
}

impl<'a> DocWorld<'a> {
    pub(super) fn new(shared: &'a Shared, text: &str, today: Datetime) -> Self {
        Self { shared, main: Source::new(*MAIN, text.to_owned()), today }
    }

    /// `main.typ:line:col` (1-based) of a diagnostic span, if it has one.
    pub(super) fn locate(&self, span: DiagSpan) -> Option<String> {
        let id = match span.get() {
            DiagSpanKind::Detached => return None,
            DiagSpanKind::Number { id, .. } | DiagSpanKind::Range { id, .. } => id,
        };
        let range = self.range(span)?;
        let source = self.source(id).ok()?;
        let (line, col) = source.lines().byte_to_line_column(range.start)?;
        let name = id.get().vpath().get_without_slash().to_owned();
        Some(format!("{name}:{}:{}", line + 1, col + 1))
    }
}

impl World for DocWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.shared.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.shared.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            return Ok(self.main.clone());
        }
        self.shared.modules.get(&id).cloned().ok_or_else(|| not_found(id))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if let Ok(source) = self.source(id) {
            return Ok(Bytes::from_string(source));
        }
        self.shared.assets.get(&id).cloned().ok_or_else(|| not_found(id))
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.shared.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}

/// Anything not served from memory does not exist, whatever is on disk.
fn not_found(id: FileId) -> FileError {
    FileError::NotFound(id.get().vpath().get_without_slash().into())
}
