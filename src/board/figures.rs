//! Every board figure for a quarter, computed from the cases and the
//! statement ledger. Each figure has a stable id (used in `figures.csv` and
//! `figures.json`) and a definition (printed in the report's appendix).

use chrono::{Months, NaiveDate};

use super::figure::{Figure, Measure};
use super::period::BoardInput;
use super::period::{Period, Spec, count, is_custody, kind, slug, spec};
use super::quarter::Quarter;
use crate::case::{Case, DisposalType, MappaCategory, MappaLevel, RiskLevel};
use crate::rules::{self, Rule};
use crate::statements::StatementOutcome;
use crate::statements::ledger::FiledStatement;

#[allow(clippy::too_many_lines, reason = "a table of like items: one entry per figure")]
fn specs(settings: &crate::rules::Settings, policy: &str) -> Vec<Spec> {
    // Each definition cites the service's own standards, never the public
    // document a rule was read from (docs/sources.md keeps that).
    let cite = |rule: Rule| rule.cite(policy);
    let mut s = vec![spec(
        "records.counted",
        "Caseload",
        "Case records counted",
        "Case records read for this report, whatever their dates: the same number in both quarters.",
        |p| Measure::count(p.input.cases.len()),
    )];
    s.push(spec(
        "caseload.total",
        "Caseload",
        "Caseload at quarter end",
        "Children with an order or intervention open on the last day of the quarter.",
        |p| Measure::count(p.caseload().count()),
    ));
    for k in DisposalType::all() {
        s.push(spec(
            format!("caseload.{}", slug(k)),
            "Caseload",
            format!("Caseload: {}", k.label()),
            "Caseload at quarter end with this order or disposal.",
            move |p| Measure::count(count(p.caseload(), |c| kind(c) == Some(k))),
        ));
    }
    s.push(spec(
        "new.total",
        "Caseload",
        "New in the quarter",
        "Orders and interventions that started in the quarter.",
        |p| Measure::count(p.started().count()),
    ));
    for k in DisposalType::all() {
        s.push(spec(
            format!("new.{}", slug(k)),
            "Caseload",
            format!("New: {}", k.label()),
            "Orders and interventions of this type that started in the quarter.",
            move |p| Measure::count(count(p.started(), |c| kind(c) == Some(k))),
        ));
    }
    for (domain, name) in [
        ("reoffending", "Likelihood of reoffending"),
        ("serious_harm", "Risk of serious harm"),
        ("safety_wellbeing", "Safety and wellbeing"),
    ] {
        for level in RiskLevel::ALL {
            let slug = serde_json::to_value(level).ok().and_then(|v| v.as_str().map(str::to_owned));
            let id = format!("risk.{domain}.{}", slug.expect("a risk level serialises as a string"));
            s.push(spec(
                id,
                "Risk profile",
                format!("{name}: {}", level.label()),
                "Caseload at quarter end by the latest assessment's level.",
                move |p| {
                    Measure::count(count(p.caseload(), |c| {
                        c.assessment.as_ref().is_some_and(|a| {
                            let l = match domain {
                                "reoffending" => a.reoffending,
                                "serious_harm" => a.serious_harm,
                                _ => a.safety_wellbeing,
                            };
                            l == level
                        })
                    }))
                },
            ));
        }
    }
    for (n, cat) in
        [(1, MappaCategory::Category1), (2, MappaCategory::Category2), (3, MappaCategory::Category3)]
    {
        s.push(spec(
            format!("mappa.category_{n}"),
            "MAPPA and PPRC",
            format!("MAPPA category {n}"),
            "Caseload at quarter end recorded as this MAPPA category.",
            move |p| {
                Measure::count(count(p.caseload(), |c| {
                    c.mappa.as_ref().is_some_and(|m| m.category == Some(cat))
                }))
            },
        ));
    }
    for (n, lvl) in [(1, MappaLevel::Level1), (2, MappaLevel::Level2), (3, MappaLevel::Level3)] {
        s.push(spec(
            format!("mappa.level_{n}"),
            "MAPPA and PPRC",
            format!("MAPPA level {n}"),
            "Caseload at quarter end managed at this MAPPA level.",
            move |p| {
                Measure::count(count(p.caseload(), |c| {
                    c.mappa.as_ref().is_some_and(|m| m.level == Some(lvl))
                }))
            },
        ));
    }
    s.push(spec(
        "pprc.criteria_met",
        "MAPPA and PPRC",
        "PPRC criteria met",
        "Caseload at quarter end meeting the PPRC criteria (an offence against a child).",
        |p| Measure::count(count(p.caseload(), |c| c.pprc.as_ref().is_some_and(|x| x.criteria_met))),
    ));
    s.push(spec(
        "pprc.pprc2_sent",
        "MAPPA and PPRC",
        "PPRC 2 referrals sent",
        "PPRC 2 referrals to children's services sent in the quarter.",
        |p| {
            Measure::count(count(p.input.cases.iter(), |c| {
                p.during(c.pprc.as_ref().and_then(|x| x.referral_date))
            }))
        },
    ));
    s.push(spec(
        "pprc.pprc7_sent",
        "MAPPA and PPRC",
        "PPRC 7 reassessments at closure",
        "PPRC 7 reassessments sent in the quarter.",
        |p| {
            Measure::count(count(p.input.cases.iter(), |c| {
                p.during(c.pprc.as_ref().and_then(|x| x.reassessment_date))
            }))
        },
    ));
    s.push(spec(
        "lac.share",
        "Looked-after children",
        "Looked-after children in the caseload",
        "Looked-after children ÷ caseload at quarter end.",
        |p| Measure::ratio(count(p.caseload(), |c| c.child.looked_after.is_some()), p.caseload().count()),
    ));
    s.push(spec(
        "custody.new",
        "Custody and remand",
        "Custodial sentences",
        "Detention and Training Orders and s.250 sentences that started in the quarter.",
        |p| Measure::count(count(p.started(), |c| kind(c).is_some_and(is_custody))),
    ));
    s.push(spec(
        "custody.share",
        "Custody and remand",
        "Custody as a share of sentences",
        "Custodial sentences ÷ all court sentences that started in the quarter.",
        |p| {
            Measure::ratio(
                count(p.started(), |c| kind(c).is_some_and(is_custody)),
                count(p.started(), |c| kind(c).is_some_and(DisposalType::is_sentence)),
            )
        },
    ));
    s.push(spec(
        "remand.new",
        "Custody and remand",
        "Remands",
        "Remands that started in the quarter.",
        |p| Measure::count(count(p.started(), |c| kind(c).is_some_and(DisposalType::is_remand))),
    ));
    s.push(spec("psr.gatekept", "Reports and assessments", "PSRs gatekept", format!("PSRs for hearings in the quarter gatekept at a meeting with a manager held before the hearing ÷ PSRs for hearings in the quarter. From the gatekeeping steps recorded in casepress (a manager's agreement, on the day of the meeting recorded or of the agreement), else the case file's gatekeeping meeting date and managers ({}).", cite(Rule::GATEKEEPING)), |p| {
        Measure::ratio(count(p.psrs(), |c| p.gatekept(c)), p.psrs().count())
    }));
    let on_time_definition = if settings.psr_due_for_every_psr {
        format!(
            "PSRs submitted to managers at least 2 working days before the hearing ÷ PSRs for hearings in the quarter: every PSR. From the submission recorded in casepress, else the case file's date submitted to managers ({}, applied to every PSR, not only those to be double gatekept).",
            cite(Rule::GATEKEEPING)
        )
    } else {
        format!(
            "PSRs submitted to managers at least 2 working days before the hearing ÷ PSRs for hearings in the quarter that were to be double gatekept, the PSRs the rule applies to. From the submission recorded in casepress, else the case file's date submitted to managers ({}).",
            cite(Rule::GATEKEEPING)
        )
    };
    s.push(spec(
        "psr.on_time",
        "Reports and assessments",
        "PSRs to managers on time",
        on_time_definition,
        |p| {
            let applies: Vec<&Case> = p.psrs().filter(|c| rules::psr_due_applies(p.input.rules, c)).collect();
            let on_time = applies
                .iter()
                .filter(|c| {
                    let due = c
                        .court
                        .as_ref()
                        .and_then(|x| x.hearing_date)
                        .map(|h| rules::to_managers_due(p.input.calendar, h));
                    let sent = p.submitted(c);
                    matches!((due, sent), (Some(d), Some(s)) if s <= d)
                })
                .count();
            Measure::ratio(on_time, applies.len())
        },
    ));
    s.push(spec("psr.double_gatekept", "Reports and assessments", "Double gatekeeping where custody was a strong possibility", format!("PSRs agreed by two different managers, one from another team than the case's ÷ PSRs for hearings in the quarter where custody was a strong possibility. A person listed twice is one manager; a case manager, however senior, is not a manager. From the agreements recorded in casepress, else the managers in the case file ({}).", cite(Rule::GATEKEEPING)), |p| {
        let required: Vec<&Case> = p.psrs().filter(|c| rules::double_gatekeeping_required(c)).collect();
        Measure::ratio(required.iter().filter(|c| p.double_gatekept(c)).count(), required.len())
    }));
    s.push(spec("assessment.on_time", "Reports and assessments", "Assessments within 15 working days", format!("Sentences starting in the quarter assessed within 15 working days of the order being made ÷ sentences starting in the quarter. An assessment dated before the order is the pre-sentence one and does not count. From the case file's order and assessment dates ({}).", cite(Rule::ASSESSMENT)), |p| {
        let sentences: Vec<&Case> = p.started().filter(|c| kind(c).is_some_and(|k| k.entry().post_order_assessment)).collect();
        let on_time = sentences
            .iter()
            .filter(|c| {
                let o = c.order.as_ref().expect("sentences have orders");
                let due = p.input.calendar.add_working_days(o.start_date, 15);
                rules::post_order_assessment(c).is_some_and(|d| d <= due)
            })
            .count();
        Measure::ratio(on_time, sentences.len())
    }));
    s.push(spec("plans.review_on_time", "Reports and assessments", "Intervention plans within their review date", format!("Caseload at quarter end whose intervention plan is under 6 months old ÷ caseload at quarter end with a plan dated by the quarter's end (a plan dated later was not yet held). From the case file's plan date ({}).", cite(Rule::PLAN_REVIEW)), |p| {
        let end = p.q.end();
        // A plan dated after the quarter's end was not held at its end.
        let plans: Vec<NaiveDate> = p.caseload().filter_map(|c| c.intervention_plan.as_ref().and_then(|x| x.date)).filter(|d| *d <= end).collect();
        let current = plans.iter().filter(|d| d.checked_add_months(Months::new(6)).is_some_and(|due| due >= end)).count();
        Measure::ratio(current, plans.len())
    }));
    s.push(spec(
        "statements.received",
        "Children's voice (Mind Of My Own)",
        "Statements received",
        "Mind Of My Own statements filed in the quarter, whatever their outcome.",
        |p| Measure::count(p.statements().count()),
    ));
    s.push(spec(
        "statements.within_target",
        "Children's voice (Mind Of My Own)",
        "Statements assigned within the target",
        format!(
            "Statements assigned within the working-hours target ÷ statements assigned in the quarter ({}).",
            cite(Rule::STATEMENTS)
        ),
        |p| {
            let assigned: Vec<&FiledStatement> =
                p.statements().filter(|s| s.outcome == StatementOutcome::Assigned).collect();
            Measure::ratio(assigned.iter().filter(|s| s.within_target == Some(true)).count(), assigned.len())
        },
    ));
    s.push(spec(
        "statements.safety_link",
        "Children's voice (Mind Of My Own)",
        "Safety Link statements",
        "Statements in the quarter that triggered the Safety Link.",
        |p| Measure::count(count(p.statements(), |s| s.safety_link)),
    ));
    s.push(spec(
        "statements.unidentified",
        "Children's voice (Mind Of My Own)",
        "Statements from unidentified children",
        "Statements in the quarter that could not be matched to one child (quarantined, never assigned).",
        |p| Measure::count(count(p.statements(), |s| s.outcome == StatementOutcome::Unidentified)),
    ));
    s.extend(super::national::specs());
    s.extend(super::plan_indicators::specs());
    s
}

