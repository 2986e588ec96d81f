//! What a progress report asks the court to do with the order, and who
//! presents it: the power the court is asked to use and whether the author
//! attends, both recorded by the writer, never guessed by a template from
//! the recommendation's words.

use serde::{Deserialize, Serialize};

use schemars::JsonSchema;

/// The court's power a progress report asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CourtPower {
    /// Revoke the order because of good progress.
    RevokeForGoodProgress,
    /// Revoke the order and deal with the young person in another way.
    RevokeAndResentence,
    /// Extend the order.
    Extend,
    /// Amend the order's requirements.
    Amend,
    /// Deal with a breach of the order.
    Breach,
    /// Review the order: no change asked for.
    Review,
    /// Pass sentence at the end of a deferment.
    DeferredSentence,
}

impl CourtPower {
    /// Every power, in the order a form offers them.
    pub const ALL: [Self; 7] = [
        Self::RevokeForGoodProgress,
        Self::RevokeAndResentence,
        Self::Extend,
        Self::Amend,
        Self::Breach,
        Self::Review,
        Self::DeferredSentence,
    ];

    /// How the power is written in papers.
    pub fn label(self) -> &'static str {
        match self {
            Self::RevokeForGoodProgress => "Revocation of the order for good progress",
            Self::RevokeAndResentence => "Revocation of the order and resentence",
            Self::Extend => "Extension of the order",
            Self::Amend => "Amendment of the order's requirements",
            Self::Breach => "Breach of the order",
            Self::Review => "Review of the order, with no change",
            Self::DeferredSentence => "Sentence after deferment",
        }
    }
}

/// Who presents a progress report at the hearing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AtCourt {
    /// The author attends court and presents the report.
    Author,
    /// The author does not attend; the service's court officer presents it.
    CourtOfficer,
}

impl AtCourt {
    /// Both answers, in the order a form offers them.
    pub const ALL: [Self; 2] = [Self::Author, Self::CourtOfficer];

    /// The answer as the report gives it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Author => "Yes: the author will attend court and present this report.",
            Self::CourtOfficer => "No: the court officer will present this report.",
        }
    }
}
