//! Extract rows to each child's facts: the children extract's row (two rows
//! for one child must agree), and the joined extracts' rows as lists,
//! nested lists and groups. A bad cell fails its child, with the file,
//! sheet, row, column and case field; every other child goes on.

use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value};

use super::convert;
use super::mapping::{Field, Fills, Joined, Mapping, Source};
use super::table::{Cell, Row, Table};

/// One child's facts as the case system gives them.
#[derive(Debug, Clone)]
pub struct Facts {
    /// The case id.
    pub case_id: String,
    /// Each fact by case path (`child.date_of_birth`, `offences`); `Null`
    /// where the case system has nothing.
    pub values: BTreeMap<String, Value>,
    /// Where each fact came from, for messages.
    pub origin: BTreeMap<String, String>,
    /// The child's row in the children extract.
    pub row: String,
}

/// A child (or a row) that could not be read.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RowFailure {
    /// The case id, when known.
    pub case_id: Option<String>,
    /// File, sheet, row and column.
    pub place: String,
    /// The case field, when one.
    pub field: Option<String>,
    /// What was wrong, and what was expected.
    pub message: String,
}

/// The extracts' tables: the children's, then one per joined extract.
pub struct Tables {
    /// The children extract.
    pub children: Table,
    /// One per [`Mapping::joined`], in order.
    pub joined: Vec<Table>,
    /// The staff directory's names, for fields mapped with `staff = true`.
    pub staff: Vec<String>,
}

/// Column indices of a source's fields in its table.
struct Columns {
    key: usize,
    fields: Vec<Vec<usize>>,
    /// The columns of each field's `when` rules.
    when: Vec<Vec<usize>>,
}

/// The column the mapping names, or an error listing the header.
fn find(table: &Table, name: &str) -> Result<usize, String> {
    table.column(name).ok_or_else(|| {
        let headers: Vec<String> =
            table.headers.iter().filter(|h| !h.is_empty()).map(|h| format!("\"{h}\"")).collect();
        format!("{}: no column \"{name}\" (the header has: {})", table.place(None, None), headers.join(", "))
    })
}

/// Checks that every column the mapping names is in its table.
fn columns(source: &Source, table: &Table, extra: &[&str]) -> Result<(Columns, Vec<usize>), String> {
    let find = |name: &str| find(table, name);
    let key = find(&source.key)?;
    let fields = source
        .fields
        .iter()
        .map(|f| f.columns().into_iter().map(find).collect::<Result<Vec<_>, _>>())
        .collect::<Result<_, _>>()?;
    let when = source
        .fields
        .iter()
        .map(|f| f.when_columns().into_iter().map(find).collect::<Result<Vec<_>, _>>())
        .collect::<Result<_, _>>()?;
    let extra = extra.iter().map(|c| find(c)).collect::<Result<_, _>>()?;
    Ok((Columns { key, fields, when }, extra))
}

