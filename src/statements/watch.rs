//! Always-on filing: a long-running filer over the inbox. It reacts to
//! file-system events where they arrive, and looks every `poll_seconds`
//! as well, which is all it does where they do not (a network share: see
//! [`Listening`] and decision 0190). Each look is the same filing round as
//! `statements file` and `run` (queued desk decisions, the inbox); the
//! notices owed go by a thread of their own, so that filing never waits for
//! the mail server (decision 0192). It holds the output root's filing lock
//! for its whole life (one filer per output root), writes a heartbeat after
//! every look, and stops between batches when asked.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use chrono::{DateTime, SecondsFormat, Utc};
use notify::event::{AccessKind, AccessMode, ModifyKind, RenameMode};
use notify::{EventKind, Watcher as _};
use serde::{Deserialize, Serialize};

use super::decision::StatementOutcome;
use super::filing::{FileOptions, FilingLock};
use super::inbox::Identity;
use super::outbox::Delivery;
use super::report::FilingReport;
use super::round::{Mail, RoundCases, round};
use crate::config::WatchMode;
use crate::press::{Press, SetupError};
use crate::service::Service;
use crate::store::{self, Layout};

/// What to watch and how often.
#[derive(Debug, Clone)]
pub struct WatchOptions {
    /// The inbox folder.
    pub inbox: PathBuf,
    /// Case files or folders to match against, loaded afresh for each batch.
    pub cases: Vec<PathBuf>,
    /// Time between looks at the inbox (beside events, if any).
    pub poll: Duration,
    /// Whether to react to file-system events.
    pub mode: WatchMode,
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
    /// Whether it reacts to file-system events too (else it only polls).
    #[serde(default)]
    pub events: bool,
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
    let mail = Mail::configured(press, Utc::now())?;
    if press.config().statements.scan.is_none() {
        tracing::warn!("statements.scan is not set: statements are filed without a virus scan");
    }
    let (tell, told) = mpsc::channel();
    let listening = Listening::start(&opts.inbox, opts.mode, tell);
    let settle = Duration::from_secs(press.config().statements.settle_seconds);
    let now = || Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true);
    let mut beat = Heartbeat {
        pid: std::process::id(),
        started: now(),
        last_poll: now(),
        last_filed: None,
        polls: 0,
        handled: 0,
        poll_seconds: opts.poll.as_secs(),
        events: listening.is_some(),
    };
    let every = opts.poll.as_secs_f64();
    match &listening {
        Some(_) => {
            tracing::info!("watching {} for events, and looking every {every} s", opts.inbox.display())
        }
        None => tracing::info!("watching {} every {every} s", opts.inbox.display()),
    }
    std::thread::scope(|scope| {
        // The notices' own thread: told after each batch, and looking every
        // poll for what is owed besides (retries, the workspace's steps).
        let nudge = mail.map(|mail| {
            let (nudge, nudged) = mpsc::channel();
            let service = press.service();
            let _ = nudge.send(());
            scope.spawn(move || send_notices(service, mail, nudged, stop, opts.poll));
            nudge
        });
        while !stop.load(Ordering::SeqCst) {
            let started = Instant::now();
            let opts_now = FileOptions { inbox: opts.inbox.clone(), now: Utc::now() };
            let done = round(press, RoundCases::Paths(&opts.cases), &opts_now, &mut lock, None, false)?;
            for outcome in &done.attached {
                match &outcome.refused {
                    None => tracing::info!(
                        "statement {}: attached to case {} by {}",
                        outcome.attach.statement,
                        outcome.attach.case_id,
                        outcome.attach.by
                    ),
                    Some(why) => {
                        tracing::warn!("statement {}: not attached: {why}", outcome.attach.statement)
                    }
                }
            }
            let mut arriving = false;
            if let Some(report) = &done.filed {
                let handled = report.items.iter().filter(|i| handled(i.outcome)).count() as u64;
                if handled > 0 {
                    beat.handled += handled;
                    beat.last_filed = Some(now());
                }
                arriving = report.items.iter().any(|i| i.detail.starts_with("still arriving"));
                log_batch(report, started.elapsed());
                on_batch(report);
            }
            if let Some(nudge) = &nudge
                && (done.filed.is_some() || !done.attached.is_empty())
            {
                let _ = nudge.send(());
            }
            beat.polls += 1;
            beat.last_poll = now();
            write_heartbeat(press, &beat)?;
            // A file still arriving is looked at again once it may have settled.
            let wait = match arriving {
                true => opts.poll.min(settle.max(Duration::from_millis(200))),
                false => opts.poll,
            };
            match &listening {
                Some(_) => wait_for_events(&told, started + wait, stop, &mut lock, &opts.inbox),
                None => pause(wait.saturating_sub(started.elapsed()), stop),
            }
        }
        tracing::info!("stopped after {} looks, {} statements handled", beat.polls, beat.handled);
        Ok(beat)
    })
}

/// File-system events from the inbox folder, while it lives.
pub struct Listening {
    _watcher: notify::RecommendedWatcher,
}

