//! Findings: what a manager should look at, each citing its rule.

use chrono::Months;
use serde::Serialize;

use super::{ContactKind, Rule, contact, forms, psr, risk, scaled};
use crate::case::Case;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// The data cannot be right (e.g. MAPPA category 3 at level 1): `check` exits 1.
    Invalid,
    /// Practice to put right.
    Warning,
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Invalid or warning.
    pub severity: Severity,
    /// What is wrong and what is expected.
    pub message: String,
    /// The rule it follows.
    pub rule: Rule,
}

fn warn(out: &mut Vec<Finding>, rule: Rule, message: impl Into<String>) {
    out.push(Finding { severity: Severity::Warning, message: message.into(), rule });
}

/// Every finding for `case`.
/// `double_gatekeeping_done`: as the recorded steps give it, where they are
/// recorded (see [`super::Facts::double_gatekeeping_done`]).
pub fn findings(case: &Case, double_gatekeeping_done: bool) -> Vec<Finding> {
    let mut out: Vec<Finding> = forms::mappa_invalid(case)
        .into_iter()
        .map(|message| Finding { severity: Severity::Invalid, message, rule: Rule::MAPPA_GUIDANCE })
        .collect();

    for (required, plan, name, rule) in [
        (risk::rmp_required(case), &case.risk_management_plan, "Risk Management Plan", Rule::RISK_PLAN),
        (
            risk::vmp_required(case),
            &case.vulnerability_management_plan,
            "Vulnerability Management Plan",
            Rule::VULNERABILITY_PLAN,
        ),
    ] {
        match (required, plan) {
            (true, None) => {
                warn(&mut out, rule, format!("{name} required (assessed Medium or above) but not recorded"))
            }
            (true, Some(p)) if p.countersigned.is_none() => {
                warn(&mut out, rule, format!("{name} not countersigned by the line manager"))
            }
            _ => {}
        }
    }

    level_findings(case, &mut out);
    for h in super::plain::hard_text(case) {
        warn(&mut out, Rule::PLAN_LANGUAGE, format!("{} (what the child reads): {}", h.field, h.message));
    }

    agreement_signer(case, &mut out);

    if let Some(p) = &case.pprc
        && p.criteria_met
        && p.discussion_date.is_none()
    {
        warn(&mut out, Rule::PPRC, "PPRC criteria met: record the risk discussion with the line manager");
    }

    // Wolverhampton YOT guidance §11(c): PPRC "relates to ... individuals who have committed
    // specific offences against a child (under the age 18 years old)".
    let child_victim =
        case.offences.iter().flat_map(|o| &o.victims).any(|v| v.is_child || v.age.is_some_and(|a| a < 18));
    if child_victim && case.pprc.is_none() {
        warn(&mut out, Rule::PPRC, "an offence against a child but no PPRC record: assess the PPRC criteria");
    }

    // Salford Next Steps protocol: custody visits "at intervals of not more than six weeks".
    if let Some(ns) = &case.next_steps {
        let mut visits = ns.custody_visits.clone();
        visits.sort();
        for pair in visits.windows(2) {
            if (pair[1] - pair[0]).num_days() > 42 {
                warn(
                    &mut out,
                    Rule::NEXT_STEPS,
                    format!(
                        "Next Steps custody visits {} and {} are more than six weeks apart",
                        pair[0], pair[1]
                    ),
                );
            }
        }
    }

    // A young person who did not agree, or could not answer, is asked again.
    if let Some(plan) = &case.intervention_plan {
        let on = plan.child_answered.map(|d| format!(" on {}", d.format("%-d %B %Y"))).unwrap_or_default();
        match plan.child_agrees {
            Some(crate::case::ChildAnswer::DoesNotAgree) => warn(
                &mut out,
                Rule::PLAN,
                format!(
                    "the young person did not agree the plan{on}: talk it through with them again and record their answer"
                ),
            ),
            Some(crate::case::ChildAnswer::CouldNotAnswer) => warn(
                &mut out,
                Rule::PLAN,
                format!(
                    "the young person could not say{on} whether they agree the plan: ask again at the next meeting"
                ),
            ),
            _ => {}
        }
    }

    if super::double_gatekeeping_required(case) && !double_gatekeeping_done {
        warn(
            &mut out,
            Rule::GATEKEEPING,
            "custody is a strong possibility: gatekeeping needs two managers, one from another team",
        );
    }

    // The age a PSR gives the court is the age at the hearing: a child who
    // turns 18 first is sentenced as an adult would be, and the author must
    // know.
    if let (Some(_), Some(hearing)) = (&case.psr, case.court.as_ref().and_then(|c| c.hearing_date))
        && super::age::age_on(case.child.date_of_birth, hearing) >= 18
    {
        let birthday = case.child.date_of_birth.checked_add_months(chrono::Months::new(18 * 12));
        let on = birthday.map(|b| b.format("%-d %B %Y").to_string()).unwrap_or_default();
        warn(
            &mut out,
            Rule::SENTENCING_GUIDELINE,
            format!(
                "the young person turns 18 on {on}, before the hearing on {}",
                hearing.format("%-d %B %Y")
            ),
        );
    }
    if let Some(psr) = &case.psr {
        if psr.custody_strong_possibility
            && psr.custody_vulnerability.as_deref().is_none_or(|v| v.trim().is_empty())
        {
            warn(
                &mut out,
                Rule::PSR_WRITING,
                "custody is a strong possibility: the PSR must give the evidence of vulnerability should they receive custody",
            );
        }
        if case.offences.iter().any(|o| o.specified)
            && psr.dangerousness.as_deref().is_none_or(|v| v.trim().is_empty())
        {
            warn(
                &mut out,
                Rule::SENTENCING_ACT,
                "a specified offence: the PSR needs a dangerousness assessment",
            );
        }
    }

    if let Some(plan) = &case.intervention_plan {
        // Plans are discussed at a manager's quality-assurance meeting
        // before they are agreed.
        let discussed = plan.qa_meeting_date.is_some_and(|qa| plan.date.is_none_or(|agreed| qa <= agreed));
        if plan.date.is_some() && !discussed {
            warn(
                &mut out,
                Rule::PLAN_QUALITY,
                "intervention plan agreed without a recorded quality-assurance meeting with a manager first",
            );
        }
        if plan.signatures.young_person.is_none() {
            warn(&mut out, Rule::PLAN, "intervention plan not signed by the young person");
        }
        if plan.restorative.as_deref().is_none_or(|r| r.trim().is_empty()) {
            warn(&mut out, Rule::RESTORATIVE, "intervention plan has no restorative intervention");
        }
        if let (Some(date), Some(review)) = (plan.date, plan.review_date)
            && date.checked_add_months(Months::new(6)).is_some_and(|limit| review > limit)
        {
            warn(
                &mut out,
                Rule::PLAN_REVIEW,
                format!("plan review set for {review}, more than 6 months after the plan"),
            );
        }
    }

    if let Some(sa) = &case.service_agreement {
        let s = &sa.signatures;
        if s.young_person.is_none() {
            warn(&mut out, Rule::SERVICE_AGREEMENT, "service agreement not signed by the young person");
        }
        if !case.parents_carers.is_empty() && s.parent_carer.is_none() {
            warn(&mut out, Rule::SERVICE_AGREEMENT, "service agreement not signed by a parent or carer");
        }
        if let (Some(date), Some(order)) = (sa.date, &case.order)
            && date.checked_add_months(Months::new(6)).is_some_and(|valid_to| order.start_date > valid_to)
        {
            warn(
                &mut out,
                Rule::SERVICE_AGREEMENT,
                format!(
                    "service agreement of {date} is over 6 months older than the order: a new one is needed"
                ),
            );
        }
    }

    for f in psr::language_findings(case) {
        warn(&mut out, Rule::PSR_WRITING, format!("PSR language: `{}` in {}", f.phrase, f.field));
    }
    out
}

