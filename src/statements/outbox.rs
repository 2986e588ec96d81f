//! Statement notices by email, through a durable outbox.
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

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::decision::{Decision, StatementOutcome};
use super::ledger::{LedgerLine, Stage};
use crate::config::{Config, SmtpConfig, SmtpTls};
use crate::press::Press;
use crate::staff::Directory;
use crate::store::{self, Layout, Modes, ReadTo};

/// Why someone is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NoticeEvent {
    /// A statement was assigned to them.
    Assigned,
    /// A Safety Link statement: act at once.
    SafetyLink,
    /// A statement nobody could be matched to: the duty officer's steps.
    Unidentified,
}

/// One email owed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    /// Stable identity: the statement's SHA-256, the event and the person.
    pub key: String,
    /// Why.
    pub event: NoticeEvent,
    /// The statement id (or the file's name when it had none).
    pub statement: String,
    /// The case, where matched.
    pub case_id: Option<String>,
    /// Who is told.
    pub to_name: String,
    /// Their address, from the staff directory.
    pub to_email: Option<String>,
    /// Where to look, relative to the output root.
    pub look_in: String,
    /// When the statement was received.
    pub received: DateTime<Utc>,
}

impl Notice {
    /// The Message-ID: the same for every attempt at this notice.
    pub fn message_id(&self) -> String {
        let digest = Sha256::digest(self.key.as_bytes());
        format!("<{}@casepress.invalid>", &store::hex(&digest)[..32])
    }

    /// The subject line.
    pub fn subject(&self) -> String {
        let case = self.case_id.as_deref().map(|c| format!(", case {c}")).unwrap_or_default();
        match self.event {
            NoticeEvent::SafetyLink => format!("SAFETY LINK: statement {}{case}: act now", self.statement),
            NoticeEvent::Assigned => format!("Statement {} assigned to you{case}", self.statement),
            NoticeEvent::Unidentified => {
                format!("Unidentified statement {}: a duty decision is needed", self.statement)
            }
        }
    }

    /// The text: what happened, where to look, what to do; no personal details.
    pub fn body(&self, service: &str) -> String {
        let received = self.received.to_rfc3339_opts(SecondsFormat::Secs, true);
        let case = self.case_id.as_deref().unwrap_or("not matched");
        let what = match self.event {
            NoticeEvent::SafetyLink => {
                "A Mind Of My Own statement with the Safety Link was received. Act on it now, as the service's Safety Link procedure says; the escalation notice is in the folder below."
            }
            NoticeEvent::Assigned => {
                "A Mind Of My Own statement was filed and assigned to you. Read it and record its receipt in the case notes within the service's target."
            }
            NoticeEvent::Unidentified => {
                "A Mind Of My Own statement could not be matched to one child and is in quarantine, never assigned. Follow the duty officer's steps in the note beside it, then have the duty manager attach it to the right case."
            }
        };
        format!(
            "{what}\n\nStatement: {}\nCase: {case}\nReceived: {received}\nWhere to look: {} (in the casepress output folder)\n\nThis email deliberately carries no child's name or other personal details: open the case folder or casepress for them.\n\n{service}\n",
            self.statement, self.look_in
        )
    }
}

/// The notices a decision owes, by the book: an assignment to the person
/// it was assigned to, a Safety Link to the managers the decision named,
/// an unidentified statement to the duty officer. Pure.
pub fn notices(decision: &Decision, directory: &Directory, duty_officer: Option<&str>) -> Vec<Notice> {
    let statement = decision.fields.statement_id.clone().unwrap_or_else(|| decision.source.clone());
    let email = |name: &str| directory.member(name).and_then(|m| m.email.clone());
    let notice = |event: NoticeEvent, name: &str, email: Option<String>, look_in: String| Notice {
        key: format!("{}:{}:{}", decision.sha256, serde_key(event), name.to_lowercase()),
        event,
        statement: statement.clone(),
        case_id: decision.case_id.clone(),
        to_name: name.to_owned(),
        to_email: email,
        look_in,
        received: decision.received,
    };
    let mut out = Vec::new();
    // Someone told of the Safety Link is not also sent the plain assignment.
    let alerted = |who: &str| {
        decision.fields.safety_link && decision.recipients.iter().any(|r| r.name.eq_ignore_ascii_case(who))
    };
    match decision.outcome {
        StatementOutcome::Assigned => {
            if let Some(who) = decision.assigned_to.as_ref().filter(|w| !alerted(w)) {
                out.push(notice(NoticeEvent::Assigned, who, email(who), decision.dest_dir.clone()));
            }
        }
        StatementOutcome::Unidentified => {
            if let Some(officer) = duty_officer {
                out.push(notice(
                    NoticeEvent::Unidentified,
                    officer,
                    email(officer),
                    decision.dest_dir.clone(),
                ));
            }
        }
        _ => {}
    }
    if decision.fields.safety_link {
        for r in &decision.recipients {
            let address = r.email.clone().or_else(|| email(&r.name));
            out.push(notice(NoticeEvent::SafetyLink, &r.name, address, Layout::ESCALATIONS.into()));
        }
    }
    out
}

