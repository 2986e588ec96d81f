//! Append-only JSON-lines files (case logs, the filing ledger): appends that
//! never glue onto a torn line, and reads that report damaged lines.
//!
//! A write cut short (disk full, I/O error, power loss) can leave a fragment
//! with no newline at the end of the file. The next append would be glued to
//! it and both lines lost to every reader. So an append first ends any such
//! fragment with a newline: the fragment stays, as one damaged line that
//! readers report, and the new record is whole.

use std::fs::OpenOptions;
use std::io::{self, BufRead, BufReader, Write};
use std::os::unix::fs::{FileExt, OpenOptionsExt};
use std::path::Path;

use serde::de::DeserializeOwned;

use super::{Modes, StoreError, at};

/// A line that is not a JSON record: a torn or glued write.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Damaged {
    /// 1-based line number.
    pub line: usize,
    /// Its length in bytes.
    pub bytes: usize,
}

/// Appends `lines` (whole lines, each ending in `\n`) in one write, ending a
/// torn last line first; syncs the data when `sync`. Never follows a
/// symbolic link at `path`. Returns whether the file was created (its folder
/// then needs a sync for the name to be durable).
pub fn append_lines(path: &Path, lines: &[u8], modes: Modes, sync: bool) -> Result<bool, StoreError> {
    let file = OpenOptions::new()
        .create(true)
        .read(true)
        .append(true)
        .mode(modes.file)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)
        .map_err(at(path))?;
    let len = file.metadata().map_err(at(path))?.len();
    let mut last = [b'\n'];
    if len > 0 {
        file.read_exact_at(&mut last, len - 1).map_err(at(path))?;
    }
    let mut bytes = Vec::with_capacity(lines.len() + 1);
    if last[0] != b'\n' {
        bytes.push(b'\n');
    }
    bytes.extend_from_slice(lines);
    let mut file = file;
    file.write_all(&bytes).map_err(at(path))?;
    if sync {
        file.sync_data().map_err(at(path))?;
    }
    Ok(len == 0)
}

/// Reads every record of a JSON-lines file (none if it does not exist),
/// never through a symbolic link.
/// A line that is not JSON is damaged; a JSON line that is not a `T` (an
/// event from a newer version) is passed over.
pub fn read_lines<T: DeserializeOwned>(path: &Path) -> Result<(Vec<T>, Vec<Damaged>), StoreError> {
    let file = match OpenOptions::new().read(true).custom_flags(libc::O_NOFOLLOW).open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok((Vec::new(), Vec::new())),
        Err(e) => return Err(at(path)(e)),
    };
    let mut records = Vec::new();
    let mut damaged = Vec::new();
    for (i, line) in BufReader::new(file).split(b'\n').enumerate() {
        let line = line.map_err(at(path))?;
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match serde_json::from_slice::<T>(&line) {
            Ok(record) => records.push(record),
            Err(_) if serde_json::from_slice::<serde::de::IgnoredAny>(&line).is_ok() => {}
            Err(_) => damaged.push(Damaged { line: i + 1, bytes: line.len() }),
        }
    }
    Ok((records, damaged))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_append_after_a_torn_line_is_whole_and_the_fragment_is_reported() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("log.jsonl");
        append_lines(&path, b"{\"n\":1}\n", Modes::default(), true).unwrap();
        std::fs::OpenOptions::new().append(true).open(&path).unwrap().write_all(b"{\"n\":2, \"tor").unwrap();
        append_lines(&path, b"{\"n\":3}\n", Modes::default(), true).unwrap();
        let (records, damaged) = read_lines::<serde_json::Value>(&path).unwrap();
        assert_eq!(records, vec![serde_json::json!({"n": 1}), serde_json::json!({"n": 3})]);
        assert_eq!(damaged, vec![Damaged { line: 2, bytes: 12 }]);
    }

    #[test]
    fn an_append_never_follows_a_symbolic_link() {
        let tmp = tempfile::tempdir().unwrap();
        let outside = tmp.path().join("outside.txt");
        std::fs::write(&outside, b"").unwrap();
        let link = tmp.path().join("log.jsonl");
        std::os::unix::fs::symlink(&outside, &link).unwrap();
        assert!(append_lines(&link, b"{}\n", Modes::default(), true).is_err());
        assert_eq!(std::fs::read(&outside).unwrap(), b"");
    }
}
