//! Reading cases from files, folders, arrays and NDJSON.
//!
//! Parsing is typed from the raw text (never through an untyped `Value`,
//! which would silently keep the last of two duplicate keys). Each case in an
//! array or NDJSON file is parsed on its own, so one bad case fails alone.

use std::path::{Path, PathBuf};

use serde_json::value::RawValue;
use walkdir::WalkDir;

use super::error::explain;
use super::{Case, CaseError, Limits};

/// A case as loaded, with where it came from.
#[derive(Debug, Clone)]
pub struct LoadedCase {
    /// The validated case.
    pub case: Case,
    /// The file it came from.
    pub file: PathBuf,
    /// 1-based line where the case starts in that file.
    pub line: usize,
}

/// Case files are found by extension; everything else in a folder is
/// ignored, as is a JSON Schema kept beside the cases for editors
/// (`*.schema.json`).
pub(super) fn is_case_file(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str());
    let hidden = name.is_none_or(|n| n.starts_with('.'));
    let schema = name.is_some_and(|n| n.ends_with(".schema.json"));
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    !hidden && !schema && matches!(ext, "json" | "ndjson" | "jsonl")
}

/// A statement's sidecar: `<stem>.json` beside the statement `<stem>.pdf`
/// it describes (the statement inbox's convention). A folder of cases may
/// hold an inbox; its sidecars are not cases. Named on its own, such a
/// file is still read as a case file (and fails as one).
pub(super) fn is_statement_sidecar(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "json") && path.with_extension("pdf").is_file()
}

/// Expands files and folders (walked recursively, sorted by name) into the
/// list of case files, in a deterministic order. In a folder, only case
/// files count: not hidden files, JSON schemas or statements' sidecars.
pub fn discover(inputs: &[PathBuf]) -> Result<Vec<PathBuf>, CaseError> {
    let mut files = Vec::new();
    for input in inputs {
        let meta =
            std::fs::metadata(input).map_err(|e| CaseError::file(input, format!("cannot read: {e}")))?;
        if meta.is_file() {
            files.push(input.clone());
            continue;
        }
        let walker = WalkDir::new(input).sort_by_file_name().follow_links(false);
        for entry in walker {
            let entry = entry.map_err(|e| CaseError::file(input, format!("cannot walk folder: {e}")))?;
            if entry.file_type().is_file()
                && is_case_file(entry.path())
                && !is_statement_sidecar(entry.path())
            {
                files.push(entry.into_path());
            }
        }
    }
    Ok(files)
}

/// Loads every case in one file. A file that cannot be read or parsed at all
/// yields one error; otherwise each case succeeds or fails on its own.
pub fn load_file(file: &Path) -> Vec<Result<LoadedCase, CaseError>> {
    let mut cases = Vec::new();
    load_file_each(file, |c| cases.push(c));
    cases
}

/// [`load_file`], giving each case to `each` as soon as it is parsed, so a
/// caller that keeps less than the parsed case holds one at a time.
pub fn load_file_each(file: &Path, each: impl FnMut(Result<LoadedCase, CaseError>)) {
    load_file_limited(file, &Limits::default(), each);
}

/// [`load_file_each`] with these limits on case text.
pub fn load_file_limited(file: &Path, limits: &Limits, each: impl FnMut(Result<LoadedCase, CaseError>)) {
    match std::fs::read(file) {
        Ok(bytes) => parse_bytes_each(&bytes, file, limits, each),
        Err(e) => {
            let mut each = each;
            each(Err(CaseError::file(file, format!("cannot read: {e}"))));
        }
    }
}

/// Parses the bytes of a case file. `file` is used for messages and to tell
/// NDJSON (`.ndjson`, `.jsonl`) from JSON.
pub fn parse_bytes(bytes: &[u8], file: &Path) -> Vec<Result<LoadedCase, CaseError>> {
    let mut cases = Vec::new();
    parse_bytes_each(bytes, file, &Limits::default(), |c| cases.push(c));
    cases
}

fn parse_bytes_each(
    bytes: &[u8],
    file: &Path,
    limits: &Limits,
    mut each: impl FnMut(Result<LoadedCase, CaseError>),
) {
    if let Some(which) = utf16(bytes) {
        return each(Err(CaseError::file(
            file,
            format!("the file is UTF-16 ({which}): expected UTF-8 JSON (re-save it as UTF-8)"),
        )));
    }
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        return each(Err(CaseError::file(
            file,
            "file starts with a UTF-8 byte-order mark: expected plain UTF-8 JSON (re-save without BOM)",
        )));
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let line = bytes[..e.valid_up_to()].iter().filter(|&&b| b == b'\n').count() + 1;
            let mut err = CaseError::file(file, "invalid UTF-8: expected UTF-8 encoded JSON");
            err.line = Some(line);
            return each(Err(err));
        }
    };
    let ndjson = matches!(file.extension().and_then(|e| e.to_str()), Some("ndjson" | "jsonl"));
    if ndjson {
        text.lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .for_each(|(i, l)| each(parse_case(l, file, i, None, limits)));
    } else if text.trim_start().starts_with('[') {
        parse_array(text, file, limits, each);
    } else {
        each(parse_case(text, file, 0, None, limits));
    }
}

/// UTF-16 by its byte-order mark, or by a NUL beside each ASCII letter:
/// which byte order.
fn utf16(bytes: &[u8]) -> Option<&'static str> {
    match bytes {
        [0xFF, 0xFE, ..] | [_, 0, _, 0, ..] => Some("little-endian"),
        [0xFE, 0xFF, ..] | [0, _, 0, _, ..] => Some("big-endian"),
        _ => None,
    }
}

