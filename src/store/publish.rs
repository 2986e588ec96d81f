//! Atomic, durable writes that never replace a file, with restrictive modes.
//!
//! Write order for every file: a `.name.tmp-*` file in the destination folder
//! (`create_new`), data, `sync_all`, publish with `hard_link` (which fails
//! rather than replace an existing file; `rename` would silently replace),
//! remove the temporary name, fsync the folder.

use std::fs::{self, DirBuilder, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// An I/O failure, with the path it concerns.
#[derive(Debug, thiserror::Error)]
#[error("{}: {source}", path.display())]
pub struct StoreError {
    /// The file or folder.
    pub path: PathBuf,
    /// The underlying error.
    #[source]
    pub source: io::Error,
}

pub(super) fn at(path: &Path) -> impl FnOnce(io::Error) -> StoreError + '_ {
    move |source| StoreError { path: path.to_owned(), source }
}

/// File and folder modes for everything casepress writes.
#[derive(Debug, Clone, Copy)]
pub struct Modes {
    /// Mode of files (default 0600: these are children's records).
    pub file: u32,
    /// Mode of folders (default 0700).
    pub dir: u32,
    /// Whether an existing folder is tightened to `dir`: true for the
    /// output folder's, which casepress owns; false for folders it writes
    /// into but others set up (the cases folders, the config's folder),
    /// whose modes are theirs (decision 0218).
    pub tighten: bool,
}

impl Modes {
    /// Owner-only files and folders, tightening existing folders.
    pub const OWNER_ONLY: Modes = Modes { file: 0o600, dir: 0o700, tighten: true };

    /// These modes for a folder casepress does not own: a folder it makes
    /// gets `dir`, an existing one keeps its mode.
    pub fn in_place(self) -> Modes {
        Modes { tighten: false, ..self }
    }
}

impl Default for Modes {
    fn default() -> Self {
        Self::OWNER_ONLY
    }
}

/// What publishing a file did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Published {
    /// A new file was written at this path.
    Written(PathBuf),
    /// A file with identical bytes was already there; nothing was written.
    Unchanged(PathBuf),
}

impl Published {
    /// The path of the file, new or existing.
    pub fn path(&self) -> &Path {
        match self {
            Self::Written(p) | Self::Unchanged(p) => p,
        }
    }
}

/// Lower-case hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Lower-case hex of any bytes.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Creates `dir` and its missing parents with `modes.dir`.
///
/// The folder itself must be a real folder, not a symbolic link (a link
/// planted in the output would send children's records elsewhere), and an
/// existing folder is tightened to `modes.dir` when `modes.tighten`.
pub fn ensure_dir(dir: &Path, modes: Modes) -> Result<(), StoreError> {
    DirBuilder::new().recursive(true).mode(modes.dir).create(dir).map_err(at(dir))?;
    let meta = fs::symlink_metadata(dir).map_err(at(dir))?;
    if meta.file_type().is_symlink() {
        let e = io::Error::other("is a symbolic link: casepress writes only into real folders");
        return Err(at(dir)(e));
    }
    if modes.tighten && meta.permissions().mode() & 0o777 != modes.dir {
        fs::set_permissions(dir, fs::Permissions::from_mode(modes.dir)).map_err(at(dir))?;
    }
    Ok(())
}

/// Writes `bytes` as `dir/name`, replacing any file of that name
/// atomically (temporary file, sync, rename, folder sync), with the modes
/// of everything casepress writes. For files whose newest version is the
/// file: working copies (`--typst-dir` sources, the heartbeat, import bases)
/// and case files, which the workspace and import rewrite under the case's
/// lock. Records (PDFs, logs, the ledger) never use it.
pub fn replace(dir: &Path, name: &str, bytes: &[u8], modes: Modes) -> Result<PathBuf, StoreError> {
    replace_then(dir, name, bytes, modes, || ())
}

/// [`replace`], calling `written` once the temporary copy is durable and
/// before it takes the name: where the crash tests stop a case file's write.
pub fn replace_then(
    dir: &Path,
    name: &str,
    bytes: &[u8],
    modes: Modes,
    written: impl FnOnce(),
) -> Result<PathBuf, StoreError> {
    ensure_dir(dir, modes)?;
    let tmp = write_temp(dir, name, bytes, modes)?;
    written();
    let target = dir.join(name);
    let renamed = fs::rename(&tmp, &target).map_err(at(&target));
    if renamed.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    renamed?;
    sync_dir(dir)?;
    Ok(target)
}

