//! The redaction log: what a pack withholds, where, and why. It names the
//! field and the reason, never the words withheld, so it can travel with
//! the pack (and a copy of it is the pack's last section).

use serde::Serialize;

use super::classify::Party;

/// One thing withheld.
#[derive(Debug, Clone, Serialize)]
pub struct Redaction {
    /// Its reference in the pack: `W1`, `W2`, …
    pub reference: String,
    /// The pack's section.
    pub section: String,
    /// The field, as the case format or the record names it
    /// (`offences[0].victims`, `case log 2026-11-20 submitted: who`).
    pub field: String,
    /// Whose information it is.
    pub party: Party,
    /// Why, in words the requester reads.
    pub reason: &'static str,
    /// The law or guidance it is withheld under.
    pub basis: &'static str,
}

/// The redactions of one pack, in the order the pack shows them.
#[derive(Debug, Clone, Default)]
pub(super) struct Ledger {
    pub(super) entries: Vec<Redaction>,
}

impl Ledger {
    /// Records a withheld item and gives the words the pack prints in its
    /// place: the reference and the reason, nothing of what was withheld.
    pub(super) fn withhold(&mut self, section: &str, field: &str, party: Party) -> String {
        let reference = self.record(section, field, party);
        format!("Withheld ({reference}): {}", party.reason())
    }

    /// Records a withheld item and gives its reference, for a caller that
    /// prints its own words in its place ("a member of staff: Team Manager
    /// (name withheld, W3)").
    pub(super) fn record(&mut self, section: &str, field: &str, party: Party) -> String {
        let reference = format!("W{}", self.entries.len() + 1);
        self.entries.push(Redaction {
            reference: reference.clone(),
            section: section.to_owned(),
            field: field.to_owned(),
            party,
            reason: party.reason(),
            basis: party.basis(),
        });
        reference
    }
}

/// The redaction log as CSV (`reference,section,field,party,reason,basis`).
/// Every cell is quoted, and one that a spreadsheet would read as a formula
/// starts with an apostrophe (OWASP CSV injection).
pub fn csv(entries: &[Redaction]) -> Vec<u8> {
    let mut out = String::from("reference,section,field,party,reason,basis\n");
    for r in entries {
        let party = serde_json::to_value(r.party).ok().and_then(|v| v.as_str().map(str::to_owned));
        let cells = [
            r.reference.as_str(),
            r.section.as_str(),
            r.field.as_str(),
            party.as_deref().unwrap_or_default(),
            r.reason,
            r.basis,
        ];
        let line: Vec<String> = cells.iter().map(|c| cell(c)).collect();
        out.push_str(&line.join(","));
        out.push('\n');
    }
    out.into_bytes()
}

fn cell(text: &str) -> String {
    let text =
        if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text.to_owned() };
    format!("\"{}\"", text.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_names_the_field_and_reason_and_quotes_every_cell() {
        let mut ledger = Ledger::default();
        let shown = ledger.withhold("Offences", "offences[0].victims", Party::Victim);
        assert_eq!(shown, "Withheld (W1): information about a victim of an offence");
        let text = String::from_utf8(csv(&ledger.entries)).unwrap();
        assert!(text.starts_with("reference,section,field,party,reason,basis\n"), "{text}");
        assert!(text.contains("\"W1\",\"Offences\",\"offences[0].victims\",\"victim\""), "{text}");
        assert_eq!(cell("=cmd"), "\"'=cmd\"");
    }
}
