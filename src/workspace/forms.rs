//! What the workspace lets a writer edit, document by document: sections of
//! fields, each a place in the case file (a dotted JSON path) with the input
//! that suits it. A table, not code: the editor, the saving and the findings'
//! links all read it.

use crate::documents::DocumentKind;

/// How a field is entered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    /// One line of text.
    Text,
    /// Narrative: paragraphs of text.
    Area,
    /// A date (YYYY-MM-DD).
    Date,
    /// A whole number.
    Number,
    /// Yes or no.
    Check,
    /// One of a list: (value in the case file, words shown).
    Choice(&'static [(&'static str, &'static str)]),
    /// One of the catalogue's disposals that a PSR may propose.
    Disposal,
    /// A list of short items, one per line.
    Lines,
    /// A list of records, one row each, with these fields.
    Rows(&'static [Field]),
}

/// One field of a form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    /// Dotted path in the case (relative to the row, inside `Rows`).
    pub path: &'static str,
    /// The label a writer reads.
    pub label: &'static str,
    /// A hint under the label (may be empty).
    pub hint: &'static str,
    /// How it is entered.
    pub input: Input,
    /// The most characters it takes, where it has a limit (the page counts
    /// them as the writer types).
    pub limit: Option<usize>,
}

/// One section of a document's form: a page of the editor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Section {
    /// Its name in addresses (`/cases/ID/psr/offence`).
    pub slug: &'static str,
    /// Its heading.
    pub title: &'static str,
    /// Its fields, in order.
    pub fields: &'static [Field],
}

const fn f(path: &'static str, label: &'static str, hint: &'static str, input: Input) -> Field {
    Field { path, label, hint, input, limit: None }
}

impl Field {
    /// The field with a limit of `chars` characters.
    const fn at_most(self, chars: usize) -> Self {
        Self { limit: Some(chars), ..self }
    }
}

/// The reasons for a proposal, at most as long as the pre-sentence service
/// of the Ministry of Justice allows.
const PROPOSAL_CHARS: usize = 4_000;

const REPORT_TYPES: &[(&str, &str)] =
    &[("all_options", "All sentencing options"), ("specific_sentence", "A specific sentence")];

const CHILD_ANSWERS: &[(&str, &str)] =
    &[("agrees", "Agrees"), ("does_not_agree", "Does not agree"), ("could_not_answer", "Could not answer")];

const SUITABILITY: &[(&str, &str)] = &[("suitable", "Suitable"), ("not_suitable", "Not suitable")];

const CHECKED: &[(&str, &str)] = &[("done", "Done"), ("not_done", "Not done")];

/// A sentence considered and not proposed.
const OPTION: &[Field] = &[
    f("sentence", "Sentence considered", "", Input::Disposal),
    f("why_not", "Why it is not proposed", "From the facts of the case.", Input::Text),
];

/// The powers a progress report may ask of the court (`CourtPower`).
const COURT_POWERS: &[(&str, &str)] = &[
    ("revoke_for_good_progress", "Revocation of the order for good progress"),
    ("revoke_and_resentence", "Revocation of the order and resentence"),
    ("extend", "Extension of the order"),
    ("amend", "Amendment of the order's requirements"),
    ("breach", "Breach of the order"),
    ("review", "Review of the order, with no change"),
    ("deferred_sentence", "Sentence after deferment"),
];

/// Who presents a progress report at the hearing (`AtCourt`).
const AT_COURT: &[(&str, &str)] =
    &[("author", "Yes: the author presents it"), ("court_officer", "No: the court officer presents it")];

const YES_NO: &[(&str, &str)] = &[("yes", "Yes"), ("no", "No")];

const NARRATIVE_HINT: &str = "Write for the magistrates: plain words, facts and their sources.";

