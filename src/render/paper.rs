//! What a paper states on its date, derived here so that no template
//! works it out: the child's age, always with the day it is on; the case
//! as it stood on the date (a signature or meeting dated later is not on
//! it); the PPRC and MAPPA H lines; who to call, each person once; and the
//! gatekeeping record.

use chrono::NaiveDate;
use serde::Serialize;

use super::court_paper::{CourtPaper, court_paper as court_facts};
use super::record::{Record, record};
use super::reports::{ProgressPaper, RiskPaper, progress, risk};
use super::request::RenderRequest;
use crate::case::{Case, Signature, Signatures};
use crate::documents::DocumentKind;
use crate::history;
use crate::rules::{AgeOn, age_at_offences, age_label};
use crate::staff::same_name;

/// Someone to call, as the service agreement lists them.
#[derive(Debug, Clone, Serialize)]
pub(super) struct Caller {
    name: String,
    role: String,
    phone: Option<String>,
    email: Option<String>,
}

/// The paper's own facts.
#[derive(Debug, Clone, Serialize)]
pub(super) struct Paper {
    /// "age 16 at the hearing" on a court paper, else "age 16 on
    /// 23 November 2026".
    pub age: String,
    /// The age at the offences, with their dates (a PSR gives it).
    pub age_at_offence: Option<String>,
    /// Person Posing a Risk to Children, as assessed (or not).
    pub pprc: String,
    /// When MAPPA H was sent, if that is recorded at all.
    pub mappa_h_sent: Option<String>,
    /// The last Risk and Vulnerability Management Meeting held by the date.
    pub last_risk_meeting: Option<NaiveDate>,
    /// Who to call: the worker first, then each other contact once.
    pub who_to_call: Vec<Caller>,
    /// The gatekeeping record, for that document.
    pub record: Option<Record>,
    /// The order's requirements as the child's papers say them: the
    /// catalogue's sentence for the child, else the court's words.
    pub rules_for_child: Vec<String>,
    /// What a PSR and its gatekeeping record derive for their readers.
    pub court: Option<CourtPaper>,
    /// The risk summary's derived lines.
    pub risk: RiskPaper,
    /// The progress report's derived lines.
    pub progress: ProgressPaper,
    /// Who signs the service agreement for the child's family.
    pub family_signer: FamilySigner,
}

/// The agreement's second signature: for a looked-after child, someone
/// with parental responsibility, as the case records them; else the one
/// recorded as signing with it, the one who signed, or the first parent
/// or carer.
#[derive(Debug, Clone, Serialize)]
pub(super) struct FamilySigner {
    /// The row's label: "Parent / carer", or "Parental responsibility".
    pub label: String,
    /// Who is to sign: "Donna Campbell", or "Hannah Lewis, social worker
    /// for Northfield City Council". None: not yet recorded.
    pub name: Option<String>,
    /// What is wrong with a recorded signature, for a looked-after child
    /// signed for by someone without parental responsibility.
    pub not_responsible: Option<String>,
}

/// A court paper gives ages at the hearing: the PSR, the progress report
/// and the gatekeeping record of a PSR.
fn court_paper(kind: DocumentKind) -> bool {
    kind.spec().court_report || kind.spec().record_of.is_some()
}

/// The paper's facts for `req`.
pub(super) fn paper(req: &RenderRequest<'_>) -> Paper {
    let case = req.case;
    let born = case.child.date_of_birth;
    let hearing = case.court.as_ref().and_then(|c| c.hearing_date);
    let on = match hearing {
        Some(h) if court_paper(req.kind) => AgeOn::Hearing(h),
        _ => AgeOn::Day(req.date),
    };
    let record = req
        .kind
        .spec()
        .record_of
        .map(|of| record(case, &history::fold(req.log, of), req.date, req.facts.gatekeeping_due));
    Paper {
        age: age_label(born, on),
        age_at_offence: age_at_offences(born, case.offences.iter().map(|o| o.date)),
        pprc: pprc(case, req.date),
        mappa_h_sent: mappa_h_sent(case, req),
        last_risk_meeting: case.risk_meetings.iter().copied().filter(|m| *m <= req.date).max(),
        who_to_call: who_to_call(case),
        record,
        rules_for_child: rules_for_child(case),
        court: court_facts(req, case.child.preferred_name.as_deref().unwrap_or(&case.child.first_name)),
        risk: risk(req),
        progress: progress(req),
        family_signer: family_signer(case),
    }
}

/// Someone with parental responsibility, by name: a parent or carer who
/// holds it, or the looked-after child's social worker for the council.
fn with_parental_responsibility(case: &Case, name: &str) -> Option<String> {
    let carer = case.parents_carers.iter().find(|c| c.parental_responsibility && same_name(&c.name, name));
    if let Some(c) = carer {
        return Some(c.name.clone());
    }
    let la = case.child.looked_after.as_ref()?;
    let sw = la.social_worker.as_ref().filter(|w| same_name(&w.name, name))?;
    Some(format!("{}, social worker for {}", sw.name, la.local_authority))
}

