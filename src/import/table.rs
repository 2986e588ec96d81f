//! Extracts as people make them, read into rows of cells: CSV in UTF-8
//! (with or without a byte-order mark), Windows-1252 or UTF-16, CRLF or LF;
//! and workbooks (XLSX, XLSM, XLSB) through `calamine`. Title rows above the
//! header and blank rows are passed over, and rows the mapping's `skip`
//! rules name (a totals row). Nothing in a cell is ever evaluated: a
//! formula's text is data. A file that would be misread (two encodings in
//! one file, a quote never closed) is refused, saying where.

use std::path::{Path, PathBuf};

use calamine::{Data, Reader};

use super::mapping::{Condition, Encoding, FileSettings, fold};

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
    /// Data rows, blank rows and skipped rows left out.
    pub rows: Vec<Row>,
    /// The mapping section that reads it, for messages (`[children]`).
    pub section: String,
    /// Rows passed over by a `skip` rule: the row number and the rule.
    pub skipped: Vec<(usize, String)>,
    /// The file's date format, from the mapping's settings for it.
    pub date: Option<String>,
}

/// How to find the table in a file.
#[derive(Debug, Clone, Copy)]
pub struct Finding<'a> {
    /// The workbook sheet (default: the first).
    pub sheet: Option<&'a str>,
    /// The delimiter, encoding, header row and rows to skip.
    pub settings: &'a FileSettings,
    /// A column the header must name, to find it when not known.
    pub key: &'a str,
    /// The mapping section reading it, for messages.
    pub section: &'a str,
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
    let section = find.section;
    let settings = find.settings;
    let (sheet, rows) = if is_workbook(path) {
        let (name, rows) = read_workbook(path, find.sheet)?;
        (Some(name), rows)
    } else {
        let delimiter = settings.delimiter.unwrap_or(b',');
        (None, read_csv(path, delimiter, settings.encoding).map_err(|e| format!("{section}: {e}"))?)
    };
    let place = match &sheet {
        Some(s) => format!("{section}: {}, sheet \"{s}\"", path.display()),
        None => format!("{section}: {}", path.display()),
    };
    let (first_column, rows) = rows;
    let names_key = |r: &Row| r.cells.iter().any(|c| fold(&c.text()) == fold(find.key));
    let header_at = match settings.header_row {
        Some(n) => {
            let at = rows.iter().position(|r| r.number == n).ok_or_else(|| format!("{place}: there is no row {n} for the header (`header_row = {n}`)"))?;
            if !names_key(&rows[at]) {
                return Err(format!(
                    "{place}: row {n} (`header_row = {n}`) does not name the key column \"{}\"; it reads: {}{}",
                    find.key,
                    quoted(&rows[at].cells.iter().map(|c| tidy(&c.text())).filter(|t| !t.is_empty()).take(8).collect::<Vec<_>>()),
                    delimiter_hint(&rows[at], settings)
                ));
            }
            at
        }
        None => rows.iter().take(20).position(names_key).ok_or_else(|| {
            let hint = rows.iter().take(20).find(|r| !r.cells.is_empty()).map(|r| delimiter_hint(r, settings)).unwrap_or_default();
            format!(
                "{place}: no header row naming the key column \"{}\" in the first 20 rows (set `header_row` if the header is lower){hint}",
                find.key
            )
        })?,
    };
    let headers: Vec<String> = rows[header_at].cells.iter().map(|c| tidy(&c.text())).collect();
    let rules: Vec<(&Condition, usize)> = settings
        .skip
        .iter()
        .map(|rule| {
            let want = fold(&rule.column);
            let at = headers.iter().position(|h| fold(h) == want).ok_or_else(|| {
                format!("{place}: the `skip` rule on \"{}\": no such column in the header", rule.column)
            })?;
            Ok((rule, at))
        })
        .collect::<Result<_, String>>()?;
    let mut skipped = Vec::new();
    let rows = rows
        .into_iter()
        .skip(header_at + 1)
        .filter(|r| r.cells.iter().any(|c| *c != Cell::Empty))
        .filter(|r| match rules.iter().find(|(rule, at)| rule.holds(&r.cell(*at).text())) {
            Some((rule, _)) => {
                skipped.push((r.number, rule.describe()));
                false
            }
            None => true,
        })
        .collect();
    Ok(Table {
        file: path.to_owned(),
        sheet,
        headers,
        first_column,
        rows,
        section: section.to_owned(),
        skipped,
        date: settings.date.clone(),
    })
}

