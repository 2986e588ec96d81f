//! Signed-in sessions and the sign-in throttle. Sessions are kept in
//! memory and in a file the server alone may read, by the SHA-256 of their
//! token (the token itself is only ever in the browser's cookie), so a
//! restart signs nobody out and the file gives nobody a session. Each ends
//! after `idle` without a request, and `absolute` after it began, or when
//! `casepress user sign-out` stamps its person signed out (a small file the
//! server looks at, by its metadata, on each request: decision 0129).

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
    /// A sign-in half done: the password was right, the second factor is
    /// still to come.
    pub pending: Option<Pending>,
}

/// Who has given their password and is asked for their second factor.
#[derive(Debug, Clone)]
pub struct Pending {
    /// The person, as the staff directory has it.
    pub user: String,
    /// The secret they are enrolling, when they have none yet.
    pub enrol: Option<String>,
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
    // Never kept: a restart asks for the password again.
    #[serde(skip)]
    pending: Option<Pending>,
}

/// When each person was last signed out everywhere (`casepress user
/// sign-out`), by name key, in seconds since the epoch; and the metadata of
/// the file it was read from, to read it again only when it changed.
#[derive(Default)]
struct SignedOut {
    seen: Option<(u64, u64, i64, i64)>,
    at: HashMap<String, u64>,
}