fn parse_array(
    text: &str,
    file: &Path,
    limits: &Limits,
    mut each: impl FnMut(Result<LoadedCase, CaseError>),
) {
    let elements: Vec<&str> = match serde_json::from_str::<Vec<&RawValue>>(text) {
        Ok(items) => items.iter().map(|r| r.get()).collect(),
        // One malformed case: the others are found by brackets alone, and
        // each parsed (and failed) on its own.
        Err(e) => match array_elements(text) {
            Some(ranges) => ranges.into_iter().map(|r| &text[r]).collect(),
            None => {
                return each(Err(json_error(&e, file, 0, None, "", "expected a JSON array of case objects")));
            }
        },
    };
    // Lines are counted from the previous element on, not from the start
    // of the file each time: linear, not quadratic, in the array's size.
    let (mut counted_to, mut line_offset) = (0, 0);
    for (i, element) in elements.into_iter().enumerate() {
        let offset = element.as_ptr() as usize - text.as_ptr() as usize;
        line_offset += text.as_bytes()[counted_to..offset].iter().filter(|&&b| b == b'\n').count();
        counted_to = offset;
        if element.is_empty() {
            let mut err =
                CaseError::file(file, "malformed JSON: an empty place in the array (a comma too many)");
            err.line = Some(line_offset + 1);
            err.json_path = Some(format!("[{i}]"));
            each(Err(err));
            continue;
        }
        each(parse_case(element, file, line_offset, Some(i), limits));
    }
}

/// The top-level elements of a JSON array, trimmed, found by its brackets
/// and strings alone, so that a syntax error inside one element leaves the
/// others readable. `None` when the brackets themselves do not close.
pub fn array_elements(text: &str) -> Option<Vec<std::ops::Range<usize>>> {
    let bytes = text.as_bytes();
    let mut i = text.len() - text.trim_start().len();
    if bytes.get(i) != Some(&b'[') {
        return None;
    }
    i += 1;
    let (mut out, mut start, mut depth, mut in_string) = (Vec::new(), i, 0usize, false);
    let trimmed = |r: std::ops::Range<usize>| {
        let s = &text[r.clone()];
        let lead = s.len() - s.trim_start().len();
        r.start + lead..r.start + lead + s.trim().len()
    };
    while i < bytes.len() {
        match (in_string, bytes[i]) {
            (true, b'\\') => i += 1,
            (true, b'"') => in_string = false,
            (true, _) => {}
            (false, b'"') => in_string = true,
            (false, b'[' | b'{') => depth += 1,
            (false, b']') if depth == 0 => {
                let last = trimmed(start..i);
                if !last.is_empty() || !out.is_empty() {
                    out.push(last);
                }
                return text[i + 1..].trim().is_empty().then_some(out);
            }
            (false, b']' | b'}') => depth = depth.checked_sub(1)?,
            (false, b',') if depth == 0 => {
                out.push(trimmed(start..i));
                start = i + 1;
            }
            (false, _) => {}
        }
        i += 1;
    }
    None
}

/// Parses one case; `line_offset` is the 0-based line where `text` starts in
/// the file, `index` its position in an array.
fn parse_case(
    text: &str,
    file: &Path,
    line_offset: usize,
    index: Option<usize>,
    limits: &Limits,
) -> Result<LoadedCase, CaseError> {
    if let Some((path, why)) = limits.check(text) {
        let mut parts: Vec<String> = index.map(|i| format!("[{i}]")).into_iter().collect();
        parts.extend((!path.is_empty()).then_some(path));
        return Err(CaseError {
            file: file.to_owned(),
            line: Some(line_offset + 1),
            column: None,
            json_path: (!parts.is_empty()).then(|| parts.join(".")),
            message: why,
        });
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let case: Case = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let inner = e.inner();
        if inner.is_syntax() || inner.is_eof() {
            // The path of a syntax error is meaningless (`?`): say where and what.
            return json_error(inner, file, line_offset, index, "", "malformed JSON");
        }
        json_error(inner, file, line_offset, index, &e.path().to_string(), "")
    })?;
    de.end().map_err(|e| {
        json_error(&e, file, line_offset, index, "", "expected one case object per file or line")
    })?;
    Ok(LoadedCase { case, file: file.to_owned(), line: line_offset + 1 })
}

/// Builds a [`CaseError`] from serde_json's error, with the JSON path made
/// of the array index (if any) and the path within the case.
fn json_error(
    e: &serde_json::Error,
    file: &Path,
    line_offset: usize,
    index: Option<usize>,
    path: &str,
    context: &str,
) -> CaseError {
    let full = e.to_string();
    let message = full.rsplit_once(" at line ").map_or(full.as_str(), |(m, _)| m);
    let mut message = explain(message);
    if !context.is_empty() && (e.is_syntax() || e.is_eof()) {
        message = format!("{context}: {message}");
    }
    let mut parts: Vec<String> = index.map(|i| format!("[{i}]")).into_iter().collect();
    if !path.is_empty() && path != "." {
        parts.push(path.to_owned());
    }
    CaseError {
        file: file.to_owned(),
        line: (e.line() > 0).then(|| e.line() + line_offset),
        column: (e.column() > 0).then_some(e.column()),
        json_path: (!parts.is_empty()).then(|| parts.join(".")),
        message,
    }
}
