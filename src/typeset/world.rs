//! The sealed Typst World of one document.

use std::sync::LazyLock;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{DiagSpan, DiagSpanKind, FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, World, WorldExt};

use super::Typesetter;

/// Every document compiles as `/main.typ`. File ids are interned for the life
/// of the process (at most 65,535), so a per-case path would run out on a
/// long batch.
static MAIN: LazyLock<FileId> = LazyLock::new(|| virtual_file("main.typ"));

/// The interned id of a project file.
pub(super) fn virtual_file(path: &str) -> FileId {
    let vpath = VirtualPath::new(format!("/{}", path.trim_start_matches('/')))
        .expect("casepress names its virtual files itself");
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

/// One document's view of the world: its generated source plus the shared
/// typesetter's modules, assets and fonts.
pub(super) struct DocWorld<'a> {
    shared: &'a Typesetter,
    main: Source,
    today: Datetime,
}

impl<'a> DocWorld<'a> {
    pub(super) fn new(shared: &'a Typesetter, text: &str, today: Datetime) -> Self {
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
