//! Signed-in sessions and the sign-in throttle, in memory: a restart signs
//! everyone out, which is the safe direction.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

/// A session: who (once signed in), its CSRF token, when last used.
#[derive(Debug, Clone)]
pub struct Session {
    /// The person, once signed in; `None` on the sign-in page.
    pub user: Option<String>,
    /// The token every state-changing request must carry.
    pub csrf: String,
    last_seen: Instant,
    // A message for the next page (text, kind), after a redirect.
    flash: Option<(String, String)>,
}

/// Every live session, by the SHA-256 of its token (the token itself is
/// only ever in the browser's cookie).
pub struct Sessions {
    live: Mutex<HashMap<[u8; 32], Session>>,
    idle: Duration,
}

/// A random token: 32 bytes from the operating system, as hex.
pub fn token() -> String {
    let mut bytes = [0u8; 32];
    // The OS random source failing is unrecoverable for a server that
    // signs people in; without it there is nothing safe to hand out.
    getrandom::fill(&mut bytes).unwrap_or_else(|e| panic!("no random numbers from the OS: {e}"));
    crate::store::hex(&bytes)
}

fn key(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

impl Sessions {
    /// Sessions that end after `idle` without a request.
    pub fn new(idle: Duration) -> Self {
        Self { live: Mutex::new(HashMap::new()), idle }
    }

    /// Starts a session; returns its token.
    pub fn start(&self, user: Option<String>) -> (String, Session) {
        let token = token();
        let session = Session { user, csrf: self::token(), last_seen: Instant::now(), flash: None };
        let mut live = self.live.lock().unwrap_or_else(|e| e.into_inner());
        let idle = self.idle;
        live.retain(|_, s| s.last_seen.elapsed() < idle);
        live.insert(key(&token), session.clone());
        (token, session)
    }

    /// The session of `token`, if it is live; using it keeps it alive.
    pub fn get(&self, token: &str) -> Option<Session> {
        let mut live = self.live.lock().unwrap_or_else(|e| e.into_inner());
        let k = key(token);
        let session = live.get_mut(&k)?;
        if session.last_seen.elapsed() >= self.idle {
            live.remove(&k);
            return None;
        }
        session.last_seen = Instant::now();
        Some(session.clone())
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
        self.live.lock().unwrap_or_else(|e| e.into_inner()).remove(&key(token));
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
        let sessions = Sessions::new(Duration::from_millis(200));
        let (token, s) = sessions.start(Some("A".into()));
        assert_eq!(s.csrf.len(), 64);
        assert_eq!(sessions.get(&token).unwrap().user.as_deref(), Some("A"));
        sessions.end(&token);
        assert!(sessions.get(&token).is_none());
        let (token, _) = sessions.start(None);
        std::thread::sleep(Duration::from_millis(250));
        assert!(sessions.get(&token).is_none(), "idle past the timeout");
        assert!(sessions.get("not a token").is_none());
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
