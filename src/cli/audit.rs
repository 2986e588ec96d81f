//! `casepress audit verify`: checks the workspace's audit log for a changed,
//! removed or reordered line (the hash chain across its monthly files).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, anyhow, bail};
use casepress::store::Layout;
use casepress::workspace::audit;

use super::exit::exit_code;
use super::settings;

#[derive(Debug, clap::Subcommand)]
pub enum AuditAction {
    /// Check that every line of the audit log carries the hash of the one
    /// before it, across the monthly files. Names each line where the chain
    /// breaks (a line changed, removed or put out of order) and exits 1; 0
    /// when the chain holds.
    Verify {
        #[command(flatten)]
        config: settings::ConfigArg,
        /// Output folder holding `audit/` (default: `paths.output`).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Start after this hash instead of the start of the log: the hash
        /// of the last line of the months archived and removed, as this
        /// command printed it before they were (`FILE: N lines, last line's
        /// hash HASH`). Without it, the first line left must follow the
        /// start of the log.
        #[arg(long, value_name = "HASH")]
        after: Option<String>,
    },
}

pub fn audit(action: AuditAction) -> Result<ExitCode> {
    let AuditAction::Verify { config, out, after } = action;
    let config = settings::config_with_out(config.path(), out.as_ref())?;
    let dir = Layout::new(&config.paths.output).audit();
    if !dir.is_dir() {
        bail!("{}: no audit log here (the workspace writes it)", dir.display());
    }
    let verified = audit::verify_after(&dir, after.as_deref()).map_err(|e| anyhow!(e))?;
    let name = |p: &PathBuf| p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    for problem in &verified.problems {
        println!("{}:{}: {}", problem.file.display(), problem.line, problem.why);
    }
    // The first line left does not follow the start: older months may have
    // been archived. Say what it carries; never accept it unasked.
    let first = verified.files.first();
    let at_start = verified.problems.first().is_some_and(|p| Some(&p.file) == first && p.line == 1);
    if at_start
        && verified.after.is_none()
        && let Some(prev) = &verified.first_prev
    {
        println!(
            "if older months were archived: the first line left follows a line whose hash is {prev}; \
             if that is the hash you recorded for the last month archived, run again with --after {prev}"
        );
    }
    if let Some(after) = &verified.after {
        println!("started after {after} (given with --after), not at the start of the log");
    }
    for (file, lines, last) in &verified.ends {
        println!("{}: {lines} lines, last line's hash {last}", name(file));
    }
    let files = match (verified.files.first(), verified.files.last()) {
        (Some(a), Some(b)) if a != b => format!("{} files, {} to {}", verified.files.len(), name(a), name(b)),
        (Some(a), _) => format!("1 file, {}", name(a)),
        _ => "no files".to_owned(),
    };
    println!("checked {} lines in {files} ({})", verified.lines, dir.display());
    if verified.before_chain > 0 {
        println!(
            "{} lines from before the chain (audit.jsonl), covered as a whole by the chain's first line",
            verified.before_chain
        );
    }
    println!("last line's hash: {}", verified.last);
    if verified.problems.is_empty() {
        println!("the chain holds");
    } else {
        println!("the chain is broken in {} places", verified.problems.len());
    }
    Ok(exit_code(!verified.problems.is_empty()))
}