const PSR: &[Section] = &[
    Section {
        slug: "about",
        title: "About the report",
        fields: &[
            f("psr.requested_date", "Date the court asked for the report", "", Input::Date),
            f("psr.report_type", "Report type", "", Input::Choice(REPORT_TYPES)),
            f(
                "psr.custody_strong_possibility",
                "Custody is a strong possibility",
                "Two managers, one from another team, then gatekeep the report.",
                Input::Check,
            ),
            f("psr.sources", "Sources of information", "One source on each line.", Input::Lines),
            f("psr.introduction", "Introduction", NARRATIVE_HINT, Input::Area),
        ],
    },
    Section {
        slug: "offence",
        title: "Offence analysis",
        fields: &[
            f(
                "psr.offence_analysis.seriousness",
                "Seriousness: what happened and the child's part",
                "",
                Input::Area,
            ),
            f(
                "psr.offence_analysis.basis_of_plea",
                "Basis of plea",
                "Leave empty if there is none.",
                Input::Area,
            ),
            f(
                "psr.offence_analysis.victims",
                "Impact on victims, and the child's view of it",
                "",
                Input::Area,
            ),
            f("psr.previous_offending", "Previous offending and out-of-court disposals", "", Input::Area),
        ],
    },
    Section {
        slug: "child",
        title: "Assessment of the child",
        fields: &[
            f("psr.child_assessment.circumstances", "Personal circumstances", "", Input::Area),
            f("psr.child_assessment.family", "Family and relationships", "", Input::Area),
            f("psr.child_assessment.education", "Education, training and employment", "", Input::Area),
            f("psr.child_assessment.health", "Physical and emotional health", "", Input::Area),
            f(
                "psr.child_assessment.looked_after",
                "Looked-after experience",
                "Where the child is looked after.",
                Input::Area,
            ),
            f(
                "psr.child_assessment.parenting",
                "Parenting: support and supervision at home",
                "",
                Input::Area,
            ),
            f("psr.underlying_causes", "Underlying causes of the offending", "", Input::Area),
            f(
                "strengths",
                "Strengths",
                "What is going well for the child, in plain words: one on each line. The plan's “What's going well” starts from these.",
                Input::Lines,
            ),
        ],
    },
    Section {
        slug: "risk",
        title: "Assessment of risk",
        fields: &[
            f("psr.risk_assessment.reoffending", "Likelihood of reoffending", "", Input::Area),
            f("psr.risk_assessment.serious_harm", "Risk of serious harm", "", Input::Area),
            f("psr.risk_assessment.safety_wellbeing", "Safety and wellbeing", "", Input::Area),
            f("psr.previous_compliance", "Previous compliance", "", Input::Area),
            f(
                "psr.custody_vulnerability",
                "Vulnerability in custody",
                "Needed when custody is a strong possibility.",
                Input::Area,
            ),
            f(
                "psr.dangerousness",
                "Dangerousness assessment",
                "Needed for a specified offence.",
                Input::Area,
            ),
        ],
    },
    Section {
        slug: "proposal",
        title: "Conclusion and proposal",
        fields: &[
            f("psr.conclusion", "Conclusion", "", Input::Area),
            f("psr.proposal.sentence", "Sentence proposed", "", Input::Disposal),
            f("psr.proposal.length_months", "Length in months", "", Input::Number),
            f(
                "psr.proposal.requirements",
                "Requirements proposed",
                "One requirement on each line.",
                Input::Lines,
            ),
            f("psr.proposal.rationale", "Why this proposal", "", Input::Area).at_most(PROPOSAL_CHARS),
            f(
                "psr.discussed_with_child_and_carer",
                "Date the report was discussed with the child and their parent or carer",
                "",
                Input::Date,
            ),
            f(
                "psr.options_considered",
                "Other options considered",
                "Each sentence considered and not proposed, with why. An all-options report sets them out, custody among them. Leave a row empty to remove it.",
                Input::Rows(OPTION),
            ),
            f(
                "psr.parenting_order",
                "Parenting order",
                "For a child under 16 when convicted: would a parenting order help prevent further offending, and why?",
                Input::Area,
            ),
        ],
    },
    Section {
        slug: "order",
        title: "How the order would run",
        fields: &[
            f("psr.delivery.hours_a_week", "Hours a week at the start", "", Input::Number),
            f("psr.delivery.timetable", "Timetable", "Which days, where, and what happens.", Input::Area),
            f(
                "psr.delivery.start",
                "When it would start",
                "For example, the first appointment within five working days.",
                Input::Text,
            ),
            f("psr.delivery.supervisor.name", "Who would supervise it", "", Input::Text),
            f("psr.delivery.supervisor.role", "Their job title", "", Input::Text),
            f(
                "psr.curfew_address.address",
                "Address assessed for a curfew",
                "Leave empty for the child's own address.",
                Input::Text,
            ),
            f("psr.curfew_address.assessed_date", "Date the address was assessed", "", Input::Date),
            f("psr.curfew_address.curfew", "Suitable for a curfew", "", Input::Choice(SUITABILITY)),
            f(
                "psr.curfew_address.electronic_monitoring",
                "Suitable for electronic monitoring",
                "",
                Input::Choice(SUITABILITY),
            ),
            f("psr.curfew_address.notes", "What the assessment found", "", Input::Area),
        ],
    },
    Section {
        slug: "views",
        title: "Views and taking part",
        fields: &[
            f("psr.child_views", "The child's views", "In their own words.", Input::Area),
            f("psr.parent_views", "The parent's or carer's views", "In their own words.", Input::Area),
            f(
                "psr.effective_participation",
                "What helps the child take part in the hearing",
                "For speech, language and communication needs: breaks, short sentences, an intermediary.",
                Input::Area,
            ),
        ],
    },
    Section {
        slug: "checklist",
        title: "Quality-assurance checklist",
        fields: &[
            f(
                "gatekeeping.checklist.rosh_complete",
                "Risk of serious harm assessment complete",
                "Leave empty if not recorded.",
                Input::Choice(CHECKED),
            ),
            f(
                "gatekeeping.checklist.assetplus_complete",
                "AssetPlus complete and linked on the case system",
                "",
                Input::Choice(CHECKED),
            ),
            f(
                "gatekeeping.checklist.victim_referral",
                "Referral to the victim service",
                "",
                Input::Choice(CHECKED),
            ),
            f(
                "gatekeeping.checklist.parenting_referral",
                "Parenting referral (a child under 16)",
                "",
                Input::Choice(CHECKED),
            ),
            f(
                "gatekeeping.checklist.education_referral",
                "Referral to education (a child of school age)",
                "",
                Input::Choice(CHECKED),
            ),
            f(
                "gatekeeping.checklist.request_with_sentence_indication",
                "The court's request, with the sentence indication, on file",
                "",
                Input::Choice(CHECKED),
            ),
            f(
                "gatekeeping.checklist.previous_convictions_attached",
                "Record of previous convictions attached",
                "",
                Input::Choice(CHECKED),
            ),
        ],
    },
    Section {
        slug: "signature",
        title: "Author's signature",
        fields: &[
            f("psr.signed.name", "Signed by", "Record this only when the author has signed.", Input::Text),
            f("psr.signed.date", "Date signed", "", Input::Date),
        ],
    },
];

