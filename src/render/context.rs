//! The template context and the helpers templates may call.

use chrono::NaiveDate;
use minijinja::value::Value;
use minijinja::{Environment, Error, Output, State};
use serde::Serialize;

use super::escape::{markup_text, markup_text_in, string_literal};
use super::request::RenderRequest;
use super::script::{recorded_languages, script_of};
use crate::case::{Case, DisposalType, Plea, RiskLevel};
use crate::rules::InterventionLevel;
use crate::rules::Missing;

/// The service as documents show it (letterhead, contacts).
#[derive(Debug, Clone, Default, Serialize)]
pub struct ServiceView {
    /// Service name.
    pub name: String,
    /// Address lines.
    pub address: Vec<String>,
    /// Phone number.
    pub phone: Option<String>,
    /// Email address.
    pub email: Option<String>,
    /// Virtual path of the logo the typesetter serves, if config names one.
    pub logo: Option<String>,
    /// The logo's text alternative.
    pub logo_alt: Option<String>,
    /// The service's own practice policy, named where a document states a
    /// practice rule (e.g. when a PSR is due), if config names one.
    pub policy: Option<String>,
    /// Out-of-hours contact, if config names one.
    pub out_of_hours: Option<String>,
    /// Advocacy for looked-after children, if config names it.
    pub advocacy: Option<String>,
}

#[derive(Serialize)]
struct DocView<'a> {
    kind: &'static str,
    title: &'static str,
    date: NaiveDate,
    draft: bool,
    version: &'static str,
    missing: &'a [Missing],
}

#[derive(Serialize)]
struct ChildView {
    full_name: String,
    known_as: String,
    age: u32,
}

#[derive(Serialize)]
struct Context<'a> {
    case: Case,
    facts: &'a crate::rules::Facts,
    psr_history: Option<&'a crate::history::DocState>,
    doc: DocView<'a>,
    child: ChildView,
    service: &'a ServiceView,
}

/// Builds the context of one document.
///
/// Optional sections are filled with empty defaults so that templates can
/// read `case.psr.conclusion` without guarding every level; a missing value
/// is `none`, which `or_todo` turns into a "TO COMPLETE" marker.
pub(super) fn build(req: &RenderRequest<'_>, service: &ServiceView, missing: &[Missing]) -> Value {
    let case = filled(req.case);
    let c = &req.case.child;
    let ctx = Context {
        child: ChildView {
            full_name: format!("{} {}", c.first_name, c.last_name),
            known_as: c.preferred_name.clone().unwrap_or_else(|| c.first_name.clone()),
            age: req.facts.age,
        },
        case,
        facts: req.facts,
        psr_history: req.psr_history,
        doc: DocView {
            kind: req.kind.name(),
            title: req.kind.title(),
            date: req.date,
            draft: !req.final_,
            version: if req.final_ { "Final" } else { "Draft" },
            missing,
        },
        service,
    };
    Value::from_serialize(&ctx)
}

fn filled(case: &Case) -> Case {
    let mut c = case.clone();
    let psr = c.psr.get_or_insert_with(Default::default);
    psr.offence_analysis.get_or_insert_with(Default::default);
    psr.child_assessment.get_or_insert_with(Default::default);
    psr.risk_assessment.get_or_insert_with(Default::default);
    c.gatekeeping.get_or_insert_with(Default::default);
    c.intervention_plan.get_or_insert_with(Default::default);
    c.service_agreement.get_or_insert_with(Default::default);
    c.mappa.get_or_insert_with(Default::default);
    c.pprc.get_or_insert_with(Default::default);
    c.momo.get_or_insert_with(Default::default);
    c.progress_report.get_or_insert_with(Default::default);
    c
}

/// The formatter for `{{ … }}`: values become Typst string literals; only
/// the helpers' own (already escaped) output is written as markup.
pub(super) fn typst_formatter(out: &mut Output, state: &State, value: &Value) -> Result<(), Error> {
    if value.is_safe() {
        return write!(out, "{value}").map_err(Error::from);
    }
    if value.is_none() || value.is_undefined() {
        return Ok(());
    }
    out.write_str(&case_text(state, &value.to_string())).map_err(Error::from)
}

