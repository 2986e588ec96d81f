//! Filing the inbox, in the order of DESIGN §10, so that a crash at any
//! instant loses nothing and a re-run completes the work without duplicates.
//!
//! Per statement: read once (hashing), decide, record the decision in the
//! ledger ("begun"), publish the copy without overwrite, verify its SHA-256,
//! write the notes and notices, append the receipt to the case log, record
//! "done", and only then remove it from the inbox. A re-run finds "begun"
//! and repeats the same decision; every step is idempotent.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use chrono::{DateTime, SecondsFormat, Utc};
use chrono_tz::Europe::London;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::fields::{Sidecar, StatementFields};
use super::ledger::{Decision, Ledger, LedgerLine, Recipient, Stage, read_ledger};
use super::notes;
use super::read::{MAX_FILE_BYTES, read_pdf};
use super::register::{Match, Register};
use super::sla::WorkingHours;
use super::staff::{Directory, Route};
use crate::batch::{Pipeline, SetupError};
use crate::store::{self, LogEntry, Modes};
use crate::{case, failpoint};

/// What to file and when.
#[derive(Debug, Clone)]
pub struct FileOptions {
    /// The inbox folder.
    pub inbox: PathBuf,
    /// Case files or folders: the register statements are matched against.
    pub cases: Vec<PathBuf>,
    /// "Now": when the statements are received and assigned.
    pub now: DateTime<Utc>,
}

/// What happened to one inbox file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StatementOutcome {
    /// Filed into a case and assigned.
    Assigned,
    /// Not matched to exactly one case: quarantined, never assigned.
    Unidentified,
    /// Not a readable statement: quarantined with a reason.
    Unreadable,
    /// Already filed (same SHA-256): removed from the inbox, not filed twice.
    Duplicate,
    /// Still arriving, or a temporary file: left for the next run.
    Skipped,
    /// A transient failure (disk full, permission): left in the inbox.
    Failed,
}

/// One inbox file's result.
#[derive(Debug, Clone, Serialize)]
pub struct StatementReport {
    /// The inbox file.
    pub file: PathBuf,
    /// The outcome.
    pub outcome: StatementOutcome,
    /// Whether the Safety Link was triggered (listed first).
    pub safety_link: bool,
    /// Statement ID, if read.
    pub statement_id: Option<String>,
    /// The case, if matched.
    pub case_id: Option<String>,
    /// Who it was assigned to.
    pub assigned_to: Option<String>,
    /// Where it was filed or quarantined.
    pub filed: Option<PathBuf>,
    /// The escalation notice, for Safety Link.
    pub escalation: Option<PathBuf>,
    /// Reason or summary, in words.
    pub detail: String,
}

/// Everything a filing run did; Safety Link statements first.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FilingReport {
    /// One entry per inbox file.
    pub items: Vec<StatementReport>,
}

impl FilingReport {
    /// Whether any file failed transiently (exit code 1).
    pub fn has_failures(&self) -> bool {
        self.items.iter().any(|i| i.outcome == StatementOutcome::Failed)
    }
}

