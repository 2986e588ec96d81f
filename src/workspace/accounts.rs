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
}

/// The shortest password accepted.
pub const MIN_PASSWORD: usize = 12;

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

    /// Adds `name` with `password`, or replaces their password.
    pub fn set(&mut self, name: &str, password: &str) -> Result<(), String> {
        if password.chars().count() < MIN_PASSWORD {
            return Err(format!("the password is too short: use at least {MIN_PASSWORD} characters"));
        }
        let mut salt = [0u8; 16];
        getrandom::fill(&mut salt).map_err(|e| format!("no random numbers: {e}"))?;
        let salt = SaltString::encode_b64(&salt).map_err(|e| e.to_string())?;
        let hash = Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map_err(|e| format!("cannot hash the password: {e}"))?
            .to_string();
        match self.users.iter_mut().find(|a| crate::staff::same_name(&a.name, name)) {
            Some(a) => a.hash = hash,
            None => self.users.push(Account { name: name.to_owned(), hash }),
        }
        Ok(())
    }

    /// Writes the file atomically, readable by its owner only.
    pub fn save(&self, path: &Path) -> Result<(), String> {
        let text = toml::to_string(self).map_err(|e| e.to_string())?;
        let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let name = path.file_name().and_then(|n| n.to_str()).ok_or("the accounts file needs a name")?;
        let header = "# casepress workspace accounts: Argon2id hashes. Change with `casepress user add`.\n";
        store::replace(dir, name, format!("{header}{text}").as_bytes(), Modes { file: 0o600, dir: 0o700 })
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

/// A hash of a random password nobody knows: verified against when the
/// name is unknown, so that timing does not tell which names exist.
static DUMMY_HASH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    let mut dummy = Accounts::default();
    match dummy.set("-", &super::sessions::token()) {
        Ok(()) => dummy.users.remove(0).hash,
        Err(_) => String::new(),
    }
});

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
