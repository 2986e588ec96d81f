//! How talkative a command is on stderr, as `-q` and `-v` set it (cargo's
//! and ripgrep's flags): notes, the progress bar and log lines. What a
//! command reports on stdout, and its errors, are the same at every level.
//! Set once in `run`, before the verb, and read where a note or a bar is
//! drawn.

use std::sync::OnceLock;

/// `-q` / `-v` as typed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Verbosity {
    /// `-q`: no notes, no progress bar, log lines only for errors.
    pub quiet: bool,
    /// `-v` (repeatable): more log detail, one level per `v`.
    pub verbose: u8,
}

static VERBOSITY: OnceLock<Verbosity> = OnceLock::new();

/// Whether notes and the progress bar are silenced.
pub fn quiet() -> bool {
    VERBOSITY.get().is_some_and(|v| v.quiet)
}

/// A note on stderr (what the command assumed, say), unless `-q`.
pub fn note(text: &str) {
    if !quiet() {
        eprintln!("note: {}", casepress::terminal::printable(text));
    }
}

/// The log filter when `RUST_LOG` is not set. casepress's own level is
/// `info` for the long-running verbs (`serve`, `statements watch`), whose
/// log is their report, else `warn`; `-v` raises it a level per `v`, `-q`
/// lowers it to `error`. The long-running verbs log every crate at that
/// level, as they always have; a batch command shows other crates' lines
/// only for errors (lopdf's "PDF is encrypted" about an unreadable
/// statement is already in the report).
pub fn log_filter(verbosity: Verbosity, long_running: bool) -> String {
    let level = log_level(verbosity, long_running);
    if long_running { level.to_owned() } else { format!("error,casepress={level}") }
}

fn log_level(verbosity: Verbosity, long_running: bool) -> &'static str {
    const LEVELS: [&str; 5] = ["error", "warn", "info", "debug", "trace"];
    if verbosity.quiet {
        return LEVELS[0];
    }
    let base = if long_running { 2 } else { 1 };
    LEVELS[(base + usize::from(verbosity.verbose)).min(LEVELS.len() - 1)]
}

/// Records `verbosity` and starts the log: levelled lines on stderr, with a
/// timestamp for the long-running verbs. `RUST_LOG`, when set, chooses the
/// level instead.
pub fn init(verbosity: Verbosity, long_running: bool) {
    let _ = VERBOSITY.set(verbosity);
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(log_filter(verbosity, long_running)));
    use std::io::IsTerminal;
    let log = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none())
        .with_writer(std::io::stderr);
    let _ = if long_running { log.try_init() } else { log.without_time().with_target(false).try_init() };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v_raises_the_level_and_q_lowers_it() {
        let at = |quiet, verbose, long| log_level(Verbosity { quiet, verbose }, long);
        assert_eq!(at(false, 0, false), "warn");
        assert_eq!(at(false, 1, false), "info");
        assert_eq!(at(false, 2, false), "debug");
        assert_eq!(at(false, 9, false), "trace");
        assert_eq!(at(false, 0, true), "info");
        assert_eq!(at(false, 1, true), "debug");
        assert_eq!(at(true, 0, false), "error");
        assert_eq!(at(true, 0, true), "error");
        let filter = |verbose, long| log_filter(Verbosity { quiet: false, verbose }, long);
        assert_eq!(filter(0, false), "error,casepress=warn", "other crates: errors only");
        assert_eq!(filter(1, false), "error,casepress=info");
        assert_eq!(filter(0, true), "info");
    }
}