impl Listening {
    /// Starts listening to the inbox's events, as `mode` says: `None` when
    /// polling only (asked for; or `auto` with the inbox on a network
    /// share; or the events could not be set up, which is logged).
    pub fn start(inbox: &Path, mode: WatchMode, tell: Sender<notify::Result<notify::Event>>) -> Option<Self> {
        match mode {
            WatchMode::Poll => return None,
            WatchMode::Auto if on_network_share(inbox) => {
                tracing::info!(
                    "{} is on a network share, where file-system events do not arrive: polling only",
                    inbox.display()
                );
                return None;
            }
            WatchMode::Auto | WatchMode::Events => {}
        }
        let config = notify::Config::default()
            .with_event_kinds(notify::EventKindMask::CORE | notify::EventKindMask::ACCESS_CLOSE);
        let started = notify::RecommendedWatcher::new(tell, config)
            .and_then(|mut w| w.watch(inbox, notify::RecursiveMode::NonRecursive).map(|()| w));
        match started {
            Ok(watcher) => Some(Self { _watcher: watcher }),
            Err(e) => {
                tracing::warn!(
                    "file-system events for {} could not be set up ({e}): polling only",
                    inbox.display()
                );
                None
            }
        }
    }
}

/// Whether `dir` is on a file system whose changes made elsewhere send no
/// events here: NFS, SMB/CIFS, AFS, Coda, 9P, or a FUSE mount.
#[cfg(target_os = "linux")]
pub fn on_network_share(dir: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    // The f_type magic numbers of statfs(2): NFS, SMB, CIFS, SMB2, AFS,
    // Coda, 9P, FUSE.
    const NETWORK: [u64; 8] =
        [0x6969, 0x517B, 0xFF53_4D42, 0xFE53_4D42, 0x5346_414F, 0x7375_7245, 0x0102_1997, 0x6573_5546];
    let Ok(c) = std::ffi::CString::new(dir.as_os_str().as_bytes()) else { return false };
    // SAFETY: statfs fills in the zeroed struct from a NUL-terminated path.
    let mut st: libc::statfs = unsafe { std::mem::zeroed() };
    if unsafe { libc::statfs(c.as_ptr(), &mut st) } != 0 {
        return false;
    }
    #[allow(clippy::unnecessary_cast)] // its type differs between targets
    NETWORK.contains(&((st.f_type as u64) & 0xFFFF_FFFF))
}

/// Elsewhere, only Linux's file-system types are known: never a share.
#[cfg(not(target_os = "linux"))]
pub fn on_network_share(_dir: &Path) -> bool {
    false
}

/// Waits until an event says something arrived in the inbox, or `until`,
/// or `stop`. A file closed after writing, or moved in, is recorded as
/// seen whole (the settle rule's "finished", decision 0191); removals and
/// reads wake nothing (the filer's own removals would).
fn wait_for_events(
    told: &Receiver<notify::Result<notify::Event>>,
    until: Instant,
    stop: &AtomicBool,
    lock: &mut FilingLock,
    inbox: &Path,
) {
    let mut woken = false;
    while !woken && !stop.load(Ordering::SeqCst) {
        let left = until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return;
        }
        match told.recv_timeout(left.min(Duration::from_millis(100))) {
            Ok(event) => woken = took_in(event, lock, inbox),
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return pause(left, stop),
        }
    }
    // Whatever else has come in joins this look.
    while let Ok(event) = told.try_recv() {
        took_in(event, lock, inbox);
    }
}

/// Takes in one event: whether it is news of an arrival.
fn took_in(event: notify::Result<notify::Event>, lock: &mut FilingLock, inbox: &Path) -> bool {
    let event = match event {
        Ok(event) => event,
        Err(e) => {
            // Events may have been lost (a full queue): look now.
            tracing::warn!("file-system events for {}: {e}", inbox.display());
            return true;
        }
    };
    let finished = matches!(
        event.kind,
        EventKind::Access(AccessKind::Close(AccessMode::Write))
            | EventKind::Modify(ModifyKind::Name(RenameMode::To | RenameMode::Both))
    );
    if finished {
        for name in event.paths.iter().filter_map(|p| p.file_name()) {
            if let Ok(m) = std::fs::metadata(inbox.join(name)) {
                lock.saw_whole(name.to_owned(), Identity::of(&m));
            }
        }
    }
    finished
        || matches!(
            event.kind,
            EventKind::Create(_) | EventKind::Modify(_) | EventKind::Any | EventKind::Other
        )
}

/// The notices' thread: sends what is owed when told something was filed,
/// and every `every` besides (retries, the workspace's queued steps), until
/// the filer stops. A mail server that never answers holds up only this.
fn send_notices(service: &Service, mut mail: Mail, nudged: Receiver<()>, stop: &AtomicBool, every: Duration) {
    loop {
        let told = match nudged.recv_timeout(every) {
            Ok(()) => true,
            Err(RecvTimeoutError::Timeout) => false,
            Err(RecvTimeoutError::Disconnected) => return,
        };
        while nudged.try_recv().is_ok() {}
        if stop.load(Ordering::SeqCst) {
            return;
        }
        if let Some((delivery, error)) = mail.send_owed(service, told) {
            log_notices(delivery.as_ref(), error.as_deref());
        }
    }
}

/// What the notices did this round; a failure is retried in a later round.
fn log_notices(delivery: Option<&Delivery>, error: Option<&str>) {
    if let Some(d) = delivery {
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
    if let Some(e) = error {
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
