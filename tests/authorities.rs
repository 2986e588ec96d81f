//! No other authority is named where a reader sees it: the sample main job,
//! its exports and `check` cite the service's own practice standards, never
//! the councils whose public guidance the rules were read from
//! (`docs/sources.md` keeps that mapping). PDFs are read with pdftotext.

mod common;
#[path = "support/statement_pdfs.rs"]
mod statement_pdfs;

use std::collections::BTreeSet;
use std::fs;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Output};

use common::*;

/// The authorities `docs/sources.md` names as publishers of guidance.
const AUTHORITIES: [&str; 10] = [
    "Derbyshire",
    "Bradford",
    "Wolverhampton",
    "Salford",
    "Kent",
    "Hillingdon",
    "Bromley",
    "Gwent",
    "Norfolk",
    "Sefton",
];

fn casepress(args: &[&str], cwd: &Path) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_casepress")).args(args).current_dir(cwd).output().unwrap();
    assert!(out.status.code().is_some_and(|c| c < 2), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    out
}

/// Every authority the sources name as the publisher of a local document:
/// "X Youth Justice Service", "X Youth Offending Service", "City of X",
/// "Borough of X", "X MAPPA", "X YOT".
fn authorities_in_sources() -> BTreeSet<String> {
    let text = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/sources.md")).unwrap();
    let word = |w: &str| w.trim_matches(|c: char| !c.is_alphanumeric()).to_owned();
    let words: Vec<String> = text.split_whitespace().map(word).collect();
    let mut found = BTreeSet::new();
    for (i, pair) in words.windows(4).enumerate() {
        let before = if i > 0 { words[i - 1].as_str() } else { "" };
        let candidate = match [pair[0].as_str(), pair[1].as_str(), pair[2].as_str(), pair[3].as_str()] {
            // "Sefton Council, Youth Justice Service Update": the council's name.
            ["Council", "Youth", "Justice" | "Offending", "Service"] => before,
            [name, "Youth", "Justice" | "Offending", "Service"] => name,
            // Not "The MAPPA process" nor "Probation Service, MAPPA Guidance".
            [name, "MAPPA" | "YOT", ..] if !matches!(name, "The" | "Service") => name,
            ["of", name, ..] if matches!(before, "City" | "Borough") => name,
            _ => continue,
        };
        if candidate.chars().next().is_some_and(char::is_uppercase) {
            found.insert(candidate.to_owned());
        }
    }
    found
}

