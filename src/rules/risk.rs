//! Risk and vulnerability management: plans and meetings (Wolverhampton YOT guidance §6-13).

use serde::Serialize;

use crate::case::{Case, RiskLevel};

/// Wolverhampton YOT guidance §10: "a RMP must be completed ... on all YOT interventions ...
/// assessed as Medium or above. All RMP's must be countersigned by the
/// authors Line Manager." ROSH is the risk it follows (§9: "RMP to be
/// completed" at Medium, High and Very High).
pub fn rmp_required(case: &Case) -> bool {
    case.assessment.as_ref().is_some_and(|a| a.serious_harm >= RiskLevel::Medium)
}

/// Wolverhampton YOT guidance §12-13: Medium or above vulnerability ⇒ "VMP required",
/// countersigned by the line manager.
pub fn vmp_required(case: &Case) -> bool {
    case.assessment.as_ref().is_some_and(|a| a.safety_wellbeing >= RiskLevel::Medium)
}

/// Why a monthly Risk and Vulnerability Management Meeting is required, if it is.
///
/// Wolverhampton YOT guidance §6(a): "Interventions identified as High or Very High LoR, ROSH,
/// Vulnerability or MAPPA will automatically trigger a Risk and Vulnerability
/// Management Meeting. These meetings will be completed on a monthly basis".
pub fn risk_meeting_triggers(case: &Case) -> Vec<&'static str> {
    let mut why = Vec::new();
    if let Some(a) = &case.assessment {
        if a.reoffending >= RiskLevel::High {
            why.push("likelihood of reoffending High or above");
        }
        if a.serious_harm >= RiskLevel::High {
            why.push("risk of serious harm High or above");
        }
        if a.safety_wellbeing >= RiskLevel::High {
            why.push("vulnerability High or above");
        }
    }
    if case.mappa.as_ref().is_some_and(|m| m.category.is_some()) {
        why.push("MAPPA nominal");
    }
    why
}

/// A plan the rules require, and its state.
#[derive(Debug, Clone, Serialize)]
pub struct PlanStatus {
    /// Whether the assessment requires it.
    pub required: bool,
    /// Date completed, if it was.
    pub completed: Option<chrono::NaiveDate>,
    /// Date countersigned by the line manager, if it was.
    pub countersigned: Option<chrono::NaiveDate>,
}
