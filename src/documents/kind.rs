//! The document kinds and one specification per kind.

use std::fmt;
use std::str::FromStr;

use super::signer::Signer;
use serde::{Deserialize, Serialize};

/// A kind of document casepress renders. Its serde name is the catalogue
/// name (`psr`, `mappa-h`, …), as file names and case logs spell it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DocumentKind {
    /// Pre-sentence report.
    Psr,
    /// PSR gatekeeping record sheet.
    Gatekeeping,
    /// Intervention plan.
    InterventionPlan,
    /// Service agreement.
    ServiceAgreement,
    /// MAPPA H: initial notification of a MAPPA nominal.
    MappaH,
    /// MAPPA A: referral to MAPPA level 2 or 3.
    MappaA,
    /// PPRC 2: referral to children's services when risks to children are identified.
    #[serde(rename = "pprc-2")]
    Pprc2,
    /// PPRC 7: PPRC reassessment at closure.
    #[serde(rename = "pprc-7")]
    Pprc7,
    /// Risk facts sheet: ROSH, reoffending, safety and wellbeing, MAPPA, PPRC, plans.
    RiskSummary,
    /// Progress report to the court, gatekept like a PSR.
    ProgressReport,
}

/// How a document is reviewed before it may be made final.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Review {
    /// Gatekept by managers: one, or two (one from another team) when
    /// custody is a strong possibility (Derbyshire practice guidance §7.3,
    /// §7.5 for progress reports).
    Gatekeeping,
    /// Signed off by the case manager's line manager (Wolverhampton YOT
    /// guidance §11).
    LineManagerSignOff,
    /// Final once the people it names have signed it; no manager review
    /// step is recorded (Derbyshire practice guidance §2.6, §4).
    Signatures,
    /// Final when made: it records another document's review.
    None,
}

/// What the service knows about one kind of document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spec {
    /// The kind.
    pub kind: DocumentKind,
    /// The name on the command line, in file names and in the case log.
    pub name: &'static str,
    /// The title printed on the paper.
    pub title: &'static str,
    /// The kind in words, inside a sentence ("a PSR is final only after …").
    pub noun: &'static str,
    /// What a page calls it on a button ("Submit the report").
    pub short: &'static str,
    /// How it is reviewed before it is final.
    pub review: Review,
    /// A report to the court (a PSR or a progress report).
    pub court_report: bool,
    /// A referral or notification form that the rules require (MAPPA, PPRC)
    /// rather than a section of the case.
    pub form: bool,
    /// The document whose review this one records, if any.
    pub record_of: Option<DocumentKind>,
    /// Who signs it, each a recorded step on a version.
    pub signers: &'static [Signer],
    /// The case section its writer fills (`psr`, `intervention_plan`, …),
    /// for the kinds a person writes and starts; `None` for the kinds made
    /// from the case data and other documents.
    pub section: Option<&'static str>,
}

const fn spec(kind: DocumentKind, name: &'static str, title: &'static str, noun: &'static str) -> Spec {
    Spec {
        kind,
        name,
        title,
        noun,
        short: "document",
        review: Review::LineManagerSignOff,
        court_report: false,
        form: false,
        record_of: None,
        signers: &[],
        section: None,
    }
}

