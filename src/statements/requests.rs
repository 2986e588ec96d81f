//! Decisions queued for the filer. While a watcher runs it is the only filer
//! of its output root, so a duty manager's decision taken in the workspace
//! (attach an unidentified statement to a case) is queued here, as one file
//! per request, and the watcher carries it out at its next look. Without a
//! watcher, the workspace takes the lock and carries it out at once.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::filing::{AttachOptions, FilingLock, attach_locked};
use crate::case::Caseload;
use crate::press::{Press, SetupError};
use crate::store::{self, Layout, Modes};

/// What became of a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    /// The request.
    pub attach: AttachRequest,
    /// When it was carried out (RFC 3339).
    pub done: String,
    /// Why it could not be, if it could not.
    pub refused: Option<String>,
}

/// An attach decision, as queued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachRequest {
    /// The statement ID, or the quarantined file's name.
    pub statement: String,
    /// The case it belongs to.
    pub case_id: String,
    /// Who decided.
    pub by: String,
    /// Why.
    pub reason: String,
}

fn dir(layout: &Layout) -> PathBuf {
    layout.requests()
}

/// Queues an attach decision for the watcher.
pub fn queue_attach(layout: &Layout, modes: Modes, request: &AttachRequest) -> Result<(), String> {
    let bytes = serde_json::to_vec_pretty(request).map_err(|e| e.to_string())?;
    let name = format!(
        "{}-attach-{}.json",
        chrono::Utc::now().format("%Y%m%dT%H%M%S%.6f"),
        crate::store::sha256_hex(&bytes).get(..12).unwrap_or("")
    );
    store::publish(&dir(layout), &name, &bytes, modes).map(|_| ()).map_err(|e| e.to_string())
}

/// Requests still queued.
pub fn queued(layout: &Layout) -> Vec<AttachRequest> {
    pending_files(layout)
        .into_iter()
        .filter_map(|p| serde_json::from_slice(&std::fs::read(p).ok()?).ok())
        .collect()
}

fn pending_files(layout: &Layout) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir(layout))
        .map(|d| {
            d.flatten()
                .map(|e| e.path())
                .filter(|p| {
                    p.extension().is_some_and(|e| e == "json")
                        && !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.'))
                })
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// Carries out one attach decision now, under `lock`; the outcome is
/// recorded in `requests/done.jsonl`.
pub fn carry_out(
    press: &Press,
    caseload: &Caseload,
    request: &AttachRequest,
    lock: &mut FilingLock,
) -> Result<Outcome, SetupError> {
    let opts = AttachOptions {
        statement: request.statement.clone(),
        case_id: request.case_id.clone(),
        by: request.by.clone(),
        reason: request.reason.clone(),
        now: chrono::Utc::now(),
    };
    let refused = match attach_locked(press, caseload, &opts, lock) {
        Ok(report) if report.has_failures() => {
            Some(report.items.iter().map(|i| i.detail.clone()).collect::<Vec<_>>().join("; "))
        }
        Ok(_) => None,
        Err(SetupError::Input(why)) => Some(why),
        Err(e) => return Err(e),
    };
    let outcome = Outcome { attach: request.clone(), done: chrono::Utc::now().to_rfc3339(), refused };
    let mut line = serde_json::to_vec(&outcome).map_err(|e| SetupError::Input(e.to_string()))?;
    line.push(b'\n');
    let d = dir(press.layout());
    store::ensure_dir(&d, press.modes())?;
    store::append_lines(&press.layout().requests_done(), &line, press.modes(), true)?;
    Ok(outcome)
}

/// Carries out every queued request, oldest first (the watcher, each look).
pub fn carry_out_queued(
    press: &Press,
    caseload: &Caseload,
    lock: &mut FilingLock,
) -> Result<Vec<Outcome>, SetupError> {
    let mut outcomes = Vec::new();
    for file in pending_files(press.layout()) {
        let request: Option<AttachRequest> =
            std::fs::read(&file).ok().and_then(|b| serde_json::from_slice(&b).ok());
        if let Some(request) = request {
            outcomes.push(carry_out(press, caseload, &request, lock)?);
        }
        // Recorded in done.jsonl (or unreadable): the request is spent.
        std::fs::remove_file(&file).map_err(|e| SetupError::Input(format!("{}: {e}", file.display())))?;
        store::sync_dir(&dir(press.layout()))?;
    }
    Ok(outcomes)
}

/// What became of the requests so far, newest first.
pub fn outcomes(layout: &Layout) -> Vec<Outcome> {
    let mut all: Vec<Outcome> =
        store::read_lines(&layout.requests_done()).map(|(l, _)| l).unwrap_or_default();
    all.reverse();
    all
}
