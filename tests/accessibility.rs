//! Accessible papers, read back from the PDFs with lopdf: every kind
//! declares PDF/A-2a and PDF/UA-1; label columns are row headers; the
//! OFFICIAL-SENSITIVE and DRAFT markings are in the content (not only in
//! page furniture); words in another script carry their language; board
//! charts have a text alternative; a logo without one is refused.
//! (`.ci/run` also validates every sample PDF with veraPDF's rules.)

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use casepress::batch::{KindSelection, RenderOptions};
use casepress::documents::DocumentKind;
use common::{press, render, samples, squash};
use lopdf::{Dictionary, Document, Object};

/// What a screen reader is given: the structure tree and the text.
#[derive(Debug, Default)]
struct Reading {
    /// Role → count.
    roles: BTreeMap<String, usize>,
    /// Header cells with `Scope /Row`.
    row_headers: usize,
    /// Alternative texts.
    alts: Vec<String>,
    /// Languages named in the structure tree or marked content.
    langs: Vec<String>,
    /// Text in tagged content.
    tagged: String,
    /// Text in artifacts (page furniture).
    artifacts: String,
}

fn resolve<'a>(doc: &'a Document, o: &'a Object) -> &'a Object {
    match o {
        Object::Reference(r) => doc.get_object(*r).unwrap_or(o),
        _ => o,
    }
}

fn text_of(o: &Object) -> String {
    match o {
        Object::String(bytes, _) => {
            if bytes.starts_with(&[0xFE, 0xFF]) {
                let units: Vec<u16> = bytes[2..]
                    .chunks(2)
                    .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
                    .collect();
                String::from_utf16_lossy(&units)
            } else {
                String::from_utf8_lossy(bytes).into_owned()
            }
        }
        Object::Name(n) => String::from_utf8_lossy(n).into_owned(),
        _ => String::new(),
    }
}

fn walk(doc: &Document, node: &Object, out: &mut Reading, depth: usize) {
    if depth > 200 {
        return;
    }
    match resolve(doc, node) {
        Object::Array(items) => items.iter().for_each(|i| walk(doc, i, out, depth + 1)),
        Object::Dictionary(d) => walk_elem(doc, d, out, depth),
        _ => {}
    }
}

fn walk_elem(doc: &Document, d: &Dictionary, out: &mut Reading, depth: usize) {
    if let Ok(role) = d.get(b"S") {
        let role = text_of(role);
        *out.roles.entry(role.clone()).or_default() += 1;
        if role == "TH" {
            let attrs = d.get(b"A").map(|a| resolve(doc, a).clone()).ok();
            let dicts: Vec<Dictionary> = match attrs {
                Some(Object::Dictionary(a)) => vec![a],
                Some(Object::Array(a)) => {
                    a.iter().filter_map(|x| resolve(doc, x).as_dict().ok().cloned()).collect()
                }
                _ => Vec::new(),
            };
            if dicts.iter().any(|a| a.get(b"Scope").ok().map(text_of).as_deref() == Some("Row")) {
                out.row_headers += 1;
            }
        }
        if let Ok(alt) = d.get(b"Alt") {
            out.alts.push(text_of(resolve(doc, alt)));
        }
        if let Ok(lang) = d.get(b"Lang") {
            out.langs.push(text_of(resolve(doc, lang)));
        }
    }
    if let Ok(k) = d.get(b"K") {
        walk(doc, k, out, depth + 1);
    }
}

