//! What the PSR and its gatekeeping record derive for the court and the
//! managers: the age at conviction and any threshold crossed, whether a
//! parenting order and effective participation apply, whether the report
//! was quality assured (from the recorded gatekeeping steps), and the
//! quality-assurance checklist, item by item as recorded.

use chrono::NaiveDate;
use serde::Serialize;

use super::request::RenderRequest;
use crate::case::{Case, Checked, QaChecklist};
use crate::documents::DocumentKind;
use crate::history::{self, logged_on};
use crate::rules;

/// One checklist item and what is recorded of it.
#[derive(Debug, Clone, Serialize)]
pub(super) struct ChecklistRow {
    item: &'static str,
    /// "done", "not_done", "not_recorded" or "not_applicable".
    state: &'static str,
    /// What the case holds that bears on it, where the item is not recorded.
    note: Option<String>,
}

/// The court paper's derived facts.
#[derive(Debug, Clone, Serialize)]
pub(super) struct CourtPaper {
    /// "16 (convicted 5 November 2026)".
    age_at_conviction: Option<String>,
    /// The line when a sentencing threshold fell between offence and conviction.
    threshold: Option<String>,
    /// The court must consider a parenting order (under 16 when convicted).
    parenting_order_applies: bool,
    /// When the age for that was taken: "when convicted", or "at the
    /// hearing" where no conviction date is recorded.
    age_taken: &'static str,
    /// The child's recorded speech, language and communication needs.
    communication_needs: Vec<String>,
    /// The proposal has a curfew or electronic monitoring, or an address
    /// assessment is recorded.
    curfew: bool,
    /// The proposal is a sentence the service delivers in the community:
    /// the report says how it would run.
    delivery_expected: bool,
    /// The report's quality assurance, as recorded: for a final, who agreed
    /// it and when.
    quality_assured: Option<String>,
    /// The gatekeeping record's checklist.
    checklist: Vec<ChecklistRow>,
}

fn long(d: NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
}

/// The court paper's facts for a PSR or its gatekeeping record; none for
/// other kinds.
pub(super) fn court_paper(req: &RenderRequest<'_>, known_as: &str) -> Option<CourtPaper> {
    if !matches!(req.kind, DocumentKind::Psr | DocumentKind::Gatekeeping) {
        return None;
    }
    let case = req.case;
    let psr = case.psr.as_ref();
    let proposed =
        psr.and_then(|p| p.proposal.as_ref()).map(|p| p.requirements.as_slice()).unwrap_or_default();
    let curfew = proposed.iter().any(|r| {
        let r = r.to_lowercase();
        r.contains("curfew") || r.contains("electronic") || r.contains("tag")
    }) || psr.is_some_and(|p| p.curfew_address.is_some());
    Some(CourtPaper {
        age_at_conviction: rules::age_at_conviction(case),
        threshold: rules::threshold_line(case, known_as),
        parenting_order_applies: rules::parenting_order_applies(case),
        age_taken: if rules::conviction_date(case).is_some() { "when convicted" } else { "at the hearing" },
        communication_needs: rules::communication_needs(case).into_iter().map(str::to_owned).collect(),
        curfew,
        delivery_expected: psr
            .and_then(|p| p.proposal.as_ref())
            .is_some_and(|p| p.sentence.is_sentence() && !p.sentence.is_custodial()),
        quality_assured: quality_assured(req),
        checklist: checklist(case, req.date),
    })
}

/// A final PSR names the managers whose agreement to its version casepress
/// recorded; a draft says it is not yet quality assured.
fn quality_assured(req: &RenderRequest<'_>) -> Option<String> {
    if req.kind != DocumentKind::Psr {
        return None;
    }
    if !req.final_ {
        let who = if req.facts.double_gatekeeping_required {
            "two managers, one from another team, gatekeep"
        } else {
            "a manager gatekeeps"
        };
        return Some(format!("This draft is not yet quality assured: {who} it before it is final."));
    }
    let state = history::fold(req.log, DocumentKind::Psr);
    let agreed: Vec<String> = state
        .reviews
        .iter()
        .filter(|r| r.agreed)
        .map(|r| match logged_on(&r.at) {
            Some(on) => format!("{} on {}", r.by, long(on)),
            None => r.by.clone(),
        })
        .collect();
    if !agreed.is_empty() {
        return Some(format!(
            "This report was quality assured before it went to the court: its gatekeeping was agreed by {}, as recorded in casepress against this version.",
            agreed.join(" and ")
        ));
    }
    // Gatekept outside casepress: the case file's managers, once their
    // meeting was held.
    let gk = req.case.gatekeeping.as_ref()?;
    let met = gk.meeting_date.filter(|d| *d <= req.date)?;
    let names: Vec<&str> = gk.managers.iter().map(|m| m.name.as_str()).collect();
    (!names.is_empty()).then(|| {
        format!(
            "This report was quality assured before it went to the court: it was gatekept by {} at a meeting on {}, as the case file records.",
            names.join(" and "),
            long(met)
        )
    })
}

/// The checklist as recorded: an item not recorded says so, with what the
/// case holds that bears on it; a parenting referral is for a child under 16.
fn checklist(case: &Case, day: NaiveDate) -> Vec<ChecklistRow> {
    let none = QaChecklist::default();
    let c = case.gatekeeping.as_ref().and_then(|g| g.checklist.as_ref()).unwrap_or(&none);
    let assessment = case
        .assessment
        .as_ref()
        .filter(|a| a.date <= day)
        .map(|a| format!("the case holds an {} assessment of {}", a.tool, long(a.date)));
    let victims = case.offences.iter().any(|o| !o.victims.is_empty());
    let row = |item, v: Option<Checked>, note: Option<String>| ChecklistRow {
        item,
        state: match v {
            Some(Checked::Done) => "done",
            Some(Checked::NotDone) => "not_done",
            None => "not_recorded",
        },
        note: if v.is_none() { note } else { None },
    };
    let mut rows = vec![
        row("Risk of serious harm assessment complete", c.rosh_complete, assessment.clone()),
        row("AssetPlus complete and linked on the case system", c.assetplus_complete, assessment),
        row(
            "Referral to the victim service",
            c.victim_referral,
            (!victims).then(|| "no victim is recorded for the offences".to_owned()),
        ),
        row("Parenting referral (a child under 16)", c.parenting_referral, None),
        row("Referral to education (a child of school age)", c.education_referral, None),
        row(
            "The court's request, with the sentence indication, on file",
            c.request_with_sentence_indication,
            None,
        ),
        row("Record of previous convictions attached", c.previous_convictions_attached, None),
    ];
    if c.parenting_referral.is_none() && rules::age_when_convicted(case).is_some_and(|age| age >= 16) {
        rows[3].state = "not_applicable";
        rows[3].note = Some("16 or over when convicted".to_owned());
    }
    rows
}