/// Builds every child's facts. A column the mapping names and the extract
/// lacks is an error for the whole import (returned); everything else
/// fails by child or by row.
pub fn build(mapping: &Mapping, tables: &Tables) -> Result<(Vec<Facts>, Vec<RowFailure>), String> {
    let (main_cols, _) = columns(&mapping.children, &tables.children, &[])?;
    let mut joined_cols = Vec::new();
    for (j, table) in mapping.joined.iter().zip(&tables.joined) {
        let mut extra: Vec<&str> = Vec::new();
        extra.extend(j.id.as_deref());
        match &j.fills {
            Fills::Nested { parent, .. } => extra.push(parent),
            Fills::One { latest: Some(column) } => extra.push(column),
            _ => {}
        }
        let value_cols = match &j.fills {
            Fills::Values(f) => {
                f.columns().into_iter().map(|c| find(table, c)).collect::<Result<Vec<_>, _>>()?
            }
            _ => Vec::new(),
        };
        let (cols, extra) = columns(&j.source, table, &extra)?;
        joined_cols.push((cols, extra, value_cols));
    }

    let mut failures = Vec::new();
    let children = group(&tables.children, main_cols.key, &mut failures);
    let joined_rows: Vec<HashMap<String, Vec<&Row>>> = tables
        .joined
        .iter()
        .zip(&joined_cols)
        .map(|(table, (cols, _, _))| {
            let mut by_key: HashMap<String, Vec<&Row>> = HashMap::new();
            for (key, rows) in group(table, cols.key, &mut failures) {
                by_key.insert(key, rows);
            }
            by_key
        })
        .collect();
    // Rows of joined extracts for children the children extract lacks.
    for ((j, table), rows) in mapping.joined.iter().zip(&tables.joined).zip(&joined_rows) {
        let mut strays: Vec<(&String, &Vec<&Row>)> =
            rows.iter().filter(|(k, _)| !children.iter().any(|(c, _)| c == *k)).collect();
        strays.sort_by_key(|(_, rows)| rows[0].number);
        for (key, rows) in strays {
            failures.push(RowFailure {
                case_id: None,
                place: table.place(Some(rows[0].number), None),
                field: Some(j.into.clone()),
                message: format!(
                    "no child with {} \"{key}\" in the children extract: not imported",
                    j.source.key
                ),
            });
        }
    }

    let mut built = Vec::new();
    for (key, rows) in &children {
        let mut facts = Facts {
            case_id: String::new(),
            values: BTreeMap::new(),
            origin: BTreeMap::new(),
            row: tables.children.place(Some(rows[0].number), None),
        };
        let result = (|| {
            main_facts(&mapping.children, &tables.children, &main_cols, rows, &mut facts, &tables.staff)?;
            for (i, j) in mapping.joined.iter().enumerate() {
                let (cols, extra, value_cols) = &joined_cols[i];
                let rows = joined_rows[i].get(key).map(Vec::as_slice).unwrap_or_default();
                let table = &tables.joined[i];
                let parts = JoinedParts { j, table, cols, extra, value_cols, staff: &tables.staff };
                joined_facts(&parts, rows, &mut facts, mapping)?;
            }
            for j in mapping.joined.iter().filter(|j| matches!(j.fills, Fills::Items)) {
                facts.values.get_mut(&j.into).into_iter().for_each(strip_ids);
            }
            Ok::<(), RowFailure>(())
        })();
        let case_id = facts.values.get("case_id").and_then(Value::as_str).unwrap_or_default().to_owned();
        match result {
            Ok(()) if case_id.is_empty() => failures.push(RowFailure {
                case_id: None,
                place: facts.row.clone(),
                field: Some("case_id".into()),
                message: "no case id: the column for `case_id` is empty".into(),
            }),
            Ok(()) => {
                facts.case_id = case_id;
                built.push(facts);
            }
            Err(mut f) => {
                f.case_id = (!case_id.is_empty()).then_some(case_id);
                failures.push(f);
            }
        }
    }
    Ok((built, failures))
}

/// Rows by key, in the order keys first appear; a row with no key fails.
fn group<'t>(table: &'t Table, key: usize, failures: &mut Vec<RowFailure>) -> Vec<(String, Vec<&'t Row>)> {
    let mut order: Vec<(String, Vec<&Row>)> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for row in &table.rows {
        let k = row.cell(key).text().trim().to_owned();
        if k.is_empty() {
            failures.push(RowFailure {
                case_id: None,
                place: table.place(Some(row.number), Some(key)),
                field: None,
                message: "the key column is empty: the row cannot be matched to a child".into(),
            });
            continue;
        }
        match index.get(&k) {
            Some(&i) => order[i].1.push(row),
            None => {
                index.insert(k.clone(), order.len());
                order.push((k, vec![row]));
            }
        }
    }
    order
}

fn failure(table: &Table, row: &Row, column: Option<usize>, field: &str, message: String) -> RowFailure {
    RowFailure {
        case_id: None,
        place: table.place(Some(row.number), column),
        field: Some(field.to_owned()),
        message,
    }
}

