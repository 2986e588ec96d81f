//! Who may take which step on which document, as the practice sources say.
//! Pure: the state, the case and the staff directory are passed in.
//!
//! - A PSR is final only after gatekeeping is agreed: by one manager, or,
//!   when custody is a strong possibility, by two managers, one from another
//!   team (Derbyshire practice guidance §7.3).
//! - An intervention plan is final after the manager's quality-assurance
//!   meeting and the signatures (§4.1, §4.3); a service agreement after its
//!   signatures (§2.6).
//! - A MAPPA or PPRC form, and the risk summary, after the line manager's
//!   sign-off (Wolverhampton YOT guidance §11); a MAPPA referral for
//!   category 3 also after the head of service's agreement (§5.5).
//! - The author or a manager makes a document final; a manager makes the
//!   gatekeeping record final.
//! - A reviewer is a manager, and never the author.
//! - A PSR's gatekeeping meeting is "between manager and practitioner"
//!   and "recorded ... by the manager" (§7.3): a manager who was there
//!   records it, with the report's author among those present.

use crate::case::Case;
use crate::documents::{DocumentKind, Phase, Review, Signer};
use crate::history::DocState;
use crate::rules::{two_managers_agree, two_managers_required};
use crate::staff::{Directory, name_key, same_name};

/// Submitting the current draft.
pub fn may_submit(state: &DocState) -> Result<(), String> {
    if state.disagreement() {
        return Err(
            "the gatekeeping managers disagree: the head of service decides (review --agree or --return)"
                .into(),
        );
    }
    match state.phase {
        Phase::Draft | Phase::Returned => Ok(()),
        Phase::None => Err("there is no draft to submit: render it first".into()),
        Phase::Submitted | Phase::Agreed => Err("this version is already submitted".into()),
        Phase::Final | Phase::Sent => Err("this version is final; a changed case makes a new draft".into()),
    }
}

/// A review (agree or return) of the submitted version by `by`. When the
/// managers disagree, only the head of service (`head_of_service`) decides.
pub fn may_review(
    state: &DocState,
    case: &Case,
    directory: &Directory,
    by: &str,
    head_of_service: Option<&str>,
) -> Result<(), String> {
    if state.disagreement() {
        return match head_of_service {
            Some(head) if same_name(head, by) => Ok(()),
            Some(head) => {
                Err(format!("the gatekeeping managers disagree: {head}, the head of service, decides"))
            }
            None => Err("the gatekeeping managers disagree: set rules.head_of_service, who decides".into()),
        };
    }
    if !matches!(state.phase, Phase::Submitted | Phase::Agreed) {
        return Err("only a submitted version can be reviewed: submit it first".into());
    }
    if same_name(by, &case.case_manager.name) {
        return Err(format!("{by} wrote this document: a reviewer is never the author"));
    }
    if !directory.is_manager(by) {
        return Err(format!("{by} is not a manager in the staff directory: only a manager reviews"));
    }
    if state.agreed_by().iter().any(|a| same_name(a, by)) {
        return Err(format!("{by} has already agreed this version"));
    }
    // The second agreement completes "two managers, one from another team":
    // refuse one that would leave the pair without a manager from another
    // team than the case's.
    let agreed = state.agreed_by();
    if two_managers_required(state.kind, case)
        && !agreed.is_empty()
        && !two_managers_agree(&case.team, agreed.iter().chain([&by]).map(|n| (*n, directory.team(n))))
    {
        return Err(format!(
            "custody is a strong possibility: the second manager must be from another team than the case's ({}), and {} and {by} are both of it",
            case.team,
            agreed.join(" and ")
        ));
    }
    if state.kind.review() == Review::LineManagerSignOff {
        let line_manager = case.line_manager.as_ref().map(|w| w.name.clone());
        let line_manager = line_manager.or(directory.line_manager_of(&case.case_manager.name, None));
        let head_agrees =
            head_of_service_must_agree(state.kind, case) && head_of_service.is_some_and(|h| same_name(h, by));
        if !head_agrees && line_manager.as_deref().is_none_or(|m| !same_name(m, by)) {
            return Err(format!(
                "the line manager signs this off: {}",
                line_manager.unwrap_or_else(|| "none is recorded for the case manager".into())
            ));
        }
    }
    Ok(())
}

