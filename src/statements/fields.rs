//! The fields of a received statement, read by label from the PDF's text
//! (the label contract is in `docs/reference/statement-pdf.md`), and from an optional sidecar JSON.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

use crate::rules::london;
use serde::{Deserialize, Serialize};

/// What a statement says about itself.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementFields {
    /// Statement ID (required): letters, digits, `-`.
    pub statement_id: Option<String>,
    /// App: One, Express or Xchange.
    pub app: Option<String>,
    /// Statement type, e.g. "My World".
    pub statement_type: Option<String>,
    /// The name the child gave (required).
    pub name: Option<String>,
    /// Date of birth.
    pub date_of_birth: Option<NaiveDate>,
    /// When the child sent it (required), in UTC.
    pub sent: Option<DateTime<Utc>>,
    /// Worker named on the statement.
    pub worker: Option<String>,
    /// Child or case id, if the portal carried one.
    pub child_id: Option<String>,
    /// Whether the Safety Link was triggered.
    pub safety_link: bool,
    /// The feeling the child flagged ("Unsafe", "Scared", "Unhappy"), as
    /// the portal records it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feeling: Option<String>,
    /// Where the child feels it ("Where I live", "At school"), as the
    /// portal records it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
}

/// The sidecar `<stem>.json`: the same fields as text; its values win.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sidecar {
    statement_id: Option<String>,
    app: Option<String>,
    statement_type: Option<String>,
    name: Option<String>,
    date_of_birth: Option<String>,
    sent: Option<String>,
    worker: Option<String>,
    child_id: Option<String>,
    safety_link: Option<bool>,
    feeling: Option<String>,
    place: Option<String>,
}

/// Labels per field, matched case-insensitively and followed by a colon.
/// Order matters: a longer label comes before any label it starts with
/// (`Statement type` before `Statement`, `Child ID` before `Child`,
/// `Sent to` before `Sent`).
const LABELS: &[(Field, &str)] = &[
    (Field::Id, "statement id"),
    (Field::Id, "statement no"),
    (Field::Id, "statement number"),
    (Field::Id, "reference"),
    (Field::Type, "statement type"),
    (Field::Type, "statement"),
    (Field::App, "app"),
    (Field::ChildId, "child id"),
    (Field::ChildId, "case id"),
    (Field::Name, "young person"),
    (Field::Name, "name"),
    (Field::Name, "child"),
    (Field::Dob, "date of birth"),
    (Field::Dob, "d.o.b."),
    (Field::Dob, "dob"),
    (Field::Sent, "date sent"),
    (Field::Sent, "submitted"),
    (Field::Worker, "sent to"),
    (Field::Sent, "sent"),
    (Field::Worker, "worker"),
    (Field::Safety, "safety link"),
    (Field::Feeling, "feeling"),
    (Field::Place, "where"),
    (Field::Place, "place"),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Id,
    Type,
    App,
    Name,
    Dob,
    Sent,
    Worker,
    ChildId,
    Safety,
    Feeling,
    Place,
}

/// The field a line's label names, and the rest of the line after the colon.
fn label_of(line: &str) -> Option<(Field, String)> {
    let chars: Vec<char> = line.chars().collect();
    for (field, label) in LABELS {
        let n = label.chars().count();
        if chars.len() < n {
            continue;
        }
        let head: String = chars[..n].iter().collect::<String>().to_lowercase();
        if head != *label {
            continue;
        }
        let rest: String = chars[n..].iter().collect();
        if let Some(value) = rest.trim_start().strip_prefix(':') {
            return Some((*field, value.trim().to_owned()));
        }
    }
    None
}

