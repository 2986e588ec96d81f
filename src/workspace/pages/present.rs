//! What pages present: dates in words, phases, the findings panel, deadlines.

#![allow(clippy::result_large_err)]

use super::*;
use crate::documents::Review;

/// What the rules say about a case in a list, from its case file alone.
pub(super) fn facts(ws: &Workspace, case: &Case, today: NaiveDate) -> Facts {
    rules::derive_with(case, ws.press.calendar(), today, &ws.press.config().rules)
}

/// What the rules say about an opened case, with what its log records.
pub(super) fn facts_of(ws: &Workspace, opened: &Opened, today: NaiveDate) -> Facts {
    ws.press.service().facts(&opened.loaded.case, today, &opened.log)
}

pub(super) fn state_of(opened: &Opened, kind: DocumentKind) -> DocState {
    opened.states.iter().find(|s| s.kind == kind).cloned().unwrap_or_else(|| crate::history::fold(&[], kind))
}

pub(super) fn words(date: NaiveDate) -> String {
    date.format("%-d %B %Y").to_string()
}

pub(super) fn child_name(case: &Case) -> String {
    let c = &case.child;
    match &c.preferred_name {
        Some(p) if !p.trim().is_empty() && p != &c.first_name => {
            format!("{} {} (known as {p})", c.first_name, c.last_name)
        }
        _ => format!("{} {}", c.first_name, c.last_name),
    }
}

pub(super) fn case_view(case: &Case, today: NaiveDate) -> minijinja::Value {
    context! {
        case_id => case.case_id.to_string(),
        child => child_name(case),
        age => rules::age_on(case.child.date_of_birth, today),
        case_manager => case.case_manager.name.clone(),
        team => case.team.clone(),
        court => case.court.as_ref().map(|c| c.name.clone()),
        hearing => case.court.as_ref().and_then(|c| c.hearing_date).map(words),
        order => case.order.as_ref().map(|o| o.kind.label()),
        requested => case.court.as_ref().and_then(|c| c.report_requested.map(|r| {
            let what = match r {
                crate::case::RequestedReport::Psr => "a pre-sentence report",
                crate::case::RequestedReport::ProgressReport => "a progress report",
            };
            match c.report_requested_date {
                Some(d) => format!("{what} (on {})", words(d)),
                None => what.to_owned(),
            }
        })),
    }
}

pub(super) fn doc_view(kind: DocumentKind, state: &DocState, case: &Case) -> minijinja::Value {
    let reviews: Vec<_> = state
        .reviews
        .iter()
        .map(|r| context! { by => r.by, verdict => if r.agreed { "agreed" } else { "returned it" }, at => r.at.get(..10).unwrap_or(&r.at).to_owned(), comments => r.comments })
        .collect();
    let steps: Vec<_> = state
        .steps
        .iter()
        .map(|s| context! { at => s.at.replace('T', " ").trim_end_matches('Z').to_owned(), step => s.step, by => s.by, to => s.to })
        .collect();
    let standing = standing(kind, state, case);
    let meetings: Vec<_> = state
        .meetings
        .iter()
        .map(|m| context! { date => words(m.date), attended => m.attended.join(", "), by => m.recorded_by })
        .collect();
    context! {
        kind => kind.name(), title => kind.title(), short => kind.spec().short,
        phase => standing.words, phase_class => standing.class, next => standing.next, meetings,
        gatekept => kind == DocumentKind::Psr,
        editable => !forms::sections(kind).is_empty(),
        first_section => forms::sections(kind).first().map(|s| s.slug),
        reviews, steps, returned => state.phase == Phase::Returned,
        review_word => if kind.review() == Review::Gatekeeping { "gatekeeping" } else { "sign-off" },
        version_notice => version_notice(kind, state.phase),
    }
}

