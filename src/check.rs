//! `casepress check`: what the rules say about each case (forms required and
//! missing, deadlines met or overdue, findings), as text or JSON.

use std::fmt::Write as _;
use std::path::PathBuf;

use chrono::NaiveDate;
use serde::Serialize;

use crate::case::Caseload;
use crate::rules::{self, DueStatus, Facts, Severity};
use crate::service::Service;

/// One case's check.
#[derive(Debug, Clone, Serialize)]
pub struct CaseCheck {
    /// The case.
    pub case_id: String,
    /// The child's full name.
    pub child: String,
    /// Where the case came from.
    pub file: PathBuf,
    /// Line in that file.
    pub line: usize,
    /// Everything the rules derived.
    pub facts: Facts,
    /// Where the case's PSR stands in gatekeeping, from the recorded steps:
    /// waiting, overdue, or returned and not resubmitted.
    pub gatekeeping: Option<GatekeepingCheck>,
}

/// A PSR's gatekeeping, as recorded.
#[derive(Debug, Clone, Serialize)]
pub struct GatekeepingCheck {
    /// Its phase.
    pub phase: crate::history::Phase,
    /// What it waits for, in words.
    pub waiting: String,
    /// The due date has passed and gatekeeping is not agreed.
    pub overdue: bool,
}

/// Totals across cases.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CheckSummary {
    /// Cases checked.
    pub cases: usize,
    /// Cases or files that could not be loaded.
    pub load_errors: usize,
    /// Forms the rules require.
    pub forms_required: usize,
    /// Of those, not recorded as sent.
    pub forms_missing: usize,
    /// Deadlines passed and not met.
    pub overdue: usize,
    /// Deadlines still to come.
    pub due: usize,
    /// Invalid data (e.g. MAPPA category 3 at level 1).
    pub invalid: usize,
    /// Practice warnings.
    pub warnings: usize,
    /// PSRs whose gatekeeping is overdue (from the recorded steps).
    pub gatekeeping_overdue: usize,
}

/// The whole check.
#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    /// The day checked against.
    pub today: NaiveDate,
    /// The service's practice standards, which every `rule` that is not
    /// national law or guidance is a section of.
    pub policy: String,
    /// One entry per case, in input order.
    pub cases: Vec<CaseCheck>,
    /// Cases or files that could not be loaded, with the reason.
    pub errors: Vec<String>,
    /// Totals.
    pub summary: CheckSummary,
}

impl CheckReport {
    /// Exit 1 when anything is overdue or invalid, or a case failed to load.
    pub fn needs_action(&self) -> bool {
        let s = &self.summary;
        s.overdue > 0 || s.invalid > 0 || s.load_errors > 0 || s.gatekeeping_overdue > 0
    }
}

/// Checks every case of a loaded caseload as of `today`.
/// With `records`, the output root's case logs are read to say where each
/// PSR stands in gatekeeping.
pub fn check(caseload: &Caseload, service: &Service, today: NaiveDate, records: bool) -> CheckReport {
    let cases: Vec<CaseCheck> = caseload
        .cases
        .iter()
        .map(|loaded| {
            let c = &loaded.case;
            // With the records, the PSR's recorded steps are its gatekeeping:
            // the log is read once, for the facts and the gatekeeping line.
            let log = records.then(|| service.records().read(c.case_id.as_str()).ok()).flatten();
            let facts = service.facts(c, today, log.as_deref().unwrap_or_default());
            let gatekeeping = log.as_deref().and_then(|log| gatekeeping(c, service, &facts, log));
            CaseCheck {
                case_id: c.case_id.to_string(),
                child: format!("{} {}", c.child.first_name, c.child.last_name),
                file: loaded.file.clone(),
                line: loaded.line,
                facts,
                gatekeeping,
            }
        })
        .collect();
    let errors: Vec<String> = caseload.failures.iter().map(|f| f.reason.clone()).collect();
    let mut summary = CheckSummary { cases: cases.len(), load_errors: errors.len(), ..Default::default() };
    for c in &cases {
        let f = &c.facts;
        summary.forms_required += f.forms.iter().filter(|x| x.required).count();
        summary.forms_missing += f.forms.iter().filter(|x| x.missing()).count();
        summary.overdue += f.due_dates.iter().filter(|d| d.status == DueStatus::Overdue).count();
        summary.due += f.due_dates.iter().filter(|d| d.status == DueStatus::Due).count();
        summary.invalid += f.findings.iter().filter(|x| x.severity == Severity::Invalid).count();
        summary.warnings += f.findings.iter().filter(|x| x.severity == Severity::Warning).count();
    }
    summary.gatekeeping_overdue =
        cases.iter().filter(|c| c.gatekeeping.as_ref().is_some_and(|g| g.overdue)).count();
    CheckReport { today, policy: service.config().service.policy_title(), cases, errors, summary }
}

