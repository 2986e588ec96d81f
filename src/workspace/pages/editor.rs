//! The section editor and saving: the form from the case, the merge, the write, the autosave answer.

#![allow(clippy::result_large_err)]

use super::present::*;
use super::*;

pub async fn editor(
    State(ws): Ws,
    v: Visitor,
    Path((case_id, kind, slug)): Path<(String, String, String)>,
) -> Response {
    let flash = ws.sessions.take_flash(&v.token);
    blocking(ws.clone(), move |ws| {
        let (kind, section) = match editable(ws, &kind, &slug) {
            Ok(x) => x,
            Err(r) => return r,
        };
        let (opened, why) = match open_for(ws, &v, &case_id, "read", &format!("{kind} {slug}")) {
            Ok(o) => o,
            Err(r) => return r,
        };
        if let Some(day) = closed_on(ws, &opened.loaded.case) {
            return closed_case(ws, day);
        }
        if !writes(why) {
            return refusal(
                ws,
                StatusCode::FORBIDDEN,
                "Read only",
                "You can read and review this document, not edit it.",
            );
        }
        let values = edit::values(&opened.file.case, section);
        let editing = Editing {
            values: &values,
            base: &values,
            errors: &BTreeMap::new(),
            conflicts: &[],
            saved: flash.as_ref().is_some_and(|f| f.1 == "saved"),
            // Any other notice (a start) is shown at the top.
            notice: flash.as_ref().filter(|f| f.1 != "saved"),
        };
        editor_page(ws, &v, &opened, kind, section, &editing, &opened.file.version(), StatusCode::OK)
    })
    .await
}

/// The answer to a change of a closed case.
pub(super) fn closed_case(ws: &Workspace, day: NaiveDate) -> Response {
    refusal(
        ws,
        StatusCode::FORBIDDEN,
        "Read only",
        &format!(
            "This case closed on {}: it can be read, not changed. If it was closed by mistake, reopen it in the case management system.",
            words(day)
        ),
    )
}

/// The writer of a case's documents: the allocated worker, or their cover.
/// Managers comment through review rather than edit the writer's words.
pub(super) fn writes(why: Why) -> bool {
    matches!(why, Why::Allocated | Why::Covering)
}

pub(super) fn editable(
    ws: &Workspace,
    kind: &str,
    slug: &str,
) -> Result<(DocumentKind, &'static Section), Response> {
    let kind = kind_of(ws, kind)?;
    forms::section(kind, slug).map(|s| (kind, s)).ok_or_else(|| {
        refusal(ws, StatusCode::NOT_FOUND, "Page not found", "This document has no such section to edit.")
    })
}

pub(super) struct Editing<'a> {
    values: &'a Values,
    /// The merge base the page carries: what it knows to be saved.
    base: &'a Values,
    errors: &'a BTreeMap<String, String>,
    conflicts: &'a [edit::Conflict],
    saved: bool,
    notice: Option<&'a (String, String)>,
}

#[derive(Serialize)]
pub(super) struct FieldView {
    name: String,
    id: String,
    label: &'static str,
    hint: &'static str,
    input: &'static str,
    value: String,
    error: Option<String>,
    conflict: Option<String>,
    options: Vec<Opt>,
    rows: Vec<RowView>,
    /// "123 of 4,000 characters", where the field has a limit (and by
    /// how much it is over).
    count: Option<String>,
    /// The text is longer than its limit.
    over: bool,
    limit: Option<String>,
    /// What makes a field a child reads hard for them, with a plain
    /// alternative where one is known.
    plain: Vec<String>,
}

#[derive(Serialize)]
pub(super) struct Opt {
    value: &'static str,
    label: &'static str,
}

#[derive(Serialize)]
pub(super) struct RowView {
    blank: bool,
    cells: Vec<FieldView>,
    /// Shown before this row: rows saved meanwhile where the writer's rows
    /// above conflict with them, and the choice between the two.
    meanwhile: Option<RowsMeanwhile>,
}

#[derive(Serialize)]
pub(super) struct RowsMeanwhile {
    /// The choice's name: `_keep.rows:table:m0-m1:s0-s1`.
    choice: String,
    id: String,
    /// "Row 2" or "Rows 2 to 3" (yours), in words.
    yours: String,
    /// The saved rows, each in words.
    saved: Vec<String>,
}

pub(super) fn field_id(name: &str) -> String {
    let id: String = name.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
    format!("f-{}", id.trim_end_matches('-'))
}