/// Files every statement in the inbox. Holds a lock on the output's
/// statement ledger for the whole run: a second concurrent run is refused.
pub fn file_inbox(pipeline: &Pipeline, opts: &FileOptions) -> Result<FilingReport, SetupError> {
    let config = pipeline.config();
    let out = config.paths.output.clone();
    let modes = config.permissions.modes();
    let ledger_dir = out.join("statements");
    store::ensure_dir(&ledger_dir, modes)?;
    let lock_path = ledger_dir.join("lock");
    let lock = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .mode(modes.file)
        .open(&lock_path)
        .map_err(|e| SetupError::Input(format!("{}: {e}", lock_path.display())))?;
    lock.try_lock().map_err(|_| {
        SetupError::Input(format!("{}: another `casepress statements file` run is filing this output folder; try again when it finishes", lock_path.display()))
    })?;

    let files = case::discover(&opts.cases).map_err(|e| SetupError::Input(e.to_string()))?;
    let cases: Vec<case::Case> =
        files.iter().flat_map(|f| case::load_file(f)).filter_map(Result::ok).map(|c| c.case).collect();
    let filer = Filer {
        pipeline,
        out,
        modes,
        ledger: ledger_dir.join("ledger.jsonl"),
        register: Register::new(&cases),
        directory: Directory::new(config.staff.clone()),
        hours: WorkingHours {
            calendar: pipeline.calendar().clone(),
            start: config.statements.working_day_start,
            end: config.statements.working_day_end,
        },
        now: opts.now,
    };
    let mut ledger = read_ledger(&filer.ledger).map_err(|e| SetupError::Input(e.to_string()))?;
    filer.reconcile(&mut ledger, &opts.inbox).map_err(SetupError::Input)?;

    let settle = config.statements.settle_seconds;
    let mut items = Vec::new();
    let mut batch = Batch::default();
    for path in
        inbox_files(&opts.inbox).map_err(|e| SetupError::Input(format!("{}: {e}", opts.inbox.display())))?
    {
        let mut prepared = filer.prepare(&path, &ledger, settle, &batch);
        if let Ok(Prepared::Clash) = prepared {
            // The same file, or the same destination, as one in the batch:
            // file the batch first, then this one against what it filed.
            items.extend(filer.commit(std::mem::take(&mut batch), &mut ledger));
            prepared = filer.prepare(&path, &ledger, settle, &batch);
        }
        match prepared {
            Ok(Prepared::Report(report)) => items.push(report),
            Ok(Prepared::File(pending)) => {
                batch.push(*pending);
                if batch.is_full() {
                    items.extend(filer.commit(std::mem::take(&mut batch), &mut ledger));
                }
            }
            Ok(Prepared::Clash) => unreachable!("nothing clashes with an empty batch"),
            Err(reason) => items.push(failed(&path, &reason)),
        }
    }
    items.extend(filer.commit(batch, &mut ledger));
    // Safety Link first: those are actioned immediately (seed 000).
    items.sort_by_key(|i| !i.safety_link);
    // "Done" lines before the inbox removals they allow.
    filer.sync_ledger().map_err(SetupError::Input)?;
    store::sync_dir(&opts.inbox)?;
    drop(lock);
    Ok(FilingReport { items })
}

impl StatementReport {
    fn bare(file: &Path, outcome: StatementOutcome, detail: String) -> Self {
        Self {
            file: file.to_owned(),
            outcome,
            safety_link: false,
            statement_id: None,
            case_id: None,
            assigned_to: None,
            filed: None,
            escalation: None,
            detail,
        }
    }
}

/// Inbox files to consider, sorted; sidecars travel with their PDF.
pub(super) fn inbox_files(inbox: &Path) -> io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in fs::read_dir(inbox)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let lower = name.to_lowercase();
        // DESIGN §10: skip dotfiles, partial downloads, temporary and Office lock files.
        let transient = name.starts_with('.')
            || name.starts_with("~$")
            || [".part", ".filepart", ".tmp", ".crdownload"].iter().any(|s| lower.ends_with(s));
        if transient || !entry.file_type()?.is_file() {
            continue;
        }
        let path = entry.path();
        if lower.ends_with(".json") && sibling_pdf(&path).is_some() {
            continue;
        }
        files.push(path);
    }
    files.sort();
    Ok(files)
}

fn sibling_pdf(json: &Path) -> Option<PathBuf> {
    ["pdf", "PDF"].iter().map(|e| json.with_extension(e)).find(|p| p.is_file())
}

fn sidecar_of(pdf: &Path) -> Option<PathBuf> {
    let p = pdf.with_extension("json");
    p.is_file().then_some(p)
}

struct Filer<'a> {
    pipeline: &'a Pipeline,
    out: PathBuf,
    modes: Modes,
    ledger: PathBuf,
    register: Register,
    directory: Directory,
    hours: WorkingHours,
    now: DateTime<Utc>,
}

