//! The inbox: which files to consider, whether each has finished arriving,
//! and reading one (capped, hashed, with its sidecar). No decisions here.

use std::collections::HashMap;
use std::ffi::OsString;
use std::fs::{self, File};
use std::io::{self, Read};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use super::fields::{Sidecar as SidecarFields, StatementFields};
use super::read::{MAX_FILE_BYTES, read_pdf};
use crate::store;

/// What is in the inbox: files to consider (sorted; sidecars travel with
/// their PDF), and entries that are not regular files, which are left where
/// they are and reported.
#[derive(Debug, Default)]
pub struct Contents {
    /// Regular files to file.
    pub files: Vec<PathBuf>,
    /// Anything else (a symbolic link, a folder, a pipe), with what it is.
    pub others: Vec<(PathBuf, &'static str)>,
}

/// What a file claimed for removal is called while it is checked: a private
/// name in the inbox folder (so the rename never crosses file systems).
const CLAIM: &str = ".casepress-claim-";

/// Lists the inbox. A file a killed run claimed for removal (and never
/// removed) gets its name back first, so it is looked at again: a statement
/// already filed is then a duplicate, a newer one is filed.
pub fn inbox_files(inbox: &Path) -> io::Result<Contents> {
    for entry in fs::read_dir(inbox)?.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(original) = name.strip_prefix(CLAIM).and_then(|rest| rest.split_once('-')).map(|(_, n)| n)
        {
            let _ = give_back(&entry.path(), &inbox.join(original));
        }
    }
    let mut contents = Contents::default();
    for entry in fs::read_dir(inbox)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let lower = name.to_lowercase();
        // Skip dotfiles, partial downloads, temporary and Office lock files.
        let transient = name.starts_with('.')
            || name.starts_with("~$")
            || [".part", ".filepart", ".tmp", ".crdownload"].iter().any(|s| lower.ends_with(s));
        if transient {
            continue;
        }
        let kind = entry.file_type()?;
        if !kind.is_file() {
            let what = if kind.is_symlink() {
                "a symbolic link, not a file: put the statement file itself in the inbox"
            } else if kind.is_dir() {
                "a folder, not a file: put the statements themselves in the inbox"
            } else {
                "not a regular file (a pipe, socket or device)"
            };
            contents.others.push((entry.path(), what));
            continue;
        }
        let path = entry.path();
        if lower.ends_with(".json") && sibling_pdf(&path).is_some() {
            continue;
        }
        contents.files.push(path);
    }
    contents.files.sort();
    contents.others.sort();
    Ok(contents)
}

fn sibling_pdf(json: &Path) -> Option<PathBuf> {
    ["pdf", "PDF"].iter().map(|e| json.with_extension(e)).find(|p| p.is_file())
}

/// The sidecar `<stem>.json` of a PDF, if there is one.
pub fn sidecar_of(pdf: &Path) -> Option<PathBuf> {
    let p = pdf.with_extension("json");
    p.is_file().then_some(p)
}

/// An inbox file, read.
pub struct Arrived {
    /// Its bytes (at most [`MAX_FILE_BYTES`]).
    pub bytes: Vec<u8>,
    /// Larger than [`MAX_FILE_BYTES`]: not a statement download.
    pub too_big: bool,
    /// SHA-256 of `bytes`.
    pub sha256: String,
    /// Which file it was: it leaves the inbox only if it is still this one.
    pub identity: Identity,
    /// Its sidecar JSON, if any, as read.
    pub sidecar: Option<Sidecar>,
}

/// A sidecar JSON as read with its PDF.
pub struct Sidecar {
    /// Where it is in the inbox.
    pub path: PathBuf,
    /// Its bytes: what is filed, and what must still be there to remove it.
    pub bytes: Vec<u8>,
}

/// A file's identity and content when it was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Identity {
    dev: u64,
    ino: u64,
    len: u64,
    mtime: (i64, i64),
}

impl Identity {
    /// The identity of the file `m` describes.
    pub fn of(m: &fs::Metadata) -> Self {
        Self { dev: m.dev(), ino: m.ino(), len: m.len(), mtime: (m.mtime(), m.mtime_nsec()) }
    }
}

/// Files the watcher saw finished, by name in the inbox: closed after
/// writing, or moved in whole, with their identity then (decision 0191).
pub type SeenWhole = HashMap<OsString, Identity>;

/// When an inbox file may be read: it is whole.
#[derive(Debug, Clone, Copy)]
pub struct Settle<'a> {
    /// A file modified more recently than this is still arriving.
    pub quiet: Duration,
    /// Files the watcher saw finished: whole at once while unchanged since.
    pub seen_whole: &'a SeenWhole,
}

