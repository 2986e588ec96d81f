//! How often the service meets a child: one answer per disposal, which the
//! plan, the risk summary, the PSR's proposal, the gatekeeping record and
//! `check` all print, so no paper says two things.
//!
//! Only a community order is banded by the Scaled Approach, with its
//! contacts a month (Wolverhampton YOT guidance §8). In custody, on ISS, on
//! bail and out of court no rule of ours sets a number: the paper says who
//! sets it (the plan, the court's timetable or conditions, the sessions)
//! and gives none, rather than borrow another service's rule.

use chrono::NaiveDate;
use serde::Serialize;

use super::scaled::{ContactSchedule, InterventionLevel};
use crate::case::{Assessment, DisposalType};

/// Which kind of contact applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactKind {
    /// A community order under the Scaled Approach: contacts a month.
    Scaled,
    /// A court order to be banded, but no assessment yet.
    Unassessed,
    /// Detention (a DTO, s.250) or remand: the case manager visits.
    Custody,
    /// Intensive Supervision and Surveillance: the hours the court set.
    Iss,
    /// Bail supervision: the court's bail conditions set it.
    Bail,
    /// Out of court or prevention: the sessions in the plan.
    Sessions,
}

/// How often we meet, for one disposal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Contact {
    /// Which kind.
    pub kind: ContactKind,
    /// The Scaled Approach level, for a banded order.
    pub level: Option<InterventionLevel>,
    /// Contacts a month, for a banded order.
    pub schedule: Option<ContactSchedule>,
    /// The ASSET score the level is from.
    pub asset_score: Option<u8>,
    /// The intervention in a few words, for "not applicable (bail)".
    pub applies_to: &'static str,
    /// The line a professional reads (risk summary, PSR, gatekeeping record).
    pub summary: String,
}

/// The contact for `disposal` (none recorded: banded like an order) with
/// the case's assessment, until `until` where it ends.
pub fn contact(
    disposal: Option<DisposalType>,
    assessment: Option<&Assessment>,
    until: Option<NaiveDate>,
) -> Contact {
    use DisposalType as D;
    let (kind, applies_to) = match disposal {
        Some(D::DetentionAndTrainingOrder | D::Section250 | D::Remand) => (ContactKind::Custody, "custody"),
        Some(D::YroIss) => (ContactKind::Iss, "ISS"),
        Some(D::BailSupervision) => (ContactKind::Bail, "bail"),
        Some(D::YouthConditionalCaution | D::YouthCaution | D::CommunityResolution) => {
            (ContactKind::Sessions, "an out-of-court disposal")
        }
        Some(D::Prevention) => (ContactKind::Sessions, "prevention"),
        Some(D::ReferralOrder | D::YouthRehabilitationOrder) | None => match assessment {
            Some(_) => (ContactKind::Scaled, "a community order"),
            None => (ContactKind::Unassessed, "a community order"),
        },
    };
    let score = assessment.map(|a| a.asset_score.get());
    let level = (kind == ContactKind::Scaled)
        .then(|| assessment.map(|a| InterventionLevel::from_score(a.asset_score)))
        .flatten();
    let schedule = level.map(InterventionLevel::contacts);
    let until_text = until.map(|d| format!(", until {}", d.format("%-d %B %Y"))).unwrap_or_default();
    let summary = match (kind, level, schedule) {
        (ContactKind::Scaled, Some(l), Some(s)) => format!(
            "Scaled Approach: {} intervention (ASSET score {}): {} contacts a month for the first three months, then {} a month{until_text}.",
            l.label(),
            score.unwrap_or_default(),
            s.first_three_months,
            s.thereafter
        ),
        (ContactKind::Custody, ..) => {
            "In custody: the case manager visits, as the intervention plan sets out.".to_owned()
        }
        (ContactKind::Iss, ..) => "ISS: the hours a week the court set, on the ISS timetable.".to_owned(),
        (ContactKind::Bail, ..) => "Bail: as the court's bail conditions set.".to_owned(),
        (ContactKind::Sessions, ..) => format!("The sessions in the intervention plan{until_text}."),
        _ => "Not yet set: there is no assessment.".to_owned(),
    };
    Contact { kind, level, schedule, asset_score: score, applies_to, summary }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assessment(score: u8) -> Assessment {
        serde_json::from_value(serde_json::json!({"date": "2026-10-01", "asset_score": score,
            "reoffending": "high", "serious_harm": "medium", "safety_wellbeing": "low"}))
        .unwrap()
    }

    #[test]
    fn only_a_community_order_has_contacts_a_month() {
        let a = assessment(36);
        for d in [DisposalType::DetentionAndTrainingOrder, DisposalType::Remand, DisposalType::YroIss] {
            let c = contact(Some(d), Some(&a), None);
            assert!(c.schedule.is_none() && c.level.is_none(), "{d:?}: {c:?}");
            assert!(!c.summary.contains("a month"), "{d:?}: {}", c.summary);
        }
        let yro = contact(Some(DisposalType::YouthRehabilitationOrder), Some(&a), None);
        assert_eq!(yro.schedule, Some(ContactSchedule { first_three_months: 8, thereafter: 4 }));
        assert!(
            yro.summary.contains("Intensive intervention (ASSET score 36): 8 contacts a month"),
            "{yro:?}"
        );
        let unassessed = contact(Some(DisposalType::ReferralOrder), None, None);
        assert_eq!(unassessed.kind, ContactKind::Unassessed);
        assert_eq!(contact(Some(DisposalType::BailSupervision), Some(&a), None).applies_to, "bail");
    }
}