/// Where a field is read from: its columns, its `when` rules' columns,
/// and the staff directory's names.
struct Reading<'a> {
    cols: &'a [usize],
    when: &'a [usize],
    staff: &'a [String],
}

/// A field's value in one row: nothing when a `when` rule does not hold.
fn read_field(
    field: &Field,
    at: &Reading,
    table: &Table,
    row: &Row,
    path: &str,
) -> Result<Option<Value>, RowFailure> {
    if field.when.iter().zip(at.when).any(|(rule, &c)| !rule.holds(&row.cell(c).text())) {
        return Ok(None);
    }
    let cells: Vec<_> = at.cols.iter().map(|&c| row.cell(c)).collect();
    let fail = |m: String| failure(table, row, at.cols.first().copied(), path, m);
    let value = convert::value(field, &cells).map_err(fail)?;
    match value {
        Some(value) if field.staff => Ok(Some(staff_spelling(value, at.staff).map_err(fail)?)),
        other => Ok(other),
    }
}

/// A member of staff as the staff directory spells them.
fn staff_spelling(value: Value, staff: &[String]) -> Result<Value, String> {
    let one = |v: Value| {
        match v {
        Value::String(name) => staff
            .iter()
            .find(|s| crate::staff::same_name(s, &name))
            .map(|s| Value::String(s.clone()))
            .ok_or_else(|| {
                format!("\"{name}\" is not in the staff directory ([[staff]] in casepress.toml): add them there, or correct the case system")
            }),
        other => Ok(other),
    }
    };
    match value {
        Value::Array(items) => items.into_iter().map(one).collect::<Result<_, _>>().map(Value::Array),
        v => one(v),
    }
}

fn main_facts(
    source: &Source,
    table: &Table,
    cols: &Columns,
    rows: &[&Row],
    facts: &mut Facts,
    staff: &[String],
) -> Result<(), RowFailure> {
    for ((field, fcols), when) in source.fields.iter().zip(&cols.fields).zip(&cols.when) {
        let at = Reading { cols: fcols, when, staff };
        let mut value: Option<(Value, &Row)> = None;
        for &row in rows {
            let Some(v) = read_field(field, &at, table, row, &field.path)? else { continue };
            match &value {
                Some((first, first_row)) if *first != v => {
                    return Err(failure(
                        table,
                        row,
                        fcols.first().copied(),
                        &field.path,
                        format!(
                            "rows {} and {} are for the same child and disagree ({} and {}): correct one in the case system",
                            first_row.number, row.number, first, v
                        ),
                    ));
                }
                Some(_) => {}
                None => value = Some((v, row)),
            }
        }
        let origin = table
            .place(Some(value.as_ref().map_or(rows[0].number, |(_, r)| r.number)), fcols.first().copied());
        facts.origin.insert(field.path.clone(), origin);
        facts.values.insert(field.path.clone(), value.map_or(Value::Null, |(v, _)| v));
    }
    Ok(())
}

/// One joined extract's parts, as [`build`] found them.
struct JoinedParts<'a> {
    j: &'a Joined,
    table: &'a Table,
    cols: &'a Columns,
    extra: &'a [usize],
    value_cols: &'a [usize],
    staff: &'a [String],
}