impl Settle<'_> {
    /// Whether a file with this name and metadata is whole: unchanged since
    /// the watcher saw it finished, or untouched for the quiet time.
    fn is_whole(&self, path: &Path, m: &fs::Metadata) -> Result<bool, String> {
        let seen = path.file_name().and_then(|n| self.seen_whole.get(n));
        if seen == Some(&Identity::of(m)) {
            return Ok(true);
        }
        let modified = m.modified().map_err(|e| e.to_string())?;
        Ok(SystemTime::now().duration_since(modified).unwrap_or_default() >= self.quiet)
    }
}

/// Reads an inbox file once it has settled: `Ok(Err(reason))` when
/// it is still arriving or changed while being read (left for the next run).
pub fn read_settled(path: &Path, settle: &Settle) -> Result<Result<Arrived, &'static str>, String> {
    let before = fs::metadata(path).map_err(|e| e.to_string())?;
    if !settle.is_whole(path, &before)? {
        return Ok(Err("still arriving: left for the next run"));
    }
    let (bytes, too_big, opened) = read_capped(path).map_err(|e| e.to_string())?;
    let after = fs::metadata(path).map_err(|e| e.to_string())?;
    let identity = Identity::of(&opened);
    if Identity::of(&before) != identity || Identity::of(&after) != identity {
        return Ok(Err("changed while being read: left for the next run"));
    }
    let sha256 = store::sha256_hex(&bytes);
    let sidecar = match sidecar_of(path) {
        Some(p) => Some(Sidecar {
            bytes: fs::read(&p).map_err(|e| format!("sidecar {}: {e}", p.display()))?,
            path: p,
        }),
        None => None,
    };
    Ok(Ok(Arrived { bytes, too_big, sha256, identity, sidecar }))
}

/// What a statement says about itself: the PDF's labelled fields, overridden
/// by its sidecar; an error in words when it is not a usable statement.
pub fn fields_of(arrived: &Arrived) -> Result<StatementFields, String> {
    if arrived.too_big {
        return Err(format!("larger than {} MB: not a statement download", MAX_FILE_BYTES / 1024 / 1024));
    }
    let mut f = read_pdf(arrived.bytes.clone())?;
    if let Some(side) = &arrived.sidecar {
        let parsed: SidecarFields = serde_json::from_slice(&side.bytes)
            .map_err(|e| format!("sidecar {}: {e}", side.path.display()))?;
        let problems = f.apply_sidecar(parsed);
        if !problems.is_empty() {
            return Err(problems.join("; "));
        }
    }
    let missing = f.missing_required();
    if missing.is_empty() {
        Ok(f)
    } else {
        Err(format!(
            "required fields not found: {} (expected `Label: value` lines; see the statement PDF reference, docs/reference/statement-pdf.md)",
            missing.join(", ")
        ))
    }
}

/// Reads at most `MAX_FILE_BYTES` (+1 to detect larger files), and the
/// metadata of the file it opened.
fn read_capped(path: &Path) -> io::Result<(Vec<u8>, bool, fs::Metadata)> {
    let mut bytes = Vec::new();
    let file = File::open(path)?;
    let opened = file.metadata()?;
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes)?;
    let too_big = bytes.len() as u64 > MAX_FILE_BYTES;
    Ok((bytes, too_big, opened))
}

/// What removing a filed statement from the inbox came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Removal {
    /// It (and its sidecar) left the inbox.
    Removed,
    /// The name now holds a different file (a newer download saved over it,
    /// or the file rewritten): it stays, for the next run to file.
    Replaced,
}

