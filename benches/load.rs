//! Loading a caseload: a JSON array against the same cases as NDJSON. Both
//! should be linear in the file's size (an array once took quadratic time:
//! 157 s for 50 MB).
//!
//! `cargo bench --bench load [-- N]` (default 20,000 cases; quick mode,
//! `CASEPRESS_BENCH_QUICK=1`: 50 cases, each file loaded once)

#[path = "support/quick.rs"]
mod quick;
#[path = "../tests/support/synthetic.rs"]
mod synthetic;

use std::time::Instant;

use casepress::case::Caseload;
use chrono::NaiveDate;

fn main() {
    let n = quick::size(20_000, 50);
    let tmp = tempfile::tempdir().unwrap();
    let from = NaiveDate::from_ymd_opt(2025, 4, 1).unwrap();
    let to = NaiveDate::from_ymd_opt(2026, 9, 30).unwrap();
    let cases = synthetic::synthetic_cases(n, from, to, 7);
    let ndjson = tmp.path().join("cases.ndjson");
    let array = tmp.path().join("cases.json");
    std::fs::write(&ndjson, cases.iter().map(|c| format!("{c}\n")).collect::<String>()).unwrap();
    std::fs::write(&array, serde_json::to_string_pretty(&cases).unwrap()).unwrap();
    let mb = |p: &std::path::Path| std::fs::metadata(p).unwrap().len() as f64 / 1e6;
    for (what, path) in [("NDJSON", &ndjson), ("JSON array (pretty)", &array)] {
        let best = (0..quick::rounds(3))
            .map(|_| {
                let t = Instant::now();
                let load = Caseload::load(std::slice::from_ref(path)).unwrap();
                assert_eq!(load.cases.len(), n);
                t.elapsed()
            })
            .min()
            .unwrap();
        println!("{what}: {n} cases, {:.1} MB, loaded in {:.2} s", mb(path), best.as_secs_f64());
    }
}