/// Every figure for `quarter`, with the previous quarter beside it.
///
/// The previous quarter is shown as its own pack published it: what that
/// pack withheld stays withheld, and what it published is taken as known,
/// so two packs read side by side tell no more than each alone. That pack's
/// own previous quarter was fixed the same way, so the packs are computed in
/// order from the first quarter with any activity (at most
/// [`MAX_QUARTERS_BACK`] back).
pub fn compute(input: &BoardInput<'_>, quarter: Quarter) -> Vec<Figure> {
    let specs = specs(input.rules, input.policy);
    let mut chain = vec![quarter];
    while chain.len() <= MAX_QUARTERS_BACK {
        let earlier = chain[chain.len() - 1].previous();
        let period = Period { q: earlier, input };
        let active = specs.iter().filter(|s| s.id != "records.counted").any(|s| {
            let m = (s.measure)(&period);
            m.numerator > 0 || m.denominator.is_some_and(|d| d > 0)
        });
        if !active {
            break;
        }
        chain.push(earlier);
    }
    let mut before: Option<Vec<Figure>> = None;
    for q in chain.into_iter().rev() {
        let mut figures = unprotected(&specs, input, q);
        if let Some(before) = &before {
            for (f, b) in figures.iter_mut().zip(before) {
                debug_assert_eq!(f.id, b.id);
                f.previous_withheld = b.current_withheld;
            }
        }
        super::disclosure::protect(&mut figures, before.is_some());
        before = Some(figures);
    }
    before.expect("the chain holds the quarter asked for")
}

/// How many quarters before the pack's own the chain of packs may start:
/// ten years, beyond which a board would not set packs side by side.
pub const MAX_QUARTERS_BACK: usize = 40;

/// The figures for `quarter` before disclosure control.
fn unprotected(specs: &[Spec], input: &BoardInput<'_>, quarter: Quarter) -> Vec<Figure> {
    let now = Period { q: quarter, input };
    let before = Period { q: quarter.previous(), input };
    specs
        .iter()
        .map(|s| Figure {
            target: input.targets.iter().find(|(id, _)| *id == s.id).map(|(_, t)| *t),
            current: (s.measure)(&now),
            previous: (s.measure)(&before),
            id: s.id.clone(),
            section: s.section,
            label: s.label.clone(),
            definition: s.definition.clone(),
            current_withheld: false,
            previous_withheld: false,
        })
        .collect()
}
