//! Saving one section of a form into a case file. The form's values are read
//! from and written into the case's JSON at their paths, so everything else
//! in the file (and its key order) stays as it was; the result must load as
//! a case before it is written; and when the file changed since the form was
//! filled, a three-way merge keeps both: a field changed on one side only
//! takes that side, a field changed on both is a conflict for the writer.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde_json::{Map, Value};

use super::forms::{Field, Input, Section};
pub use crate::case::CaseFile;

/// A form's values by field name (the case path; `path[i].field` in rows).
pub type Values = BTreeMap<String, String>;

/// What is wrong, by field name, in the words the command line uses.
pub type FieldErrors = BTreeMap<String, String>;

/// A field both the writer and someone else changed; for a table, a run
/// of rows (see [`rows::RowConflict`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    /// The field (for a table, the table's path).
    pub name: String,
    /// What the file holds now.
    pub saved: String,
    /// What the writer entered.
    pub yours: String,
    /// For a table: which rows conflict.
    pub rows: Option<rows::RowConflict>,
}

/// The form values of `section` as the case JSON holds them.
pub fn values(case: &Value, section: &Section) -> Values {
    let mut out = Values::new();
    for field in section.fields {
        let value = get(case, field.path);
        match field.input {
            Input::Rows(columns) => {
                for (i, row) in value.and_then(Value::as_array).into_iter().flatten().enumerate() {
                    for col in columns {
                        out.insert(row_name(field, i, col), shown(get(row, col.path), col.input));
                    }
                }
            }
            input => {
                out.insert(field.path.to_owned(), shown(value, input));
            }
        }
    }
    out
}

/// The values of `section` from a submitted form (`pairs` as posted).
pub fn from_form(section: &Section, pairs: &[(String, String)]) -> Values {
    let posted: BTreeMap<&str, &str> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let mut out = Values::new();
    for field in section.fields {
        match field.input {
            Input::Rows(columns) => {
                let prefix = format!("{}[", field.path);
                let rows: BTreeSet<usize> = posted
                    .keys()
                    .filter_map(|k| k.strip_prefix(&prefix)?.split(']').next()?.parse().ok())
                    .collect();
                // Rows are renumbered in order, so a removed row leaves no gap.
                for (i, row) in rows.into_iter().enumerate() {
                    for col in columns {
                        let posted_name = format!("{}[{row}].{}", field.path, col.path);
                        let value = posted.get(posted_name.as_str()).copied().unwrap_or("");
                        out.insert(row_name(field, i, col), typed_in(value, col.input));
                    }
                }
            }
            Input::Check => {
                let on = posted.contains_key(field.path);
                out.insert(field.path.to_owned(), if on { "true".into() } else { String::new() });
            }
            input => {
                let value = posted.get(field.path).copied().unwrap_or("");
                out.insert(field.path.to_owned(), typed_in(value, input));
            }
        }
    }
    // Rows wholly empty are dropped: a blank row on the form is not data.
    drop_blank_rows(section, out)
}

/// The most rows any table of `section` has among `names` (form names or
/// value names, `path[i].column`): checked before a form is read, so that a
/// post of thousands of rows is refused before it is merged or shown.
pub fn most_rows<'a>(section: &Section, names: impl Iterator<Item = &'a str>) -> usize {
    let tables: Vec<String> = section
        .fields
        .iter()
        .filter(|f| matches!(f.input, Input::Rows(_)))
        .map(|f| format!("{}[", f.path))
        .collect();
    let mut rows: Vec<BTreeSet<&str>> = vec![BTreeSet::new(); tables.len()];
    for name in names {
        for (prefix, seen) in tables.iter().zip(rows.iter_mut()) {
            if let Some(i) = name.strip_prefix(prefix.as_str()).and_then(|r| r.split(']').next()) {
                seen.insert(i);
            }
        }
    }
    rows.iter().map(BTreeSet::len).max().unwrap_or(0)
}

/// The merge base the page holds (`_base`, the section's values as the
/// page last knew them to be saved, as JSON), as the form means it; `None`
/// when the form carries none (a page from before bases were kept there).
pub fn base_from_form(section: &Section, pairs: &[(String, String)]) -> Option<Values> {
    let text = pairs.iter().find(|(k, _)| k == "_base").map(|(_, v)| v)?;
    let base: Values = serde_json::from_str(text).ok()?;
    Some(normalised(section, &base))
}

