//! A member of staff or a professional, as case files name them: below the
//! case model and the parts of it in files of their own.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A member of staff or a professional.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Worker {
    /// Full name.
    pub name: String,
    /// Job title.
    #[serde(default)]
    pub role: Option<String>,
    /// Team, where it matters (e.g. a second gatekeeping manager).
    #[serde(default)]
    pub team: Option<String>,
    /// Email address.
    #[serde(default)]
    pub email: Option<String>,
    /// Phone number.
    #[serde(default)]
    pub phone: Option<String>,
}
