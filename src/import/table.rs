//! Extracts as people make them, read into rows of cells: CSV in UTF-8
//! (with or without a byte-order mark) or Windows-1252, CRLF or LF; and
//! workbooks (XLSX, XLS, ODS) through `calamine`. Title rows above the
//! header and blank rows are passed over. Nothing in a cell is ever
//! evaluated: a formula's text is data.

use std::path::{Path, PathBuf};

use calamine::{Data, Reader};

use super::mapping::fold;

/// One cell as the extract holds it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Nothing (or only spaces).
    Empty,
    /// Text, as written.
    Text(String),
    /// A number a workbook stored (a date is a number with a date format).
    Number {
        /// The number.
        value: f64,
        /// Formatted as a date in the workbook.
        date: bool,
    },
    /// A workbook's TRUE or FALSE.
    Bool(bool),
}

impl Cell {
    /// The cell as a person would read it.
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(t) => t.clone(),
            Cell::Number { value, .. } if value.fract() == 0.0 && value.abs() < 1e15 => {
                format!("{}", *value as i64)
            }
            Cell::Number { value, .. } => value.to_string(),
            Cell::Bool(b) => if *b { "TRUE" } else { "FALSE" }.into(),
        }
    }
}

/// One data row, numbered as the spreadsheet shows it.
#[derive(Debug, Clone)]
pub struct Row {
    /// 1-based row number in the file or sheet.
    pub number: usize,
    /// Cells by column.
    pub cells: Vec<Cell>,
}

impl Row {
    /// The cell in column `i` (empty past the row's end).
    pub fn cell(&self, i: usize) -> &Cell {
        self.cells.get(i).unwrap_or(&Cell::Empty)
    }
}

/// An extract's table: its header and data rows.
#[derive(Debug, Clone)]
pub struct Table {
    /// The file.
    pub file: PathBuf,
    /// The sheet, for a workbook.
    pub sheet: Option<String>,
    /// Header names as written (spaces tidied).
    pub headers: Vec<String>,
    /// The first column's index in the sheet (0 for A), for column letters.
    first_column: usize,
    /// Data rows, blank rows left out.
    pub rows: Vec<Row>,
}

/// How to find the table in a file.
#[derive(Debug, Clone, Copy)]
pub struct Finding<'a> {
    /// The workbook sheet (default: the first).
    pub sheet: Option<&'a str>,
    /// The CSV delimiter.
    pub delimiter: u8,
    /// The header row, 1-based, if known.
    pub header_row: Option<usize>,
    /// A column the header must name, to find it when not known.
    pub key: &'a str,
}

/// Whether the file is a workbook (by extension) rather than CSV.
pub fn is_workbook(path: &Path) -> bool {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    matches!(ext.as_str(), "xlsx" | "xlsm" | "xls" | "xlsb" | "ods")
}

/// The sheet names of a workbook.
pub fn sheet_names(path: &Path) -> Result<Vec<String>, String> {
    Ok(super::workbook::open(path)?.sheet_names())
}

/// Reads the table from `path`.
pub fn read(path: &Path, find: Finding) -> Result<Table, String> {
    let (sheet, rows) = if is_workbook(path) {
        let (name, rows) = read_workbook(path, find.sheet)?;
        (Some(name), rows)
    } else {
        (None, read_csv(path, find.delimiter)?)
    };
    let place = match &sheet {
        Some(s) => format!("{}, sheet \"{s}\"", path.display()),
        None => path.display().to_string(),
    };
    let (first_column, rows) = rows;
    let header_at = match find.header_row {
        Some(n) => rows.iter().position(|r| r.number == n).ok_or_else(|| format!("{place}: there is no row {n} for the header"))?,
        None => rows
            .iter()
            .take(20)
            .position(|r| r.cells.iter().any(|c| fold(&c.text()) == fold(find.key)))
            .ok_or_else(|| {
                format!(
                    "{place}: no header row naming the key column \"{}\" in the first 20 rows (set `header_row` in the mapping if the header is lower)",
                    find.key
                )
            })?,
    };
    let headers = rows[header_at].cells.iter().map(|c| tidy(&c.text())).collect();
    let rows =
        rows.into_iter().skip(header_at + 1).filter(|r| r.cells.iter().any(|c| *c != Cell::Empty)).collect();
    Ok(Table { file: path.to_owned(), sheet, headers, first_column, rows })
}

