//! The staff directory from configuration: each member found by the one
//! name rule, their role read once, their team and line manager, and who a
//! statement goes to when its worker is away (Bradford MOMO standards and
//! MOMO One/Express standards: the allocated worker; if they are away, the
//! named cover, else their line manager).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{Role, StaffMember, same_name};

/// Why a statement went to the person it went to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Route {
    /// The allocated worker.
    Allocated,
    /// The named cover for the allocated worker, who is away.
    Cover,
    /// The allocated worker's line manager (worker away, no cover available).
    LineManager,
}

impl Route {
    /// As the case log records it: `allocated`, `cover` or `line-manager`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Allocated => "allocated",
            Self::Cover => "cover",
            Self::LineManager => "line-manager",
        }
    }

    /// Why this person, in words for a report line.
    pub fn explained(&self) -> &'static str {
        match self {
            Self::Allocated => "allocated worker",
            Self::Cover => "cover for the allocated worker",
            Self::LineManager => "line manager: allocated worker away",
        }
    }

    /// Why this person, as a note says after the name (empty when allocated).
    pub fn note_suffix(&self) -> &'static str {
        match self {
            Self::Allocated => "",
            Self::Cover => " (covering: the allocated worker is away)",
            Self::LineManager => " (line manager: the allocated worker is away)",
        }
    }
}

/// The staff directory from config, with each member's role read once.
#[derive(Debug, Clone, Default)]
pub struct Directory {
    staff: Vec<(StaffMember, Role)>,
}

impl Directory {
    /// Builds the directory.
    pub fn new(staff: Vec<StaffMember>) -> Self {
        Self {
            staff: staff
                .into_iter()
                .map(|m| {
                    let role = Role::from_title(m.role.as_deref());
                    (m, role)
                })
                .collect(),
        }
    }

    /// Whether the service lists no staff (then names are taken as given).
    pub fn is_empty(&self) -> bool {
        self.staff.is_empty()
    }

    /// Every member, in the order configured.
    pub fn members(&self) -> impl Iterator<Item = &StaffMember> {
        self.staff.iter().map(|(m, _)| m)
    }

    /// The member of staff of this name (see [`same_name`]).
    pub fn member(&self, name: &str) -> Option<&StaffMember> {
        self.get(name)
    }

    /// The name as the directory spells it: what every record carries.
    pub fn spelled(&self, name: &str) -> Option<&str> {
        self.get(name).map(|m| m.name.as_str())
    }

    /// A member's role (`None`: not in the directory).
    pub fn role(&self, name: &str) -> Option<Role> {
        self.staff.iter().find(|(m, _)| same_name(&m.name, name)).map(|(_, r)| *r)
    }

    /// Whether `name` is a manager in the directory: a team, service or
    /// duty manager, or a head of service; a case manager is not.
    pub fn is_manager(&self, name: &str) -> bool {
        self.role(name).is_some_and(Role::is_manager)
    }

    /// A member's team, if recorded.
    pub fn team(&self, name: &str) -> Option<&str> {
        self.get(name).and_then(|m| m.team.as_deref())
    }

    fn get(&self, name: &str) -> Option<&StaffMember> {
        self.members().find(|s| same_name(&s.name, name))
    }

    /// Whether `name` is recorded as away on `day` (unknown people are not).
    pub fn away(&self, name: &str, day: NaiveDate) -> bool {
        self.get(name).is_some_and(|s| s.away_on(day))
    }

    /// A person's line manager: the directory's, else the case's.
    pub fn line_manager_of(&self, name: &str, case_line_manager: Option<&str>) -> Option<String> {
        self.get(name).and_then(|s| s.line_manager.clone()).or(case_line_manager.map(str::to_owned))
    }

    /// Bradford MOMO standards, "Re-assigning Statements 1": if the worker is away, "the
    /// statement will be re-assigned to the named person providing cover or
    /// the worker's line manager".
    pub fn assign(&self, worker: &str, case_line_manager: Option<&str>, day: NaiveDate) -> (String, Route) {
        if !self.away(worker, day) {
            return (worker.to_owned(), Route::Allocated);
        }
        if let Some(cover) = self.get(worker).and_then(|s| s.cover.clone())
            && !self.away(&cover, day)
        {
            return (cover, Route::Cover);
        }
        match self.line_manager_of(worker, case_line_manager) {
            Some(manager) => (manager, Route::LineManager),
            None => (worker.to_owned(), Route::Allocated),
        }
    }

    /// Email of a person, if the directory has it.
    pub fn email(&self, name: &str) -> Option<String> {
        self.get(name).and_then(|s| s.email.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::staff::Absence;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn person(name: &str, manager: &str, cover: Option<&str>, away: Option<(&str, &str)>) -> StaffMember {
        StaffMember {
            name: name.into(),
            email: None,
            team: None,
            role: None,
            line_manager: Some(manager.into()),
            cover: cover.map(Into::into),
            away: away.map(|(f, t)| vec![Absence { from: d(f), to: d(t) }]).unwrap_or_default(),
        }
    }

    #[test]
    fn bradford_reassign_to_cover_or_line_manager_when_away() {
        let dir = Directory::new(vec![
            person("Priya", "Declan", Some("Tom"), Some(("2026-11-20", "2026-11-27"))),
            person("Tom", "Declan", None, None),
            person("Ann", "Declan", Some("Bob"), Some(("2026-11-23", "2026-11-23"))),
            person("Bob", "Declan", None, Some(("2026-11-01", "2026-11-30"))),
        ]);
        let day = d("2026-11-23");
        assert_eq!(dir.assign("Priya", None, d("2026-11-19")), ("Priya".into(), Route::Allocated));
        assert_eq!(dir.assign("Priya", None, day), ("Tom".into(), Route::Cover));
        assert_eq!(dir.assign("Ann", None, day), ("Declan".into(), Route::LineManager), "cover is away too");
        assert_eq!(
            dir.assign("Unknown Worker", Some("Zed"), day),
            ("Unknown Worker".into(), Route::Allocated)
        );
    }
}
