//! What a MAPPA A referral tells the panel beyond the MAPPA status and the
//! risk of serious harm by group (the case's `serious_harm`): whether the
//! child and their parent or carer know of the referral (MAPPA Guidance, notes for completion and the
//! chapter on children and young people).

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

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
