//! The `casepress` command line: parse arguments, call the library, print,
//! exit 0 (all done), 1 (some items failed) or 2 (could not run).

mod cli;

// Typst allocates heavily and from several threads at once; mimalloc is
// ~15% faster than glibc's allocator on one thread and scales better on two
// (`cargo bench --bench render`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::Args::parse();
    match cli::run(args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {}", casepress::terminal::printable(&format!("{e:#}")));
            ExitCode::from(2)
        }
    }
}
