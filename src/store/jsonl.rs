//! Append-only JSON-lines files (case logs, the filing ledger): appends that
//! never glue onto a torn line, and reads that report damaged lines.
//!
//! A write cut short (disk full, I/O error, power loss) can leave a fragment
//! with no newline at the end of the file. The next append would be glued to
//! it and both lines lost to every reader. So an append first ends any such
//! fragment with a newline: the fragment stays, as one damaged line that
//! readers report, and the new record is whole.

use std::fs::OpenOptions;
use std::io::{self, BufRead, BufReader, Seek, SeekFrom, Write};
use std::os::unix::fs::{FileExt, OpenOptionsExt};
use std::path::Path;

use serde::de::DeserializeOwned;

use super::{Modes, StoreError, at};

/// A line that is not a JSON record: a torn or glued write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
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

/// How far a file of JSON lines has been read: always just after a whole
/// line, so that a reader can carry on from there when lines are appended.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReadTo {
    /// Bytes read.
    pub offset: u64,
    /// Lines read (for the line numbers of damaged lines).
    pub lines: usize,
}

/// What [`read_lines_from`] found after the last whole line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tail {
    /// Where the whole lines end.
    pub read_to: ReadTo,
    /// A fragment with no newline after it, not read: a write in progress or
    /// cut short. The next append ends it, and it is then read as damaged.
    pub fragment: Option<Damaged>,
    /// The file is shorter than `from`: it was replaced, and was read from
    /// its start.
    pub restarted: bool,
}

/// Reads the records of a JSON-lines file that follow `from`, handing each
/// to `each` with its byte offset (or its damage), without holding them all:
/// a ledger read at start-up and then followed as it grows costs memory for
/// what the reader keeps, not for the file. Blank lines and JSON that is not
/// a `T` are passed over, as in [`read_lines`].
pub fn read_lines_from<T: DeserializeOwned>(
    path: &Path,
    from: ReadTo,
    mut each: impl FnMut(u64, Result<T, Damaged>),
) -> Result<Tail, StoreError> {
    let file = match OpenOptions::new().read(true).custom_flags(libc::O_NOFOLLOW).open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Ok(Tail { restarted: from.offset > 0, ..Tail::default() });
        }
        Err(e) => return Err(at(path)(e)),
    };
    let len = file.metadata().map_err(at(path))?.len();
    let restarted = len < from.offset;
    let mut to = if restarted { ReadTo::default() } else { from };
    let mut reader = BufReader::new(file);
    reader.seek(SeekFrom::Start(to.offset)).map_err(at(path))?;
    let mut line = Vec::new();
    loop {
        line.clear();
        let n = reader.read_until(b'\n', &mut line).map_err(at(path))?;
        if n == 0 {
            return Ok(Tail { read_to: to, fragment: None, restarted });
        }
        if line.last() != Some(&b'\n') {
            let fragment = Damaged { line: to.lines + 1, bytes: line.len() };
            return Ok(Tail { read_to: to, fragment: Some(fragment), restarted });
        }
        let at_offset = to.offset;
        to.offset += n as u64;
        to.lines += 1;
        let body = &line[..line.len() - 1];
        if body.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match serde_json::from_slice::<T>(body) {
            Ok(record) => each(at_offset, Ok(record)),
            Err(_) if serde_json::from_slice::<serde::de::IgnoredAny>(body).is_ok() => {}
            Err(_) => each(at_offset, Err(Damaged { line: to.lines, bytes: body.len() })),
        }
    }
}

/// The records on the lines at `offsets` (ascending offsets that
/// [`read_lines_from`] gave), read in one forward pass.
pub fn read_lines_at<T: DeserializeOwned>(
    path: &Path,
    offsets: &[u64],
    mut each: impl FnMut(u64, T),
) -> Result<(), StoreError> {
    if offsets.is_empty() {
        return Ok(());
    }
    let file = OpenOptions::new().read(true).custom_flags(libc::O_NOFOLLOW).open(path).map_err(at(path))?;
    let mut reader = BufReader::new(file);
    let mut pos = 0u64;
    let mut line = Vec::new();
    for &offset in offsets {
        match offset.checked_sub(pos) {
            // Forward within the buffer costs no system call.
            Some(ahead) => reader.seek_relative(ahead as i64).map_err(at(path))?,
            None => {
                reader.seek(SeekFrom::Start(offset)).map_err(at(path))?;
            }
        }
        line.clear();
        let n = reader.read_until(b'\n', &mut line).map_err(at(path))?;
        pos = offset + n as u64;
        let record = serde_json::from_slice(&line).map_err(|e| {
            let why = format!("the line at byte {offset} is not what was read there before: {e}");
            at(path)(io::Error::new(io::ErrorKind::InvalidData, why))
        })?;
        each(offset, record);
    }
    Ok(())
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
    fn a_reader_carries_on_where_it_stopped_and_leaves_a_fragment_unread() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("log.jsonl");
        let read = |from| {
            let mut seen = Vec::new();
            let tail = read_lines_from::<serde_json::Value>(&path, from, |at, r| seen.push((at, r))).unwrap();
            (seen, tail)
        };
        let (seen, tail) = read(ReadTo::default());
        assert!(seen.is_empty() && !tail.restarted, "no file yet: nothing");
        append_lines(&path, b"{\"n\":1}\n\n", Modes::default(), true).unwrap();
        std::fs::OpenOptions::new().append(true).open(&path).unwrap().write_all(b"{\"n\":2").unwrap();
        let (seen, tail) = read(ReadTo::default());
        assert_eq!(seen, vec![(0, Ok(serde_json::json!({"n": 1})))]);
        assert_eq!(tail.read_to, ReadTo { offset: 9, lines: 2 });
        assert_eq!(tail.fragment, Some(Damaged { line: 3, bytes: 6 }));
        append_lines(&path, b"{\"n\":3}\n", Modes::default(), true).unwrap();
        let (seen, tail) = read(tail.read_to);
        assert_eq!(
            seen,
            vec![(9, Err(Damaged { line: 3, bytes: 6 })), (16, Ok(serde_json::json!({"n": 3})))]
        );
        assert_eq!(tail.fragment, None);
        let mut at = Vec::new();
        read_lines_at::<serde_json::Value>(&path, &[0, 16], |o, v| at.push((o, v))).unwrap();
        assert_eq!(at, vec![(0, serde_json::json!({"n": 1})), (16, serde_json::json!({"n": 3}))]);
        std::fs::write(&path, b"{\"n\":4}\n").unwrap();
        let (seen, tail) = read(tail.read_to);
        assert!(tail.restarted, "a shorter file was replaced: read again from the start");
        assert_eq!(seen, vec![(0, Ok(serde_json::json!({"n": 4})))]);
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
