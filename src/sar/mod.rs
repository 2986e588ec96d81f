//! Subject access requests (UK GDPR article 15) about a child: one PDF/A
//! pack of everything casepress holds about them (the case file's facts and
//! the writers' words, the documents made, the case history, the
//! statements' receipts, the workspace's audit lines naming the case), with
//! third parties' information withheld when the pack is made, never drawn
//! over: a withheld field's words are not read into the pack at all, so
//! neither its text, its tags, its alternative texts nor its metadata can
//! hold them. A redaction log (CSV and JSON beside the PDF, and the pack's
//! last section) lists what was withheld and why. A manager then records
//! the decision to release the pack, or not, as a step in the case log.
//!
//! Which fields are whose is the case format's structure ([`classify`]);
//! who may be named is the case's and the staff directory's (`people`).
//! Why, and what each requester sees: decisions 0180–0182.

mod classify;
mod decision;
mod facts;
mod people;
mod records;
mod redaction;
mod requester;

use std::path::PathBuf;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde::Serialize;
use serde_json::json;

use crate::case::Case;
use crate::documents::Step;
use crate::press::Press;
use crate::staff::same_name;
use crate::store::{self, DisclosureStep, LogEntry, Published};

pub use classify::{Class, Party, classify};
pub use decision::{Decision, decide};
pub use facts::{Row, Section};
pub use records::{DocumentRow, EventRow, Records};
pub use redaction::{Redaction, csv as redaction_csv};
pub use requester::{Requester, SarError};

/// What to make.
#[derive(Debug, Clone)]
pub struct SarRequest {
    /// Who asked.
    pub requester: Requester,
    /// The pack's date.
    pub date: NaiveDate,
    /// For a parent or carer: the young person agreed that their own
    /// views, health and messages be shared with them.
    pub child_consents: bool,
    /// People the officer knows to be third parties whom the case format
    /// does not name (a co-defendant, a witness, a sibling): any field
    /// naming one is withheld.
    pub third_parties: Vec<String>,
}

/// A pack as made, before it is written.
#[derive(Debug, Clone)]
pub struct Pack {
    /// The PDF.
    pub pdf: Vec<u8>,
    /// What it withholds.
    pub redactions: Vec<Redaction>,
}

/// A pack as written, and recorded in the case log.
#[derive(Debug, Clone, Serialize)]
pub struct Written {
    /// The PDF.
    pub pdf: PathBuf,
    /// The redaction log as CSV.
    pub csv: PathBuf,
    /// The redaction log as JSON.
    pub json: PathBuf,
    /// SHA-256 of the PDF.
    pub sha256: String,
    /// How many items it withholds.
    pub withheld: usize,
    /// Whether it was new (an identical pack was already there otherwise).
    pub written: bool,
}

/// Makes the pack for `request` about `case`, from what the output root
/// holds for it.
pub fn make_pack(press: &Press, case: &Case, request: &SarRequest) -> Result<Pack, SarError> {
    check_requester(case, &request.requester)?;
    check_third_parties(case, request)?;
    let case_id = case.case_id.as_str();
    let read = press.records().read_with_damage(case_id).map_err(|e| SarError::Failed(e.to_string()))?;
    // A damaged line cannot be read, so cannot be checked for third
    // parties: the pack says how many there are, for a person to review.
    let damaged: Vec<usize> = read.damaged.iter().map(|d| d.line).collect();
    let log = read.entries;
    let audit_dir = press.layout().audit();
    let audit = if audit_dir.is_dir() {
        crate::workspace::audit::read(&audit_dir).map_err(SarError::Failed)?
    } else {
        Vec::new()
    };
    let audit: Vec<_> = audit.into_iter().filter(|a| a.case.as_deref() == Some(case_id)).collect();
    let people = people::People::new(case, press.staff(), &request.requester, &request.third_parties);
    let mut ledger = redaction::Ledger::default();
    let consents = request.child_consents;
    let now = serde_json::to_value(case).expect("a case serialises");
    let sections = facts::sections(&now, &people, &request.requester, consents, &mut ledger);
    // A final was made from the case as it was then, kept beside the log:
    // what that version said and the case file no longer does is held too.
    let mut earlier = Vec::new();
    for entry in &log {
        let LogEntry::Lifecycle { step: Step::Final, kind, agreed_input: Some(input), at, .. } = entry else {
            continue;
        };
        let kept = press.records().version(case_id, input).map_err(|e| SarError::Failed(e.to_string()))?;
        let Some(then) = kept.and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
        else {
            continue;
        };
        let differs =
            facts::differences(&then, &sections, &people, &request.requester, consents, &mut ledger);
        if !differs.is_empty() {
            let day = at.get(..10).unwrap_or(at);
            earlier.push(json!({"title": kind.title(), "made_final": day, "sections": differs}));
        }
    }
    let records = records::records(&log, &audit, &people, &request.requester, consents, &mut ledger);
    let child = &case.child;
    let notice = json!({
        "case_id": case_id,
        "date": request.date.to_string(),
        "child": format!("{} {}", child.first_name, child.last_name),
        "requester": request.requester.words(),
        "requester_kind": request.requester.kind(),
        "child_consents": consents,
        "sections": sections,
        "earlier": earlier,
        "records": records,
        "redactions": ledger.entries,
        "damaged_log_lines": damaged,
    });
    let pdf = press
        .typeset_notice("subject-access.typ.j2", &notice, &format!("{case_id}/subject-access"), request.date)
        .map_err(|f| SarError::Failed(format!("subject access pack: {f}")))?;
    Ok(Pack { pdf, redactions: ledger.entries })
}