impl Filer<'_> {
    /// Reads a statement and decides what to do with it, writing nothing
    /// but the removal of a duplicate from the inbox.
    fn prepare(&self, path: &Path, ledger: &Ledger, settle: u64, batch: &Batch) -> Result<Prepared, String> {
        let before = fs::metadata(path).map_err(|e| e.to_string())?;
        let age = SystemTime::now()
            .duration_since(before.modified().map_err(|e| e.to_string())?)
            .unwrap_or_default();
        if age < Duration::from_secs(settle) {
            return Ok(Prepared::Report(StatementReport::bare(
                path,
                StatementOutcome::Skipped,
                "still arriving: left for the next run".into(),
            )));
        }
        let (bytes, too_big) = read_capped(path).map_err(|e| e.to_string())?;
        let after = fs::metadata(path).map_err(|e| e.to_string())?;
        if after.len() != before.len() || after.modified().ok() != before.modified().ok() {
            return Ok(Prepared::Report(StatementReport::bare(
                path,
                StatementOutcome::Skipped,
                "changed while being read: left for the next run".into(),
            )));
        }
        let sha256 = store::sha256_hex(&bytes);
        if batch.pending.iter().any(|p| p.decision.sha256 == sha256) {
            return Ok(Prepared::Clash);
        }
        let sidecar = sidecar_of(path);
        if let Some(done) = ledger.done(&sha256)
            && self.verify(&done).is_ok()
        {
            self.remove_from_inbox(path, sidecar.as_deref())?;
            let mut report = self.report(path, &done);
            report.outcome = StatementOutcome::Duplicate;
            report.detail = format!(
                "already filed as {}: removed from the inbox",
                report.filed.as_ref().map(|p| p.display().to_string()).unwrap_or_default()
            );
            return Ok(Prepared::Report(report));
        }
        let (decision, resumed) = match ledger.begun(&sha256) {
            Some(d) => (d, true),
            None => (self.decide(path, &bytes, too_big, sidecar.as_deref(), sha256)?, false),
        };
        let same_place = |p: &Pending| {
            p.decision.dest_dir == decision.dest_dir && p.decision.dest_name == decision.dest_name
        };
        if batch.pending.iter().any(same_place) {
            return Ok(Prepared::Clash);
        }
        Ok(Prepared::File(Box::new(Pending { path: path.to_owned(), sidecar, bytes, decision, resumed })))
    }

    /// Files a batch in the order of DESIGN §10, each step for the whole
    /// batch before the next: decisions ("begun", one sync); copies, verified,
    /// then sidecars, notes and notices (each file synced, each folder once);
    /// receipts (one append and sync per case log); "done"; removal from the
    /// inbox. A statement that fails a step drops out with its reason; its
    /// "begun" line makes the next run finish it.
    fn commit(&self, batch: Batch, ledger: &mut Ledger) -> Vec<StatementReport> {
        let mut live: Vec<(Pending, Result<(), String>)> =
            batch.pending.into_iter().map(|p| (p, Ok(()))).collect();
        if live.is_empty() {
            return Vec::new();
        }
        let new: Vec<&Decision> = live.iter().filter(|(p, _)| !p.resumed).map(|(p, _)| &p.decision).collect();
        if let Err(reason) = self.append_ledger(ledger, Stage::Begun, &new) {
            return live.iter().map(|(p, _)| failed(&p.path, &reason)).collect();
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
        if let Err(reason) = self.append_ledger(ledger, Stage::Done, &done) {
            fail_the_rest(&mut live, &reason);
        }
        failpoint("after-done");
        live.into_iter()
            .map(|(p, result)| {
                result
                    .and_then(|()| self.remove_from_inbox(&p.path, p.sidecar.as_deref()))
                    .map(|()| self.report(&p.path, &p.decision))
                    .unwrap_or_else(|reason| failed(&p.path, &reason))
            })
            .collect()
    }

    /// Reads the statement and decides its outcome, destination, assignee
    /// and who is told. Nothing is written.
    fn decide(
        &self,
        path: &Path,
        bytes: &[u8],
        too_big: bool,
        sidecar: Option<&Path>,
        sha256: String,
    ) -> Result<Decision, String> {
        let source = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
        let mut d = Decision::unreadable(sha256, source.clone(), self.now);
        let read = if too_big {
            Err(format!("larger than {} MB: not a statement download", MAX_FILE_BYTES / 1024 / 1024))
        } else {
            read_pdf(bytes.to_vec())
        };
        let fields = read.and_then(|mut f| {
            if let Some(side) = sidecar {
                let text =
                    fs::read_to_string(side).map_err(|e| format!("sidecar {}: {e}", side.display()))?;
                let parsed: Sidecar =
                    serde_json::from_str(&text).map_err(|e| format!("sidecar {}: {e}", side.display()))?;
                let problems = f.apply_sidecar(parsed);
                if !problems.is_empty() {
                    return Err(problems.join("; "));
                }
            }
            let missing = f.missing_required();
            if missing.is_empty() {
                Ok(f)
            } else {
                Err(format!(
                    "required fields not found: {} (expected `Label: value` lines, see statement-pdf.md)",
                    missing.join(", ")
                ))
            }
        });
        let short = &d.sha256[..12];
        let fields = match fields {
            Ok(f) => f,
            Err(reason) => {
                d.reason = Some(reason);
                d.dest_name = format!("{}_{short}_{}", self.now.format("%Y-%m-%d"), sanitise(&source));
                return Ok(d);
            }
        };
        d.sidecar = sidecar.is_some();
        let id = fields.statement_id.clone().unwrap_or_default();
        let sent = fields.sent.expect("required fields checked");
        let minutes = self.hours.minutes_between(sent, self.now);
        let limit = self.pipeline.config().statements.assign_within_working_hours;
        d.working_minutes = Some(minutes);
        d.sla_met = Some(minutes <= i64::from(limit) * 60);
        let today = self.now.with_timezone(&London).date_naive();
        let statements = &self.pipeline.config().statements;

        match self.register.find(&fields) {
            Match::One(entry) => {
                let (who, route) =
                    self.directory.assign(&entry.case_manager, entry.line_manager.as_deref(), today);
                d.outcome = StatementOutcome::Assigned;
                d.case_id = Some(entry.case_id.clone());
                d.child = Some(entry.child.clone());
                d.assigned_to = Some(who);
                d.route = Some(route);
                d.dest_dir = format!("cases/{}/statements", entry.case_id);
                let name = self.statement_name(&fields, &entry.case_id)?;
                let dir = self.out.join(&d.dest_dir);
                d.dest_name = store::free_name(&dir, &name, &Sha256::digest(bytes));
                d.variant = variant(&name, &d.dest_name);
                if fields.safety_link {
                    // Seed 000: team manager, or the duty manager in their
                    // absence; seed 001: team and service manager.
                    let manager =
                        self.directory.line_manager_of(&entry.case_manager, entry.line_manager.as_deref());
                    match manager {
                        Some(m) if !self.directory.away(&m, today) => {
                            d.recipients.push(self.recipient("Team manager", &m))
                        }
                        _ => d.recipients.extend(
                            statements
                                .duty_manager
                                .as_deref()
                                .map(|m| self.recipient("Duty manager (team manager away)", m)),
                        ),
                    }
                    d.recipients.extend(
                        statements.service_manager.as_deref().map(|m| self.recipient("Service manager", m)),
                    );
                    d.recipients.push(
                        self.recipient("Allocated worker", d.assigned_to.as_deref().unwrap_or_default()),
                    );
                }
            }
            Match::Unidentified { candidates } => {
                d.outcome = StatementOutcome::Unidentified;
                d.candidates = candidates;
                d.dest_dir = "quarantine/unidentified".into();
                d.dest_name =
                    format!("{}_{}_{short}.pdf", sent.with_timezone(&London).format("%Y-%m-%d"), id);
                if fields.safety_link {
                    d.recipients.extend(
                        statements.duty_manager.as_deref().map(|m| self.recipient("Duty manager", m)),
                    );
                    d.recipients.extend(
                        statements.service_manager.as_deref().map(|m| self.recipient("Service manager", m)),
                    );
                }
            }
        }
        d.fields = fields;
        Ok(d)
    }

    fn recipient(&self, role: &str, name: &str) -> Recipient {
        Recipient { role: role.into(), name: name.into(), email: self.directory.email(name) }
    }

    fn statement_name(&self, f: &StatementFields, case_id: &str) -> Result<String, String> {
        let sent = f.sent.expect("checked").with_timezone(&London).format("%Y-%m-%d").to_string();
        let kind = slug(f.statement_type.as_deref().unwrap_or("statement"));
        let pattern = &self.pipeline.config().naming.statement;
        let name = minijinja::Environment::new()
            .render_str(pattern, minijinja::context! { sent_date => sent, type => kind, statement_id => f.statement_id, case_id => case_id })
            .map_err(|e| format!("naming.statement: {e}"))?;
        store::check_file_name(&name).map_err(|e| format!("naming.statement gave {e}"))?;
        Ok(name)
    }

    /// Publishes the filed copy (and its sidecar) and verifies it by
    /// SHA-256. Idempotent; the folder is synced with the batch's.
    fn publish_copy(&self, p: &Pending, folders: &mut Folders) -> Result<(), String> {
        let d = &p.decision;
        let dir = folders.enter(&self.out.join(&d.dest_dir), self.modes)?;
        store::publish_as_unsynced(&dir, &d.dest_name, &p.bytes, self.modes).map_err(|e| e.to_string())?;
        self.verify(d)?;
        if d.sidecar
            && let Some(side) = &p.sidecar
        {
            let text = fs::read(side).map_err(|e| format!("{}: {e}", side.display()))?;
            let name = Path::new(&d.dest_name).with_extension("json");
            store::publish_as_unsynced(&dir, &name.to_string_lossy(), &text, self.modes)
                .map_err(|e| e.to_string())?;
        }
        Ok(())
    }

    /// Writes the decision's notes and, for Safety Link, the escalation
    /// notice. Idempotent; folders are synced with the batch's.
    fn publish_notes(&self, d: &Decision, folders: &mut Folders) -> Result<(), String> {
        for (dir, name, text) in notes::notes_for(d_view(d), self.pipeline.config()) {
            let dir = folders.enter(&self.out.join(dir), self.modes)?;
            store::publish_as_unsynced(&dir, &name, text.as_bytes(), self.modes)
                .map_err(|e| e.to_string())?;
        }
        if !d.recipients.is_empty() {
            let notice = notes::notice_json(d_view(d));
            let date = d.received.with_timezone(&London).date_naive();
            let pdf = self.pipeline.notice_pdf("safety-link.typ.j2", &notice, &d.sha256, date)?;
            let dir = folders.enter(&self.out.join("escalations"), self.modes)?;
            store::publish_as_unsynced(&dir, &notice_name(d), &pdf, self.modes).map_err(|e| e.to_string())?;
        }
        Ok(())
    }

    /// Re-reads the filed copy and checks its SHA-256.
    fn verify(&self, d: &Decision) -> Result<(), String> {
        let path = self.out.join(&d.dest_dir).join(&d.dest_name);
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
            let case_dir = self.out.join("cases").join(case_id);
            let logged = if members.iter().any(|&k| live[k].0.resumed) {
                match store::read_log(&case_dir) {
                    Ok(log) => log
                        .into_iter()
                        .filter_map(|e| match e {
                            LogEntry::Statement { sha256, .. } => Some(sha256),
                            _ => None,
                        })
                        .collect(),
                    Err(e) => {
                        failures.extend(members.iter().map(|&k| (k, e.to_string())));
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
            if let Err(e) = store::append_log_many(&case_dir, &entries, self.modes) {
                failures.extend(members.iter().map(|&k| (k, e.to_string())));
            }
        }
        for (k, reason) in failures {
            live[k].1 = Err(reason);
        }
    }

    /// The case-log receipt of an assigned statement.
    fn receipt(&self, d: &Decision) -> LogEntry {
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
            route: match d.route {
                Some(Route::Cover) => "cover",
                Some(Route::LineManager) => "line-manager",
                _ => "allocated",
            }
            .into(),
            working_minutes: d.working_minutes.unwrap_or_default(),
            sla_hours: self.pipeline.config().statements.assign_within_working_hours,
            sla_met: d.sla_met.unwrap_or(true),
            safety_link: f.safety_link,
        }
    }

    /// Appends lines to the ledger, in one write, and to the run's copy of
    /// it. "Begun" lines are synced at once: nothing may be written before
    /// the decisions are durable. "Done" lines are synced together at the
    /// end of the run, and a "done" lost in a crash is restored by
    /// [`Filer::reconcile`] on the next run.
    fn append_ledger(
        &self,
        ledger: &mut Ledger,
        stage: Stage,
        decisions: &[&Decision],
    ) -> Result<(), String> {
        if decisions.is_empty() {
            return Ok(());
        }
        let sync = matches!(stage, Stage::Begun);
        let entries: Vec<LedgerLine> =
            decisions.iter().map(|&d| LedgerLine { stage, decision: d.clone() }).collect();
        let mut lines = Vec::new();
        for entry in &entries {
            serde_json::to_writer(&mut lines, entry).expect("ledger lines serialise");
            lines.push(b'\n');
        }
        let at = |e: io::Error| format!("{}: {e}", self.ledger.display());
        let mut file = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .mode(self.modes.file)
            .open(&self.ledger)
            .map_err(at)?;
        file.write_all(&lines).map_err(at)?;
        if sync {
            file.sync_data().map_err(at)?;
        }
        entries.into_iter().for_each(|e| ledger.push(e));
        Ok(())
    }

    /// Restores "done" for statements whose filing completed but whose
    /// "done" line was lost in a crash: the copy verifies, the receipt is in
    /// the case log (if assigned), and the file has left the inbox.
    fn reconcile(&self, ledger: &mut Ledger, inbox: &Path) -> Result<(), String> {
        let open: Vec<Decision> = ledger
            .lines
            .iter()
            .filter(|l| matches!(l.stage, Stage::Begun))
            .filter(|l| ledger.done(&l.decision.sha256).is_none())
            .map(|l| l.decision.clone())
            .collect();
        for d in open {
            let gone = !inbox.join(&d.source).exists();
            let receipt = d.outcome != StatementOutcome::Assigned || {
                let case_dir = self.out.join("cases").join(d.case_id.as_deref().unwrap_or_default());
                store::read_log(&case_dir)
                    .map_err(|e| e.to_string())?
                    .iter()
                    .any(|e| matches!(e, LogEntry::Statement { sha256, .. } if *sha256 == d.sha256))
            };
            if gone && receipt && self.verify(&d).is_ok() {
                self.append_ledger(ledger, Stage::Done, &[&d])?;
            }
        }
        Ok(())
    }

    /// Makes every "done" line of the run durable.
    fn sync_ledger(&self) -> Result<(), String> {
        match fs::File::open(&self.ledger) {
            Ok(f) => f.sync_data().map_err(|e| format!("{}: {e}", self.ledger.display())),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(format!("{}: {e}", self.ledger.display())),
        }
    }

    fn remove_from_inbox(&self, path: &Path, sidecar: Option<&Path>) -> Result<(), String> {
        for p in [Some(path), sidecar].into_iter().flatten() {
            match fs::remove_file(p) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(format!("{}: {e}", p.display())),
            }
        }
        // The inbox folder is synced once, at the end of the run: a removal
        // lost in a crash only brings back a file the ledger already records
        // as done, which the next run recognises as a duplicate.
        Ok(())
    }

    fn report(&self, path: &Path, d: &Decision) -> StatementReport {
        let filed = self.out.join(&d.dest_dir).join(&d.dest_name);
        let escalation =
            (!d.recipients.is_empty()).then(|| self.out.join("escalations").join(notice_name(d)));
        let detail = match d.outcome {
            StatementOutcome::Assigned => {
                let sla = if d.sla_met == Some(true) { "within" } else { "OUTSIDE" };
                format!(
                    "assigned to {} ({}), {sla} the {}-working-hour target",
                    d.assigned_to.as_deref().unwrap_or_default(),
                    match d.route {
                        Some(Route::Cover) => "cover for the allocated worker",
                        Some(Route::LineManager) => "line manager: allocated worker away",
                        _ => "allocated worker",
                    },
                    self.pipeline.config().statements.assign_within_working_hours
                )
            }
            StatementOutcome::Unidentified => format!(
                "{}: quarantined, not assigned; duty officer to cross-reference",
                if d.candidates == 0 {
                    "no matching child".to_string()
                } else {
                    format!("{} children match", d.candidates)
                }
            ),
            _ => d.reason.clone().unwrap_or_default(),
        };
        StatementReport {
            file: path.to_owned(),
            outcome: d.outcome,
            safety_link: d.fields.safety_link,
            statement_id: d.fields.statement_id.clone(),
            case_id: d.case_id.clone(),
            assigned_to: d.assigned_to.clone(),
            filed: Some(filed),
            escalation,
            detail,
        }
    }
}

