//! What a PPRC 2 asks of children's services and a PPRC 7 decides: the
//! children in contact, named so that children's services can act; the
//! request and how urgent it is; and who was told at closure.

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A child the young person is in contact with, as children's services
/// need to identify them.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChildInContact {
    /// Who, in words (e.g. "Younger sister, lives with Harvey").
    pub description: String,
    /// Full name.
    #[serde(default)]
    pub name: Option<String>,
    /// Date of birth.
    #[serde(default)]
    pub date_of_birth: Option<NaiveDate>,
    /// Age, where the date of birth is not known.
    #[serde(default)]
    pub age: Option<u8>,
    /// Whether they are a child (under 18).
    #[serde(default)]
    pub is_child: bool,
    /// Relationship to the young person.
    #[serde(default)]
    pub relationship: Option<String>,
    /// Where they live, one line.
    #[serde(default)]
    pub address: Option<String>,
    /// Who holds parental responsibility for them.
    #[serde(default)]
    pub parental_responsibility: Option<String>,
    /// Not used: kept so that files written when this list took a victim's
    /// fields still load.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(skip)]
    pub consents_to_contact: Option<bool>,
    /// Not used, as `consents_to_contact`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(skip)]
    pub engaged_in_rj: Option<bool>,
}

/// How soon children's services are asked to act.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    /// A child may be at risk now: act the same day.
    Immediate,
    /// Act within the days the request gives.
    Urgent,
    /// Act within children's services' usual timescales.
    Routine,
}

impl Urgency {
    /// Every urgency, most urgent first.
    pub const ALL: [Self; 3] = [Self::Immediate, Self::Urgent, Self::Routine];

    /// How it is written on the form.
    pub fn label(self) -> &'static str {
        match self {
            Self::Immediate => "Immediate: a child may be at risk now",
            Self::Urgent => "Urgent",
            Self::Routine => "Routine",
        }
    }
}

/// What the PPRC 2 asks children's services to do.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PprcRequest {
    /// Each thing asked, one per line (e.g. "Check whether the half-sister's
    /// mother knows of the offence").
    #[serde(default)]
    pub asks: Vec<String>,
    /// The day by which a reply or action is asked for.
    #[serde(default)]
    pub by: Option<NaiveDate>,
    /// How urgent it is.
    #[serde(default)]
    pub urgency: Option<Urgency>,
    /// The lawful basis for sharing the information, in the case manager's
    /// words (e.g. the safeguarding duty and the data protection condition
    /// relied on).
    #[serde(default)]
    pub sharing_basis: Option<String>,
}

/// Someone told of the PPRC 7 decision.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Notified {
    /// Who (a service, a role or a person).
    pub who: String,
    /// The day they were told.
    #[serde(default)]
    pub date: Option<NaiveDate>,
}
