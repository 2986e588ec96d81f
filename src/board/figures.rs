//! Every board figure for a quarter, computed from the cases and the
//! statement ledger. Each figure has a stable id (used in `figures.csv` and
//! `figures.json`) and a definition (printed in the report's appendix).

use chrono::{Months, NaiveDate};

use super::figure::{Figure, Measure};
use super::quarter::Quarter;
use crate::case::{Case, DisposalType, MappaCategory, MappaLevel, RiskLevel};
use crate::rules::{self, Rule, WorkingCalendar};
use crate::statements::StatementOutcome;
use crate::statements::ledger::FiledStatement;

/// What the figures are computed from.
pub struct BoardInput<'a> {
    /// Every case.
    pub cases: &'a [Case],
    /// Every statement filed.
    pub statements: &'a [FiledStatement],
    /// The working-day calendar.
    pub calendar: &'a WorkingCalendar,
    /// Target percentages by figure id.
    pub targets: &'a [(String, f64)],
    /// Which PSRs the two-working-days rule applies to.
    pub rules: &'a crate::rules::Settings,
    /// The service's practice standards, which definitions cite.
    pub policy: &'a str,
    /// The PSR steps casepress recorded, by case id: where they exist, the
    /// gatekeeping figures count from them rather than from the case data.
    pub records: &'a std::collections::BTreeMap<String, PsrRecord>,
    /// The management board's attendance, from the file `board.attendance`
    /// names (none: KPI 7 counts no meetings).
    pub attendance: &'a [super::national::Attendance],
}

/// A PSR's gatekeeping as casepress recorded it.
#[derive(Debug, Clone, Default)]
pub struct PsrRecord {
    /// When it was first submitted to managers.
    pub submitted: Option<NaiveDate>,
    /// The managers who agreed the version made final (or the latest), with their teams.
    pub agreed_by: Vec<(String, Option<String>)>,
}

impl Period<'_> {
    fn record(&self, c: &Case) -> Option<&PsrRecord> {
        self.input.records.get(c.case_id.as_str())
    }

    /// Gatekeeping held: an agreement recorded, else a meeting in the case data.
    fn gatekept(&self, c: &Case) -> bool {
        match self.record(c) {
            Some(r) => !r.agreed_by.is_empty(),
            None => c.gatekeeping.as_ref().is_some_and(|g| g.meeting_date.is_some()),
        }
    }

    /// When the PSR went to managers: recorded, else from the case data.
    fn submitted(&self, c: &Case) -> Option<NaiveDate> {
        match self.record(c) {
            Some(r) => r.submitted,
            None => c.gatekeeping.as_ref().and_then(|g| g.submitted_date),
        }
    }

    /// Two managers, one from another team: recorded, else the case data.
    fn double_gatekept(&self, c: &Case) -> bool {
        match self.record(c) {
            Some(r) => rules::two_managers_agree(
                &c.team,
                r.agreed_by.iter().map(|(n, t)| (n.as_str(), t.as_deref())),
            ),
            None => rules::double_gatekeeping_done(c),
        }
    }
}

/// One quarter's view of the cases.
pub(super) struct Period<'a> {
    pub(super) q: Quarter,
    pub(super) input: &'a BoardInput<'a>,
}

impl Period<'_> {
    pub(super) fn during(&self, d: Option<NaiveDate>) -> bool {
        d.is_some_and(|d| self.q.contains(d))
    }

    /// Open at the quarter's end: started by then and not closed by then.
    pub(super) fn caseload(&self) -> impl Iterator<Item = &Case> {
        let end = self.q.end();
        self.input.cases.iter().filter(move |c| {
            c.order.as_ref().is_some_and(|o| o.start_date <= end && o.closed_date.is_none_or(|x| x > end))
        })
    }

    /// Open at any time in the quarter.
    pub(super) fn worked_with(&self) -> impl Iterator<Item = &Case> {
        let (start, end) = (self.q.start(), self.q.end());
        self.input.cases.iter().filter(move |c| {
            c.order.as_ref().is_some_and(|o| o.start_date <= end && o.closed_date.is_none_or(|x| x >= start))
        })
    }

    /// Started in the quarter.
    pub(super) fn started(&self) -> impl Iterator<Item = &Case> {
        self.input.cases.iter().filter(|c| self.during(c.order.as_ref().map(|o| o.start_date)))
    }

    /// Ended in the quarter.
    pub(super) fn ended(&self) -> impl Iterator<Item = &Case> {
        self.input.cases.iter().filter(|c| self.during(c.order.as_ref().and_then(|o| o.closed_date)))
    }

    /// PSRs for hearings in the quarter.
    fn psrs(&self) -> impl Iterator<Item = &Case> {
        self.input
            .cases
            .iter()
            .filter(|c| c.psr.is_some() && self.during(c.court.as_ref().and_then(|x| x.hearing_date)))
    }

    fn statements(&self) -> impl Iterator<Item = &FiledStatement> {
        let q = self.q;
        self.input.statements.iter().filter(move |s| q.contains(s.received.date_naive()))
    }
}