/// When a row reads as one cell holding the delimiter the file seems to
/// use, a hint to set it.
fn delimiter_hint(row: &Row, settings: &FileSettings) -> String {
    let [Cell::Text(only)] = row.cells.as_slice() else { return String::new() };
    match [';', '\t', '|'].into_iter().find(|d| only.contains(*d)) {
        Some(d) if settings.delimiter.is_none() => format!(
            " (the row reads as one cell holding `{}`: set `delimiter = \"{}\"` for the file, in [files.\"…\"])",
            d.escape_default(),
            d.escape_default()
        ),
        _ => String::new(),
    }
}

impl Table {
    /// The column named `name` (without case or surrounding space).
    pub fn column(&self, name: &str) -> Option<usize> {
        let want = fold(name);
        self.headers.iter().position(|h| fold(h) == want)
    }

    /// Where a cell is, as a person finds it: the mapping's section, then
    /// file, sheet, row, column.
    pub fn place(&self, row: Option<usize>, column: Option<usize>) -> String {
        let name = self
            .file
            .file_name()
            .map_or_else(|| self.file.display().to_string(), |n| n.to_string_lossy().into_owned());
        let mut out = match self.section.is_empty() {
            true => name,
            false => format!("{}: {name}", self.section),
        };
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

fn read_csv(path: &Path, delimiter: u8, encoding: Option<Encoding>) -> Result<(usize, Vec<Row>), String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    let text = decode(&bytes, encoding).map_err(|e| format!("{}: {e}", path.display()))?;
    if let Some((row, line, column)) = unclosed_quote(&text, delimiter) {
        return Err(format!(
            "{}, row {row} (line {line}), column {}: a quote opens this cell and is never closed, so the rest of the file would be read as one cell: refused (close the quote in the case system or the file; a quote inside a cell is written twice, \"\")",
            path.display(),
            letter(column)
        ));
    }
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

/// The file's text. UTF-16 by its byte-order mark; UTF-8 (a byte-order
/// mark dropped); else Windows-1252, the encoding Excel's "CSV" saves in on
/// English Windows. A file that is UTF-8 in places and not in others is
/// refused at its first stray byte: read either way, it would garble names.
fn decode(bytes: &[u8], encoding: Option<Encoding>) -> Result<std::borrow::Cow<'_, str>, String> {
    if let Some((utf16, _)) = encoding_rs::Encoding::for_bom(bytes)
        && utf16 != encoding_rs::UTF_8
    {
        let (text, bad) = utf16.decode_with_bom_removal(bytes);
        return match bad {
            false => Ok(text),
            true => Err(format!("refused: the file is {} with bytes that are not text", utf16.name())),
        };
    }
    // UTF-16 without a mark: ASCII text with a NUL beside every letter.
    let head = &bytes[..bytes.len().min(256)];
    let nuls = |parity: usize| head.iter().skip(parity).step_by(2).filter(|&&b| b == 0).count();
    let looks_utf16 = head.len() >= 8 && (nuls(0).max(nuls(1)) * 4 >= head.len() / 2);
    if encoding == Some(Encoding::Utf16) || looks_utf16 {
        return Err(
            "refused: the file looks like UTF-16 (\"Unicode text\") without a byte-order mark: save it as \"CSV UTF-8\" (or as UTF-16 with its mark)"
                .into(),
        );
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if encoding == Some(Encoding::Windows1252) {
        return Ok(encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes).0);
    }
    let Err(e) = std::str::from_utf8(bytes) else {
        return Ok(std::str::from_utf8(bytes).expect("checked").into());
    };
    let at = e.valid_up_to();
    let utf8_elsewhere = bytes.utf8_chunks().any(|c| !c.valid().is_ascii());
    if encoding == Some(Encoding::Utf8) || utf8_elsewhere {
        let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = bytes[..at].iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let why = match encoding {
            Some(Encoding::Utf8) => "the mapping says the file is UTF-8".to_owned(),
            _ => "other letters in the file are UTF-8, so it mixes two encodings and would be garbled read as either".to_owned(),
        };
        return Err(format!(
            "line {line}, character {} (byte {at}): the byte 0x{:02X} is not UTF-8, and {why}: refused; re-save the file as UTF-8 from the case system (or correct that value there)",
            String::from_utf8_lossy(&bytes[line_start..at]).chars().count() + 1,
            bytes[at]
        ));
    }
    Ok(encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes).0)
}

