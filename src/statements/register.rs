//! The case register: which case a statement belongs to.
//!
//! Bradford MOMO standards: a statement from a child who cannot be identified is never
//! assigned. A match must therefore be unambiguous: the statement's child id
//! when it names a case, otherwise its date of birth plus a name the child is
//! known by. None or several candidates means unidentified.

use chrono::NaiveDate;

use super::fields::StatementFields;
use crate::case::Case;

/// One case as the register knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Case id.
    pub case_id: String,
    /// The child's full name.
    pub child: String,
    /// Dates of birth: the recorded one and any the child gave the app.
    pub dobs: Vec<NaiveDate>,
    /// Names the child is known by, normalised.
    pub names: Vec<String>,
    /// Allocated worker.
    pub case_manager: String,
    /// The case's line manager, if recorded.
    pub line_manager: Option<String>,
}

/// Every case, for matching.
#[derive(Debug, Clone, Default)]
pub struct Register {
    entries: Vec<Entry>,
}

/// How a statement matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Match<'a> {
    /// Exactly one case.
    One(&'a Entry),
    /// No case, or more than one: `candidates` is how many matched.
    Unidentified {
        /// Number of candidate cases (0 or 2+).
        candidates: usize,
    },
}

fn normalise(name: &str) -> String {
    name.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

impl Register {
    /// Builds the register from loaded cases.
    pub fn new<'a>(cases: impl IntoIterator<Item = &'a Case>) -> Self {
        let entries = cases
            .into_iter()
            .map(|c| {
                let child = &c.child;
                let mut names =
                    vec![child.first_name.clone(), format!("{} {}", child.first_name, child.last_name)];
                names.extend(child.preferred_name.clone());
                if let Some(p) = &child.preferred_name {
                    names.push(format!("{p} {}", child.last_name));
                }
                names.extend(child.nicknames.iter().cloned());
                let momo = c.momo.clone().unwrap_or_default();
                names.extend(momo.name);
                let mut dobs = vec![child.date_of_birth];
                dobs.extend(momo.date_of_birth);
                Entry {
                    case_id: c.case_id.to_string(),
                    child: format!("{} {}", child.first_name, child.last_name),
                    dobs,
                    names: names.iter().map(|n| normalise(n)).filter(|n| !n.is_empty()).collect(),
                    case_manager: c.case_manager.name.clone(),
                    line_manager: c.line_manager.as_ref().map(|w| w.name.clone()),
                }
            })
            .collect();
        Self { entries }
    }

    /// The case a statement belongs to, if exactly one.
    pub fn find(&self, f: &StatementFields) -> Match<'_> {
        if let Some(id) = &f.child_id
            && let Some(e) =
                self.entries.iter().find(|e| crate::case::id_key(&e.case_id) == crate::case::id_key(id))
        {
            return Match::One(e);
        }
        let (Some(dob), Some(name)) = (f.date_of_birth, f.name.as_deref()) else {
            return Match::Unidentified { candidates: 0 };
        };
        let name = normalise(name);
        let candidates: Vec<&Entry> =
            self.entries.iter().filter(|e| e.dobs.contains(&dob) && e.names.contains(&name)).collect();
        match candidates.as_slice() {
            [one] => Match::One(one),
            many => Match::Unidentified { candidates: many.len() },
        }
    }
}
