//! Importing a case system's extract of 10,000 children (the ChildView-style
//! sample, five CSV files: children, offences, victims, risk meetings and
//! contacts), writing every case file durably. The goal: ≤ 5 s on 2 cores.
//! Then the same extract again (every case read, merged, unchanged), and
//! again with one child in a hundred changed.
//!
//! `cargo bench --bench import [-- CHILDREN]` (default 10000; quick mode,
//! `CASEPRESS_BENCH_QUICK=1`: 100, so one is changed, and one first import)

#[path = "../tests/support/extracts.rs"]
mod extracts;
#[path = "support/quick.rs"]
mod quick;

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use casepress::config::Config;
use casepress::import::{ImportOptions, Outcome, import};

// The allocator the `casepress` binary uses.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn write_extract(dir: &Path, children: &[extracts::Child]) -> Vec<PathBuf> {
    fs::create_dir_all(dir).unwrap();
    extracts::childview(children)
        .into_iter()
        .map(|(name, bytes)| {
            let path = dir.join(name);
            fs::write(&path, bytes).unwrap();
            path
        })
        .collect()
}

fn main() {
    let n = quick::size(10_000, 100);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mapping = root.join("samples/import/childview/mapping.toml");
    let tmp = tempfile::tempdir().unwrap();
    let mut children = extracts::children(n);
    let extract = write_extract(&tmp.path().join("extract"), &children);
    let rows: usize =
        extract.iter().map(|p| fs::read(p).unwrap().iter().filter(|&&b| b == b'\n').count() - 1).sum();
    println!(
        "{n} children, {rows} extract rows in 5 CSV files; {} cores",
        std::thread::available_parallelism().map_or(1, |p| p.get())
    );

    let mut config = Config::default();
    let run = |config: &Config, out: &Path, extracts: &[PathBuf]| {
        let opts = ImportOptions {
            mapping: mapping.clone(),
            extracts: extracts.to_vec(),
            out: out.to_owned(),
            now: chrono::Utc::now(),
        };
        let started = Instant::now();
        let report = import(&casepress::service::Service::new(config.clone()), &opts).unwrap();
        (started.elapsed(), report)
    };
    let mut firsts = Vec::new();
    for round in 1..=quick::rounds(3) {
        let dir = tmp.path().join(format!("round{round}"));
        config.paths.output = dir.join("out");
        let (took, report) = run(&config, &dir.join("cases"), &extract);
        assert_eq!(report.count(Outcome::Created), n, "{:?}", report.failures.first());
        println!("first import, round {round}: {:>6.2} s  ({} case files written)", took.as_secs_f64(), n);
        firsts.push(took);
    }
    firsts.sort();
    println!("first import: median {:.2} s (goal ≤ 5 s)", firsts[firsts.len() / 2].as_secs_f64());

    let dir = tmp.path().join("round1");
    config.paths.output = dir.join("out");
    let (took, report) = run(&config, &dir.join("cases"), &extract);
    assert_eq!(report.count(Outcome::Unchanged), n);
    println!(
        "the same extract again:          {:>6.2} s  (every case read and merged; none changed)",
        took.as_secs_f64()
    );

    let mut edited = 0;
    for c in children.iter_mut().step_by(100) {
        c.postcode = format!("{} X", c.postcode);
        edited += 1;
    }
    let changed = write_extract(&tmp.path().join("extract2"), &children);
    let (took, report) = run(&config, &dir.join("cases"), &changed);
    assert_eq!(report.count(Outcome::Updated), edited, "{:?}", report.failures.first());
    println!(
        "again, one child in 100 changed: {:>6.2} s  ({} updated)",
        took.as_secs_f64(),
        report.count(Outcome::Updated)
    );
}