const PROGRESS: &[Section] = &[
    Section {
        slug: "report",
        title: "The report",
        fields: &[
            f("progress_report.requested_date", "Date the court asked for the report", "", Input::Date),
            f(
                "progress_report.custody_strong_possibility",
                "Custody is a strong possibility",
                "Two managers, one from another team, then gatekeep the report.",
                Input::Check,
            ),
            f("progress_report.purpose", "Why the court asked for the report", "", Input::Area),
            f("progress_report.progress", "Progress since the last hearing", NARRATIVE_HINT, Input::Area),
            f("progress_report.compliance", "Attendance and compliance", "", Input::Area),
            f(
                "progress_report.outstanding_work",
                "Work outstanding",
                "What is left to do on the order; \u{201c}None\u{201d} when it is all done.",
                Input::Area,
            ),
        ],
    },
    Section {
        slug: "views",
        title: "Views",
        fields: &[
            f(
                "progress_report.panel_view",
                "The youth offender panel's view",
                "For a referral order.",
                Input::Area,
            ),
            f(
                "progress_report.child_view",
                "The young person's view",
                "In their words where you can.",
                Input::Area,
            ),
            f("progress_report.parent_view", "The parent's or carer's view", "", Input::Area),
            f(
                "progress_report.victim_view",
                "The victim's view",
                "Where an offence had a victim: their view, or that they chose not to give one.",
                Input::Area,
            ),
        ],
    },
    Section {
        slug: "court",
        title: "What the court is asked",
        fields: &[
            f("progress_report.power", "Power asked of the court", "", Input::Choice(COURT_POWERS)),
            f("progress_report.recommendation", "What the report asks the court to do", "", Input::Area),
            f("progress_report.at_court", "Will the author attend court?", "", Input::Choice(AT_COURT)),
            f(
                "progress_report.discussed_with_child_and_carer",
                "Date the report was discussed with the child and their parent or carer",
                "",
                Input::Date,
            ),
        ],
    },
    Section {
        slug: "signature",
        title: "Author's signature",
        fields: &[
            f(
                "progress_report.signed.name",
                "Signed by",
                "Record this only when the author has signed.",
                Input::Text,
            ),
            f("progress_report.signed.date", "Date signed", "", Input::Date),
        ],
    },
];

