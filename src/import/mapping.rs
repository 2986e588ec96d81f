//! The mapping file (TOML): which extract column feeds which case field,
//! with fixed values, code lookups, date formats, patterns, conditions and
//! name rules; a file's own settings (delimiter, encoding, header row, rows
//! to skip) once per file; all checked against the case format before any
//! extract is read.

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
    #[serde(default)]
    files: BTreeMap<String, FileSettingsFile>,
    children: SourceFile,
    #[serde(default)]
    joined: Vec<JoinedFile>,
    #[serde(default)]
    lookups: BTreeMap<String, BTreeMap<String, toml::Value>>,
}

/// How one extract file is read, whichever sections read it.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSettingsFile {
    header_row: Option<usize>,
    delimiter: Option<char>,
    encoding: Option<String>,
    date: Option<String>,
    #[serde(default)]
    skip: Vec<ConditionFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SourceFile {
    file: Option<String>,
    sheet: Option<String>,
    header_row: Option<usize>,
    delimiter: Option<char>,
    encoding: Option<String>,
    #[serde(default)]
    skip: Vec<ConditionFile>,
    key: String,
    #[serde(default)]
    when: BTreeMap<String, ConditionFile>,
    #[serde(default)]
    fields: BTreeMap<String, FieldFile>,
}

/// A rule on one column of a row: it has a value (the default), is
/// empty, or matches (or does not match) a pattern.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConditionFile {
    column: String,
    matches: Option<String>,
    not_matches: Option<String>,
    empty: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JoinedFile {
    into: String,
    file: Option<String>,
    sheet: Option<String>,
    header_row: Option<usize>,
    delimiter: Option<char>,
    encoding: Option<String>,
    #[serde(default)]
    skip: Vec<ConditionFile>,
    key: String,
    split: Option<String>,
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
    Full(Box<FieldTable>),
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
    when: Option<ConditionFile>,
    pattern: Option<String>,
    letter_case: Option<String>,
    names: Option<String>,
    #[serde(default)]
    staff: bool,
}

/// A checked mapping.
#[derive(Debug, Clone)]
pub struct Mapping {
    /// The children extract: one row per child.
    pub children: Source,
    /// Extracts joined to the children by key, in the order given.
    pub joined: Vec<Joined>,
    /// Settings by file-name pattern (`[files."Children_*.csv"]`), for
    /// every section that reads a file of that name.
    pub files: Vec<(String, FileSettings)>,
}

/// How an extract file is read; what a section leaves unset comes from
/// the `[files]` entry its file matches.
#[derive(Debug, Clone, Default)]
pub struct FileSettings {
    /// The header row, 1-based (default: the first row naming the key column).
    pub header_row: Option<usize>,
    /// The CSV delimiter (default `,`).
    pub delimiter: Option<u8>,
    /// The CSV's text encoding (default: found from the bytes).
    pub encoding: Option<Encoding>,
    /// Rows passed over, such as a totals or footer row.
    pub skip: Vec<Condition>,
    /// The date format of the file's date fields that name none of their own.
    pub date: Option<String>,
}

impl FileSettings {
    /// These settings, with what they leave unset taken from `file`'s.
    pub fn or(&self, file: &FileSettings) -> FileSettings {
        FileSettings {
            header_row: self.header_row.or(file.header_row),
            delimiter: self.delimiter.or(file.delimiter),
            encoding: self.encoding.or(file.encoding),
            skip: self.skip.iter().chain(&file.skip).cloned().collect(),
            date: self.date.clone().or_else(|| file.date.clone()),
        }
    }
}

/// A CSV file's text encoding, when it is not left to be found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 (a byte-order mark allowed).
    Utf8,
    /// Windows-1252, what Excel's "CSV" saves on English Windows.
    Windows1252,
    /// UTF-16 with a byte-order mark ("Unicode text" from Excel).
    Utf16,
}

/// A rule on one column of a row.
#[derive(Debug, Clone)]
pub struct Condition {
    /// The column it reads.
    pub column: String,
    /// What the column's value must be for the rule to hold.
    pub test: Test,
}

/// What a [`Condition`] asks of its column.
#[derive(Debug, Clone)]
pub enum Test {
    /// It has a value.
    Present,
    /// It is empty.
    Empty,
    /// It matches the pattern.
    Matches(regex::Regex),
    /// It does not match the pattern (an empty value does not match).
    NotMatches(regex::Regex),
}