fn family_signer(case: &Case) -> FamilySigner {
    let agreement = case.service_agreement.as_ref();
    let recorded = agreement.and_then(|a| a.signed_with_parental_responsibility_by.as_deref());
    let signed = agreement.and_then(|a| a.signatures.parent_carer.as_ref()).map(|s| s.name.as_str());
    if case.child.looked_after.is_none() {
        let first = case.parents_carers.first().map(|c| c.name.as_str());
        let name = recorded.or(signed).or(first).map(str::to_owned);
        return FamilySigner { label: "Parent / carer".into(), name, not_responsible: None };
    }
    let not_responsible = signed
        .filter(|n| with_parental_responsibility(case, n).is_none())
        .map(|n| format!("{n} does not have parental responsibility"));
    FamilySigner {
        label: "Parental responsibility".into(),
        name: recorded.map(|n| with_parental_responsibility(case, n).unwrap_or_else(|| n.to_owned())),
        not_responsible,
    }
}

fn rules_for_child(case: &crate::case::Case) -> Vec<String> {
    let catalogue = crate::case::Catalogue::active();
    let requirements = case.order.iter().flat_map(|o| &o.requirements);
    requirements.map(|r| catalogue.for_child(r).unwrap_or_else(|| r.clone())).collect()
}

fn long(d: NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
}

/// "sent 2 November 2026", or "planned for …" when dated after `day`.
fn sent_or_planned(d: NaiveDate, day: NaiveDate) -> String {
    if d <= day { format!("sent {}", long(d)) } else { format!("not yet sent: planned for {}", long(d)) }
}

/// PPRC: "Not assessed" without a PPRC record, never "criteria not met".
fn pprc(case: &Case, day: NaiveDate) -> String {
    let Some(p) = &case.pprc else {
        return "Not assessed: there is no PPRC record".to_owned();
    };
    if !p.criteria_met {
        return "Criteria not met".to_owned();
    }
    match p.risk_identified {
        Some(true) => match p.referral_date {
            Some(d) => {
                format!("Criteria met; risk to children identified; PPRC 2 {}", sent_or_planned(d, day))
            }
            None => "Criteria met; risk to children identified".to_owned(),
        },
        Some(false) => "Criteria met; no risk to children identified".to_owned(),
        None => "Criteria met; risk to children not yet discussed".to_owned(),
    }
}

/// MAPPA H: the recorded `sent` step, else the case's notification date.
fn mappa_h_sent(case: &Case, req: &RenderRequest<'_>) -> Option<String> {
    let state = history::fold(req.log, DocumentKind::MappaH);
    if let Some((to, date)) = &state.sent {
        let on = date.parse::<NaiveDate>().map(long).unwrap_or_else(|_| date.clone());
        return Some(format!("Sent {on} to {to} (recorded in casepress)"));
    }
    let notified = case.mappa.as_ref().and_then(|m| m.notified_date)?;
    let text = sent_or_planned(notified, req.date);
    Some(text[..1].to_uppercase() + &text[1..])
}

/// The worker first, as "Your worker"; a contact who is the worker again
/// adds only what the worker's row lacks.
fn who_to_call(case: &Case) -> Vec<Caller> {
    let cm = &case.case_manager;
    let mut worker = Caller {
        name: cm.name.clone(),
        role: "Your worker".into(),
        phone: cm.phone.clone(),
        email: cm.email.clone(),
    };
    let mut others = Vec::new();
    for c in case.service_agreement.iter().flat_map(|sa| &sa.contacts) {
        if same_name(&c.name, &cm.name) {
            worker.phone = worker.phone.or_else(|| c.phone.clone());
            worker.email = worker.email.or_else(|| c.email.clone());
        } else {
            others.push(Caller {
                name: c.name.clone(),
                role: c.role.clone(),
                phone: c.phone.clone(),
                email: c.email.clone(),
            });
        }
    }
    std::iter::once(worker).chain(others).collect()
}

/// The case as it stood on `day`, for the paper: a signature, a
/// countersignature or a meeting dated later had not happened.
pub(super) fn as_of(case: &mut Case, day: NaiveDate) {
    let clear = |s: &mut Option<Signature>| {
        if s.as_ref().is_some_and(|s| s.date > day) {
            *s = None;
        }
    };
    let clear_all = |s: &mut Signatures| {
        for sig in [&mut s.young_person, &mut s.parent_carer, &mut s.case_manager, &mut s.manager] {
            clear(sig);
        }
    };
    for list in case.signatures.values_mut() {
        list.retain(|s| s.date <= day);
    }
    if let Some(p) = &mut case.intervention_plan {
        clear_all(&mut p.signatures);
        // An exit plan written later (or undated) is not yet written.
        if p.exit_plan.as_ref().is_some_and(|e| e.date.is_none_or(|d| d > day)) {
            p.exit_plan = None;
        }
    }
    if let Some(sharing) = case.service_agreement.as_mut().and_then(|a| a.sharing.as_mut())
        && sharing.date.is_some_and(|d| d > day)
    {
        *sharing = Default::default();
    }
    if let Some(a) = &mut case.service_agreement {
        clear_all(&mut a.signatures);
    }
    if let Some(p) = &mut case.psr {
        clear(&mut p.signed);
    }
    if let Some(p) = &mut case.progress_report {
        clear(&mut p.signed);
    }
    if let Some(a) = &mut case.assessment {
        a.countersigned = a.countersigned.filter(|d| *d <= day);
    }
    case.risk_meetings.retain(|m| *m <= day);
}
