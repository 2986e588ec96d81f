//! The case data model, version 1 (`"schema": "casepress/case/v1"`).
//!
//! Every struct denies unknown fields: a misspelt risk level must fail loudly,
//! not vanish. Doc comments here are the field documentation that
//! `casepress schema` prints.

use chrono::NaiveDate;
use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Serialize};

use super::{
    Assessment, AtCourt, CaseId, ChildInContact, CourtPower, CurfewAddress, DisposalType, Notified,
    OptionConsidered, OrderDelivery, PprcRequest, QaChecklist, ReferralShared, Reoffending, SeriousHarm,
    Transfer, Worker,
};

/// One child's case, as exported from the case management system.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// Where an editor finds this format's JSON Schema, to check and complete
    /// the file as it is written (`casepress schema --out FILE` writes it).
    /// casepress itself ignores it.
    #[serde(rename = "$schema", default, skip_serializing_if = "Option::is_none")]
    pub editor_schema: Option<String>,
    /// Format version; must be `casepress/case/v1`.
    pub schema: SchemaVersion,
    /// Case identifier; becomes the case folder name.
    pub case_id: CaseId,
    /// The child.
    pub child: Child,
    /// Parents and carers.
    #[serde(default)]
    pub parents_carers: Vec<Carer>,
    /// Allocated case manager (report writer).
    pub case_manager: Worker,
    /// The case manager's line manager.
    #[serde(default)]
    pub line_manager: Option<Worker>,
    /// Team the case is allocated to.
    pub team: String,
    /// The current order or disposal.
    #[serde(default)]
    pub order: Option<Order>,
    /// Offences before the court or dealt with out of court.
    #[serde(default)]
    pub offences: Vec<Offence>,
    /// Court and next hearing.
    #[serde(default)]
    pub court: Option<Court>,
    /// The latest assessment (AssetPlus or equivalent).
    #[serde(default)]
    pub assessment: Option<Assessment>,
    /// The risk of serious harm analysis behind `assessment.serious_harm`:
    /// who is at risk, in the community and in custody, and why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serious_harm: Option<SeriousHarm>,
    /// Why reoffending is likely or not, behind `assessment.reoffending`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reoffending: Option<Reoffending>,
    /// The child's strengths and positive factors, in plain words.
    #[serde(default)]
    pub strengths: Vec<String>,
    /// Pre-sentence report content.
    #[serde(default)]
    pub psr: Option<Psr>,
    /// PSR gatekeeping record.
    #[serde(default)]
    pub gatekeeping: Option<Gatekeeping>,
    /// A progress report to the court, written by the case manager.
    #[serde(default)]
    pub progress_report: Option<ProgressReport>,
    /// Intervention plan.
    #[serde(default)]
    pub intervention_plan: Option<InterventionPlan>,
    /// Service agreement.
    #[serde(default)]
    pub service_agreement: Option<ServiceAgreement>,
    /// MAPPA status.
    #[serde(default)]
    pub mappa: Option<Mappa>,
    /// Person Posing a Risk to Children (PPRC) record.
    #[serde(default)]
    pub pprc: Option<Pprc>,
    /// The child's Mind Of My Own account, used to match received statements.
    #[serde(default)]
    pub momo: Option<MomoAccount>,
    /// Risk Management Plan (required when ROSH is Medium or above).
    #[serde(default)]
    pub risk_management_plan: Option<ManagementPlan>,
    /// Vulnerability Management Plan (required when safety and wellbeing is Medium or above).
    #[serde(default)]
    pub vulnerability_management_plan: Option<ManagementPlan>,
    /// Dates of Risk and Vulnerability Management Meetings held.
    #[serde(default)]
    pub risk_meetings: Vec<NaiveDate>,
    /// The date the next Risk and Vulnerability Management Meeting is booked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_risk_meeting: Option<NaiveDate>,
    /// Joint working with the Next Steps (leaving care) service.
    #[serde(default)]
    pub next_steps: Option<NextSteps>,
    /// A transfer of the case to another youth justice service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transfer: Option<Transfer>,
    /// Outcomes recorded when the order or intervention ended (YJB KPIs 1, 2, 4, 5).
    #[serde(default)]
    pub end_of_order: Option<EndOfOrder>,
    /// The child's other cautions and convictions, before and after the
    /// current order, for first-time entrants and reoffending. Absent: not
    /// recorded (the child is counted as "not recorded"); an empty list:
    /// recorded, and there are none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offending_history: Option<Vec<ProvenOutcome>>,
    /// Signatures recorded for documents that have no signature fields of
    /// their own, by document kind: `gatekeeping`, `risk-summary`,
    /// `mappa-h`, `mappa-a`, `pprc-2`, `pprc-7`. A document prints "Signed"
    /// and a date only from a signature recorded for that document; a
    /// meeting or referral date is never a signature.
    #[serde(default)]
    pub signatures: std::collections::BTreeMap<String, Vec<Signature>>,
}

