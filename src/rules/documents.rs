//! Which documents a case gets and what a final version of each requires:
//! practice rules about the catalogue's kinds (the sources are cited at
//! each check).

use serde::Serialize;

use super::{Facts, double_gatekeeping_required};
use crate::case::{Case, MappaLevel, RequestedReport, Signatures};
use crate::documents::DocumentKind;

/// A required field that has no value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Missing {
    /// JSON path in the case, e.g. `psr.conclusion`.
    pub path: &'static str,
    /// What the reader sees after "TO COMPLETE:".
    pub label: &'static str,
}

/// Whether `run` renders this kind for `case` without being asked: the
/// case has the section, or (for forms) the rules require the form.
pub fn applies(kind: DocumentKind, case: &Case, facts: &Facts) -> bool {
    if kind.is_form() {
        return facts.requires(kind);
    }
    match kind {
        DocumentKind::Psr | DocumentKind::Gatekeeping => case.psr.is_some(),
        DocumentKind::InterventionPlan => case.intervention_plan.is_some() || case.order.is_some(),
        // Derbyshire practice guidance §2.6: "A service agreement should be signed by all young people".
        DocumentKind::ServiceAgreement => true,
        // Derbyshire practice guidance §17.2: the Y2A upload needs the most recent ROSH and
        // risk, safety and wellbeing plan: keep one current for every assessed case.
        DocumentKind::RiskSummary => case.assessment.is_some(),
        DocumentKind::ProgressReport => case.progress_report.is_some(),
        DocumentKind::MappaH | DocumentKind::MappaA | DocumentKind::Pprc2 | DocumentKind::Pprc7 => {
            unreachable!("forms returned above")
        }
    }
}

/// Whether a person may start a `kind` document for `case` now: a kind a
/// person writes, not yet started (the case has no such section), that
/// applies to the case. A PSR or a progress report is started once the
/// court has asked for it (the case system's `court.report_requested`,
/// "PSR requested"); a plan once there is an order or intervention; a
/// service agreement for every child (Derbyshire practice guidance §2.6).
pub fn may_start(kind: DocumentKind, case: &Case) -> Result<(), String> {
    let spec = kind.spec();
    if spec.section.is_none() {
        return Err(format!(
            "a {} is made from the case data, not written: there is nothing to start",
            spec.noun
        ));
    };
    if started(kind, case) {
        return Err(format!("the {} is already started", spec.noun));
    }
    let requested = case.court.as_ref().and_then(|c| c.report_requested);
    match kind {
        DocumentKind::Psr if requested != Some(RequestedReport::Psr) => Err(
            "the court has not asked for a PSR: the case system records the request (court.report_requested)"
                .into(),
        ),
        DocumentKind::ProgressReport if requested != Some(RequestedReport::ProgressReport) => Err(
            "the court has not asked for a progress report: the case system records the request (court.report_requested)"
                .into(),
        ),
        DocumentKind::InterventionPlan if case.order.is_none() => Err(
            "an intervention plan is for an order or intervention, and the case system records none".into(),
        ),
        _ => Ok(()),
    }
}

/// Whether the case holds the section `kind`'s writer fills (the
/// catalogue's `section`): the document is started. Always false for the
/// kinds made from the case data.
pub fn started(kind: DocumentKind, case: &Case) -> bool {
    match kind {
        DocumentKind::Psr => case.psr.is_some(),
        DocumentKind::ProgressReport => case.progress_report.is_some(),
        DocumentKind::InterventionPlan => case.intervention_plan.is_some(),
        DocumentKind::ServiceAgreement => case.service_agreement.is_some(),
        _ => false,
    }
}

/// Whether `kind` may be started for `case` (see [`may_start`]).
pub fn startable(kind: DocumentKind, case: &Case) -> bool {
    may_start(kind, case).is_ok()
}

