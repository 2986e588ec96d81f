//! Shared test helpers: a case builder, a press writing into a temp dir,
//! and PDF text extraction.

#![allow(dead_code, reason = "each test crate uses a different subset")]

pub mod geometry;
pub mod tools;
pub mod web;

use std::path::{Path, PathBuf};

use casepress::batch::{self, BatchReport, Cases, KindSelection, RenderOptions, Workers};
use casepress::case::{Case, parse_bytes};
use casepress::config::Config;
use casepress::press::Press;
use chrono::NaiveDate;

/// The repository's `samples/` folder.
pub fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples")
}

/// The date every test renders on.
pub fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

/// The sample service config, writing under `out`.
pub fn sample_config(out: &Path) -> Config {
    let mut config = Config::load(&samples().join("casepress.toml")).unwrap();
    config.paths.output = out.to_owned();
    config
}

/// A press with the sample service config, writing under `out`.
pub fn press(out: &Path) -> Press {
    Press::new(sample_config(out)).unwrap()
}

/// Render options for drafts of the applicable kinds on [`day`].
pub fn drafts() -> RenderOptions {
    RenderOptions {
        kinds: KindSelection::Applicable,
        final_: false,
        date: day(),
        force: false,
        jobs: 2,
        typst_dir: None,
    }
}

/// Renders `inputs` with `opts` on threads of this process, ignoring progress.
pub fn render(press: &Press, inputs: &[PathBuf], opts: &RenderOptions) -> BatchReport {
    batch::render(press, Cases::Paths(inputs), opts, &Workers::Threads, &batch::NoProgress).unwrap()
}

/// A minimal valid case as JSON, to extend with `serde_json` edits.
pub fn minimal_json(case_id: &str) -> serde_json::Value {
    serde_json::json!({
        "schema": "casepress/case/v1",
        "case_id": case_id,
        "child": {"first_name": "Sam", "last_name": "Lee", "date_of_birth": "2010-03-21"},
        "case_manager": {"name": "Ann Case"},
        "team": "North"
    })
}

/// Parses case JSON into a [`Case`].
pub fn case_from(json: &serde_json::Value) -> Case {
    let text = serde_json::to_vec(json).unwrap();
    parse_bytes(&text, Path::new("test.json")).remove(0).unwrap().case
}

/// The text of every page of a PDF, as lopdf extracts it.
pub fn pdf_text(pdf: &Path) -> String {
    let doc = lopdf::Document::load(pdf).unwrap_or_else(|e| panic!("{}: {e}", pdf.display()));
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    doc.extract_text(&pages).unwrap()
}

/// Text with all whitespace (and the zero-width break opportunities added
/// to very long words) removed: line breaks fall anywhere in a PDF.
pub fn squash(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace() && *c != '\u{200B}').collect()
}

/// Every file under `dir`, sorted.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    files.sort();
    files
}

/// Whether the PDF's ToUnicode maps (which make text searchable and
/// extractable) carry `text`, char by char. lopdf's own extraction cannot
/// read Type 3 (colour emoji) fonts or multi-character glyph clusters
/// (Indic conjuncts), so those are checked here instead.
pub fn to_unicode_carries(pdf: &[u8], text: &str) -> bool {
    let doc = lopdf::Document::load_mem(pdf).unwrap();
    let mut maps = String::new();
    for object in doc.objects.values() {
        if let Ok(stream) = object.as_stream() {
            let content = stream.decompressed_content().unwrap_or_else(|_| stream.content.clone());
            let content = String::from_utf8_lossy(&content);
            if content.contains("beginbfchar") || content.contains("beginbfrange") {
                maps.push_str(&content.to_uppercase());
            }
        }
    }
    text.chars().filter(|c| !c.is_whitespace()).all(|c| {
        let mut units = [0u16; 2];
        let hex: String = c.encode_utf16(&mut units).iter().map(|u| format!("{u:04X}")).collect();
        maps.contains(&hex)
    })
}

/// The sample Y2A case's risk summary submitted, signed off by the line
/// manager and made final, step by step on the command line (with
/// `--config`), on 24 November 2026.
pub const RISK_SUMMARY_SIGNED_OFF: [&[&str]; 3] = [
    &["submit", "NYJS-2026-0088", "risk-summary", "--by", "Tom Ashworth", "--now", "2026-11-24 09:00"],
    &[
        "review",
        "NYJS-2026-0088",
        "risk-summary",
        "--by",
        "Ruth Okafor",
        "--agree",
        "--now",
        "2026-11-24 10:00",
    ],
    &[
        "final",
        "NYJS-2026-0088",
        "risk-summary",
        "--by",
        "Tom Ashworth",
        "--date",
        "2026-11-24",
        "--now",
        "2026-11-24 11:00",
    ],
];

/// The board's figures for `quarter` of `cases` (with this board
/// attendance), with no statements, targets or recorded steps, under the
/// default rules: how the board tests compute a pack.
pub fn board_figures(
    cases: &[Case],
    attendance: &[casepress::board::national::Attendance],
    quarter: casepress::board::Quarter,
) -> Vec<casepress::board::Figure> {
    let calendar = casepress::rules::WorkingCalendar::default();
    let input = casepress::board::BoardInput {
        cases,
        statements: &[],
        calendar: &calendar,
        targets: &[],
        rules: &casepress::rules::Settings::default(),
        policy: "Northfield YJS practice standards",
        records: &Default::default(),
        attendance,
    };
    casepress::board::compute(&input, quarter)
}

/// Runs `casepress board` on the samples for 2026-Q2 as of 23 November
/// 2026, writing under `out`, with `extra` arguments; returns the pack's
/// folder. Any exit above 1 fails the test.
pub fn sample_board(out: &Path, extra: &[&std::ffi::OsStr]) -> PathBuf {
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_casepress"))
        .args([
            "board",
            "--config",
            "samples/casepress.toml",
            "--quarter",
            "2026-Q2",
            "--today",
            "2026-11-23",
        ])
        .arg("--out")
        .arg(out)
        .args(extra)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .status()
        .unwrap();
    assert!(status.code().is_some_and(|c| c < 2), "board: {status}");
    out.join("board/2026-Q2")
}