/// The intervention level: recorded, agreed by a manager, and agreeing
/// with a legacy ASSET score where there is one.
fn level_findings(case: &Case, out: &mut Vec<Finding>) {
    let Some(a) = &case.assessment else { return };
    if let Some((recorded, banded, score)) = scaled::disagreement(a) {
        warn(
            out,
            Rule::INTERVENTION_LEVEL,
            format!(
                "intervention level recorded as {} but ASSET score {score} gives {} under the Scaled Approach table: correct one, or record why the judgement differs",
                recorded.label(),
                banded.label()
            ),
        );
    }
    if let Some(r) = &a.intervention_level
        && (r.agreed_by.is_none() || r.agreed_date.is_none())
    {
        warn(
            out,
            Rule::INTERVENTION_LEVEL,
            format!(
                "intervention level {} is the practitioner's judgement: record the manager who agreed it and the date",
                r.level.label()
            ),
        );
    }
    let banded = contact(case.order.as_ref().map(|o| o.kind), Some(a), None);
    if banded.kind == ContactKind::Scaled && banded.level.is_none() {
        warn(
            out,
            Rule::INTERVENTION_LEVEL,
            "no intervention level: record the practitioner's judgement (standard, enhanced or intensive), agreed by a manager",
        );
    }
}

/// A looked-after child's agreement is signed by someone with parental
/// responsibility (a parent who has it, or the council through the social
/// worker), named in the case: a key worker or foster carer does not.
fn agreement_signer(case: &Case, out: &mut Vec<Finding>) {
    let (Some(la), Some(a)) = (&case.child.looked_after, &case.service_agreement) else { return };
    let holds = |name: &str| {
        case.parents_carers
            .iter()
            .any(|c| c.parental_responsibility && crate::staff::same_name(&c.name, name))
            || la.social_worker.as_ref().is_some_and(|w| crate::staff::same_name(&w.name, name))
    };
    match a.signed_with_parental_responsibility_by.as_deref() {
        None => warn(
            out,
            Rule::SERVICE_AGREEMENT,
            "looked after: record who signs the agreement with parental responsibility (service_agreement.signed_with_parental_responsibility_by)",
        ),
        Some(n) if !holds(n) => warn(
            out,
            Rule::SERVICE_AGREEMENT,
            format!(
                "{n} signs the agreement but is not recorded with parental responsibility (a parent who has it, or the social worker)"
            ),
        ),
        Some(_) => {}
    }
    if let Some(s) = &a.signatures.parent_carer
        && !holds(&s.name)
    {
        warn(
            out,
            Rule::SERVICE_AGREEMENT,
            format!(
                "looked after: the agreement is signed by {}, who does not have parental responsibility",
                s.name
            ),
        );
    }
}
