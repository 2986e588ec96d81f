//! One filing round, the same for `run`, `statements file` and the watcher:
//! carry out the desk's queued attach decisions, file the inbox, then
//! deliver the email notices owed (when SMTP is configured), the
//! lifecycle steps' queued emails with them. Whichever
//! filer holds the output's filing lock does all three, so a decision the
//! desk queued is never left waiting for a watcher the service may not run.

use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::filing::{FileOptions, FilingLock, file_inbox_locked};
use super::outbox::{Delivery, Mailer, Outbox, SmtpMailer};
use super::report::FilingReport;
use super::requests;
use crate::case::Caseload;
use crate::press::{Press, SetupError};

/// The cases a round matches statements against.
pub enum RoundCases<'a> {
    /// Already loaded (the nightly run loads once for every stage).
    Loaded(&'a Caseload),
    /// Loaded afresh by the round, only when there is something to match.
    Paths(&'a [PathBuf]),
}

/// How a round sends its email notices.
pub struct Mail {
    mailer: Box<dyn Mailer>,
    retry: Duration,
    outbox: Outbox,
    /// Whether notices may still be owed: true at start, so whatever an
    /// earlier run left owed is sent.
    owing: bool,
}

impl Mail {
    /// The service's SMTP notices, if it configures SMTP. Opens the outbox
    /// (from `now`, statements decided owe notices) before any filing.
    pub fn configured(press: &Press, now: DateTime<Utc>) -> Result<Option<Self>, SetupError> {
        let Some(smtp) = &press.config().smtp else { return Ok(None) };
        let mailer = SmtpMailer::new(smtp).map_err(SetupError::Input)?;
        Self::with(press, Box::new(mailer), Duration::from_secs(smtp.retry_seconds), now).map(Some)
    }

    /// Notices through `mailer`, first retried after `retry`.
    pub fn with(
        press: &Press,
        mailer: Box<dyn Mailer>,
        retry: Duration,
        now: DateTime<Utc>,
    ) -> Result<Self, SetupError> {
        let outbox = Outbox::new(press.layout(), press.modes());
        outbox.open(now).map_err(SetupError::Input)?;
        Ok(Self { mailer, retry, outbox, owing: true })
    }
}

impl Mail {
    /// Sends what is owed, if anything may be (`nudged`: something was just
    /// filed or attached): the delivery, or why it could not be made (the
    /// notices stay owed). `None` when nothing could be owed.
    pub fn send_owed(
        &mut self,
        service: &crate::service::Service,
        nudged: bool,
    ) -> Option<(Option<Delivery>, Option<String>)> {
        if !(nudged || self.owing || self.outbox.steps_queued(service.layout())) {
            return None;
        }
        Some(match self.outbox.deliver(service, self.mailer.as_ref(), self.retry, Utc::now()) {
            Ok(d) => {
                self.owing = d.deferred || !d.unsent.is_empty();
                (Some(d), None)
            }
            Err(e) => {
                self.owing = true;
                (None, Some(e))
            }
        })
    }
}

/// What one round did.
#[derive(Debug, Default, Serialize)]
pub struct RoundReport {
    /// The desk's queued attach decisions carried out (or refused, with why).
    pub attached: Vec<requests::Outcome>,
    /// The inbox filed, if it held anything.
    pub filed: Option<FilingReport>,
    /// The notices delivered, if email is configured and any were owed.
    pub notices: Option<Delivery>,
    /// Why the notices could not be delivered this round (they stay owed).
    pub notices_error: Option<String>,
}

/// One round under `lock`: queued desk decisions, the inbox (only when it
/// holds anything, unless `always_file`), then notices owed.
pub fn round(
    press: &Press,
    cases: RoundCases<'_>,
    opts: &FileOptions,
    lock: &mut FilingLock,
    mail: Option<&mut Mail>,
    always_file: bool,
) -> Result<RoundReport, SetupError> {
    let mut cases = Lazy { cases, loaded: None };
    let mut report = RoundReport::default();
    if !requests::queued(press.layout()).is_empty() {
        report.attached = requests::carry_out_queued(press, cases.get(press)?, lock)?;
    }
    if always_file || has_entries(&opts.inbox) {
        report.filed = Some(file_inbox_locked(press, cases.get(press)?, opts, lock)?);
    }
    if let Some(mail) = mail {
        let nudged = report.filed.is_some() || !report.attached.is_empty();
        if let Some(sent) = mail.send_owed(press.service(), nudged) {
            (report.notices, report.notices_error) = sent;
        }
    }
    Ok(report)
}

/// The round's cases, loaded at most once and only when needed.
struct Lazy<'a> {
    cases: RoundCases<'a>,
    loaded: Option<Caseload>,
}

impl Lazy<'_> {
    fn get(&mut self, press: &Press) -> Result<&Caseload, SetupError> {
        match self.cases {
            RoundCases::Loaded(c) => Ok(c),
            RoundCases::Paths(paths) => {
                if self.loaded.is_none() {
                    self.loaded = Some(Caseload::load_with(paths, &press.config().limits)?);
                }
                Ok(self.loaded.as_ref().expect("just loaded"))
            }
        }
    }
}

/// Whether the inbox holds anything at all (cheap: no file is read).
fn has_entries(inbox: &std::path::Path) -> bool {
    std::fs::read_dir(inbox).is_ok_and(|mut d| d.next().is_some())
}

/// A round as `run` and `statements file` make it: takes the output's
/// filing lock, opens the configured email notices, and files the inbox
/// even when it looks empty (a sample inbox is seeded then).
pub fn file_round(
    press: &Press,
    cases: RoundCases<'_>,
    opts: &FileOptions,
) -> Result<RoundReport, SetupError> {
    let mut lock = FilingLock::take(press)?;
    let mut mail = Mail::configured(press, opts.now)?;
    round(press, cases, opts, &mut lock, mail.as_mut(), true)
}
