//! The documentation stands alone: every relative link in the README and
//! `docs/` resolves inside the repository, and nothing points outside it.

use std::fs;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every Markdown file a reader opens: the README, `docs/`, `tests/README.md`.
fn pages() -> Vec<PathBuf> {
    let mut pages = vec![root().join("README.md"), root().join("tests/README.md")];
    pages.extend(
        walkdir::WalkDir::new(root().join("docs"))
            .into_iter()
            .filter_map(Result::ok)
            .map(|e| e.into_path())
            .filter(|p| p.extension().is_some_and(|e| e == "md")),
    );
    pages
}

/// The targets of `[text](target)` links in `text`.
fn links(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("](") {
        rest = &rest[i + 2..];
        if let Some(end) = rest.find(')') {
            out.push(rest[..end].split_whitespace().next().unwrap_or_default().to_owned());
        }
    }
    out
}

#[test]
fn every_relative_link_in_the_docs_resolves_inside_the_repository() {
    let root = fs::canonicalize(root()).unwrap();
    let mut broken = Vec::new();
    let pages = pages();
    assert!(pages.len() > 10, "the docs are there: {pages:?}");
    for page in &pages {
        let text = fs::read_to_string(page).unwrap();
        for link in links(&text) {
            let target = link.split('#').next().unwrap_or_default();
            if target.is_empty() || target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            let path = page.parent().unwrap().join(target);
            match fs::canonicalize(&path) {
                Ok(p) if p.starts_with(&root) => {}
                Ok(p) => {
                    broken.push(format!("{}: {link} leaves the repository ({})", page.display(), p.display()))
                }
                Err(_) => broken.push(format!("{}: {link} does not exist", page.display())),
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn nothing_in_the_repository_points_outside_it() {
    let mut offenders = Vec::new();
    let dirs = ["src", "templates", "docs", "tests", "benches", "examples", "samples"];
    let files =
        dirs.iter().flat_map(|d| walkdir::WalkDir::new(root().join(d)).into_iter().filter_map(Result::ok));
    for entry in
        files.filter(|e| e.file_type().is_file()).map(|e| e.into_path()).chain([root().join("README.md")])
    {
        let Ok(text) = fs::read_to_string(&entry) else { continue };
        // Spelled in two halves so that this file does not match itself.
        let outside = ["../sha", "red/"].concat();
        if text.contains(&outside) || text.contains(&["seed 0", "0"].concat()) {
            offenders.push(entry.strip_prefix(root()).unwrap_or(Path::new("?")).display().to_string());
        }
    }
    assert!(offenders.is_empty(), "these point outside the repository: {offenders:?}");
}
