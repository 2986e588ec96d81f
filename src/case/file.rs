//! A case inside its file: read by case id from a single-case JSON file, an
//! array, or an NDJSON line, changed, checked with the batch's loader, and
//! written back atomically in the file's own shape and mode. The workspace's
//! saves and `import`'s updates both go through it. The copies that killed
//! writes left are swept here too ([`sweep_killed_writes`]).

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::{CaseError, LoadedCase};
use crate::store::{self, Modes};

/// Where a case's JSON lives in its file.
#[derive(Debug, Clone)]
pub struct CaseFile {
    /// The file.
    pub file: PathBuf,
    /// The whole file's bytes as read.
    pub bytes: Vec<u8>,
    /// The case's JSON.
    pub case: Value,
    shape: Shape,
}

#[derive(Debug, Clone, Copy)]
enum Shape {
    Object,
    Array(usize),
    Line(usize),
}

impl CaseFile {
    /// Reads the case `case_id` from `file`.
    pub fn read(file: &Path, case_id: &str) -> Result<Self, String> {
        let bytes = std::fs::read(file).map_err(|e| format!("{}: cannot read: {e}", file.display()))?;
        let text = std::str::from_utf8(&bytes).map_err(|_| format!("{}: not UTF-8", file.display()))?;
        let is_case = |v: &Value| v.get("case_id").and_then(Value::as_str) == Some(case_id);
        let not_here = || format!("{}: no case `{case_id}` in this file", file.display());
        let ndjson = matches!(file.extension().and_then(|e| e.to_str()), Some("ndjson" | "jsonl"));
        let (case, shape) = if ndjson {
            text.lines()
                .enumerate()
                .find_map(|(i, l)| {
                    serde_json::from_str::<Value>(l).ok().filter(is_case).map(|v| (v, Shape::Line(i)))
                })
                .ok_or_else(not_here)?
        } else {
            match serde_json::from_str::<Value>(text).map_err(|e| format!("{}: {e}", file.display()))? {
                Value::Array(items) => items
                    .into_iter()
                    .enumerate()
                    .find(|(_, v)| is_case(v))
                    .map(|(i, v)| (v, Shape::Array(i)))
                    .ok_or_else(not_here)?,
                v if is_case(&v) => (v, Shape::Object),
                _ => return Err(not_here()),
            }
        };
        Ok(Self { file: file.to_owned(), bytes, case, shape })
    }

    /// This case file as it is once `bytes`, holding `case`, are written.
    pub fn replaced(&self, bytes: Vec<u8>, case: Value) -> Self {
        Self { file: self.file.clone(), bytes, case, shape: self.shape }
    }

    /// The version a form carries: the SHA-256 of the file as read.
    pub fn version(&self) -> String {
        store::sha256_hex(&self.bytes)
    }

    /// The whole file with `case` in place of this case, in the file's own
    /// shape: an object file pretty-printed, an NDJSON line compact.
    pub fn with_case(&self, case: &Value) -> Result<Vec<u8>, String> {
        let text = String::from_utf8_lossy(&self.bytes);
        let pretty = |v: &Value| serde_json::to_string_pretty(v).map_err(|e| e.to_string());
        Ok(match self.shape {
            Shape::Object => format!("{}\n", pretty(case)?).into_bytes(),
            Shape::Array(i) => {
                let mut all: Vec<Value> = serde_json::from_str(&text).map_err(|e| e.to_string())?;
                all[i] = case.clone();
                format!("{}\n", pretty(&Value::Array(all))?).into_bytes()
            }
            Shape::Line(n) => {
                let line = serde_json::to_string(case).map_err(|e| e.to_string())?;
                let mut out = String::with_capacity(text.len() + line.len());
                for (i, l) in text.lines().enumerate() {
                    out.push_str(if i == n { &line } else { l });
                    out.push('\n');
                }
                out.into_bytes()
            }
        })
    }

    /// Checks that `bytes` load as cases, this one included; the case as
    /// loaded, or the load error for this case.
    pub fn load(&self, bytes: &[u8], case_id: &str) -> Result<LoadedCase, CaseError> {
        crate::case::parse_bytes(bytes, &self.file)
            .into_iter()
            .find(|r| match r {
                Ok(c) => c.case.case_id.as_str() == case_id,
                Err(e) => e.json_path.is_some() || matches!(self.shape, Shape::Object),
            })
            .unwrap_or_else(|| Err(CaseError::file(&self.file, format!("no case `{case_id}` in this file"))))
    }

    /// Replaces the file atomically with `bytes`, keeping its mode. Only
    /// the holder of the file's lock writes it, so any temporary copy of
    /// this file in its folder is left by a write that was killed, and is
    /// removed first: the cases folder never keeps a stale copy of a case.
    pub fn write(&self, bytes: &[u8], _held: &store::CaseFileLock) -> Result<(), String> {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&self.file).map(|m| m.permissions().mode() & 0o777).unwrap_or(0o600);
        let dir = self.file.parent().unwrap_or(Path::new("."));
        let name = self.file.file_name().and_then(|n| n.to_str()).ok_or("case file name is not UTF-8")?;
        store::sweep_temp_files_of(dir, name);
        // The cases folder is the service's (a case system's export may
        // write it too): its mode is kept.
        let written = || crate::failpoint("case-file:before-publish");
        store::replace_then(dir, name, bytes, Modes { file: mode, dir: 0o700, tighten: false }, written)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

/// Removes from the case folders `folders` (or beside a case file named
/// on its own) every temporary copy of a case file (`.name.tmp-<pid>-<n>`)
/// that a killed write left, each under its file's lock (decision 0125):
/// every writer of a case file holds that lock while its copy exists, so a
/// copy found under it is a dead write's. Looks where the loader looks
/// (case files' names, in the folders and below), but never in the output
/// root `out`, whose own temporaries are not case files. Returns the
/// copies removed.
pub fn sweep_killed_writes(folders: &[PathBuf], out: &Path, records: &store::Records) -> Vec<PathBuf> {
    use std::os::unix::fs::MetadataExt;
    let at = |p: &Path| std::fs::metadata(p).ok().map(|m| (m.dev(), m.ino()));
    let output = at(out);
    let mut removed = Vec::new();
    for folder in folders {
        if folder.is_file() {
            // A case file named on its own: its own copies, beside it.
            let (Some(dir), Some(name)) = (folder.parent(), folder.file_name().and_then(|n| n.to_str()))
            else {
                continue;
            };
            if let Ok(_held) = records.lock_case_file(folder) {
                let dir = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
                removed.extend(store::sweep_temp_files_of(dir, name));
            }
            continue;
        }
        let walker = walkdir::WalkDir::new(folder).sort_by_file_name().follow_links(false).into_iter();
        let walker =
            walker.filter_entry(|e| !e.file_type().is_dir() || output.is_none() || at(e.path()) != output);
        for entry in walker.flatten().filter(|e| e.file_type().is_file()) {
            let name = entry.file_name().to_string_lossy();
            let Some(target) = store::temp_target(&name) else { continue };
            let case_file = entry.path().with_file_name(target);
            if !super::load::is_case_file(&case_file) || super::load::is_statement_sidecar(&case_file) {
                continue;
            }
            // A lock that cannot be taken leaves the copy for the next command.
            let Ok(_held) = records.lock_case_file(&case_file) else { continue };
            let dir = case_file.parent().unwrap_or(Path::new("."));
            removed.extend(store::sweep_temp_files_of(dir, target));
        }
    }
    removed
}
