//! A requirement of an order in a child's words. The court writes
//! "Curfew 19:00-07:00"; the child's plan says "You must be at home
//! between 7pm and 7am." Each kind of requirement in the catalogue has a
//! pattern for the court's wording and a sentence for the child; a
//! requirement no pattern knows is printed as the court wrote it.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use regex::{Captures, Regex, RegexBuilder};
use serde::{Deserialize, Serialize};

/// One kind of requirement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Requirement {
    /// What it is called, e.g. "curfew".
    pub name: String,
    /// The court's wording, as a regular expression that must match all of
    /// it, so that no word of the court's is dropped (case does not matter), with named groups for the parts the child's
    /// sentence repeats.
    pub pattern: String,
    /// The child's sentence, with `{group}` for each named group. A group
    /// holding a time ("19:00") is written as a child reads it ("7pm").
    pub child: String,
}

impl Requirement {
    pub(super) fn regex(&self) -> Result<Regex, String> {
        compiled(&self.pattern).map_err(|e| {
            format!("requirement `{}`: the pattern is not a valid regular expression: {e}", self.name)
        })
    }

    /// The child's sentence for `court`, if the pattern knows it.
    pub fn for_child(&self, court: &str) -> Option<String> {
        let caps = self.regex().ok()?.captures(court.trim())?;
        Some(fill(&self.child, &caps))
    }
}

/// Compiled patterns, by their text. A catalogue's patterns are few and
/// fixed, and compiling one cost more than the rest of a document's
/// templating: the render compiled each again for every requirement of
/// every document (decision 0197).
fn compiled(pattern: &str) -> Result<Regex, regex::Error> {
    static COMPILED: LazyLock<Mutex<HashMap<String, Regex>>> = LazyLock::new(Mutex::default);
    let mut known = COMPILED.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(regex) = known.get(pattern) {
        return Ok(regex.clone());
    }
    let regex = RegexBuilder::new(&format!("^(?:{pattern})$")).case_insensitive(true).build()?;
    // A bound for a catalogue replaced over and over in one process.
    if known.len() >= 1024 {
        known.clear();
    }
    known.insert(pattern.to_owned(), regex.clone());
    Ok(regex)
}

fn fill(template: &str, caps: &Captures<'_>) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}') else { break };
        let name = &rest[open + 1..open + close];
        let value = caps.name(name).map_or("", |m| m.as_str()).trim();
        out.push_str(&clock(value).or_else(|| number_word(value)).unwrap_or_else(|| value.to_owned()));
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    out
}

/// "Six" → "six": the court's wording may start with a number in words,
/// which the child's sentence puts mid-sentence.
fn number_word(value: &str) -> Option<String> {
    const WORDS: [&str; 12] =
        ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"];
    WORDS.iter().find(|w| w.eq_ignore_ascii_case(value)).map(|w| (*w).to_owned())
}

/// "19:00" → "7pm", "07:30" → "7:30am", "12:00" → "12 noon".
fn clock(value: &str) -> Option<String> {
    let (h, m) = value.split_once(':')?;
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    if h > 23 || m > 59 || value.len() > 5 {
        return None;
    }
    if (h, m) == (12, 0) {
        return Some("12 noon".into());
    }
    if (h, m) == (0, 0) {
        return Some("midnight".into());
    }
    let (hour, half) = match h {
        0 => (12, "am"),
        1..=11 => (h, "am"),
        12 => (12, "pm"),
        _ => (h - 12, "pm"),
    };
    Some(if m == 0 { format!("{hour}{half}") } else { format!("{hour}:{m:02}{half}") })
}

#[cfg(test)]
mod tests {
    use super::super::Catalogue;

    #[test]
    fn the_sample_requirements_read_as_a_child_reads_them() {
        let c = Catalogue::built_in();
        for (court, child) in [
            ("Curfew 19:00-07:00", "You must be at home between 7pm and 7am."),
            (
                "Curfew 19:00 to 07:00 at 18 Holly Court for 6 months, electronically monitored",
                "You must be at 18 Holly Court between 7pm and 7am, for 6 months. You will wear a tag.",
            ),
            (
                "Not to enter Northfield town centre between 20:00 and 06:00",
                "You must not go into Northfield town centre between 8pm and 6am.",
            ),
            ("Not to enter Kingsway Park", "You must not go into Kingsway Park."),
            (
                "Not to enter Kingsway Pharmacy until 20 January 2027 unless with a parent",
                "You must not go into Kingsway Pharmacy until 20 January 2027 unless with a parent.",
            ),
            ("Reside at Fernleigh House", "You must live at Fernleigh House."),
            ("Supervision for 12 months", "You must meet your worker when we ask, for 12 months."),
            ("Complete 10 hours of reparation", "You must do 10 hours of work to put things right."),
            (
                "Reparation: 10 hours at Westfield Community Food Bank",
                "You must do 10 hours of work to put things right, at Westfield Community Food Bank.",
            ),
        ] {
            assert_eq!(c.for_child(court).as_deref(), Some(child), "{court}");
        }
        for (court, child) in [
            (
                "Referral Order contract agreed at the youth offender panel on 7 May 2026",
                "You must keep to the contract you agreed with the panel on 7 May 2026.",
            ),
            (
                "Six sessions of victim awareness and managing conflict online",
                "You must come to six sessions on victim awareness and managing conflict online.",
            ),
            (
                "Detention and training at Larchmoor Young Offender Institution until the halfway point; release due on 19 January 2027",
                "You will stay at Larchmoor Young Offender Institution until halfway through your sentence. You are due to leave on 19 January 2027.",
            ),
        ] {
            assert_eq!(c.for_child(court).as_deref(), Some(child), "{court}");
        }
        assert_eq!(c.for_child("Unpaid work for 40 hours"), None, "a requirement no pattern knows");
    }

    #[test]
    fn times_read_as_a_clock_and_other_numbers_stay() {
        assert_eq!(super::clock("19:00").as_deref(), Some("7pm"));
        assert_eq!(super::clock("07:30").as_deref(), Some("7:30am"));
        assert_eq!(super::clock("00:00").as_deref(), Some("midnight"));
        assert_eq!(super::clock("12:00").as_deref(), Some("12 noon"));
        assert_eq!(super::clock("25:00"), None);
        assert_eq!(super::clock("Kingsway"), None);
    }
}
