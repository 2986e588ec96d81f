//! Statement notices by email, through a durable outbox: who is told what
//! is `notices` (pure), how it leaves is `smtp`; this is the log between.
//!
//! The notices are a function of the ledger: every "done" decision since the
//! outbox was first used owes its notices (an assignment to the person it
//! was assigned to, a Safety Link to the managers the decision names, an
//! unidentified statement to the duty officer). So a notice is recorded
//! before it is sent (the ledger line is the record), none is lost if the
//! process dies between filing and sending, and the outbox log
//! (`OUT/outbox/outbox.jsonl`) only says what was sent, and what failed and
//! when to try again. Each notice has a stable key and Message-ID: sent once
//! it is logged as sent; a death between the server accepting it and that
//! line being synced sends it again with the same Message-ID, which mail
//! systems treat as the same message.
//!
//! A lifecycle step's emails (a report submitted, returned, agreed, made
//! final) are queued at the step, in `OUT/outbox/steps.jsonl`, and sent
//! by the same outbox, keyed and logged the same way (decision 0115).
//! Whoever sends (a filing round, the workspace) holds the outbox's lock,
//! so one message is never sent by two senders at once.
//!
//! An email leaves the service: a statement's names the case id, the
//! statement id and where to look, never the child's name or date of birth;
//! a step's names only the document kind and the workspace (decision 0114).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::ledger::{LedgerLine, Stage};
pub use super::notices::{Notice, NoticeEvent, notices};
pub use super::smtp::{Email, Mailer, SendFailure, SmtpMailer};
use crate::lifecycle::StepNotice;
use crate::service::Service;
use crate::store::{self, Layout, Modes, ReadTo};

/// One line of the outbox log.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "line", rename_all = "kebab-case")]
enum OutboxLine {
    /// The outbox's first line: decisions received before this are history.
    Opened { since: DateTime<Utc> },
    /// The server accepted the notice.
    Sent { key: String, at: DateTime<Utc>, message_id: String },
    /// An attempt failed; try again after `retry_at`.
    Failed { key: String, at: DateTime<Utc>, attempt: u32, error: String, retry_at: DateTime<Utc> },
    /// A step's email whose step the case log does not record (the step
    /// was cut short after queuing it): owed no more, never sent.
    Dropped { key: String, at: DateTime<Utc> },
}

/// An email owed: about a statement, or about a lifecycle step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Owed {
    /// A statement's notice.
    Statement(Notice),
    /// A lifecycle step's notice.
    Step(StepNotice),
}

impl Owed {
    /// Its stable key.
    pub fn key(&self) -> &str {
        match self {
            Self::Statement(n) => &n.key,
            Self::Step(n) => &n.key,
        }
    }

    /// Who is told.
    pub fn to_name(&self) -> &str {
        match self {
            Self::Statement(n) => &n.to_name,
            Self::Step(n) => &n.to_name,
        }
    }

    /// Their address, if the staff directory has one.
    pub fn to_email(&self) -> Option<&str> {
        match self {
            Self::Statement(n) => n.to_email.as_deref(),
            Self::Step(n) => n.to_email.as_deref(),
        }
    }

    /// The subject line.
    pub fn subject(&self) -> String {
        match self {
            Self::Statement(n) => n.subject(),
            Self::Step(n) => n.subject(),
        }
    }

    /// What it is about, for a status line: the statement, or the step.
    pub fn about(&self) -> String {
        match self {
            Self::Statement(n) => format!("statement {}", n.statement),
            Self::Step(n) => format!("{} {} by {}", n.kind.title(), n.step, n.by),
        }
    }

    /// Whether it goes before the rest: a Safety Link.
    fn urgent(&self) -> bool {
        matches!(self, Self::Statement(n) if n.event == NoticeEvent::SafetyLink)
    }

    /// The email, for a service named `service` whose workspace lists what
    /// waits for its reader at `link`.
    fn email(&self, service: &str, link: &str) -> Option<Email> {
        let (message_id, body) = match self {
            Self::Statement(n) => (n.message_id(), n.body(service)),
            Self::Step(n) => (n.message_id(), n.body(service, link)),
        };
        Some(Email {
            to_name: self.to_name().to_owned(),
            to_email: self.to_email()?.to_owned(),
            message_id,
            subject: self.subject(),
            body,
        })
    }
}

/// A notice not yet sent, for `statements status`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unsent {
    /// The notice.
    pub notice: Owed,
    /// Failed attempts so far.
    pub attempts: u32,
    /// The last error.
    pub error: Option<String>,
    /// When it is tried next.
    pub retry_at: Option<DateTime<Utc>>,
}

/// What a delivery round did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Delivery {
    /// Keys accepted by the server this round.
    pub sent: Vec<String>,
    /// Notices still owed (failed now or earlier, or waiting to retry).
    pub unsent: Vec<Unsent>,
    /// Another process was sending the outbox's emails: nothing was sent
    /// by this one this round.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub deferred: bool,
}

