//! Prints N fictional cases as NDJSON, for scale tests and benchmarks.
//!
//! `cargo run --example synthetic-cases -- N [FROM TO [SEED]] > cases.ndjson`
//! (orders start between FROM and TO, default 2025-10-01 to 2026-09-30).

#[path = "../tests/support/synthetic.rs"]
mod synthetic;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(100);
    let date = |i: usize, default: &str| {
        args.get(i).map_or(default, String::as_str).parse().expect("a date YYYY-MM-DD")
    };
    let from = date(1, "2025-10-01");
    let to = date(2, "2026-09-30");
    let seed = args.get(3).and_then(|a| a.parse().ok()).unwrap_or(2026);
    for case in synthetic::synthetic_cases(n, from, to, seed) {
        println!("{case}");
    }
}
