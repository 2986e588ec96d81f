//! The template set: embedded defaults from `templates/`, overridable file by
//! file from a folder, exportable for a service to start from.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::error::RenderError;

/// Typst module shared by every document (page, letterhead, markings, form parts).
pub const LAYOUT: &str = "layout.typ";

/// The templates shipped inside the binary.
static EMBEDDED: &[(&str, &str)] = &[
    (LAYOUT, include_str!("../../templates/layout.typ")),
    ("psr.typ.j2", include_str!("../../templates/psr.typ.j2")),
    ("gatekeeping.typ.j2", include_str!("../../templates/gatekeeping.typ.j2")),
    ("intervention-plan.typ.j2", include_str!("../../templates/intervention-plan.typ.j2")),
    ("service-agreement.typ.j2", include_str!("../../templates/service-agreement.typ.j2")),
    ("mappa-h.typ.j2", include_str!("../../templates/mappa-h.typ.j2")),
    ("mappa-a.typ.j2", include_str!("../../templates/mappa-a.typ.j2")),
    ("pprc-2.typ.j2", include_str!("../../templates/pprc-2.typ.j2")),
    ("pprc-7.typ.j2", include_str!("../../templates/pprc-7.typ.j2")),
    ("risk-summary.typ.j2", include_str!("../../templates/risk-summary.typ.j2")),
    ("progress-report.typ.j2", include_str!("../../templates/progress-report.typ.j2")),
    ("safety-link.typ.j2", include_str!("../../templates/safety-link.typ.j2")),
    ("cover-letter.typ.j2", include_str!("../../templates/cover-letter.typ.j2")),
    ("case-history.typ.j2", include_str!("../../templates/case-history.typ.j2")),
    ("subject-access.typ.j2", include_str!("../../templates/subject-access.typ.j2")),
    ("board-report.typ.j2", include_str!("../../templates/board-report.typ.j2")),
    ("macros.j2", include_str!("../../templates/macros.j2")),
];

/// The templates in use: name → text.
#[derive(Debug, Clone)]
pub struct TemplateSet {
    files: BTreeMap<String, String>,
}

impl TemplateSet {
    /// The shipped templates.
    pub fn embedded() -> Self {
        let files = EMBEDDED.iter().map(|(n, t)| (n.to_string(), t.to_string())).collect();
        Self { files }
    }

    /// The shipped templates, with any file of the same name in `dir`
    /// replacing its default. A file in `dir` that matches no template name
    /// is an error: a misspelt override must not be silently ignored.
    pub fn with_overrides(dir: &Path) -> Result<Self, RenderError> {
        let mut set = Self::embedded();
        let entries = std::fs::read_dir(dir).map_err(|e| RenderError::templates(dir, e))?;
        let mut names: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file() && !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')))
            .collect();
        names.sort();
        for path in names {
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            if !set.files.contains_key(&name) {
                let known: Vec<_> = set.files.keys().cloned().collect();
                return Err(RenderError::Templates {
                    path: path.clone(),
                    message: format!("no template is called `{name}`: expected one of {}", known.join(", ")),
                });
            }
            let text = std::fs::read_to_string(&path).map_err(|e| RenderError::templates(&path, e))?;
            set.files.insert(name, text);
        }
        Ok(set)
    }

    /// The text of one template.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.files.get(name).map(String::as_str)
    }

    /// All templates, by name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.files.iter().map(|(n, t)| (n.as_str(), t.as_str()))
    }

    /// SHA-256 over every template's name and text: part of a document's input hash.
    pub fn digest(&self) -> [u8; 32] {
        let mut h = Sha256::new();
        for (name, text) in &self.files {
            h.update((name.len() as u64).to_le_bytes());
            h.update(name);
            h.update((text.len() as u64).to_le_bytes());
            h.update(text);
        }
        h.finalize().into()
    }
}

/// What `templates export` did.
#[derive(Debug, Clone, Default)]
pub struct Exported {
    /// Templates written.
    pub written: Vec<PathBuf>,
    /// Templates already in the folder, kept as they were.
    pub kept: Vec<PathBuf>,
}

/// Writes the built-in templates into `dir` for a service to edit. A file
/// already there is never replaced: it is kept and listed.
pub fn export(dir: &Path) -> io::Result<Exported> {
    std::fs::create_dir_all(dir)?;
    let mut exported = Exported::default();
    for (name, text) in EMBEDDED {
        let path = dir.join(name);
        let file = std::fs::OpenOptions::new().write(true).create_new(true).open(&path);
        match file {
            Ok(mut file) => {
                io::Write::write_all(&mut file, text.as_bytes())?;
                exported.written.push(path);
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => exported.kept.push(path),
            Err(e) => return Err(io::Error::new(e.kind(), format!("{}: {e}", path.display()))),
        }
    }
    Ok(exported)
}
