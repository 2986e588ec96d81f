//! Who signs a document, by the part they sign in: the report's author, or
//! the young person, a parent or carer, the case manager and the manager who
//! agree a plan or an agreement.

use serde::{Deserialize, Serialize};

/// The part a signature is given in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Signer {
    /// The author of a court report.
    Author,
    /// The young person.
    YoungPerson,
    /// A parent or carer.
    ParentCarer,
    /// The case manager.
    CaseManager,
    /// The manager who agrees a plan.
    Manager,
}

impl Signer {
    /// Every part, in the order a signature table lists them.
    pub const ALL: [Self; 5] =
        [Self::Author, Self::YoungPerson, Self::ParentCarer, Self::CaseManager, Self::Manager];

    /// As the command line and the case log name it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Author => "author",
            Self::YoungPerson => "young-person",
            Self::ParentCarer => "parent-carer",
            Self::CaseManager => "case-manager",
            Self::Manager => "manager",
        }
    }

    /// In words ("the young person").
    pub fn words(self) -> &'static str {
        match self {
            Self::Author => "the author",
            Self::YoungPerson => "the young person",
            Self::ParentCarer => "a parent or carer",
            Self::CaseManager => "the case manager",
            Self::Manager => "the manager",
        }
    }

    /// From its command-line name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.name() == name)
    }

    /// Whether the signer is a member of staff, who signs for themselves
    /// (otherwise a member of staff records the signature of someone named).
    pub fn is_staff(self) -> bool {
        matches!(self, Self::Author | Self::CaseManager | Self::Manager)
    }
}

impl std::fmt::Display for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
