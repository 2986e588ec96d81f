//! The manager's disclosure decision: release the pack as made, or not,
//! recorded as a step in the case log about the exact pack (its SHA-256).
//! Only a manager decides; a pack is decided once; a pack changed on disk
//! since it was made is never released.

use chrono::{DateTime, SecondsFormat, Utc};

use crate::case::Case;
use crate::press::Press;
use crate::staff::same_name;
use crate::store::{self, DisclosureStep, LogEntry};

use super::requester::{Requester, SarError};

/// What the manager decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Release the pack as made.
    Release,
    /// Do not release it (reasons required).
    Refuse,
}

/// Records `decision` by `by` on the latest pack made for `requester`.
/// Returns the step recorded.
pub fn decide(
    press: &Press,
    case: &Case,
    requester: &Requester,
    decision: Decision,
    by: &str,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<LogEntry, SarError> {
    let directory = press.staff();
    let Some(by) = directory.spelled(by).map(str::to_owned) else {
        return Err(SarError::Refused(format!(
            "{} is not in the staff directory: --by names a manager",
            by.trim()
        )));
    };
    if !directory.is_manager(&by) {
        let title =
            directory.member(&by).and_then(|m| m.role.clone()).unwrap_or_else(|| "no role recorded".into());
        return Err(SarError::Refused(format!("only a manager decides a disclosure: {by} is {title}")));
    }
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    if decision == Decision::Refuse && reason.is_none() {
        return Err(SarError::Refused("a decision not to release says why: add --reason".into()));
    }
    let case_id = case.case_id.as_str();
    let fail = |e: store::StoreError| SarError::Failed(e.to_string());
    let lock = press.records().lock(case_id).map_err(fail)?;
    let log = press.records().read(case_id).map_err(fail)?;
    let same_requester = |kind: &str, name: &Option<String>| {
        kind == requester.kind()
            && match (name.as_deref(), requester.name()) {
                (Some(a), Some(b)) => same_name(a, b),
                (None, None) => true,
                _ => false,
            }
    };
    let Some(made_at) = log.iter().rposition(|e| {
        matches!(e, LogEntry::Disclosure { step: DisclosureStep::Made, requester: k, requester_name: n, .. } if same_requester(k, n))
    }) else {
        return Err(SarError::Refused(format!(
            "no pack has been made for this {} yet: make it first (casepress sar {case_id} --requester {})",
            requester.kind(),
            requester.kind()
        )));
    };
    let LogEntry::Disclosure { at, file, sha256, withheld, requester: kind, requester_name, .. } =
        &log[made_at]
    else {
        unreachable!("found as a disclosure")
    };
    if let Some(LogEntry::Disclosure { by: earlier, step, .. }) = log[made_at + 1..].iter().find(|e| {
        matches!(e, LogEntry::Disclosure { step: DisclosureStep::Released | DisclosureStep::Refused, sha256: s, .. } if s == sha256)
    }) {
        let word = if *step == DisclosureStep::Released { "released" } else { "not released" };
        return Err(SarError::Refused(format!("this pack was already decided: {word} by {earlier}")));
    }
    if let Ok(made) = DateTime::parse_from_rfc3339(at)
        && now < made
    {
        return Err(SarError::Refused(format!(
            "the pack was made at {}: a decision is never recorded before it",
            made.with_timezone(&chrono_tz::Europe::London).format("%-d %B %Y %H:%M")
        )));
    }
    let path = press.layout().at(file);
    let on_disk = store::file_digest(&path).map(|d| store::hex(&d));
    if on_disk.as_deref().ok() != Some(sha256.as_str()) {
        return Err(SarError::Refused(format!(
            "{}: missing or changed since it was made: make the pack again",
            path.display()
        )));
    }
    let entry = LogEntry::Disclosure {
        at: now.to_rfc3339_opts(SecondsFormat::Secs, true),
        step: match decision {
            Decision::Release => DisclosureStep::Released,
            Decision::Refuse => DisclosureStep::Refused,
        },
        requester: kind.clone(),
        requester_name: requester_name.clone(),
        file: file.clone(),
        sha256: sha256.clone(),
        withheld: *withheld,
        by,
        os_user: os_user(),
        reason: reason.map(str::to_owned),
    };
    press.records().append(case_id, std::slice::from_ref(&entry)).map_err(fail)?;
    drop(lock);
    Ok(entry)
}

/// The operating-system user running the command, as the case log records
/// it beside every step.
pub(super) fn os_user() -> String {
    let uid = nix::unistd::Uid::effective();
    match nix::unistd::User::from_uid(uid) {
        Ok(Some(user)) => user.name,
        _ => format!("uid {uid}"),
    }
}
