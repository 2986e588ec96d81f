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

/// The module map in `docs/internals/architecture.md` names every file of
/// `src/`: its top-level folder (or the file itself) and its file name. A
/// new module the map does not mention fails here, so the map cannot rot.
#[test]
fn the_architecture_map_names_every_file_of_src() {
    let doc = fs::read_to_string(root().join("docs/internals/architecture.md")).unwrap();
    let map = doc.split("## Module map").nth(1).and_then(|m| m.split("```text").nth(1)).unwrap();
    let map = map.split("```").next().unwrap();
    let src = root().join("src");
    let mut missing = Vec::new();
    for entry in walkdir::WalkDir::new(&src).into_iter().filter_map(Result::ok) {
        let path = entry.path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !name.ends_with(".rs") || name == "tests.rs" {
            continue;
        }
        let relative = path.strip_prefix(&src).unwrap();
        let mut parts = relative.components().map(|c| c.as_os_str().to_string_lossy().into_owned());
        let top = parts.next().unwrap();
        let place =
            if relative.components().count() == 1 { format!("src/{top}") } else { format!("src/{top}/") };
        let named = map.contains(&place) && (name == "mod.rs" || map.contains(&name));
        if !named {
            missing.push(format!("src/{}", relative.display()));
        }
    }
    assert!(missing.is_empty(), "docs/internals/architecture.md's module map does not name: {missing:?}");
}
