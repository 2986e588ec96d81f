//! PSR language (Derbyshire practice guidance §7.1). Gatekeeping is in
//! `gatekeeping`.

use serde::Serialize;

use crate::case::Case;

/// A phrase in a PSR that Derbyshire practice guidance §7.1 asks authors to avoid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LanguageFinding {
    /// Where it was found, e.g. `psr.conclusion`.
    pub field: String,
    /// The words found.
    pub phrase: String,
    /// Why it matters, in plain words (the `check` finding cites the source).
    pub why: &'static str,
}

// In plain words: documents state the rule, and `check` cites the source
// (Derbyshire practice guidance §7.1) in its finding.
const NEGATIVE: &str =
    "use much less negative language, especially 'entrenched' patterns of offending or 'history of...'";
const CUSTODY: &str = "do not introduce custody as a likely 'starting point' or 'strong option'";
const STRENGTHS: &str = "strengths and positives must be evidenced in a PSR";

/// Flags the phrases Derbyshire practice guidance §7.1 warns against, and a PSR with no strengths.
pub fn language_findings<'a>(case: &'a Case) -> Vec<LanguageFinding> {
    let Some(psr) = &case.psr else { return Vec::new() };
    let mut texts: Vec<(&str, &str)> = vec![];
    let mut push = |field: &'static str, text: &'a Option<String>| {
        if let Some(t) = text {
            texts.push((field, t.as_str()));
        }
    };
    push("psr.introduction", &psr.introduction);
    push("psr.conclusion", &psr.conclusion);
    if let Some(o) = &psr.offence_analysis {
        push("psr.offence_analysis.seriousness", &o.seriousness);
        push("psr.offence_analysis.basis_of_plea", &o.basis_of_plea);
        push("psr.offence_analysis.victims", &o.victims);
    }
    if let Some(c) = &psr.child_assessment {
        push("psr.child_assessment.circumstances", &c.circumstances);
        push("psr.child_assessment.family", &c.family);
        push("psr.child_assessment.education", &c.education);
        push("psr.child_assessment.health", &c.health);
        push("psr.child_assessment.looked_after", &c.looked_after);
    }
    if let Some(r) = &psr.risk_assessment {
        push("psr.risk_assessment.reoffending", &r.reoffending);
        push("psr.risk_assessment.serious_harm", &r.serious_harm);
        push("psr.risk_assessment.safety_wellbeing", &r.safety_wellbeing);
    }
    if let Some(p) = &psr.proposal {
        push("psr.proposal.rationale", &p.rationale);
    }

    let mut findings = Vec::new();
    for (field, text) in texts {
        let lower = text.to_lowercase();
        let mut flag = |phrase: &str, why| {
            findings.push(LanguageFinding { field: field.into(), phrase: phrase.into(), why });
        };
        if lower.contains("entrenched") {
            flag("entrenched", NEGATIVE);
        }
        if lower.contains("history of") {
            flag("history of", NEGATIVE);
        }
        if lower.contains("custody") || lower.contains("custodial") {
            for phrase in ["starting point", "strong option"] {
                if lower.contains(phrase) {
                    flag(phrase, CUSTODY);
                }
            }
        }
    }
    if case.strengths.iter().all(|s| s.trim().is_empty()) {
        findings.push(LanguageFinding {
            field: "strengths".into(),
            phrase: "no strengths recorded".into(),
            why: STRENGTHS,
        });
    }
    findings
}