/// Outcomes at the end of an order or programme (YJB KPIs from April 2023).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EndOfOrder {
    /// KPI 1: in suitable accommodation at the end.
    #[serde(default)]
    pub suitable_accommodation: Option<bool>,
    /// KPI 2: in suitable education, training or employment at the end.
    #[serde(default)]
    pub suitable_ete: Option<bool>,
    /// KPI 4: a screened or identified need for a mental health or emotional wellbeing intervention.
    #[serde(default)]
    pub mental_health_need: Option<bool>,
    /// KPI 4: of those with a need, an intervention was planned or offered.
    /// An intervention attended was offered, whatever this says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mental_health_offered: Option<bool>,
    /// KPI 4: of those with a need, attended the intervention.
    #[serde(default)]
    pub mental_health_attended: Option<bool>,
    /// KPI 5: a screened or identified need for substance misuse intervention or treatment.
    #[serde(default)]
    pub substance_misuse_need: Option<bool>,
    /// KPI 5: of those with a need, an intervention or treatment was planned
    /// or offered. One attended was offered, whatever this says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub substance_misuse_offered: Option<bool>,
    /// KPI 5: of those with a need, attended the intervention or treatment.
    #[serde(default)]
    pub substance_misuse_attended: Option<bool>,
}

/// A caution or conviction other than the current order, as the Police
/// National Computer or the case system records it.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProvenOutcome {
    /// The outcome: a court sentence, a Youth Caution or Youth Conditional
    /// Caution, or a Community Resolution (not a formal entry).
    #[serde(rename = "type")]
    pub kind: DisposalType,
    /// The date of the sentence or caution.
    pub outcome_date: NaiveDate,
    /// The date of the (first) offence it dealt with, where known:
    /// reoffending counts offences by when they were committed.
    #[serde(default)]
    pub offence_date: Option<NaiveDate>,
    /// How many offences it dealt with (default 1).
    #[serde(default = "one")]
    pub offences: u16,
}

fn one() -> u16 {
    1
}

/// A Risk or Vulnerability Management Plan.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ManagementPlan {
    /// Date completed.
    pub date: NaiveDate,
    /// Date the line manager countersigned it.
    #[serde(default)]
    pub countersigned: Option<NaiveDate>,
    /// Its headline actions: what is done, by whom, to manage the risk or
    /// the vulnerability.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<String>,
    /// The date it is next reviewed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_date: Option<NaiveDate>,
}

/// A joint case with the Next Steps (leaving care) service (Salford Next Steps protocol).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NextSteps {
    /// The Next Steps worker.
    #[serde(default)]
    pub worker: Option<Worker>,
    /// Date the case was allocated (or found to be open to both services).
    pub allocated_date: NaiveDate,
    /// Date the two workers met to share information.
    #[serde(default)]
    pub joint_meeting_date: Option<NaiveDate>,
    /// Date the young person was sentenced and detained, if in custody.
    #[serde(default)]
    pub detained_date: Option<NaiveDate>,
    /// Dates the Next Steps worker visited in custody.
    #[serde(default)]
    pub custody_visits: Vec<NaiveDate>,
    /// Date released from custody, if released.
    #[serde(default)]
    pub released_date: Option<NaiveDate>,
}

/// The only accepted format version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum SchemaVersion {
    /// Version 1.
    #[serde(rename = "casepress/case/v1")]
    V1,
}