/// Where a PSR for a hearing still to come stands in gatekeeping, from its
/// recorded steps (as `facts` read them by `today`).
fn gatekeeping(
    case: &crate::case::Case,
    service: &Service,
    facts: &Facts,
    log: &[crate::store::LogEntry],
) -> Option<GatekeepingCheck> {
    use crate::documents::{DocumentKind, Phase};
    let today = facts.today;
    let due = rules::gatekeeping_due(case, service.calendar(), &service.config().rules)?;
    case.court.as_ref().and_then(|c| c.hearing_date).filter(|h| *h >= today)?;
    // As the log stood on `today`: a step recorded later had not happened.
    let log = crate::history::as_of(log, today);
    let state = crate::history::fold(&log, DocumentKind::Psr);
    let recorded = &facts.gatekeeping_recorded;
    let agreed = recorded.agreed.is_some()
        && (!rules::two_managers_required(DocumentKind::Psr, case) || recorded.two_managers);
    let waiting = match state.phase {
        Phase::None => "not rendered yet".to_string(),
        Phase::Draft => "not yet submitted for gatekeeping".to_string(),
        Phase::Submitted => "waiting for a manager's review".to_string(),
        Phase::Returned => format!(
            "returned by {} and not resubmitted",
            state.reviews.last().map(|r| r.by.as_str()).unwrap_or("a manager")
        ),
        Phase::Agreed if !agreed => {
            "agreed by one manager: a second, from another team, must agree".to_string()
        }
        Phase::Agreed => "agreed: to be made final".to_string(),
        Phase::Final | Phase::Sent => "final".to_string(),
    };
    Some(GatekeepingCheck { phase: state.phase, waiting, overdue: !agreed && due.meeting < today })
}

/// The report as a person reads it.
pub fn to_text(report: &CheckReport) -> String {
    crate::terminal::printable(&to_raw_text(report)).into_owned()
}

fn to_raw_text(report: &CheckReport) -> String {
    let mut out = String::new();
    for c in &report.cases {
        case_text(&mut out, c, &report.policy);
    }
    if !report.errors.is_empty() {
        out.push_str("Could not load:\n");
        for e in &report.errors {
            let _ = writeln!(out, "  {e}");
        }
        out.push('\n');
    }
    let s = &report.summary;
    let _ = writeln!(
        out,
        "Checked {} case{} on {}: {} form{} required, {} missing; {} overdue, {} due; {} invalid; {} warning{}{}.",
        s.cases,
        plural(s.cases),
        report.today,
        s.forms_required,
        plural(s.forms_required),
        s.forms_missing,
        s.overdue,
        s.due,
        s.invalid,
        s.warnings,
        plural(s.warnings),
        if s.load_errors > 0 { format!("; {} could not be loaded", s.load_errors) } else { String::new() },
    );
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn case_text(out: &mut String, c: &CaseCheck, policy: &str) {
    let f = &c.facts;
    let _ = writeln!(out, "{}  {}, {}  ({}:{})", c.case_id, c.child, f.age, c.file.display(), c.line);
    let row = |out: &mut String, label: &str, text: &str| {
        let _ = writeln!(out, "  {label:<18}{text}");
    };
    let level = match (&f.contact.assessed, f.contacts) {
        (Some(a), Some(k)) => {
            format!(
                "{}: {} a month for the first 3 months, then {}",
                a.text, k.first_three_months, k.thereafter
            )
        }
        _ if f.proposed_level.is_some() => {
            format!("not applied to {}. {}", f.contact.applies_to, f.contact.summary)
        }
        _ if f.contact.kind == crate::rules::ContactKind::Scaled => {
            "not recorded: the practitioner's judgement, agreed by a manager".into()
        }
        _ => "no assessment".into(),
    };
    row(out, "Intervention", &level);
    if let Some(g) = &c.gatekeeping {
        let overdue = if g.overdue { "OVERDUE: " } else { "" };
        row(out, "PSR gatekeeping", &format!("{overdue}{}", g.waiting));
    }
    row(out, "RMP", &plan_text(&f.rmp));
    row(out, "VMP", &plan_text(&f.vmp));
    let meetings = if f.risk_meeting_triggers.is_empty() {
        "not required".to_string()
    } else {
        format!("monthly: {}", f.risk_meeting_triggers.join("; "))
    };
    row(out, "Risk meetings", &meetings);

    let mut label = "Forms";
    for form in f.forms.iter().filter(|x| x.required) {
        let state = match form.sent {
            Some(d) => format!("sent {d}"),
            None => "MISSING".into(),
        };
        row(
            out,
            label,
            &format!(
                "{:<8} required  {state:<16} {} ({})",
                form.form.name(),
                form.reason,
                form.rule.cite(policy)
            ),
        );
        label = "";
    }
    if label == "Forms" {
        row(out, label, "none required");
    }

    let mut label = "Due dates";
    for d in &f.due_dates {
        let status = match d.status {
            DueStatus::Met => "met",
            DueStatus::Late => "late",
            DueStatus::Due => "due",
            DueStatus::Overdue => "OVERDUE",
        };
        let done = match (d.done, d.planned) {
            (Some(x), _) => format!(" (done {x})"),
            (None, Some(x)) => format!(" (planned {x})"),
            (None, None) => String::new(),
        };
        row(out, label, &format!("{}  {status:<8} {}{done} ({})", d.due, d.what, d.rule.cite(policy)));
        label = "";
    }

    let mut label = "Findings";
    for x in &f.findings {
        let mark = if x.severity == Severity::Invalid { "INVALID" } else { "-" };
        row(out, label, &format!("{mark} {} ({})", x.message, x.rule.cite(policy)));
        label = "";
    }
    out.push('\n');
}

fn plan_text(p: &rules::PlanStatus) -> String {
    match (p.required, p.completed, p.countersigned) {
        (false, _, _) => "not required".into(),
        (true, None, _) => "required: NOT RECORDED".into(),
        (true, Some(d), None) => format!("required: completed {d}, NOT COUNTERSIGNED"),
        (true, Some(d), Some(c)) => format!("required: completed {d}, countersigned {c}"),
    }
}
