//! `statements attach`: a duty manager attaches a quarantined, unidentified
//! statement to the child's case once they know who it is from. The
//! decision is recorded in the ledger as superseding the old one, with who
//! decided and why; the statement is then filed by the book (copy verified,
//! receipt note, Safety Link notice, receipt in the case log). The
//! quarantined copy and its notes stay, as the record of what happened.

use std::fs;
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use super::batch::{Batch, Pending};
use super::filer::{Service, variant};
use crate::case::Caseload;
use crate::press::{Press, SetupError};
use crate::statements::decide::{Received, decide};
use crate::statements::decision::{Attached, Decision, StatementOutcome};
use crate::statements::inbox::{Arrived, Identity, Sidecar};
use crate::statements::report::FilingReport;
use crate::store;

/// Which statement, to which case, decided by whom and why.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct AttachOptions {
    /// The statement ID, or the quarantined file's name.
    pub statement: String,
    /// The case it belongs to.
    pub case_id: String,
    /// Who decided (the duty manager).
    pub by: String,
    /// Why, in their words: recorded in the ledger and the receipt note.
    pub reason: String,
    /// When.
    pub now: DateTime<Utc>,
}

/// Whether `by` may decide which child an unidentified statement belongs
/// to: a manager in the staff directory (the duty manager, by the book).
/// With no directory configured, anyone named.
pub fn may_attach(directory: &crate::staff::Directory, by: &str) -> Result<(), String> {
    if by.trim().is_empty() {
        return Err("--by names the manager who decided".into());
    }
    if directory.is_empty() || directory.is_manager(by) {
        return Ok(());
    }
    match directory.role(by) {
        None => {
            Err(format!("{} is not in the staff directory: --by names the manager who decided", by.trim()))
        }
        Some(_) => Err(format!(
            "{} is not a manager: a duty manager decides which child an unidentified statement belongs to",
            by.trim()
        )),
    }
}

/// Attaches an unidentified statement to a case and files it there.
pub fn attach(press: &Press, caseload: &Caseload, opts: &AttachOptions) -> Result<FilingReport, SetupError> {
    let mut lock = super::FilingLock::take(press)?;
    attach_locked(press, caseload, opts, &mut lock)
}

/// [`attach`] under a lock the caller holds (the watcher, carrying out a
/// duty manager's decision queued from the workspace).
pub fn attach_locked(
    press: &Press,
    caseload: &Caseload,
    opts: &AttachOptions,
    lock: &mut super::FilingLock,
) -> Result<FilingReport, SetupError> {
    may_attach(press.staff(), &opts.by).map_err(SetupError::Input)?;
    let layout = press.layout();
    let ledger = lock.ledger(press.records())?;
    let wanted = |d: &Decision| {
        d.outcome == StatementOutcome::Unidentified
            && (d.fields.statement_id.as_deref() == Some(opts.statement.as_str())
                || d.dest_name == opts.statement)
    };
    let mut found: Vec<Decision> = Vec::new();
    ledger.each_done(|d| {
        if wanted(&d) {
            found.push(d);
        }
    })?;
    let old = match found.as_slice() {
        [one] => one.clone(),
        [] => {
            return Err(SetupError::Input(format!(
                "no unidentified statement `{}` awaits a decision: name it by its statement ID or its file name in {}",
                opts.statement,
                layout.quarantine(store::Quarantine::Unidentified).display()
            )));
        }
        many => {
            let names: Vec<&str> = many.iter().map(|d| d.dest_name.as_str()).collect();
            return Err(SetupError::Input(format!(
                "{} unidentified statements have the ID `{}`: name one by its file name ({})",
                many.len(),
                opts.statement,
                names.join(", ")
            )));
        }
    };
    if !caseload.cases().any(|c| c.case_id.as_str() == opts.case_id) {
        return Err(SetupError::Input(format!(
            "no case `{}` among the cases loaded{}",
            opts.case_id,
            match caseload.failures.len() {
                0 => String::new(),
                n => format!(" ({n} case files could not be loaded)"),
            }
        )));
    }
    let copy = layout.at(old.filed());
    let bytes = fs::read(&copy).map_err(|e| SetupError::Input(format!("{}: {e}", copy.display())))?;
    let sha256 = store::sha256_hex(&bytes);
    if sha256 != old.sha256 {
        return Err(SetupError::Input(format!(
            "{}: the quarantined copy does not match its SHA-256 in the ledger: not attached",
            copy.display()
        )));
    }
    let sidecar_path = copy.with_extension("json");
    let sidecar = fs::read(&sidecar_path).ok().map(|bytes| Sidecar { path: sidecar_path, bytes });
    let metadata = fs::metadata(&copy).map_err(|e| SetupError::Input(format!("{}: {e}", copy.display())))?;
    let arrived = Arrived { bytes, too_big: false, sha256, identity: Identity::of(&metadata), sidecar };

    let service = Service::new(press, caseload);
    let filer = service.filer(opts.now);
    let (decision, resumed) = match ledger.open(&old.sha256)? {
        // An attach that stopped part-way: finish it as decided.
        Some(open) => (open, true),
        None => {
            let mut fields = old.fields.clone();
            fields.child_id = Some(opts.case_id.clone());
            let received = Received {
                sha256: &old.sha256,
                source: &old.source,
                fields: Ok(fields),
                sidecar: arrived.sidecar.is_some(),
            };
            let mut d = decide(received, &filer.policy, opts.now).map_err(SetupError::Input)?;
            let name = d.dest_name.clone();
            d.dest_name = store::free_name(&layout.at(&d.dest_dir), &name, &Sha256::digest(&arrived.bytes));
            d.variant = variant(&name, &d.dest_name);
            d.supersedes = Some(old.filed());
            // Recorded as the staff directory spells the name.
            let by = press.staff().spelled(&opts.by).map_or_else(|| opts.by.trim().to_owned(), str::to_owned);
            d.attached = Some(Attached { by, reason: opts.reason.clone() });
            (d, false)
        }
    };
    let mut batch = Batch::default();
    batch.push(Pending { path: PathBuf::from(&copy), arrived, decision, resumed, from_inbox: false });
    let items = filer.commit(batch, ledger);
    filer.ledger_file.sync().map_err(SetupError::Input)?;
    Ok(FilingReport { items, unloaded: caseload.failures.clone(), problems: Vec::new() })
}
