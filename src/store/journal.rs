//! An append-only journal of JSON lines kept by the store: the statement
//! ledger. Its filer reads it by byte offset (to keep an index), appends
//! whole lines, and syncs; every reader and writer goes through this type,
//! so where the journal lives is the store's business alone.

use std::fs::File;
use std::io;
use std::path::PathBuf;

use serde::de::DeserializeOwned;

use super::jsonl::{Damaged, ReadTo, Tail, append_lines, read_lines_at, read_lines_from};
use super::publish::{Modes, StoreError, ensure_dir};

/// One append-only journal.
#[derive(Debug, Clone)]
pub struct Journal {
    path: PathBuf,
    modes: Modes,
}

impl Journal {
    pub(super) fn new(path: PathBuf, modes: Modes) -> Self {
        Self { path, modes }
    }

    /// Where it is, for messages.
    pub fn name(&self) -> String {
        self.path.display().to_string()
    }

    /// Reads the lines after `from`, giving each with its offset (see
    /// [`read_lines_from`]).
    pub fn read_from<T: DeserializeOwned>(
        &self,
        from: ReadTo,
        each: impl FnMut(u64, Result<T, Damaged>),
    ) -> Result<Tail, StoreError> {
        read_lines_from(&self.path, from, each)
    }

    /// Reads the lines at these offsets.
    pub fn read_at<T: DeserializeOwned>(
        &self,
        offsets: &[u64],
        each: impl FnMut(u64, T),
    ) -> Result<(), StoreError> {
        read_lines_at(&self.path, offsets, each)
    }

    /// Appends whole lines in one write, synced when `sync`; true when the
    /// journal was created by this append.
    pub fn append(&self, lines: &[u8], sync: bool) -> Result<bool, StoreError> {
        if let Some(dir) = self.path.parent() {
            ensure_dir(dir, self.modes)?;
        }
        append_lines(&self.path, lines, self.modes, sync)
    }

    /// A journal beside this one, named `name` (an index derived from it).
    pub fn beside(&self, name: &str) -> Journal {
        Journal::new(self.path.with_file_name(name), self.modes)
    }

    /// The file's identity (device, inode), if it exists: a reader of a
    /// derived index checks that it was made from this file.
    pub fn identity(&self) -> Option<(u64, u64)> {
        use std::os::unix::fs::MetadataExt;
        std::fs::symlink_metadata(&self.path).ok().map(|m| (m.dev(), m.ino()))
    }

    /// Replaces the whole journal with `lines`, atomically (a derived index
    /// made again from the start).
    pub fn replace(&self, lines: &[u8]) -> Result<(), StoreError> {
        let (dir, name) = (self.path.parent().unwrap_or(std::path::Path::new(".")), self.path.file_name());
        super::publish::replace(dir, &name.unwrap_or_default().to_string_lossy(), lines, self.modes).map(drop)
    }

    /// Makes every line appended so far durable.
    pub fn sync(&self) -> Result<(), StoreError> {
        match File::open(&self.path) {
            Ok(f) => f.sync_data().map_err(|source| StoreError { path: self.path.clone(), source }),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(source) => Err(StoreError { path: self.path.clone(), source }),
        }
    }
}