pub(super) fn input_name(input: Input) -> &'static str {
    match input {
        Input::Text => "text",
        Input::Area => "area",
        Input::Date => "date",
        Input::Number => "number",
        Input::Check => "check",
        Input::Choice(_) | Input::Disposal => "choice",
        Input::Lines => "lines",
        Input::Rows(_) => "rows",
    }
}

pub(super) fn field_view(name: String, field: &forms::Field, e: &Editing<'_>) -> FieldView {
    let conflict = e.conflicts.iter().find(|c| c.name == name && c.rows.is_none()).map(|c| c.saved.clone());
    let rows = match field.input {
        Input::Rows(columns) => {
            let count = (0..)
                .take_while(|i| {
                    columns.iter().any(|c| e.values.contains_key(&format!("{name}[{i}].{}", c.path)))
                })
                .count();
            (0..=count)
                .map(|i| RowView {
                    blank: i == count,
                    cells: columns
                        .iter()
                        .map(|c| field_view(format!("{name}[{i}].{}", c.path), c, e))
                        .collect(),
                    meanwhile: rows_meanwhile(&name, columns, i, e),
                })
                .collect()
        }
        _ => Vec::new(),
    };
    let value = e.values.get(&name).cloned().unwrap_or_default();
    let plain = if crate::rules::plain::child_facing_field(&name) {
        crate::rules::plain::problems(&value)
    } else {
        Vec::new()
    };
    FieldView {
        plain,
        id: field_id(&name),
        count: field.limit.map(|l| count_words(value.chars().count(), l)),
        over: field.limit.is_some_and(|l| value.chars().count() > l),
        limit: field.limit.map(|l| l.to_string()),
        value,
        error: e.errors.get(&name).cloned(),
        conflict,
        label: field.label,
        hint: field.hint,
        input: input_name(field.input),
        options: field.input.options().into_iter().map(|(value, label)| Opt { value, label }).collect(),
        rows,
        name,
    }
}

/// The rows saved meanwhile that conflict with the writer's rows ending
/// just before row `at` of table `name`.
fn rows_meanwhile(name: &str, columns: &[forms::Field], at: usize, e: &Editing<'_>) -> Option<RowsMeanwhile> {
    let c =
        e.conflicts.iter().find(|c| c.name == name && c.rows.as_ref().is_some_and(|r| r.yours.end == at))?;
    let r = c.rows.as_ref()?;
    let yours = match r.yours.len() {
        0 => "none of yours (you removed them)".to_owned(),
        1 => format!("row {}, as in the boxes above", r.yours.start + 1),
        _ => format!("rows {} to {}, as in the boxes above", r.yours.start + 1, r.yours.end),
    };
    let choice =
        format!("_keep.rows:{name}:{}-{}:{}-{}", r.yours.start, r.yours.end, r.saved.start, r.saved.end);
    Some(RowsMeanwhile {
        id: field_id(&format!("{name}-keep-{}", r.yours.start)),
        choice,
        yours,
        saved: r.saved_rows.iter().map(|row| edit::row_text(columns, row)).collect(),
    })
}

#[allow(clippy::too_many_arguments)]
pub(super) fn editor_page(
    ws: &Workspace,
    v: &Visitor,
    opened: &Opened,
    kind: DocumentKind,
    section: &'static Section,
    e: &Editing<'_>,
    version: &str,
    status: StatusCode,
) -> Response {
    let case = &opened.loaded.case;
    let today = ws.today();
    let facts = facts_of(ws, opened, today);
    let state = state_of(opened, kind);
    let missing = crate::rules::documents::missing(kind, case, &facts);
    let all = forms::sections(kind);
    let sections: Vec<_> = all
        .iter()
        .map(|s| {
            let n = missing
                .iter()
                .filter(|m| forms::locate(kind, m.path).is_some_and(|(ms, _)| ms.slug == s.slug))
                .count();
            context! { slug => s.slug, title => s.title, current => s.slug == section.slug, missing => n }
        })
        .collect();
    let next_section = all
        .iter()
        .skip_while(|s| s.slug != section.slug)
        .nth(1)
        .map(|s| context! { slug => s.slug, title => s.title });
    let fields: Vec<FieldView> = section.fields.iter().map(|f| field_view(f.path.to_owned(), f, e)).collect();
    let label_of = |name: &str| {
        section
            .fields
            .iter()
            .find(|f| name == f.path || name.starts_with(&format!("{}[", f.path)))
            .map(|f| f.label)
            .unwrap_or("This field")
    };
    let error_list: Vec<_> = e
        .errors
        .iter()
        .map(|(name, message)| context! { id => field_id(name), label => label_of(name), message })
        .collect();
    let conflicts: Vec<_> = e
        .conflicts
        .iter()
        .map(|c| match &c.rows {
            Some(r) => context! {
                id => field_id(&format!("{}-keep-{}", c.name, r.yours.start)),
                label => format!("{}: rows saved meanwhile", label_of(&c.name)),
            },
            None => context! { id => field_id(&c.name), label => label_of(&c.name) },
        })
        .collect();
    page_with(
        ws,
        status,
        "editor.html",
        context! {
            user => v.user, csrf => v.csrf, case => case_view(case, today), doc => doc_view(kind, &state, case),
            section => context! { slug => section.slug, title => section.title }, sections, next_section,
            fields, errors => !e.errors.is_empty(), error_list, conflicts, version, saved => e.saved,
            base => serde_json::to_string(e.base).unwrap_or_default(),
            findings => findings(case, &facts, kind), preview => preview_view(ws, &v.token, opened, kind),
            flash => e.notice.map(|n| n.0.clone()), flash_kind => e.notice.map(|n| n.1.clone()),
        },
    )
}

