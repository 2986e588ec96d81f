//! The case file as the pack shows it: every field the case holds, in the
//! case format's order, each either shown or replaced by a line saying it
//! is withheld and why. A withheld field's words are never read into the
//! pack: they stop here.

use serde::Serialize;
use serde_json::Value;

use super::classify::{Class, Party, classify};
use super::people::People;
use super::redaction::Ledger;
use super::requester::Requester;

/// One section of the pack.
#[derive(Debug, Clone, Serialize)]
pub struct Section {
    /// Its heading.
    pub title: String,
    /// Its rows, in order.
    pub rows: Vec<Row>,
}

/// One field: its label and what the pack prints for it.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// The field's name in words (`Offences › 1 › Description`).
    pub label: String,
    /// Its value, or the words saying it is withheld.
    pub value: String,
    /// Whether it is withheld.
    pub withheld: bool,
    /// Whose, when withheld.
    #[serde(skip)]
    pub(super) party: Option<Party>,
    /// The field's path, with indices.
    #[serde(skip)]
    pub(super) field: String,
}

/// The sections of the case file (`case`, as JSON), each withheld field
/// recorded in `ledger`.
pub(super) fn sections(
    case: &Value,
    people: &People,
    requester: &Requester,
    child_consents: bool,
    ledger: &mut Ledger,
) -> Vec<Section> {
    let Value::Object(fields) = case else { return Vec::new() };
    let mut walk =
        Walk { people, requester, child_consents, ledger, section: String::new(), rows: Vec::new() };
    let mut sections = Vec::new();
    let mut first = Section { title: "The case".into(), rows: Vec::new() };
    for (key, value) in fields {
        walk.section = title(key);
        walk.rows.clear();
        walk.node(&mut vec![key.clone()], &mut vec![walk.section.clone()], key, value);
        if walk.rows.is_empty() {
            continue;
        }
        if !matches!(value, Value::Object(_) | Value::Array(_)) {
            first.rows.append(&mut walk.rows);
        } else {
            sections.push(Section { title: walk.section.clone(), rows: std::mem::take(&mut walk.rows) });
        }
    }
    if !first.rows.is_empty() {
        sections.insert(0, first);
    }
    sections
}

struct Walk<'a> {
    people: &'a People,
    requester: &'a Requester,
    child_consents: bool,
    ledger: &'a mut Ledger,
    section: String,
    rows: Vec<Row>,
}

impl Walk<'_> {
    /// Shows or withholds the field at `keys` (its path without indices;
    /// `label` its words, `field` its path with indices).
    fn node(&mut self, keys: &mut Vec<String>, label: &mut Vec<String>, field: &str, value: &Value) {
        if is_empty(value) {
            return;
        }
        let path: Vec<&str> = keys.iter().map(String::as_str).collect();
        match classify(&path) {
            Class::Skip => {}
            Class::Third(party) => self.withhold(label, field, party),
            Class::ChildConfidence if !self.child_sees() => {
                self.withhold(label, field, Party::ChildConfidence)
            }
            Class::Carer if keys.len() == 1 => self.carers(keys, label, field, value),
            Class::Signer if value.get("name").is_some() => self.signature(keys, label, field, value),
            _ => self.descend(keys, label, field, value),
        }
    }

    /// Whether the child's confidences may be shown: to the child, or to a
    /// parent or carer the child agreed should have them.
    fn child_sees(&self) -> bool {
        matches!(self.requester, Requester::Child) || self.child_consents
    }

    fn descend(&mut self, keys: &mut Vec<String>, label: &mut Vec<String>, field: &str, value: &Value) {
        match value {
            Value::Object(map) => {
                for (k, v) in map {
                    keys.push(k.clone());
                    label.push(words(k));
                    self.node(keys, label, &format!("{field}.{k}"), v);
                    label.pop();
                    keys.pop();
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    label.push((i + 1).to_string());
                    // An entry for a withheld person (a contact who is
                    // family) is withheld whole: its role would say who.
                    // A member of staff's is shown by `signature`, dated.
                    let named = v
                        .get("name")
                        .and_then(Value::as_str)
                        .and_then(|n| self.people.names_third_party(n))
                        .filter(|party| *party != Party::Staff);
                    match named {
                        Some(party) => self.withhold(label, &format!("{field}[{i}]"), party),
                        None => self.node(keys, label, &format!("{field}[{i}]"), v),
                    }
                    label.pop();
                }
            }
            leaf => {
                let text = shown(leaf);
                // Every value is checked for a third party's name, a named
                // professional's too (a contact may be family).
                match self.people.names_third_party(&text) {
                    Some(party) => self.withhold(label, field, party),
                    None => self.rows.push(Row {
                        label: label_text(label),
                        value: text,
                        withheld: false,
                        party: None,
                        field: field.to_owned(),
                    }),
                }
            }
        }
    }

    /// Parents and carers: the requester's own entry; for the child, each
    /// carer's name and relationship but not their contact details; for a
    /// parent or carer, no one else's entry.
    fn carers(&mut self, keys: &mut Vec<String>, label: &mut Vec<String>, field: &str, value: &Value) {
        let Value::Array(items) = value else { return self.withhold(label, field, Party::FamilyMember) };
        for (i, item) in items.iter().enumerate() {
            label.push((i + 1).to_string());
            let field = format!("{field}[{i}]");
            let name = item.get("name").and_then(Value::as_str).unwrap_or_default();
            if self.people.is_requester(name) {
                self.descend(keys, label, &field, item);
            } else if matches!(self.requester, Requester::Child) {
                for (k, v) in item.as_object().into_iter().flatten() {
                    if is_empty(v) {
                        continue;
                    }
                    label.push(words(k));
                    if matches!(k.as_str(), "name" | "relationship" | "parental_responsibility") {
                        self.rows.push(Row {
                            label: label_text(label),
                            value: shown(v),
                            withheld: false,
                            party: None,
                            field: format!("{field}.{k}"),
                        });
                    } else {
                        self.withhold(label, &format!("{field}.{k}"), Party::FamilyMember);
                    }
                    label.pop();
                }
            } else {
                self.withhold(label, &field, Party::FamilyMember);
            }
            label.pop();
        }
    }

    /// A signature: shown when the child, the requester, a named
    /// professional or (to the child) a parent or carer signed it; another
    /// member of staff's is shown without their name; anyone else's is
    /// withheld.
    fn signature(&mut self, keys: &mut Vec<String>, label: &mut Vec<String>, field: &str, value: &Value) {
        let name = value.get("name").and_then(Value::as_str).unwrap_or_default();
        let people = self.people;
        let carer_to_child = matches!(self.requester, Requester::Child) && people.is_carer(name);
        if people.is_child(name) || people.is_requester(name) || people.is_professional(name) {
            self.descend(keys, label, field, value);
        } else if people.is_staff(name) {
            label.push("Name".into());
            self.withhold(label, &format!("{field}.name"), Party::Staff);
            label.pop();
            if let Some(date) = value.get("date") {
                label.push("Date".into());
                self.rows.push(Row {
                    label: label_text(label),
                    value: shown(date),
                    withheld: false,
                    party: None,
                    field: format!("{field}.date"),
                });
                label.pop();
            }
        } else if carer_to_child {
            self.descend(keys, label, field, value);
        } else {
            self.withhold(label, field, Party::FamilyMember);
        }
    }

    fn withhold(&mut self, label: &[String], field: &str, party: Party) {
        let value = self.ledger.withhold(&self.section, field, party);
        self.rows.push(Row {
            label: label_text(label),
            value,
            withheld: true,
            party: Some(party),
            field: field.to_owned(),
        });
    }
}

