//! The intervention level and its contact schedule. The level is the
//! practitioner's judgement where recorded (AssetPlus); a legacy ASSET
//! score sets it through the Scaled Approach table (Wolverhampton YOT
//! guidance §8) where no judgement is recorded.

use chrono::NaiveDate;
use serde::Serialize;

pub use crate::case::InterventionLevel;
use crate::case::{Assessment, AssetScore};

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

/// Where a level came from: the practitioner's judgement, or a legacy ASSET score.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LevelSource {
    /// Recorded by the practitioner, agreed (or not yet) by a manager.
    Judgement {
        /// The manager who agreed it.
        agreed_by: Option<String>,
        /// When.
        agreed_date: Option<NaiveDate>,
    },
    /// Derived from the ASSET score by the Scaled Approach table.
    AssetScore {
        /// The score.
        score: u8,
    },
}

/// The assessment's intervention level and where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AssessedLevel {
    /// Standard, enhanced or intensive.
    pub level: InterventionLevel,
    /// Judgement or score.
    pub source: LevelSource,
    /// "Enhanced (practitioner's judgement, agreed by Declan Hughes on 3
    /// November 2026)" or "Enhanced (from ASSET score 27)": what papers print.
    pub text: String,
}

/// The level of `assessment`: the recorded judgement first, else the
/// legacy score's band; none when neither is recorded.
pub fn assessed_level(assessment: &Assessment) -> Option<AssessedLevel> {
    let (level, source) = match (&assessment.intervention_level, assessment.asset_score) {
        (Some(r), _) => {
            (r.level, LevelSource::Judgement { agreed_by: r.agreed_by.clone(), agreed_date: r.agreed_date })
        }
        (None, Some(score)) => {
            (InterventionLevel::from_score(score), LevelSource::AssetScore { score: score.get() })
        }
        (None, None) => return None,
    };
    let why = match &source {
        LevelSource::Judgement { agreed_by: Some(who), agreed_date: Some(on) } => {
            format!("practitioner's judgement, agreed by {who} on {}", on.format("%-d %B %Y"))
        }
        LevelSource::Judgement { agreed_by: Some(who), agreed_date: None } => {
            format!("practitioner's judgement, agreed by {who}")
        }
        LevelSource::Judgement { .. } => "practitioner's judgement, not yet agreed by a manager".to_owned(),
        LevelSource::AssetScore { score } => format!("from ASSET score {score}"),
    };
    let text = format!("{} ({why})", level.label());
    Some(AssessedLevel { level, source, text })
}

/// A recorded level that the legacy score's band disagrees with, as
/// (recorded, from the score, score).
pub fn disagreement(assessment: &Assessment) -> Option<(InterventionLevel, InterventionLevel, u8)> {
    let recorded = assessment.intervention_level.as_ref()?.level;
    let score = assessment.asset_score?;
    let banded = InterventionLevel::from_score(score);
    (banded != recorded).then_some((recorded, banded, score.get()))
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
