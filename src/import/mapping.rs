//! The mapping file (TOML): which extract column feeds which case field,
//! with fixed values, code lookups and date formats; checked against the
//! case format before any extract is read.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

use super::shape::Shape;

/// Sections that belong to the people who write in casepress: an import
/// never writes them.
pub const WRITERS_SECTIONS: &[&str] =
    &["psr", "gatekeeping", "progress_report", "intervention_plan", "service_agreement", "signatures"];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MappingFile {
    children: SourceFile,
    #[serde(default)]
    joined: Vec<JoinedFile>,
    #[serde(default)]
    lookups: BTreeMap<String, BTreeMap<String, toml::Value>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SourceFile {
    file: Option<String>,
    sheet: Option<String>,
    header_row: Option<usize>,
    delimiter: Option<char>,
    key: String,
    #[serde(default)]
    fields: BTreeMap<String, FieldFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JoinedFile {
    into: String,
    file: Option<String>,
    sheet: Option<String>,
    header_row: Option<usize>,
    delimiter: Option<char>,
    key: String,
    id: Option<String>,
    parent: Option<String>,
    latest: Option<String>,
    #[serde(default)]
    fields: BTreeMap<String, FieldFile>,
    item: Option<FieldFile>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum FieldFile {
    Column(String),
    Full(FieldTable),
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FieldTable {
    column: Option<String>,
    columns: Option<Vec<String>>,
    value: Option<toml::Value>,
    lookup: Option<String>,
    date: Option<String>,
    split: Option<String>,
    format: Option<String>,
    pad: Option<usize>,
}

/// A checked mapping.
#[derive(Debug, Clone)]
pub struct Mapping {
    /// The children extract: one row per child.
    pub children: Source,
    /// Extracts joined to the children by key, in the order given.
    pub joined: Vec<Joined>,
}

/// Where an extract is, and its fields.
#[derive(Debug, Clone)]
pub struct Source {
    /// A pattern for the extract's file name (`Offences_*.csv`), if several are given.
    pub file: Option<String>,
    /// The workbook sheet (default: the first).
    pub sheet: Option<String>,
    /// The header row, 1-based (default: the first row naming the key column).
    pub header_row: Option<usize>,
    /// The CSV delimiter (default `,`).
    pub delimiter: u8,
    /// The column identifying the child.
    pub key: String,
    /// The fields read from each row.
    pub fields: Vec<Field>,
}

/// An extract of repeated things joined to the children by key.
#[derive(Debug, Clone)]
pub struct Joined {
    /// The case path it fills (`offences`, `offences.victims`, `mappa`).
    pub into: String,
    /// The extract and its fields (relative to one item).
    pub source: Source,
    /// How its rows become case data.
    pub fills: Fills,
    /// The column that identifies a row, for rows nested in it to join to.
    pub id: Option<String>,
}

/// How a joined extract's rows become case data.
#[derive(Debug, Clone)]
pub enum Fills {
    /// Each row one item of a list of groups (`offences`).
    Items,
    /// Each row one value of a list (`risk_meetings`).
    Values(Field),
    /// One row per child fills a group (`mappa`); with `latest`, the row
    /// with the latest date in that column is taken.
    One {
        /// The date column that picks the latest row.
        latest: Option<String>,
    },
    /// Each row one item of a list inside an item of another joined list
    /// (`offences.victims`), found by the `parent` column.
    Nested {
        /// The outer list (`offences`).
        outer: String,
        /// The list inside each of its items (`victims`).
        inner: String,
        /// The column naming the outer row.
        parent: String,
    },
}

/// One case field and where its value comes from.
#[derive(Debug, Clone)]
pub struct Field {
    /// The case path (relative to an item in a joined extract).
    pub path: String,
    /// What the case holds there.
    pub shape: Shape,
    /// Where the value comes from.
    pub from: From,
    /// A code list, raw value (compared without case or surrounding space) to case value.
    pub lookup: Option<(String, BTreeMap<String, Value>)>,
    /// A chrono date format (`%d.%m.%Y`) tried first.
    pub date: Option<String>,
    /// A separator within one cell, for a list.
    pub split: Option<String>,
    /// Text around the value: `NYJS-{}`.
    pub format: Option<String>,
    /// Zero-pad a number to this many digits (an id a spreadsheet stored as a number).
    pub pad: Option<usize>,
}

/// Where a field's value comes from.
#[derive(Debug, Clone)]
pub enum From {
    /// One column.
    Column(String),
    /// Several columns, in order: a list, or text joined with ", ".
    Columns(Vec<String>),
    /// The same value for every child.
    Value(Value),
}

impl Field {
    /// The columns it reads.
    pub fn columns(&self) -> Vec<&str> {
        match &self.from {
            From::Column(c) => vec![c.as_str()],
            From::Columns(cs) => cs.iter().map(String::as_str).collect(),
            From::Value(_) => Vec::new(),
        }
    }
}

impl Mapping {
    /// Reads and checks a mapping file; errors name the file and the key.
    pub fn load(path: &Path) -> Result<Mapping, String> {
        let text =
            std::fs::read_to_string(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
        Self::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Parses and checks mapping text.
    pub fn parse(text: &str) -> Result<Mapping, String> {
        let file: MappingFile = toml::from_str(text).map_err(|e| {
            let e = e.to_string();
            match e.contains("did not match any variant") {
                true => e.replace(
                    "data did not match any variant of untagged enum FieldFile",
                    "expected a column name in quotes, or a table of column, columns, value, lookup, date, split, format, pad",
                ),
                false => e,
            }
        })?;
        let case = Shape::of_case();
        let lookups = file.lookups;
        let children = source(file.children, &case, "", "children", &lookups)?;
        if !children.fields.iter().any(|f| f.path == "case_id") {
            return Err("[children.fields] must give `case_id` (the case's identifier)".into());
        }
        let mut joined: Vec<Joined> = Vec::new();
        for (i, j) in file.joined.into_iter().enumerate() {
            let at = format!("[[joined]] {} (`into = \"{}\"`)", i + 1, j.into);
            let into = j.into.clone();
            writers_refused(&into).map_err(|e| format!("{at}: {e}"))?;
            let target = case.at(&into).ok_or_else(|| format!("{at}: the case format has no `{into}`"))?;
            let fills = match (target, into.split_once('.')) {
                (Shape::List(item), Some((outer, inner))) if matches!(**item, Shape::Object(_)) => {
                    let parent = j.parent.clone().ok_or_else(|| {
                        format!("{at}: a list inside `{outer}` needs `parent`, the column naming the {outer} row it belongs to")
                    })?;
                    let outer_join = joined.iter().find(|o| o.into == outer).ok_or_else(|| {
                        format!(
                            "{at}: join `{outer}` first (an earlier [[joined]] with `into = \"{outer}\"`)"
                        )
                    })?;
                    if outer_join.id.is_none() {
                        return Err(format!(
                            "{at}: the [[joined]] for `{outer}` needs `id`, the column `parent` refers to"
                        ));
                    }
                    Fills::Nested { outer: outer.into(), inner: inner.into(), parent }
                }
                (Shape::List(item), None) if matches!(**item, Shape::Object(_)) => Fills::Items,
                (Shape::List(item), _) => {
                    let spec = j.item.ok_or_else(|| {
                        format!("{at}: a list of values needs `item`, the column of each value")
                    })?;
                    let mut f = field(&into, (**item).clone(), spec, &lookups)
                        .map_err(|e| format!("{at}: item: {e}"))?;
                    f.path = into.clone();
                    Fills::Values(f)
                }
                (Shape::Object(_), _) => Fills::One { latest: j.latest.clone() },
                _ => return Err(format!("{at}: `{into}` is a single value: map it in [children.fields]")),
            };
            let item = match target {
                Shape::List(item) => (**item).clone(),
                other => other.clone(),
            };
            let file_part = SourceFile {
                file: j.file,
                sheet: j.sheet,
                header_row: j.header_row,
                delimiter: j.delimiter,
                key: j.key,
                fields: j.fields,
            };
            let source = source(file_part, &item, &into, &at, &lookups)?;
            joined.push(Joined { into, source, fills, id: j.id });
        }
        for j in &joined {
            if let Some(clash) = children
                .fields
                .iter()
                .find(|f| f.path == j.into || f.path.starts_with(&format!("{}.", j.into)))
            {
                return Err(format!(
                    "`{}` is filled both by [children.fields] and by a [[joined]] extract",
                    clash.path
                ));
            }
        }
        Ok(Mapping { children, joined })
    }
}

fn source(
    file: SourceFile,
    shape: &Shape,
    prefix: &str,
    at: &str,
    lookups: &BTreeMap<String, BTreeMap<String, toml::Value>>,
) -> Result<Source, String> {
    let mut fields = Vec::new();
    for (path, spec) in file.fields {
        let full = if prefix.is_empty() { path.clone() } else { format!("{prefix}.{path}") };
        writers_refused(&full).map_err(|e| format!("{at}: {e}"))?;
        let field_shape = shape.at(&path).ok_or_else(|| {
            format!("{at}: the case format has no `{full}` (see `casepress schema` for the fields)")
        })?;
        if matches!(field_shape, Shape::Object(_))
            || matches!(field_shape, Shape::List(i) if matches!(**i, Shape::Object(_)))
        {
            return Err(format!(
                "{at}: `{full}` is a group of fields: map its fields one by one (`{full}.…`), or a list of them with [[joined]]"
            ));
        }
        let f =
            field(&path, field_shape.clone(), spec, lookups).map_err(|e| format!("{at}: `{full}`: {e}"))?;
        fields.push(f);
    }
    fields.sort_by_key(|f| shape.order(&f.path));
    let delimiter = match file.delimiter {
        None => b',',
        Some(c) if c.is_ascii() => c as u8,
        Some(c) => {
            return Err(format!("{at}: delimiter `{c}`: expected one ASCII character such as , ; or a tab"));
        }
    };
    Ok(Source {
        file: file.file,
        sheet: file.sheet,
        header_row: file.header_row,
        delimiter,
        key: file.key,
        fields,
    })
}

fn field(
    path: &str,
    shape: Shape,
    spec: FieldFile,
    lookups: &BTreeMap<String, BTreeMap<String, toml::Value>>,
) -> Result<Field, String> {
    let t = match spec {
        FieldFile::Column(c) => FieldTable { column: Some(c), ..FieldTable::default() },
        FieldFile::Full(t) => t,
    };
    let from = match (t.column, t.columns, t.value) {
        (Some(c), None, None) => From::Column(c),
        (None, Some(cs), None) if !cs.is_empty() => From::Columns(cs),
        (None, None, Some(v)) => From::Value(serde_json::to_value(&v).map_err(|e| e.to_string())?),
        _ => return Err("give exactly one of `column`, `columns` or `value`".into()),
    };
    let lookup = match t.lookup {
        None => None,
        Some(name) => {
            let table = lookups.get(&name).ok_or_else(|| format!("no [lookups.{name}] in the mapping"))?;
            let table = table
                .iter()
                .map(|(k, v)| Ok((fold(k), serde_json::to_value(v).map_err(|e| e.to_string())?)))
                .collect::<Result<_, String>>()?;
            Some((name, table))
        }
    };
    if let Some(fmt) = &t.date {
        let probe = chrono::NaiveDate::from_ymd_opt(2026, 1, 2).expect("a date").format(fmt).to_string();
        if chrono::NaiveDate::parse_from_str(&probe, fmt).is_err() {
            return Err(format!(
                "date format `{fmt}` cannot be read back: use chrono's %d %m %Y (e.g. \"%d.%m.%Y\")"
            ));
        }
    }
    if let Some(fmt) = &t.format
        && !fmt.contains("{}")
    {
        return Err(format!("format `{fmt}` must contain {{}} where the value goes"));
    }
    Ok(Field {
        path: path.to_owned(),
        shape,
        from,
        lookup,
        date: t.date,
        split: t.split,
        format: t.format,
        pad: t.pad,
    })
}

fn writers_refused(path: &str) -> Result<(), String> {
    let top = path.split('.').next().unwrap_or_default();
    if top == "schema" || top == "$schema" {
        return Err("`schema` is set by casepress".into());
    }
    if WRITERS_SECTIONS.contains(&top) {
        return Err(format!(
            "`{path}` is written in casepress, not in the case system: an import never writes {}",
            WRITERS_SECTIONS.join(", ")
        ));
    }
    Ok(())
}

/// How a code or header is compared: without case or surrounding space,
/// inner runs of space as one.
pub fn fold(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}
