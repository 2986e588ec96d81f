//! Who may see a child's record in the workspace. Pure: the staff
//! directory, the case and its documents' states are passed in.
//!
//! - A case manager sees the cases allocated to them, and those of a
//!   colleague they cover while that colleague is away.
//! - A manager sees their team's cases, the cases they line-manage, and any
//!   document submitted to them for gatekeeping or sign-off (the second
//!   gatekeeper, from another team, among them).
//! - The head of service sees a case whose gatekeepers disagree: they decide.
//! - Nobody else sees a child's record.

use chrono::NaiveDate;

use crate::case::Case;
use crate::history::{DocState, Phase};
use crate::staff::{Directory, Role, same_name};

/// Why someone may see a case (the first reason that applies).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    /// Their case.
    Allocated,
    /// They cover the allocated worker, who is away.
    Covering,
    /// Their team's case, or one they line-manage.
    Managing,
    /// A document was submitted to them.
    Reviewing,
    /// The head of service, where the gatekeepers disagree.
    Deciding,
}

/// Whether (and why) `who` may see `case` on `today`.
pub fn may_see(
    directory: &Directory,
    head_of_service: Option<&str>,
    who: &str,
    case: &Case,
    states: &[DocState],
    today: NaiveDate,
) -> Option<Why> {
    let same = |a: &str| same_name(a, who);
    let allocated = &case.case_manager.name;
    if same(allocated) {
        return Some(Why::Allocated);
    }
    let covers = directory.member(allocated).and_then(|m| m.cover.as_deref()).is_some_and(same);
    if covers && directory.away(allocated, today) {
        return Some(Why::Covering);
    }
    if directory.is_manager(who) {
        let team = directory.member(who).and_then(|m| m.team.as_deref());
        let line_manages = case.line_manager.as_ref().is_some_and(|m| same(&m.name))
            || directory.line_manager_of(allocated, None).as_deref().is_some_and(same);
        if team.is_some_and(|t| t.trim().eq_ignore_ascii_case(case.team.trim())) || line_manages {
            return Some(Why::Managing);
        }
        let submitted_to_them = states.iter().any(|s| {
            matches!(s.phase, Phase::Submitted | Phase::Agreed) && s.submitted_to.iter().any(|n| same(n))
        });
        if submitted_to_them {
            return Some(Why::Reviewing);
        }
    }
    if head_of_service.is_some_and(same) && states.iter().any(DocState::disagreement) {
        return Some(Why::Deciding);
    }
    None
}

/// What a person may do on the statements desk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::workspace) enum DeskRole {
    /// Admin staff: they file statements.
    Admin,
    /// A manager: acts on statements, and attaches one to a case.
    Manager,
}

/// Who may use the desk: admin staff and managers.
pub(in crate::workspace) fn desk_role(staff: &Directory, who: &str) -> Option<DeskRole> {
    match staff.role(who)? {
        Role::Manager | Role::HeadOfService => Some(DeskRole::Manager),
        Role::Admin => Some(DeskRole::Admin),
        Role::CaseManager | Role::Other => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::StaffMember;

    fn staff(name: &str, team: &str, role: &str, cover: Option<&str>) -> StaffMember {
        let mut m: StaffMember =
            toml::from_str(&format!("name = {name:?}\nteam = {team:?}\nrole = {role:?}")).unwrap();
        m.cover = cover.map(str::to_owned);
        m
    }

    fn directory() -> Directory {
        let mut priya = staff("Priya Natarajan", "North Team", "Case Manager", Some("Sarah Bennett"));
        priya.away = vec![toml::from_str("from = \"2026-11-23\"\nto = \"2026-11-27\"").unwrap()];
        Directory::new(vec![
            priya,
            staff("Sarah Bennett", "North Team", "Case Manager", None),
            staff("Tom Ashworth", "South Team", "Case Manager", None),
            staff("Declan Hughes", "North Team", "Team Manager", None),
            staff("Ruth Okafor", "South Team", "Team Manager", None),
        ])
    }

    fn case() -> Case {
        let json = r#"{"schema": "casepress/case/v1", "case_id": "NYJS-2026-9001",
            "child": {"first_name": "Test", "last_name": "Child", "date_of_birth": "2011-01-01"},
            "case_manager": {"name": "Priya Natarajan"}, "team": "North Team"}"#;
        crate::case::parse_bytes(json.as_bytes(), std::path::Path::new("t.json")).remove(0).unwrap().case
    }

    fn submitted_to(names: &[&str]) -> DocState {
        let mut s = crate::history::fold(&[], crate::documents::DocumentKind::Psr);
        s.phase = Phase::Submitted;
        s.submitted_to = names.iter().map(|n| n.to_string()).collect();
        s
    }

    #[test]
    fn who_sees_a_case() {
        let (d, c) = (directory(), case());
        let day = |s: &str| s.parse::<NaiveDate>().unwrap();
        let away = day("2026-11-24");
        let back = day("2026-12-01");
        let see =
            |who: &str, states: &[DocState], on| may_see(&d, Some("Helen Adeyemi"), who, &c, states, on);
        assert_eq!(see("priya natarajan", &[], back), Some(Why::Allocated));
        assert_eq!(see("Sarah Bennett", &[], away), Some(Why::Covering));
        assert_eq!(see("Sarah Bennett", &[], back), None, "cover only while the worker is away");
        assert_eq!(see("Declan Hughes", &[], back), Some(Why::Managing));
        assert_eq!(see("Ruth Okafor", &[], back), None, "another team's manager");
        assert_eq!(see("Ruth Okafor", &[submitted_to(&["Ruth Okafor"])], back), Some(Why::Reviewing));
        assert_eq!(see("Tom Ashworth", &[submitted_to(&["Tom Ashworth"])], back), None, "not a manager");
        assert_eq!(see("Helen Adeyemi", &[], back), None);
        assert_eq!(see("Nobody", &[], back), None);
    }
}
