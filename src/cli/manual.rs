//! `casepress completions SHELL` and `casepress man`: made from the clap
//! definition itself (clap_complete, clap_mangen), so they never fall
//! behind the commands. CI generates both.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};

/// The completion script for `shell` of `command` (the whole command
/// line), on stdout.
pub fn completions(mut command: clap::Command, shell: clap_complete::Shell) -> Result<ExitCode> {
    clap_complete::generate(shell, &mut command, "casepress", &mut std::io::stdout().lock());
    Ok(ExitCode::SUCCESS)
}

/// The manual page of `command` (the whole command line) on stdout, or
/// every command's page written into `out`.
pub fn man(command: clap::Command, out: Option<&Path>) -> Result<ExitCode> {
    match out {
        None => clap_mangen::Man::new(command).render(&mut std::io::stdout().lock())?,
        Some(dir) => {
            std::fs::create_dir_all(dir).with_context(|| format!("{}: cannot create", dir.display()))?;
            clap_mangen::generate_to(command, dir)
                .with_context(|| format!("{}: cannot write the manual pages", dir.display()))?;
            println!("wrote the manual pages into {}", dir.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}
