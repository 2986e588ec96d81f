//! Signed-in sessions and the sign-in throttle. Sessions are kept in
//! memory and in a file the server alone may read, by the SHA-256 of their
//! token (the token itself is only ever in the browser's cookie), so a
//! restart signs nobody out and the file gives nobody a session. Each ends
//! after `idle` without a request, and `absolute` after it began.

use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::store::{self, Modes};

/// A session: who (once signed in), its CSRF token, when last used.
#[derive(Debug, Clone)]
pub struct Session {
    /// The person, once signed in; `None` on the sign-in page.
    pub user: Option<String>,
    /// The token every state-changing request must carry.
    pub csrf: String,
    /// Time left before it ends without a request, and at the latest.
    pub idle_left: Duration,
    /// Time left before its absolute end.
    pub absolute_left: Duration,
}

/// A live session as kept: seconds since the Unix epoch.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Kept {
    user: Option<String>,
    started: u64,
    last_seen: u64,
    // A message for the next page (text, kind), after a redirect; not kept
    // across a restart.
    #[serde(skip)]
    flash: Option<(String, String)>,
    #[serde(skip)]
    written_seen: u64,
}

/// Every live session, by the SHA-256 of its token.
pub struct Sessions {
    live: Mutex<HashMap<String, Kept>>,
    idle: Duration,
    absolute: Duration,
    file: Option<PathBuf>,
}

/// A random token: 32 bytes from the operating system, as hex.
pub fn token() -> String {
    let mut bytes = [0u8; 32];
    // The OS random source failing is unrecoverable for a server that
    // signs people in; without it there is nothing safe to hand out.
    getrandom::fill(&mut bytes).unwrap_or_else(|e| panic!("no random numbers from the OS: {e}"));
    store::hex(&bytes)
}

fn key(token: &str) -> String {
    store::sha256_hex(token.as_bytes())
}

/// The session's CSRF token, derived from its token: nothing to keep, and
/// only the holder of the cookie can know it.
fn csrf_of(token: &str) -> String {
    store::sha256_hex(format!("casepress csrf\0{token}").as_bytes())
}

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

impl Sessions {
    /// Sessions in memory only, that end after `idle` without a request or
    /// `absolute` after they began.
    pub fn new(idle: Duration, absolute: Duration) -> Self {
        Self { live: Mutex::new(HashMap::new()), idle, absolute, file: None }
    }

    /// Sessions kept in `file` as well (owner-only), and those it holds
    /// that are still live.
    pub fn kept_in(file: PathBuf, idle: Duration, absolute: Duration) -> Result<Self, String> {
        let mut live: HashMap<String, Kept> = match std::fs::read(&file) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
                format!("{}: not a sessions file ({e}); remove it to sign everyone out", file.display())
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => HashMap::new(),
            Err(e) => return Err(format!("{}: cannot read: {e}", file.display())),
        };
        let sessions = Self { live: Mutex::new(HashMap::new()), idle, absolute, file: Some(file) };
        live.retain(|_, k| sessions.alive(k, now()));
        for k in live.values_mut() {
            k.written_seen = k.last_seen;
        }
        *sessions.live.lock().unwrap_or_else(|e| e.into_inner()) = live;
        Ok(sessions)
    }

    fn alive(&self, k: &Kept, now: u64) -> bool {
        now.saturating_sub(k.last_seen) < self.idle.as_secs()
            && now.saturating_sub(k.started) < self.absolute.as_secs()
    }

    fn view(&self, token: &str, k: &Kept, now: u64) -> Session {
        let idle_end = k.last_seen + self.idle.as_secs();
        let absolute_end = k.started + self.absolute.as_secs();
        Session {
            user: k.user.clone(),
            csrf: csrf_of(token),
            idle_left: Duration::from_secs(idle_end.min(absolute_end).saturating_sub(now)),
            absolute_left: Duration::from_secs(absolute_end.saturating_sub(now)),
        }
    }

    /// Writes the live sessions to the file (owner-only, atomically). A
    /// failure is logged: the sessions still work, until a restart.
    fn keep(&self, live: &HashMap<String, Kept>) {
        let Some(file) = &self.file else { return };
        let (Some(dir), Some(name)) = (file.parent(), file.file_name().and_then(|n| n.to_str())) else {
            return;
        };
        let written = serde_json::to_vec(live).map_err(|e| e.to_string()).and_then(|bytes| {
            store::replace(dir, name, &bytes, Modes { file: 0o600, dir: 0o700 }).map_err(|e| e.to_string())
        });
        if let Err(e) = written {
            tracing::error!("the sessions could not be kept: {e}");
        }
    }

    /// Starts a session; returns its token.
    pub fn start(&self, user: Option<String>) -> (String, Session) {
        let token = token();
        let now = now();
        let kept = Kept { user, started: now, last_seen: now, flash: None, written_seen: now };
        let session = self.view(&token, &kept, now);
        let mut live = self.live.lock().unwrap_or_else(|e| e.into_inner());
        live.retain(|_, k| self.alive(k, now));
        let signed_in = kept.user.is_some();
        live.insert(key(&token), kept);
        // A sign-in page's session is not worth a write; a signed-in one is.
        if signed_in {
            self.keep(&live);
        }
        (token, session)
    }

    /// The session of `token`, if it is live; using it keeps it alive.
    pub fn get(&self, token: &str) -> Option<Session> {
        let now = now();
        let mut live = self.live.lock().unwrap_or_else(|e| e.into_inner());
        let k = key(token);
        let kept = live.get(&k)?;
        if !self.alive(kept, now) {
            live.remove(&k);
            self.keep(&live);
            return None;
        }
        let kept = live.get_mut(&k)?;
        kept.last_seen = now;
        let session = self.view(token, kept, now);
        // The file learns of use once a minute: enough for the idle limit
        // to hold across a restart, give or take that minute.
        if kept.user.is_some() && now.saturating_sub(kept.written_seen) >= 60 {
            kept.written_seen = now;
            self.keep(&live);
        }
        Some(session)
    }

    /// Leaves a message for the session's next page.
    pub fn set_flash(&self, token: &str, text: &str, kind: &str) {
        if let Some(s) = self.live.lock().unwrap_or_else(|e| e.into_inner()).get_mut(&key(token)) {
            s.flash = Some((text.to_owned(), kind.to_owned()));
        }
    }

    /// Takes the message left for this page, if any.
    pub fn take_flash(&self, token: &str) -> Option<(String, String)> {
        self.live.lock().unwrap_or_else(|e| e.into_inner()).get_mut(&key(token)).and_then(|s| s.flash.take())
    }

    /// Ends the session of `token`.
    pub fn end(&self, token: &str) {
        let mut live = self.live.lock().unwrap_or_else(|e| e.into_inner());
        if live.remove(&key(token)).is_some_and(|k| k.user.is_some()) {
            self.keep(&live);
        }
    }
}

