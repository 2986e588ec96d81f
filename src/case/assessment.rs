//! The assessment: AssetPlus first, ASSET as legacy.
//!
//! AssetPlus (from 2015–16) gives no 0–64 total, so the intervention level
//! is the practitioner's judgement, agreed by a manager. A service that
//! still holds an ASSET score may record it; the Scaled Approach table then
//! derives a level, and `check` finds a recorded level that disagrees.

use chrono::NaiveDate;
use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Serialize};

/// Risk and need level used by AssetPlus.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RiskLevel {
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
    /// Very high.
    VeryHigh,
}

impl RiskLevel {
    /// Every level, lowest first.
    pub const ALL: [Self; 4] = [Self::Low, Self::Medium, Self::High, Self::VeryHigh];

    /// How the level is written in documents.
    pub fn label(self) -> &'static str {
        match self {
            Self::Low => "Low",
            Self::Medium => "Medium",
            Self::High => "High",
            Self::VeryHigh => "Very High",
        }
    }
}

/// The latest assessment.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Assessment {
    /// Tool used: AssetPlus (the default), or ASSET for a legacy assessment.
    #[serde(default = "default_tool")]
    pub tool: String,
    /// Date completed.
    pub date: NaiveDate,
    /// Legacy: the ASSET score, 0-64, where the service still records one.
    /// The Scaled Approach table derives a level from it.
    #[serde(default)]
    pub asset_score: Option<AssetScore>,
    /// The intervention level: the practitioner's judgement, agreed by a
    /// manager. Where it is missing, a legacy ASSET score sets it.
    #[serde(default)]
    pub intervention_level: Option<RecordedLevel>,
    /// Likelihood of reoffending.
    pub reoffending: RiskLevel,
    /// Risk of serious harm to others (ROSH).
    pub serious_harm: RiskLevel,
    /// Safety and wellbeing (vulnerability).
    pub safety_wellbeing: RiskLevel,
    /// Date a manager countersigned the assessment.
    #[serde(default)]
    pub countersigned: Option<NaiveDate>,
}

fn default_tool() -> String {
    "AssetPlus".into()
}

/// Intervention level: how intensively the service works with the child.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum InterventionLevel {
    /// Standard (ASSET 0-14).
    Standard,
    /// Enhanced (ASSET 15-32).
    Enhanced,
    /// Intensive (ASSET 33-64).
    Intensive,
}

/// The intervention level as the practitioner judged it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordedLevel {
    /// Standard, enhanced or intensive.
    pub level: InterventionLevel,
    /// The manager who agreed it.
    #[serde(default)]
    pub agreed_by: Option<String>,
    /// The date the manager agreed it.
    #[serde(default)]
    pub agreed_date: Option<NaiveDate>,
}

/// An ASSET score, 0 to 64 inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "u8")]
pub struct AssetScore(u8);

impl JsonSchema for AssetScore {
    fn schema_name() -> Cow<'static, str> {
        "AssetScore".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": "integer", "minimum": 0, "maximum": 64})
    }
}

impl AssetScore {
    /// The score.
    pub fn get(self) -> u8 {
        self.0
    }
}

impl TryFrom<i64> for AssetScore {
    type Error = String;

    /// Any whole number parses, so that every bad value gets the range.
    fn try_from(v: i64) -> Result<Self, Self::Error> {
        match u8::try_from(v) {
            Ok(v) if v <= 64 => Ok(Self(v)),
            _ => Err(format!("ASSET score {v} is out of range: expected 0 to 64 (a whole number)")),
        }
    }
}

impl From<AssetScore> for u8 {
    fn from(s: AssetScore) -> u8 {
        s.0
    }
}