fn pdftotext(pdf: &Path) -> String {
    let out = Command::new(common::tools::pdftotext()).arg(pdf).arg("-").output().unwrap();
    assert!(out.status.success(), "{}: {}", pdf.display(), String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The text of a file as a reader gets it: a PDF through pdftotext, a zip
/// member by member, anything else as text.
fn readable(name: &str, bytes: &[u8], scratch: &Path) -> Vec<(String, String)> {
    if name.ends_with(".pdf") {
        let path = scratch.join("read.pdf");
        fs::write(&path, bytes).unwrap();
        return vec![(name.to_owned(), pdftotext(&path))];
    }
    if name.ends_with(".zip") {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut out = Vec::new();
        for i in 0..zip.len() {
            let mut member = zip.by_index(i).unwrap();
            let inner = format!("{name}!{}", member.name().unwrap());
            let mut content = Vec::new();
            member.read_to_end(&mut content).unwrap();
            drop(member);
            out.extend(readable(&inner, &content, scratch));
        }
        return out;
    }
    vec![(name.to_owned(), String::from_utf8_lossy(bytes).into_owned())]
}

fn names_in(text: &str) -> Vec<&'static str> {
    let words: BTreeSet<&str> = text.split(|c: char| !c.is_alphanumeric()).collect();
    AUTHORITIES.into_iter().filter(|a| words.contains(a)).collect()
}

#[test]
fn the_sources_name_exactly_the_authorities_this_test_looks_for() {
    let found = authorities_in_sources();
    let listed: BTreeSet<String> = AUTHORITIES.iter().map(|a| (*a).to_owned()).collect();
    assert_eq!(found, listed, "docs/sources.md names these authorities: keep AUTHORITIES in step");
}

#[test]
#[ignore = "needs pdftotext (poppler-utils): bash .ci/test installs it"]
fn the_sample_run_its_exports_and_check_name_no_other_authority() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    for folder in ["cases", "caseload"] {
        fs::create_dir_all(dir.join("samples").join(folder)).unwrap();
        for entry in fs::read_dir(samples().join(folder)).unwrap().flatten() {
            fs::copy(entry.path(), dir.join("samples").join(folder).join(entry.file_name())).unwrap();
        }
    }
    statement_pdfs::write_sample_inbox(&dir.join("samples/inbox"));
    fs::copy(samples().join("casepress.toml"), dir.join("samples/casepress.toml")).unwrap();
    fs::copy(samples().join("board-attendance.csv"), dir.join("samples/board-attendance.csv")).unwrap();
    let config = ["--config", "samples/casepress.toml"];

    // The README's main job, then the exports a service would make after it.
    let mut said = Vec::new();
    let run = ["run", "samples/casepress.toml", "--date", "2026-11-23", "--now", "2026-11-23 11:00"];
    let out = casepress(&run, dir);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    said.push(("run".to_owned(), String::from_utf8_lossy(&out.stdout).into_owned()));
    for step in
        RISK_SUMMARY_SIGNED_OFF.iter().copied().chain([
            &["export", "NYJS-2026-0088", "--purpose", "y2a", "--include-drafts", "--date", "2026-11-24"],
            &[
                "export",
                "NYJS-2026-0117",
                "--purpose",
                "transfer",
                "--include-drafts",
                "--date",
                "2026-11-24",
            ][..],
        ])
    {
        let out = casepress(&[step, &config[..]].concat(), dir);
        assert_eq!(out.status.code(), Some(0), "{step:?}: {}", String::from_utf8_lossy(&out.stdout));
    }
    let out = casepress(&[&run[..], &["--json"]].concat(), dir);
    said.push(("run --json".to_owned(), String::from_utf8_lossy(&out.stdout).into_owned()));
    for json in [&[][..], &["--json"]] {
        let check = ["check", "samples/cases", "samples/caseload", "--today", "2026-11-23"];
        let out = casepress(&[&check[..], &config, json].concat(), dir);
        said.push((format!("check {json:?}"), String::from_utf8_lossy(&out.stdout).into_owned()));
    }

    // Everything casepress wrote; the inbox and the unreadable quarantine
    // hold files as they arrived.
    let out_dir = dir.join("out");
    let scratch = tempfile::tempdir().unwrap();
    let mut read = said;
    for file in files_under(&out_dir) {
        let rel = file.strip_prefix(&out_dir).unwrap().to_string_lossy().into_owned();
        if rel.starts_with("inbox/") || rel.starts_with("quarantine/unreadable/") || rel.ends_with("lock") {
            continue;
        }
        read.extend(readable(&rel, &fs::read(&file).unwrap(), scratch.path()));
    }
    let looked_at: Vec<&str> = read.iter().map(|(n, _)| n.as_str()).collect();
    for expected in [
        "board/2026-Q2/board-report.pdf",
        "board/2026-Q2/figures.json",
        "board/2026-Q2/figures.csv",
        "board/2026-Q2/board-pack.zip!figures.json",
        "exports/NYJS-2026-0088_y2a_2026-11-24.zip!cover-letter.pdf",
        "exports/NYJS-2026-0117_transfer_2026-11-24.zip!case-history.pdf",
    ] {
        assert!(looked_at.contains(&expected), "{expected} was not read: {looked_at:#?}");
    }
    assert!(looked_at.iter().any(|n| n.ends_with(".duty-officer-note.txt")), "{looked_at:#?}");
    let board = &read.iter().find(|(n, _)| n == "board/2026-Q2/board-report.pdf").unwrap().1;
    assert!(squash(board).contains("NorthfieldYJSpracticestandards,gatekeepingofcourtreports"), "{board}");

    let named: Vec<String> = read
        .iter()
        .flat_map(|(name, text)| names_in(text).into_iter().map(move |a| format!("{name}: {a}")))
        .collect();
    assert!(named.is_empty(), "another authority named where a reader sees it:\n{}", named.join("\n"));
}
