//! What a pre-sentence report tells the court beyond the author's analysis,
//! and the gatekeeping record's quality-assurance checklist: each a fact the
//! writer or manager records, never one a template supplies.

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{DisposalType, Worker};

/// A sentence the report considered and did not propose (an all-options
/// report sets these out, custody among them).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OptionConsidered {
    /// The sentence considered.
    pub sentence: DisposalType,
    /// Why it is not proposed, from the facts of the case.
    pub why_not: String,
}

/// How the proposed order would run, as the service would deliver it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderDelivery {
    /// Hours of contact a week at the start of the order.
    #[serde(default)]
    pub hours_a_week: Option<u16>,
    /// The week's timetable, in words ("Mondays and Thursdays after the
    /// unit; boxing on Saturday mornings").
    #[serde(default)]
    pub timetable: Option<String>,
    /// When the work would start ("the first appointment within five
    /// working days of sentence").
    #[serde(default)]
    pub start: Option<String>,
    /// Who would supervise the order.
    #[serde(default)]
    pub supervisor: Option<Worker>,
}

/// Whether an address was found suitable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Suitability {
    /// Assessed and suitable.
    Suitable,
    /// Assessed and not suitable.
    NotSuitable,
}

/// The assessment of the address for a curfew, and for electronic
/// monitoring, proposed to the court.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CurfewAddress {
    /// The address assessed (the child's own, where empty).
    #[serde(default)]
    pub address: Option<String>,
    /// The day it was assessed (a home visit, checks with the household).
    #[serde(default)]
    pub assessed_date: Option<NaiveDate>,
    /// Suitable for a curfew.
    #[serde(default)]
    pub curfew: Option<Suitability>,
    /// Suitable for electronic monitoring (a signal, a power supply, the
    /// household's consent).
    #[serde(default)]
    pub electronic_monitoring: Option<Suitability>,
    /// What the assessment found, in the author's words.
    #[serde(default)]
    pub notes: Option<String>,
}

/// One quality-assurance item: done, or not done. Absent: not recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Checked {
    /// Done.
    Done,
    /// Not done.
    NotDone,
}

/// The PSR quality-assurance checklist a gatekeeping manager works through
/// (a PSR quality assurance form's items). An item not recorded is shown as
/// "Not recorded", never as done.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct QaChecklist {
    /// The risk of serious harm assessment is complete.
    #[serde(default)]
    pub rosh_complete: Option<Checked>,
    /// The AssetPlus assessment is complete and linked on the case system.
    #[serde(default)]
    pub assetplus_complete: Option<Checked>,
    /// A referral to the victim service was made.
    #[serde(default)]
    pub victim_referral: Option<Checked>,
    /// A referral for parenting support was made (a child under 16).
    #[serde(default)]
    pub parenting_referral: Option<Checked>,
    /// A referral to education (the education welfare service, a child of
    /// school age) was made.
    #[serde(default)]
    pub education_referral: Option<Checked>,
    /// The court's request for the report, with the sentence indication,
    /// is on file.
    #[serde(default)]
    pub request_with_sentence_indication: Option<Checked>,
    /// The record of previous convictions is attached to the report.
    #[serde(default)]
    pub previous_convictions_attached: Option<Checked>,
}
