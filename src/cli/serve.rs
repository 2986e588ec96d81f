//! `casepress serve` (the browser workspace) and `casepress user add`
//! (its local accounts).

use std::io::BufRead;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, anyhow, bail};
use casepress::workspace::{self, Accounts};

use super::settings;

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Config file (default: ./casepress.toml).
    config: Option<PathBuf>,
    /// Address to listen on (default: `workspace.listen`, loopback port 8480).
    #[arg(long, value_name = "ADDR")]
    listen: Option<String>,
    /// A fixed clock (--now), for tests and demonstrations on the samples;
    /// default: the real time.
    #[command(flatten)]
    clock: settings::Clock,
}

#[derive(Debug, clap::Subcommand)]
pub enum UserAction {
    /// Add a local account for a member of staff, or change their password.
    /// The password is asked for twice (or read from stdin).
    Add {
        /// Their name, as the staff directory has it.
        name: String,
        /// Config file (default: ./casepress.toml).
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// Read the password from the first line of stdin (for scripts).
        #[arg(long)]
        password_stdin: bool,
    },
}

pub fn serve(a: ServeArgs) -> Result<ExitCode> {
    logging();
    let config = settings::load_config(a.config.as_deref(), false)?;
    let now = a.clock.fixed()?;
    let options = workspace::Options { listen: a.listen, now, ..Default::default() };
    workspace::serve(config, options).map_err(|e| anyhow!(e))?;
    Ok(ExitCode::SUCCESS)
}

pub fn user(action: UserAction) -> Result<ExitCode> {
    let UserAction::Add { name, config, password_stdin } = action;
    let config = settings::load_config(config.as_deref(), false)?;
    let Some(member) = config.staff.iter().find(|m| casepress::staff::same_name(&m.name, &name)) else {
        bail!(
            "{name} is not in the staff directory ([[staff]] in the config): an account is for a member of staff"
        );
    };
    let password = if password_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        line.trim_end_matches(['\r', '\n']).to_owned()
    } else {
        let first = rpassword::prompt_password(format!("New password for {}: ", member.name))?;
        let again = rpassword::prompt_password("Again: ")?;
        if first != again {
            bail!("the two passwords differ: nothing changed");
        }
        first
    };
    let path = &config.workspace.users;
    let mut accounts = Accounts::load(path).map_err(|e| anyhow!(e))?;
    accounts.set(&member.name, &password).map_err(|e| anyhow!(e))?;
    accounts.save(path).map_err(|e| anyhow!(e))?;
    println!("{}: account for {} saved", path.display(), member.name);
    Ok(ExitCode::SUCCESS)
}

/// Levelled, timestamped lines on stderr; `RUST_LOG` chooses the level.
pub fn logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    use std::io::IsTerminal;
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr)
        .try_init();
}
