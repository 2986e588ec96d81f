//! A cell to a case value, by what the case holds there: dates as
//! `dd/mm/yyyy`, `yyyy-mm-dd` or Excel date numbers; whole numbers; yes/no;
//! codes through the mapping's lookups. Every refusal says what was found
//! and what was expected.

use chrono::{Duration, NaiveDate};
use serde_json::Value;

use super::mapping::{Field, From, LetterCase, fold};
use super::shape::Shape;
use super::table::Cell;

/// The field's value from its cells (one per column it reads; none for a
/// fixed value). `None` when there is nothing there.
pub fn value(field: &Field, cells: &[&Cell]) -> Result<Option<Value>, String> {
    match (&field.from, &field.shape) {
        (From::Value(v), shape) => {
            let cell = match v {
                Value::Bool(b) => Cell::Bool(*b),
                Value::Number(n) => Cell::Number { value: n.as_f64().unwrap_or_default(), date: false },
                Value::String(s) => Cell::Text(s.clone()),
                Value::Array(items) if matches!(shape, Shape::List(_)) => {
                    let Shape::List(item) = shape else { unreachable!() };
                    let mut out = Vec::new();
                    for v in items {
                        let cell = Cell::Text(v.as_str().map_or_else(|| v.to_string(), str::to_owned));
                        out.extend(scalar(field, item, &cell)?);
                    }
                    return Ok((!out.is_empty()).then_some(Value::Array(out)));
                }
                other => return Err(format!("the fixed value {other} is not {}", shape.expected())),
            };
            match shape {
                Shape::List(item) => Ok(scalar(field, item, &cell)?.map(|v| Value::Array(vec![v]))),
                _ => scalar(field, shape, &cell),
            }
        }
        (_, Shape::List(item)) => {
            let mut out = Vec::new();
            for cell in cells {
                match (&field.split, cell) {
                    (Some(sep), Cell::Text(t)) => {
                        for part in t.split(sep.as_str()) {
                            out.extend(scalar(field, item, &Cell::Text(part.to_owned()))?);
                        }
                    }
                    _ => out.extend(scalar(field, item, cell)?),
                }
            }
            Ok((!out.is_empty()).then_some(Value::Array(out)))
        }
        (From::Columns(_), Shape::Text) => {
            let parts: Vec<String> =
                cells.iter().map(|c| c.text().trim().to_owned()).filter(|t| !t.is_empty()).collect();
            let joined = parts.join(", ");
            scalar(field, &Shape::Text, &if joined.is_empty() { Cell::Empty } else { Cell::Text(joined) })
        }
        (_, shape) => scalar(field, shape, cells.first().copied().unwrap_or(&Cell::Empty)),
    }
}

