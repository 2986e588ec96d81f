//! A member of staff's role, parsed once from the job title the directory
//! records, so every rule asks the same question the same way.

/// What a job title lets a person do in casepress.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Writes reports and plans (case manager, senior case manager,
    /// practitioner): never reviews them.
    CaseManager,
    /// A team, service or duty manager: gatekeeps, signs off, decides.
    Manager,
    /// Head of service: a manager who also decides disagreements.
    HeadOfService,
    /// Admin or business support: files statements.
    Admin,
    /// Any other title, or none recorded.
    Other,
}

impl Role {
    /// Reads a job title. A "case manager" (however senior) is not a
    /// manager; a "head of" is.
    pub fn from_title(title: Option<&str>) -> Self {
        let Some(title) = title else { return Self::Other };
        let t = title.to_lowercase();
        if t.contains("head of") {
            Self::HeadOfService
        } else if t.contains("case manager") {
            Self::CaseManager
        } else if t.contains("manager") {
            Self::Manager
        } else if t.contains("admin") || t.contains("business support") {
            Self::Admin
        } else {
            Self::Other
        }
    }

    /// A manager: may review, sign off and act on the statements desk.
    pub fn is_manager(self) -> bool {
        matches!(self, Self::Manager | Self::HeadOfService)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_read_once() {
        assert_eq!(Role::from_title(Some("Team Manager")), Role::Manager);
        assert_eq!(Role::from_title(Some("Duty manager")), Role::Manager);
        assert_eq!(Role::from_title(Some("Senior Case Manager")), Role::CaseManager);
        assert_eq!(Role::from_title(Some("Head of Service")), Role::HeadOfService);
        assert_eq!(Role::from_title(Some("Business Support Officer")), Role::Admin);
        assert_eq!(Role::from_title(Some("Admin")), Role::Admin);
        assert_eq!(Role::from_title(None), Role::Other);
        assert!(!Role::from_title(Some("Case Manager")).is_manager());
        assert!(Role::from_title(Some("Head of Youth Justice")).is_manager());
    }
}
