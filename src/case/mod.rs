//! Case data: the typed model, loading and validation.
//!
//! Parse, don't validate: once a [`Case`] exists it is known-good (a valid
//! `case_id`, a legacy ASSET score in range, real dates, known enum values).

mod assessment;
mod caseload;
mod court_report;
mod disposal;
mod error;
mod file;
mod id;
mod limits;
mod load;
mod mappa;
mod model;
mod pprc;
mod progress;
mod requirement;
mod risk;
mod transfer;
mod worker;

pub use assessment::{Assessment, AssetScore, InterventionLevel, RecordedLevel, RiskLevel};
pub use caseload::{Caseload, LoadFailure, load_each};
pub use court_report::{Checked, CurfewAddress, OptionConsidered, OrderDelivery, QaChecklist, Suitability};
pub use disposal::{AnswersTo, Catalogue, ContactRule, Disposal, DisposalType, PlanKind};
pub use error::CaseError;
pub use file::{CaseFile, sweep_killed_writes};
pub use id::{CaseId, id_key};
pub use limits::Limits;
pub use load::{
    LoadedCase, array_elements, discover, load_file, load_file_each, load_file_limited, parse_bytes,
};
pub use mappa::ReferralShared;
pub use model::*;
pub use pprc::{ChildInContact, Notified, PprcRequest, Urgency};
pub use progress::{AtCourt, CourtPower};
pub use requirement::Requirement;
pub use risk::{GroupRisk, Reoffending, RiskGroup, SeriousHarm};
pub use transfer::Transfer;
pub use worker::Worker;

/// The built-in catalogue of disposals as TOML, with its comments.
pub fn disposal_catalogue_toml() -> &'static str {
    disposal::BUILT_IN_TOML
}

/// The JSON Schema of the case format, as `casepress schema` prints it.
pub fn json_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(Case)).expect("a schema is plain JSON")
}

#[cfg(test)]
mod tests;