impl Table {
    /// The column named `name` (without case or surrounding space).
    pub fn column(&self, name: &str) -> Option<usize> {
        let want = fold(name);
        self.headers.iter().position(|h| fold(h) == want)
    }

    /// Where a cell is, as a person finds it: file, sheet, row, column.
    pub fn place(&self, row: Option<usize>, column: Option<usize>) -> String {
        let mut out = self
            .file
            .file_name()
            .map_or_else(|| self.file.display().to_string(), |n| n.to_string_lossy().into_owned());
        if let Some(s) = &self.sheet {
            out.push_str(&format!(", sheet \"{s}\""));
        }
        if let Some(r) = row {
            out.push_str(&format!(", row {r}"));
        }
        if let Some(c) = column {
            let name = self.headers.get(c).map(String::as_str).unwrap_or("");
            out.push_str(&format!(", column {} \"{name}\"", letter(self.first_column + c)));
        }
        out
    }
}

/// The spreadsheet letter of a 0-based column: A, B, … Z, AA.
pub fn letter(mut i: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).expect("ASCII")
}

fn tidy(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn read_csv(path: &Path, delimiter: u8) -> Result<(usize, Vec<Row>), String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    let text = decode(&bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record =
            record.map_err(|e| format!("{}, row {}: not readable as CSV: {e}", path.display(), i + 1))?;
        let cells = record
            .iter()
            .map(|f| if f.trim().is_empty() { Cell::Empty } else { Cell::Text(f.to_owned()) })
            .collect();
        rows.push(Row { number: i + 1, cells });
    }
    Ok((0, rows))
}

/// UTF-8 (a byte-order mark dropped), else Windows-1252, the encoding
/// Excel's "CSV" saves in on English Windows.
fn decode(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => text.into(),
        Err(_) => encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes).0,
    }
}

fn read_workbook(path: &Path, sheet: Option<&str>) -> Result<(String, (usize, Vec<Row>)), String> {
    let mut book = super::workbook::open(path)?;
    let names = book.sheet_names();
    let name = match sheet {
        Some(s) => names
            .iter()
            .find(|n| fold(n) == fold(s))
            .cloned()
            .ok_or_else(|| format!("{}: no sheet \"{s}\" (it has {})", path.display(), quoted(&names)))?,
        None => {
            names.first().cloned().ok_or_else(|| format!("{}: the workbook has no sheets", path.display()))?
        }
    };
    let range = super::workbook::sheet(&mut book, &name, &format!("{}, sheet \"{name}\"", path.display()))?;
    let (top, left) = range.start().map_or((0, 0), |(r, c)| (r as usize, c as usize));
    let rows = range
        .rows()
        .enumerate()
        .map(|(i, cells)| Row { number: top + i + 1, cells: cells.iter().map(cell).collect() })
        .collect();
    Ok((name, (left, rows)))
}

fn cell(data: &Data) -> Cell {
    match data {
        Data::Empty => Cell::Empty,
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) if s.trim().is_empty() => Cell::Empty,
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Float(f) => Cell::Number { value: *f, date: false },
        Data::Int(i) => Cell::Number { value: *i as f64, date: false },
        Data::Bool(b) => Cell::Bool(*b),
        // As a 1900-system serial, whichever system the workbook uses (a
        // workbook from an old Mac counts from 1904).
        Data::DateTime(d) => match (d.as_datetime(), chrono::NaiveDate::from_ymd_opt(1899, 12, 30)) {
            (Some(at), Some(epoch)) => {
                Cell::Number { value: (at.date() - epoch).num_days() as f64, date: true }
            }
            _ => Cell::Number { value: d.as_f64(), date: true },
        },
        Data::Error(e) => Cell::Text(format!("#{e:?}")),
    }
}

fn quoted(names: &[String]) -> String {
    names.iter().map(|n| format!("\"{n}\"")).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_lettered_as_spreadsheets_letter_them() {
        assert_eq!(letter(0), "A");
        assert_eq!(letter(25), "Z");
        assert_eq!(letter(26), "AA");
        assert_eq!(letter(27), "AB");
        assert_eq!(letter(701), "ZZ");
        assert_eq!(letter(702), "AAA");
    }

    #[test]
    fn windows_1252_and_a_byte_order_mark_are_read_as_text() {
        assert_eq!(decode(b"\xEF\xBB\xBFName"), "Name");
        assert_eq!(decode(b"Sin\xE9ad O\x92Brien"), "Sinéad O’Brien");
    }
}
