//! `casepress statements status` over a long ledger: 100,000 lines (50,000
//! statements filed, one in ten with the Safety Link, one in fifty
//! unidentified), made from the lines of a few real filings with new
//! SHA-256s. The ledger's summary index is written by the holder of the
//! filing lock, as the watcher or the nightly run keeps it: one
//! `statements file` round over an empty inbox, timed too. Then the status
//! command, best of five; and in this process, the board's read of the
//! ledger (`filed_statements`) against a whole read of every decision.
//!
//! `cargo bench --bench status [-- LINES]` (quick mode: 1,000 lines).
//! `CASEPRESS_BENCH_BIN=PATH` times another build of the binary (an
//! earlier one, for a before-and-after).

#[path = "../tests/support/statement_pdfs.rs"]
mod statement_pdfs;

#[path = "support/quick.rs"]
mod quick;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use casepress::store::{Layout, Modes, Records};
use statement_pdfs::{Layout as PdfLayout, Statement, statement_pdf};

fn binary() -> PathBuf {
    std::env::var_os("CASEPRESS_BENCH_BIN")
        .map_or_else(|| env!("CARGO_BIN_EXE_casepress").into(), PathBuf::from)
}

fn casepress(root: &Path, args: &[&str]) -> (f64, String) {
    let started = Instant::now();
    let out = Command::new(binary()).args(args).current_dir(root).output().unwrap();
    let took = started.elapsed().as_secs_f64();
    assert!(out.status.code().is_some_and(|c| c < 2), "{}", String::from_utf8_lossy(&out.stderr));
    (took, String::from_utf8_lossy(&out.stdout).into_owned())
}

fn main() {
    let lines = quick::size(100_000, 1_000);
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    fs::create_dir_all(root.join("inbox")).unwrap();
    let config = fs::read_to_string(samples.join("casepress.toml"))
        .unwrap()
        .replace("output = \"../out\"", "output = \"out\"")
        .replace("inbox = \"../out/inbox\"", "inbox = \"inbox\"")
        .replace("sample_inbox = \"inbox\"\n", "")
        .replace("cases = [\"cases\"]", &format!("cases = [{:?}]", samples.join("cases")));
    fs::write(root.join("casepress.toml"), config).unwrap();

    // Real lines: a plain statement, a Safety Link one, an unidentified one.
    let mut plain = Statement::new("MOMO-S1", "Jay", "14/06/2009", "20/11/2026 21:40");
    plain.words = "A plain statement.".into();
    let mut safety = Statement::new("MOMO-S2", "Jay", "14/06/2009", "20/11/2026 21:40");
    safety.safety_link = true;
    let nobody = Statement::new("MOMO-S3", "Nobody", "01/01/2011", "21/11/2026 10:15");
    for (name, s) in [("a.pdf", &plain), ("b.pdf", &safety), ("c.pdf", &nobody)] {
        fs::write(root.join("inbox").join(name), statement_pdf(s, PdfLayout::Lines)).unwrap();
    }
    casepress(root, &["statements", "file", "--now", "2026-11-23 11:00"]);
    let ledger_path = root.join("out/statements/ledger.jsonl");
    let real: Vec<serde_json::Value> =
        fs::read_to_string(&ledger_path).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let template = |statement: &str, stage: &str| {
        real.iter()
            .find(|l| l["stage"] == stage && l["decision"]["fields"]["statement_id"] == statement)
            .unwrap_or_else(|| panic!("{statement} {stage} in the ledger"))
            .clone()
    };
    let pairs = [
        (template("MOMO-S1", "begun"), template("MOMO-S1", "done")),
        (template("MOMO-S2", "begun"), template("MOMO-S2", "done")),
        (template("MOMO-S3", "begun"), template("MOMO-S3", "done")),
    ];

    // The long ledger: each statement begun, then done.
    let statements = lines / 2;
    let mut out = std::io::BufWriter::new(fs::File::create(&ledger_path).unwrap());
    let mut safety_links = 0;
    for n in 0..statements {
        let kind = if n.is_multiple_of(10) {
            safety_links += 1;
            1
        } else if n % 50 == 1 {
            2
        } else {
            0
        };
        for line in [&pairs[kind].0, &pairs[kind].1] {
            let mut line = line.clone();
            line["decision"]["sha256"] = format!("{n:064x}").into();
            serde_json::to_writer(&mut out, &line).unwrap();
            out.write_all(b"\n").unwrap();
        }
    }
    out.into_inner().unwrap().sync_all().unwrap();
    let bytes = fs::metadata(&ledger_path).unwrap().len();
    println!("ledger: {} lines, {} statements, {:.1} MB", statements * 2, statements, bytes as f64 / 1e6);

    let (took, _) = casepress(root, &["statements", "file", "--now", "2026-11-23 11:00"]);
    println!(
        "statements file over an empty inbox (the filer reads the ledger, writes its index): {took:.2} s"
    );
    let mut best = f64::MAX;
    for _ in 0..quick::rounds(5) {
        let (took, text) = casepress(root, &["statements", "status"]);
        assert!(text.contains(&format!("Safety Link escalations: {safety_links}\n")), "{text}");
        best = best.min(took);
    }
    println!(
        "statements status, {} ledger lines: {best:.3} s (best of {})",
        statements * 2,
        quick::rounds(5)
    );

    // In this process: the board's read, against a whole read of every decision.
    let records = Records::new(Layout::new(root.join("out")), Modes::default());
    let started = Instant::now();
    let (filed, damaged) = casepress::statements::ledger::filed_statements(&records).unwrap();
    let board = started.elapsed().as_secs_f64();
    assert_eq!((filed.len(), damaged.len()), (statements, 0));
    let started = Instant::now();
    let whole = casepress::statements::ledger::filed_into(&records, "NYJS-2026-0117").unwrap();
    let read_whole = started.elapsed().as_secs_f64();
    assert!(!whole.is_empty());
    println!(
        "the board's read (filed_statements): {board:.3} s; every decision read whole: {read_whole:.3} s"
    );
}