fn scalar(field: &Field, shape: &Shape, cell: &Cell) -> Result<Option<Value>, String> {
    if let Cell::Text(t) = cell
        && t.trim().is_empty()
    {
        return Ok(None);
    }
    if *cell == Cell::Empty {
        return Ok(None);
    }
    if cell.text().contains('\0') {
        return Err(
            "the value holds a NUL byte (an invisible control character): refused; correct it in the case system"
                .into(),
        );
    }
    let extracted;
    let cell = match &field.pattern {
        Some(re) => {
            let text = cell.text();
            let Some(found) = re.captures(text.trim()) else { return Ok(None) };
            let part = found.name("value").or_else(|| found.get(1)).or_else(|| found.get(0));
            match part.map(|m| m.as_str().trim()).filter(|t| !t.is_empty()) {
                Some(t) => extracted = Cell::Text(t.to_owned()),
                None => return Ok(None),
            }
            &extracted
        }
        None => cell,
    };
    let looked_up;
    let cell = match &field.lookup {
        Some((name, table)) => {
            let raw = cell.text();
            looked_up = match table.get(&fold(&raw)) {
                // `""` in a lookup: the code means "nothing here".
                Some(Value::String(s)) if s.is_empty() => return Ok(None),
                Some(Value::String(s)) => Cell::Text(s.clone()),
                Some(Value::Number(n)) => Cell::Number { value: n.as_f64().unwrap_or_default(), date: false },
                Some(Value::Bool(b)) => Cell::Bool(*b),
                Some(_) => return Ok(None),
                None => {
                    let known: Vec<&str> = table.keys().map(String::as_str).take(12).collect();
                    return Err(format!(
                        "\"{}\" is not in [lookups.{name}] (it has: {})",
                        raw.trim(),
                        known.join(", ")
                    ));
                }
            };
            &looked_up
        }
        None => cell,
    };
    let found = || format!("found \"{}\"", cell.text().trim());
    let value = match shape {
        Shape::Text => {
            let mut text = match (cell, field.pad) {
                (Cell::Number { value, .. }, Some(width)) if value.fract() == 0.0 && *value >= 0.0 => {
                    format!("{:0width$}", *value as u64)
                }
                _ => cell.text().trim().to_owned(),
            };
            if field.surname_first
                && let Some((surname, forenames)) = text.split_once(',')
                && !forenames.trim().is_empty()
            {
                text = format!("{} {}", forenames.trim(), surname.trim());
            }
            match field.letter_case {
                Some(LetterCase::Title) => text = title_case(&text),
                Some(LetterCase::Upper) => text = text.to_uppercase(),
                Some(LetterCase::Lower) => text = text.to_lowercase(),
                None => {}
            }
            if let Some(fmt) = &field.format {
                text = fmt.replacen("{}", &text, 1);
            }
            Value::String(text)
        }
        Shape::Date => {
            let date = date(cell, field.date.as_deref()).ok_or_else(|| match &field.date {
                Some(fmt) => format!(
                    "expected a date as the mapping's `{fmt}` (e.g. {}), dd/mm/yyyy, yyyy-mm-dd or an Excel date, {}",
                    NaiveDate::from_ymd_opt(2009, 3, 12).map(|d| d.format(fmt).to_string()).unwrap_or_default(),
                    found()
                ),
                None => format!("expected {}, {}", shape.expected(), found()),
            })?;
            Value::String(date.format("%Y-%m-%d").to_string())
        }
        Shape::Whole { min, max } => {
            let n = whole(cell).ok_or_else(|| format!("expected a whole number, {}", found()))?;
            if n < *min || n > *max {
                return Err(format!("expected {}, {}", shape.expected(), found()));
            }
            Value::from(n)
        }
        Shape::YesNo => Value::Bool(yes_no(cell).ok_or_else(|| format!("expected yes or no, {}", found()))?),
        Shape::Code(codes) => {
            let text = cell.text();
            let wanted = fold(&text).replace([' ', '-'], "_");
            let code = codes.iter().find(|c| **c == wanted).ok_or_else(|| match &field.lookup {
                Some((name, _)) => format!(
                    "expected {}, {} (the value [lookups.{name}] gives; \"\" there means no value)",
                    shape.expected(),
                    found()
                ),
                None => format!(
                    "expected {}, {} (translate the case system's codes with a [lookups] table)",
                    shape.expected(),
                    found()
                ),
            })?;
            Value::String(code.clone())
        }
        Shape::Number(allowed) => {
            let n = whole(cell).filter(|n| allowed.contains(n));
            Value::from(n.ok_or_else(|| format!("expected {}, {}", shape.expected(), found()))?)
        }
        Shape::List(_) | Shape::Object(_) => return Err(format!("expected {}", shape.expected())),
    };
    Ok(Some(value))
}

