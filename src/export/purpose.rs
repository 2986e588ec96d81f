//! Why a bundle is made.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

/// Why a bundle is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Purpose {
    /// Transfer to another youth justice service: every current final,
    /// the filed statements, the case history and the case log.
    Transfer,
    /// Y2A portal upload at 18: the most recent final risk summary
    /// (required), PSR and intervention plan.
    Y2a,
}

impl fmt::Display for Purpose {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Transfer => "transfer",
            Self::Y2a => "y2a",
        })
    }
}

impl FromStr for Purpose {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "transfer" => Ok(Self::Transfer),
            "y2a" => Ok(Self::Y2a),
            _ => Err(format!("unknown purpose `{s}`: expected transfer or y2a")),
        }
    }
}