impl Condition {
    /// Whether the rule holds for this cell's text.
    pub fn holds(&self, text: &str) -> bool {
        let text = text.trim();
        match &self.test {
            Test::Present => !text.is_empty(),
            Test::Empty => text.is_empty(),
            Test::Matches(re) => re.is_match(text),
            Test::NotMatches(re) => !re.is_match(text),
        }
    }

    /// The rule as the mapping says it, for messages.
    pub fn describe(&self) -> String {
        match &self.test {
            Test::Present => format!("\"{}\" has a value", self.column),
            Test::Empty => format!("\"{}\" is empty", self.column),
            Test::Matches(re) => format!("\"{}\" matches `{}`", self.column, re.as_str()),
            Test::NotMatches(re) => format!("\"{}\" does not match `{}`", self.column, re.as_str()),
        }
    }
}

/// Where an extract is, and its fields.
#[derive(Debug, Clone)]
pub struct Source {
    /// A pattern for the extract's file name (`Offences_*.csv`), if several are given.
    pub file: Option<String>,
    /// The workbook sheet (default: the first).
    pub sheet: Option<String>,
    /// The section's own file settings (the `[files]` entry fills the rest).
    pub settings: FileSettings,
    /// The column identifying the child.
    pub key: String,
    /// The fields read from each row.
    pub fields: Vec<Field>,
    /// The section, as messages name it: `[children]`, `[[joined]] offences`.
    pub section: String,
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
    /// A separator within cells: each row gives one item per part, the
    /// parts of its columns taken side by side (`Theft|Affray`).
    pub split: Option<String>,
}

/// How a joined extract's rows become case data.
#[derive(Debug, Clone)]
pub enum Fills {
    /// Each row one item of a list of groups (`offences`).
    Items,
    /// Each row one value of a list (`risk_meetings`).
    Values(Box<Field>),
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
    /// Rules on the row that must hold for the field to be read at all
    /// (its own `when`, and the section's `[….when]` for its group).
    pub when: Vec<Condition>,
    /// A pattern the value is taken from: its first group, or the whole match.
    pub pattern: Option<regex::Regex>,
    /// Letter case for text.
    pub letter_case: Option<LetterCase>,
    /// "Surname, Forename" turned into "Forename Surname".
    pub surname_first: bool,
    /// A member of staff: written as the staff directory spells them.
    pub staff: bool,
}

