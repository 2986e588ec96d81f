//! A transfer of the case to another youth justice service: why, and what
//! the receiving service must know at once. The transfer's cover letter
//! states these with the order, the next hearing, the risk levels and the
//! allocated worker, which the case already holds. The letter names no
//! child (only the case id), so these are written about "the young person".

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The case's transfer to another service.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Transfer {
    /// Why the case moves (e.g. "The family moved to Eastshire on
    /// 28 November 2026").
    #[serde(default)]
    pub reason: Option<String>,
    /// The day the receiving service takes over, where agreed.
    #[serde(default)]
    pub date: Option<NaiveDate>,
    /// The next appointment the receiving service must keep or rearrange,
    /// in words with its date.
    #[serde(default)]
    pub next_appointment: Option<String>,
    /// Risk and safety matters the receiving service must know now, each
    /// with its date (e.g. "Exploitation panel on 14 December 2026").
    /// Safety Link statements and gatekeeping still pending are added from
    /// the case log.
    #[serde(default)]
    pub flags: Vec<String>,
}
