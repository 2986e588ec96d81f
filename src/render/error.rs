//! What can go wrong turning a case into Typst source. Named by the renderer
//! and by the template set alike, so it sits below both.

use std::path::{Path, PathBuf};

use crate::documents::DocumentKind;
use crate::rules::Missing;

/// What went wrong turning a case into Typst source.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// `--final` with required data missing.
    #[error("cannot render a final {kind}: missing {}", .missing.iter().map(|m| format!("`{}` ({})", m.path, m.label)).collect::<Vec<_>>().join(", "))]
    Incomplete {
        /// The document kind.
        kind: DocumentKind,
        /// What is missing.
        missing: Vec<Missing>,
    },
    /// A template failed to compile or render.
    #[error("template `{template}`: {message}")]
    Template {
        /// Template name.
        template: String,
        /// minijinja's message, with its cause chain.
        message: String,
    },
    /// A template override folder or file could not be used.
    #[error("{}: {message}", path.display())]
    Templates {
        /// The file or folder.
        path: PathBuf,
        /// What was wrong.
        message: String,
    },
}

impl RenderError {
    pub(super) fn templates(path: &Path, e: std::io::Error) -> Self {
        Self::Templates { path: path.to_owned(), message: e.to_string() }
    }

    /// minijinja's message with its location and cause chain. Not `{:#}`:
    /// that dumps the template context, which holds a child's case data,
    /// into terminals and logs.
    pub(super) fn template(name: &str, e: &minijinja::Error) -> Self {
        let mut message = e.to_string();
        let mut source = std::error::Error::source(e);
        while let Some(cause) = source {
            message.push_str(&format!(": {cause}"));
            source = cause.source();
        }
        Self::Template { template: name.to_owned(), message }
    }
}
