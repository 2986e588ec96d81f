//! Accounts locked after too many failed sign-ins in a row (NIST SP
//! 800-63B: at most 100 consecutive failures). Each account's count of
//! failures since its last complete sign-in is kept in a small file beside
//! the sessions file, owner-only and replaced atomically, one writer at a
//! time (the server and `casepress user unlock` both write it), so a
//! restart forgets nothing. At the limit the account is locked until an
//! administrator opens it (decision 0216).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

use crate::staff::name_key;
use crate::store::{self, Modes};

/// The file of counts, beside `sessions.json`.
pub const FAILURES: &str = "sign-in-failures.json";

const MODES: Modes = Modes::OWNER_ONLY;

/// One account's failures since its last complete sign-in.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Count {
    /// Wrong passwords and wrong codes in a row.
    pub failures: u32,
    /// When the account was locked (RFC 3339, UTC), if it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locked: Option<String>,
}

/// What a failure did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failed {
    /// Counted; the account is still open.
    Counted(u32),
    /// This failure reached the limit: the account is now locked.
    LockedNow(u32),
}

/// The counts of one workspace, in `file`.
#[derive(Debug, Clone)]
pub struct Lockout {
    file: PathBuf,
    limit: u32,
}

impl Lockout {
    /// The counts beside the sessions file `sessions`; an account locks at
    /// `limit` failures in a row (at least 1).
    pub fn beside(sessions: &Path, limit: u32) -> Self {
        Self { file: sessions.with_file_name(FAILURES), limit: limit.max(1) }
    }

    /// The file the counts are kept in.
    pub fn file(&self) -> &Path {
        &self.file
    }

    /// Whether `name`'s account is locked. A file that cannot be read is an
    /// error: the caller refuses the sign-in rather than lift the cap.
    pub fn locked(&self, name: &str) -> Result<bool, String> {
        Ok(read(&self.file)?.get(&name_key(name)).is_some_and(|c| c.locked.is_some()))
    }

    /// Counts a failed password or code for `name`'s account; `None` (a name
    /// with no account) is counted nowhere but costs the same read and write,
    /// so that the time taken does not tell which names have accounts.
    pub fn failed(&self, name: Option<&str>) -> Result<Failed, String> {
        self.change(|counts| {
            let Some(name) = name else { return Failed::Counted(0) };
            let count = counts.entry(name_key(name)).or_default();
            count.failures = count.failures.saturating_add(1);
            if count.locked.is_none() && count.failures >= self.limit {
                count.locked = Some(Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true));
                return Failed::LockedNow(count.failures);
            }
            Failed::Counted(count.failures)
        })
    }

    /// A complete sign-in: `name`'s count starts again from nothing. Nothing
    /// is written when there was nothing to forget.
    pub fn succeeded(&self, name: &str) -> Result<(), String> {
        if !read(&self.file)?.contains_key(&name_key(name)) {
            return Ok(());
        }
        self.change(|counts| {
            counts.remove(&name_key(name));
        })
    }

    /// Loads the counts, changes them and writes them back, under the lock.
    fn change<T>(&self, change: impl FnOnce(&mut BTreeMap<String, Count>) -> T) -> Result<T, String> {
        change_file(&self.file, change)
    }
}

/// Opens `name`'s account (`casepress user unlock`, or a new password):
/// its count, beside the sessions file `sessions`, is forgotten. What it was,
/// if anything.
pub fn unlock(sessions: &Path, name: &str) -> Result<Option<Count>, String> {
    let file = sessions.with_file_name(FAILURES);
    // Nothing to forget, nothing written (`user add` calls this each time).
    if !read(&file)?.contains_key(&name_key(name)) {
        return Ok(None);
    }
    change_file(&file, |counts| counts.remove(&name_key(name)))
}

/// `name`'s count, beside the sessions file `sessions`.
pub fn count(sessions: &Path, name: &str) -> Result<Option<Count>, String> {
    Ok(read(&sessions.with_file_name(FAILURES))?.remove(&name_key(name)))
}

fn change_file<T>(file: &Path, change: impl FnOnce(&mut BTreeMap<String, Count>) -> T) -> Result<T, String> {
    let dir = file.parent().ok_or("the sign-in failures file needs a folder")?;
    store::ensure_dir(dir, MODES).map_err(|e| e.to_string())?;
    let _lock = store::lock_path(&dir.join(".sign-in-failures.lock"), MODES).map_err(|e| e.to_string())?;
    let mut counts = read(file)?;
    let out = change(&mut counts);
    let bytes = serde_json::to_vec_pretty(&counts).map_err(|e| e.to_string())?;
    store::replace(dir, FAILURES, &bytes, MODES).map_err(|e| e.to_string())?;
    Ok(out)
}

fn read(file: &Path) -> Result<BTreeMap<String, Count>, String> {
    match std::fs::read(file) {
        Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
            format!(
                "{}: not a sign-in failures file ({e}); with the workspace stopped, remove it to forget every count",
                file.display()
            )
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(BTreeMap::new()),
        Err(e) => Err(format!("{}: cannot read: {e}", file.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hundred_failures_in_a_row_lock_an_account_until_it_is_unlocked() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let sessions = dir.path().join("workspace").join("sessions.json");
        let limit = crate::config::WorkspaceConfig::default().lock_after_failures;
        assert_eq!(limit, 100, "NIST SP 800-63B's most");
        let lockout = Lockout::beside(&sessions, limit);
        for n in 1..100 {
            assert_eq!(lockout.failed(Some("Priya Natarajan")).unwrap(), Failed::Counted(n));
        }
        assert!(!lockout.locked("priya natarajan").unwrap());
        assert_eq!(lockout.failed(Some("PRIYA  Natarajan")).unwrap(), Failed::LockedNow(100));
        assert!(lockout.locked("Priya Natarajan").unwrap());
        assert!(!lockout.locked("Sarah Bennett").unwrap(), "another account is open");
        assert_eq!(lockout.failed(None).unwrap(), Failed::Counted(0), "no account, nothing counted");
        let mode = std::fs::metadata(lockout.file()).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        // A restart (a new reader of the file) finds it locked; a success
        // does not open it, an unlock does.
        let again = Lockout::beside(&sessions, 100);
        assert!(again.locked("Priya Natarajan").unwrap());
        assert_eq!(unlock(&sessions, "priya natarajan").unwrap().map(|c| c.failures), Some(100));
        assert!(!again.locked("Priya Natarajan").unwrap());
        assert_eq!(count(&sessions, "Priya Natarajan").unwrap(), None);
    }

    #[test]
    fn a_complete_sign_in_starts_the_count_again() {
        let dir = tempfile::tempdir().unwrap();
        let lockout = Lockout::beside(&dir.path().join("sessions.json"), 3);
        lockout.failed(Some("Tom Ashworth")).unwrap();
        lockout.failed(Some("Tom Ashworth")).unwrap();
        lockout.succeeded("tom ashworth").unwrap();
        assert_eq!(lockout.failed(Some("Tom Ashworth")).unwrap(), Failed::Counted(1));
        std::fs::write(lockout.file(), "not json").unwrap();
        let e = lockout.locked("Tom Ashworth").unwrap_err();
        assert!(e.contains("sign-in-failures.json: not a sign-in failures file"), "{e}");
    }
}