const TARGET: &[Field] = &[
    f("target", "What we will work on", "In the child's words where possible.", Input::Text),
    f("actions", "What we will do", "", Input::Text),
    f("who", "Who will do it", "", Input::Text),
    f("by_when", "By when", "", Input::Date),
    f("progress", "Progress at review", "", Input::Text),
];

const AGENCY: &[Field] =
    &[f("agency", "Agency", "", Input::Text), f("work", "What they will do", "", Input::Text)];

const CONTACT: &[Field] = &[
    f("name", "Name", "", Input::Text),
    f("role", "Role", "", Input::Text),
    f("phone", "Phone", "", Input::Text),
    f("email", "Email", "", Input::Text),
];

const fn signatures(fields: &'static [Field; 8]) -> Section {
    Section { slug: "signatures", title: "Signatures", fields }
}

const PLAN_SIGNATURES: [Field; 8] = [
    f(
        "intervention_plan.signatures.young_person.name",
        "Young person: name",
        "Record a signature only once it is given.",
        Input::Text,
    ),
    f("intervention_plan.signatures.young_person.date", "Young person: date signed", "", Input::Date),
    f("intervention_plan.signatures.parent_carer.name", "Parent or carer: name", "", Input::Text),
    f("intervention_plan.signatures.parent_carer.date", "Parent or carer: date signed", "", Input::Date),
    f("intervention_plan.signatures.case_manager.name", "Case manager: name", "", Input::Text),
    f("intervention_plan.signatures.case_manager.date", "Case manager: date signed", "", Input::Date),
    f("intervention_plan.signatures.manager.name", "Manager: name", "", Input::Text),
    f("intervention_plan.signatures.manager.date", "Manager: date signed", "", Input::Date),
];

const AGREEMENT_SIGNATURES: [Field; 8] = [
    f(
        "service_agreement.signatures.young_person.name",
        "Young person: name",
        "Record a signature only once it is given.",
        Input::Text,
    ),
    f("service_agreement.signatures.young_person.date", "Young person: date signed", "", Input::Date),
    f("service_agreement.signatures.parent_carer.name", "Parent or carer: name", "", Input::Text),
    f("service_agreement.signatures.parent_carer.date", "Parent or carer: date signed", "", Input::Date),
    f("service_agreement.signatures.case_manager.name", "Case manager: name", "", Input::Text),
    f("service_agreement.signatures.case_manager.date", "Case manager: date signed", "", Input::Date),
    f("service_agreement.signatures.manager.name", "Manager: name", "", Input::Text),
    f("service_agreement.signatures.manager.date", "Manager: date signed", "", Input::Date),
];

