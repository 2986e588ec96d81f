//! What a MAPPA A referral tells the panel beyond the MAPPA status: the risk
//! of serious harm to each group, in the community and in custody; what the
//! panel is asked to do; and whether the child and their parent or carer
//! know of the referral (MAPPA Guidance, notes for completion and the
//! chapter on children and young people).

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::RiskLevel;

/// The risk of serious harm to one group, as the assessment rates it, in
/// the community and in custody (the MAPPA A risk table).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupRisk {
    /// Who: `Children`, `Public`, `Known adult`, `Staff`, `Prisoners`, or a
    /// group the assessment names.
    pub group: String,
    /// The level in the community; absent when not assessed.
    #[serde(default)]
    pub community: Option<RiskLevel>,
    /// The level in custody; absent when not assessed (or not in custody).
    #[serde(default)]
    pub custody: Option<RiskLevel>,
}

/// Whether the child and their parent or carer know of the MAPPA referral,
/// and what they said about it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReferralShared {
    /// The day the child was told of the referral.
    #[serde(default)]
    pub child_told: Option<NaiveDate>,
    /// The child's views on the referral, in their words where possible.
    #[serde(default)]
    pub child_views: Option<String>,
    /// The day a parent or carer was told of the referral.
    #[serde(default)]
    pub parent_told: Option<NaiveDate>,
    /// The parent's or carer's views on the referral.
    #[serde(default)]
    pub parent_views: Option<String>,
    /// Why the child or parent has not been told, where they have not
    /// (for example, telling them would put someone at risk).
    #[serde(default)]
    pub not_told_because: Option<String>,
}
