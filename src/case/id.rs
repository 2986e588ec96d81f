//! `case_id`: validated before it ever becomes a folder name.

use std::fmt;

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Serialize};

/// A case identifier: `[A-Za-z0-9][A-Za-z0-9._-]{0,63}`.
///
/// It names the case folder, so anything that could escape the output folder
/// (`..`, separators, NUL, control characters) is unrepresentable.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CaseId(String);

impl JsonSchema for CaseId {
    fn schema_name() -> Cow<'static, str> {
        "CaseId".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$",
            "description": "1-64 characters from A-Z a-z 0-9 . _ -, starting with a letter or digit"
        })
    }
}

impl CaseId {
    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The one rule for case-id identity: ids that differ only in letter
    /// case would share one folder on a case-insensitive share, so they are
    /// the same case. This is the id in that sense (a map key).
    pub fn key(&self) -> String {
        id_key(&self.0)
    }

    /// Whether `text` (as typed, on a command line, in a form or in a
    /// statement) names this case: surrounding spaces and letter case
    /// ignored (see [`CaseId::key`]).
    pub fn is(&self, text: &str) -> bool {
        self.0.eq_ignore_ascii_case(text.trim())
    }
}

/// The identity key of a case id given as text (see [`CaseId::key`]).
pub fn id_key(text: &str) -> String {
    text.trim().to_ascii_lowercase()
}

impl TryFrom<String> for CaseId {
    type Error = String;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        let mut chars = value.chars();
        let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphanumeric());
        let rest_ok = chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
        if first_ok && rest_ok && value.len() <= 64 {
            Ok(Self(value))
        } else {
            Err(format!(
                "invalid case_id {value:?}: expected 1-64 characters from A-Z a-z 0-9 . _ -, starting with a letter or digit"
            ))
        }
    }
}

impl From<CaseId> for String {
    fn from(id: CaseId) -> Self {
        id.0
    }
}

impl fmt::Display for CaseId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_ids() {
        for ok in ["YJS-2026-0042", "a", "A.b_c-1", &"x".repeat(64)] {
            assert!(CaseId::try_from(ok.to_string()).is_ok(), "{ok}");
        }
    }

    #[test]
    fn rejects_anything_that_could_escape_the_output_folder() {
        for bad in ["", "..", ".hidden", "a/b", "a\\b", "a\0b", "a\nb", "-x", "café", &"x".repeat(65)] {
            assert!(CaseId::try_from(bad.to_string()).is_err(), "{bad:?}");
        }
    }
}
