//! Who is who in one request: the child, the requester, the child's named
//! professionals, and the third parties whose names must not reach the
//! pack. Built from the case's structure and the staff directory.

use crate::case::Case;
use crate::staff::{Directory, same_name};

use super::classify::Party;
use super::requester::Requester;

/// The people of one request.
#[derive(Debug, Clone)]
pub(super) struct People {
    /// The child's names (given, family, preferred, nicknames).
    child: Vec<String>,
    /// The requester's name, for a parent or carer.
    requester: Option<String>,
    /// The child's named professionals: disclosed.
    professionals: Vec<String>,
    /// The case's parents and carers.
    carers: Vec<String>,
    /// Names, phone numbers and the like that must not be disclosed, each
    /// with whose they are.
    guarded: Vec<(String, Party)>,
    /// Job titles of the staff directory, by name, to say "a team manager"
    /// where a name is withheld.
    titles: Vec<(String, Option<String>)>,
}

impl People {
    /// The people of `case`, for `requester`, with `listed` third parties
    /// the officer named.
    pub(super) fn new(case: &Case, directory: &Directory, requester: &Requester, listed: &[String]) -> Self {
        let c = &case.child;
        let mut child =
            vec![format!("{} {}", c.first_name, c.last_name), c.first_name.clone(), c.last_name.clone()];
        child.extend(c.preferred_name.iter().cloned());
        child.extend(c.nicknames.iter().cloned());
        let mut professionals = vec![case.case_manager.name.clone()];
        professionals.extend(case.line_manager.iter().map(|w| w.name.clone()));
        professionals
            .extend(c.looked_after.as_ref().and_then(|l| l.social_worker.as_ref()).map(|w| w.name.clone()));
        professionals
            .extend(case.next_steps.as_ref().and_then(|n| n.worker.as_ref()).map(|w| w.name.clone()));
        if let Some(g) = &case.gatekeeping {
            professionals.extend(g.managers.iter().map(|w| w.name.clone()));
        }
        // A service agreement's contact may be family ("Dad, emergency
        // contact"): a professional only when no parent or carer.
        if let Some(a) = &case.service_agreement {
            let family = |n: &str| case.parents_carers.iter().any(|c| same_name(&c.name, n));
            professionals.extend(a.contacts.iter().filter(|w| !family(&w.name)).map(|w| w.name.clone()));
        }
        let requester_name = requester.name().map(str::to_owned);
        let mut guarded = Vec::new();
        for carer in &case.parents_carers {
            let is_requester = requester_name.as_deref().is_some_and(|n| same_name(n, &carer.name));
            if is_requester {
                continue;
            }
            // The child knows who their parents and carers are, and sees
            // them named where the case lists them (see `facts`); words
            // written about them, and their contact details, are theirs.
            // A parent or carer asking sees no other's (separated parents).
            guarded.push((carer.name.clone(), Party::FamilyMember));
            guarded.extend(carer.phone.iter().map(|p| (p.clone(), Party::FamilyMember)));
        }
        let titles: Vec<(String, Option<String>)> =
            directory.members().map(|m| (m.name.clone(), m.role.clone())).collect();
        for (name, _) in &titles {
            if !professionals.iter().any(|p| same_name(p, name)) {
                guarded.push((name.clone(), Party::Staff));
            }
        }
        guarded.extend(listed.iter().map(|n| (n.clone(), Party::Listed)));
        guarded.retain(|(text, _)| !text.trim().is_empty());
        let carers = case.parents_carers.iter().map(|c| c.name.clone()).collect();
        Self { child, requester: requester_name, professionals, carers, guarded, titles }
    }

    /// Whether `name` is one of the case's parents and carers.
    pub(super) fn is_carer(&self, name: &str) -> bool {
        self.carers.iter().any(|c| same_name(c, name))
    }

    /// Whether `name` is the child's.
    pub(super) fn is_child(&self, name: &str) -> bool {
        self.child.iter().any(|c| same_name(c, name))
    }

    /// Whether `name` is one of the child's named professionals.
    pub(super) fn is_professional(&self, name: &str) -> bool {
        self.professionals.iter().any(|p| same_name(p, name))
    }

    /// Whether `name` is the requester's.
    pub(super) fn is_requester(&self, name: &str) -> bool {
        self.requester.as_deref().is_some_and(|r| same_name(r, name))
    }

    /// Whether `name` is in the staff directory.
    pub(super) fn is_staff(&self, name: &str) -> bool {
        self.titles.iter().any(|(n, _)| same_name(n, name))
    }