/// The catalogue, in the order documents are rendered.
const SPECS: [Spec; 10] = [
    Spec {
        review: Review::Gatekeeping,
        court_report: true,
        short: "report",
        signers: &[Signer::Author],
        section: Some("psr"),
        ..spec(DocumentKind::Psr, "psr", "Pre-Sentence Report", "PSR")
    },
    Spec {
        review: Review::None,
        record_of: Some(DocumentKind::Psr),
        ..spec(DocumentKind::Gatekeeping, "gatekeeping", "PSR Gatekeeping Record", "gatekeeping record")
    },
    Spec {
        review: Review::Signatures,
        short: "plan",
        signers: &[Signer::YoungPerson, Signer::ParentCarer, Signer::CaseManager, Signer::Manager],
        section: Some("intervention_plan"),
        ..spec(DocumentKind::InterventionPlan, "intervention-plan", "Intervention Plan", "intervention plan")
    },
    Spec {
        review: Review::Signatures,
        short: "agreement",
        signers: &[Signer::YoungPerson, Signer::ParentCarer, Signer::CaseManager],
        section: Some("service_agreement"),
        ..spec(DocumentKind::ServiceAgreement, "service-agreement", "Service Agreement", "service agreement")
    },
    Spec {
        form: true,
        ..spec(DocumentKind::MappaH, "mappa-h", "MAPPA H: Initial Notification of MAPPA Nominal", "MAPPA H")
    },
    Spec {
        form: true,
        ..spec(DocumentKind::MappaA, "mappa-a", "MAPPA A: Referral to Level 2 or 3", "MAPPA A")
    },
    Spec {
        form: true,
        ..spec(DocumentKind::Pprc2, "pprc-2", "PPRC 2: Referral of Risk to Children", "PPRC 2")
    },
    Spec { form: true, ..spec(DocumentKind::Pprc7, "pprc-7", "PPRC 7: Reassessment at Closure", "PPRC 7") },
    spec(DocumentKind::RiskSummary, "risk-summary", "Risk Summary", "risk summary"),
    Spec {
        review: Review::Gatekeeping,
        court_report: true,
        short: "progress report",
        signers: &[Signer::Author],
        section: Some("progress_report"),
        ..spec(DocumentKind::ProgressReport, "progress-report", "Progress Report", "progress report")
    },
];

impl DocumentKind {
    /// Every kind, in the order documents are rendered.
    pub const ALL: [Self; 10] = [
        Self::Psr,
        Self::Gatekeeping,
        Self::InterventionPlan,
        Self::ServiceAgreement,
        Self::MappaH,
        Self::MappaA,
        Self::Pprc2,
        Self::Pprc7,
        Self::RiskSummary,
        Self::ProgressReport,
    ];

    /// The referral and notification forms.
    pub const FORMS: [Self; 4] = [Self::MappaH, Self::MappaA, Self::Pprc2, Self::Pprc7];

    /// This kind's row in the catalogue.
    pub fn spec(self) -> &'static Spec {
        &SPECS[self as usize]
    }

    /// The name used on the command line, in file names and in the case log.
    pub fn name(self) -> &'static str {
        self.spec().name
    }

    /// The document title.
    pub fn title(self) -> &'static str {
        self.spec().title
    }

    /// How it is reviewed before it is final.
    pub fn review(self) -> Review {
        self.spec().review
    }

    /// Whether managers review it (gatekeeping or a line manager's
    /// sign-off) before it is final, as submitted versions.
    pub fn reviewed(self) -> bool {
        matches!(self.review(), Review::Gatekeeping | Review::LineManagerSignOff)
    }

    /// A report to the court (PSR, progress report).
    pub fn is_court_report(self) -> bool {
        self.spec().court_report
    }

    /// A referral or notification form (MAPPA, PPRC).
    pub fn is_form(self) -> bool {
        self.spec().form
    }

    /// The minijinja template that renders it.
    pub fn template(self) -> String {
        format!("{}.typ.j2", self.name())
    }
}

impl fmt::Display for DocumentKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for DocumentKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|k| k.name() == s).ok_or_else(|| {
            let names: Vec<_> = Self::ALL.iter().map(|k| k.name()).collect();
            format!("unknown document kind `{s}`: expected one of {}", names.join(", "))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_is_its_own_kind_and_names_round_trip() {
        for kind in DocumentKind::ALL {
            assert_eq!(kind.spec().kind, kind, "SPECS is in the order of the enum");
            assert_eq!(kind.name().parse::<DocumentKind>(), Ok(kind));
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.name()), "the case log spells it as the catalogue does");
        }
        let forms: Vec<_> = DocumentKind::ALL.into_iter().filter(|k| k.is_form()).collect();
        assert_eq!(forms, DocumentKind::FORMS);
    }

    #[test]
    fn court_reports_are_gatekept() {
        for kind in DocumentKind::ALL {
            assert_eq!(kind.is_court_report(), kind.review() == Review::Gatekeeping, "{kind}");
        }
    }
}