fn serde_key(event: NoticeEvent) -> &'static str {
    match event {
        NoticeEvent::Assigned => "assigned",
        NoticeEvent::SafetyLink => "safety-link",
        NoticeEvent::Unidentified => "unidentified",
    }
}

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

/// How a notice leaves: SMTP for real.
pub trait Mailer {
    /// Sends one notice; `Ok` once the server has accepted it.
    fn send(&self, notice: &Notice, service: &str) -> Result<(), String>;
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
    fn catch_up(&mut self, outbox: &Path, ledger: &Path, config: &Config) -> Result<(), String> {
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
            return self.catch_up(outbox, ledger, config);
        }
        // Before the outbox is opened nothing is owed, and the ledger is
        // left unread until it is.
        let Some(since) = self.since else { return Ok(()) };
        let directory = Directory::new(config.staff.clone());
        let officer = config.statements.duty_officer.as_deref();
        let read = store::read_lines_from::<LedgerLine>(ledger, self.ledger_to, |_, line| {
            let Ok(LedgerLine { stage: Stage::Done, decision }) = line else { return };
            if decision.received < since {
                return;
            }
            for notice in notices(&decision, &directory, officer) {
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
            return self.catch_up(outbox, ledger, config);
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
    pub fn unsent(&self, config: &Config, layout: &Layout) -> Result<Vec<Unsent>, String> {
        let mut known = Known::default();
        known.catch_up(&self.path, &layout.ledger(), config)?;
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
        press: &Press,
        mailer: &dyn Mailer,
        retry: Duration,
        now: DateTime<Utc>,
    ) -> Result<Delivery, String> {
        self.open(now)?;
        let known = self.known.get_or_insert_with(Known::default);
        known.catch_up(&self.path, &press.layout().ledger(), press.config())?;
        let mut owed = known.unsent();
        owed.sort_by_key(|u| u.notice.event != NoticeEvent::SafetyLink);
        let service = press.config().service.name.clone();
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

/// SMTP through `lettre`.
pub struct SmtpMailer {
    transport: lettre::SmtpTransport,
    sender: lettre::message::Mailbox,
}

impl SmtpMailer {
    /// A mailer for `config` (the password read from its file).
    pub fn new(config: &SmtpConfig) -> Result<Self, String> {
        use lettre::transport::smtp::authentication::Credentials;
        let sender = config.sender.parse().map_err(|e| format!("smtp.sender `{}`: {e}", config.sender))?;
        let builder = match config.tls {
            SmtpTls::Starttls => lettre::SmtpTransport::starttls_relay(&config.server),
            SmtpTls::Tls => lettre::SmtpTransport::relay(&config.server),
            SmtpTls::None => Ok(lettre::SmtpTransport::builder_dangerous(&config.server)),
        }
        .map_err(|e| format!("smtp.server `{}`: {e}", config.server))?;
        let port = config.port.unwrap_or(match config.tls {
            SmtpTls::Starttls => 587,
            SmtpTls::Tls => 465,
            SmtpTls::None => 25,
        });
        let mut builder = builder.port(port).timeout(Some(Duration::from_secs(20)));
        if let Some(user) = &config.username {
            let file = config.password_file.as_ref().ok_or("smtp.username needs smtp.password_file")?;
            let password = std::fs::read_to_string(file)
                .map_err(|e| format!("smtp.password_file {}: {e}", file.display()))?;
            builder = builder.credentials(Credentials::new(user.clone(), password.trim_end().to_owned()));
        }
        Ok(Self { transport: builder.build(), sender })
    }
}

impl Mailer for SmtpMailer {
    fn send(&self, notice: &Notice, service: &str) -> Result<(), String> {
        use lettre::Transport;
        let to_address = notice.to_email.as_deref().ok_or("no address")?;
        let to = lettre::message::Mailbox::new(
            Some(notice.to_name.clone()),
            to_address.parse().map_err(|e| format!("{to_address}: {e}"))?,
        );
        let message = lettre::Message::builder()
            .from(self.sender.clone())
            .to(to)
            .message_id(Some(notice.message_id()))
            .subject(notice.subject())
            .header(lettre::message::header::ContentType::TEXT_PLAIN)
            .body(notice.body(service))
            .map_err(|e| e.to_string())?;
        self.transport.send(&message).map(|_| ()).map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests;