    /// A member of staff who is not a named professional, as the pack
    /// shows them: by job title, where the directory records one.
    pub(super) fn staff_title(&self, name: &str) -> Option<&str> {
        self.titles.iter().find(|(n, _)| same_name(n, name)).and_then(|(_, t)| t.as_deref())
    }

    /// The third party whose name or number `text` holds, if any: the
    /// whole name, or (for family and listed people) a given name of three
    /// letters or more that is not also the child's, the requester's or a
    /// professional's, as a word of its own.
    pub(super) fn names_third_party(&self, text: &str) -> Option<Party> {
        let lower = text.to_lowercase();
        for (name, party) in &self.guarded {
            if contains_word(&lower, &name.to_lowercase()) {
                return Some(*party);
            }
            let given = name.split_whitespace().next().unwrap_or_default();
            let shared = self
                .child
                .iter()
                .chain(&self.professionals)
                .chain(self.requester.iter())
                .any(|n| n.split_whitespace().any(|w| w.eq_ignore_ascii_case(given)));
            let is_word = given.chars().all(char::is_alphabetic) && given.chars().count() >= 3;
            // Staff are matched by their whole name: a directory entry may
            // be a shared mailbox ("Northfield YJS duty officer").
            let by_given = *party != Party::Staff && name.contains(' ');
            if is_word && !shared && by_given && contains_word(&lower, &given.to_lowercase()) {
                return Some(*party);
            }
        }
        None
    }
}

/// Whether `needle` occurs in `hay` with no letter or digit either side.
fn contains_word(hay: &str, needle: &str) -> bool {
    if needle.is_empty() {
        return false;
    }
    let mut from = 0;
    while let Some(at) = hay[from..].find(needle) {
        let start = from + at;
        let end = start + needle.len();
        let before = hay[..start].chars().next_back().is_none_or(|c| !c.is_alphanumeric());
        let after = hay[end..].chars().next().is_none_or(|c| !c.is_alphanumeric());
        if before && after {
            return true;
        }
        from = start + needle.chars().next().map_or(1, char::len_utf8);
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn people(requester: Requester) -> People {
        let case: Case = serde_json::from_value(serde_json::json!({
            "schema": "casepress/case/v1", "case_id": "C-1",
            "child": {"first_name": "Sam", "last_name": "Lee", "date_of_birth": "2010-03-21"},
            "parents_carers": [
                {"name": "Dana Lee", "relationship": "Mother", "parental_responsibility": true},
                {"name": "Owen Marsh", "relationship": "Father", "phone": "07700 900 111"}
            ],
            "case_manager": {"name": "Ann Case"}, "team": "North"
        }))
        .unwrap();
        let staff: Vec<crate::staff::StaffMember> = serde_json::from_value(serde_json::json!([
            {"name": "Ann Case", "role": "Case Manager"},
            {"name": "Gill Hart", "role": "Team Manager"},
            {"name": "Northfield YJS duty officer", "role": "Duty officer"}
        ]))
        .unwrap();
        People::new(&case, &Directory::new(staff), &requester, &["Tobi Rees".to_owned()])
    }

    #[test]
    fn third_parties_are_found_by_whole_name_and_family_by_given_name_too() {
        let p = people(Requester::Parent("Dana Lee".into()));
        assert_eq!(p.names_third_party("Owen rang on Tuesday"), Some(Party::FamilyMember));
        assert_eq!(p.names_third_party("call 07700 900 111"), Some(Party::FamilyMember));
        assert_eq!(p.names_third_party("seen with Tobi Rees"), Some(Party::Listed));
        assert_eq!(p.names_third_party("agreed with Gill Hart"), Some(Party::Staff));
        // Staff by whole name only: a shared mailbox's first word is a place.
        assert_eq!(p.names_third_party("Gill said"), None);
        assert_eq!(p.names_third_party("lives in Northfield"), None);
        // The requester, the child and named workers are no third party.
        assert_eq!(p.names_third_party("Dana Lee and Sam met Ann Case"), None);
        assert!(
            p.is_requester("dana  lee") && p.is_professional("Ann Case") && !p.is_professional("Gill Hart")
        );
        assert_eq!(p.staff_title("Gill Hart"), Some("Team Manager"));
    }

    #[test]
    fn a_name_is_found_as_a_word_only() {
        assert!(contains_word("seen by desmond on tuesday", "desmond"));
        assert!(!contains_word("desmonds", "desmond"));
        assert!(contains_word("call 07700 900 929.", "07700 900 929"));
        assert!(!contains_word("", "x"));
    }
}