pub(super) fn count<T>(it: impl Iterator<Item = T>, pred: impl Fn(&T) -> bool) -> usize {
    it.filter(|x| pred(x)).count()
}

/// A figure computed the same way for both quarters.
pub(super) struct Spec {
    id: String,
    section: &'static str,
    label: String,
    definition: String,
    measure: Box<dyn Fn(&Period) -> Measure>,
}

pub(super) fn spec(
    id: impl Into<String>,
    section: &'static str,
    label: impl Into<String>,
    definition: impl Into<String>,
    measure: impl Fn(&Period) -> Measure + 'static,
) -> Spec {
    Spec {
        id: id.into(),
        section,
        label: label.into(),
        definition: definition.into(),
        measure: Box::new(measure),
    }
}

fn slug(kind: DisposalType) -> String {
    serde_json::to_value(kind).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

pub(super) fn is_custody(k: DisposalType) -> bool {
    matches!(k, DisposalType::DetentionAndTrainingOrder | DisposalType::Section250)
}

pub(super) fn is_out_of_court(k: DisposalType) -> bool {
    matches!(
        k,
        DisposalType::YouthConditionalCaution
            | DisposalType::YouthCaution
            | DisposalType::CommunityResolution
    )
}

pub(super) fn kind(c: &Case) -> Option<DisposalType> {
    c.order.as_ref().map(|o| o.kind)
}

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
    for k in DisposalType::ALL {
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
    for k in DisposalType::ALL {
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
        |p| Measure::count(count(p.started(), |c| kind(c) == Some(DisposalType::Remand))),
    ));
    s.push(spec("psr.gatekept", "Reports and assessments", "PSRs gatekept", format!("PSRs for hearings in the quarter with a gatekeeping meeting recorded ÷ PSRs for hearings in the quarter ({}).", cite(Rule::GATEKEEPING)), |p| {
        Measure::ratio(count(p.psrs(), |c| p.gatekept(c)), p.psrs().count())
    }));
    let on_time_definition = if settings.psr_due_for_every_psr {
        format!(
            "PSRs submitted to managers at least 2 working days before the hearing ÷ PSRs for hearings in the quarter: every PSR ({}, applied to every PSR, not only those to be double gatekept).",
            cite(Rule::GATEKEEPING)
        )
    } else {
        format!(
            "PSRs submitted to managers at least 2 working days before the hearing ÷ PSRs for hearings in the quarter that were to be double gatekept, the PSRs the rule applies to ({}).",
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
    s.push(spec("psr.double_gatekept", "Reports and assessments", "Double gatekeeping where custody was a strong possibility", format!("PSRs gatekept by two managers, one from another team ÷ PSRs for hearings in the quarter where custody was a strong possibility ({}).", cite(Rule::GATEKEEPING)), |p| {
        let required: Vec<&Case> = p.psrs().filter(|c| rules::double_gatekeeping_required(c)).collect();
        Measure::ratio(required.iter().filter(|c| p.double_gatekept(c)).count(), required.len())
    }));
    s.push(spec("assessment.on_time", "Reports and assessments", "Assessments within 15 working days", format!("Sentences starting in the quarter assessed within 15 working days of the order ÷ sentences starting in the quarter ({}).", cite(Rule::ASSESSMENT)), |p| {
        let sentences: Vec<&Case> = p.started().filter(|c| kind(c).is_some_and(DisposalType::is_sentence)).collect();
        let on_time = sentences
            .iter()
            .filter(|c| {
                let o = c.order.as_ref().expect("sentences have orders");
                let due = p.input.calendar.add_working_days(o.start_date, 15);
                o.assessed_date.or(c.assessment.as_ref().map(|a| a.date)).is_some_and(|d| d <= due)
            })
            .count();
        Measure::ratio(on_time, sentences.len())
    }));
    s.push(spec("plans.review_on_time", "Reports and assessments", "Intervention plans within their review date", format!("Caseload at quarter end whose intervention plan is under 6 months old ÷ caseload at quarter end with a plan ({}).", cite(Rule::PLAN_REVIEW)), |p| {
        let end = p.q.end();
        let plans: Vec<NaiveDate> = p.caseload().filter_map(|c| c.intervention_plan.as_ref().and_then(|x| x.date)).collect();
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
pub fn compute(input: &BoardInput<'_>, quarter: Quarter) -> Vec<Figure> {
    let now = Period { q: quarter, input };
    let before = Period { q: quarter.previous(), input };
    let mut figures = specs(input.rules, input.policy)
        .into_iter()
        .map(|s| Figure {
            target: input.targets.iter().find(|(id, _)| *id == s.id).map(|(_, t)| *t),
            current: (s.measure)(&now),
            previous: (s.measure)(&before),
            id: s.id,
            section: s.section,
            label: s.label,
            definition: s.definition,
            current_withheld: false,
            previous_withheld: false,
        })
        .collect::<Vec<_>>();
    super::disclosure::protect(&mut figures);
    figures
}