/// How the letters of a text value are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LetterCase {
    /// Words written all in capitals get a capital first letter
    /// (`NUÑEZ` → `Nuñez`, `O’NEILL` → `O’Neill`); other words stay as written.
    Title,
    /// All capitals.
    Upper,
    /// All small letters.
    Lower,
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
    /// The columns its `when` rules read.
    pub fn when_columns(&self) -> Vec<&str> {
        self.when.iter().map(|c| c.column.as_str()).collect()
    }

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
    /// The `[files]` settings for an extract of this name (the first
    /// pattern it matches, without regard to letter case).
    pub fn file_settings(&self, name: &str) -> FileSettings {
        let options = glob::MatchOptions { case_sensitive: false, ..glob::MatchOptions::new() };
        self.files
            .iter()
            .find(|(pattern, _)| glob::Pattern::new(pattern).is_ok_and(|p| p.matches_with(name, options)))
            .map(|(_, s)| s.clone())
            .unwrap_or_default()
    }

    /// Gives the date fields of `source` that name no format of their own
    /// the format of the file it reads (`[files."…"] date`).
    pub fn date_fields_default(source: &mut Source, format: Option<&str>) {
        let Some(format) = format else { return };
        for f in &mut source.fields {
            f.date.get_or_insert_with(|| format.to_owned());
        }
    }

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
                    "expected a column name in quotes, or a table of column, columns, value, lookup, date, split, format, pad, when, pattern, letter_case, names, staff",
                ),
                false => e,
            }
        })?;
        let case = Shape::of_case();
        let lookups = file.lookups;
        let mut files = Vec::new();
        for (pattern, f) in file.files {
            glob::Pattern::new(&pattern)
                .map_err(|e| format!("[files.\"{pattern}\"]: not a file pattern: {e}"))?;
            let mut settings = settings(f.header_row, f.delimiter, f.encoding, f.skip)
                .map_err(|e| format!("[files.\"{pattern}\"]: {e}"))?;
            if let Some(fmt) = &f.date {
                date_format(fmt).map_err(|e| format!("[files.\"{pattern}\"]: {e}"))?;
            }
            settings.date = f.date;
            files.push((pattern, settings));
        }
        let children = source(file.children, &case, "", "[children]", &lookups)?;
        if !children.fields.iter().any(|f| f.path == "case_id") {
            return Err("[children.fields] must give `case_id` (the case's identifier)".into());
        }
        let mut joined: Vec<Joined> = Vec::new();
        for (i, j) in file.joined.into_iter().enumerate() {
            let at = format!("[[joined]] {} (`into = \"{}\"`)", i + 1, j.into);
            if j.split.is_some() && j.id.is_some() {
                return Err(format!(
                    "{at}: `split` makes several items of one row, which cannot share one `id`"
                ));
            }
            let into = j.into.clone();
            writers_refused(&into).map_err(|e| format!("{at}: {e}"))?;
            let target = case.at(&into).ok_or_else(|| format!("{at}: the case format has no `{into}`"))?;
            // A list inside each item of another list (`offences.victims`)
            // is nested; one inside a group (`serious_harm.groups`) is the
            // case's own list, filled as a top-level one is.
            let nested =
                into.split_once('.').filter(|(outer, _)| matches!(case.at(outer), Some(Shape::List(_))));
            let fills = match (target, nested) {
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
                _ if j.split.is_some() => {
                    return Err(format!(
                        "{at}: `split` makes several items of a list of groups (such as `offences`); `{into}` is not one"
                    ));
                }
                (Shape::List(item), _) => {
                    let spec = j.item.ok_or_else(|| {
                        format!("{at}: a list of values needs `item`, the column of each value")
                    })?;
                    let mut f = field(&into, (**item).clone(), spec, &lookups)
                        .map_err(|e| format!("{at}: item: {e}"))?;
                    f.path = into.clone();
                    Fills::Values(Box::new(f))
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
                encoding: j.encoding,
                skip: j.skip,
                key: j.key,
                when: BTreeMap::new(),
                fields: j.fields,
            };
            let mut source = source(file_part, &item, &into, &at, &lookups)?;
            source.section = format!("[[joined]] {into}");
            joined.push(Joined { into, source, fills, id: j.id, split: j.split });
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
        Ok(Mapping { children, joined, files })
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
        if let Some(list) = inside_list(shape, &path) {
            return Err(format!(
                "{at}: `{full}` is a field of each item of the list `{list}`: fill `{list}` with a [[joined]] section (with `split` when the items share one cell)"
            ));
        }
        let mut f =
            field(&path, field_shape.clone(), spec, lookups).map_err(|e| format!("{at}: `{full}`: {e}"))?;
        for (group, rule) in &file.when {
            if path == *group || path.starts_with(&format!("{group}.")) {
                f.when.push(condition(rule.clone()).map_err(|e| format!("{at}: when `{group}`: {e}"))?);
            }
        }
        fields.push(f);
    }
    for group in file.when.keys() {
        if !fields.iter().any(|f| f.path == *group || f.path.starts_with(&format!("{group}."))) {
            return Err(format!("{at}: when `{group}`: no field of `{group}` is mapped in this section"));
        }
    }
    fields.sort_by_key(|f| shape.order(&f.path));
    let settings = settings(file.header_row, file.delimiter, file.encoding, file.skip)
        .map_err(|e| format!("{at}: {e}"))?;
    Ok(Source { file: file.file, sheet: file.sheet, settings, key: file.key, fields, section: at.to_owned() })
}

/// The list of groups a path goes through (`offences` for
/// `offences.description`), if any.
fn inside_list(shape: &Shape, path: &str) -> Option<String> {
    let mut at = shape;
    let mut walked = Vec::new();
    for name in path.split('.') {
        if let Shape::List(item) = at
            && matches!(**item, Shape::Object(_))
        {
            return Some(walked.join("."));
        }
        walked.push(name);
        at = at.at(name)?;
    }
    None
}