/// Required fields without a value: drafts show "TO COMPLETE" markers for
/// them, and a final document refuses to render.
pub fn missing(kind: DocumentKind, case: &Case, facts: &Facts) -> Vec<Missing> {
    let mut m = Needs::default();
    match kind {
        DocumentKind::Psr => psr_needs(case, facts, &mut m),
        DocumentKind::Gatekeeping => gatekeeping_needs(case, facts, &mut m),
        DocumentKind::InterventionPlan => plan_needs(case, &mut m),
        DocumentKind::ServiceAgreement => agreement_needs(case, &mut m),
        DocumentKind::MappaH | DocumentKind::MappaA => mappa_needs(kind, case, &mut m),
        DocumentKind::Pprc2 | DocumentKind::Pprc7 => pprc_needs(kind, case, &mut m),
        DocumentKind::ProgressReport => progress_needs(case, &mut m),
        DocumentKind::RiskSummary => risk_summary_needs(case, facts, &mut m),
    }
    m.0
}

#[derive(Default)]
struct Needs(Vec<Missing>);

impl Needs {
    fn check(&mut self, present: bool, path: &'static str, label: &'static str) {
        if !present {
            self.0.push(Missing { path, label });
        }
    }
}

fn has(text: Option<&String>) -> bool {
    text.is_some_and(|t| !t.trim().is_empty())
}

fn psr_needs(case: &Case, facts: &Facts, m: &mut Needs) {
    let psr = case.psr.clone().unwrap_or_default();
    let court = case.court.as_ref();
    m.check(court.is_some(), "court.name", "court");
    m.check(court.and_then(|c| c.hearing_date).is_some(), "court.hearing_date", "date of hearing");
    m.check(!case.offences.is_empty(), "offences", "offences before the court");
    m.check(has(psr.introduction.as_ref()), "psr.introduction", "introduction");
    m.check(!psr.sources.is_empty(), "psr.sources", "sources of information");
    let offence = psr.offence_analysis.unwrap_or_default();
    m.check(has(offence.seriousness.as_ref()), "psr.offence_analysis.seriousness", "offence seriousness");
    m.check(has(offence.victims.as_ref()), "psr.offence_analysis.victims", "impact on victims");
    let child = psr.child_assessment.unwrap_or_default();
    m.check(
        has(child.circumstances.as_ref()),
        "psr.child_assessment.circumstances",
        "personal circumstances",
    );
    m.check(has(child.family.as_ref()), "psr.child_assessment.family", "family and relationships");
    m.check(
        has(child.education.as_ref()),
        "psr.child_assessment.education",
        "education, training and employment",
    );
    m.check(has(child.health.as_ref()), "psr.child_assessment.health", "health and wellbeing");
    if case.child.looked_after.is_some() {
        m.check(
            has(child.looked_after.as_ref()),
            "psr.child_assessment.looked_after",
            "looked-after experience",
        );
    }
    m.check(!case.strengths.is_empty(), "strengths", "strengths");
    m.check(case.assessment.is_some(), "assessment", "assessment (AssetPlus)");
    let risk = psr.risk_assessment.unwrap_or_default();
    m.check(has(risk.reoffending.as_ref()), "psr.risk_assessment.reoffending", "likelihood of reoffending");
    m.check(has(risk.serious_harm.as_ref()), "psr.risk_assessment.serious_harm", "risk of serious harm");
    m.check(
        has(risk.safety_wellbeing.as_ref()),
        "psr.risk_assessment.safety_wellbeing",
        "safety and wellbeing",
    );
    m.check(psr.report_type.is_some(), "psr.report_type", "report type");
    m.check(
        has(psr.previous_offending.as_ref()),
        "psr.previous_offending",
        "previous offending and out-of-court disposals",
    );
    m.check(
        has(psr.underlying_causes.as_ref()),
        "psr.underlying_causes",
        "underlying causes of the offending",
    );
    m.check(has(psr.previous_compliance.as_ref()), "psr.previous_compliance", "previous compliance");
    m.check(has(child.parenting.as_ref()), "psr.child_assessment.parenting", "parenting");
    // Derbyshire practice guidance §7.1: the evidence of vulnerability should the child
    // receive custody, where custody is a strong possibility.
    if psr.custody_strong_possibility {
        m.check(
            has(psr.custody_vulnerability.as_ref()),
            "psr.custody_vulnerability",
            "vulnerability in custody",
        );
    }
    if case.offences.iter().any(|o| o.specified) {
        m.check(has(psr.dangerousness.as_ref()), "psr.dangerousness", "dangerousness assessment");
    }
    m.check(
        psr.discussed_with_child_and_carer.is_some(),
        "psr.discussed_with_child_and_carer",
        "report discussed with the young person and parent or carer",
    );
    m.check(has(psr.conclusion.as_ref()), "psr.conclusion", "conclusion");
    m.check(psr.proposal.is_some(), "psr.proposal", "sentencing proposal");
    // Derbyshire practice guidance §7.3: "For all PSRs, prior to the PSR being completed, a
    // formal meeting should be held between manager and practitioner". The
    // meeting recorded as a step (`casepress meeting`, the workspace's
    // "Record the meeting"); a typed meeting date is for PSRs gatekept
    // outside casepress.
    let typed = case.gatekeeping.as_ref().and_then(|g| g.meeting_date);
    m.check(
        facts.gatekeeping_recorded.meeting.is_some() || typed.is_some(),
        "gatekeeping.meeting_date",
        "gatekeeping meeting",
    );
    m.check(psr.signed.is_some(), "psr.signed", "author's signature");
}