/// Removes a filed statement and its sidecar from the inbox, each only if
/// it is still exactly what was read: the same file, unchanged. The file is
/// claimed first, by renaming it to a private name in the inbox folder, and
/// only then checked: whatever is saved under its name from that instant
/// on is a new arrival, never deleted unfiled. A claimed file that is not
/// the one read (a newer one arrived before the claim) gets its name back.
/// The inbox folder is synced once, at the end of the run: a removal lost
/// in a crash only brings back a file the ledger already records as done,
/// which the next run recognises as a duplicate.
pub fn remove(path: &Path, arrived: &Arrived) -> Result<Removal, String> {
    let at = |p: &Path, e: io::Error| format!("{}: {e}", p.display());
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let claimed = path.with_file_name(format!("{CLAIM}{}-{name}", std::process::id()));
    match fs::rename(path, &claimed) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Removal::Removed),
        Err(e) => return Err(at(path, e)),
    }
    crate::failpoint("inbox:claimed");
    let ours = {
        let mut f = File::open(&claimed).map_err(|e| at(&claimed, e))?;
        let same_file = Identity::of(&f.metadata().map_err(|e| at(&claimed, e))?) == arrived.identity;
        let mut now = Vec::new();
        same_file && {
            (&mut f).take(MAX_FILE_BYTES + 1).read_to_end(&mut now).map_err(|e| at(&claimed, e))?;
            store::sha256_hex(&now) == arrived.sha256
        }
    };
    if !ours {
        give_back(&claimed, path)?;
        return Ok(Removal::Replaced);
    }
    remove_file(&claimed)?;
    if let Some(side) = &arrived.sidecar
        && fs::read(&side.path).is_ok_and(|now| now == side.bytes)
    {
        remove_file(&side.path)?;
    }
    Ok(Removal::Removed)
}

/// Gives a claimed file its name back, never over a file that has arrived
/// under that name since: then under a free name beside it.
fn give_back(claimed: &Path, path: &Path) -> Result<(), String> {
    let at = |e: io::Error| format!("{}: {e}", path.display());
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let ext = path.extension().map(|e| format!(".{}", e.to_string_lossy())).unwrap_or_default();
    for n in 1u32.. {
        let target = if n == 1 { path.to_owned() } else { path.with_file_name(format!("{stem} ({n}){ext}")) };
        match fs::hard_link(claimed, &target) {
            Ok(()) => return remove_file(claimed),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(at(e)),
        }
    }
    unreachable!("the loop only ends by returning")
}

fn remove_file(path: &Path) -> Result<(), String> {
    match fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

/// For the fictional samples: when `inbox` does not exist yet, creates it as
/// a copy of the files in `sample`, so a demo files a copy and leaves the
/// samples as they were. The copy is made in a temporary folder beside the
/// inbox and renamed into place, so an interrupted copy is never taken for
/// a seeded inbox. Returns whether it seeded.
pub fn seed_from_sample(inbox: &Path, sample: &Path, modes: store::Modes) -> Result<bool, store::StoreError> {
    if inbox.exists() {
        return Ok(false);
    }
    let at = |path: &Path| {
        let path = path.to_owned();
        move |source| store::StoreError { path, source }
    };
    let parent = inbox.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    store::ensure_dir(parent, modes)?;
    let name = inbox.file_name().unwrap_or_default().to_string_lossy();
    let staging = parent.join(format!(".{name}.tmp-{}", std::process::id()));
    let _ = fs::remove_dir_all(&staging);
    store::ensure_dir(&staging, modes)?;
    for entry in fs::read_dir(sample).map_err(at(sample))? {
        let entry = entry.map_err(at(sample))?;
        if entry.file_type().map_err(at(&entry.path()))?.is_file() {
            let bytes = fs::read(entry.path()).map_err(at(&entry.path()))?;
            store::publish_unsynced(&staging, &entry.file_name().to_string_lossy(), &bytes, modes)?;
        }
    }
    store::sync_dir(&staging)?;
    fs::rename(&staging, inbox).map_err(at(inbox))?;
    store::sync_dir(parent)?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    #[test]
    fn a_file_seen_finished_is_whole_at_once_and_only_while_unchanged() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("s.pdf");
        fs::write(&path, b"%PDF-1.7 whole").unwrap();
        let quiet = Duration::from_secs(3600);
        let none = SeenWhole::new();
        let unseen = Settle { quiet, seen_whole: &none };
        assert!(!unseen.is_whole(&path, &fs::metadata(&path).unwrap()).unwrap(), "just written: arriving");
        let mut seen = SeenWhole::new();
        seen.insert("s.pdf".into(), Identity::of(&fs::metadata(&path).unwrap()));
        let settle = Settle { quiet, seen_whole: &seen };
        assert!(settle.is_whole(&path, &fs::metadata(&path).unwrap()).unwrap(), "seen closed: whole");
        // Written again after it was seen finished: arriving again.
        fs::OpenOptions::new().append(true).open(&path).unwrap().write_all(b" and more").unwrap();
        assert!(!settle.is_whole(&path, &fs::metadata(&path).unwrap()).unwrap());
        // The quiet rule still holds for what no event accounts for.
        let quiet_now = Settle { quiet: Duration::ZERO, seen_whole: &none };
        assert!(quiet_now.is_whole(&path, &fs::metadata(&path).unwrap()).unwrap());
    }
}
