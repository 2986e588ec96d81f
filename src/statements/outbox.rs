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
//! An email leaves the service: it names the case id, the statement id and
//! where to look, never the child's name or date of birth.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::ledger::{LedgerLine, Stage};
pub use super::notices::{Notice, NoticeEvent, notices};
pub use super::smtp::{Mailer, SmtpMailer};
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
}

/// A notice not yet sent, for `statements status`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unsent {
    /// The notice.
    pub notice: Notice,
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
    sent: HashSet<u128>,
    failed: HashMap<String, (u32, String, DateTime<Utc>)>,
    /// Owed notices in the order their decisions were done.
    owed: BTreeMap<u64, Notice>,
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
            Ok(OutboxLine::Sent { key, .. }) => {
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
                    if self.sent.contains(&digest(&notice.key)) || self.owed_at.contains_key(&notice.key) {
                        continue;
                    }
                    self.owed_at.insert(notice.key.clone(), self.next);
                    self.owed.insert(self.next, notice);
                    self.next += 1;
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

    fn unsent(&self) -> Vec<Unsent> {
        self.owed
            .values()
            .map(|notice| {
                let (attempts, error, retry_at) = match self.failed.get(&notice.key) {
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

    /// Sends every notice owed whose retry time has come. Safety Link first.
    pub fn deliver(
        &mut self,
        service: &Service,
        mailer: &dyn Mailer,
        retry: Duration,
        now: DateTime<Utc>,
    ) -> Result<Delivery, String> {
        self.open(now)?;
        let known = self.known.get_or_insert_with(Known::default);
        known.catch_up(&self.path, service)?;
        let mut owed = known.unsent();
        owed.sort_by_key(|u| u.notice.event != NoticeEvent::SafetyLink);
        let service = service.config().service.name.clone();
        let mut delivery = Delivery::default();
        for mut u in owed {
            if u.retry_at.is_some_and(|r| r > now) {
                delivery.unsent.push(u);
                continue;
            }
            let result = match u.notice.to_email {
                Some(_) => mailer.send(&u.notice, &service),
                None => Err(format!("no email address for {} in the staff directory", u.notice.to_name)),
            };
            match result {
                Ok(()) => {
                    crate::failpoint("outbox:after-accepted");
                    self.append(&OutboxLine::Sent {
                        key: u.notice.key.clone(),
                        at: Utc::now(),
                        message_id: u.notice.message_id(),
                    })?;
                    delivery.sent.push(u.notice.key);
                }
                Err(error) => {
                    u.attempts += 1;
                    let wait = backoff(retry, u.attempts);
                    let retry_at = now + chrono::Duration::from_std(wait).unwrap_or_default();
                    self.append(&OutboxLine::Failed {
                        key: u.notice.key.clone(),
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

/// The wait before attempt `attempts + 1`: `first`, doubled each time, at most 30 minutes.
pub fn backoff(first: Duration, attempts: u32) -> Duration {
    let factor = 2u32.saturating_pow(attempts.saturating_sub(1).min(16));
    first.saturating_mul(factor).min(Duration::from_secs(30 * 60))
}

#[cfg(test)]
mod tests;
