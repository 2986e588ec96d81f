//! The analysis behind the assessment's risk levels: the risk of serious
//! harm by who is at risk, in the community and in custody, with its
//! nature, imminence and what makes it more or less likely; and why
//! reoffending is likely or not. AssetPlus records these; the case system
//! supplies them (an import may map them) and papers print them as
//! recorded. A group with no level recorded is "not assessed".

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use schemars::JsonSchema;

use super::RiskLevel;

/// Who may be seriously harmed: the groups a risk of serious harm analysis
/// considers, each in the community and in custody.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RiskGroup {
    /// An adult the young person knows (a partner, a parent, a carer).
    KnownAdult,
    /// Children.
    Children,
    /// The public.
    Public,
    /// Staff (the service's, a school's, a placement's, a custodial establishment's).
    Staff,
    /// Other young people in custody.
    OthersInCustody,
    /// The young person themselves (self-harm; also part of safety and wellbeing).
    #[serde(rename = "self")]
    SelfHarm,
}

impl RiskGroup {
    /// Every group, in the order papers list them.
    pub const ALL: [Self; 6] =
        [Self::KnownAdult, Self::Children, Self::Public, Self::Staff, Self::OthersInCustody, Self::SelfHarm];

    /// How the group is written in papers.
    pub fn label(self) -> &'static str {
        match self {
            Self::KnownAdult => "Known adult",
            Self::Children => "Children",
            Self::Public => "Public",
            Self::Staff => "Staff",
            Self::OthersInCustody => "Other young people in custody",
            Self::SelfHarm => "The young person (self)",
        }
    }
}

/// The risk of serious harm to one group.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupRisk {
    /// Who is at risk.
    pub group: RiskGroup,
    /// Who, more exactly, described without naming them (e.g. "his former
    /// partner, aged 19", "younger children on the estate").
    #[serde(default)]
    pub who: Option<String>,
    /// The level in the community; absent: not assessed.
    #[serde(default)]
    pub community: Option<RiskLevel>,
    /// The level in custody; absent: not assessed.
    #[serde(default)]
    pub custody: Option<RiskLevel>,
}

/// The risk of serious harm analysis (Wolverhampton YOT guidance §9–10:
/// likely victims, the factors that make the risk greater, imminence).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SeriousHarm {
    /// The date of the analysis, where it differs from the assessment's.
    #[serde(default)]
    pub date: Option<NaiveDate>,
    /// Who is at risk: one entry per group assessed. A group not listed
    /// is not assessed.
    #[serde(default)]
    pub groups: Vec<GroupRisk>,
    /// The nature of the harm: what it would be, and how serious.
    #[serde(default)]
    pub nature: Option<String>,
    /// How imminent it is, and when the risk is greatest.
    #[serde(default)]
    pub imminence: Option<String>,
    /// What makes serious harm more likely (triggers, circumstances).
    #[serde(default)]
    pub increases: Vec<String>,
    /// What makes it less likely (protective factors, controls).
    #[serde(default)]
    pub decreases: Vec<String>,
    /// How the risk differs in custody, where it does.
    #[serde(default)]
    pub in_custody: Option<String>,
}

impl SeriousHarm {
    /// The recorded entry for `group`, if it was assessed.
    pub fn group(&self, group: RiskGroup) -> Option<&GroupRisk> {
        self.groups.iter().find(|g| g.group == group)
    }
}

/// Why reoffending is likely or not (Wolverhampton YOT guidance §8: the
/// factors that affect the likelihood, and those that protect against it).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Reoffending {
    /// The assessor's summary, in a few sentences.
    #[serde(default)]
    pub summary: Option<String>,
    /// The factors that make reoffending more likely.
    #[serde(default)]
    pub factors: Vec<String>,
    /// The factors that protect against it.
    #[serde(default)]
    pub protective: Vec<String>,
}