/// Reads a PDF as assistive technology would be given it.
fn read(bytes: &[u8]) -> Reading {
    let doc = Document::load_mem(bytes).unwrap();
    let mut out = Reading::default();
    let catalog = doc.catalog().unwrap();
    let root = catalog.get(b"StructTreeRoot").expect("a tagged PDF");
    walk(&doc, root, &mut out, 0);
    for (_, page_id) in doc.get_pages() {
        let fonts = doc.get_page_fonts(page_id).unwrap();
        let encodings: BTreeMap<Vec<u8>, lopdf::Encoding> = fonts
            .into_iter()
            .filter_map(|(name, font)| Some((name, font.get_font_encoding(&doc).ok()?)))
            .collect();
        let content = doc.get_and_decode_page_content(page_id).unwrap();
        let mut stack: Vec<bool> = Vec::new();
        let mut font = None;
        for op in &content.operations {
            match op.operator.as_str() {
                "BDC" | "BMC" => {
                    let artifact = op.operands.first().map(text_of).as_deref() == Some("Artifact");
                    let inside = stack.last().copied().unwrap_or(false);
                    stack.push(artifact || inside);
                    if let Some(props) = op.operands.get(1).and_then(|p| p.as_dict().ok())
                        && let Ok(lang) = props.get(b"Lang")
                    {
                        out.langs.push(text_of(lang));
                    }
                }
                "EMC" => {
                    stack.pop();
                }
                "Tf" => {
                    font = op.operands.first().and_then(|f| f.as_name().ok()).and_then(|n| encodings.get(n))
                }
                "Tj" | "TJ" => {
                    let Some(encoding) = font else { continue };
                    let strings: Vec<&Object> = match op.operands.first() {
                        Some(Object::Array(items)) => items.iter().collect(),
                        Some(o) => vec![o],
                        None => Vec::new(),
                    };
                    let target = if stack.last().copied().unwrap_or(false) {
                        &mut out.artifacts
                    } else {
                        &mut out.tagged
                    };
                    for s in strings {
                        if let Object::String(bytes, _) = s {
                            target.push_str(&Document::decode_text(encoding, bytes).unwrap_or_default());
                        }
                    }
                    target.push(' ');
                }
                _ => {}
            }
        }
    }
    out
}

/// What a PDF declares: its XMP, language and viewer preferences.
fn assert_declares_a2a_and_ua1(bytes: &[u8], what: &str) {
    let raw = String::from_utf8_lossy(bytes);
    for claim in [
        "<pdfaid:part>2</pdfaid:part>",
        "<pdfaid:conformance>A</pdfaid:conformance>",
        "<pdfuaid:part>1</pdfuaid:part>",
    ] {
        assert!(raw.contains(claim), "{what}: XMP lacks {claim}");
    }
    let doc = Document::load_mem(bytes).unwrap();
    let catalog = doc.catalog().unwrap();
    assert_eq!(catalog.get(b"Lang").map(text_of).unwrap(), "en-GB", "{what}");
    let prefs = resolve(&doc, catalog.get(b"ViewerPreferences").unwrap()).as_dict().unwrap();
    assert_eq!(prefs.get(b"DisplayDocTitle").unwrap(), &Object::Boolean(true), "{what}: DisplayDocTitle");
    let mark = resolve(&doc, catalog.get(b"MarkInfo").unwrap()).as_dict().unwrap();
    assert_eq!(mark.get(b"Marked").unwrap(), &Object::Boolean(true), "{what}: Marked");
}

fn markings(reading: &Reading, draft: bool, what: &str) {
    let tagged = squash(&reading.tagged);
    assert_eq!(
        tagged.matches("OFFICIAL-SENSITIVE").count(),
        1,
        "{what}: the marking stated once in the content"
    );
    assert!(squash(&reading.artifacts).contains("OFFICIAL-SENSITIVE"), "{what}: and in the page furniture");
    assert_eq!(tagged.contains("·DRAFT"), draft, "{what}: DRAFT in the content exactly when a draft");
}

#[test]
fn every_kind_of_case_document_is_pdf_a_2a_and_pdf_ua_1_and_reads_aloud_as_it_reads() {
    let tmp = tempfile::tempdir().unwrap();
    let press = press(tmp.path());
    let written = |case: &str, kinds: Vec<DocumentKind>| {
        let opts = RenderOptions {
            kinds: KindSelection::These { kinds, required_forms: false },
            ..common::drafts()
        };
        let report = render(&press, &[samples().join("cases").join(case)], &opts);
        report
            .items
            .iter()
            .map(|i| match &i.outcome {
                casepress::batch::Outcome::Written { path, .. } => {
                    (path.clone(), case == "hostile-and-non-latin.json")
                }
                other => panic!("{case}: {other:?}"),
            })
            .collect::<Vec<_>>()
    };
    // Every kind for the case with names in other scripts; the progress
    // report from the case that has one.
    let others: Vec<DocumentKind> =
        DocumentKind::ALL.into_iter().filter(|k| *k != DocumentKind::ProgressReport).collect();
    let mut written = written("hostile-and-non-latin.json", others);
    written.extend(written_progress(&press));
    assert_eq!(written.len(), DocumentKind::ALL.len());
    for (path, other_scripts) in &written {
        let what = path.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = fs::read(path).unwrap();
        assert_declares_a2a_and_ua1(&bytes, &what);
        let reading = read(&bytes);
        assert!(
            reading.row_headers >= 2,
            "{what}: label columns are row headers ({} found)",
            reading.row_headers
        );
        markings(&reading, true, &what);
        // The child's first name is Arabic script, their language recorded
        // as "Arabic, Tigrinya … and English".
        if *other_scripts {
            assert!(
                reading.langs.iter().any(|l| l == "ar"),
                "{what}: the Arabic name carries its language: {:?}",
                reading.langs
            );
        }
    }
}