/// Where a quoted cell opens and never closes: (row, line, column index).
/// Rows count as the CSV reader counts them (blank lines are not rows).
fn unclosed_quote(text: &str, delimiter: u8) -> Option<(usize, usize, usize)> {
    let bytes = text.as_bytes();
    let (mut row, mut line, mut column) = (1, 1, 0);
    let (mut field_start, mut in_quote, mut row_has_content) = (true, false, false);
    let mut opened = (0, 0, 0);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if in_quote {
            match b {
                b'"' if bytes.get(i + 1) == Some(&b'"') => i += 1,
                b'"' => in_quote = false,
                b'\n' => line += 1,
                _ => {}
            }
        } else if b == b'"' && field_start {
            in_quote = true;
            row_has_content = true;
            opened = (row, line, column);
            field_start = false;
        } else if b == delimiter {
            column += 1;
            field_start = true;
            row_has_content = true;
        } else if b == b'\n' {
            row += usize::from(row_has_content);
            line += 1;
            column = 0;
            field_start = true;
            row_has_content = false;
        } else if b != b'\r' {
            field_start = false;
            row_has_content = true;
        }
        i += 1;
    }
    in_quote.then_some(opened)
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
        assert_eq!(decode(b"\xEF\xBB\xBFName", None).unwrap(), "Name");
        assert_eq!(decode(b"Sin\xE9ad O\x92Brien", None).unwrap(), "Sinéad O’Brien");
        assert_eq!(
            decode(b"\xFF\xFEZ\x00o\x00\xEB\x00", None).unwrap(),
            "Zoë",
            "UTF-16 by its byte-order mark"
        );
    }

    #[test]
    fn a_file_mixing_utf8_and_windows_1252_is_refused_at_the_stray_byte() {
        let mut bytes = "Zoë,Lee\nSiân,O".as_bytes().to_vec();
        bytes.push(0x92);
        bytes.extend(b"Neill\n");
        let e = decode(&bytes, None).unwrap_err();
        assert!(e.starts_with("line 2, character 7 (byte 16): the byte 0x92 is not UTF-8"), "{e}");
        assert!(e.contains("mixes two encodings"), "{e}");
        // Said to be Windows-1252, it is read as Windows-1252 throughout.
        assert_eq!(decode(&bytes, Some(Encoding::Windows1252)).unwrap(), "ZoÃ«,Lee\nSiÃ¢n,O’Neill\n");
    }

    #[test]
    fn a_quote_never_closed_is_found_where_it_opens() {
        assert_eq!(unclosed_quote("a,b\n1,\"x, y\"\n2,\"two\nlines\"\n", b','), None);
        assert_eq!(unclosed_quote("a,b\n\n1,x\n2,\"Bex\n3,y\n", b','), Some((3, 4, 1)));
        assert_eq!(unclosed_quote("a;b\n1;5\" screen\n", b';'), None, "a quote inside a cell is text");
    }
}
