//! How a rule is cited to a reader: as a section of the service's own
//! practice standards, or as the national law or guidance it is. Output
//! never names another authority's guidance: `docs/sources.md` maps each
//! section to the public document it was read from.

use serde::Serialize;

/// The rule a deadline, form or finding follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// The section of the service's standards, or the national source.
    pub name: &'static str,
    /// Law or national guidance, which binds every service and is cited by
    /// its own name.
    pub national: bool,
}

impl Rule {
    const fn own(name: &'static str) -> Self {
        Self { name, national: false }
    }

    const fn national(name: &'static str) -> Self {
        Self { name, national: true }
    }

    /// Assessment within 15 working days of a court order.
    pub const ASSESSMENT: Self = Self::own("assessment after a court order");
    /// A child's plan in young-person friendly language.
    pub const PLAN_LANGUAGE: Self = Self::own("focus and content of intervention plans");
    /// The intervention level: the practitioner's judgement, agreed by a manager.
    pub const INTERVENTION_LEVEL: Self = Self::own("the intervention level");
    /// The service agreement every young person signs.
    pub const SERVICE_AGREEMENT: Self = Self::own("service agreements");
    /// What an intervention plan holds and who signs it.
    pub const PLAN: Self = Self::own("intervention plans");
    /// A manager's quality-assurance meeting before a plan is agreed.
    pub const PLAN_QUALITY: Self = Self::own("quality assurance of intervention plans");
    /// Plans reviewed at least every six months.
    pub const PLAN_REVIEW: Self = Self::own("review of intervention plans");
    /// A restorative intervention in every plan.
    pub const RESTORATIVE: Self = Self::own("restorative intervention");
    /// How a PSR is written.
    pub const PSR_WRITING: Self = Self::own("writing a pre-sentence report");
    /// Gatekeeping of PSRs and progress reports, and when they go to managers.
    pub const GATEKEEPING: Self = Self::own("gatekeeping of court reports");
    /// Risk Management Plans.
    pub const RISK_PLAN: Self = Self::own("risk management plans");
    /// Vulnerability Management Plans.
    pub const VULNERABILITY_PLAN: Self = Self::own("vulnerability management plans");
    /// Monthly Risk and Vulnerability Management Meetings.
    pub const RISK_MEETINGS: Self = Self::own("risk and vulnerability management meetings");
    /// MAPPA H notifications and MAPPA A referrals.
    pub const MAPPA: Self = Self::own("MAPPA notification and referral");
    /// People posing a risk to children: the PPRC 2 and PPRC 7 forms.
    pub const PPRC: Self = Self::own("people posing a risk to children (PPRC)");
    /// Joint cases with the leaving care service.
    pub const NEXT_STEPS: Self = Self::own("joint work with the leaving care service");
    /// Filing and assigning Mind Of My Own statements.
    pub const STATEMENTS: Self = Self::own("Mind Of My Own statements");
    /// MAPPA categories and levels, as national guidance sets them.
    pub const MAPPA_GUIDANCE: Self = Self::national("MAPPA Guidance");
    /// Specified offences and dangerousness.
    pub const SENTENCING_ACT: Self = Self::national("Sentencing Act 2020");
    /// The age that matters at sentence.
    pub const SENTENCING_GUIDELINE: Self = Self::national("Sentencing Children and Young People guideline");

    /// As a reader sees it: "Northfield YJS practice standards, gatekeeping
    /// of court reports", or "Sentencing Act 2020".
    pub fn cite(self, policy: &str) -> String {
        if self.national { self.name.to_owned() } else { format!("{policy}, {}", self.name) }
    }
}

/// In JSON, the section's name (the report names the policy once).
impl Serialize for Rule {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::Rule;

    #[test]
    fn a_section_is_cited_as_the_services_own_and_the_law_by_its_name() {
        let policy = "Northfield YJS practice standards";
        assert_eq!(
            Rule::GATEKEEPING.cite(policy),
            "Northfield YJS practice standards, gatekeeping of court reports"
        );
        assert_eq!(Rule::SENTENCING_ACT.cite(policy), "Sentencing Act 2020");
        assert_eq!(
            serde_json::to_string(&Rule::PPRC).unwrap(),
            "\"people posing a risk to children (PPRC)\""
        );
    }
}