/// The child the case is about.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Child {
    /// Given name(s) as recorded.
    pub first_name: String,
    /// Family name.
    pub last_name: String,
    /// The name the child likes to be called, if different.
    #[serde(default)]
    pub preferred_name: Option<String>,
    /// Other names and nicknames the child is known by.
    #[serde(default)]
    pub nicknames: Vec<String>,
    /// Date of birth, `YYYY-MM-DD`.
    pub date_of_birth: NaiveDate,
    /// Gender, as the child describes it.
    #[serde(default)]
    pub gender: Option<String>,
    /// Ethnicity in words, never a code.
    #[serde(default)]
    pub ethnicity: Option<String>,
    /// Current address, one line per element.
    #[serde(default)]
    pub address: Vec<String>,
    /// First language, and whether an interpreter is needed.
    #[serde(default)]
    pub language: Option<String>,
    /// Looked-after status.
    #[serde(default)]
    pub looked_after: Option<LookedAfter>,
    /// Needs and diversity: SEND, health, communication, faith, culture.
    #[serde(default)]
    pub needs: Vec<String>,
    /// Police National Computer id.
    #[serde(default)]
    pub pnc_id: Option<String>,
    /// Special educational needs and disability (ALN in Wales), for YJB KPI 3.
    #[serde(default)]
    pub send: Option<Send>,
}

/// SEND / ALN status (YJB KPI 3).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Send {
    /// A special educational need or disability has been identified.
    pub identified: bool,
    /// A formal plan (EHCP or equivalent) is in place.
    #[serde(default)]
    pub formal_plan: bool,
}

/// A child looked after by a local authority.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LookedAfter {
    /// Local authority responsible for the child.
    pub local_authority: String,
    /// Legal status, e.g. `s.20 voluntary accommodation`, `s.31 care order`.
    #[serde(default)]
    pub legal_status: Option<String>,
    /// Placement type, e.g. foster care, residential.
    #[serde(default)]
    pub placement: Option<String>,
    /// Whether the placement is outside the service's area.
    #[serde(default)]
    pub out_of_area: bool,
    /// The child's social worker.
    #[serde(default)]
    pub social_worker: Option<Worker>,
}

/// A parent or carer.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Carer {
    /// Full name.
    pub name: String,
    /// Relationship to the child, e.g. mother, foster carer.
    pub relationship: String,
    /// Phone number.
    #[serde(default)]
    pub phone: Option<String>,
    /// Whether they hold parental responsibility.
    #[serde(default)]
    pub parental_responsibility: bool,
}

/// The current order or disposal.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Order {
    /// Type of order or disposal.
    #[serde(rename = "type")]
    pub kind: DisposalType,
    /// Date made (sentence date or caution date).
    pub start_date: NaiveDate,
    /// Planned end date.
    #[serde(default)]
    pub end_date: Option<NaiveDate>,
    /// Length in months.
    #[serde(default)]
    pub length_months: Option<u16>,
    /// Requirements or conditions attached.
    #[serde(default)]
    pub requirements: Vec<String>,
    /// Date the intervention closed, if it has.
    #[serde(default)]
    pub closed_date: Option<NaiveDate>,
    /// Date the assessment after sentence was completed (when `assessment` has
    /// since been reviewed); otherwise the latest assessment's date is used.
    #[serde(default)]
    pub assessed_date: Option<NaiveDate>,
}

/// Plea entered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Plea {
    /// Guilty.
    Guilty,
    /// Not guilty (found guilty after trial).
    NotGuilty,
    /// No plea entered yet.
    NoPlea,
    /// Admitted (out-of-court disposal).
    Admitted,
}

impl Plea {
    /// How the plea is written in documents.
    pub fn label(self) -> &'static str {
        match self {
            Self::Guilty => "Guilty",
            Self::NotGuilty => "Not guilty; found guilty after trial",
            Self::NoPlea => "No plea entered",
            Self::Admitted => "Admitted",
        }
    }
}

/// One offence.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Offence {
    /// Date of the offence.
    pub date: NaiveDate,
    /// Offence as charged, in words.
    pub description: String,
    /// Plea.
    #[serde(default)]
    pub plea: Option<Plea>,
    /// Outcome, once known.
    #[serde(default)]
    pub outcome: Option<String>,
    /// Victims of this offence.
    #[serde(default)]
    pub victims: Vec<Victim>,
    /// A specified violent, sexual or terrorism offence (Sentencing Act
    /// 2020, Schedule 18): the PSR then assesses dangerousness.
    #[serde(default)]
    pub specified: bool,
    /// The day the child was convicted of it (pleaded guilty or was found
    /// guilty): the PSR gives the age then, beside the age at the offence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conviction_date: Option<NaiveDate>,
}