/// `values` as a form posting them would give them: text trimmed as typed
/// text is, so that spaces alone never count as a change.
pub fn normalised(section: &Section, values: &Values) -> Values {
    let mut out = Values::new();
    for field in section.fields {
        match field.input {
            Input::Rows(columns) => {
                for (i, row) in table_rows(values, field, columns).into_iter().enumerate() {
                    for (col, cell) in columns.iter().zip(row) {
                        out.insert(row_name(field, i, col), typed_in(&cell, col.input));
                    }
                }
            }
            input => {
                if let Some(v) = values.get(field.path) {
                    out.insert(field.path.to_owned(), typed_in(v, input));
                }
            }
        }
    }
    drop_blank_rows(section, out)
}

/// The choice "keep what was saved meanwhile" for a run of rows: `spec` is
/// the choice's name after `_keep.rows:`, `table:m0-m1:s0-s1` (the writer's
/// rows in `yours`, the saved rows in `base`, which on a conflict page is
/// what was saved). Replaces the writer's rows with the saved ones.
pub fn keep_saved_rows(section: &Section, yours: &mut Values, base: &Values, spec: &str) {
    let mut parts = spec.split(':');
    let (Some(table), Some(mine), Some(saved)) = (parts.next(), parts.next(), parts.next()) else { return };
    let range = |r: &str| -> Option<std::ops::Range<usize>> {
        let (a, b) = r.split_once('-')?;
        Some(a.parse().ok()?..b.parse().ok()?)
    };
    let (Some(mine), Some(saved)) = (range(mine), range(saved)) else { return };
    let Some(field) = section.fields.iter().find(|f| f.path == table) else { return };
    let Input::Rows(columns) = field.input else { return };
    let mut rows = table_rows(yours, field, columns);
    let from_base = table_rows(base, field, columns);
    if mine.start > mine.end
        || mine.end > rows.len()
        || saved.start > saved.end
        || saved.end > from_base.len()
    {
        return;
    }
    rows.splice(mine, from_base[saved].iter().cloned());
    yours.retain(|k, _| !k.starts_with(&format!("{table}[")));
    for (i, row) in rows.iter().enumerate() {
        for (col, cell) in columns.iter().zip(row) {
            yours.insert(row_name(field, i, col), cell.clone());
        }
    }
}

/// Writes `values` of `section` into the case JSON. Empty values remove
/// the key, so an optional field left empty is absent, never `""`.
pub fn apply(case: &mut Value, section: &Section, values: &Values) -> Result<(), FieldErrors> {
    let mut errors = FieldErrors::new();
    for field in section.fields {
        match field.input {
            Input::Rows(columns) => {
                let mut rows = Vec::new();
                for i in 0.. {
                    let names: Vec<String> = columns.iter().map(|c| row_name(field, i, c)).collect();
                    if !names.iter().any(|n| values.contains_key(n)) {
                        break;
                    }
                    let mut row = Map::new();
                    for (col, name) in columns.iter().zip(&names) {
                        let text = values.get(name).map(String::as_str).unwrap_or("");
                        match parsed(text, col.input) {
                            Ok(Some(v)) => {
                                row.insert(col.path.to_owned(), v);
                            }
                            Ok(None) => {}
                            Err(e) => {
                                errors.insert(name.clone(), e);
                            }
                        }
                    }
                    rows.push(Value::Object(row));
                }
                set(case, field.path, (!rows.is_empty()).then_some(Value::Array(rows)));
            }
            input => {
                let text = values.get(field.path).map(String::as_str).unwrap_or("");
                let chars = text.chars().count();
                if let Some(limit) = field.limit.filter(|l| chars > *l) {
                    errors.insert(
                        field.path.to_owned(),
                        format!("at most {} characters: this has {}", thousands(limit), thousands(chars)),
                    );
                    continue;
                }
                match parsed(text, input) {
                    Ok(v) => set(case, field.path, v),
                    Err(e) => {
                        errors.insert(field.path.to_owned(), e);
                    }
                }
            }
        }
    }
    if errors.is_empty() { Ok(()) } else { Err(errors) }
}

