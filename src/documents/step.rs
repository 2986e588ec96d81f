//! The steps of a document's life and the phases they lead to:
//! draft → submitted → returned (with comments) or agreed → final → sent.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A step recorded in the case log. Its serde name is what the log has
/// always said (`submitted`, `returned`, `agreed`, `final`, `sent`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Step {
    /// A version was submitted for gatekeeping or sign-off.
    Submitted,
    /// A reviewer returned the version with comments.
    Returned,
    /// A reviewer agreed the version.
    Agreed,
    /// The agreed version was made final.
    Final,
    /// The final was sent.
    Sent,
    /// Someone signed the version (the author, or the young person, a
    /// parent or carer, the case manager or the manager on a plan or an
    /// agreement). Never changes the document's phase.
    Signed,
    /// A PSR's gatekeeping meeting was held: the day, and who was there
    /// (Derbyshire practice guidance §7.3: "a formal meeting should be held
    /// between manager and practitioner to discuss the PSR"). Recorded by
    /// a manager who was there, about the version discussed. Never changes
    /// the document's phase.
    Meeting,
}

impl Step {
    /// As the case log records it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Submitted => "submitted",
            Self::Returned => "returned",
            Self::Agreed => "agreed",
            Self::Final => "final",
            Self::Sent => "sent",
            Self::Signed => "signed",
            Self::Meeting => "meeting",
        }
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A document's phase, folded from its steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Phase {
    /// Never rendered.
    None,
    /// A draft, not yet submitted (or changed since).
    Draft,
    /// Submitted for gatekeeping or sign-off.
    Submitted,
    /// Returned with comments: to amend and resubmit.
    Returned,
    /// Agreed by at least one reviewer.
    Agreed,
    /// Final: frozen.
    Final,
    /// Final and sent.
    Sent,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_read_as_the_log_spells_them() {
        for step in [Step::Submitted, Step::Returned, Step::Agreed, Step::Final, Step::Sent, Step::Meeting] {
            assert_eq!(serde_json::to_string(&step).unwrap(), format!("\"{}\"", step.name()));
        }
    }
}