/// Statements filed together: one ledger sync for their decisions, one
/// fsync per folder, one append per case log. Bounded, so that little is
/// held in memory and a crash leaves little to resume.
#[derive(Default)]
struct Batch {
    pending: Vec<Pending>,
    bytes: usize,
}

impl Batch {
    const MAX_STATEMENTS: usize = 64;
    const MAX_BYTES: usize = 64 << 20;

    fn push(&mut self, p: Pending) {
        self.bytes += p.bytes.len();
        self.pending.push(p);
    }

    fn is_full(&self) -> bool {
        self.pending.len() >= Self::MAX_STATEMENTS || self.bytes >= Self::MAX_BYTES
    }
}

/// A statement read and decided, waiting to be filed with its batch.
struct Pending {
    path: PathBuf,
    sidecar: Option<PathBuf>,
    bytes: Vec<u8>,
    decision: Decision,
    /// The decision comes from an earlier run that stopped part-way.
    resumed: bool,
}

/// What reading an inbox file came to.
enum Prepared {
    /// Nothing to file: skipped or a duplicate.
    Report(StatementReport),
    /// To file with the batch.
    File(Box<Pending>),
    /// The same file or destination as one in the batch.
    Clash,
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

fn failed(path: &Path, reason: &str) -> StatementReport {
    StatementReport::bare(path, StatementOutcome::Failed, format!("{}: {reason}", path.display()))
}

/// The read-only view notes are written from.
fn d_view(d: &Decision) -> notes::View<'_> {
    notes::View {
        sha256: &d.sha256,
        source: &d.source,
        received: d.received,
        outcome: d.outcome,
        fields: &d.fields,
        reason: d.reason.as_deref(),
        case_id: d.case_id.as_deref(),
        child: d.child.as_deref(),
        assigned_to: d.assigned_to.as_deref(),
        route: d.route.as_ref(),
        candidates: d.candidates,
        filed: format!("{}/{}", d.dest_dir, d.dest_name),
        dest_name: &d.dest_name,
        variant: &d.variant,
        working_minutes: d.working_minutes,
        sla_met: d.sla_met,
        recipients: &d.recipients,
    }
}