fn written_progress(press: &casepress::press::Press) -> Vec<(std::path::PathBuf, bool)> {
    let opts = RenderOptions {
        kinds: KindSelection::These { kinds: vec![DocumentKind::ProgressReport], required_forms: false },
        ..common::drafts()
    };
    render(press, &[samples().join("cases/progress-report.json")], &opts)
        .items
        .iter()
        .map(|i| match &i.outcome {
            casepress::batch::Outcome::Written { path, .. } => (path.clone(), false),
            other => panic!("{other:?}"),
        })
        .collect()
}

#[test]
fn the_board_paper_safety_link_notice_and_cover_letter_are_accessible_too() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    copy_dir(&samples(), &dir.join("samples"));
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_casepress"))
        .args(["run", "samples/casepress.toml", "--now", "2026-11-23 11:00"])
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        run.status.code() == Some(0) || run.status.code() == Some(1),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let out = dir.join("out");
    let board = fs::read(out.join("board/2026-Q2/board-report.pdf")).unwrap();
    assert_declares_a2a_and_ua1(&board, "board report");
    let reading = read(&board);
    let charts: Vec<&String> = reading.alts.iter().filter(|a| a.starts_with("Bar chart")).collect();
    assert_eq!(charts.len(), 2, "{:?}", reading.alts);
    assert!(charts.iter().all(|a| a.contains("table below")), "each chart points to its table: {charts:?}");
    markings(&reading, false, "board report");

    let notices: Vec<_> = common::files_under(&out.join("escalations"));
    assert!(!notices.is_empty());
    for n in notices {
        let bytes = fs::read(&n).unwrap();
        assert_declares_a2a_and_ua1(&bytes, "Safety Link notice");
        assert!(read(&bytes).row_headers >= 2, "Safety Link notice: row headers");
    }

    // A transfer: its cover letter and case history.
    let export = std::process::Command::new(env!("CARGO_BIN_EXE_casepress"))
        .args([
            "export",
            "NYJS-2026-0117",
            "--purpose",
            "transfer",
            "--include-drafts",
            "--date",
            "2026-11-23",
        ])
        .args(["--config", "samples/casepress.toml"])
        .current_dir(dir)
        .output()
        .unwrap();
    assert_eq!(export.status.code(), Some(0), "{}", String::from_utf8_lossy(&export.stdout));
    let bundle = common::files_under(&out.join("exports")).into_iter().next().expect("a transfer bundle");
    let mut zip = zip::ZipArchive::new(fs::File::open(bundle).unwrap()).unwrap();
    for (name, what) in [("cover-letter.pdf", "cover letter"), ("case-history.pdf", "case history")] {
        let mut pdf = Vec::new();
        std::io::Read::read_to_end(&mut zip.by_name(name).unwrap(), &mut pdf).unwrap();
        assert_declares_a2a_and_ua1(&pdf, what);
        if what == "case history" {
            // The letter also asks, in words, that the bundle be kept OFFICIAL-SENSITIVE.
            markings(&read(&pdf), false, what);
        }
    }
}

#[test]
fn a_logo_needs_its_text_alternative_and_then_carries_it() {
    let tmp = tempfile::tempdir().unwrap();
    let logo = tmp.path().join("logo.svg");
    fs::write(&logo, r#"<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="navy"/></svg>"#).unwrap();
    let mut config = common::sample_config(tmp.path());
    config.service.logo = Some(logo);
    let refused =
        casepress::press::Press::new(config.clone()).err().expect("no logo without its text alternative");
    assert!(refused.to_string().contains("logo_alt"), "{refused}");
    config.service.logo_alt = Some("Northfield Youth Justice Service".into());
    let press = casepress::press::Press::new(config).unwrap();
    let report = render(&press, &[samples().join("cases/referral-order.json")], &common::drafts());
    let casepress::batch::Outcome::Written { path, .. } = &report.items[0].outcome else {
        panic!("{report:?}")
    };
    let reading = read(&fs::read(path).unwrap());
    assert!(reading.alts.iter().any(|a| a == "Northfield Youth Justice Service"), "{:?}", reading.alts);
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let dest = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            fs::create_dir_all(&dest).unwrap();
        } else {
            fs::copy(entry.path(), &dest).unwrap();
        }
    }
}