/// A victim of an offence.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Victim {
    /// Who, described without naming them (e.g. "shop worker").
    pub description: String,
    /// Age at the time of the offence, where known.
    #[serde(default)]
    pub age: Option<u8>,
    /// Whether the victim is a child (under 18).
    #[serde(default)]
    pub is_child: bool,
    /// Relationship to the child, if any.
    #[serde(default)]
    pub relationship: Option<String>,
    /// Whether the victim consents to be contacted about restorative justice.
    #[serde(default)]
    pub consents_to_contact: Option<bool>,
    /// Whether the victim took part in a restorative justice opportunity (YJB KPI 10).
    #[serde(default)]
    pub engaged_in_rj: Option<bool>,
}

/// Court and hearing.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Court {
    /// Court name, e.g. "Northfield Youth Court".
    pub name: String,
    /// Date of the sentencing hearing.
    #[serde(default)]
    pub hearing_date: Option<NaiveDate>,
    /// Remand or bail status.
    #[serde(default)]
    pub remand_status: Option<String>,
    /// Compliance with bail so far.
    #[serde(default)]
    pub bail_compliance: Option<String>,
    /// The court's reference for the case (URN or case number).
    #[serde(default)]
    pub reference: Option<String>,
    /// A report the court has asked the service for, as the case system
    /// records it ("PSR requested"): a writer starts it in casepress.
    #[serde(default)]
    pub report_requested: Option<RequestedReport>,
    /// The day the court asked for that report.
    #[serde(default)]
    pub report_requested_date: Option<NaiveDate>,
}

/// A report to the court the court has asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RequestedReport {
    /// A pre-sentence report.
    Psr,
    /// A progress report (a review, a deferred sentence, an application
    /// to revoke or amend an order).
    ProgressReport,
}

/// A signature: who signed and when.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Signature {
    /// Name of the person who signed.
    pub name: String,
    /// Date signed.
    pub date: NaiveDate,
}

/// Pre-sentence report content, written by the case manager.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Psr {
    /// Date the court requested the report.
    #[serde(default)]
    pub requested_date: Option<NaiveDate>,
    /// Introduction: how the case reached court, plea, remand and bail.
    #[serde(default)]
    pub introduction: Option<String>,
    /// Sources of information (interviews, home visit, CPS papers...).
    #[serde(default)]
    pub sources: Vec<String>,
    /// Offence analysis.
    #[serde(default)]
    pub offence_analysis: Option<OffenceAnalysis>,
    /// Assessment of the child.
    #[serde(default)]
    pub child_assessment: Option<ChildAssessment>,
    /// Assessment of risk.
    #[serde(default)]
    pub risk_assessment: Option<RiskAssessment>,
    /// Conclusion.
    #[serde(default)]
    pub conclusion: Option<String>,
    /// The sentencing proposal.
    #[serde(default)]
    pub proposal: Option<Proposal>,
    /// Whether custody is a strong possibility (double gatekeeping applies).
    #[serde(default)]
    pub custody_strong_possibility: bool,
    /// All options, or a specific sentence the court asked about.
    #[serde(default)]
    pub report_type: Option<ReportType>,
    /// Previous offending and out-of-court disposals, in the author's words
    /// ("None" when there are none).
    #[serde(default)]
    pub previous_offending: Option<String>,
    /// Why the offending happened: the analysis of underlying causes
    /// (Derbyshire practice guidance §7.1).
    #[serde(default)]
    pub underlying_causes: Option<String>,
    /// How the child has complied with previous orders, bail or
    /// interventions (Derbyshire practice guidance §7.1).
    #[serde(default)]
    pub previous_compliance: Option<String>,
    /// Evidence of the child's vulnerability should they receive custody:
    /// required when custody is a strong possibility (§7.1).
    #[serde(default)]
    pub custody_vulnerability: Option<String>,
    /// The dangerousness assessment, where an offence is a specified one.
    #[serde(default)]
    pub dangerousness: Option<String>,
    /// Date the report was discussed with the child and a parent or carer.
    #[serde(default)]
    pub discussed_with_child_and_carer: Option<NaiveDate>,
    /// The author's signature.
    #[serde(default)]
    pub signed: Option<Signature>,
    /// The sentences considered and not proposed, each with why (an
    /// all-options report sets them out).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options_considered: Vec<OptionConsidered>,
    /// How the proposed order would run: hours a week, start, who supervises.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery: Option<OrderDelivery>,
    /// The address assessed for a curfew and electronic monitoring.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub curfew_address: Option<CurfewAddress>,
    /// For a child under 16: whether a parenting order would help prevent
    /// further offending, and why, in the author's words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parenting_order: Option<String>,
    /// What helps the child take part in the hearing (for speech, language
    /// and communication needs): breaks, plain words, an intermediary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_participation: Option<String>,
    /// The child's own view of the offence and the proposal, in their words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub child_views: Option<String>,
    /// The parent's or carer's view, in their words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_views: Option<String>,
}