/// Making the current version final.
pub fn may_finalise(
    state: &DocState,
    case: &Case,
    directory: &Directory,
    head_of_service: Option<&str>,
) -> Result<(), String> {
    if matches!(state.phase, Phase::Final | Phase::Sent) {
        return Err("this version is already final".into());
    }
    if state.phase == Phase::None {
        return Err("there is no draft: render it first".into());
    }
    let noun = state.kind.spec().noun;
    match state.kind.review() {
        Review::Gatekeeping => {
            // After a disagreement, the head of service's agreement decides.
            if let Some(head) = head_of_service
                && state.reviews.iter().any(|r| !r.agreed)
                && state.reviews.last().is_some_and(|r| r.agreed && same_name(&r.by, head))
            {
                return Ok(());
            }
            let agreed = state.agreed_by();
            if state.phase != Phase::Agreed || agreed.is_empty() {
                return Err(format!(
                    "a {noun} is final only after gatekeeping is agreed: submit it, and a manager agrees it"
                ));
            }
            if two_managers_required(state.kind, case)
                && !two_managers_agree(&case.team, agreed.iter().map(|m| (*m, directory.team(m))))
            {
                return Err(format!(
                    "custody is a strong possibility: two managers must agree the {noun}, one from another team"
                ));
            }
            Ok(())
        }
        Review::Signatures if state.kind == DocumentKind::InterventionPlan => {
            let plan = case.intervention_plan.as_ref();
            let Some(qa) = plan.and_then(|p| p.qa_meeting_date) else {
                return Err("an intervention plan is final after the manager's quality-assurance meeting: record intervention_plan.qa_meeting_date".into());
            };
            let signatures = plan.map(|p| &p.signatures);
            let all = signatures.into_iter().flat_map(|s| {
                [&s.young_person, &s.parent_carer, &s.case_manager, &s.manager].into_iter().flatten()
            });
            // §4.3: "formally discussed with a Manager in a 'quality assurance
            // meeting' before they are finally agreed".
            if let Some(early) = all.clone().filter(|s| s.date < qa).min_by_key(|s| s.date) {
                return Err(format!(
                    "the plan was signed by {} on {}, before its quality-assurance meeting on {}: a plan is agreed after that meeting, so it is signed again after it",
                    early.name,
                    early.date.format("%-d %B %Y"),
                    qa.format("%-d %B %Y")
                ));
            }
            // §4.2: "agreed with the young person, family and manager".
            if let Some(manager) = signatures.and_then(|s| s.manager.as_ref())
                && !directory.is_empty()
                && !directory.is_manager(&manager.name)
            {
                return Err(format!(
                    "{} is not a manager in the staff directory: the plan's manager signature is a manager's",
                    manager.name
                ));
            }
            let signed = plan
                .is_some_and(|p| p.signatures.young_person.is_some() && p.signatures.case_manager.is_some());
            if !signed {
                return Err(
                    "an intervention plan is final once the young person and the case manager have signed it"
                        .into(),
                );
            }
            Ok(())
        }
        // The other kind final on its signatures: the service agreement.
        Review::Signatures => {
            let sa = case.service_agreement.as_ref();
            let carer =
                case.parents_carers.is_empty() || sa.is_some_and(|s| s.signatures.parent_carer.is_some());
            let signed = sa
                .is_some_and(|s| s.signatures.young_person.is_some() && s.signatures.case_manager.is_some());
            if !(signed && carer) {
                return Err("a service agreement is final once the young person, a parent or carer and the case manager have signed it".into());
            }
            Ok(())
        }
        Review::None => Ok(()),
        Review::LineManagerSignOff => {
            if state.phase != Phase::Agreed {
                return Err("this is final after the line manager's sign-off: submit it, and the line manager agrees it".into());
            }
            // §5.5: for category 3, "the Head of Service must also agree with
            // the decision to refer".
            if head_of_service_must_agree(state.kind, case) {
                let Some(head) = head_of_service else {
                    return Err("a MAPPA referral for category 3 needs the head of service's agreement: set rules.head_of_service".into());
                };
                if !state.agreed_by().iter().any(|a| same_name(a, head)) {
                    return Err(format!(
                        "a MAPPA referral for category 3 needs the head of service's agreement too: {head} agrees it"
                    ));
                }
            }
            Ok(())
        }
    }
}

/// Whether the head of service must agree this document as well as the line
/// manager: a MAPPA referral (MAPPA A) for a category 3 case.
pub fn head_of_service_must_agree(kind: DocumentKind, case: &Case) -> bool {
    kind == DocumentKind::MappaA
        && case.mappa.as_ref().is_some_and(|m| m.category == Some(crate::case::MappaCategory::Category3))
}

/// Who may make a document final: its author or a manager, and for the
/// gatekeeping record (the managers' own record) a manager only.
pub fn may_issue(kind: DocumentKind, case: &Case, directory: &Directory, by: &str) -> Result<(), String> {
    if directory.is_empty() || directory.is_manager(by) {
        return Ok(());
    }
    if kind == DocumentKind::Gatekeeping {
        return Err(format!(
            "{by} is not a manager: the gatekeeping record is the managers' own, and a manager makes it final"
        ));
    }
    if same_name(by, &case.case_manager.name) {
        return Ok(());
    }
    Err(format!(
        "{by} is neither the author ({}) nor a manager: the author or a manager makes it final",
        case.case_manager.name
    ))
}

