//! `casepress completions SHELL` and `casepress man`: made from the clap
//! definition itself (clap_complete, clap_mangen), so they never fall
//! behind the commands. CI generates both.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::CommandFactory;

use super::Args;

/// The completion script for `shell`, on stdout.
pub fn completions(shell: clap_complete::Shell) -> Result<ExitCode> {
    clap_complete::generate(shell, &mut Args::command(), "casepress", &mut std::io::stdout().lock());
    Ok(ExitCode::SUCCESS)
}

/// The manual page on stdout, or every command's page written into `out`.
pub fn man(out: Option<&Path>) -> Result<ExitCode> {
    let command = Args::command();
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_definition_is_consistent_and_every_page_is_made() {
        Args::command().debug_assert();
        let dir = tempfile::tempdir().unwrap();
        man(Some(dir.path())).unwrap();
        let page = std::fs::read_to_string(dir.path().join("casepress-final.1")).unwrap();
        assert!(page.contains(".TH casepress-final"), "{page}");
        assert!(!page.contains("\\-\\-to"), "final takes no --to: {page}");
        assert!(dir.path().join("casepress-statements-watch.1").is_file());
        assert!(!dir.path().join("casepress-worker.1").exists(), "the internal verb has no page");
    }
}