/// A progress report to the court (Derbyshire practice guidance §7.5): how
/// the child has done since the court last saw them. Gatekept with the
/// same rigour as a PSR; the hearing is the case's `court`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProgressReport {
    /// Date the court asked for the report.
    #[serde(default)]
    pub requested_date: Option<NaiveDate>,
    /// Why the court asked for it: a review, a deferred or adjourned
    /// sentence, an application to revoke or amend an order.
    #[serde(default)]
    pub purpose: Option<String>,
    /// The work done and the progress made since the last hearing.
    #[serde(default)]
    pub progress: Option<String>,
    /// Attendance and compliance with the order or bail.
    #[serde(default)]
    pub compliance: Option<String>,
    /// What the report asks the court to do. Keep the child down tariff
    /// where the progress allows it.
    #[serde(default)]
    pub recommendation: Option<String>,
    /// The power the report asks the court to use (revocation for good
    /// progress, extension, breach ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub power: Option<CourtPower>,
    /// The youth offender panel's view, for a referral order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub panel_view: Option<String>,
    /// The young person's view, in their words where possible.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub child_view: Option<String>,
    /// The parent's or carer's view.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_view: Option<String>,
    /// The victim's view, where a victim chose to give one (or that they
    /// chose not to).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub victim_view: Option<String>,
    /// Work still to do on the order ("None" when it is all done).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outstanding_work: Option<String>,
    /// Whether the author will attend court to present the report, or the
    /// court officer presents it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_court: Option<AtCourt>,
    /// Whether custody is a strong possibility (double gatekeeping applies).
    #[serde(default)]
    pub custody_strong_possibility: bool,
    /// Date the report was discussed with the child and a parent or carer.
    #[serde(default)]
    pub discussed_with_child_and_carer: Option<NaiveDate>,
    /// The author's signature.
    #[serde(default)]
    pub signed: Option<Signature>,
}

/// The young person's answer to their plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChildAnswer {
    /// They agree the plan.
    Agrees,
    /// They do not agree it (what they said is recorded with it).
    DoesNotAgree,
    /// They could not answer (asked again at the next meeting).
    CouldNotAnswer,
}

/// What the court asked the report to cover.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReportType {
    /// Every sentence open to the court.
    AllOptions,
    /// One sentence the court is considering.
    SpecificSentence,
}

/// PSR offence analysis.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OffenceAnalysis {
    /// Seriousness: what happened and the child's part in it.
    #[serde(default)]
    pub seriousness: Option<String>,
    /// Basis of plea, if any.
    #[serde(default)]
    pub basis_of_plea: Option<String>,
    /// Impact on victims and the child's view of it.
    #[serde(default)]
    pub victims: Option<String>,
}

/// PSR assessment of the child.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChildAssessment {
    /// Personal circumstances.
    #[serde(default)]
    pub circumstances: Option<String>,
    /// Family and relationships.
    #[serde(default)]
    pub family: Option<String>,
    /// Education, training and employment.
    #[serde(default)]
    pub education: Option<String>,
    /// Physical and emotional health.
    #[serde(default)]
    pub health: Option<String>,
    /// Looked-after experience, where relevant.
    #[serde(default)]
    pub looked_after: Option<String>,
    /// Parenting: the support and supervision the child has at home.
    #[serde(default)]
    pub parenting: Option<String>,
}

/// PSR assessment of risk, in the author's words.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RiskAssessment {
    /// Likelihood of reoffending.
    #[serde(default)]
    pub reoffending: Option<String>,
    /// Risk of serious harm.
    #[serde(default)]
    pub serious_harm: Option<String>,
    /// Safety and wellbeing.
    #[serde(default)]
    pub safety_wellbeing: Option<String>,
}

/// A sentencing proposal.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Proposal {
    /// Sentence proposed.
    pub sentence: DisposalType,
    /// Length in months.
    #[serde(default)]
    pub length_months: Option<u16>,
    /// Requirements proposed.
    #[serde(default)]
    pub requirements: Vec<String>,
    /// Why this proposal, in the author's words.
    #[serde(default)]
    pub rationale: Option<String>,
}

