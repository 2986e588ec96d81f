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
