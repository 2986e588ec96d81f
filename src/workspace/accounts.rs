//! Local accounts: names from the staff directory with Argon2id password
//! hashes, in a TOML file only its owner can read (0600). Used when the
//! council's single sign-on is not in front of the workspace.

use std::path::Path;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use serde::{Deserialize, Serialize};

use crate::store::{self, Modes};

/// The accounts file.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Accounts {
    /// One entry per person.
    #[serde(default, rename = "user")]
    pub users: Vec<Account>,
}

/// One person's account.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Account {
    /// Their name, as the staff directory has it.
    pub name: String,
    /// The PHC string of their password's Argon2id hash.
    pub hash: String,
    /// The base32 secret of their authenticator app, once enrolled (kept
    /// as it is, in this owner-only file: see decision 0127).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub totp: Option<String>,
    /// Argon2id hashes of the recovery codes not yet used.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recovery: Vec<String>,
}

pub use super::passwords::MIN_PASSWORD;

impl Accounts {
    /// Reads the file; a missing file is no accounts.
    pub fn load(path: &Path) -> Result<Self, String> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Self::default()),
            Err(e) => return Err(format!("{}: cannot read: {e}", path.display())),
        };
        toml::from_str(&text).map_err(|e| format!("{}: {}", path.display(), e.to_string().trim_end()))
    }

    /// The account's name (as written in the file) when `password` is
    /// right. An unknown name costs the same time as a wrong password.
    pub fn verify(&self, name: &str, password: &str) -> Option<&str> {
        let account = self.users.iter().find(|a| crate::staff::same_name(&a.name, name));
        let hash = account.map(|a| a.hash.as_str()).unwrap_or(DUMMY_HASH.as_str());
        let ok = PasswordHash::new(hash)
            .is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok());
        account.filter(|_| ok).map(|a| a.name.as_str())
    }

    /// Adds `name` with `password`, or replaces their password; refuses a
    /// password NIST SP 800-63B would (see `passwords`).
    pub fn set(&mut self, name: &str, password: &str) -> Result<(), String> {
        if let Some(why) = super::passwords::refusal(password, name) {
            return Err(why);
        }
        let hash = hash(password)?;
        match self.users.iter_mut().find(|a| crate::staff::same_name(&a.name, name)) {
            Some(a) => a.hash = hash,
            None => {
                self.users.push(Account { name: name.to_owned(), hash, totp: None, recovery: Vec::new() })
            }
        }
        Ok(())
    }

    /// The account of `name`.
    pub fn get(&self, name: &str) -> Option<&Account> {
        self.users.iter().find(|a| crate::staff::same_name(&a.name, name))
    }

    /// Enrols `name`'s authenticator app with `secret` and gives them new
    /// recovery codes (returned, to be shown once; only hashes are kept).
    pub fn enrol(&mut self, name: &str, secret: &str) -> Result<Vec<String>, String> {
        let codes = super::second_factor::recovery_codes();
        let hashes = codes
            .iter()
            .map(|c| hash(&super::second_factor::plain_recovery(c)))
            .collect::<Result<Vec<_>, _>>()?;
        let account = self
            .users
            .iter_mut()
            .find(|a| crate::staff::same_name(&a.name, name))
            .ok_or_else(|| format!("{name} has no account"))?;
        account.totp = Some(secret.to_owned());
        account.recovery = hashes;
        Ok(codes)
    }

    /// Forgets `name`'s authenticator app and recovery codes: they enrol
    /// again at their next sign-in (a lost phone).
    pub fn forget_second_factor(&mut self, name: &str) -> bool {
        match self.users.iter_mut().find(|a| crate::staff::same_name(&a.name, name)) {
            Some(a) => {
                a.totp = None;
                a.recovery.clear();
                true
            }
            None => false,
        }
    }

    /// Uses one of `name`'s recovery codes: true (and the code is gone)
    /// when `code` is one of them.
    pub fn use_recovery(&mut self, name: &str, code: &str) -> bool {
        let plain = super::second_factor::plain_recovery(code);
        let Some(account) = self.users.iter_mut().find(|a| crate::staff::same_name(&a.name, name)) else {
            return false;
        };
        let found = account.recovery.iter().position(|h| {
            PasswordHash::new(h)
                .is_ok_and(|h| Argon2::default().verify_password(plain.as_bytes(), &h).is_ok())
        });
        found.map(|i| account.recovery.remove(i)).is_some()
    }

    /// Writes the file atomically, readable by its owner only.
    pub fn save(&self, path: &Path) -> Result<(), String> {
        let text = toml::to_string(self).map_err(|e| e.to_string())?;
        let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let name = path.file_name().and_then(|n| n.to_str()).ok_or("the accounts file needs a name")?;
        let header = "# casepress workspace accounts: Argon2id hashes. Change with `casepress user add`.\n";
        // The config's folder is the administrator's: its mode is kept.
        store::replace(dir, name, format!("{header}{text}").as_bytes(), Modes::OWNER_ONLY.in_place())
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

/// Loads the accounts file, changes it and writes it back, one writer at a
/// time (a lock file beside it): the server (an enrolment, a recovery code
/// used) and `casepress user` may both write it.
pub fn update<T>(path: &Path, change: impl FnOnce(&mut Accounts) -> Result<T, String>) -> Result<T, String> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().and_then(|n| n.to_str()).ok_or("the accounts file needs a name")?;
    let _lock =
        store::lock_path(&dir.join(format!(".{name}.lock")), Modes::OWNER_ONLY).map_err(|e| e.to_string())?;
    let mut accounts = Accounts::load(path)?;
    let out = change(&mut accounts)?;
    accounts.save(path)?;
    Ok(out)
}

