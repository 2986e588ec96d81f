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
    without_huge_pages();
    let args = cli::Args::parse();
    match cli::run(args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {}", casepress::terminal::printable(&format!("{e:#}")));
            ExitCode::from(2)
        }
    }
}

/// mimalloc asks the kernel for transparent huge pages, and a 2 MB page
/// partly used still counts whole: rendering 1,000 cases held 265 MB (PSS,
/// every process) with them and 188 MB without, in 28.2 s against 30.6 s,
/// one run each (`cargo bench --bench memory -- 1000`; decision 0199). The
/// setting is the process's, and its render workers inherit it.
fn without_huge_pages() {
    // SAFETY: prctl with PR_SET_THP_DISABLE takes plain integers and
    // touches no memory of ours; a kernel without it returns an error,
    // which leaves the default.
    let _ = unsafe { libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0) };
}
