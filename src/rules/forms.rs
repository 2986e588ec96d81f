//! MAPPA and PPRC forms: which a case needs, and invalid combinations
//! (Wolverhampton YOT guidance §11(b), §11(c); MAPPA public guidance).

use chrono::NaiveDate;
use serde::Serialize;

use super::Rule;
use crate::case::{Case, MappaCategory, MappaLevel};
use crate::documents::DocumentKind;

/// Whether a form is required, why, and whether it was sent.
#[derive(Debug, Clone, Serialize)]
pub struct FormStatus {
    /// The form.
    pub form: DocumentKind,
    /// Whether the rules require it.
    pub required: bool,
    /// Why (or why not).
    pub reason: String,
    /// The rule it follows.
    pub rule: Rule,
    /// Date sent, if recorded.
    pub sent: Option<NaiveDate>,
}

impl FormStatus {
    /// Required but not recorded as sent.
    pub fn missing(&self) -> bool {
        self.required && self.sent.is_none()
    }
}

/// The status of every form for `case`.
pub fn forms(case: &Case) -> Vec<FormStatus> {
    let mappa = case.mappa.clone().unwrap_or_default();
    let pprc = case.pprc.clone().unwrap_or_default();
    let closed = case.order.as_ref().and_then(|o| o.closed_date);
    let category = mappa.category.map(|c| u8::from(c).to_string());
    let level = mappa.level.map(|l| u8::from(l).to_string());
    vec![
        FormStatus {
            form: DocumentKind::MappaH,
            required: mappa.category.is_some(),
            reason: match &category {
                // Wolverhampton YOT guidance §11(b): "If a YOT intervention meets any of the MAPPA
                // categories notification must be sent ... using the MAPPA H".
                Some(c) => format!("MAPPA category {c}: notify the central MAPPA unit"),
                None => "not a MAPPA nominal".into(),
            },
            rule: Rule::MAPPA,
            sent: mappa.notified_date,
        },
        FormStatus {
            form: DocumentKind::MappaA,
            required: matches!(mappa.level, Some(MappaLevel::Level2 | MappaLevel::Level3)),
            reason: match &level {
                // Wolverhampton YOT guidance §11(b): level 2 or 3 ⇒ "MAPPA A referral form must be completed".
                Some(l) if l != "1" => format!("managed at MAPPA level {l}: refer to the MAPPA panel"),
                Some(_) => "managed at level 1 (ordinary agency management)".into(),
                None => "no MAPPA level".into(),
            },
            rule: Rule::MAPPA,
            sent: mappa.referral_date,
        },
        FormStatus {
            form: DocumentKind::Pprc2,
            required: pprc.criteria_met && pprc.risk_identified == Some(true),
            reason: match (pprc.criteria_met, pprc.risk_identified) {
                // Wolverhampton YOT guidance §11(c): "If risks are identified the PPRC 2 Form must be completed".
                (true, Some(true)) => "PPRC criteria met and risks to children identified".into(),
                (true, Some(false)) => "PPRC criteria met, no risk identified: record the decision".into(),
                (true, None) => "PPRC criteria met: line-manager risk discussion pending".into(),
                (false, _) => "PPRC criteria not met".into(),
            },
            rule: Rule::PPRC,
            sent: pprc.referral_date,
        },
        FormStatus {
            form: DocumentKind::Pprc7,
            required: pprc.criteria_met && closed.is_some(),
            reason: match (pprc.criteria_met, closed) {
                // Wolverhampton YOT guidance §11(c): the risk "must be reassessed at the point of YOT
                // intervention closure and the PPRC 7 Form completed".
                (true, Some(d)) => format!("PPRC case closed on {d}: reassess at closure"),
                (true, None) => "PPRC case still open: reassess at closure".into(),
                (false, _) => "PPRC criteria not met".into(),
            },
            rule: Rule::PPRC,
            sent: pprc.reassessment_date,
        },
    ]
}

/// MAPPA combinations that cannot be right.
pub fn mappa_invalid(case: &Case) -> Vec<String> {
    let Some(m) = &case.mappa else { return Vec::new() };
    let mut out = Vec::new();
    match (m.category, m.level) {
        // MAPPA public guidance: "Cat 3 must be managed at L2/L3, never L1".
        (Some(MappaCategory::Category3), Some(MappaLevel::Level1)) => {
            out.push("MAPPA category 3 is never managed at level 1: expected level 2 or 3".into())
        }
        (None, Some(l)) => out.push(format!(
            "MAPPA level {} without a category: expected a category 1-3, or no level",
            u8::from(l)
        )),
        _ => {}
    }
    out
}
