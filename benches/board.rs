//! Board report over N synthetic cases (default 10,000): load, figures for
//! two quarters, the PDF, CSV, JSON and zip pack.
//!
//! `cargo bench --bench board [-- N]`; quick mode (`CASEPRESS_BENCH_QUICK=1`): 50 cases.

#[path = "support/quick.rs"]
mod quick;
#[path = "../tests/support/synthetic.rs"]
mod synthetic;

use std::path::Path;
use std::time::Instant;

use casepress::board::{Quarter, build_board};
use casepress::case::Caseload;
use casepress::config::Config;
use casepress::press::Press;
use chrono::NaiveDate;

// The allocator the `casepress` binary uses.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let n = quick::size(10_000, 50);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    let from = NaiveDate::from_ymd_opt(2025, 4, 1).unwrap();
    let to = NaiveDate::from_ymd_opt(2026, 9, 30).unwrap();
    let lines: Vec<String> =
        synthetic::synthetic_cases(n, from, to, 7).iter().map(|c| c.to_string()).collect();
    let input = tmp.path().join("cases.ndjson");
    std::fs::write(&input, lines.join("\n")).unwrap();

    let mut config = Config::load(&root.join("samples/casepress.toml")).unwrap();
    config.paths.output = tmp.path().join("out");
    let press = Press::new(config).unwrap();
    let quarter: Quarter = "2026-Q2".parse().unwrap();
    let started = Instant::now();
    let caseload = Caseload::load(&[input]).unwrap();
    let request = casepress::board::BoardRequest::complete(
        quarter,
        chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
    );
    let outputs = build_board(&press, &caseload, &request).unwrap();
    let elapsed = started.elapsed();
    assert_eq!(outputs.cases, n);
    println!("cases: {n}");
    println!(
        "board report (load, figures for two quarters, PDF, CSV, JSON, zip): {:.2} s",
        elapsed.as_secs_f64()
    );
}