fn settings(
    header_row: Option<usize>,
    delimiter: Option<char>,
    encoding: Option<String>,
    skip: Vec<ConditionFile>,
) -> Result<FileSettings, String> {
    let delimiter = match delimiter {
        None => None,
        Some(c) if c.is_ascii() => Some(c as u8),
        Some(c) => return Err(format!("delimiter `{c}`: expected one ASCII character such as , ; or a tab")),
    };
    let encoding = match encoding.as_deref().map(fold).as_deref() {
        None => None,
        Some("utf-8" | "utf8") => Some(Encoding::Utf8),
        Some("windows-1252" | "cp1252" | "ansi") => Some(Encoding::Windows1252),
        Some("utf-16" | "utf16" | "unicode") => Some(Encoding::Utf16),
        Some(other) => {
            return Err(format!("encoding `{other}`: expected \"utf-8\", \"windows-1252\" or \"utf-16\""));
        }
    };
    if header_row == Some(0) {
        return Err("header_row = 0: rows are counted from 1, as the spreadsheet shows them".into());
    }
    let skip = skip.into_iter().map(condition).collect::<Result<_, _>>().map_err(|e| format!("skip: {e}"))?;
    Ok(FileSettings { header_row, delimiter, encoding, skip, date: None })
}

fn condition(rule: ConditionFile) -> Result<Condition, String> {
    let pattern = |p: &str| regex::Regex::new(p).map_err(|e| format!("pattern `{p}`: {e}"));
    let test = match (rule.matches, rule.not_matches, rule.empty) {
        (None, None, None | Some(false)) => Test::Present,
        (None, None, Some(true)) => Test::Empty,
        (Some(p), None, None) => Test::Matches(pattern(&p)?),
        (None, Some(p), None) => Test::NotMatches(pattern(&p)?),
        _ => return Err("give at most one of `matches`, `not_matches` or `empty`".into()),
    };
    Ok(Condition { column: rule.column, test })
}

fn field(
    path: &str,
    shape: Shape,
    spec: FieldFile,
    lookups: &BTreeMap<String, BTreeMap<String, toml::Value>>,
) -> Result<Field, String> {
    let t = match spec {
        FieldFile::Column(c) => FieldTable { column: Some(c), ..FieldTable::default() },
        FieldFile::Full(t) => *t,
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
        date_format(fmt)?;
    }
    if let Some(fmt) = &t.format
        && !fmt.contains("{}")
    {
        return Err(format!("format `{fmt}` must contain {{}} where the value goes"));
    }
    let pattern = match t.pattern {
        None => None,
        Some(p) => Some(regex::Regex::new(&p).map_err(|e| format!("pattern `{p}`: {e}"))?),
    };
    let letter_case = match t.letter_case.as_deref() {
        None => None,
        Some("title") => Some(LetterCase::Title),
        Some("upper") => Some(LetterCase::Upper),
        Some("lower") => Some(LetterCase::Lower),
        Some(other) => {
            return Err(format!("letter_case `{other}`: expected \"title\", \"upper\" or \"lower\""));
        }
    };
    let surname_first = match t.names.as_deref().map(fold).as_deref() {
        None => false,
        Some("surname, forename" | "surname,forename" | "last, first") => true,
        Some(other) => {
            return Err(format!(
                "names `{other}`: expected \"surname, forename\" (the order the case system writes them in)"
            ));
        }
    };
    let text_like = matches!(shape, Shape::Text) || matches!(&shape, Shape::List(i) if **i == Shape::Text);
    if (letter_case.is_some() || surname_first || t.staff) && !text_like {
        return Err(format!(
            "letter_case, names and staff are for text; this field holds {}",
            shape.expected()
        ));
    }
    let when = t.when.map(condition).transpose()?.into_iter().collect();
    Ok(Field {
        path: path.to_owned(),
        shape,
        from,
        lookup,
        date: t.date,
        split: t.split,
        format: t.format,
        pad: t.pad,
        when,
        pattern,
        letter_case,
        surname_first,
        staff: t.staff,
    })
}

/// A chrono date format that reads back what it writes.
fn date_format(fmt: &str) -> Result<(), String> {
    use std::fmt::Write;
    let mut probe = String::new();
    let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 2).expect("a date");
    let written = write!(probe, "{}", day.format(fmt)).is_ok();
    match written && chrono::NaiveDate::parse_from_str(&probe, fmt).is_ok() {
        true => Ok(()),
        false => Err(format!(
            "date format `{fmt}` cannot be read back: use chrono's %d %m %Y %b (e.g. \"%d.%m.%Y\", \"%d-%b-%Y\")"
        )),
    }
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
