//! Always-on filing: a long-running filer over the inbox. It polls (file
//! system events do not fire on the network shares portal downloads land
//! on), and each look is the same filing round as `statements file` and
//! `run` (queued desk decisions, the inbox, notices owed); holds the output root's filing lock for its whole life
//! (one filer per output root), writes a heartbeat after every look, and
//! stops between batches when asked.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

use super::decision::StatementOutcome;
use super::filing::{FileOptions, FilingLock};
use super::report::FilingReport;
use super::round::{Mail, RoundCases, RoundReport, round};
use crate::press::{Press, SetupError};
use crate::store::{self, Layout};

/// What to watch and how often.
#[derive(Debug, Clone)]
pub struct WatchOptions {
    /// The inbox folder.
    pub inbox: PathBuf,
    /// Case files or folders to match against, loaded afresh for each batch.
    pub cases: Vec<PathBuf>,
    /// Time between looks at the inbox.
    pub poll: Duration,
}

/// The watcher's last sign of life, `OUT/statements/heartbeat.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Heartbeat {
    /// The watcher's process id.
    pub pid: u32,
    /// When it started (RFC 3339, UTC).
    pub started: String,
    /// When it last looked at the inbox.
    pub last_poll: String,
    /// When it last filed a statement, if it has.
    pub last_filed: Option<String>,
    /// Looks at the inbox so far.
    pub polls: u64,
    /// Statements handled so far (filed, quarantined, or skipped as duplicates).
    pub handled: u64,
    /// Seconds between looks.
    pub poll_seconds: u64,
}

/// Where the heartbeat is.
pub fn heartbeat_path(layout: &Layout) -> PathBuf {
    layout.heartbeat()
}

/// The heartbeat, if a watcher ever wrote one.
pub fn read_heartbeat(layout: &Layout) -> Option<Heartbeat> {
    let bytes = std::fs::read(heartbeat_path(layout)).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Watches until `stop` is set: between batches, never inside one. Each
/// batch's report goes to `on_batch`. Returns the last heartbeat.
pub fn watch(
    press: &Press,
    opts: &WatchOptions,
    stop: &AtomicBool,
    on_batch: &mut dyn FnMut(&FilingReport),
) -> Result<Heartbeat, SetupError> {
    let mut lock = FilingLock::take(press)?;
    let mut mail = Mail::configured(press, Utc::now())?;
    if press.config().statements.scan.is_none() {
        tracing::warn!("statements.scan is not set: statements are filed without a virus scan");
    }
    let now = || Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true);
    let mut beat = Heartbeat {
        pid: std::process::id(),
        started: now(),
        last_poll: now(),
        last_filed: None,
        polls: 0,
        handled: 0,
        poll_seconds: opts.poll.as_secs(),
    };
    tracing::info!("watching {} every {} s", opts.inbox.display(), opts.poll.as_secs_f64());
    while !stop.load(Ordering::SeqCst) {
        let started = Instant::now();
        let opts_now = FileOptions { inbox: opts.inbox.clone(), now: Utc::now() };
        let done = round(press, RoundCases::Paths(&opts.cases), &opts_now, &mut lock, mail.as_mut(), false)?;
        for outcome in &done.attached {
            match &outcome.refused {
                None => tracing::info!(
                    "statement {}: attached to case {} by {}",
                    outcome.attach.statement,
                    outcome.attach.case_id,
                    outcome.attach.by
                ),
                Some(why) => tracing::warn!("statement {}: not attached: {why}", outcome.attach.statement),
            }
        }
        if let Some(report) = &done.filed {
            let handled = report.items.iter().filter(|i| handled(i.outcome)).count() as u64;
            if handled > 0 {
                beat.handled += handled;
                beat.last_filed = Some(now());
            }
            log_batch(report, started.elapsed());
            on_batch(report);
        }
        log_notices(&done);
        beat.polls += 1;
        beat.last_poll = now();
        write_heartbeat(press, &beat)?;
        pause(opts.poll.saturating_sub(started.elapsed()), stop);
    }
    tracing::info!("stopped after {} looks, {} statements handled", beat.polls, beat.handled);
    Ok(beat)
}

