//! Practice rules from the source documents (`docs/sources.md`), as derived facts about a case.
//!
//! Every rule cites the source it encodes; `derive` computes them all once per
//! case so templates and `check` read the same answers.

mod age;
mod calendar;
mod cite;
mod contact;
mod deadlines;
pub mod documents;
mod due;
mod findings;
mod forms;
mod gatekeeping;
mod historic;
pub mod plain;
mod progress;
mod psr;
mod recorded;
mod risk;
mod scaled;
mod sentencing;
mod settings;
mod working_hours;
mod y2a;

use chrono::NaiveDate;
use serde::Serialize;

use crate::documents::DocumentKind;
pub use age::{AgeOn, age_at_offences, age_label, age_on};
pub use calendar::WorkingCalendar;
pub use cite::Rule;
pub use contact::{Contact, ContactKind, contact};
pub use deadlines::{deadlines, post_order_assessment};
pub use documents::Missing;
pub use due::{DueDate, DueStatus};
pub use findings::{Finding, Severity, findings};
pub use forms::{FormStatus, forms, mappa_invalid};
pub use gatekeeping::{
    GatekeepingDue, counts_as_manager, double_gatekeeping_done, double_gatekeeping_required,
    from_another_team, gatekeeping_due, progress_report_due, psr_due_applies, to_managers_due,
    two_managers_agree, two_managers_required,
};
pub use historic::historic;
pub use progress::{panel_view_needed, victim_view_needed};
pub use psr::{LanguageFinding, language_findings};
pub use recorded::RecordedGatekeeping;
pub use risk::{PlanStatus, risk_meeting_triggers, rmp_required, vmp_required};
pub use scaled::{AssessedLevel, ContactSchedule, InterventionLevel, LevelSource, assessed_level};
pub use sentencing::{
    AGE_THRESHOLDS, age_at_conviction, age_when_convicted, communication_needs, conviction_date,
    parenting_order_applies, threshold_line, thresholds_crossed,
};
pub use settings::Settings;
pub use working_hours::{WorkingHours, london};
pub use y2a::turning_18;

use crate::case::Case;

/// What the rules say about one case on a given day.
#[derive(Debug, Clone, Serialize)]
pub struct Facts {
    /// The day the facts are for.
    pub today: NaiveDate,
    /// The child's age in whole years on that day.
    pub age: u32,
    /// The child's age on the day of the hearing, when there is one: the
    /// age a PSR gives the court.
    pub age_at_hearing: Option<u32>,
    /// How often we meet on the current intervention: the one answer every
    /// paper prints.
    pub contact: Contact,
    /// Scaled Approach level, where the current intervention is banded and
    /// assessed (`contact`'s).
    pub intervention_level: Option<InterventionLevel>,
    /// Contacts a month for that level (`contact`'s).
    pub contacts: Option<ContactSchedule>,
    /// The intervention level of the assessment, whatever the current
    /// intervention (bail, for one).
    pub proposed_level: Option<InterventionLevel>,
    /// That level and where it came from: the practitioner's judgement, or
    /// a legacy ASSET score.
    pub assessed: Option<AssessedLevel>,
    /// How often we would meet on the sentence a PSR proposes.
    pub proposed_contact: Option<Contact>,
    /// When the PSR is due to managers, if a hearing is set.
    pub gatekeeping_due: Option<NaiveDate>,
    /// Why it is due then, in words ("two working days before the
    /// hearing"); none where no day is set.
    pub gatekeeping_due_words: Option<String>,
    /// When a progress report is due to its gatekeeping managers, where a
    /// rule sets a day.
    pub progress_report_due: Option<NaiveDate>,
    /// Whether two managers, one from another team, must gatekeep.
    pub double_gatekeeping_required: bool,
    /// Whether the recorded gatekeeping meets that: the agreements in the
    /// case log where steps are recorded, else the case's typed managers.
    pub double_gatekeeping_done: bool,
    /// The PSR's gatekeeping as its recorded steps give it.
    pub gatekeeping_recorded: RecordedGatekeeping,
    /// PSR language to reconsider.
    pub language_findings: Vec<LanguageFinding>,
    /// Risk Management Plan: required, completed, countersigned.
    pub rmp: PlanStatus,
    /// Vulnerability Management Plan: required, completed, countersigned.
    pub vmp: PlanStatus,
    /// Why a monthly Risk and Vulnerability Management Meeting is required (empty: it is not).
    pub risk_meeting_triggers: Vec<&'static str>,
    /// MAPPA and PPRC forms: required, why, sent.
    pub forms: Vec<FormStatus>,
    /// Every deadline, with its status on `today`.
    pub due_dates: Vec<DueDate>,
    /// Everything to put right.
    pub findings: Vec<Finding>,
}