fn progress_needs(case: &Case, m: &mut Needs) {
    let report = case.progress_report.clone().unwrap_or_default();
    let court = case.court.as_ref();
    m.check(court.is_some(), "court.name", "court");
    m.check(court.and_then(|c| c.hearing_date).is_some(), "court.hearing_date", "date of hearing");
    m.check(case.order.is_some(), "order", "order or bail the report is about");
    m.check(has(report.purpose.as_ref()), "progress_report.purpose", "why the court asked for the report");
    m.check(has(report.progress.as_ref()), "progress_report.progress", "progress since the last hearing");
    m.check(has(report.compliance.as_ref()), "progress_report.compliance", "attendance and compliance");
    m.check(
        has(report.recommendation.as_ref()),
        "progress_report.recommendation",
        "what the report asks the court to do",
    );
    m.check(
        report.discussed_with_child_and_carer.is_some(),
        "progress_report.discussed_with_child_and_carer",
        "report discussed with the young person and parent or carer",
    );
    progress_views_needs(case, &report, m);
    m.check(report.signed.is_some(), "progress_report.signed", "author's signature");
}

/// What the court hears besides the author: the power asked of it, the
/// views of those the order touches, what is left to do, and who presents
/// the report.
fn progress_views_needs(case: &Case, report: &crate::case::ProgressReport, m: &mut Needs) {
    m.check(report.power.is_some(), "progress_report.power", "power asked of the court");
    if super::panel_view_needed(case) {
        m.check(has(report.panel_view.as_ref()), "progress_report.panel_view", "the panel's view");
    }
    m.check(has(report.child_view.as_ref()), "progress_report.child_view", "the young person's view");
    m.check(has(report.parent_view.as_ref()), "progress_report.parent_view", "the parent's or carer's view");
    if super::victim_view_needed(case) {
        m.check(
            has(report.victim_view.as_ref()),
            "progress_report.victim_view",
            "the victim's view, or that they gave none",
        );
    }
    m.check(
        has(report.outstanding_work.as_ref()),
        "progress_report.outstanding_work",
        "work outstanding, or none",
    );
    m.check(report.at_court.is_some(), "progress_report.at_court", "whether the author will attend court");
}