/// What saving changes, when the version on record was reviewed or issued:
/// a save starts a new version, and never changes what was agreed or final.
fn version_notice(kind: DocumentKind, phase: Phase) -> Option<String> {
    let noun = kind.spec().noun;
    let review = if kind.review() == Review::Gatekeeping { "gatekeeping" } else { "sign-off" };
    match phase {
        Phase::Submitted => Some(format!(
            "This {noun} is with the managers for {review}. A change you save here starts a new version: submit that one, and they review it instead."
        )),
        Phase::Agreed => Some(format!(
            "This version of the {noun} was agreed. A change you save here starts a new version, which needs {review} again before it can be made final."
        )),
        Phase::Final | Phase::Sent => Some(format!(
            "This {noun} is final. A change you save here starts a new draft version; it never changes the final, which stays as it was issued."
        )),
        _ => None,
    }
}

/// Where a document stands, in the words every page uses for it: its phase
/// once a version is on record; before that, "Not started" only while
/// nothing of it is written (no section in the case), "Draft" once it is.
pub(super) struct Standing {
    pub words: &'static str,
    pub class: &'static str,
    pub next: String,
}

/// Whether the case holds the section `kind`'s writer fills.
pub(super) fn written(kind: DocumentKind, case: &Case) -> bool {
    crate::rules::documents::started(kind, case)
}

pub(super) fn standing(kind: DocumentKind, state: &DocState, case: &Case) -> Standing {
    let started = kind.spec().section.is_none() || written(kind, case);
    let (words, class) = match state.phase {
        Phase::None if kind.spec().section.is_some() && started => ("Draft", "draft"),
        Phase::None if kind.spec().section.is_some() => ("Not started", "none"),
        Phase::None => ("Not made yet", "none"),
        phase => (phase_words(phase), phase_class(phase)),
    };
    Standing { words, class, next: next_words(kind, state, case) }
}

pub(super) fn phase_words(phase: Phase) -> &'static str {
    match phase {
        Phase::None => "Not started",
        Phase::Draft => "Draft",
        Phase::Submitted => "Submitted",
        Phase::Returned => "Returned",
        Phase::Agreed => "Agreed",
        Phase::Final => "Final",
        Phase::Sent => "Sent",
    }
}

pub(super) fn phase_class(phase: Phase) -> &'static str {
    match phase {
        Phase::None => "none",
        Phase::Draft => "draft",
        Phase::Submitted => "submitted",
        Phase::Returned => "returned",
        Phase::Agreed => "agreed",
        Phase::Final => "final",
        Phase::Sent => "sent",
    }
}

/// The next step, naming the button that takes it where the page has one.
pub(super) fn next_words(kind: DocumentKind, state: &DocState, case: &Case) -> String {
    let review = if kind.review() == Review::Gatekeeping { "gatekeeping" } else { "sign-off" };
    let signed = kind.review() == Review::Signatures;
    let meeting_needed = kind == DocumentKind::Psr
        && state.meetings.is_empty()
        && case.gatekeeping.as_ref().and_then(|g| g.meeting_date).is_none();
    match state.phase {
        Phase::None if kind.spec().section.is_some() && !written(kind, case) => {
            "press “Start”, then write it".into()
        }
        Phase::None | Phase::Draft if signed => "write it, record the signatures, then “Make final”".into(),
        Phase::None if kind.spec().section.is_some() => {
            format!("finish writing it, then “Submit for {review}”")
        }
        Phase::None if kind.review() == Review::None => {
            "made from the PSR's recorded gatekeeping: a manager makes it final once the PSR is agreed".into()
        }
        Phase::None => format!("made from the case data: “Submit for {review}”"),
        Phase::Draft if kind.reviewed() => format!("“Submit for {review}”"),
        Phase::Returned => format!("amend it, then “Submit for {review}” again"),
        Phase::Submitted if meeting_needed => {
            "a manager's review, and the gatekeeping meeting (“Record the meeting”)".into()
        }
        Phase::Agreed if rules::two_managers_required(kind, case) && state.agreed_by().len() < 2 => {
            "a second manager's agreement, from another team".into()
        }
        Phase::Agreed if meeting_needed => {
            "the gatekeeping meeting (a manager presses “Record the meeting”), then “Make final”".into()
        }
        Phase::Agreed => "“Make final”".into(),
        Phase::Final => "“Record as sent”".into(),
        _ => lifecycle::next_step(state).into(),
    }
}