/// A count as people write it: 4,000.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Three-way merge of a section's values: `base` as the writer's form was
/// filled, `saved` as the file holds now, `yours` as the writer entered.
/// A field changed on one side takes that side; a table merges by row.
pub fn merge(section: &Section, base: &Values, saved: &Values, yours: &Values) -> (Values, Vec<Conflict>) {
    let mut merged = Values::new();
    let mut conflicts = Vec::new();
    let empty = String::new();
    for field in section.fields {
        let Input::Rows(columns) = field.input else {
            let name = field.path;
            let b = base.get(name).unwrap_or(&empty);
            let s = saved.get(name).unwrap_or(&empty);
            let y = yours.get(name).unwrap_or(&empty);
            let value = if y == b || y == s {
                s
            } else if s == b {
                y
            } else {
                conflicts.push(Conflict {
                    name: name.to_owned(),
                    saved: s.clone(),
                    yours: y.clone(),
                    rows: None,
                });
                y
            };
            if !value.is_empty() || yours.contains_key(name) {
                merged.insert(name.to_owned(), value.clone());
            }
            continue;
        };
        let table = |values: &Values| table_rows(values, field, columns);
        let yours_rows = table(yours);
        let m = rows::merge(&table(base), &table(saved), &yours_rows);
        for (i, row) in m.rows.iter().enumerate() {
            for (col, cell) in columns.iter().zip(row) {
                merged.insert(row_name(field, i, col), cell.clone());
            }
        }
        for c in m.conflicts {
            let text =
                |rows: &[rows::Row]| rows.iter().map(|r| row_text(columns, r)).collect::<Vec<_>>().join("\n");
            conflicts.push(Conflict {
                name: field.path.to_owned(),
                saved: text(&c.saved_rows),
                yours: text(&m.rows[c.yours.clone()]),
                rows: Some(c),
            });
        }
    }
    (merged, conflicts)
}

/// A table's rows as `values` hold them.
fn table_rows(values: &Values, field: &Field, columns: &[Field]) -> Vec<rows::Row> {
    let mut out = Vec::new();
    for i in 0.. {
        let names: Vec<String> = columns.iter().map(|c| row_name(field, i, c)).collect();
        if !names.iter().any(|n| values.contains_key(n)) {
            return out;
        }
        out.push(names.iter().map(|n| values.get(n).cloned().unwrap_or_default()).collect());
    }
    out
}