/// What a kept earlier version of the case (the one a final was made
/// from) said that the current case file does not: its rows missing from
/// `now`, section by section, withheld as the current ones are, each
/// withheld row recorded in `ledger`.
pub(super) fn differences(
    earlier: &Value,
    now: &[Section],
    people: &People,
    requester: &Requester,
    child_consents: bool,
    ledger: &mut Ledger,
) -> Vec<Section> {
    let mut scratch = Ledger::default();
    let then = sections(earlier, people, requester, child_consents, &mut scratch);
    let held = |title: &str, row: &Row| {
        now.iter()
            .filter(|s| s.title == title)
            .flat_map(|s| &s.rows)
            .any(|r| r.label == row.label && (r.value == row.value || (r.withheld && row.withheld)))
    };
    let mut out = Vec::new();
    for section in then {
        let mut rows = Vec::new();
        for mut row in section.rows {
            if held(&section.title, &row) {
                continue;
            }
            if let Some(party) = row.party {
                row.value =
                    ledger.withhold(&section.title, &format!("earlier version: {}", row.field), party);
            }
            rows.push(row);
        }
        if !rows.is_empty() {
            out.push(Section { title: section.title, rows });
        }
    }
    out
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    }
}

fn shown(value: &Value) -> String {
    match value {
        // A date as people write it; a catalogue word (`youth_rehabilitation_order`) in words.
        Value::String(s) => match chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            Ok(d) => d.format("%-d %B %Y").to_string(),
            Err(_) if s.contains('_') && s.chars().all(|c| c.is_ascii_lowercase() || c == '_') => words(s),
            Err(_) => s.clone(),
        },
        Value::Bool(true) => "Yes".into(),
        Value::Bool(false) => "No".into(),
        other => other.to_string(),
    }
}

/// The label, without the section's own name at its head.
fn label_text(label: &[String]) -> String {
    let rest = if label.len() > 1 { &label[1..] } else { label };
    rest.join(" › ")
}

/// A field's name in words: `date_of_birth` → `Date of birth`.
fn words(key: &str) -> String {
    let spaced = key.replace('_', " ");
    let mut chars = spaced.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => spaced,
    }
}

/// A section's heading.
fn title(key: &str) -> String {
    match key {
        "child" => "About the young person".into(),
        "parents_carers" => "Parents and carers".into(),
        "case_manager" => "Case manager".into(),
        "line_manager" => "Case manager's line manager".into(),
        "psr" => "Pre-sentence report".into(),
        "pprc" => "Person posing a risk to children (PPRC) record".into(),
        "mappa" => "MAPPA".into(),
        "momo" => "Mind Of My Own account".into(),
        "court" => "Court".into(),
        "offences" => "Offences".into(),
        "intervention_plan" => "Intervention plan".into(),
        "service_agreement" => "Service agreement".into(),
        "signatures" => "Signatures".into(),
        other => words(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_read_as_words() {
        assert_eq!(words("date_of_birth"), "Date of birth");
        assert_eq!(label_text(&["Offences".into(), "1".into(), "Description".into()]), "1 › Description");
        assert_eq!(title("psr"), "Pre-sentence report");
        assert_eq!(shown(&Value::from("2026-10-01")), "1 October 2026");
        assert_eq!(shown(&Value::from("youth_rehabilitation_order")), "Youth rehabilitation order");
        assert_eq!(shown(&Value::from("A_b")), "A_b");
    }
}
