//! `casepress import`: the two sample mappings end to end (import, `check`
//! passes, a second import changes nothing), a re-import after the writer's
//! work, and the spreadsheet quirks one by one.

mod common;
#[path = "support/extracts.rs"]
mod extracts;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use casepress::config::Config;
use casepress::import::{ImportOptions, ImportReport, Outcome, import};
use serde_json::Value;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_casepress"))
}

fn import_dir() -> PathBuf {
    common::samples().join("import")
}

/// The committed samples are what the generator makes (or are rewritten
/// by it with `CASEPRESS_UPDATE_SAMPLES=1`).
#[test]
fn samples_are_current() {
    let update = std::env::var_os("CASEPRESS_UPDATE_SAMPLES").is_some();
    let children = extracts::children(200);
    for (name, bytes) in extracts::childview(&children) {
        let path = import_dir().join("childview").join(name);
        if update {
            fs::write(&path, &bytes).unwrap();
        }
        assert_eq!(fs::read(&path).unwrap(), bytes, "{name} is not what the generator makes");
    }
    let tmp = tempfile::tempdir().unwrap();
    let made = tmp.path().join("Youth_Extract.xlsx");
    extracts::caredirector(&children[..24], &made);
    let path = import_dir().join("caredirector").join("Youth_Extract.xlsx");
    if update {
        fs::copy(&made, &path).unwrap();
    }
    assert!(path.exists());
}

fn config_in(root: &Path) -> PathBuf {
    let text = fs::read_to_string(common::samples().join("casepress.toml"))
        .unwrap()
        .replace("output = \"../out\"", "output = \"out\"")
        .replace("sample_inbox = \"inbox\"\n", "");
    let path = root.join("casepress.toml");
    fs::write(&path, text).unwrap();
    path
}

fn run_import(config: &Path, mapping: &Path, extracts: &[PathBuf], out: &Path) -> (i32, String) {
    let o = bin()
        .arg("import")
        .arg("--config")
        .arg(config)
        .arg("--mapping")
        .arg(mapping)
        .args(extracts)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    (o.status.code().unwrap_or(-1), text)
}

fn files_in(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().and_then(|e| e.to_str()) == Some(ext))
        .collect();
    files.sort();
    files
}

#[test]
fn both_sample_mappings_import_and_the_cases_pass_check() {
    for (mapping, count) in [("childview", 200), ("caredirector", 24)] {
        let tmp = tempfile::tempdir().unwrap();
        let config = config_in(tmp.path());
        let out = tmp.path().join("cases");
        let dir = import_dir().join(mapping);
        let extracts: Vec<PathBuf> =
            files_in(&dir, "csv").into_iter().chain(files_in(&dir, "xlsx")).collect();
        let (code, text) = run_import(&config, &dir.join("mapping.toml"), &extracts, &out);
        assert_eq!(code, 0, "{mapping}: {text}");
        assert!(text.contains(&format!("{count} created, 0 updated")), "{mapping}: {text}");
        let cases = files_in(&out, "json");
        assert_eq!(cases.len(), count, "{mapping}");
        let check = bin().arg("check").arg(&out).args(["--today", "2026-11-30", "--config"]).arg(&config).output().unwrap();
        assert!(
            check.status.success(),
            "{mapping}: check: {}",
            String::from_utf8_lossy(&check.stdout).lines().filter(|l| l.contains("OVERDUE") || l.contains("invalid") || l.contains("error")).take(20).collect::<Vec<_>>().join("\n")
        );
        // Deterministic, and a second import of the same extract changes nothing.
        let before: Vec<Vec<u8>> = cases.iter().map(|c| fs::read(c).unwrap()).collect();
        let (code, text) = run_import(&config, &dir.join("mapping.toml"), &extracts, &out);
        assert_eq!(code, 0, "{text}");
        assert!(text.contains(&format!("0 created, 0 updated, {count} unchanged")), "{text}");
        let after: Vec<Vec<u8>> = cases.iter().map(|c| fs::read(c).unwrap()).collect();
        assert_eq!(before, after);
    }
}
