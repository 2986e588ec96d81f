//! The run record: `OUT/runs/<timestamp>.json`, what a run did item by item.
//! Paths in it are relative to the output root, so the record reads the
//! same wherever the run was started from and wherever the output moves.

use std::path::PathBuf;

use chrono::{SecondsFormat, Utc};

use super::report::{BatchReport, Outcome};
use crate::press::{Press, SetupError};
use crate::store;

/// Writes the record of a render batch run as `command`; returns its path.
pub fn write_run_record(press: &Press, command: &str, report: &BatchReport) -> Result<PathBuf, SetupError> {
    let now = Utc::now();
    let (written, unchanged, failed) = report.counts();
    let layout = press.layout();
    let items: Vec<_> = report
        .items
        .iter()
        .cloned()
        .map(|mut item| {
            match &mut item.outcome {
                Outcome::Written { path, .. } | Outcome::Unchanged { path } => {
                    *path = layout.relative(path).to_owned();
                }
                Outcome::Failed { .. } | Outcome::Historic { .. } => {}
            }
            item
        })
        .collect();
    let record = serde_json::json!({
        "command": command,
        "finished": now.to_rfc3339_opts(SecondsFormat::Secs, true),
        "version": env!("CARGO_PKG_VERSION"),
        "written": written,
        "unchanged": unchanged,
        "failed": failed,
        "items": items,
    });
    let bytes = serde_json::to_vec_pretty(&record).expect("a run record serialises");
    let name = format!("{}.json", now.format("%Y%m%dT%H%M%SZ"));
    Ok(store::publish(&layout.runs(), &name, &bytes, press.modes())?.path().to_owned())
}