/// Failed sign-ins per key (a name, an address) within a sliding window.
pub struct Throttle {
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
    limit: usize,
    window: Duration,
}

impl Throttle {
    /// At most `limit` failures per `window`; then every attempt is refused
    /// until the oldest failure leaves the window.
    pub fn new(limit: usize, window: Duration) -> Self {
        Self { failures: Mutex::new(HashMap::new()), limit, window }
    }

    /// Whether attempts for `key` are refused now.
    pub fn blocked(&self, key: &str) -> bool {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let Some(times) = failures.get_mut(key) else { return false };
        while times.front().is_some_and(|t| t.elapsed() >= self.window) {
            times.pop_front();
        }
        times.len() >= self.limit
    }

    /// Records a failure for `key`.
    pub fn fail(&self, key: &str) {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        if failures.len() > 100_000 {
            // A flood of made-up names must not grow memory without bound.
            let window = self.window;
            failures.retain(|_, t| t.back().is_some_and(|t| t.elapsed() < window));
        }
        failures.entry(key.to_owned()).or_default().push_back(Instant::now());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_lives_until_ended_or_idle() {
        let sessions = Sessions::new(Duration::from_secs(1), Duration::from_secs(3600));
        let (token, s) = sessions.start(Some("A".into()));
        assert_eq!(s.csrf.len(), 64);
        assert_eq!(sessions.get(&token).unwrap().user.as_deref(), Some("A"));
        sessions.end(&token);
        assert!(sessions.get(&token).is_none());
        let (token, _) = sessions.start(None);
        std::thread::sleep(Duration::from_millis(2100));
        assert!(sessions.get(&token).is_none(), "idle past the timeout");
        assert!(sessions.get("not a token").is_none());
    }

    #[test]
    fn a_session_ends_at_its_absolute_limit_however_busy() {
        let sessions = Sessions::new(Duration::from_secs(60), Duration::from_secs(1));
        let (token, _) = sessions.start(Some("A".into()));
        assert!(sessions.get(&token).is_some());
        std::thread::sleep(Duration::from_millis(2100));
        assert!(sessions.get(&token).is_none(), "past the absolute limit");
    }

    #[test]
    fn sessions_survive_a_restart_and_the_file_holds_no_token() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("sessions.json");
        let (idle, absolute) = (Duration::from_secs(600), Duration::from_secs(3600));
        let sessions = Sessions::kept_in(file.clone(), idle, absolute).unwrap();
        let (token, before) = sessions.start(Some("A".into()));
        let (gone, _) = sessions.start(Some("B".into()));
        sessions.end(&gone);
        drop(sessions);
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(!text.contains(&token) && !text.contains(&before.csrf), "only the tokens' hashes are kept");
        assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
        let again = Sessions::kept_in(file, idle, absolute).unwrap();
        let after = again.get(&token).unwrap();
        assert_eq!((after.user.as_deref(), after.csrf), (Some("A"), before.csrf));
        assert!(again.get(&gone).is_none(), "a session ended stays ended");
    }

    #[test]
    fn the_eleventh_failure_in_the_window_is_blocked() {
        let throttle = Throttle::new(10, Duration::from_secs(60));
        for _ in 0..10 {
            assert!(!throttle.blocked("a"));
            throttle.fail("a");
        }
        assert!(throttle.blocked("a"));
        assert!(!throttle.blocked("b"));
    }
}