/// The outbox of one output root.
pub struct Outbox {
    path: PathBuf,
    modes: Modes,
    /// What a delivering outbox has read so far, followed from round to round.
    known: Option<Known>,
}

/// The notices owed, as read from the outbox log and the ledger, and where
/// each read stopped: a watcher's next round reads only what was appended
/// since, and keeps a 16-byte digest per notice sent rather than the log.
#[derive(Default)]
struct Known {
    since: Option<DateTime<Utc>>,
    log_to: ReadTo,
    ledger_to: ReadTo,
    steps_to: ReadTo,
    sent: HashSet<u128>,
    failed: HashMap<String, (u32, String, DateTime<Utc>)>,
    /// Owed notices in the order their decisions were done.
    owed: BTreeMap<u64, Owed>,
    owed_at: HashMap<String, u64>,
    next: u64,
}

fn digest(key: &str) -> u128 {
    let d = Sha256::digest(key.as_bytes());
    u128::from_be_bytes(d[..16].try_into().expect("16 bytes"))
}

impl Known {
    /// Reads what the outbox log and the ledger gained since the last look:
    /// the log first, so that a notice already sent is never owed again.
    /// Every "done" decision from the outbox's opening on owes its notices
    /// (one done twice owes them once). A file read that finds it replaced
    /// starts everything again.
    fn catch_up(&mut self, outbox: &Path, service: &Service) -> Result<(), String> {
        let ledger = service.records().ledger();
        let log = store::read_lines_from::<OutboxLine>(outbox, self.log_to, |_, line| match line {
            Ok(OutboxLine::Opened { since }) => {
                self.since.get_or_insert(since);
            }
            Ok(OutboxLine::Sent { key, .. } | OutboxLine::Dropped { key, .. }) => {
                self.sent.insert(digest(&key));
                self.failed.remove(&key);
                if let Some(at) = self.owed_at.remove(&key) {
                    self.owed.remove(&at);
                }
            }
            Ok(OutboxLine::Failed { key, attempt, error, retry_at, .. }) => {
                if !self.sent.contains(&digest(&key)) {
                    self.failed.insert(key, (attempt, error, retry_at));
                }
            }
            Err(_) => {}
        })
        .map_err(|e| e.to_string())?;
        self.log_to = log.read_to;
        if log.restarted {
            *self = Self::default();
            return self.catch_up(outbox, service);
        }
        // The steps' emails: queued only where the service sends email, so
        // every one queued is owed, whenever the outbox was opened.
        let directory = service.staff();
        let steps = service.layout().outbox_steps();
        let read = store::read_lines_from::<StepNotice>(&steps, self.steps_to, |_, line| {
            if let Ok(mut notice) = line {
                notice.to_email = directory.email(&notice.to_name);
                self.owe(Owed::Step(notice));
            }
        })
        .map_err(|e| e.to_string())?;
        self.steps_to = read.read_to;
        if read.restarted {
            *self = Self::default();
            return self.catch_up(outbox, service);
        }
        // Before the outbox is opened nothing is owed, and the ledger is
        // left unread until it is.
        let Some(since) = self.since else { return Ok(()) };
        let directory = service.staff();
        let officer = service.config().statements.duty_officer.as_deref();
        let read = ledger
            .read_from::<LedgerLine>(self.ledger_to, |_, line| {
                let Ok(LedgerLine { stage: Stage::Done, decision }) = line else { return };
                if decision.received < since {
                    return;
                }
                for notice in notices(&decision, directory, officer) {
                    self.owe(Owed::Statement(notice));
                }
            })
            .map_err(|e| e.to_string())?;
        self.ledger_to = read.read_to;
        if read.restarted {
            *self = Self::default();
            return self.catch_up(outbox, service);
        }
        Ok(())
    }

    /// Owes `notice` unless it was sent or is owed already.
    fn owe(&mut self, notice: Owed) {
        let key = notice.key();
        if self.sent.contains(&digest(key)) || self.owed_at.contains_key(key) {
            return;
        }
        self.owed_at.insert(key.to_owned(), self.next);
        self.owed.insert(self.next, notice);
        self.next += 1;
    }

    fn unsent(&self) -> Vec<Unsent> {
        self.owed
            .values()
            .map(|notice| {
                let (attempts, error, retry_at) = match self.failed.get(notice.key()) {
                    Some((a, e, r)) => (*a, Some(e.clone()), Some(*r)),
                    None => (0, None, None),
                };
                Unsent { notice: notice.clone(), attempts, error, retry_at }
            })
            .collect()
    }
}

impl Outbox {
    /// The outbox under `layout`.
    pub fn new(layout: &Layout, modes: Modes) -> Self {
        Self { path: layout.outbox(), modes, known: None }
    }

    fn append(&self, line: &OutboxLine) -> Result<(), String> {
        let dir = self.path.parent().unwrap_or(std::path::Path::new("."));
        store::ensure_dir(dir, self.modes).map_err(|e| e.to_string())?;
        let mut bytes = serde_json::to_vec(line).map_err(|e| e.to_string())?;
        bytes.push(b'\n');
        let created = store::append_lines(&self.path, &bytes, self.modes, true).map_err(|e| e.to_string())?;
        if created {
            store::sync_dir(dir).map_err(|e| e.to_string())?;
        }
        Ok(())
    }

