//! A member of staff, as the service's configuration lists them.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A member of staff.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StaffMember {
    /// Full name, as case files name the case manager.
    pub name: String,
    /// Email address.
    #[serde(default)]
    pub email: Option<String>,
    /// Team.
    #[serde(default)]
    pub team: Option<String>,
    /// Job title.
    #[serde(default)]
    pub role: Option<String>,
    /// Line manager's name.
    #[serde(default)]
    pub line_manager: Option<String>,
    /// The named person covering while this person is away.
    #[serde(default)]
    pub cover: Option<String>,
    /// Absences (leave, sickness), inclusive dates.
    #[serde(default)]
    pub away: Vec<Absence>,
}

/// A period away from work, inclusive.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Absence {
    /// First day away.
    pub from: NaiveDate,
    /// Last day away.
    pub to: NaiveDate,
}

impl StaffMember {
    /// Whether this person is away on `day`.
    pub fn away_on(&self, day: NaiveDate) -> bool {
        self.away.iter().any(|a| a.from <= day && day <= a.to)
    }
}