/// The PHC string of `secret`'s Argon2id hash, with a fresh salt.
fn hash(secret: &str) -> Result<String, String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| format!("no random numbers: {e}"))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| e.to_string())?;
    Argon2::default()
        .hash_password(secret.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| format!("cannot hash the password: {e}"))
}

/// A hash of a random password nobody knows: verified against when the
/// name is unknown, so that timing does not tell which names exist.
static DUMMY_HASH: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| hash(&super::sessions::token()).unwrap_or_default());

/// Whether others than the owner may read or write the file: a warning
/// for reading, a refusal for writing (anyone could add themselves).
pub fn exposure(path: &Path) -> Option<(bool, u32)> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o777;
    (mode & 0o077 != 0).then_some((mode & 0o022 != 0, mode))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_set_verifies_and_a_wrong_one_does_not() {
        let mut accounts = Accounts::default();
        accounts.set("Priya Natarajan", "correct horse battery").unwrap();
        assert_eq!(accounts.verify("priya natarajan", "correct horse battery"), Some("Priya Natarajan"));
        assert_eq!(accounts.verify("Priya Natarajan", "wrong horse battery"), None);
        assert_eq!(accounts.verify("Nobody", "correct horse battery"), None);
        assert!(accounts.users[0].hash.starts_with("$argon2id$"));
        assert!(accounts.set("Tom", "short").unwrap_err().contains("at least 12"));
    }

    #[test]
    fn recovery_codes_are_kept_hashed_and_work_once() {
        let mut accounts = Accounts::default();
        accounts.set("Priya Natarajan", "correct horse battery").unwrap();
        let secret = crate::workspace::second_factor::new_secret();
        let codes = accounts.enrol("Priya Natarajan", &secret).unwrap();
        assert_eq!(codes.len(), 10);
        let text = toml::to_string(&accounts).unwrap();
        assert!(codes.iter().all(|c| !text.contains(c.as_str())), "only hashes are kept");
        assert!(accounts.use_recovery("priya natarajan", &codes[3].to_uppercase()));
        assert!(!accounts.use_recovery("Priya Natarajan", &codes[3]), "a code works once");
        assert_eq!(accounts.get("Priya Natarajan").unwrap().recovery.len(), 9);
        assert!(accounts.forget_second_factor("Priya Natarajan"));
        assert!(accounts.get("Priya Natarajan").unwrap().totp.is_none());
    }

    #[test]
    fn the_file_is_written_for_its_owner_only_and_reads_back() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("users.toml");
        let mut accounts = Accounts::default();
        accounts.set("Priya Natarajan", "correct horse battery").unwrap();
        accounts.save(&path).unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        assert_eq!(exposure(&path), None);
        let back = Accounts::load(&path).unwrap();
        assert_eq!(back.verify("Priya Natarajan", "correct horse battery"), Some("Priya Natarajan"));
    }
}
