//! What each field of the case format is about: the child, a named
//! professional, a parent or carer, or a third party (a victim, another
//! child, another member of the family). Read from the field's place in
//! the case format, never from its words: a victim's description is
//! withheld because it is a victim's, whatever it says.

use serde::Serialize;

/// A third party, or the child's confidence, that a field is withheld for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Party {
    /// A victim of an offence.
    Victim,
    /// Another child (a child the young person is in contact with).
    OtherChild,
    /// Another member of the family: a parent or carer who is not the
    /// requester, the family's own circumstances.
    FamilyMember,
    /// A member of staff who is not one of the child's named professionals.
    Staff,
    /// A person the officer preparing the pack listed as a third party
    /// (`--third-party`): a co-defendant, a witness, a sibling named in
    /// the writer's words.
    Listed,
    /// The child's own views, health or statements, told to the service by
    /// the child: given to a parent or carer only with the child's agreement.
    ChildConfidence,
    /// A field casepress does not classify yet: withheld until a person
    /// reviews it.
    Unclassified,
}

impl Party {
    /// Why it is withheld, in words the requester reads.
    pub fn reason(self) -> &'static str {
        match self {
            Self::Victim => "information about a victim of an offence",
            Self::OtherChild => "information about another child",
            Self::FamilyMember => "information about another member of the family",
            Self::Staff => "the name of a member of staff who is not one of your named workers",
            Self::Listed => "it names another person",
            Self::ChildConfidence => {
                "the young person's own views, health or messages, shared with a parent or carer only with their agreement"
            }
            Self::Unclassified => "information we have not yet reviewed for other people's details",
        }
    }

    /// The law or guidance it is withheld under.
    pub fn basis(self) -> &'static str {
        match self {
            Self::ChildConfidence => {
                "the right of access is the child's: a parent acts for a child who agrees or cannot understand the request (ICO right of access guidance)"
            }
            Self::Unclassified => "held back for review before release",
            _ => {
                "information identifying another person (Data Protection Act 2018, Schedule 2 paragraph 16; section 45(4)(e) for law enforcement processing)"
            }
        }
    }
}

/// What a field is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// Not information about anyone: the format's version.
    Skip,
    /// The child's own information (checked for third parties' names).
    Own,
    /// A named professional working with the child: disclosed.
    Professional,
    /// A parent or carer entry: disclosed by who asks (see `facts`).
    Carer,
    /// A signature: disclosed by who signed (see `facts`).
    Signer,
    /// The child's confidence: withheld from a parent or carer unless the
    /// child agrees.
    ChildConfidence,
    /// A third party's: always withheld.
    Third(Party),
}

/// Field paths (without array indices), most specific first where one is
/// inside another. The top-level sections the child's own information is in
/// come last.
const RULES: &[(&str, Class)] = &[
    ("$schema", Class::Skip),
    ("schema", Class::Skip),
    ("offences.victims", Class::Third(Party::Victim)),
    ("psr.offence_analysis.victims", Class::Third(Party::Victim)),
    ("mappa.victim_issues", Class::Third(Party::Victim)),
    // Who else is at risk of serious harm, and the victim's view to the court.
    ("serious_harm.groups", Class::Third(Party::Victim)),
    ("progress_report.victim_view", Class::Third(Party::Victim)),
    ("progress_report.parent_view", Class::Third(Party::FamilyMember)),
    ("pprc.children_in_contact", Class::Third(Party::OtherChild)),
    ("mappa.referral_shared.parent_views", Class::Third(Party::FamilyMember)),
    ("mappa.referral_shared.child_views", Class::ChildConfidence),
    ("mappa.childrens_services", Class::Professional),
    ("psr.child_assessment.family", Class::Third(Party::FamilyMember)),
    ("psr.child_assessment.parenting", Class::Third(Party::FamilyMember)),
    ("parents_carers", Class::Carer),
    ("case_manager", Class::Professional),
    ("line_manager", Class::Professional),
    ("child.looked_after.social_worker", Class::Professional),
    ("next_steps.worker", Class::Professional),
    ("gatekeeping.managers", Class::Professional),
    ("service_agreement.contacts", Class::Professional),
    ("intervention_plan.child_views", Class::ChildConfidence),
    ("intervention_plan.child_agrees", Class::ChildConfidence),
    ("intervention_plan.child_answered", Class::ChildConfidence),
    ("progress_report.child_view", Class::ChildConfidence),
    ("intervention_plan.childs_part", Class::ChildConfidence),
    ("service_agreement.sharing.young_person", Class::ChildConfidence),
    ("psr.child_assessment.health", Class::ChildConfidence),
    ("child.gender", Class::ChildConfidence),
    ("momo", Class::ChildConfidence),
    ("intervention_plan.signatures", Class::Signer),
    ("service_agreement.signatures", Class::Signer),
    ("psr.signed", Class::Signer),
    ("progress_report.signed", Class::Signer),
    ("signatures", Class::Signer),
    ("case_id", Class::Own),
    ("team", Class::Own),
    ("child", Class::Own),
    ("order", Class::Own),
    ("offences", Class::Own),
    ("court", Class::Own),
    ("assessment", Class::Own),
    ("strengths", Class::Own),
    ("psr", Class::Own),
    ("gatekeeping", Class::Own),
    ("progress_report", Class::Own),
    ("intervention_plan", Class::Own),
    ("service_agreement", Class::Own),
    ("mappa", Class::Own),
    ("pprc", Class::Own),
    ("risk_management_plan", Class::Own),
    ("vulnerability_management_plan", Class::Own),
    ("risk_meetings", Class::Own),
    ("next_risk_meeting", Class::Own),
    ("serious_harm", Class::Own),
    ("reoffending", Class::Own),
    ("next_steps", Class::Own),
    ("end_of_order", Class::Own),
    ("offending_history", Class::Own),
    ("transfer", Class::Own),
];

/// The class of the field at `path` (keys only, no indices), by the
/// longest rule that is the path or a prefix of it. A top-level field no
/// rule names is unclassified, and so withheld: a field added to the case
/// format is never disclosed before someone decides whose it is.
pub fn classify(path: &[&str]) -> Class {
    let joined = path.join(".");
    RULES
        .iter()
        .filter(|(rule, _)| joined == *rule || joined.starts_with(&format!("{rule}.")))
        .max_by_key(|(rule, _)| rule.len())
        .map(|(_, class)| *class)
        .unwrap_or(Class::Third(Party::Unclassified))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_most_specific_rule_wins_and_a_new_field_is_withheld() {
        assert_eq!(classify(&["offences", "description"]), Class::Own);
        assert_eq!(classify(&["offences", "victims"]), Class::Third(Party::Victim));
        assert_eq!(classify(&["offences", "victims", "description"]), Class::Third(Party::Victim));
        assert_eq!(classify(&["psr", "child_assessment", "family"]), Class::Third(Party::FamilyMember));
        assert_eq!(classify(&["psr", "child_assessment", "education"]), Class::Own);
        assert_eq!(classify(&["child", "looked_after", "social_worker", "name"]), Class::Professional);
        assert_eq!(classify(&["child", "looked_after", "placement"]), Class::Own);
        assert_eq!(classify(&["signatures", "gatekeeping", "name"]), Class::Signer);
        assert_eq!(classify(&["a_field_added_later"]), Class::Third(Party::Unclassified));
        // "psr_extra" is not inside "psr".
        assert_eq!(classify(&["psr_extra"]), Class::Third(Party::Unclassified));
    }
}
