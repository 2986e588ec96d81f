//! The commit of a batch, in the order that makes a crash at any instant
//! lose nothing: decisions ("begun"), copies verified, notes and notices,
//! receipts, "done", and only then removal from the inbox.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use chrono::SecondsFormat;

use super::batch::{Batch, Pending, logged_statements};
use super::filer::{Filer, REPLACED};
use crate::failpoint;
use crate::statements::decision::{Decision, StatementOutcome};
use crate::statements::inbox::{self, Arrived};
use crate::statements::ledger::{Ledger, Stage};
use crate::statements::notes::{self, SafetyLinkNotice};
use crate::statements::report::StatementReport;
use crate::store::{self, LogEntry, Modes};

impl Filer<'_> {
    /// Files a batch in order, each step for the whole batch before the
    /// next: decisions ("begun", one sync); copies, verified, then sidecars,
    /// notes and notices (each file synced, each folder once); receipts (one
    /// append and sync per case log); "done"; removal from the inbox. A
    /// statement that fails a step drops out with its reason; its "begun"
    /// line makes the next run finish it.
    pub(super) fn commit(&self, batch: Batch, ledger: &mut Ledger) -> Vec<StatementReport> {
        let mut live: Vec<(Pending, Result<(), String>)> =
            batch.pending.into_iter().map(|p| (p, Ok(()))).collect();
        if live.is_empty() {
            return Vec::new();
        }
        let new: Vec<&Decision> = live.iter().filter(|(p, _)| !p.resumed).map(|(p, _)| &p.decision).collect();
        if let Err(reason) = self.ledger_file.append(ledger, Stage::Begun, &new) {
            return live.iter().map(|(p, _)| StatementReport::failed(&p.path, &reason)).collect();
        }
        failpoint("after-begun");
        let mut folders = Folders::default();
        for (p, result) in &mut live {
            *result = self.publish_copy(p, &mut folders);
        }
        failpoint("after-publish");
        for (p, result) in live.iter_mut().filter(|(_, r)| r.is_ok()) {
            *result = self.publish_notes(&p.decision, &mut folders);
        }
        if let Err(reason) = folders.sync() {
            fail_the_rest(&mut live, &reason);
        }
        failpoint("after-notes");
        self.log_receipts(&mut live);
        failpoint("after-log");
        let done: Vec<&Decision> = live.iter().filter(|(_, r)| r.is_ok()).map(|(p, _)| &p.decision).collect();
        if let Err(reason) = self.ledger_file.append(ledger, Stage::Done, &done) {
            fail_the_rest(&mut live, &reason);
        }
        failpoint("after-done");
        live.into_iter()
            .map(|(p, result)| {
                result
                    .and_then(|()| match p.from_inbox {
                        true => inbox::remove(&p.path, &p.arrived),
                        false => Ok(inbox::Removal::Removed),
                    })
                    .map(|removal| {
                        let mut report = self.report(&p.path, &p.decision);
                        if removal == inbox::Removal::Replaced {
                            report.detail.push_str(&format!("; {REPLACED}"));
                        }
                        report
                    })
                    .unwrap_or_else(|reason| StatementReport::failed(&p.path, &reason))
            })
            .collect()
    }

    /// Publishes the filed copy (and its sidecar) and verifies it by
    /// SHA-256. Idempotent; the folder is synced with the batch's.
    fn publish_copy(&self, p: &Pending, folders: &mut Folders) -> Result<(), String> {
        let d = &p.decision;
        let dir = folders.enter(&self.layout.at(&d.dest_dir), self.modes)?;
        store::publish_as_unsynced(&dir, &d.dest_name, &p.arrived.bytes, self.modes)
            .map_err(|e| e.to_string())?;
        self.verify(d)?;
        // Every sidecar goes where its PDF goes: filed or quarantined.
        if let Some(side) = &p.arrived.sidecar {
            let name = Path::new(&d.dest_name).with_extension("json");
            store::publish_as_unsynced(&dir, &name.to_string_lossy(), &side.bytes, self.modes)
                .map_err(|e| e.to_string())?;
        }
        Ok(())
    }

    /// Keeps the sidecar of a duplicate beside the filed copy: under the
    /// copy's sidecar name when it is the same, else numbered (`_2`), never
    /// replacing one.
    pub(super) fn keep_sidecar(&self, d: &Decision, arrived: &Arrived) -> Result<(), String> {
        let Some(side) = &arrived.sidecar else { return Ok(()) };
        let name = Path::new(&d.dest_name).with_extension("json");
        store::publish(&self.layout.at(&d.dest_dir), &name.to_string_lossy(), &side.bytes, self.modes)
            .map(drop)
            .map_err(|e| e.to_string())
    }

    /// Writes the decision's notes and, for Safety Link, the escalation
    /// notice. Idempotent; folders are synced with the batch's.
    fn publish_notes(&self, d: &Decision, folders: &mut Folders) -> Result<(), String> {
        for (dir, name, text) in notes::notes_for(d, self.press.config(), self.press.calendar()) {
            let dir = folders.enter(&self.layout.at(dir), self.modes)?;
            store::publish_as_unsynced(&dir, &name, text.as_bytes(), self.modes)
                .map_err(|e| e.to_string())?;
        }
        if !d.recipients.is_empty() {
            let notice = SafetyLinkNotice::of(d);
            let pdf = self
                .press
                .typeset_notice("safety-link.typ.j2", &notice, &d.sha256, d.received_day())
                .map_err(|f| f.reason)?;
            let dir = folders.enter(&self.layout.escalations(), self.modes)?;
            store::publish_as_unsynced(&dir, &d.notice_name(), &pdf, self.modes)
                .map_err(|e| e.to_string())?;
        }
        Ok(())
    }

    /// Re-reads the filed copy and checks its SHA-256.
    pub(super) fn verify(&self, d: &Decision) -> Result<(), String> {
        let path = self.layout.at(d.filed());
        let digest = store::file_digest(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        if store::hex(&digest) == d.sha256 {
            Ok(())
        } else {
            Err(format!("{}: the filed copy does not match the original (SHA-256)", path.display()))
        }
    }

    /// The receipts of the batch's assigned statements, one append (and one
    /// sync) per case log, after their copies are durable.
    ///
    /// Only a resumed decision can already have its receipt (the receipt is
    /// written after "begun"), so only then is the case log read to check.
    fn log_receipts(&self, live: &mut [(Pending, Result<(), String>)]) {
        let mut by_case: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (k, (p, result)) in live.iter().enumerate() {
            if result.is_ok() && p.decision.outcome == StatementOutcome::Assigned {
                by_case.entry(p.decision.case_id.as_deref().unwrap_or_default()).or_default().push(k);
            }
        }
        let mut failures = Vec::new();
        for (case_id, members) in by_case {
            let logged = if members.iter().any(|&k| live[k].0.resumed) {
                match logged_statements(self.press.records(), case_id) {
                    Ok(logged) => logged,
                    Err(e) => {
                        failures.extend(members.iter().map(|&k| (k, e.clone())));
                        continue;
                    }
                }
            } else {
                BTreeSet::new()
            };
            let entries: Vec<LogEntry> = members
                .iter()
                .map(|&k| &live[k].0.decision)
                .filter(|d| !logged.contains(&d.sha256))
                .map(|d| self.receipt(d))
                .collect();
            if let Err(e) = self.press.records().append(case_id, &entries) {
                failures.extend(members.iter().map(|&k| (k, e.to_string())));
            }
        }
        for (k, reason) in failures {
            live[k].1 = Err(reason);
        }
    }

    /// The case-log receipt of an assigned statement.
    pub(super) fn receipt(&self, d: &Decision) -> LogEntry {
        let f = &d.fields;
        LogEntry::Statement {
            at: d.received.to_rfc3339_opts(SecondsFormat::Secs, true),
            statement_id: f.statement_id.clone().unwrap_or_default(),
            file: d.dest_name.clone(),
            sha256: d.sha256.clone(),
            app: f.app.clone(),
            statement_type: f.statement_type.clone(),
            sent: f.sent.map(|s| s.to_rfc3339_opts(SecondsFormat::Secs, true)).unwrap_or_default(),
            received: d.received.to_rfc3339_opts(SecondsFormat::Secs, true),
            assigned_to: d.assigned_to.clone().unwrap_or_default(),
            route: d.route.as_ref().map_or("allocated", |r| r.as_str()).into(),
            working_minutes: d.working_minutes.unwrap_or_default(),
            sla_hours: self.press.config().statements.assign_within_working_hours,
            sla_met: d.sla_met.unwrap_or(true),
            safety_link: f.safety_link,
        }
    }
}

/// The folders a batch writes into: each created and swept of stale
/// temporary files once, and synced once before anything names its files.
#[derive(Default)]
struct Folders(BTreeSet<PathBuf>);

impl Folders {
    fn enter(&mut self, dir: &Path, modes: Modes) -> Result<PathBuf, String> {
        if !self.0.contains(dir) {
            store::ensure_dir(dir, modes).map_err(|e| e.to_string())?;
            store::sweep_temp_files(dir);
            self.0.insert(dir.to_owned());
        }
        Ok(dir.to_owned())
    }

    fn sync(&self) -> Result<(), String> {
        self.0.iter().try_for_each(|dir| store::sync_dir(dir).map_err(|e| e.to_string()))
    }
}

/// Fails every statement of the batch still going, with `reason`.
fn fail_the_rest(live: &mut [(Pending, Result<(), String>)], reason: &str) {
    for (_, result) in live.iter_mut().filter(|(_, r)| r.is_ok()) {
        *result = Err(reason.to_owned());
    }
}