#[derive(Serialize)]
pub(super) struct SaveAnswer {
    status: &'static str,
    version: String,
    at: String,
    errors: BTreeMap<String, String>,
    preview: Option<PreviewAnswer>,
    findings: Option<String>,
    /// The section as written: the page shows others' words in the fields
    /// its writer has not touched since, and keeps it as its base.
    values: Option<Values>,
    /// How long the writer's session has left after this save.
    session: SessionLeft,
}

#[derive(Serialize)]
pub(super) struct PreviewAnswer {
    pages: usize,
    stamp: String,
}

pub async fn save(
    State(ws): Ws,
    headers: HeaderMap,
    v: Visitor,
    Path((case_id, kind, slug)): Path<(String, String, String)>,
    Form(form): Posted,
) -> Response {
    if !v.csrf_ok(&form) {
        return csrf_refused(&ws, &v);
    }
    let autosave = headers.contains_key("x-autosave");
    blocking(ws.clone(), move |ws| {
        let (kind, section) = match editable(ws, &kind, &slug) {
            Ok(x) => x,
            Err(r) => return r,
        };
        let (opened, held, why) = match check_locked(ws, &v, &case_id, "write") {
            Ok(o) => o,
            Err(r) => return r,
        };
        let case_id = opened.loaded.case.case_id.to_string();
        let detail = format!("{kind} {slug}");
        let record = |outcome: Outcome| audited(ws, &v, outcome, "write", &case_id, &detail);
        if let Some(day) = closed_on(ws, &opened.loaded.case) {
            let _ = record(Outcome::Refused);
            return closed_case(ws, day);
        }
        if !writes(why) {
            let _ = record(Outcome::Refused);
            return refusal(
                ws,
                StatusCode::FORBIDDEN,
                "Read only",
                "You can read and review this document, not edit it.",
            );
        }
        // More rows than a case may hold can never be saved: refused before
        // the form is read, merged or shown again (review L8: 9,000 posted
        // rows made a 12.9 MiB page).
        let most = ws.press.config().limits.max_array_items;
        let sent = edit::most_rows(section, form.iter().map(|(k, _)| k.as_str()));
        // The base is what the page knows to be saved: carried by the page
        // itself, so a restart of the server loses no merge base.
        let page_base = edit::base_from_form(section, &form);
        let in_base =
            page_base.as_ref().map_or(0, |b| edit::most_rows(section, b.keys().map(String::as_str)));
        if sent.max(in_base) > most {
            let _ = record(Outcome::Invalid);
            return refusal(
                ws,
                StatusCode::UNPROCESSABLE_ENTITY,
                "Too many rows",
                &format!(
                    "A table holds at most {} rows; this form sent {}. Nothing was saved.",
                    edit::thousands(most),
                    edit::thousands(sent.max(in_base))
                ),
            );
        }
        let posted = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        let based_on = posted("_version").unwrap_or("").to_owned();
        let then = posted("_then").and_then(|s| forms::section(kind, s)).map(|s| s.slug);
        let mut yours = edit::from_form(section, &form);
        let base = match &page_base {
            Some(b) => b.clone(),
            None => ws
                .versions
                .get(&case_id, &based_on)
                .map(|b| edit::normalised(section, &edit::values(&b, section)))
                .unwrap_or_default(),
        };
        // "Keep what was saved meanwhile": on a conflict page the base is
        // what was saved. Runs of rows from the last, so earlier runs keep
        // their places.
        let mut row_keeps: Vec<&str> = Vec::new();
        for (k, choice) in &form {
            if choice != "saved" {
                continue;
            }
            if let Some(spec) = k.strip_prefix("_keep.rows:") {
                row_keeps.push(spec);
            } else if let Some(name) = k.strip_prefix("_keep.") {
                yours.insert(name.to_owned(), base.get(name).cloned().unwrap_or_default());
            }
        }
        row_keeps.sort_by_key(|spec| std::cmp::Reverse(row_start(spec)));
        for spec in row_keeps {
            edit::keep_saved_rows(section, &mut yours, &base, spec);
        }
        let (outcome, written_now) =
            store_section(ws, &opened, &held, section, &based_on, &base, &yours, page_base.is_some());
        drop(held);
        // The line says what the save did, once it is done.
        let recorded = record(match &outcome {
            Saved::Written(..) | Saved::Unchanged(..) => Outcome::Done,
            Saved::Invalid(_) => Outcome::Invalid,
            Saved::Conflict(..) => Outcome::Conflict,
            Saved::Failed(_) => Outcome::Failed,
        });
        if let Err(page) = recorded {
            return page;
        }
        // The case as written, parsed when it was checked: never read again.
        let current = written_now.as_ref().unwrap_or(&opened);
        match outcome {
            Saved::Written(page_version, written) | Saved::Unchanged(page_version, written) => {
                if autosave {
                    return saved_answer(ws, current, kind, &page_version, written, &v);
                }
                ws.sessions.set_flash(&v.token, "Saved.", "saved");
                let to = then.unwrap_or(section.slug);
                Redirect::to(&format!("/cases/{case_id}/{kind}/edit/{to}")).into_response()
            }
            Saved::Invalid(errors) => {
                if autosave {
                    return http::json(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        &SaveAnswer {
                            status: "invalid",
                            version: based_on,
                            at: String::new(),
                            errors,
                            preview: None,
                            findings: None,
                            values: None,
                            session: v.left,
                        },
                    );
                }
                let e = Editing {
                    values: &yours,
                    base: &base,
                    errors: &errors,
                    conflicts: &[],
                    saved: false,
                    notice: None,
                };
                editor_page(ws, &v, current, kind, section, &e, &based_on, StatusCode::UNPROCESSABLE_ENTITY)
            }
            Saved::Conflict(conflicts, merged, saved) => {
                if autosave {
                    return StatusCode::CONFLICT.into_response();
                }
                // The page now stands on exactly what the merge met (read
                // under the lock), the text it shows as "saved meanwhile":
                // a later save is a change the next merge will see, never
                // words in the base that the writer was not shown.
                let e = Editing {
                    values: &merged,
                    base: &saved.values,
                    errors: &BTreeMap::new(),
                    conflicts: &conflicts,
                    saved: false,
                    notice: None,
                };
                editor_page(ws, &v, current, kind, section, &e, &saved.version, StatusCode::CONFLICT)
            }
            Saved::Failed(why) => {
                tracing::error!("a save failed: {why}");
                not_saved(ws)
            }
        }
    })
    .await
}