impl Facts {
    /// Whether any deadline is overdue or any finding is invalid (`check` exits 1).
    pub fn needs_action(&self) -> bool {
        self.due_dates.iter().any(|d| d.status == DueStatus::Overdue)
            || self.findings.iter().any(|f| f.severity == Severity::Invalid)
    }

    /// Whether the rules require `form`.
    pub fn requires(&self, form: DocumentKind) -> bool {
        self.forms.iter().any(|f| f.form == form && f.required)
    }
}

/// Applies every rule to `case` as of `today`, with the default settings.
pub fn derive(case: &Case, calendar: &WorkingCalendar, today: NaiveDate) -> Facts {
    derive_with(case, calendar, today, &Settings::default())
}

/// Applies every rule to `case` as of `today`, with a service's settings.
pub fn derive_with(case: &Case, calendar: &WorkingCalendar, today: NaiveDate, settings: &Settings) -> Facts {
    derive_recorded(case, calendar, today, settings, &RecordedGatekeeping::default())
}

/// Applies every rule to `case` as of `today`, with a service's settings
/// and what the case log records of its PSR's gatekeeping by that day.
pub fn derive_recorded(
    case: &Case,
    calendar: &WorkingCalendar,
    today: NaiveDate,
    settings: &Settings,
    recorded: &RecordedGatekeeping,
) -> Facts {
    // Recorded steps are the gatekeeping where there are any; typed managers
    // named for a meeting not yet held have not gatekept it.
    let double_done = if recorded.recorded {
        recorded.two_managers
    } else {
        double_gatekeeping_done(case)
            && case.gatekeeping.as_ref().and_then(|g| g.meeting_date).is_none_or(|d| d <= today)
    };
    let assessed = case.assessment.as_ref().and_then(assessed_level);
    let order = case.order.as_ref();
    let current = contact(order.map(|o| o.kind), case.assessment.as_ref(), order.and_then(|o| o.end_date));
    let proposal = case.psr.as_ref().and_then(|p| p.proposal.as_ref());
    let hearing = case.court.as_ref().and_then(|c| c.hearing_date);
    Facts {
        today,
        age: age_on(case.child.date_of_birth, today),
        age_at_hearing: hearing.map(|h| age_on(case.child.date_of_birth, h)),
        intervention_level: current.level,
        contacts: current.schedule,
        contact: current,
        proposed_level: assessed.as_ref().map(|a| a.level),
        assessed,
        proposed_contact: proposal.map(|p| contact(Some(p.sentence), case.assessment.as_ref(), None)),
        gatekeeping_due: gatekeeping_due(case, calendar, settings).and_then(|d| d.to_managers),
        gatekeeping_due_words: gatekeeping::due_words(settings, case),
        progress_report_due: progress_report_due(case, calendar, settings),
        double_gatekeeping_required: double_gatekeeping_required(case),
        double_gatekeeping_done: double_done,
        gatekeeping_recorded: recorded.clone(),
        language_findings: language_findings(case),
        rmp: plan_status(risk::rmp_required(case), case.risk_management_plan.as_ref(), today),
        vmp: plan_status(risk::vmp_required(case), case.vulnerability_management_plan.as_ref(), today),
        risk_meeting_triggers: risk::risk_meeting_triggers(case),
        forms: forms::forms(case).into_iter().map(|f| FormStatus { sent: by(f.sent, today), ..f }).collect(),
        due_dates: deadlines::deadlines(case, calendar, today, settings, recorded),
        findings: findings::findings(case, double_done),
    }
}

/// A date of something done, as of `today`: a date after it is not done yet
/// (facts on a day state nothing dated later).
pub fn by(date: Option<NaiveDate>, today: NaiveDate) -> Option<NaiveDate> {
    date.filter(|d| *d <= today)
}

fn plan_status(required: bool, plan: Option<&crate::case::ManagementPlan>, today: NaiveDate) -> PlanStatus {
    PlanStatus {
        required,
        completed: by(plan.map(|p| p.date), today),
        countersigned: by(plan.and_then(|p| p.countersigned), today),
    }
}

#[cfg(test)]
mod tests;
