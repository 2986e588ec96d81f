//! The exit code of a command that ran: 1 when something failed or needs
//! action, else 0 (2, could not run, is `main`'s). Every command module ends
//! with it, so it sits below them and names none of them.

use std::process::ExitCode;

/// Exit 1 when something failed or needs action, else 0.
pub fn exit_code(failed: bool) -> ExitCode {
    if failed { ExitCode::from(1) } else { ExitCode::SUCCESS }
}