/// The section as the file held it when a save met a conflict.
pub(super) struct SavedNow {
    values: Values,
    version: String,
}

/// Where a run of rows to keep starts (`table:m0-m1:…`).
fn row_start(spec: &str) -> usize {
    spec.split(':').nth(1).and_then(|r| r.split('-').next()).and_then(|n| n.parse().ok()).unwrap_or(0)
}

/// What a save did. `Written` and `Unchanged` carry the version the page now
/// holds (see [`page_version`]) and the section's values as written.
pub(super) enum Saved {
    Written(String, Values),
    Unchanged(String, Values),
    Invalid(BTreeMap<String, String>),
    Conflict(Vec<edit::Conflict>, Values, SavedNow),
    Failed(String),
}

/// Merges, checks and writes one section, under the case's locks, held
/// since `opened` was read. A case written comes back as it now is.
#[allow(clippy::too_many_arguments)]
pub(super) fn store_section(
    ws: &Workspace,
    opened: &Opened,
    held: &Held,
    section: &Section,
    based_on: &str,
    base: &Values,
    yours: &Values,
    page_holds_base: bool,
) -> (Saved, Option<Opened>) {
    let case_id = opened.loaded.case.case_id.as_str();
    let file = &opened.file;
    let saved_now = edit::normalised(section, &edit::values(&file.case, section));
    let merged = if !page_holds_base && file.version() == based_on {
        yours.clone()
    } else {
        let (merged, conflicts) = edit::merge(section, base, &saved_now, yours);
        if !conflicts.is_empty() {
            return (
                Saved::Conflict(conflicts, merged, SavedNow { values: saved_now, version: file.version() }),
                None,
            );
        }
        merged
    };
    let mut case = file.case.clone();
    if let Err(errors) = edit::apply(&mut case, section, &merged) {
        return (Saved::Invalid(errors), None);
    }
    let bytes = match file.with_case(&case) {
        Ok(b) => b,
        Err(e) => return (Saved::Failed(e), None),
    };
    let loaded = match file.load(&bytes, case_id) {
        Ok(loaded) => loaded,
        Err(e) => {
            let name = e.json_path.as_deref().and_then(|p| edit::field_of_error(section, p, &e.message));
            let mut errors = BTreeMap::new();
            errors.insert(name.unwrap_or_else(|| section.fields[0].path.to_owned()), e.message);
            return (Saved::Invalid(errors), None);
        }
    };
    let written = crate::store::sha256_hex(&bytes);
    let version = if page_holds_base {
        ws.versions.keep(case_id, &written, &case);
        written
    } else {
        page_version(ws, case_id, &case, written, section, &merged, yours)
    };
    if bytes == file.bytes {
        return (Saved::Unchanged(version, merged), None);
    }
    if let Err(e) = file.write(&bytes, &held.file) {
        return (Saved::Failed(e), None);
    }
    // A save writes no line in the case's log: its log and states stand.
    let now = Opened {
        file: file.replaced(bytes, case),
        loaded,
        log: opened.log.clone(),
        states: opened.states.clone(),
    };
    (Saved::Written(version, merged), Some(now))
}