/// Wolverhampton YOT guidance §9: a risk of serious harm above Low means
/// a ROSH analysis was completed ("RMP to be completed" at Medium and
/// above), so the summary gives it: who is at risk, the nature of the harm
/// and how imminent it is; and a completed plan gives its actions.
fn risk_summary_needs(case: &Case, facts: &Facts, m: &mut Needs) {
    m.check(case.assessment.is_some(), "assessment", "assessment (AssetPlus)");
    m.check(case.line_manager.is_some(), "line_manager", "line manager");
    if facts.rmp.required {
        let harm = case.serious_harm.clone().unwrap_or_default();
        m.check(!harm.groups.is_empty(), "serious_harm.groups", "who is at risk of serious harm");
        m.check(has(harm.nature.as_ref()), "serious_harm.nature", "the nature of the harm");
        m.check(has(harm.imminence.as_ref()), "serious_harm.imminence", "how imminent the harm is");
    }
    for (status, plan, path, label) in [
        (
            &facts.rmp,
            &case.risk_management_plan,
            "risk_management_plan.actions",
            "Risk Management Plan actions",
        ),
        (
            &facts.vmp,
            &case.vulnerability_management_plan,
            "vulnerability_management_plan.actions",
            "Vulnerability Management Plan actions",
        ),
    ] {
        if status.completed.is_some() {
            m.check(plan.as_ref().is_some_and(|p| !p.actions.is_empty()), path, label);
        }
    }
}

fn gatekeeping_needs(case: &Case, facts: &Facts, m: &mut Needs) {
    let gk = case.gatekeeping.clone().unwrap_or_default();
    m.check(
        case.court.as_ref().and_then(|c| c.hearing_date).is_some(),
        "court.hearing_date",
        "date of hearing",
    );
    let recorded = &facts.gatekeeping_recorded;
    if recorded.recorded {
        // The record of recorded steps: submitted and agreed, as the rules
        // require; the managers' views are their recorded comments.
        m.check(recorded.submitted.is_some(), "psr", "PSR submitted to managers");
        m.check(recorded.agreed.is_some(), "psr", "gatekeeping agreed by a manager");
        if double_gatekeeping_required(case) {
            m.check(facts.double_gatekeeping_done, "psr", "second gatekeeping manager from another team");
        }
        return;
    }
    m.check(gk.meeting_date.is_some(), "gatekeeping.meeting_date", "date of gatekeeping meeting");
    m.check(!gk.managers.is_empty(), "gatekeeping.managers", "gatekeeping manager");
    if double_gatekeeping_required(case) {
        m.check(
            facts.double_gatekeeping_done,
            "gatekeeping.managers",
            "second gatekeeping manager from another team",
        );
    }
    m.check(has(gk.agreed_proposal.as_ref()), "gatekeeping.agreed_proposal", "agreed sentencing proposal");
    m.check(has(gk.views.as_ref()), "gatekeeping.views", "managers' views on the PSR");
    m.check(gk.submitted_date.is_some(), "gatekeeping.submitted_date", "date submitted to managers");
}