/// Makes sure a file name is one plain path component.
pub fn check_file_name(name: &str) -> Result<(), String> {
    let bad = name.is_empty()
        || name == "."
        || name == ".."
        || name.starts_with('.')
        || name.chars().any(|c| c == '/' || c == '\\' || c.is_control());
    if bad {
        Err(format!(
            "`{name}` is not a safe file name: expected one path component, no leading dot, separators or control characters"
        ))
    } else {
        Ok(())
    }
}

/// Publishes `bytes` as `dir/name` atomically and durably, never replacing
/// an existing file. If `name` exists with the same bytes, nothing is written;
/// with different bytes, the file is published as `stem_2.ext`, `stem_3.ext`...
pub fn publish(dir: &Path, name: &str, bytes: &[u8], modes: Modes) -> Result<Published, StoreError> {
    let published = publish_unsynced(dir, name, bytes, modes)?;
    sync_dir(dir)?;
    Ok(published)
}

/// [`publish`] without the final fsync of the folder: for a caller that
/// publishes several files into one folder and then calls [`sync_dir`] once
/// before recording any of them.
pub fn publish_unsynced(dir: &Path, name: &str, bytes: &[u8], modes: Modes) -> Result<Published, StoreError> {
    ensure_dir(dir, modes)?;
    let digest = Sha256::digest(bytes);
    let tmp = write_temp(dir, name, bytes, modes)?;
    let result = (|| {
        for n in 1.. {
            let candidate = dir.join(numbered(name, n));
            match fs::hard_link(&tmp, &candidate) {
                Ok(()) => return Ok(Published::Written(candidate)),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                    if file_digest(&candidate).ok().as_deref() == Some(digest.as_slice()) {
                        return Ok(Published::Unchanged(candidate));
                    }
                }
                Err(e) => return Err(at(&candidate)(e)),
            }
        }
        unreachable!("the numbering loop only ends by returning")
    })();
    let _ = fs::remove_file(&tmp);
    result
}

/// Publishes `bytes` as exactly `dir/name`: written, or unchanged when the
/// same bytes are already there; an error when different bytes are.
pub fn publish_as(dir: &Path, name: &str, bytes: &[u8], modes: Modes) -> Result<Published, StoreError> {
    let published = publish_as_unsynced(dir, name, bytes, modes)?;
    if let Published::Written(_) = published {
        sync_dir(dir)?;
    }
    Ok(published)
}

/// [`publish_as`] without the fsync of the folder: for a caller that syncs
/// the folder once before recording any of its files.
pub fn publish_as_unsynced(
    dir: &Path,
    name: &str,
    bytes: &[u8],
    modes: Modes,
) -> Result<Published, StoreError> {
    ensure_dir(dir, modes)?;
    let target = dir.join(name);
    if let Ok(existing) = file_digest(&target) {
        if existing.as_slice() == Sha256::digest(bytes).as_slice() {
            return Ok(Published::Unchanged(target));
        }
        let e = io::Error::new(io::ErrorKind::AlreadyExists, "a different file already has this name");
        return Err(at(&target)(e));
    }
    let tmp = write_temp(dir, name, bytes, modes)?;
    let linked = fs::hard_link(&tmp, &target).map_err(at(&target));
    let _ = fs::remove_file(&tmp);
    linked?;
    Ok(Published::Written(target))
}

/// The first of `name`, `stem_2.ext`, `stem_3.ext`… in `dir` that is free or
/// already holds exactly `digest`.
pub fn free_name(dir: &Path, name: &str, digest: &[u8]) -> String {
    (1..)
        .map(|n| numbered(name, n))
        .find(|candidate| match file_digest(&dir.join(candidate)) {
            Ok(existing) => existing == digest,
            Err(_) => true,
        })
        .expect("some numbered name is free")
}

