//! A resubmission and the version returned before it: the case as its
//! reviewer returned it and as it is submitted now, both kept at their
//! submission (decision 0096), so that a reviewer sees what changed
//! (decision 0116).

use crate::documents::Step;
use crate::history::{DocState, Phase};
use crate::store::{LogEntry, Records, StoreError};

/// The version now under review, and the one returned before it.
#[derive(Debug, Clone)]
pub struct Resubmission {
    /// Who returned the earlier version.
    pub returned_by: String,
    /// When (RFC 3339).
    pub returned_at: String,
    /// Their comments.
    pub comments: Option<String>,
    /// Whoever resubmitted it, and when (RFC 3339).
    pub resubmitted: (String, String),
    /// The case as it was submitted in the version returned, if it was
    /// kept (versions submitted before casepress kept them were not).
    pub then: Option<serde_json::Value>,
    /// The case as it is submitted now, if kept.
    pub now: Option<serde_json::Value>,
}

/// The resubmission under review in `state` (submitted, or agreed by some
/// of its reviewers), with the version returned last before it: `None`
/// when the document is not under review or was never returned.
pub fn resubmission(
    records: &Records,
    case_id: &str,
    log: &[LogEntry],
    state: &DocState,
) -> Result<Option<Resubmission>, StoreError> {
    if !matches!(state.phase, Phase::Submitted | Phase::Agreed) {
        return Ok(None);
    }
    let Some(submitted) = state.steps.iter().rposition(|s| s.step == Step::Submitted) else {
        return Ok(None);
    };
    let Some(returned) = state.steps[..submitted].iter().rev().find(|s| s.step == Step::Returned) else {
        return Ok(None);
    };
    // A returned step names the PDF's SHA-256; the case kept is named by
    // the input that made that PDF.
    let input_of = |sha: &str| {
        log.iter().rev().find_map(|e| match e {
            LogEntry::Document { kind, sha256, input_hash, draft: true, .. }
                if *kind == state.kind && sha256 == sha =>
            {
                Some(input_hash.clone())
            }
            _ => None,
        })
    };
    let kept = |input: Option<String>| -> Result<Option<serde_json::Value>, StoreError> {
        let Some(input) = input else { return Ok(None) };
        let bytes = records.version(case_id, &input)?;
        Ok(bytes.and_then(|b| serde_json::from_slice(&b).ok()))
    };
    let now = &state.steps[submitted];
    Ok(Some(Resubmission {
        returned_by: returned.by.clone(),
        returned_at: returned.at.clone(),
        comments: returned.comments.clone(),
        resubmitted: (now.by.clone(), now.at.clone()),
        then: kept(input_of(&returned.sha256))?,
        now: kept(state.draft_input.clone().or_else(|| input_of(&now.sha256)))?,
    }))
}
