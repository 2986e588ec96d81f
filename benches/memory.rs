//! Peak memory of `casepress render` over N synthetic cases, for each N
//! given (default 100 and 1000): each run is a fresh process, and its peak
//! resident set size is read with getrusage.
//!
//! `cargo bench --bench memory [-- 100 1000 10000]`

#[path = "../tests/support/synthetic.rs"]
mod synthetic;

use std::process::Command;
use std::time::Instant;

use chrono::NaiveDate;

fn main() {
    let mut sizes: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    if sizes.is_empty() {
        sizes = vec![100, 1000];
    }
    let from = NaiveDate::from_ymd_opt(2025, 10, 1).unwrap();
    let to = NaiveDate::from_ymd_opt(2026, 9, 30).unwrap();
    for n in sizes {
        let tmp = tempfile::tempdir().unwrap();
        let input = tmp.path().join("cases.ndjson");
        let lines: Vec<String> =
            synthetic::synthetic_cases(n, from, to, 11).iter().map(|c| c.to_string()).collect();
        std::fs::write(&input, lines.join("\n")).unwrap();
        let started = Instant::now();
        let status = Command::new(env!("CARGO_BIN_EXE_casepress"))
            .args(["render", "--out"])
            .arg(tmp.path().join("out"))
            .args(["--date", "2026-11-23", "--json"])
            .arg(&input)
            .stdout(std::process::Stdio::null())
            .status()
            .unwrap();
        let elapsed = started.elapsed();
        // The children of this process are waited for one at a time, so the
        // maximum so far is this run's peak unless an earlier run was larger.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: getrusage fills the struct we own.
        unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
        println!(
            "cases: {n}  exit: {}  time: {:.1} s  peak RSS (max over runs so far): {} MB",
            status.code().unwrap_or(-1),
            elapsed.as_secs_f64(),
            usage.ru_maxrss / 1024
        );
    }
}
