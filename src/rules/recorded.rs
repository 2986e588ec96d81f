//! What a case's log records of its PSR's gatekeeping, as the rules read
//! it. Where steps are recorded, they are the gatekeeping: the hand-typed
//! `gatekeeping` fields of the case are only for PSRs gatekept outside
//! casepress.

use chrono::NaiveDate;
use serde::Serialize;

/// A PSR's gatekeeping from its recorded steps, up to a given day.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RecordedGatekeeping {
    /// Any step is recorded for the PSR by that day.
    pub recorded: bool,
    /// The day it was first submitted to managers.
    pub submitted: Option<NaiveDate>,
    /// The day gatekeeping was agreed: one manager's agreement, or, where
    /// two must agree, the agreement that completed the pair.
    pub agreed: Option<NaiveDate>,
    /// Two managers, one from another team, agreed one version.
    pub two_managers: bool,
    /// The day the gatekeeping meeting was held, where one is recorded
    /// (the latest recorded by that day).
    pub meeting: Option<NaiveDate>,
}