const PLAN: &[Section] = &[
    Section {
        slug: "plan",
        title: "The plan",
        fields: &[
            f("intervention_plan.date", "Date the plan was agreed", "", Input::Date),
            f("intervention_plan.going_well", "What's going well", "One on each line.", Input::Lines),
            f(
                "intervention_plan.targets",
                "What we will work on",
                "Leave a row empty to remove it.",
                Input::Rows(TARGET),
            ),
            f(
                "intervention_plan.keep_safe",
                "What we will do to keep you and others safe",
                "One on each line.",
                Input::Lines,
            ),
            f(
                "intervention_plan.make_it_easier",
                "How we can make it easier for you to work with us",
                "Specifics, not labels.",
                Input::Area,
            ),
            f("intervention_plan.restorative", "The restorative part", "", Input::Area),
            f("intervention_plan.other_agencies", "Other agencies' work", "", Input::Rows(AGENCY)),
            f(
                "intervention_plan.child_agrees",
                "Does the young person agree the plan?",
                "Their own answer.",
                Input::Choice(CHILD_ANSWERS),
            ),
            f("intervention_plan.child_answered", "The day they answered", "", Input::Date),
            f(
                "intervention_plan.child_views",
                "What the young person thinks of the plan",
                "In their own words (what they said, if they do not agree).",
                Input::Area,
            ),
            f("intervention_plan.review_date", "Next review", "At most six months on.", Input::Date),
            f("intervention_plan.qa_meeting_date", "Manager's quality-assurance meeting", "", Input::Date),
        ],
    },
    Section {
        slug: "diversion",
        title: "Out of court: the child's part and the end",
        fields: &[
            f(
                "intervention_plan.childs_part.my_strengths",
                "What I am good at",
                "For a diversion or out-of-court plan: the child's own words, one on each line.",
                Input::Lines,
            ),
            f(
                "intervention_plan.childs_part.help_i_want",
                "What help I want",
                "The child's own words.",
                Input::Lines,
            ),
            f(
                "intervention_plan.childs_part.who_will_help",
                "Who will help me",
                "The child's own words.",
                Input::Lines,
            ),
            f(
                "intervention_plan.exit_plan.date",
                "The day you wrote the exit plan together",
                "",
                Input::Date,
            ),
            f("intervention_plan.exit_plan.what_worked", "What worked", "One on each line.", Input::Lines),
            f(
                "intervention_plan.exit_plan.after",
                "After this plan",
                "Who the child can still go to, in words they know.",
                Input::Area,
            ),
        ],
    },
    signatures(&PLAN_SIGNATURES),
];

const AGREEMENT: &[Section] = &[
    Section {
        slug: "agreement",
        title: "The agreement",
        fields: &[
            f("service_agreement.date", "Date of the agreement", "", Input::Date),
            f(
                "service_agreement.service_commitments",
                "What we add to our standard commitments",
                "One on each line.",
                Input::Lines,
            ),
            f(
                "service_agreement.young_person_commitments",
                "What the young person agrees to, besides the standard terms",
                "One on each line.",
                Input::Lines,
            ),
            f(
                "service_agreement.parent_commitments",
                "What the parent or carer agrees to, besides the standard list",
                "One on each line.",
                Input::Lines,
            ),
            f(
                "service_agreement.contacts",
                "Contacts",
                "Leave a row empty to remove it.",
                Input::Rows(CONTACT),
            ),
            f(
                "service_agreement.sharing.young_person",
                "Is it OK to share their information? The young person said",
                "Ask in words: “Is it OK for us to share your information like this?”",
                Input::Choice(YES_NO),
            ),
            f(
                "service_agreement.sharing.parent_carer",
                "The person with parental responsibility said",
                "",
                Input::Choice(YES_NO),
            ),
            f("service_agreement.sharing.date", "The day you asked", "", Input::Date),
            f(
                "service_agreement.signed_with_parental_responsibility_by",
                "Who signs with parental responsibility",
                "A parent who has it, or for a looked-after child the social worker for the council. Their name.",
                Input::Text,
            ),
        ],
    },
    signatures(&AGREEMENT_SIGNATURES),
];

/// The sections of `kind`'s form; empty for kinds the workspace does not
/// edit (their data comes from the case system or from other documents).
pub fn sections(kind: DocumentKind) -> &'static [Section] {
    match kind {
        DocumentKind::Psr => PSR,
        DocumentKind::ProgressReport => PROGRESS,
        DocumentKind::InterventionPlan => PLAN,
        DocumentKind::ServiceAgreement => AGREEMENT,
        _ => &[],
    }
}