/// Recording a signature given in the part `signer` on the current
/// version, recorded by `by`; `name` names the young person or the parent
/// or carer who signed. Returns who signed, as recorded.
pub fn may_sign(
    state: &DocState,
    case: &Case,
    directory: &Directory,
    by: &str,
    signer: Signer,
    name: Option<&str>,
) -> Result<String, String> {
    let noun = state.kind.spec().noun;
    if !state.kind.spec().signers.contains(&signer) {
        return Err(format!("a {noun} is not signed by {}", signer.words()));
    }
    match state.phase {
        Phase::None => return Err(format!("there is no {noun} to sign: render it first")),
        Phase::Final | Phase::Sent => {
            return Err(format!(
                "this {noun} is final: signatures are given to a version before it is made final, and a final never changes"
            ));
        }
        _ => {}
    }
    let who = match signer {
        Signer::Author | Signer::CaseManager => {
            if !same_name(by, &case.case_manager.name) {
                return Err(format!(
                    "{} signs as {}: {by} records only their own signature",
                    case.case_manager.name,
                    signer.words()
                ));
            }
            by.to_owned()
        }
        Signer::Manager => {
            if !directory.is_empty() && !directory.is_manager(by) {
                return Err(format!(
                    "{by} is not a manager in the staff directory: the manager's signature is a manager's"
                ));
            }
            if same_name(by, &case.case_manager.name) {
                return Err(format!("{by} wrote this {noun}: the manager who agrees it is someone else"));
            }
            by.to_owned()
        }
        Signer::YoungPerson => {
            let child = format!("{} {}", case.child.first_name, case.child.last_name);
            match name {
                Some(n) if !same_name(n, &child) => {
                    return Err(format!(
                        "{} is not the young person ({child}): name the young person who signed",
                        n.trim()
                    ));
                }
                _ => child,
            }
        }
        Signer::ParentCarer => {
            let carers: Vec<&str> = case.parents_carers.iter().map(|c| c.name.as_str()).collect();
            match (name, carers.as_slice()) {
                (Some(n), _) => match carers.iter().find(|c| same_name(c, n)) {
                    Some(c) => (*c).to_owned(),
                    None => {
                        return Err(format!(
                            "{} is not a parent or carer recorded for the case ({}): name one of them",
                            n.trim(),
                            if carers.is_empty() { "none recorded".to_owned() } else { carers.join(", ") }
                        ));
                    }
                },
                (None, [only]) => (*only).to_owned(),
                (None, _) => return Err("name the parent or carer who signed (--name)".into()),
            }
        }
    };
    if state.signed(signer).is_some_and(|s| same_name(&s.name, &who)) {
        return Err(format!("{who} has already signed this version"));
    }
    Ok(who)
}

/// Recording that a final was sent, by `by`: the author or a manager, as
/// for making it final (an admin officer posts it; the author or a
/// manager records it).
pub fn may_record_sent(
    kind: DocumentKind,
    case: &Case,
    directory: &Directory,
    by: &str,
) -> Result<(), String> {
    may_issue(kind, case, directory, by).map_err(|_| {
        format!(
            "{by} is neither the author ({}) nor a manager: the author or a manager records a final as sent",
            case.case_manager.name
        )
    })
}

/// Recording that the final was sent.
pub fn may_send(state: &DocState) -> Result<(), String> {
    match state.phase {
        Phase::Final => Ok(()),
        Phase::Sent => Err("the final is already recorded as sent".into()),
        _ => Err("only a final is sent: make it final first".into()),
    }
}

/// Recording a PSR's gatekeeping meeting by `by`, with `attended` there
/// (`by` is counted as there: a manager records a meeting they were at).
/// Returns who was there, as the staff directory spells them, the
/// recorder first.
pub fn may_record_meeting(
    state: &DocState,
    case: &Case,
    directory: &Directory,
    by: &str,
    attended: &[String],
) -> Result<Vec<String>, String> {
    if state.kind != DocumentKind::Psr {
        return Err(format!("a gatekeeping meeting is recorded for a PSR, not a {}", state.kind.spec().noun));
    }
    match state.phase {
        Phase::None => return Err("there is no PSR to discuss yet: write it first".into()),
        Phase::Final | Phase::Sent => {
            return Err(
                "this PSR is final: its gatekeeping meeting is held before it is final, and a final never changes"
                    .into(),
            );
        }
        _ => {}
    }
    if !directory.is_empty() && !directory.is_manager(by) {
        return Err(format!(
            "{by} is not a manager in the staff directory: the manager records the gatekeeping meeting"
        ));
    }
    if same_name(by, &case.case_manager.name) {
        return Err(format!("{by} wrote this PSR: a manager who gatekeeps it records the meeting"));
    }
    let mut present: Vec<String> = vec![by.to_owned()];
    for name in attended {
        let tidy = name.split_whitespace().collect::<Vec<_>>().join(" ");
        if name_key(&tidy).is_empty() {
            continue;
        }
        let spelled = if directory.is_empty() {
            tidy
        } else {
            match directory.spelled(&tidy) {
                Some(s) => s.to_owned(),
                None => {
                    return Err(format!(
                        "{tidy} is not in the staff directory: a gatekeeping meeting is among the service's staff"
                    ));
                }
            }
        };
        if !present.iter().any(|p| same_name(p, &spelled)) {
            present.push(spelled);
        }
    }
    if !present.iter().any(|p| same_name(p, &case.case_manager.name)) {
        return Err(format!(
            "the gatekeeping meeting is between the manager and the report's author: {} was not there",
            case.case_manager.name
        ));
    }
    Ok(present)
}
