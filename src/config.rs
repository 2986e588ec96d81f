//! `casepress.toml`: the service, paths, naming patterns, modes and closure
//! days. Every setting has an embedded default, so a config file holds only
//! what a service changes. Relative paths are relative to the config file.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize};

use crate::store::Modes;

/// The whole configuration.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// The service: letterhead and contacts.
    pub service: ServiceConfig,
    /// Where cases are read from and output goes.
    pub paths: PathsConfig,
    /// File naming patterns (minijinja).
    pub naming: NamingConfig,
    /// File and folder modes.
    pub permissions: PermissionsConfig,
    /// Working-day calendar additions.
    pub calendar: CalendarConfig,
}

/// The service that issues the documents.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServiceConfig {
    /// Service name, as on the letterhead.
    pub name: String,
    /// Address lines.
    pub address: Vec<String>,
    /// Phone number.
    pub phone: Option<String>,
    /// Email address.
    pub email: Option<String>,
    /// A logo (PNG, JPEG or SVG) for the letterhead: the only file from disk
    /// that documents can see.
    pub logo: Option<PathBuf>,
}

/// Input and output locations.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PathsConfig {
    /// Case files or folders that `run` renders.
    pub cases: Vec<PathBuf>,
    /// Output root (holds `cases/`, `runs/`...).
    pub output: PathBuf,
    /// Folder of template overrides, if any.
    pub templates: Option<PathBuf>,
}

/// Naming patterns, as minijinja templates.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NamingConfig {
    /// Document file name. Variables: `case_id`, `kind`, `date`, `draft`.
    pub document: String,
}

/// Octal modes as strings, e.g. `"0600"`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PermissionsConfig {
    /// Mode of files written.
    #[serde(deserialize_with = "octal")]
    pub file_mode: u32,
    /// Mode of folders created.
    #[serde(deserialize_with = "octal")]
    pub dir_mode: u32,
}

/// Calendar additions.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CalendarConfig {
    /// Days the service is closed besides weekends and bank holidays.
    pub closure_days: Vec<NaiveDate>,
}

impl Default for ServiceConfig {
    fn default() -> Self {
        Self {
            name: "Youth Justice Service".into(),
            address: Vec::new(),
            phone: None,
            email: None,
            logo: None,
        }
    }
}

impl Default for PathsConfig {
    fn default() -> Self {
        Self { cases: vec!["cases".into()], output: "out".into(), templates: None }
    }
}

impl Default for NamingConfig {
    fn default() -> Self {
        Self { document: "{{ case_id }}_{{ kind }}_{{ date }}{% if draft %}_draft{% endif %}.pdf".into() }
    }
}

impl Default for PermissionsConfig {
    fn default() -> Self {
        let m = Modes::default();
        Self { file_mode: m.file, dir_mode: m.dir }
    }
}

impl PermissionsConfig {
    /// As store modes.
    pub fn modes(&self) -> Modes {
        Modes { file: self.file_mode, dir: self.dir_mode }
    }
}

fn octal<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    let s = String::deserialize(d)?;
    u32::from_str_radix(s.trim_start_matches("0o"), 8).ok().filter(|m| *m <= 0o777).ok_or_else(|| {
        serde::de::Error::custom(format!("`{s}` is not a file mode: expected octal like \"0600\""))
    })
}

/// A config file that could not be used.
#[derive(Debug, thiserror::Error)]
#[error("{}: {message}", path.display())]
pub struct ConfigError {
    /// The config file.
    pub path: PathBuf,
    /// What was wrong.
    pub message: String,
}

impl Config {
    /// Reads `path`, fills defaults, and resolves relative paths against the
    /// file's folder.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let err = |message: String| ConfigError { path: path.to_owned(), message };
        let text = std::fs::read_to_string(path).map_err(|e| err(format!("cannot read: {e}")))?;
        let mut config: Config =
            toml::from_str(&text).map_err(|e| err(e.to_string().trim_end().to_owned()))?;
        let base = path.parent().unwrap_or(Path::new("."));
        config.resolve(base);
        config.validate().map_err(err)?;
        Ok(config)
    }

    /// Makes relative paths relative to `base`.
    pub fn resolve(&mut self, base: &Path) {
        let fix = |p: &mut PathBuf| {
            if p.is_relative() {
                *p = base.join(&*p);
            }
        };
        self.paths.cases.iter_mut().for_each(fix);
        fix(&mut self.paths.output);
        self.paths.templates.as_mut().map(fix);
        self.service.logo.as_mut().map(fix);
    }

    fn validate(&self) -> Result<(), String> {
        minijinja::Environment::new()
            .template_from_str(&self.naming.document)
            .map(|_| ())
            .map_err(|e| format!("naming.document is not a valid pattern: {e:#}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_file_gives_the_embedded_defaults() {
        let c: Config = toml::from_str("").unwrap();
        assert_eq!(c.permissions.file_mode, 0o600);
        assert_eq!(c.permissions.dir_mode, 0o700);
        assert!(c.naming.document.contains("{{ case_id }}"));
    }

    #[test]
    fn unknown_keys_and_bad_modes_are_errors() {
        assert!(toml::from_str::<Config>("[service]\nnmae = \"x\"").is_err());
        assert!(toml::from_str::<Config>("[permissions]\nfile_mode = \"rw\"").is_err());
        let c: Config = toml::from_str("[permissions]\nfile_mode = \"0640\"").unwrap();
        assert_eq!(c.permissions.file_mode, 0o640);
    }
}