/// A row whose cells hold several items' values (`Theft|Affray`), as one
/// row per item: the parts of each mapped column side by side. A column
/// with one value gives it to every item; columns whose counts differ fail
/// the row.
fn split_row(
    row: &Row,
    sep: &str,
    columns: &[usize],
    table: &Table,
    into: &str,
) -> Result<Vec<Row>, RowFailure> {
    let parts: Vec<(usize, Vec<String>)> = columns
        .iter()
        .map(|&c| {
            let text = row.cell(c).text();
            let parts: Vec<String> = match text.trim().is_empty() {
                true => Vec::new(),
                false => text.split(sep).map(|p| p.trim().to_owned()).collect(),
            };
            (c, parts)
        })
        .collect();
    let count = parts.iter().map(|(_, p)| p.len()).max().unwrap_or(0);
    if let Some((c, p)) = parts.iter().find(|(_, p)| p.len() > 1 && p.len() != count) {
        let (most, _) = parts.iter().find(|(_, p)| p.len() == count).expect("the largest count");
        return Err(failure(
            table,
            row,
            Some(*c),
            into,
            format!(
                "{} values separated by \"{sep}\" here, and {count} in column {} \"{}\": they cannot be paired into items",
                p.len(),
                super::table::letter(*most),
                table.headers.get(*most).map(String::as_str).unwrap_or("")
            ),
        ));
    }
    Ok((0..count)
        .map(|i| {
            let mut one = row.clone();
            for (c, p) in &parts {
                let value = match p.len() {
                    0 => Cell::Empty,
                    1 => Cell::Text(p[0].clone()),
                    _ => Cell::Text(p[i].clone()),
                };
                if let Some(slot) = one.cells.get_mut(*c) {
                    *slot = if value.text().is_empty() { Cell::Empty } else { value };
                }
            }
            one
        })
        .collect())
}

fn joined_facts(
    parts: &JoinedParts,
    rows: &[&Row],
    facts: &mut Facts,
    mapping: &Mapping,
) -> Result<(), RowFailure> {
    let JoinedParts { j, table, cols, extra, value_cols, staff } = *parts;
    let item = |row: &Row| -> Result<Map<String, Value>, RowFailure> {
        let mut obj = Map::new();
        for ((field, fcols), when) in j.source.fields.iter().zip(&cols.fields).zip(&cols.when) {
            let at = Reading { cols: fcols, when, staff };
            if let Some(v) = read_field(field, &at, table, row, &format!("{}.{}", j.into, field.path))? {
                set(&mut obj, &field.path, v);
            }
        }
        Ok(obj)
    };
    let place = rows.first().map_or_else(|| table.place(None, None), |r| table.place(Some(r.number), None));
    match &j.fills {
        Fills::Items => {
            let mut items = Vec::new();
            let split_columns: Vec<usize> = cols.fields.iter().flatten().copied().collect();
            for &row in rows {
                let rows_of_row = match &j.split {
                    Some(sep) => split_row(row, sep, &split_columns, table, &j.into)?,
                    None => vec![row.clone()],
                };
                for row in &rows_of_row {
                    let mut obj = item(row)?;
                    if let Some(&id) = extra.first() {
                        // Remembered for nested rows; taken out before writing.
                        obj.insert(ID.into(), Value::String(row.cell(id).text().trim().to_owned()));
                    }
                    items.push(Value::Object(obj));
                }
            }
            facts.origin.insert(j.into.clone(), place);
            facts
                .values
                .insert(j.into.clone(), if items.is_empty() { Value::Null } else { Value::Array(items) });
        }
        Fills::Values(field) => {
            let mut values = Vec::new();
            let at = Reading { cols: value_cols, when: &[], staff };
            for &row in rows {
                match read_field(field, &at, table, row, &j.into)? {
                    Some(Value::Array(v)) => values.extend(v),
                    Some(v) => values.push(v),
                    None => {}
                }
            }
            facts.origin.insert(j.into.clone(), place);
            facts
                .values
                .insert(j.into.clone(), if values.is_empty() { Value::Null } else { Value::Array(values) });
        }
        Fills::One { latest } => {
            let chosen = match (latest, rows) {
                (_, []) => None,
                (_, [one]) => Some(*one),
                (Some(_), many) => {
                    let col = extra[0];
                    let mut dated = Vec::new();
                    for &row in many {
                        let d = convert::date(row.cell(col), None).ok_or_else(|| {
                            failure(
                                table,
                                row,
                                Some(col),
                                &j.into,
                                format!(
                                    "expected a date to pick the latest row by, found \"{}\"",
                                    row.cell(col).text()
                                ),
                            )
                        })?;
                        dated.push((d, row.number, row));
                    }
                    dated.into_iter().max_by_key(|(d, n, _)| (*d, *n)).map(|(_, _, r)| r)
                }
                (None, [first, second, ..]) => {
                    return Err(failure(
                        table,
                        second,
                        None,
                        &j.into,
                        format!(
                            "rows {} and {} are both for this child, and `{}` holds one: set `latest` in the mapping to take the latest",
                            first.number, second.number, j.into
                        ),
                    ));
                }
            };
            let obj = chosen.map(item).transpose()?.unwrap_or_default();
            for field in &j.source.fields {
                let path = format!("{}.{}", j.into, field.path);
                let v = get(&obj, &field.path).cloned().unwrap_or(Value::Null);
                facts.origin.insert(
                    path.clone(),
                    chosen.map_or_else(|| table.place(None, None), |r| table.place(Some(r.number), None)),
                );
                facts.values.insert(path, v);
            }
        }
        Fills::Nested { outer, inner, .. } => {
            let parent_col = extra[extra.len() - 1];
            let outer_key = mapping
                .joined
                .iter()
                .find(|o| o.into == *outer)
                .map(|o| o.source.key.clone())
                .unwrap_or_default();
            for &row in rows {
                let obj = item(row)?;
                let parent = row.cell(parent_col).text().trim().to_owned();
                let list = facts.values.get_mut(outer.as_str()).and_then(Value::as_array_mut);
                let host = list.and_then(|l| {
                    l.iter_mut().find(|o| o.get(ID).and_then(Value::as_str) == Some(parent.as_str()))
                });
                let Some(host) = host.and_then(Value::as_object_mut) else {
                    return Err(failure(
                        table,
                        row,
                        Some(parent_col),
                        &j.into,
                        format!(
                            "no {outer} row \"{parent}\" for this child ({outer_key} matches, the {outer} id does not)"
                        ),
                    ));
                };
                let entry = host.entry(inner.clone()).or_insert_with(|| Value::Array(Vec::new()));
                if let Value::Array(a) = entry {
                    a.push(Value::Object(obj));
                }
            }
        }
    }
    Ok(())
}