pub(super) fn findings(case: &Case, facts: &Facts, kind: DocumentKind) -> minijinja::Value {
    let id = case.case_id.as_str();
    let href = |path: &str| {
        forms::locate(kind, path)
            .map(|(s, f)| format!("/cases/{id}/{kind}/edit/{}#{}", s.slug, field_id(f.path)))
    };
    // The gatekeeping meeting is a recorded step, on the report's own page.
    let meeting = |path: &str| kind == DocumentKind::Psr && path == "gatekeeping.meeting_date";
    let missing: Vec<_> = crate::rules::documents::missing(kind, case, facts)
        .iter()
        .map(|m| {
            if meeting(m.path) {
                let href = format!("/cases/{id}/psr#meeting");
                context! { label => m.label, href, note => "a manager records it at the meeting" }
            } else {
                context! { label => m.label, href => href(m.path) }
            }
        })
        .collect();
    let language = (kind == DocumentKind::Psr).then(|| {
        facts
            .language_findings
            .iter()
            .map(|l| {
                let place = forms::locate(kind, &l.field).map(|(_, f)| f.label).unwrap_or(l.field.as_str());
                context! { where => place, phrase => l.phrase, why => sentence(l.why), href => href(&l.field) }
            })
            .collect::<Vec<_>>()
    });
    let childs = matches!(kind, DocumentKind::InterventionPlan | DocumentKind::ServiceAgreement);
    let prefix =
        if kind == DocumentKind::InterventionPlan { "intervention_plan" } else { "service_agreement" };
    let plain = childs.then(|| {
        crate::rules::plain::hard_text(case)
            .into_iter()
            .filter(|h| h.field.starts_with(prefix))
            .map(|h| {
                let place = forms::locate(kind, &h.field).map(|(_, f)| f.label).unwrap_or(h.field.as_str());
                let row =
                    h.field.split_once('[').and_then(|(_, r)| r.split(']').next()?.parse::<usize>().ok());
                let place = match row {
                    Some(i) => format!("{place}, row {}", i + 1),
                    None => place.to_owned(),
                };
                context! { where => place, why => sentence(&h.message), href => href(&h.field) }
            })
            .collect::<Vec<_>>()
    });
    let court_report = kind.is_court_report();
    context! {
        missing, language, plain,
        gatekeeping_due => facts.gatekeeping_due.filter(|_| court_report).map(words),
        double => court_report && rules::two_managers_required(kind, case),
        dues => dues(facts, true),
    }
}

/// `why` as a sentence: a capital first letter.
pub(super) fn sentence(why: &str) -> String {
    let mut chars = why.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

pub(super) fn dues(facts: &Facts, open_only: bool) -> Vec<minijinja::Value> {
    facts
        .due_dates
        .iter()
        .filter(|d| !open_only || matches!(d.status, DueStatus::Due | DueStatus::Overdue))
        .map(|d| {
            let (status, class) = match d.status {
                DueStatus::Met => ("done", "met"),
                DueStatus::Late => ("done late", "late"),
                DueStatus::Due => ("due", "due"),
                DueStatus::Overdue => ("overdue", "overdue"),
            };
            context! { what => d.what, due => words(d.due), status, status_class => class }
        })
        .collect()
}

pub(super) fn problems(facts: &Facts) -> Vec<minijinja::Value> {
    facts
        .findings
        .iter()
        .map(|f| {
            let (severity, class) = match f.severity {
                Severity::Invalid => ("Cannot be right", "invalid"),
                Severity::Warning => ("Practice", "warning"),
            };
            context! { severity, class, message => f.message }
        })
        .collect()
}