/// Every live session, by the SHA-256 of its token.
pub struct Sessions {
    live: Mutex<HashMap<String, Kept>>,
    idle: Duration,
    absolute: Duration,
    file: Option<PathBuf>,
    signed_out: Mutex<SignedOut>,
    // Whose sessions a sign-out stamp has ended, for the audit log.
    ended: Mutex<Vec<String>>,
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
        Self {
            live: Mutex::new(HashMap::new()),
            idle,
            absolute,
            file: None,
            signed_out: Mutex::default(),
            ended: Mutex::default(),
        }
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
        let sessions = Self {
            live: Mutex::new(HashMap::new()),
            idle,
            absolute,
            file: Some(file),
            signed_out: Mutex::default(),
            ended: Mutex::default(),
        };
        live.retain(|_, k| sessions.alive(k, now()) && !sessions.revoked(k));
        for k in live.values_mut() {
            k.written_seen = k.last_seen;
        }
        *sessions.live.lock().unwrap_or_else(|e| e.into_inner()) = live;
        Ok(sessions)
    }

    fn alive(&self, k: &Kept, now: u64) -> bool {
        now.saturating_sub(k.last_seen) < self.idle.as_secs()
            && now.saturating_sub(k.started) < self.absolute.as_secs()
            && (k.pending.is_none() || now.saturating_sub(k.started) < PENDING.as_secs())
    }

    /// The file of sign-out stamps, beside the sessions file.
    fn signed_out_file(&self) -> Option<PathBuf> {
        self.file.as_ref().map(|f| f.with_file_name(SIGNED_OUT))
    }

    /// Whether the session's person was signed out everywhere after it
    /// began. The stamps are read again only when the file changed (one
    /// `stat` a request).
    fn revoked(&self, k: &Kept) -> bool {
        let (Some(user), Some(file)) = (&k.user, self.signed_out_file()) else { return false };
        let mut stamps = self.signed_out.lock().unwrap_or_else(|e| e.into_inner());
        let seen = std::fs::metadata(&file).ok().map(|m| {
            use std::os::unix::fs::MetadataExt;
            (m.ino(), m.size(), m.mtime(), m.mtime_nsec())
        });
        if seen != stamps.seen {
            stamps.at = read_signed_out(&file).unwrap_or_else(|e| {
                tracing::error!("{e}");
                stamps.at.clone()
            });
            stamps.seen = seen;
        }
        stamps.at.get(&crate::staff::name_key(user)).is_some_and(|at| *at >= k.started)
    }

    fn view(&self, token: &str, k: &Kept, now: u64) -> Session {
        let idle_end = k.last_seen + self.idle.as_secs();
        let absolute_end = k.started + self.absolute.as_secs();
        Session {
            user: k.user.clone(),
            csrf: csrf_of(token),
            idle_left: Duration::from_secs(idle_end.min(absolute_end).saturating_sub(now)),
            absolute_left: Duration::from_secs(absolute_end.saturating_sub(now)),
            pending: k.pending.clone(),
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
            store::replace(dir, name, &bytes, Modes::OWNER_ONLY).map_err(|e| e.to_string())
        });
        if let Err(e) = written {
            tracing::error!("the sessions could not be kept: {e}");
        }
    }

    /// Starts a session; returns its token.
    pub fn start(&self, user: Option<String>) -> (String, Session) {
        let token = token();
        let now = now();
        let kept = Kept { user, started: now, last_seen: now, flash: None, written_seen: now, pending: None };
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
        let revoked = self.revoked(kept);
        if revoked && let Some(user) = &kept.user {
            self.ended.lock().unwrap_or_else(|e| e.into_inner()).push(user.clone());
        }
        if !self.alive(kept, now) || revoked {
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

    /// Whose sessions sign-out stamps have ended since last asked.
    pub fn take_ended(&self) -> Vec<String> {
        std::mem::take(&mut *self.ended.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// Marks the session as half signed in (or clears that).
    pub fn set_pending(&self, token: &str, pending: Option<Pending>) {
        if let Some(s) = self.live.lock().unwrap_or_else(|e| e.into_inner()).get_mut(&key(token)) {
            s.pending = pending;
        }
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

/// How long a half-done sign-in (password right, code to come) waits.
pub const PENDING: Duration = Duration::from_secs(10 * 60);

/// The file of sign-out stamps, beside `sessions.json`.
pub const SIGNED_OUT: &str = "signed-out.json";

fn read_signed_out(file: &std::path::Path) -> Result<HashMap<String, u64>, String> {
    match std::fs::read(file) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map_err(|e| format!("{}: not a sign-out file: {e}", file.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(HashMap::new()),
        Err(e) => Err(format!("{}: cannot read: {e}", file.display())),
    }
}

/// Signs `name` out everywhere: stamps them signed out now in the file
/// beside `sessions` (the sessions file), which a running server reads on
/// their next request and a starting one when it loads its sessions. One
/// writer at a time (a lock file beside it).
pub fn sign_out_everywhere(sessions: &std::path::Path, name: &str) -> Result<(), String> {
    let dir = sessions.parent().ok_or("the sessions file needs a folder")?;
    let modes = Modes::OWNER_ONLY;
    store::ensure_dir(dir, modes).map_err(|e| e.to_string())?;
    let _lock = store::lock_path(&dir.join(".signed-out.lock"), modes).map_err(|e| e.to_string())?;
    let file = dir.join(SIGNED_OUT);
    let mut at = read_signed_out(&file)?;
    // A second later than now: a session begun in this very second ends too.
    at.insert(crate::staff::name_key(name), now());
    let bytes = serde_json::to_vec_pretty(&at).map_err(|e| e.to_string())?;
    store::replace(dir, SIGNED_OUT, &bytes, modes).map(|_| ()).map_err(|e| e.to_string())
}

/// Sign-in attempts per key (a name, an address) within a sliding window.
/// An attempt is counted before the password or code is checked, for every
/// key at once under one lock, so a burst of concurrent guesses gets no
/// more checks than a slow series; one that succeeds gives its place back.
pub struct Throttle {
    attempts: Mutex<HashMap<String, VecDeque<Instant>>>,
    limit: usize,
    window: Duration,
}

/// An attempt counted, to give back if it succeeds.
pub struct Attempt {
    keys: Vec<String>,
    at: Instant,
}

impl Throttle {
    /// At most `limit` attempts (not given back) per `window` and key.
    pub fn new(limit: usize, window: Duration) -> Self {
        Self { attempts: Mutex::new(HashMap::new()), limit, window }
    }

    /// Counts an attempt for every one of `keys`, or none of them (`None`)
    /// when any has had its `limit` in the window: then the attempt must be
    /// refused unchecked.
    pub fn attempt(&self, keys: &[String]) -> Option<Attempt> {
        let mut attempts = self.attempts.lock().unwrap_or_else(|e| e.into_inner());
        let window = self.window;
        if attempts.len() > 100_000 {
            // A flood of made-up names must not grow memory without bound.
            attempts.retain(|_, t| t.back().is_some_and(|t| t.elapsed() < window));
        }
        let full = keys.iter().any(|k| {
            attempts.get_mut(k).is_some_and(|times| {
                while times.front().is_some_and(|t| t.elapsed() >= window) {
                    times.pop_front();
                }
                times.len() >= self.limit
            })
        });
        if full {
            return None;
        }
        let at = Instant::now();
        for k in keys {
            attempts.entry(k.clone()).or_default().push_back(at);
        }
        Some(Attempt { keys: keys.to_vec(), at })
    }

    /// Gives back a successful attempt's place.
    pub fn succeeded(&self, attempt: Attempt) {
        let mut attempts = self.attempts.lock().unwrap_or_else(|e| e.into_inner());
        for k in &attempt.keys {
            if let Some(times) = attempts.get_mut(k)
                && let Some(i) = times.iter().rposition(|t| *t == attempt.at)
            {
                times.remove(i);
            }
        }
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
    fn the_eleventh_attempt_in_the_window_is_refused_and_a_success_gives_its_place_back() {
        let throttle = Throttle::new(10, Duration::from_secs(60));
        let keys = |k: &str| vec![format!("name:{k}"), "address:1".to_owned()];
        let ok = throttle.attempt(&keys("a")).unwrap();
        throttle.succeeded(ok);
        for _ in 0..10 {
            assert!(throttle.attempt(&keys("a")).is_some());
        }
        assert!(throttle.attempt(&keys("a")).is_none());
        assert!(throttle.attempt(&keys("b")).is_none(), "the address is full too");
        assert!(throttle.attempt(&["name:b".to_owned()]).is_some());
    }

    #[test]
    fn concurrent_attempts_get_no_more_than_the_limit() {
        let throttle = std::sync::Arc::new(Throttle::new(10, Duration::from_secs(60)));
        let counted: usize = (0..8)
            .map(|_| {
                let t = throttle.clone();
                std::thread::spawn(move || {
                    (0..25).filter(|_| t.attempt(&["name:x".to_owned()]).is_some()).count()
                })
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|h| h.join().unwrap())
            .sum();
        assert_eq!(counted, 10);
    }

    #[test]
    fn a_sign_out_stamp_ends_the_persons_sessions_in_a_running_server() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("workspace").join("sessions.json");
        let sessions =
            Sessions::kept_in(file.clone(), Duration::from_secs(600), Duration::from_secs(3600)).unwrap();
        let (a, _) = sessions.start(Some("Priya Natarajan".into()));
        let (b, _) = sessions.start(Some("Sarah Bennett".into()));
        assert!(sessions.get(&a).is_some());
        sign_out_everywhere(&file, "priya natarajan").unwrap();
        assert!(sessions.get(&a).is_none(), "her session ended");
        assert_eq!(sessions.take_ended(), ["Priya Natarajan"]);
        assert!(sessions.get(&b).is_some(), "another's did not");
        let again = Sessions::kept_in(file, Duration::from_secs(600), Duration::from_secs(3600)).unwrap();
        assert!(again.get(&a).is_none() && again.get(&b).is_some());
    }
}