/// The gatekeeping record of a PSR.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Gatekeeping {
    /// Date of the gatekeeping meeting.
    #[serde(default)]
    pub meeting_date: Option<NaiveDate>,
    /// Managers who gatekept (two, one from another team, when custody is a strong possibility).
    #[serde(default)]
    pub managers: Vec<Worker>,
    /// The proposal agreed at the meeting.
    #[serde(default)]
    pub agreed_proposal: Option<String>,
    /// The managers' views on the PSR.
    #[serde(default)]
    pub views: Option<String>,
    /// Date the PSR was submitted to managers.
    #[serde(default)]
    pub submitted_date: Option<NaiveDate>,
    /// Whether a disagreement was escalated to the Head of Service.
    #[serde(default)]
    pub escalated: bool,
    /// The quality-assurance checklist, item by item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checklist: Option<QaChecklist>,
}

/// An intervention plan target.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Target {
    /// What we will work on, in the child's words where possible.
    pub target: String,
    /// What we will do.
    #[serde(default)]
    pub actions: Option<String>,
    /// Who will do it.
    #[serde(default)]
    pub who: Option<String>,
    /// By when.
    #[serde(default)]
    pub by_when: Option<NaiveDate>,
    /// Progress at review.
    #[serde(default)]
    pub progress: Option<String>,
}

/// Work by another agency.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AgencyWork {
    /// Agency.
    pub agency: String,
    /// What they will do.
    pub work: String,
}

/// Signatures on a plan or agreement.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Signatures {
    /// The young person.
    #[serde(default)]
    pub young_person: Option<Signature>,
    /// Parent or carer.
    #[serde(default)]
    pub parent_carer: Option<Signature>,
    /// Case manager.
    #[serde(default)]
    pub case_manager: Option<Signature>,
    /// Manager.
    #[serde(default)]
    pub manager: Option<Signature>,
}

/// Intervention plan.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InterventionPlan {
    /// Date the plan was agreed.
    #[serde(default)]
    pub date: Option<NaiveDate>,
    /// What's going well (defaults to the case's strengths).
    #[serde(default)]
    pub going_well: Vec<String>,
    /// What we will work on.
    #[serde(default)]
    pub targets: Vec<Target>,
    /// What will we do to keep you and others safe?
    #[serde(default)]
    pub keep_safe: Vec<String>,
    /// How can we make it easier for you to work with us? Specifics, not labels.
    #[serde(default)]
    pub make_it_easier: Option<String>,
    /// The restorative intervention.
    #[serde(default)]
    pub restorative: Option<String>,
    /// Other agencies' work.
    #[serde(default)]
    pub other_agencies: Vec<AgencyWork>,
    /// Next review date (at most 6 months on).
    #[serde(default)]
    pub review_date: Option<NaiveDate>,
    /// What the young person thinks of the plan, in their own words (what
    /// they said, when they do not agree).
    #[serde(default)]
    pub child_views: Option<String>,
    /// The young person's own answer to the plan: agrees, does not agree,
    /// or could not answer. A plan is not agreed without it.
    #[serde(default)]
    pub child_agrees: Option<ChildAnswer>,
    /// The day the young person gave that answer.
    #[serde(default)]
    pub child_answered: Option<NaiveDate>,
    /// Date the plan was discussed at a manager's quality-assurance meeting
    /// before it was agreed (Derbyshire practice guidance §4.3).
    #[serde(default)]
    pub qa_meeting_date: Option<NaiveDate>,
    /// The part the child writes, on a diversion or out-of-court plan.
    #[serde(default)]
    pub childs_part: Option<ChildsPart>,
    /// What worked and what happens next, written when a diversion or
    /// out-of-court plan ends.
    #[serde(default)]
    pub exit_plan: Option<ExitPlan>,
    /// Signatures.
    #[serde(default)]
    pub signatures: Signatures,
}

/// The part of a diversion or out-of-court plan the child writes, in their
/// own words (the Prevention and Diversion Assessment Tool's own section).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChildsPart {
    /// What I am good at.
    #[serde(default)]
    pub my_strengths: Vec<String>,
    /// What help I want.
    #[serde(default)]
    pub help_i_want: Vec<String>,
    /// Who will help me.
    #[serde(default)]
    pub who_will_help: Vec<String>,
}

