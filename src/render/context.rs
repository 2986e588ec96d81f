//! The template context and the helpers templates may call.

use chrono::NaiveDate;
use minijinja::value::Value;
use minijinja::{Environment, Error, Output, State};
use serde::Serialize;

use super::escape::{markup_text, markup_text_in, string_literal};
use super::paper::{Paper, as_of, paper};
use super::request::RenderRequest;
use super::script::{recorded_languages, script_of};
use crate::case::{Case, DisposalType, Plea, RiskLevel, Urgency};
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
    /// The service's own practice standards, named where a document states
    /// a practice rule (e.g. when a PSR is due): always set by the press.
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
    /// Whole years on the document's date (for template overrides; the
    /// built-in templates print `age_label`).
    age: u32,
    /// The age with the day it is on: "age 16 at the hearing" on a court
    /// paper, else "age 16 on 23 November 2026".
    age_label: String,
}

#[derive(Serialize)]
struct Context<'a> {
    case: Case,
    facts: &'a crate::rules::Facts,
    /// The PSR's history as of the document's date, for the gatekeeping record.
    psr_history: Option<crate::history::DocState>,
    paper: Paper,
    /// Signatures given to an earlier version, by part (`young-person`, …).
    earlier_signatures: std::collections::BTreeMap<&'static str, &'a crate::history::SignatureRecord>,
    doc: DocView<'a>,
    child: ChildView,
    service: &'a ServiceView,
    /// The current order's catalogue entry: what papers need to know of it
    /// (who the child answers to, which plan).
    disposal: Option<&'static crate::case::Disposal>,
}

/// Builds the context of one document.
///
/// Optional sections are filled with empty defaults so that templates can
/// read `case.psr.conclusion` without guarding every level; a missing value
/// is `none`, which `or_todo` turns into a "TO COMPLETE" marker.
pub(super) fn build(req: &RenderRequest<'_>, service: &ServiceView, missing: &[Missing]) -> Value {
    let mut case = filled(req.case);
    as_of(&mut case, req.date);
    let c = &req.case.child;
    let paper = paper(req);
    let ctx = Context {
        child: ChildView {
            full_name: format!("{} {}", c.first_name, c.last_name),
            known_as: c.preferred_name.clone().unwrap_or_else(|| c.first_name.clone()),
            age: req.facts.age,
            age_label: paper.age.clone(),
        },
        case,
        facts: req.facts,
        psr_history: req.kind.spec().record_of.map(|of| crate::history::fold(req.log, of)),
        paper,
        earlier_signatures: req.earlier_signatures.iter().map(|s| (s.signer.name(), *s)).collect(),
        doc: DocView {
            kind: req.kind.name(),
            title: req.kind.title(),
            date: req.date,
            draft: !req.final_,
            version: if req.final_ { "Final" } else { "Draft" },
            missing,
        },
        service,
        disposal: req.case.order.as_ref().map(|o| o.kind.entry()),
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
    c.intervention_plan.get_or_insert_with(Default::default).childs_part.get_or_insert_with(Default::default);
    c.service_agreement.get_or_insert_with(Default::default).sharing.get_or_insert_with(Default::default);
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

/// The document's date, from the template's context.
fn doc_date(state: &State) -> Option<NaiveDate> {
    let date = state.lookup("doc")?.get_attr("date").ok()?;
    date.as_str()?.parse().ok()
}

fn as_date(value: &Value) -> Option<NaiveDate> {
    value.as_str().and_then(|s| s.parse().ok())
}

/// `{% if date is done %}`: whether something dated `date` had happened by
/// the document's date (a paper states nothing dated after it).
fn is_done(state: &State, value: Value) -> bool {
    match (as_date(&value), doc_date(state)) {
        (Some(d), Some(day)) => d <= day,
        _ => false,
    }
}

/// `{{ date | event }}`: the date of something done, or "planned for …"
/// when it is dated after the document.
fn event(state: &State, value: Value) -> Value {
    match as_date(&value) {
        Some(d) if is_done(state, value.clone()) => Value::from(d.format("%-d %B %Y").to_string()),
        Some(d) => Value::from(format!("planned for {}", d.format("%-d %B %Y"))),
        None => value,
    }
}

/// `{{ "very_high" | label }}` → `Very High`: display names of enum values.
fn label(value: Value) -> Value {
    let Some(s) = value.as_str() else { return value };
    // Disposals from the catalogue in use, so a service's own entries have their names.
    let found = DisposalType::named(s)
        .map(DisposalType::label)
        .or_else(|| LABELS.iter().find(|(k, _)| *k == s).map(|(_, l)| *l));
    found.map(Value::from).unwrap_or(value)
}

static LABELS: std::sync::LazyLock<Vec<(String, &'static str)>> = std::sync::LazyLock::new(|| {
    fn name<T: Serialize>(v: T) -> String {
        serde_json::to_value(v).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
    }
    let mut all = Vec::new();
    for r in RiskLevel::ALL {
        all.push((name(r), r.label()));
    }
    for p in [Plea::Guilty, Plea::NotGuilty, Plea::NoPlea, Plea::Admitted] {
        all.push((name(p), p.label()));
    }
    for l in [InterventionLevel::Standard, InterventionLevel::Enhanced, InterventionLevel::Intensive] {
        all.push((name(l), l.label()));
    }
    for u in Urgency::ALL {
        all.push((name(u), u.label()));
    }
    all
});

pub(super) fn register_helpers(env: &mut Environment<'static>) {
    env.add_filter("or_todo", or_todo);
    env.add_filter("str", str_literal);
    env.add_filter("num", num);
    env.add_filter("date", long_date);
    env.add_filter("label", label);
    env.add_filter("event", event);
    env.add_test("done", is_done);
    env.add_function("todo", |label: String| todo_marker(&label));
}