/// Reads the fields from a statement's text (its first two pages).
pub fn parse_text(text: &str) -> StatementFields {
    let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let mut f = StatementFields::default();
    for (i, line) in lines.iter().enumerate() {
        if line.eq_ignore_ascii_case("safety link") {
            f.safety_link = true;
            continue;
        }
        let Some((field, inline)) = label_of(line) else { continue };
        // A label alone on its line (tables, two columns): the value is the
        // next non-empty line, unless that line is itself a label.
        let value: &str = if inline.is_empty() {
            match lines.get(i + 1) {
                Some(next) if label_of(next).is_none() => next,
                _ => continue,
            }
        } else {
            &inline
        };
        // The first occurrence of a label wins: later text is the child's own words.
        match field {
            Field::Id if f.statement_id.is_none() => f.statement_id = clean_id(value),
            Field::Type if f.statement_type.is_none() => f.statement_type = Some(value.to_owned()),
            Field::App if f.app.is_none() => f.app = Some(value.to_owned()),
            Field::Name if f.name.is_none() => f.name = Some(value.to_owned()),
            Field::Dob if f.date_of_birth.is_none() => f.date_of_birth = parse_date(value),
            Field::Sent if f.sent.is_none() => f.sent = parse_sent(value),
            Field::Worker if f.worker.is_none() => f.worker = Some(value.to_owned()),
            Field::ChildId if f.child_id.is_none() => f.child_id = Some(value.to_owned()),
            Field::Safety => f.safety_link = f.safety_link || value.to_lowercase().starts_with('y'),
            Field::Feeling if f.feeling.is_none() => f.feeling = Some(value.to_owned()),
            Field::Place if f.place.is_none() => f.place = Some(value.to_owned()),
            _ => {}
        }
    }
    f
}

impl StatementFields {
    /// Overlays a sidecar: its values win. Returns a message for each value
    /// that could not be read.
    pub fn apply_sidecar(&mut self, s: Sidecar) -> Vec<String> {
        let mut problems = Vec::new();
        if let Some(v) = s.statement_id {
            self.statement_id = clean_id(&v);
            if self.statement_id.is_none() {
                problems.push(format!("sidecar statement_id `{v}`: expected letters, digits and -"));
            }
        }
        if let Some(v) = s.date_of_birth {
            self.date_of_birth = parse_date(&v);
            if self.date_of_birth.is_none() {
                problems.push(format!("sidecar date_of_birth `{v}`: expected a date such as 21/03/2010"));
            }
        }
        if let Some(v) = s.sent {
            self.sent = parse_sent(&v);
            if self.sent.is_none() {
                problems
                    .push(format!("sidecar sent `{v}`: expected a date and time such as 21/11/2026 14:05"));
            }
        }
        self.app = s.app.or(self.app.take());
        self.statement_type = s.statement_type.or(self.statement_type.take());
        self.name = s.name.or(self.name.take());
        self.worker = s.worker.or(self.worker.take());
        self.child_id = s.child_id.or(self.child_id.take());
        self.feeling = s.feeling.or(self.feeling.take());
        self.place = s.place.or(self.place.take());
        if let Some(v) = s.safety_link {
            self.safety_link = v;
        }
        problems
    }

    /// The required fields that are missing, by name.
    pub fn missing_required(&self) -> Vec<&'static str> {
        let mut m = Vec::new();
        if self.statement_id.is_none() {
            m.push("Statement ID");
        }
        if self.name.as_deref().is_none_or(|n| n.trim().is_empty()) {
            m.push("Name");
        }
        if self.sent.is_none() {
            m.push("Sent");
        }
        m
    }
}

fn clean_id(value: &str) -> Option<String> {
    let id = value.split_whitespace().next()?;
    (id.len() <= 64 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') && !id.starts_with('-'))
        .then(|| id.to_owned())
}

/// `21/03/2010`, `21-03-2010`, `21.03.2010`, `2010-03-21`, `21 March 2010`, `21 Mar 2010`.
pub fn parse_date(value: &str) -> Option<NaiveDate> {
    let v = value.trim();
    for fmt in ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%d %B %Y", "%d %b %Y"] {
        if let Ok(d) = NaiveDate::parse_from_str(v, fmt) {
            return Some(d);
        }
    }
    None
}

/// `21/11/2026 14:05`, `21/11/2026 at 2:05pm`, `2026-11-21T14:05:00Z`,
/// `21 November 2026 14:05`. Times without an offset are Europe/London.
pub fn parse_sent(value: &str) -> Option<DateTime<Utc>> {
    let v = value.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(v) {
        return Some(dt.with_timezone(&Utc));
    }
    let v = v.replace(" at ", " ");
    let lower = v.to_lowercase();
    let (date_part, time_part) = lower.rsplit_once(' ')?;
    let date = parse_date(date_part)?;
    let time = parse_time(time_part)?;
    london(date.and_time(time))
}