/// The key under which a joined row's id is kept until nested rows are placed.
pub const ID: &str = "\u{0}id";

/// Takes the row ids out of a list of groups.
pub fn strip_ids(value: &mut Value) {
    if let Value::Array(items) = value {
        for item in items {
            if let Value::Object(o) = item {
                o.remove(ID);
            }
        }
    }
}

/// The value at a dotted path in an object.
pub fn get<'a>(obj: &'a Map<String, Value>, path: &str) -> Option<&'a Value> {
    let (first, rest) = path.split_once('.').map_or((path, None), |(a, b)| (a, Some(b)));
    let v = obj.get(first)?;
    match rest {
        None => Some(v),
        Some(rest) => get(v.as_object()?, rest),
    }
}

/// Sets the value at a dotted path, making groups on the way.
pub fn set(obj: &mut Map<String, Value>, path: &str, value: Value) {
    match path.split_once('.') {
        None => {
            obj.insert(path.to_owned(), value);
        }
        Some((first, rest)) => {
            let inner = obj.entry(first.to_owned()).or_insert_with(|| Value::Object(Map::new()));
            if !inner.is_object() {
                *inner = Value::Object(Map::new());
            }
            set(inner.as_object_mut().expect("made an object"), rest, value);
        }
    }
}

/// Removes the value at a dotted path; a group left empty goes too.
pub fn remove(obj: &mut Map<String, Value>, path: &str) {
    match path.split_once('.') {
        None => {
            obj.remove(path);
        }
        Some((first, rest)) => {
            if let Some(Value::Object(inner)) = obj.get_mut(first) {
                remove(inner, rest);
                if inner.is_empty() {
                    obj.remove(first);
                }
            }
        }
    }
}