/// A row in words: "Target: Attend college; By when: 2027-01-31".
pub fn row_text(columns: &[Field], row: &[String]) -> String {
    columns
        .iter()
        .zip(row)
        .filter(|(_, v)| !v.is_empty())
        .map(|(c, v)| format!("{}: {v}", c.label))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The field a load error's JSON path points at, in `section`.
pub fn field_of_error(section: &Section, json_path: &str, message: &str) -> Option<String> {
    // "missing field `sentence`" at `psr.proposal` is the `psr.proposal.sentence` field.
    let missing = message.strip_prefix("missing field `").and_then(|m| m.split('`').next());
    let path = match missing {
        Some(name) if !json_path.is_empty() => format!("{json_path}.{name}"),
        Some(name) => name.to_owned(),
        None => json_path.to_owned(),
    };
    section
        .fields
        .iter()
        .find(|f| {
            path == f.path
                || path.starts_with(&format!("{}.", f.path))
                || path.starts_with(&format!("{}[", f.path))
        })
        .map(|f| match f.input {
            Input::Rows(_) if path.starts_with(&format!("{}[", f.path)) => path.clone(),
            _ => f.path.to_owned(),
        })
}

fn row_name(field: &Field, i: usize, col: &Field) -> String {
    format!("{}[{i}].{}", field.path, col.path)
}

fn drop_blank_rows(section: &Section, values: Values) -> Values {
    let mut out = Values::new();
    for field in section.fields {
        match field.input {
            Input::Rows(columns) => {
                let mut kept = 0;
                for i in 0.. {
                    let names: Vec<String> = columns.iter().map(|c| row_name(field, i, c)).collect();
                    if !names.iter().any(|n| values.contains_key(n)) {
                        break;
                    }
                    if names.iter().all(|n| values.get(n).is_none_or(String::is_empty)) {
                        continue;
                    }
                    for (col, name) in columns.iter().zip(&names) {
                        out.insert(row_name(field, kept, col), values.get(name).cloned().unwrap_or_default());
                    }
                    kept += 1;
                }
            }
            _ => {
                if let Some(v) = values.get(field.path) {
                    out.insert(field.path.to_owned(), v.clone());
                }
            }
        }
    }
    out
}

/// A posted value as the form means it: browsers send CRLF from text areas.
fn typed_in(value: &str, input: Input) -> String {
    let unix = value.replace("\r\n", "\n");
    match input {
        Input::Area => {
            if unix.trim().is_empty() {
                String::new()
            } else {
                unix.trim_end().to_owned()
            }
        }
        Input::Lines => unix.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join("\n"),
        _ => unix.trim().to_owned(),
    }
}

/// A JSON value as its form field shows it.
fn shown(value: Option<&Value>, input: Input) -> String {
    match (value, input) {
        (None | Some(Value::Null), _) => String::new(),
        (Some(Value::Bool(b)), _) => {
            if *b {
                "true".into()
            } else {
                String::new()
            }
        }
        (Some(Value::String(s)), _) => s.clone(),
        (Some(Value::Number(n)), _) => n.to_string(),
        (Some(Value::Array(items)), Input::Lines) => items
            .iter()
            .map(|i| i.as_str().map(str::to_owned).unwrap_or_else(|| i.to_string()))
            .collect::<Vec<_>>()
            .join("\n"),
        (Some(other), _) => other.to_string(),
    }
}

/// A form value as the case JSON holds it (`None`: absent).
fn parsed(text: &str, input: Input) -> Result<Option<Value>, String> {
    if text.is_empty() {
        return Ok(None);
    }
    Ok(Some(match input {
        Input::Text | Input::Area => Value::String(text.to_owned()),
        Input::Date => {
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map_err(|_| format!("{text}: expected a date as YYYY-MM-DD, e.g. 2012-05-19"))?;
            Value::String(text.to_owned())
        }
        Input::Number => {
            Value::Number(text.parse::<u16>().map_err(|_| format!("{text} is not a whole number"))?.into())
        }
        Input::Check => Value::Bool(true),
        Input::Choice(_) | Input::Disposal => {
            if !input.options().iter().any(|(v, _)| *v == text) {
                return Err("choose one of the options".into());
            }
            Value::String(text.to_owned())
        }
        Input::Lines => Value::Array(text.lines().map(|l| Value::String(l.to_owned())).collect()),
        Input::Rows(_) => return Err("a list of rows is not one value".into()),
    }))
}

fn get<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(value, |v, key| v.get(key))
}

/// Sets (or, with `None`, removes) the value at `path`, creating objects on
/// the way and removing objects left empty below the top level.
fn set(value: &mut Value, path: &str, new: Option<Value>) {
    let keys: Vec<&str> = path.split('.').collect();
    set_in(value, &keys, new, 0);
}

fn set_in(value: &mut Value, keys: &[&str], new: Option<Value>, depth: usize) {
    let Some(object) = value.as_object_mut() else { return };
    let (key, rest) = (keys[0], &keys[1..]);
    if rest.is_empty() {
        match new {
            Some(v) => {
                object.insert(key.to_owned(), v);
            }
            None => {
                object.remove(key);
            }
        }
        return;
    }
    if new.is_none() && !object.contains_key(key) {
        return;
    }
    let child = object.entry(key.to_owned()).or_insert_with(|| Value::Object(Map::new()));
    if !child.is_object() {
        *child = Value::Object(Map::new());
    }
    set_in(child, rest, new, depth + 1);
    // `psr.signed` left as `{}` is not a signature; `psr` itself stays:
    // its presence is what makes the document apply.
    if depth >= 1 && child.as_object().is_some_and(Map::is_empty) {
        object.remove(key);
    }
}

pub mod rows;

#[cfg(test)]
mod tests;