fn parse_time(t: &str) -> Option<NaiveTime> {
    for fmt in ["%H:%M", "%H:%M:%S", "%I:%M%p", "%I%p", "%I.%M%p"] {
        if let Ok(time) = NaiveTime::parse_from_str(t, fmt) {
            return Some(time);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_inline_and_on_the_next_line_in_any_order() {
        let text = "Mind Of My Own\nSAFETY LINK\nStatement type: My World\nName:\nJay\nD.O.B.: 14 June 2009\n\
                    App: Xchange\nSent: 21/11/2026 at 2:05pm\nStatement ID:\nMOMO-88213\nI feel...";
        let f = parse_text(text);
        assert_eq!(f.statement_id.as_deref(), Some("MOMO-88213"));
        assert_eq!(f.statement_type.as_deref(), Some("My World"));
        assert_eq!(f.name.as_deref(), Some("Jay"));
        assert_eq!(f.app.as_deref(), Some("Xchange"));
        assert_eq!(f.date_of_birth, Some(NaiveDate::from_ymd_opt(2009, 6, 14).unwrap()));
        assert_eq!(f.sent.unwrap().to_rfc3339(), "2026-11-21T14:05:00+00:00");
        assert!(f.safety_link);
    }

    #[test]
    fn the_flagged_feeling_and_place_are_read_and_a_sidecar_wins() {
        let mut f = parse_text("SAFETY LINK\nStatement ID: A-1\nFeeling: Scared\nWhere: At home\nI feel...");
        assert_eq!((f.feeling.as_deref(), f.place.as_deref()), (Some("Scared"), Some("At home")));
        let side: Sidecar = serde_json::from_str(r#"{"place": "Where I live"}"#).unwrap();
        assert!(f.apply_sidecar(side).is_empty());
        assert_eq!(f.place.as_deref(), Some("Where I live"));
        // A statement recorded before these fields existed reads back unchanged.
        let old: StatementFields = serde_json::from_str(r#"{"statement_id": "A-1", "app": null, "statement_type": null,
            "name": "Sam", "date_of_birth": null, "sent": null, "worker": null, "child_id": null, "safety_link": false}"#)
        .unwrap();
        assert_eq!(old.feeling, None);
        assert!(!serde_json::to_string(&old).unwrap().contains("feeling"));
    }

    #[test]
    fn every_date_format_of_the_spec() {
        for v in ["21/03/2010", "21-03-2010", "21.03.2010", "2010-03-21", "21 March 2010", "21 Mar 2010"] {
            assert_eq!(parse_date(v), NaiveDate::from_ymd_opt(2010, 3, 21), "{v}");
        }
    }

    #[test]
    fn sent_times_are_london_local_unless_they_say_otherwise() {
        // 14 July is British Summer Time: 14:05 local is 13:05 UTC.
        for v in ["14/07/2026 14:05", "14/07/2026 at 2:05pm", "2026-07-14T13:05:00Z", "14 July 2026 14:05"] {
            assert_eq!(parse_sent(v).unwrap().to_rfc3339(), "2026-07-14T13:05:00+00:00", "{v}");
        }
    }

    #[test]
    fn safety_link_no_and_missing_required_fields() {
        let f = parse_text("Safety Link: No\nName: Sam");
        assert!(!f.safety_link);
        assert_eq!(f.missing_required(), vec!["Statement ID", "Sent"]);
    }

    #[test]
    fn sidecar_values_win() {
        let mut f = parse_text("Statement ID: A-1\nName: Sam\nSent: 21/11/2026 14:05");
        let side: Sidecar =
            serde_json::from_str(r#"{"name": "Samuel", "safety_link": true, "child_id": "NYJS-1"}"#).unwrap();
        assert!(f.apply_sidecar(side).is_empty());
        assert_eq!(f.name.as_deref(), Some("Samuel"));
        assert!(f.safety_link);
        assert_eq!(f.child_id.as_deref(), Some("NYJS-1"));
    }
}
