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

use super::scaled::{AssessedLevel, ContactSchedule, InterventionLevel, assessed_level};
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
    /// The legacy ASSET score, where one is recorded.
    pub asset_score: Option<u8>,
    /// The level and where it came from (judgement or score), for a banded order.
    pub assessed: Option<AssessedLevel>,
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
    use crate::case::ContactRule as R;
    let (kind, applies_to) = match disposal.map(|d| (d.entry().contact, d.is_out_of_court())) {
        Some((R::Custody, _)) => (ContactKind::Custody, "custody"),
        Some((R::Iss, _)) => (ContactKind::Iss, "ISS"),
        Some((R::Bail, _)) => (ContactKind::Bail, "bail"),
        Some((R::Sessions, true)) => (ContactKind::Sessions, "an out-of-court disposal"),
        Some((R::Sessions, false)) => (ContactKind::Sessions, "prevention"),
        Some((R::ScaledApproach, _)) | None => match assessment {
            Some(_) => (ContactKind::Scaled, "a community order"),
            None => (ContactKind::Unassessed, "a community order"),
        },
    };
    let score = assessment.and_then(|a| a.asset_score).map(|s| s.get());
    let assessed = (kind == ContactKind::Scaled).then(|| assessment.and_then(assessed_level)).flatten();
    let level = assessed.as_ref().map(|a| a.level);
    let schedule = level.map(InterventionLevel::contacts);
    let until_text = until.map(|d| format!(", until {}", d.format("%-d %B %Y"))).unwrap_or_default();
    let summary = match (kind, level, schedule) {
        (ContactKind::Scaled, Some(_), Some(s)) => format!(
            "Intervention level: {}: {} contacts a month for the first three months, then {} a month{until_text}.",
            assessed.as_ref().map(|a| a.text.as_str()).unwrap_or_default(),
            s.first_three_months,
            s.thereafter
        ),
        (ContactKind::Scaled, ..) => {
            "Not yet set: record the intervention level, agreed by a manager.".to_owned()
        }
        (ContactKind::Custody, ..) => {
            "In custody: the case manager visits, as the intervention plan sets out.".to_owned()
        }
        (ContactKind::Iss, ..) => "ISS: the hours a week the court set, on the ISS timetable.".to_owned(),
        (ContactKind::Bail, ..) => "Bail: as the court's bail conditions set.".to_owned(),
        (ContactKind::Sessions, ..) => format!("The sessions in the intervention plan{until_text}."),
        _ => "Not yet set: there is no assessment.".to_owned(),
    };
    Contact { kind, level, schedule, asset_score: score, assessed, applies_to, summary }
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
        for d in
            ["detention_and_training_order", "remand", "yro_iss"].map(|k| DisposalType::named(k).unwrap())
        {
            let c = contact(Some(d), Some(&a), None);
            assert!(c.schedule.is_none() && c.level.is_none(), "{d:?}: {c:?}");
            assert!(!c.summary.contains("a month"), "{d:?}: {}", c.summary);
        }
        let yro = contact(DisposalType::named("youth_rehabilitation_order"), Some(&a), None);
        assert_eq!(yro.schedule, Some(ContactSchedule { first_three_months: 8, thereafter: 4 }));
        assert!(
            yro.summary.contains("Intervention level: Intensive (from ASSET score 36): 8 contacts a month"),
            "{yro:?}"
        );
        let unassessed = contact(DisposalType::named("referral_order"), None, None);
        assert_eq!(unassessed.kind, ContactKind::Unassessed);
        assert_eq!(contact(DisposalType::named("bail_supervision"), Some(&a), None).applies_to, "bail");
    }

    #[test]
    fn a_recorded_judgement_sets_the_level_over_a_legacy_score() {
        let mut a = assessment(36);
        a.intervention_level = Some(crate::case::RecordedLevel {
            level: InterventionLevel::Enhanced,
            agreed_by: Some("Declan Hughes".into()),
            agreed_date: NaiveDate::from_ymd_opt(2026, 11, 3),
        });
        let c = contact(DisposalType::named("referral_order"), Some(&a), None);
        assert_eq!(c.schedule, Some(ContactSchedule { first_three_months: 4, thereafter: 2 }));
        assert!(
            c.summary.starts_with(
                "Intervention level: Enhanced (practitioner's judgement, agreed by Declan Hughes on 3 November 2026): 4 contacts"
            ),
            "{c:?}"
        );
        a.intervention_level = None;
        a.asset_score = None;
        let unset = contact(DisposalType::named("referral_order"), Some(&a), None);
        assert!(unset.level.is_none() && unset.summary.starts_with("Not yet set"), "{unset:?}");
    }
}
