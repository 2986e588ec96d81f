//! The run record: `OUT/runs/<timestamp>.json`, what a run did item by item.
//! Paths in it are relative to the output root, so the record reads the
//! same wherever the run was started from and wherever the output moves.

use std::path::PathBuf;

use chrono::{SecondsFormat, Utc};
use serde::Serialize;
use serde::ser::{SerializeSeq, Serializer};

use super::report::{BatchReport, Outcome};
use crate::press::{Press, SetupError};
use crate::store::{self, Layout};

/// Writes the record of a render batch run as `command`; returns its path.
pub fn write_run_record(press: &Press, command: &str, report: &BatchReport) -> Result<PathBuf, SetupError> {
    let now = Utc::now();
    let (written, unchanged, failed) = report.counts();
    let layout = press.layout();
    let record = Record {
        command,
        finished: now.to_rfc3339_opts(SecondsFormat::Secs, true),
        version: env!("CARGO_PKG_VERSION"),
        written,
        unchanged,
        failed,
        items: Relative { report, layout },
    };
    let bytes = serde_json::to_vec_pretty(&record).expect("a run record serialises");
    let name = format!("{}.json", now.format("%Y%m%dT%H%M%SZ"));
    Ok(store::publish(&layout.runs(), &name, &bytes, press.modes())?.path().to_owned())
}

/// The record's fields, in the order they are written.
#[derive(Serialize)]
struct Record<'a> {
    command: &'a str,
    finished: String,
    version: &'a str,
    written: usize,
    unchanged: usize,
    failed: usize,
    items: Relative<'a>,
}

/// A batch's items with their paths relative to the output root, written
/// one at a time: a batch of 10,000 cases is not copied whole to say it.
struct Relative<'a> {
    report: &'a BatchReport,
    layout: &'a Layout,
}

impl Serialize for Relative<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.report.items.len()))?;
        for item in &self.report.items {
            let mut item = item.clone();
            if let Outcome::Written { path, .. } | Outcome::Unchanged { path } = &mut item.outcome {
                *path = self.layout.relative(path).to_owned();
            }
            seq.serialize_element(&item)?;
        }
        seq.end()
    }
}