/// The end of a diversion or out-of-court plan: what worked, and what
/// happens after.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExitPlan {
    /// The day it was written with the child.
    #[serde(default)]
    pub date: Option<NaiveDate>,
    /// What worked, one point a line.
    #[serde(default)]
    pub what_worked: Vec<String>,
    /// What happens after the plan ends: who the child can still go to.
    #[serde(default)]
    pub after: Option<String>,
}

/// A contact on the service agreement.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// Name.
    pub name: String,
    /// Role.
    pub role: String,
    /// Phone.
    #[serde(default)]
    pub phone: Option<String>,
    /// Email.
    #[serde(default)]
    pub email: Option<String>,
}

/// Service agreement, signed at the first visit.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceAgreement {
    /// Date of the agreement.
    #[serde(default)]
    pub date: Option<NaiveDate>,
    /// Extra commitments by the service, beyond the standard ones.
    #[serde(default)]
    pub service_commitments: Vec<String>,
    /// What the young person agrees to, beyond the standard terms.
    #[serde(default)]
    pub young_person_commitments: Vec<String>,
    /// What the parent or carer agrees to, besides the standard list.
    #[serde(default)]
    pub parent_commitments: Vec<String>,
    /// Contacts.
    #[serde(default)]
    pub contacts: Vec<Contact>,
    /// The answers, asked in words, to "Is it OK for us to share your
    /// information like this?".
    #[serde(default)]
    pub sharing: Option<SharingAnswers>,
    /// Who signs with parental responsibility, by name: a parent or carer
    /// who holds it, or (for a looked-after child) the social worker for the
    /// local authority. Without it, the first parent or carer.
    #[serde(default)]
    pub signed_with_parental_responsibility_by: Option<String>,
    /// Signatures.
    #[serde(default)]
    pub signatures: Signatures,
}

/// Yes or no, as the person said it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum YesNo {
    /// Yes.
    Yes,
    /// No.
    No,
}

/// The answers to the question about sharing information.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SharingAnswers {
    /// The young person's answer.
    #[serde(default)]
    pub young_person: Option<YesNo>,
    /// The answer of the person with parental responsibility who signs.
    #[serde(default)]
    pub parent_carer: Option<YesNo>,
    /// The day they were asked.
    #[serde(default)]
    pub date: Option<NaiveDate>,
}

/// MAPPA category (1 registered sexual offender, 2 violent, 3 other dangerous).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub enum MappaCategory {
    /// Category 1: registered sexual offenders.
    Category1 = 1,
    /// Category 2: violent offenders (12 months or more) and others.
    Category2 = 2,
    /// Category 3: other dangerous offenders.
    Category3 = 3,
}

/// MAPPA management level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub enum MappaLevel {
    /// Level 1: ordinary agency management.
    Level1 = 1,
    /// Level 2: active multi-agency management.
    Level2 = 2,
    /// Level 3: level 2 plus senior commitment of resources.
    Level3 = 3,
}

macro_rules! small_int_enum {
    ($ty:ident, $what:literal, $($n:literal => $v:ident),+) => {
        impl TryFrom<u8> for $ty {
            type Error = String;
            fn try_from(n: u8) -> Result<Self, String> {
                match n {
                    $($n => Ok(Self::$v),)+
                    _ => Err(format!(concat!($what, " {} is not valid: expected 1, 2 or 3"), n)),
                }
            }
        }
        impl From<$ty> for u8 {
            fn from(v: $ty) -> u8 {
                v as u8
            }
        }
        impl JsonSchema for $ty {
            fn schema_name() -> Cow<'static, str> {
                stringify!($ty).into()
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!({"type": "integer", "enum": [1, 2, 3]})
            }
        }
    };
}
small_int_enum!(MappaCategory, "MAPPA category", 1 => Category1, 2 => Category2, 3 => Category3);
small_int_enum!(MappaLevel, "MAPPA level", 1 => Level1, 2 => Level2, 3 => Level3);

