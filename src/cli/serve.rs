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
    #[command(flatten)]
    config: settings::ConfigArg,
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
        /// Config file (default: CASEPRESS_CONFIG, else casepress.toml here or in
        /// the nearest folder above).
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// Read the password from the first line of stdin (for scripts;
        /// with --second-factor, the app's code from the second line).
        #[arg(long)]
        password_stdin: bool,
        /// Enrol their authenticator app now, at this terminal: prints the
        /// secret and a QR code, asks for the app's code, then prints their
        /// recovery codes. Without it they enrol at their first sign-in.
        #[arg(long)]
        second_factor: bool,
    },
    /// End every session of a member of staff, now, in a running workspace
    /// too (it reads the sign-out at their next request).
    SignOut {
        /// Their name, as the staff directory has it.
        name: String,
        /// Config file (default: CASEPRESS_CONFIG, else casepress.toml here or in
        /// the nearest folder above).
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
    /// Open an account locked after too many failed sign-ins in a row
    /// (`[workspace] lock_after_failures`): its count starts again. A
    /// running workspace sees it at the next sign-in.
    Unlock {
        /// Their name, as the staff directory has it.
        name: String,
        /// Config file (default: CASEPRESS_CONFIG, else casepress.toml here or in
        /// the nearest folder above).
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
    /// Forget a person's authenticator app and recovery codes (a lost
    /// phone): they set up a new one at their next sign-in. Ends their
    /// sessions too.
    ResetSecondFactor {
        /// Their name, as the staff directory has it.
        name: String,
        /// Config file (default: CASEPRESS_CONFIG, else casepress.toml here or in
        /// the nearest folder above).
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
}

pub fn serve(a: ServeArgs) -> Result<ExitCode> {
    let config = settings::load_config(a.config.path(), true)?;
    let now = a.clock.fixed()?;
    let options = workspace::Options { listen: a.listen, now, ..Default::default() };
    workspace::serve(config, options).map_err(|e| anyhow!(e))?;
    Ok(ExitCode::SUCCESS)
}

pub fn user(action: UserAction) -> Result<ExitCode> {
    let (name, config, password_stdin, second_factor) = match action {
        UserAction::Add { name, config, password_stdin, second_factor } => {
            (name, config, password_stdin, second_factor)
        }
        UserAction::SignOut { name, config } => return sign_out(&name, config, false),
        UserAction::ResetSecondFactor { name, config } => return sign_out(&name, config, true),
        UserAction::Unlock { name, config } => return unlock(&name, config),
    };
    let config = settings::load_config(config.as_deref(), true)?;
    let Some(member) = config.staff.iter().find(|m| casepress::staff::same_name(&m.name, &name)) else {
        bail!(
            "{name} is not in the staff directory ([[staff]] in the config): an account is for a member of staff"
        );
    };
    let mut stdin = std::io::stdin().lock();
    let line = |stdin: &mut std::io::StdinLock<'_>| -> Result<String> {
        let mut line = String::new();
        stdin.read_line(&mut line)?;
        Ok(line.trim_end_matches(['\r', '\n']).to_owned())
    };
    let password = if password_stdin {
        line(&mut stdin)?
    } else {
        let first = rpassword::prompt_password(format!("New password for {}: ", member.name))?;
        let again = rpassword::prompt_password("Again: ")?;
        if first != again {
            bail!("the two passwords differ: nothing changed");
        }
        first
    };
    let path = &config.workspace.users;
    // Checked before anything is asked or written.
    Accounts::default().set(&member.name, &password).map_err(|e| anyhow!(e))?;
    let enrolment = if second_factor {
        let secret = workspace::second_factor::new_secret();
        let uri = workspace::second_factor::uri(&secret, &member.name).map_err(|e| anyhow!(e))?;
        println!("Scan this with {}'s authenticator app (time-based, 6 digits):\n", member.name);
        println!("{}", workspace::second_factor::qr_text(&uri).map_err(|e| anyhow!(e))?);
        println!("or type the secret: {}\n(or open {uri})\n", workspace::second_factor::grouped(&secret));
        let code = if password_stdin {
            line(&mut stdin)?
        } else {
            print!("The code the app shows now: ");
            std::io::Write::flush(&mut std::io::stdout())?;
            line(&mut stdin)?
        };
        if workspace::second_factor::step_of(&secret, &code, workspace::second_factor::now()).is_none() {
            bail!("that is not the code the app shows now: nothing changed (run the command again)");
        }
        Some(secret)
    } else {
        None
    };
    let codes = workspace::accounts::update(path, |accounts| {
        accounts.set(&member.name, &password)?;
        match &enrolment {
            Some(secret) => accounts.enrol(&member.name, secret).map(Some),
            None => Ok(None),
        }
    })
    .map_err(|e| anyhow!(e))?;
    println!("{}: account for {} saved", path.display(), member.name);
    // A new password ends any guessing of the old one: the account opens.
    let sessions = casepress::store::Layout::new(config.paths.output.clone()).sessions();
    if workspace::lockout::unlock(&sessions, &member.name)
        .map_err(|e| anyhow!(e))?
        .is_some_and(|c| c.locked.is_some())
    {
        println!("{}'s account was locked after failed sign-ins: it is open again", member.name);
    }
    if let Some(codes) = codes {
        println!(
            "\nRecovery codes for {} (each works once; shown only now, kept only as hashes):",
            member.name
        );
        for code in codes {
            println!("  {code}");
        }
    } else if config.workspace.require_second_factor && config.workspace.proxy.is_none() {
        let enrolled = Accounts::load(path).ok().and_then(|a| a.get(&member.name).map(|a| a.totp.is_some()));
        if enrolled != Some(true) {
            println!("{} sets up an authenticator app at their first sign-in.", member.name);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `user sign-out` (and `user reset-second-factor`, which signs out too).
fn sign_out(name: &str, config: Option<PathBuf>, reset: bool) -> Result<ExitCode> {
    let config = settings::load_config(config.as_deref(), true)?;
    let Some(member) = config.staff.iter().find(|m| casepress::staff::same_name(&m.name, name)) else {
        bail!("{name} is not in the staff directory ([[staff]] in the config)");
    };
    if reset {
        let path = &config.workspace.users;
        let had = workspace::accounts::update(path, |a| Ok(a.forget_second_factor(&member.name)))
            .map_err(|e| anyhow!(e))?;
        if !had {
            bail!("{} has no account in {}", member.name, path.display());
        }
        println!("{}: {}'s authenticator app and recovery codes forgotten", path.display(), member.name);
        // Not unlocked here: whoever locked it by guessing codes may know
        // the password, and would now enrol an app of their own.
        let sessions = casepress::store::Layout::new(config.paths.output.clone()).sessions();
        if workspace::lockout::count(&sessions, &member.name)
            .map_err(|e| anyhow!(e))?
            .is_some_and(|c| c.locked.is_some())
        {
            println!(
                "{}'s account is still locked: give them a new password (`casepress user add`), which opens it",
                member.name
            );
        }
    }
    let sessions = casepress::store::Layout::new(config.paths.output.clone()).sessions();
    workspace::sessions::sign_out_everywhere(&sessions, &member.name).map_err(|e| anyhow!(e))?;
    println!(
        "{} is signed out everywhere (a running workspace ends their sessions at their next request)",
        member.name
    );
    Ok(ExitCode::SUCCESS)
}

/// `user unlock`: forgets the person's failed sign-ins in a row.
fn unlock(name: &str, config: Option<PathBuf>) -> Result<ExitCode> {
    let config = settings::load_config(config.as_deref(), true)?;
    let Some(member) = config.staff.iter().find(|m| casepress::staff::same_name(&m.name, name)) else {
        bail!("{name} is not in the staff directory ([[staff]] in the config)");
    };
    let sessions = casepress::store::Layout::new(config.paths.output.clone()).sessions();
    match workspace::lockout::unlock(&sessions, &member.name).map_err(|e| anyhow!(e))? {
        Some(c) if c.locked.is_some() => println!(
            "{}'s account is unlocked ({} failed sign-ins in a row, locked {})",
            member.name,
            c.failures,
            c.locked.unwrap_or_default()
        ),
        Some(c) => println!(
            "{}'s account was not locked; its {} failed sign-ins in a row are forgotten",
            member.name, c.failures
        ),
        None => println!("{}'s account was not locked", member.name),
    }
    Ok(ExitCode::SUCCESS)
}
