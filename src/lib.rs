//! casepress: case documents, statement filing and board reports for youth
//! justice services in England and Wales.
//!
//! Built in floors, each using only those below (no file takes a name from
//! one that takes a name back: `tests/architecture.rs`). On the ground,
//! `documents` (the catalogue of papers) and `staff` (the service's
//! people); then `store` (atomic writes, case records, the output layout)
//! and `typeset` (Typst → PDF); `case` (JSON → typed case) and `history`;
//! `rules` (derived facts); `config` and the `service`; `render` (minijinja
//! → Typst source); the `press`, whose `document` module makes one document
//! for every caller; `batch` and `statements`; `lifecycle`, `board` and
//! `export`; `run` and the `workspace`. See `docs/internals/architecture.md`.

// Bad input never panics: the library never unwraps (an invariant is an
// `expect` that says why it holds).
#![cfg_attr(not(test), deny(clippy::unwrap_used))]

pub mod batch;
pub mod board;
pub mod case;
pub mod check;
pub mod config;
pub mod documents;
pub mod export;
pub mod failure;
pub mod history;
pub mod import;
pub mod lifecycle;
pub mod press;
pub mod render;
pub mod rules;
pub mod run;
pub mod sar;
pub mod service;
pub mod staff;
pub mod statements;
pub mod store;
pub mod terminal;
pub mod typeset;
pub mod workspace;

/// Stops the process at a named step when `CASEPRESS_FAILPOINT` names it:
/// the crash tests use this to kill a run between any two steps. When
/// `CASEPRESS_PAUSE` names the step instead, the process creates the file
/// `CASEPRESS_PAUSE_FILE` and waits (at most a minute) until it is removed:
/// the race tests use this to change the inbox at an exact instant.
pub(crate) fn failpoint(name: &str) {
    if std::env::var_os("CASEPRESS_FAILPOINT").is_some_and(|v| v == name) {
        std::process::abort();
    }
    if std::env::var_os("CASEPRESS_PAUSE").is_some_and(|v| v == name)
        && let Some(flag) = std::env::var_os("CASEPRESS_PAUSE_FILE")
    {
        let flag = std::path::PathBuf::from(flag);
        if std::fs::write(&flag, name).is_ok() {
            let until = std::time::Instant::now() + std::time::Duration::from_secs(60);
            while flag.exists() && std::time::Instant::now() < until {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
        }
    }
}