/// Removes temporary files (`.name.tmp-*`) that an interrupted write left in `dir`.
pub fn sweep_temp_files(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') && name.contains(".tmp-") {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Removes the temporary copies of `name` (`.name.tmp-<pid>-<n>`) in
/// `dir`: only for a caller that holds the lock every writer of `name`
/// takes. Returns the paths removed.
pub fn sweep_temp_files_of(dir: &Path, name: &str) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else { return Vec::new() };
    let mut removed = Vec::new();
    for entry in entries.flatten() {
        let file = entry.file_name();
        if temp_target(&file.to_string_lossy()) == Some(name) && fs::remove_file(entry.path()).is_ok() {
            removed.push(entry.path());
        }
    }
    removed
}

/// The name a temporary copy is written for: `name` for
/// `.name.tmp-<pid>-<n>`, the pattern every write here makes, else `None`.
pub fn temp_target(file: &str) -> Option<&str> {
    let (name, tail) = file.strip_prefix('.')?.rsplit_once(".tmp-")?;
    let (pid, n) = tail.split_once('-')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    (!name.is_empty() && digits(pid) && digits(n)).then_some(name)
}

/// `name` for n = 1, else `stem_n.ext`.
fn numbered(name: &str, n: u32) -> String {
    if n == 1 {
        return name.to_owned();
    }
    match name.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem}_{n}.{ext}"),
        None => format!("{name}_{n}"),
    }
}

fn write_temp(dir: &Path, name: &str, bytes: &[u8], modes: Modes) -> Result<PathBuf, StoreError> {
    for attempt in 0u32.. {
        let tmp = dir.join(format!(".{name}.tmp-{}-{attempt}", std::process::id()));
        let file = OpenOptions::new().write(true).create_new(true).mode(modes.file).open(&tmp);
        let mut file = match file {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(at(&tmp)(e)),
        };
        let written = file
            .write_all(bytes)
            .and_then(|()| file.set_permissions(fs::Permissions::from_mode(modes.file)))
            .and_then(|()| file.sync_all());
        if let Err(e) = written {
            let _ = fs::remove_file(&tmp);
            return Err(at(&tmp)(e));
        }
        return Ok(tmp);
    }
    unreachable!("the attempt loop only ends by returning")
}

/// SHA-256 of a file's contents.
pub fn file_digest(path: &Path) -> io::Result<Vec<u8>> {
    let mut file = File::open(path)?;
    let mut h = Sha256::new();
    io::copy(&mut file, &mut h)?;
    Ok(h.finalize().to_vec())
}

/// fsync a folder so that names created in it survive a crash.
pub fn sync_dir(dir: &Path) -> Result<(), StoreError> {
    File::open(dir).and_then(|d| d.sync_all()).map_err(at(dir))
}

/// Takes an exclusive lock on the lock file `path` (created 0600, never
/// through a symbolic link): `None` when another process holds it. The lock
/// is released when the file is dropped, or when the process ends.
pub fn try_lock(path: &Path, modes: Modes) -> Result<Option<File>, StoreError> {
    let file = open_lock_file(path, modes)?;
    match file.try_lock() {
        Ok(()) => Ok(Some(file)),
        Err(fs::TryLockError::WouldBlock) => Ok(None),
        Err(fs::TryLockError::Error(e)) => Err(at(path)(e)),
    }
}

/// Opens (creating 0600, never through a symbolic link) a lock file.
fn open_lock_file(path: &Path, modes: Modes) -> Result<File, StoreError> {
    OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .mode(modes.file)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)
        .map_err(at(path))
}

/// Takes the lock file `path`, waiting for its holder to finish. Released
/// when the file is dropped.
pub fn lock_path(path: &Path, modes: Modes) -> Result<File, StoreError> {
    let file = open_lock_file(path, modes)?;
    file.lock().map_err(at(path))?;
    Ok(file)
}

/// Takes a case folder's lock, waiting for another writer (a render batch
/// storing the case, or a lifecycle step) to finish: one writer at a time
/// per case. Released when the file is dropped.
pub fn lock_case(case_dir: &Path, modes: Modes) -> Result<File, StoreError> {
    ensure_dir(case_dir, modes)?;
    let path = case_dir.join(super::layout::CASE_LOCK);
    let file = open_lock_file(&path, modes)?;
    file.lock().map_err(at(&path))?;
    Ok(file)
}
