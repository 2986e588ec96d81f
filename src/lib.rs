//! casepress: case documents, statement filing and board reports for youth
//! justice services in England and Wales.
//!
//! Data flows one way, one module per stage:
//! `case` (JSON → typed case) → `rules` (derived facts) → `render`
//! (minijinja → Typst source) → `typeset` (Typst → PDF) → `store` (atomic
//! write, case log). `batch` runs the stages over many cases.

pub mod batch;
pub mod board;
pub mod case;
pub mod check;
pub mod config;
pub mod export;
pub mod render;
pub mod rules;
pub mod statements;
pub mod store;
pub mod typeset;

/// Stops the process at a named step when `CASEPRESS_FAILPOINT` names it:
/// the crash tests use this to kill a run between any two steps.
pub(crate) fn failpoint(name: &str) {
    if std::env::var_os("CASEPRESS_FAILPOINT").is_some_and(|v| v == name) {
        std::process::abort();
    }
}