/// The section of `kind` named `slug`.
pub fn section(kind: DocumentKind, slug: &str) -> Option<&'static Section> {
    sections(kind).iter().find(|s| s.slug == slug)
}

/// The section and field where a case path (as `missing` or a load error
/// names it) is edited, if the workspace edits it.
pub fn locate(kind: DocumentKind, path: &str) -> Option<(&'static Section, &'static Field)> {
    sections(kind).iter().find_map(|s| {
        s.fields
            .iter()
            .find(|f| {
                f.path == path
                    || path.starts_with(&format!("{}.", f.path))
                    || path.starts_with(&format!("{}[", f.path))
                    || f.path.starts_with(&format!("{path}."))
            })
            .map(|f| (s, f))
    })
}

impl Input {
    /// The options of a choice, as (value in the case file, words shown):
    /// a disposal's from the catalogue in use.
    pub fn options(self) -> Vec<(&'static str, &'static str)> {
        match self {
            Self::Choice(options) => options.to_vec(),
            Self::Disposal => crate::case::DisposalType::all()
                .filter(|d| d.entry().psr)
                .map(|d| (d.key(), d.label()))
                .collect(),
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sentence_choices_are_the_catalogues_disposals_a_psr_may_propose() {
        let values: Vec<&str> = Input::Disposal.options().iter().map(|(v, _)| *v).collect();
        assert_eq!(values[..3], ["referral_order", "youth_rehabilitation_order", "yro_iss"]);
        assert!(values.contains(&"remand") && !values.contains(&"turnaround"), "{values:?}");
    }

    #[test]
    fn every_path_a_final_needs_in_an_edited_kind_has_a_field() {
        let json = r#"{"schema": "casepress/case/v1", "case_id": "NYJS-2026-9001",
            "child": {"first_name": "Test", "last_name": "Child", "date_of_birth": "2011-01-01"},
            "case_manager": {"name": "Priya Natarajan"}, "team": "North Team",
            "psr": {"custody_strong_possibility": true}, "progress_report": {}, "intervention_plan": {}}"#;
        let case =
            crate::case::parse_bytes(json.as_bytes(), std::path::Path::new("t.json")).remove(0).unwrap().case;
        let facts = crate::rules::derive(
            &case,
            &crate::rules::WorkingCalendar::default(),
            "2026-11-23".parse().unwrap(),
        );
        for kind in [DocumentKind::Psr, DocumentKind::ProgressReport, DocumentKind::InterventionPlan] {
            for m in crate::rules::documents::missing(kind, &case, &facts) {
                let writer_owned = m.path.starts_with("psr.")
                    || m.path.starts_with("progress_report.")
                    || m.path.starts_with("intervention_plan.");
                if writer_owned {
                    assert!(locate(kind, m.path).is_some(), "{kind}: no field for {}", m.path);
                }
            }
        }
    }

    #[test]
    fn the_progress_report_choices_are_the_case_formats_values() {
        fn names<T: serde::Serialize>(all: impl IntoIterator<Item = T>) -> Vec<String> {
            all.into_iter().map(|v| serde_json::to_value(v).unwrap().as_str().unwrap().to_owned()).collect()
        }
        let values = |o: &[(&str, &str)]| o.iter().map(|(v, _)| (*v).to_owned()).collect::<Vec<_>>();
        assert_eq!(values(COURT_POWERS), names(crate::case::CourtPower::ALL));
        assert_eq!(values(AT_COURT), names(crate::case::AtCourt::ALL));
        for ((_, words), power) in COURT_POWERS.iter().zip(crate::case::CourtPower::ALL) {
            assert_eq!(*words, power.label());
        }
    }

    #[test]
    fn slugs_are_unique_within_a_kind() {
        for kind in DocumentKind::ALL {
            let mut slugs: Vec<_> = sections(kind).iter().map(|s| s.slug).collect();
            slugs.sort_unstable();
            slugs.dedup();
            assert_eq!(slugs.len(), sections(kind).len());
        }
    }
}