    /// Every notice owed and not yet sent, with its attempts.
    pub fn unsent(&self, service: &Service) -> Result<Vec<Unsent>, String> {
        let mut known = Known::default();
        known.catch_up(&self.path, service)?;
        Ok(known.unsent())
    }

    /// Starts the outbox if it has not been: statements decided from `now`
    /// on owe notices; those decided before email existed here do not.
    /// Called before filing, so that the first batch is owed its notices.
    pub fn open(&self, now: DateTime<Utc>) -> Result<(), String> {
        if self.path.exists() {
            return Ok(());
        }
        self.append(&OutboxLine::Opened { since: now })
    }

    /// Whether lifecycle steps have queued emails this outbox has not yet
    /// read (cheap: the queue's length only), so that a sender with nothing
    /// else owed knows to deliver.
    pub fn steps_queued(&self, layout: &Layout) -> bool {
        let read = self.known.as_ref().map_or(0, |k| k.steps_to.offset);
        std::fs::metadata(layout.outbox_steps()).is_ok_and(|m| m.len() != read)
    }

    /// Sends every notice owed whose retry time has come. Safety Link first.
    /// Under the outbox's lock: while another process holds it (a watcher
    /// and the workspace both send), nothing is sent and the delivery says
    /// it was deferred.
    pub fn deliver(
        &mut self,
        service: &Service,
        mailer: &dyn Mailer,
        retry: Duration,
        now: DateTime<Utc>,
    ) -> Result<Delivery, String> {
        self.open(now)?;
        let lock = service.layout().outbox_lock();
        let Some(_held) = store::try_lock(&lock, self.modes).map_err(|e| e.to_string())? else {
            return Ok(Delivery { deferred: true, ..Delivery::default() });
        };
        let known = self.known.get_or_insert_with(Known::default);
        known.catch_up(&self.path, service)?;
        let mut owed = known.unsent();
        owed.sort_by_key(|u| !u.notice.urgent());
        let link = service.config().workspace.link("/cases#waiting");
        let records = service.records();
        let service = service.config().service.name.clone();
        let mut delivery = Delivery::default();
        // Set when the server could not be reached or did not answer in
        // time: the rest wait for the next round rather than each waiting
        // out the same time limit (decision 0192).
        let mut server_down = false;
        for mut u in owed {
            if server_down || u.retry_at.is_some_and(|r| r > now) {
                delivery.unsent.push(u);
                continue;
            }
            if let Owed::Step(step) = &u.notice
                && !step_recorded(records, step)?
            {
                self.append(&OutboxLine::Dropped { key: step.key.clone(), at: Utc::now() })?;
                continue;
            }
            let result = match u.notice.email(&service, &link) {
                Some(email) => mailer.send(&email).map(|()| email.message_id),
                None => Err(SendFailure {
                    reason: format!("no email address for {} in the staff directory", u.notice.to_name()),
                    unreachable: false,
                }),
            };
            match result {
                Ok(message_id) => {
                    crate::failpoint("outbox:after-accepted");
                    self.append(&OutboxLine::Sent {
                        key: u.notice.key().to_owned(),
                        at: Utc::now(),
                        message_id,
                    })?;
                    delivery.sent.push(u.notice.key().to_owned());
                }
                Err(SendFailure { reason: error, unreachable }) => {
                    server_down = unreachable;
                    u.attempts += 1;
                    let wait = backoff(retry, u.attempts);
                    let retry_at = now + chrono::Duration::from_std(wait).unwrap_or_default();
                    self.append(&OutboxLine::Failed {
                        key: u.notice.key().to_owned(),
                        at: Utc::now(),
                        attempt: u.attempts,
                        error: error.clone(),
                        retry_at,
                    })?;
                    u.error = Some(error);
                    u.retry_at = Some(retry_at);
                    delivery.unsent.push(u);
                }
            }
        }
        Ok(delivery)
    }
}

/// Whether a step's email is about a step its case's log records. A step
/// queues its emails under the case's lock just before appending itself:
/// taking the lock waits for a step still being taken, so what the log then
/// lacks was cut short and is never sent.
fn step_recorded(records: &crate::store::Records, step: &StepNotice) -> Result<bool, String> {
    let _held = records.lock(&step.case_id).map_err(|e| e.to_string())?;
    let log = records.read(&step.case_id).map_err(|e| e.to_string())?;
    Ok(step.recorded_in(&log))
}

/// The wait before attempt `attempts + 1`: `first`, doubled each time, at most 30 minutes.
pub fn backoff(first: Duration, attempts: u32) -> Duration {
    let factor = 2u32.saturating_pow(attempts.saturating_sub(1).min(16));
    first.saturating_mul(factor).min(Duration::from_secs(30 * 60))
}

#[cfg(test)]
mod tests;