/// MAPPA status.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Mappa {
    /// Category, or none if not a MAPPA nominal.
    #[serde(default)]
    pub category: Option<MappaCategory>,
    /// Management level.
    #[serde(default)]
    pub level: Option<MappaLevel>,
    /// Date identified as MAPPA-eligible.
    #[serde(default)]
    pub identified_date: Option<NaiveDate>,
    /// Date the central MAPPA unit was notified (MAPPA H).
    #[serde(default)]
    pub notified_date: Option<NaiveDate>,
    /// Date referred to level 2 or 3 (MAPPA A).
    #[serde(default)]
    pub referral_date: Option<NaiveDate>,
    /// Next review date.
    #[serde(default)]
    pub review_date: Option<NaiveDate>,
    /// ViSOR reference.
    #[serde(default)]
    pub visor_ref: Option<String>,
    /// Reason for referral: behaviour, attitudes, patterns, other agencies' information.
    #[serde(default)]
    pub reason_for_referral: Option<String>,
    /// Agencies involved.
    #[serde(default)]
    pub agencies: Vec<String>,
    /// The MAPPA area, e.g. "West Midlands".
    #[serde(default)]
    pub area: Option<String>,
    /// nDelius case reference number.
    #[serde(default)]
    pub ndelius_crn: Option<String>,
    /// Brief offence details, as bullets (not pasted from the PSR).
    #[serde(default)]
    pub offence_details: Vec<String>,
    /// Previous relevant offences.
    #[serde(default)]
    pub previous_offences: Option<String>,
    /// Expected release date, if in custody.
    #[serde(default)]
    pub release_date: Option<NaiveDate>,
    /// Approved proposed release address, if in custody.
    #[serde(default)]
    pub release_address: Option<String>,
    /// Victim issues: who is at risk, victim contact, restrictions needed.
    #[serde(default)]
    pub victim_issues: Option<String>,
    /// Why this level is requested (MAPPA A).
    #[serde(default)]
    pub level_reason: Option<String>,
    /// What the panel is asked to do, one request per line (MAPPA A).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requests_to_panel: Vec<String>,
    /// Disclosure considerations: whether information should be disclosed
    /// to anyone (a school, an employer, a partner), and why (MAPPA A).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disclosure: Option<String>,
    /// Whether the child and their parent or carer know of the referral,
    /// and their views (MAPPA A).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referral_shared: Option<ReferralShared>,
    /// Welfare considerations for the child: needs, vulnerability, care
    /// status, and how MAPPA actions could affect them (MAPPA A).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub welfare: Option<String>,
    /// The children's services representative on the panel (MAPPA A).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub childrens_services: Option<Worker>,
}

/// Person Posing a Risk to Children record.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Pprc {
    /// Whether the PPRC criteria are met (an offence against a child, Home Office Circular 16/2005).
    #[serde(default)]
    pub criteria_met: bool,
    /// Whether risks to children were identified at the line-manager discussion.
    #[serde(default)]
    pub risk_identified: Option<bool>,
    /// Date of the line-manager risk discussion.
    #[serde(default)]
    pub discussion_date: Option<NaiveDate>,
    /// The decision and its reasons.
    #[serde(default)]
    pub decision: Option<String>,
    /// Children the young person is in contact with: their names, dates of
    /// birth and who holds parental responsibility, so that children's
    /// services can act (PPRC 2).
    #[serde(default)]
    pub children_in_contact: Vec<ChildInContact>,
    /// What children's services are asked to do, by when, and the basis for
    /// sharing (PPRC 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<PprcRequest>,
    /// Date PPRC 2 was sent to children's services.
    #[serde(default)]
    pub referral_date: Option<NaiveDate>,
    /// Reassessment at closure (PPRC 7).
    #[serde(default)]
    pub closure_reassessment: Option<String>,
    /// Date PPRC 7 was sent to children's services.
    #[serde(default)]
    pub reassessment_date: Option<NaiveDate>,
    /// Actions on closure: who holds the risk after the YJS (PPRC 7).
    #[serde(default)]
    pub closure_actions: Vec<String>,
    /// The decision at closure: whether a risk to children remains (PPRC 7).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk_remains: Option<bool>,
    /// Date of the line-manager discussion of the closure reassessment (PPRC 7).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closure_discussion_date: Option<NaiveDate>,
    /// Who was told of the closure decision, and when (PPRC 7).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub closure_notified: Vec<Notified>,
    /// The assessed risk to children, in the case manager's words.
    #[serde(default)]
    pub risk_summary: Option<String>,
    /// Actions agreed to manage the risk.
    #[serde(default)]
    pub actions: Vec<String>,
}

/// The child's Mind Of My Own account.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MomoAccount {
    /// The name the child uses in the app.
    #[serde(default)]
    pub name: Option<String>,
    /// The date of birth the child gave the app, if different.
    #[serde(default)]
    pub date_of_birth: Option<NaiveDate>,
}
