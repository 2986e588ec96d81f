//! The Scaled Approach: intervention level and contact schedule from the
//! ASSET score (Wolverhampton YOT guidance §8).

use schemars::JsonSchema;
use serde::Serialize;

use crate::case::AssetScore;

/// Intervention level under the Scaled Approach.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum InterventionLevel {
    /// ASSET 0-14.
    Standard,
    /// ASSET 15-32.
    Enhanced,
    /// ASSET 33-64.
    Intensive,
}

/// Contacts per month: in the first three months, then for the rest of the order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ContactSchedule {
    /// Contacts a month in the first three months.
    pub first_three_months: u8,
    /// Contacts a month for the rest of the order.
    pub thereafter: u8,
}

impl InterventionLevel {
    /// Wolverhampton YOT guidance §8: "ASSET score 0-14 Standard, 15-32 Enhanced, 33-64 Intensive".
    pub fn from_score(score: AssetScore) -> Self {
        match score.get() {
            0..=14 => Self::Standard,
            15..=32 => Self::Enhanced,
            _ => Self::Intensive,
        }
    }

    /// Wolverhampton YOT guidance §8: contacts a month, Standard 2 then 1, Enhanced 4 then 2,
    /// Intensive 8 then 4 (first three months, then the rest of the order).
    pub fn contacts(self) -> ContactSchedule {
        let (first_three_months, thereafter) = match self {
            Self::Standard => (2, 1),
            Self::Enhanced => (4, 2),
            Self::Intensive => (8, 4),
        };
        ContactSchedule { first_three_months, thereafter }
    }

    /// How the level is written in documents.
    pub fn label(self) -> &'static str {
        match self {
            Self::Standard => "Standard",
            Self::Enhanced => "Enhanced",
            Self::Intensive => "Intensive",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn level(n: u8) -> InterventionLevel {
        InterventionLevel::from_score(AssetScore::try_from(i64::from(n)).unwrap())
    }

    #[test]
    fn wolverhampton_s8_bands_0_14_standard_15_32_enhanced_33_64_intensive() {
        for (score, want) in [
            (0, InterventionLevel::Standard),
            (14, InterventionLevel::Standard),
            (15, InterventionLevel::Enhanced),
            (32, InterventionLevel::Enhanced),
            (33, InterventionLevel::Intensive),
            (64, InterventionLevel::Intensive),
        ] {
            assert_eq!(level(score), want, "score {score}");
        }
    }

    #[test]
    fn wolverhampton_s8_contacts_2_1_then_4_2_then_8_4() {
        assert_eq!(level(0).contacts(), ContactSchedule { first_three_months: 2, thereafter: 1 });
        assert_eq!(level(20).contacts(), ContactSchedule { first_three_months: 4, thereafter: 2 });
        assert_eq!(level(40).contacts(), ContactSchedule { first_three_months: 8, thereafter: 4 });
    }
}