/// Writes `pack` into `OUT/<case>/sar/` (PDF, `_redactions.csv`,
/// `_redactions.json`), never over an earlier pack, and records it in the
/// case log as made by `by` (a name in the staff directory) at `now`.
pub fn publish_pack(
    press: &Press,
    case: &Case,
    request: &SarRequest,
    pack: &Pack,
    by: &str,
    now: DateTime<Utc>,
) -> Result<Written, SarError> {
    let by = staff_name(press, by)?;
    let case_id = case.case_id.as_str();
    let dir = press.layout().case_dir(case_id).join("sar");
    let name = format!("{case_id}_sar_{}_{}.pdf", request.requester.kind(), request.date);
    store::check_file_name(&name).map_err(SarError::Failed)?;
    let fail = |e: store::StoreError| SarError::Failed(e.to_string());
    let lock = press.records().lock(case_id).map_err(fail)?;
    let published = store::publish(&dir, &name, &pack.pdf, press.modes()).map_err(fail)?;
    let pdf = published.path().to_owned();
    let stem = pdf.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let json_bytes = serde_json::to_vec_pretty(&pack.redactions).expect("redactions serialise");
    let csv = store::publish_as(
        &dir,
        &format!("{stem}_redactions.csv"),
        &redaction::csv(&pack.redactions),
        press.modes(),
    )
    .map_err(fail)?;
    let json = store::publish_as(&dir, &format!("{stem}_redactions.json"), &json_bytes, press.modes())
        .map_err(fail)?;
    let sha256 = store::sha256_hex(&pack.pdf);
    let written = matches!(published, Published::Written(_));
    if written {
        let entry = LogEntry::Disclosure {
            at: now.to_rfc3339_opts(SecondsFormat::Secs, true),
            step: DisclosureStep::Made,
            requester: request.requester.kind().to_owned(),
            requester_name: request.requester.name().map(str::to_owned),
            file: press.layout().relative(&pdf).display().to_string(),
            sha256: sha256.clone(),
            withheld: pack.redactions.len(),
            by,
            os_user: decision::os_user(),
            reason: None,
        };
        press.records().append(case_id, &[entry]).map_err(fail)?;
    }
    drop(lock);
    Ok(Written {
        pdf,
        csv: csv.path().to_owned(),
        json: json.path().to_owned(),
        sha256,
        withheld: pack.redactions.len(),
        written,
    })
}

/// A parent must hold parental responsibility and a carer be recorded on
/// the case, each as the case file spells them.
fn check_requester(case: &Case, requester: &Requester) -> Result<(), SarError> {
    let Some(name) = requester.name() else { return Ok(()) };
    let Some(carer) = case.parents_carers.iter().find(|c| same_name(&c.name, name)) else {
        let known: Vec<&str> = case.parents_carers.iter().map(|c| c.name.as_str()).collect();
        let known = if known.is_empty() { "none is recorded".to_owned() } else { known.join(", ") };
        return Err(SarError::Refused(format!(
            "{name} is not among the case's parents and carers ({known}): a request for the child is made by the child or by someone recorded on the case"
        )));
    };
    if matches!(requester, Requester::Parent(_)) && !carer.parental_responsibility {
        return Err(SarError::Refused(format!(
            "{} ({}) is not recorded as holding parental responsibility: a parent acts for the child only with it",
            carer.name, carer.relationship
        )));
    }
    Ok(())
}

/// A third party is someone other than the young person and the requester:
/// naming either would withhold what the pack is for.
fn check_third_parties(case: &Case, request: &SarRequest) -> Result<(), SarError> {
    let child = &case.child;
    let mut own = vec![format!("{} {}", child.first_name, child.last_name)];
    own.extend(child.preferred_name.iter().map(|p| format!("{p} {}", child.last_name)));
    for named in &request.third_parties {
        if own.iter().any(|name| same_name(name, named)) {
            return Err(SarError::Refused(format!(
                "--third-party {named}: that is the young person the records are about, not a third party"
            )));
        }
        if request.requester.name().is_some_and(|name| same_name(name, named)) {
            return Err(SarError::Refused(format!(
                "--third-party {named}: that is who asked for the records, not a third party"
            )));
        }
    }
    Ok(())
}

/// `by` as the staff directory spells it (as typed, tidied, where the
/// service lists no staff, as a lifecycle step takes it).
fn staff_name(press: &Press, by: &str) -> Result<String, SarError> {
    if press.staff().is_empty() {
        let tidy = by.split_whitespace().collect::<Vec<_>>().join(" ");
        return if tidy.is_empty() {
            Err(SarError::Refused("--by names who prepares the pack".into()))
        } else {
            Ok(tidy)
        };
    }
    press.staff().spelled(by).map(str::to_owned).ok_or_else(|| {
        SarError::Refused(format!(
            "{} is not in the staff directory: --by names a member of staff",
            by.trim()
        ))
    })
}
