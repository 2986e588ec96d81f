//! A temporary service for filing tests: the sample config and cases, an
//! inbox, an output root, and the binary run against them.

#![allow(dead_code, reason = "each test crate uses a different subset")]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::common::*;

pub const NOW: &str = "2026-11-23 11:00";

/// A temp workspace: the sample config and cases, an inbox, an output root.
pub struct Workspace {
    pub dir: tempfile::TempDir,
}

impl Workspace {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("inbox")).unwrap();
        let config = fs::read_to_string(samples().join("casepress.toml"))
            .unwrap()
            .replace("output = \"../out\"", "output = \"out\"")
            .replace("inbox = \"../out/inbox\"", "inbox = \"inbox\"")
            .replace("sample_inbox = \"inbox\"\n", "")
            .replace("cases = [\"cases\"]", &format!("cases = [{:?}]", samples().join("cases")));
        fs::write(dir.path().join("casepress.toml"), config).unwrap();
        fs::copy(samples().join("board-attendance.csv"), dir.path().join("board-attendance.csv")).unwrap();
        Self { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn inbox(&self) -> PathBuf {
        self.path().join("inbox")
    }

    pub fn out(&self) -> PathBuf {
        self.path().join("out")
    }

    pub fn put(&self, name: &str, bytes: &[u8]) {
        fs::write(self.inbox().join(name), bytes).unwrap();
    }

    pub fn file(&self, env: &[(&str, &str)]) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_casepress"));
        cmd.args(["statements", "file", "--now", NOW, "--json"]).current_dir(self.path());
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.output().unwrap()
    }

    pub fn report(&self) -> serde_json::Value {
        let out = self.file(&[]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    }

    /// Every file under the output root except the ledger and lock, with its bytes.
    pub fn outputs(&self) -> BTreeMap<PathBuf, Vec<u8>> {
        files_under(&self.out())
            .into_iter()
            .filter(|p| !p.starts_with(self.out().join("statements")))
            .map(|p| (p.strip_prefix(self.out()).unwrap().to_owned(), fs::read(&p).unwrap()))
            .collect()
    }
}

/// What must hold after any sequence of crashes and a final complete run.
pub fn assert_consistent(ws: &Workspace, expected_filed: usize) {
    let remaining: Vec<_> = fs::read_dir(ws.inbox()).unwrap().flatten().map(|e| e.file_name()).collect();
    assert!(remaining.is_empty(), "inbox not emptied: {remaining:?}");
    let out = ws.out();
    let filed: Vec<PathBuf> = files_under(&out)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "pdf") && !p.starts_with(out.join("escalations")))
        .collect();
    let mut by_hash = BTreeMap::new();
    for p in &filed {
        assert!(
            !p.file_name().unwrap().to_string_lossy().starts_with('.'),
            "temporary file left: {}",
            p.display()
        );
        *by_hash.entry(store_sha(p)).or_insert(0) += 1;
    }
    assert_eq!(by_hash.len(), expected_filed, "every statement filed: {filed:#?}");
    assert!(by_hash.values().all(|n| *n == 1), "none filed twice: {filed:#?}");
    for case in fs::read_dir(out.join("cases")).unwrap().flatten() {
        let log = fs::read_to_string(case.path().join("case-log.jsonl")).unwrap_or_default();
        let mut ids: Vec<_> = log
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .map(|v| v["sha256"].clone())
            .collect();
        let n = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), n, "one receipt per statement in {}", case.path().display());
        for entry in log.lines().filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok()) {
            let file = case.path().join("statements").join(entry["file"].as_str().unwrap());
            assert_eq!(
                store_sha(&file),
                entry["sha256"].as_str().unwrap(),
                "logged statement on disk and intact"
            );
        }
    }
}

/// The SHA-256 of a file, as the store computes it.
pub fn store_sha(path: &Path) -> String {
    casepress::store::sha256_hex(&fs::read(path).unwrap())
}

/// Waits until `check` holds, polling; panics naming `what` after `secs`.
pub fn until(what: &str, secs: u64, mut check: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    while !check() {
        assert!(std::time::Instant::now() < deadline, "timed out waiting until {what}");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

impl Workspace {
    /// `statements status` in this workspace: exit code and text.
    pub fn status(&self) -> (Option<i32>, String) {
        let out = Command::new(env!("CARGO_BIN_EXE_casepress"))
            .args(["statements", "status"])
            .current_dir(self.path())
            .output()
            .unwrap();
        (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned())
    }
}