fn plan_needs(case: &Case, m: &mut Needs) {
    let plan = case.intervention_plan.clone().unwrap_or_default();
    m.check(case.order.is_some(), "order", "order or intervention");
    m.check(plan.date.is_some(), "intervention_plan.date", "date of plan");
    m.check(
        !plan.going_well.is_empty() || !case.strengths.is_empty(),
        "intervention_plan.going_well",
        "what's going well",
    );
    m.check(!plan.targets.is_empty(), "intervention_plan.targets", "what we will work on");
    m.check(
        !plan.keep_safe.is_empty(),
        "intervention_plan.keep_safe",
        "what we will do to keep you and others safe",
    );
    m.check(
        has(plan.make_it_easier.as_ref()),
        "intervention_plan.make_it_easier",
        "how we will make it easier for you",
    );
    // Derbyshire practice guidance §16: a restorative intervention in every plan.
    m.check(has(plan.restorative.as_ref()), "intervention_plan.restorative", "restorative intervention");
    m.check(case.assessment.is_some(), "assessment", "assessment (sets the contact level)");
    m.check(plan.review_date.is_some(), "intervention_plan.review_date", "review date");
    // A plan is agreed with the young person: their own answer, with its day,
    // and what they said when they do not agree.
    m.check(
        plan.child_agrees.is_some(),
        "intervention_plan.child_agrees",
        "whether the young person agrees the plan",
    );
    m.check(
        plan.child_answered.is_some(),
        "intervention_plan.child_answered",
        "the day the young person answered",
    );
    if plan.child_agrees == Some(crate::case::ChildAnswer::DoesNotAgree) {
        m.check(
            has(plan.child_views.as_ref()),
            "intervention_plan.child_views",
            "what the young person said",
        );
    }
    // Derbyshire practice guidance §4.1: "ALL INTERVENTION PLANS SHOULD BE SIGNED BY YOUNG PEOPLE."
    let s = &plan.signatures;
    family_signatures(
        m,
        case,
        s,
        [
            "intervention_plan.signatures.young_person",
            "intervention_plan.signatures.parent_carer",
            "intervention_plan.signatures.case_manager",
        ],
    );
    m.check(s.manager.is_some(), "intervention_plan.signatures.manager", "manager's signature");
}