/// Reads at most `MAX_FILE_BYTES` (+1 to detect larger files).
fn read_capped(path: &Path) -> io::Result<(Vec<u8>, bool)> {
    let mut bytes = Vec::new();
    File::open(path)?.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes)?;
    let too_big = bytes.len() as u64 > MAX_FILE_BYTES;
    Ok((bytes, too_big))
}

/// The Safety Link notice's file name in `escalations/`.
fn notice_name(d: &Decision) -> String {
    let date = d.received.with_timezone(&London).date_naive();
    let id = d.fields.statement_id.as_deref().unwrap_or("unknown");
    format!("{date}_safety-link_{id}{}.pdf", d.variant)
}

/// `_2` when `numbered` is `name` numbered by [`store::free_name`] (`a_2.pdf`
/// for `a.pdf`); empty when it is `name` itself.
fn variant(name: &str, numbered: &str) -> String {
    let stem = |n: &str| n.rsplit_once('.').map_or(n.to_owned(), |(s, _)| s.to_owned());
    stem(numbered).strip_prefix(&stem(name)).unwrap_or_default().to_owned()
}

/// A file name made safe to keep in quarantine.
fn sanitise(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| if c.is_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' })
        .collect();
    cleaned.trim_start_matches('.').chars().take(80).collect()
}

/// `My World` → `my-world`.
fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').chars().take(40).collect::<String>();
    if out.is_empty() { "statement".into() } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_and_sanitised_names() {
        assert_eq!(slug("Youth Justice and Me"), "youth-justice-and-me");
        assert_eq!(slug("  "), "statement");
        assert_eq!(sanitise("../evil name.pdf"), "_evil_name.pdf");
        assert_eq!(variant("2026-11-20_my-world_M1.pdf", "2026-11-20_my-world_M1.pdf"), "");
        assert_eq!(variant("2026-11-20_my-world_M1.pdf", "2026-11-20_my-world_M1_2.pdf"), "_2");
        assert_eq!(variant("noext", "noext_3"), "_3");
    }
}