/// What the notices did this round; a failure is retried in a later round.
fn log_notices(done: &RoundReport) {
    if let Some(d) = &done.notices {
        if !d.sent.is_empty() {
            tracing::info!("notices: {} sent", d.sent.len());
        }
        for u in d.unsent.iter().filter(|u| u.attempts > 0) {
            tracing::warn!(
                "notice about {} to {} not sent ({} attempts): {}",
                u.notice.about(),
                u.notice.to_name(),
                u.attempts,
                u.error.as_deref().unwrap_or("")
            );
        }
    }
    if let Some(e) = &done.notices_error {
        tracing::error!("the outbox could not be read or written: {e}");
    }
}

/// Whether the statement left the inbox for good (filed, quarantined, or a
/// duplicate removed), rather than being left for the next look.
fn handled(outcome: StatementOutcome) -> bool {
    !matches!(outcome, StatementOutcome::Skipped | StatementOutcome::Failed)
}

fn outcome_word(outcome: StatementOutcome) -> String {
    serde_json::to_value(outcome).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

fn write_heartbeat(press: &Press, beat: &Heartbeat) -> Result<(), SetupError> {
    let path = heartbeat_path(press.layout());
    let bytes = serde_json::to_vec_pretty(beat).map_err(|e| SetupError::Input(e.to_string()))?;
    let (dir, name) = (path.parent().unwrap_or(Path::new(".")), path.file_name().unwrap_or_default());
    store::replace(dir, &name.to_string_lossy(), &bytes, press.modes())?;
    Ok(())
}

/// Sleeps `total`, waking early when `stop` is set.
fn pause(total: Duration, stop: &AtomicBool) {
    let until = Instant::now() + total;
    while !stop.load(Ordering::SeqCst) && Instant::now() < until {
        std::thread::sleep((until - Instant::now()).min(Duration::from_millis(100)));
    }
}

/// One line per batch and one per statement: outcomes, statement ids and
/// case ids, never a child's name.
fn log_batch(report: &FilingReport, took: Duration) {
    let safety_links = report.items.iter().filter(|i| i.safety_link).count();
    tracing::info!(
        "batch: {} item(s), {} Safety Link, {} failed, in {} ms",
        report.items.len(),
        safety_links,
        report.items.iter().filter(|i| i.outcome == StatementOutcome::Failed).count(),
        took.as_millis()
    );
    for problem in &report.problems {
        tracing::warn!("{problem}");
    }
    for item in &report.items {
        let level_warn = item.outcome == StatementOutcome::Failed || item.safety_link;
        let line = format!(
            "statement {}: {}{}",
            item.statement_id.as_deref().unwrap_or("(no id)"),
            outcome_word(item.outcome),
            item.case_id.as_deref().map(|c| format!(", case {c}")).unwrap_or_default()
        );
        if level_warn {
            tracing::warn!("{line}");
        } else {
            tracing::info!("{line}");
        }
    }
}

/// When a watcher counts as missing: no heartbeat for `stale_after`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WatcherHealth {
    /// The last look at the inbox, if ever.
    pub last_seen: Option<String>,
    /// Seconds since, if ever.
    pub seconds_ago: Option<i64>,
    /// Whether it is missing.
    pub stale: bool,
    /// After how many seconds it counts as missing.
    pub stale_after: u64,
}

/// The watcher's health as of `now`.
pub fn health(layout: &Layout, stale_after: u64, now: DateTime<Utc>) -> WatcherHealth {
    let beat = read_heartbeat(layout);
    let seen = beat.as_ref().and_then(|b| DateTime::parse_from_rfc3339(&b.last_poll).ok());
    let ago = seen.map(|s| (now - s.with_timezone(&Utc)).num_seconds());
    WatcherHealth {
        last_seen: beat.map(|b| b.last_poll),
        seconds_ago: ago,
        stale: ago.is_none_or(|a| a > stale_after as i64),
        stale_after,
    }
}
