//! The `casepress` command line: parse arguments, call the library, print,
//! exit 0 (all done), 1 (some items failed) or 2 (could not run).

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::Args::parse();
    match cli::run(args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
