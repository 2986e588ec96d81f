//! Which config file a command uses, found as cargo and git find theirs:
//! `--config`, then `CASEPRESS_CONFIG`, then `./casepress.toml`, then the
//! nearest `casepress.toml` in a folder above. So a command typed in
//! `cases/` or `out/cases/NYJS-…/` uses the service's config, not the
//! built-in defaults.

use std::ffi::OsStr;
use std::fmt;
use std::path::{Path, PathBuf};

/// The environment variable that names the config file.
pub const CONFIG_ENV: &str = "CASEPRESS_CONFIG";

/// The config file's name, looked for in the working folder and above.
pub const CONFIG_FILE: &str = "casepress.toml";

/// Where the config file came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// `--config FILE` (or `run CONFIG`): used as given.
    Flag,
    /// The `CASEPRESS_CONFIG` environment variable.
    Env,
    /// `casepress.toml` in the working folder.
    Here,
    /// `casepress.toml` in a folder above the working folder.
    Parent,
}

/// The config file a command will read, and why that one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The file (as given for `--config`; relative to the working folder for
    /// the environment variable; absolute when found above).
    pub path: PathBuf,
    /// How it was found.
    pub source: Source,
}

impl fmt::Display for Found {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let how = match self.source {
            Source::Flag => "given on the command line".to_owned(),
            Source::Env => format!("named by {CONFIG_ENV}"),
            Source::Here => "in the working folder".to_owned(),
            Source::Parent => "found in a folder above the working folder".to_owned(),
        };
        write!(f, "{} ({how})", self.path.display())
    }
}

/// A config file named but not there.
#[derive(Debug, thiserror::Error)]
#[error("{}: config file not found ({CONFIG_ENV} names it); set {CONFIG_ENV} to an existing file, or unset it", path.display())]
pub struct EnvNotFound {
    /// The path the variable holds.
    pub path: PathBuf,
}

/// The config file for a command started in `cwd`: `flag` if given (used as
/// given, so a missing file is an error when read), else the file `env`
/// names (an error if it is not there), else `cwd/casepress.toml`, else the
/// nearest `casepress.toml` above `cwd`. `None`: there is none, and the
/// command runs on the built-in defaults or says it needs a config. An
/// empty `env` counts as unset.
pub fn discover(flag: Option<&Path>, env: Option<&OsStr>, cwd: &Path) -> Result<Option<Found>, EnvNotFound> {
    if let Some(path) = flag {
        return Ok(Some(Found { path: path.to_owned(), source: Source::Flag }));
    }
    if let Some(named) = env.filter(|v| !v.is_empty()) {
        let path = PathBuf::from(named);
        if !cwd.join(&path).is_file() {
            return Err(EnvNotFound { path });
        }
        return Ok(Some(Found { path, source: Source::Env }));
    }
    if cwd.join(CONFIG_FILE).is_file() {
        return Ok(Some(Found { path: PathBuf::from(CONFIG_FILE), source: Source::Here }));
    }
    let above = cwd.ancestors().skip(1).map(|dir| dir.join(CONFIG_FILE)).find(|file| file.is_file());
    Ok(above.map(|path| Found { path, source: Source::Parent }))
}

/// [`discover`] from this process's working folder and environment.
pub fn find(flag: Option<&Path>) -> Result<Option<Found>, EnvNotFound> {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    discover(flag, std::env::var_os(CONFIG_ENV).as_deref(), &cwd)
}

/// What to say when a command needs a config and none was found.
pub fn none_found() -> String {
    format!(
        "no config: no {CONFIG_FILE} in this folder or any folder above it, {CONFIG_ENV} is not set, \
         and no --config was given: pass --config FILE (e.g. --config samples/{CONFIG_FILE}), set \
         {CONFIG_ENV}, or run it from the service's folder"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> (tempfile::TempDir, PathBuf) {
        let tmp = tempfile::tempdir().unwrap();
        let nested = tmp.path().join("service/cases/nested");
        std::fs::create_dir_all(&nested).unwrap();
        (tmp, nested)
    }

    #[test]
    fn the_flag_comes_first_and_is_used_as_given() {
        let (tmp, nested) = tree();
        std::fs::write(nested.join(CONFIG_FILE), "").unwrap();
        let env = tmp.path().join("env.toml");
        std::fs::write(&env, "").unwrap();
        let found = discover(Some(Path::new("x.toml")), Some(env.as_os_str()), &nested).unwrap().unwrap();
        assert_eq!(found, Found { path: "x.toml".into(), source: Source::Flag });
    }

    #[test]
    fn the_environment_comes_before_the_folders_and_must_name_a_file() {
        let (tmp, nested) = tree();
        std::fs::write(nested.join(CONFIG_FILE), "").unwrap();
        let env = tmp.path().join("env.toml");
        std::fs::write(&env, "").unwrap();
        let found = discover(None, Some(env.as_os_str()), &nested).unwrap().unwrap();
        assert_eq!(found, Found { path: env.clone(), source: Source::Env });

        let missing = tmp.path().join("gone.toml");
        let err = discover(None, Some(missing.as_os_str()), &nested).unwrap_err();
        assert!(
            err.to_string().contains("gone.toml: config file not found (CASEPRESS_CONFIG names it)"),
            "{err}"
        );

        let empty = discover(None, Some(OsStr::new("")), &nested).unwrap().unwrap();
        assert_eq!(empty.source, Source::Here, "an empty variable counts as unset");
    }

    #[test]
    fn the_working_folder_then_the_nearest_folder_above() {
        let (tmp, nested) = tree();
        assert_eq!(discover(None, None, &nested).unwrap(), None, "none anywhere: the defaults");

        let service = tmp.path().join("service");
        std::fs::write(tmp.path().join(CONFIG_FILE), "").unwrap();
        std::fs::write(service.join(CONFIG_FILE), "").unwrap();
        let found = discover(None, None, &nested).unwrap().unwrap();
        assert_eq!(found, Found { path: service.join(CONFIG_FILE), source: Source::Parent }, "the nearest");

        std::fs::write(nested.join(CONFIG_FILE), "").unwrap();
        let found = discover(None, None, &nested).unwrap().unwrap();
        assert_eq!(found, Found { path: CONFIG_FILE.into(), source: Source::Here });
    }

    #[test]
    fn a_folder_named_casepress_toml_is_not_a_config() {
        let (tmp, nested) = tree();
        std::fs::create_dir(nested.join(CONFIG_FILE)).unwrap();
        std::fs::write(tmp.path().join(CONFIG_FILE), "").unwrap();
        let found = discover(None, None, &nested).unwrap().unwrap();
        assert_eq!(found.path, tmp.path().join(CONFIG_FILE));
        assert!(found.to_string().contains("found in a folder above"), "{found}");
    }
}