/// The young person, a parent or carer (when the case has one) and the case
/// manager sign; `paths` are their JSON paths in that order.
fn family_signatures(m: &mut Needs, case: &Case, s: &Signatures, paths: [&'static str; 3]) {
    m.check(s.young_person.is_some(), paths[0], "young person's signature");
    if !case.parents_carers.is_empty() {
        m.check(s.parent_carer.is_some(), paths[1], "parent/carer's signature");
    }
    m.check(s.case_manager.is_some(), paths[2], "case manager's signature");
}

fn agreement_needs(case: &Case, m: &mut Needs) {
    let sa = case.service_agreement.clone().unwrap_or_default();
    m.check(case.order.is_some(), "order", "order or intervention");
    m.check(sa.date.is_some(), "service_agreement.date", "date of agreement");
    // Derbyshire practice guidance §2.6: "signed by all young people and parent/carers we work with".
    let paths = [
        "service_agreement.signatures.young_person",
        "service_agreement.signatures.parent_carer",
        "service_agreement.signatures.case_manager",
    ];
    family_signatures(m, case, &sa.signatures, paths);
}

/// What every MAPPA and PPRC form needs.
fn form_basics(case: &Case, m: &mut Needs) {
    m.check(!case.offences.is_empty(), "offences", "offences");
    m.check(case.assessment.is_some(), "assessment", "assessment (AssetPlus)");
    m.check(case.line_manager.is_some(), "line_manager", "line manager");
}

fn mappa_needs(kind: DocumentKind, case: &Case, m: &mut Needs) {
    let mappa = case.mappa.clone().unwrap_or_default();
    m.check(mappa.category.is_some(), "mappa.category", "MAPPA category");
    m.check(case.order.is_some(), "order", "sentence or order");
    form_basics(case, m);
    m.check(case.child.pnc_id.is_some(), "child.pnc_id", "PNC ID");
    if kind == DocumentKind::MappaH {
        m.check(mappa.identified_date.is_some(), "mappa.identified_date", "date identified");
        m.check(mappa.review_date.is_some(), "mappa.review_date", "proposed next review date");
        let in_custody =
            case.order.as_ref().is_some_and(|o| o.kind.is_custodial() && o.closed_date.is_none());
        m.check(!in_custody || mappa.release_date.is_some(), "mappa.release_date", "expected release date");
        return;
    }
    m.check(has(mappa.area.as_ref()), "mappa.area", "MAPPA area");
    m.check(
        matches!(mappa.level, Some(MappaLevel::Level2 | MappaLevel::Level3)),
        "mappa.level",
        "level 2 or 3",
    );
    m.check(mappa.referral_date.is_some(), "mappa.referral_date", "date of referral");
    // MAPPA A notes: offence details "in bullets, not pasted from the PSR".
    m.check(!mappa.offence_details.is_empty(), "mappa.offence_details", "offence details as bullets");
    m.check(has(mappa.reason_for_referral.as_ref()), "mappa.reason_for_referral", "reason for referral");
    m.check(has(mappa.victim_issues.as_ref()), "mappa.victim_issues", "victim issues");
    m.check(!mappa.agencies.is_empty(), "mappa.agencies", "agencies involved");
    m.check(has(mappa.level_reason.as_ref()), "mappa.level_reason", "why this level is needed");
    // MAPPA Guidance: the risk to each group, what the panel is asked, and,
    // for a child, whether they and their parent know and their welfare.
    m.check(
        case.serious_harm.as_ref().is_some_and(|h| !h.groups.is_empty()),
        "serious_harm.groups",
        "risk of serious harm to each group",
    );
    m.check(!mappa.requests_to_panel.is_empty(), "mappa.requests_to_panel", "requests to the panel");
    m.check(has(mappa.disclosure.as_ref()), "mappa.disclosure", "disclosure considerations");
    let shared = mappa.referral_shared.unwrap_or_default();
    let answered = shared.not_told_because.is_some();
    m.check(
        shared.child_told.is_some() || answered,
        "mappa.referral_shared.child_told",
        "whether the child has been told of the referral",
    );
    m.check(
        shared.parent_told.is_some() || answered,
        "mappa.referral_shared.parent_told",
        "whether a parent or carer has been told of the referral",
    );
    m.check(has(mappa.welfare.as_ref()), "mappa.welfare", "welfare considerations for the child");
}

fn pprc_needs(kind: DocumentKind, case: &Case, m: &mut Needs) {
    let pprc = case.pprc.clone().unwrap_or_default();
    form_basics(case, m);
    m.check(has(pprc.decision.as_ref()), "pprc.decision", "decision and reasons");
    if kind == DocumentKind::Pprc2 {
        m.check(!pprc.actions.is_empty(), "pprc.actions", "actions");
        m.check(pprc.discussion_date.is_some(), "pprc.discussion_date", "date of the risk discussion");
        m.check(has(pprc.risk_summary.as_ref()), "pprc.risk_summary", "the assessed risk to children");
        m.check(pprc.referral_date.is_some(), "pprc.referral_date", "date of referral");
        let request = pprc.request.unwrap_or_default();
        m.check(!request.asks.is_empty(), "pprc.request.asks", "what children's services are asked to do");
        m.check(request.urgency.is_some(), "pprc.request.urgency", "how urgent the request is");
        m.check(request.by.is_some(), "pprc.request.by", "the date a reply is asked for");
        m.check(has(request.sharing_basis.as_ref()), "pprc.request.sharing_basis", "the basis for sharing");
    } else {
        m.check(
            case.order.as_ref().and_then(|o| o.closed_date).is_some(),
            "order.closed_date",
            "date of closure",
        );
        m.check(
            has(pprc.closure_reassessment.as_ref()),
            "pprc.closure_reassessment",
            "reassessment at closure",
        );
        m.check(pprc.reassessment_date.is_some(), "pprc.reassessment_date", "date of reassessment");
        m.check(pprc.risk_remains.is_some(), "pprc.risk_remains", "whether a risk to children remains");
        m.check(
            pprc.closure_discussion_date.is_some(),
            "pprc.closure_discussion_date",
            "date of the line-manager discussion at closure",
        );
        m.check(!pprc.closure_notified.is_empty(), "pprc.closure_notified", "who was told of the decision");
    }
}
