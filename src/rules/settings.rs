//! The service's own practice settings (`[rules]` in casepress.toml).

use serde::Serialize;

/// Which PSRs the two-working-days rule applies to (`[rules]` in casepress.toml).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// Apply "to managers two working days before court" to every PSR, not
    /// only those to be double gatekept (the source's rule): a service's
    /// own, stricter standard.
    pub psr_due_for_every_psr: bool,
    /// A service standard, off unless set: every PSR's gatekeeping meeting
    /// is held by the working day before the hearing. The source asks only
    /// that it is held before the PSR is completed, so by default it is due
    /// before the hearing.
    pub psr_meeting_working_day_before: bool,
    /// A service standard, off unless set: a PSR gatekept by one manager
    /// goes to them this many working days before the hearing. The sources
    /// set a day only for PSRs to be double gatekept.
    pub single_gatekeeping_working_days: Option<u8>,
    /// Who decides when gatekeeping managers disagree (Derbyshire practice
    /// guidance §7.3: disagreement is escalated to the head of service).
    pub head_of_service: Option<String>,
}

impl Settings {
    /// Which PSRs the rule applies to, in words for `check` and the board.
    pub fn psr_due_scope(&self) -> &'static str {
        if self.psr_due_for_every_psr {
            "every PSR (this service's standard)"
        } else {
            "PSRs to be double gatekept"
        }
    }
}
