//! Quick mode: with `CASEPRESS_BENCH_QUICK=1` a benchmark runs once over a
//! handful of items, still checking its results, so CI proves that every
//! benchmark still runs. Its figures are not measurements.

// Each benchmark uses the part it needs.
#![allow(dead_code)]

/// Whether `CASEPRESS_BENCH_QUICK=1` is set; says so once on stderr.
pub fn on() -> bool {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ON.get_or_init(|| {
        let on = std::env::var_os("CASEPRESS_BENCH_QUICK").is_some_and(|v| v == "1");
        if on {
            eprintln!("CASEPRESS_BENCH_QUICK=1: one round over a handful of items; the figures mean nothing");
        }
        on
    })
}

/// The first number on the command line, else `quick` in quick mode, else `normal`.
pub fn size(normal: usize, quick: usize) -> usize {
    std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(if on() { quick } else { normal })
}

/// How many times to repeat a measurement: `normal`, or once in quick mode.
pub fn rounds(normal: usize) -> usize {
    if on() { 1 } else { normal }
}