/// The version the writer's page holds after a save, decided under the
/// case's lock: the version of the bytes written when the page shows what
/// was written; when the save merged others' words into fields this page
/// still shows as they were, a version of its own (the written case with
/// the page's values), kept as the base of the page's next save. So the
/// next save sees the others' words as theirs, never as this writer
/// deleting them, and reports no conflict on a field this writer did not
/// touch.
fn page_version(
    ws: &Workspace,
    case_id: &str,
    written: &serde_json::Value,
    written_version: String,
    section: &Section,
    merged: &edit::Values,
    yours: &edit::Values,
) -> String {
    ws.versions.keep(case_id, &written_version, written);
    if merged == yours {
        return written_version;
    }
    let mut shown = written.clone();
    if edit::apply(&mut shown, section, yours).is_err() {
        return written_version;
    }
    let version = format!("page-{}", crate::store::sha256_hex(shown.to_string().as_bytes()));
    ws.versions.keep(case_id, &version, &shown);
    version
}

pub(super) fn saved_answer(
    ws: &Workspace,
    opened: &Opened,
    kind: DocumentKind,
    version: &str,
    written: Values,
    v: &Visitor,
) -> Response {
    let case = &opened.loaded.case;
    let facts = facts_of(ws, opened, ws.today());
    let key = preview_key(ws, opened, kind);
    let pages = ws.previews.get_or_make(&key, |memo| make_preview(ws, opened, kind, memo));
    ws.previews.grant(&v.token, &key);
    let findings_html = ws
        .views
        .get_template("findings.html")
        .and_then(|t| t.render(context! { findings => findings(case, &facts, kind) }))
        .ok();
    http::json(
        StatusCode::OK,
        &SaveAnswer {
            status: "saved",
            version: version.to_owned(),
            at: ws.now().with_timezone(&chrono_tz::Europe::London).format("%H:%M:%S").to_string(),
            errors: BTreeMap::new(),
            preview: pages
                .as_ref()
                .as_ref()
                .ok()
                .map(|p| PreviewAnswer { pages: p.len(), stamp: key.stamp() }),
            findings: findings_html,
            values: Some(written),
            session: v.left,
        },
    )
}

/// What the count under a text with a limit says, as the page's script
/// says it while the writer types.
fn count_words(chars: usize, limit: usize) -> String {
    let over = chars.saturating_sub(limit);
    let mut said = format!("{} of {} characters", edit::thousands(chars), edit::thousands(limit));
    if over > 0 {
        said.push_str(&format!(": {} too many", edit::thousands(over)));
    }
    said
}