/// Each word written all in capitals gets a capital first letter and small
/// letters after, a capital again after an apostrophe or hyphen
/// (`O’NEILL` → `O’Neill`, `MÜLLER-SMITH` → `Müller-Smith`); a word with a
/// small letter in it (`McDonald`, `ap`) is left as the case system has it.
pub fn title_case(text: &str) -> String {
    text.split(' ')
        .map(|word| {
            if word.chars().any(char::is_lowercase) || !word.chars().any(char::is_uppercase) {
                return word.to_owned();
            }
            let mut out = String::with_capacity(word.len());
            let mut start = true;
            for c in word.chars() {
                if c.is_alphabetic() {
                    match start {
                        true => out.extend(c.to_uppercase()),
                        false => out.extend(c.to_lowercase()),
                    }
                    start = false;
                } else {
                    out.push(c);
                    start = true;
                }
            }
            out
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A date from a cell: an Excel date number, the mapping's own format,
/// `dd/mm/yyyy` (also with `-` or `.`), `yyyy-mm-dd`, each optionally
/// followed by a time of day, which is dropped.
pub fn date(cell: &Cell, format: Option<&str>) -> Option<NaiveDate> {
    match cell {
        Cell::Number { value, .. } => serial(*value),
        Cell::Text(t) => {
            let t = t.trim();
            if let Some(fmt) = format
                && let Ok(d) = NaiveDate::parse_from_str(t, fmt)
            {
                return Some(d);
            }
            let day = t.split([' ', 'T']).next().unwrap_or(t);
            if !day.is_empty()
                && day.bytes().all(|b| b.is_ascii_digit() || b == b'.')
                && let Ok(number) = day.parse::<f64>()
            {
                return serial(number);
            }
            ["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"]
                .iter()
                .filter_map(|f| NaiveDate::parse_from_str(day, f).ok())
                // A two-digit year is never guessed.
                .find(|d| d.format("%Y").to_string().len() == 4 && day.contains(&d.format("%Y").to_string()))
        }
        Cell::Empty | Cell::Bool(_) => None,
    }
}

/// An Excel (1900 system) date number: days since 30 December 1899, from
/// 1 March 1900 (61) to 9999 (2958465); a time of day is dropped.
fn serial(value: f64) -> Option<NaiveDate> {
    if !(61.0..2958466.0).contains(&value) {
        return None;
    }
    NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_signed(Duration::days(value.floor() as i64))
}

fn whole(cell: &Cell) -> Option<i64> {
    match cell {
        Cell::Number { value, .. } if value.fract() == 0.0 => Some(*value as i64),
        Cell::Text(t) => {
            let t = t.trim();
            t.parse::<i64>().ok().or_else(|| {
                t.parse::<f64>().ok().filter(|f| f.fract() == 0.0 && f.abs() < 1e15).map(|f| f as i64)
            })
        }
        _ => None,
    }
}

fn yes_no(cell: &Cell) -> Option<bool> {
    match cell {
        Cell::Bool(b) => Some(*b),
        Cell::Number { value, .. } if *value == 1.0 => Some(true),
        Cell::Number { value, .. } if *value == 0.0 => Some(false),
        Cell::Text(t) => match fold(t).as_str() {
            "yes" | "y" | "true" | "1" => Some(true),
            "no" | "n" | "false" | "0" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(t: &str) -> Cell {
        Cell::Text(t.into())
    }

    fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    #[test]
    fn dates_as_people_write_them_and_as_excel_stores_them() {
        assert_eq!(date(&text("14/06/2009"), None), ymd(2009, 6, 14));
        assert_eq!(date(&text("4/6/2009"), None), ymd(2009, 6, 4));
        assert_eq!(date(&text("2009-06-14"), None), ymd(2009, 6, 14));
        assert_eq!(date(&text(" 14/06/2009 00:00 "), None), ymd(2009, 6, 14));
        assert_eq!(date(&text("2009-06-14T00:00:00"), None), ymd(2009, 6, 14));
        assert_eq!(date(&text("14.06.2009"), None), ymd(2009, 6, 14));
        assert_eq!(date(&text("39978"), None), ymd(2009, 6, 14), "an Excel serial written out as text");
        assert_eq!(date(&Cell::Number { value: 39978.0, date: true }, None), ymd(2009, 6, 14));
        assert_eq!(
            date(&Cell::Number { value: 45991.75, date: true }, None),
            ymd(2025, 11, 30),
            "the time of day dropped"
        );
        assert_eq!(date(&text("14 June 2009"), Some("%d %B %Y")), ymd(2009, 6, 14));
        assert_eq!(date(&text("31/02/2010"), None), None, "no such day");
        assert_eq!(date(&text("14/06/09"), None), None, "a two-digit year is not guessed");
        assert_eq!(date(&text("06/14/2009"), None), None, "American order is not a date here");
        assert_eq!(date(&Cell::Number { value: 3.0, date: false }, None), None);
    }

    #[test]
    fn names_in_capitals_are_written_as_names() {
        assert_eq!(title_case("NUÑEZ"), "Nuñez");
        assert_eq!(title_case("O’NEILL"), "O’Neill");
        assert_eq!(title_case("MÜLLER-SMITH"), "Müller-Smith");
        assert_eq!(title_case("Zoë O'NEILL"), "Zoë O'Neill");
        assert_eq!(title_case("McDonald"), "McDonald", "a word with small letters is left as written");
        assert_eq!(title_case("ap IORWERTH"), "ap Iorwerth");
    }

    #[test]
    fn yes_no_and_whole_numbers() {
        assert_eq!(yes_no(&text(" Yes ")), Some(true));
        assert_eq!(yes_no(&text("N")), Some(false));
        assert_eq!(yes_no(&Cell::Bool(true)), Some(true));
        assert_eq!(yes_no(&text("maybe")), None);
        assert_eq!(whole(&text("27")), Some(27));
        assert_eq!(whole(&text("27.0")), Some(27));
        assert_eq!(whole(&text("27.5")), None);
        assert_eq!(whole(&Cell::Number { value: 12.0, date: false }), Some(12));
    }
}