/// Case text as markup; words in another script carry the child's
/// recorded language for that script, so a screen reader reads them in it.
fn case_text(state: &State, text: &str) -> String {
    if !text.chars().any(|c| script_of(c).is_some()) {
        return markup_text(text);
    }
    let recorded = state
        .lookup("case")
        .and_then(|c| c.get_attr("child").ok())
        .and_then(|c| c.get_attr("language").ok())
        .and_then(|l| l.as_str().map(str::to_owned))
        .unwrap_or_default();
    markup_text_in(text, &recorded_languages(&recorded))
}

fn is_blank(value: &Value) -> bool {
    value.is_none()
        || value.is_undefined()
        || value.as_str().is_some_and(|s| s.trim().is_empty())
        || value.len() == Some(0)
}

fn todo_marker(label: &str) -> Value {
    Value::from_safe_string(format!("#todo({});", string_literal(label)))
}

/// `{{ value | or_todo("label") }}`: the value, or a TO COMPLETE marker.
fn or_todo(state: &State, value: Value, label: String) -> Value {
    if is_blank(&value) {
        todo_marker(&label)
    } else {
        Value::from_safe_string(case_text(state, &value.to_string()))
    }
}

/// `{{ value | str }}`: a Typst string literal, for code positions.
fn str_literal(value: Value) -> Value {
    let text = if value.is_none() || value.is_undefined() { String::new() } else { value.to_string() };
    Value::from_safe_string(string_literal(&text))
}

/// `{{ value | num }}`: a Typst number literal for code positions (`none`
/// for a missing value). Anything that is not a number is refused.
fn num(value: Value) -> Result<Value, Error> {
    if value.is_none() || value.is_undefined() {
        return Ok(Value::from_safe_string("none".into()));
    }
    let n = f64::try_from(value.clone()).map_err(|_| {
        Error::new(minijinja::ErrorKind::InvalidOperation, format!("`num` needs a number, got {value}"))
    })?;
    Ok(Value::from_safe_string(if n.is_finite() { format!("{n:?}") } else { "none".into() }))
}

/// `{{ "2026-11-23" | date }}` → `23 November 2026`.
fn long_date(value: Value) -> Value {
    match value.as_str().and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()) {
        Some(d) => Value::from(d.format("%-d %B %Y").to_string()),
        None => value,
    }
}

/// `{{ "very_high" | label }}` → `Very High`: display names of enum values.
fn label(value: Value) -> Value {
    let Some(s) = value.as_str() else { return value };
    let found = LABELS.iter().find(|(k, _)| *k == s).map(|(_, l)| *l);
    found.map(Value::from).unwrap_or(value)
}

static LABELS: std::sync::LazyLock<Vec<(String, &'static str)>> = std::sync::LazyLock::new(|| {
    fn name<T: Serialize>(v: T) -> String {
        serde_json::to_value(v).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
    }
    let mut all = Vec::new();
    for d in DisposalType::ALL {
        all.push((name(d), d.label()));
    }
    for r in RiskLevel::ALL {
        all.push((name(r), r.label()));
    }
    for p in [Plea::Guilty, Plea::NotGuilty, Plea::NoPlea, Plea::Admitted] {
        all.push((name(p), p.label()));
    }
    for l in [InterventionLevel::Standard, InterventionLevel::Enhanced, InterventionLevel::Intensive] {
        all.push((name(l), l.label()));
    }
    all
});

pub(super) fn register_helpers(env: &mut Environment<'static>) {
    env.add_filter("or_todo", or_todo);
    env.add_filter("str", str_literal);
    env.add_filter("num", num);
    env.add_filter("date", long_date);
    env.add_filter("label", label);
    env.add_function("todo", |label: String| todo_marker(&label));
}
