//! The README's test command, `bash .ci/test`, and plain `cargo test`: every
//! test that needs a tool beyond Rust is skipped by plain `cargo test` as
//! ignored, with a reason naming the tool and the command that installs it;
//! under `--include-ignored` a missing tool fails the test, saying how to get
//! it; CI runs exactly the README's command; and a browser, SMTP server or
//! clamd that a test started is stopped whatever failed.

#[path = "support/clamd.rs"]
mod clamd;
mod common;
#[path = "support/smtp.rs"]
mod smtp;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use syn::visit::{self, Visit};

use common::tools;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_owned()
}

/// Calls that start or look for a tool beyond Rust.
fn needs_a_tool(path: &str) -> bool {
    let starts = ["Browser::start", "Browser::start_with", "Sink::start", "Clamd::start", "SmallDisk::mount"];
    let looks =
        ["chromedriver", "chromium", "axe", "python_with_aiosmtpd", "clamd", "pdftotext", "root", "verapdf"];
    starts.iter().any(|m| path.ends_with(m)) || looks.iter().any(|t| path.ends_with(&format!("tools::{t}")))
}

/// Every path a function body names, joined with `::`.
#[derive(Default)]
struct Paths(BTreeSet<String>);

impl<'ast> Visit<'ast> for Paths {
    fn visit_path(&mut self, p: &'ast syn::Path) {
        self.0.insert(p.segments.iter().map(|s| s.ident.to_string()).collect::<Vec<_>>().join("::"));
        visit::visit_path(self, p);
    }

    // `vec![…]`, `assert!(…)` and the like: their arguments are expressions too.
    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        let parser = syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated;
        if let Ok(args) = m.parse_body_with(parser) {
            args.iter().for_each(|e| self.visit_expr(e));
        }
        visit::visit_macro(self, m);
    }
}

struct TestFn {
    file: String,
    name: String,
    ignore: Option<String>,
    needs: bool,
}

/// Every test function in `tests/*.rs`, whether it (or a function of its
/// file it calls, at any depth) needs a tool, and its ignore reason.
fn tests() -> Vec<TestFn> {
    let mut found = Vec::new();
    let mut files: Vec<PathBuf> =
        fs::read_dir(repo().join("tests")).unwrap().flatten().map(|e| e.path()).collect();
    files.sort();
    for file in files.iter().filter(|p| p.extension().is_some_and(|e| e == "rs")) {
        let ast = syn::parse_file(&fs::read_to_string(file).unwrap()).unwrap();
        let mut calls: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut test_fns = Vec::new();
        let mut add = |name: String, attrs: &[syn::Attribute], block: &syn::Block| {
            let mut paths = Paths::default();
            paths.visit_block(block);
            calls.entry(name.clone()).or_default().extend(paths.0);
            let is_test = attrs.iter().any(|a| a.path().segments.last().is_some_and(|s| s.ident == "test"));
            let ignore = attrs.iter().find(|a| a.path().is_ident("ignore")).map(|a| match &a.meta {
                syn::Meta::NameValue(nv) => match &nv.value {
                    syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) => s.value(),
                    _ => String::new(),
                },
                _ => String::new(),
            });
            if is_test {
                test_fns.push((name, ignore));
            }
        };
        for item in &ast.items {
            match item {
                syn::Item::Fn(f) => add(f.sig.ident.to_string(), &f.attrs, &f.block),
                syn::Item::Impl(i) => {
                    let ty = match &*i.self_ty {
                        syn::Type::Path(t) => t.path.segments.last().unwrap().ident.to_string(),
                        _ => String::new(),
                    };
                    for f in &i.items {
                        if let syn::ImplItem::Fn(f) = f {
                            add(format!("{ty}::{}", f.sig.ident), &f.attrs, &f.block);
                        }
                    }
                }
                _ => {}
            }
        }
        // A function needs a tool if it names one, or calls a function of
        // this file that does: repeat until nothing changes.
        let mut needing: BTreeSet<String> =
            calls.iter().filter(|(_, c)| c.iter().any(|p| needs_a_tool(p))).map(|(n, _)| n.clone()).collect();
        loop {
            let more: BTreeSet<String> = calls
                .iter()
                .filter(|(n, c)| !needing.contains(*n) && c.iter().any(|p| needing.contains(p)))
                .map(|(n, _)| n.clone())
                .collect();
            if more.is_empty() {
                break;
            }
            needing.extend(more);
        }
        let file = file.file_name().unwrap().to_string_lossy().into_owned();
        for (name, ignore) in test_fns {
            let needs = needing.contains(&name);
            found.push(TestFn { file: file.clone(), name, ignore, needs });
        }
    }
    found
}

#[test]
fn every_test_needing_a_tool_is_ignored_with_its_reason_and_the_command_that_installs_it() {
    let tests = tests();
    let needing: Vec<&TestFn> = tests.iter().filter(|t| t.needs).collect();
    // The browser, e-mail, clamd, pdftotext, tmpfs and veraPDF tests, and this file's own.
    let names: Vec<String> = needing.iter().map(|t| format!("{}: {}", t.file, t.name)).collect();
    assert!(names.len() >= 27, "found {} tests needing a tool: {names:#?}", names.len());
    for file in [
        "browser.rs",
        "statement_notices.rs",
        "step_emails.rs",
        "statement_scan.rs",
        "authorities.rs",
        "statement_edges.rs",
        "pdf_validation.rs",
    ] {
        assert!(needing.iter().any(|t| t.file == file), "no test in {file} found needing a tool");
    }
    for t in &needing {
        let reason = t.ignore.as_deref().unwrap_or_else(|| {
            panic!("{}: {} needs a tool but is not #[ignore = \"needs …: bash .ci/test …\"]", t.file, t.name)
        });
        assert!(
            reason.starts_with("needs ") && reason.contains(tools::TEST_COMMAND),
            "{}: {}: the reason `{reason}` should say what it needs and `{}`",
            t.file,
            t.name,
            tools::TEST_COMMAND
        );
    }
    // Nothing else is ignored: plain `cargo test` runs every test that needs only Rust.
    let others: Vec<String> = tests
        .iter()
        .filter(|t| !t.needs && t.ignore.is_some())
        .map(|t| format!("{}: {}", t.file, t.name))
        .collect();
    assert!(others.is_empty(), "ignored though they need no tool: {others:?}");
}

#[test]
fn no_test_skips_itself_by_passing() {
    for entry in fs::read_dir(repo().join("tests")).unwrap().flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "rs") && path.file_name().unwrap() != "test_command.rs" {
            let text = fs::read_to_string(&path).unwrap();
            assert!(
                !text.contains("eprintln!(\"skipped") && !text.contains("return eprintln!"),
                "{} returns early with a message instead of being ignored",
                path.display()
            );
        }
    }
}

/// The non-comment lines of the README's "two commands" block.
fn readme_commands() -> Vec<String> {
    let readme = fs::read_to_string(repo().join("README.md")).unwrap();
    let section = &readme[readme.find("## On a fresh machine: two commands").unwrap()..];
    let block = section.split("```sh\n").nth(1).unwrap().split("```").next().unwrap();
    block.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).map(str::to_owned).collect()
}

#[test]
fn the_readme_gives_two_commands_and_ci_runs_exactly_them() {
    let commands = readme_commands();
    assert_eq!(commands.len(), 2, "{commands:?}");
    assert!(commands[0].starts_with("cargo run -- run samples/casepress.toml"), "{commands:?}");
    assert_eq!(commands[1], tools::TEST_COMMAND);
    let ci = fs::read_to_string(repo().join(".ci/run")).unwrap();
    let lines: Vec<&str> = ci.lines().map(str::trim).filter(|l| !l.starts_with('#')).collect();
    assert!(lines.contains(&tools::TEST_COMMAND), ".ci/run does not run `{}`", tools::TEST_COMMAND);
    assert!(!lines.iter().any(|l| l.starts_with("cargo test")), ".ci/run runs the tests another way too");
    let main_job = commands[0].replacen("cargo run --", "cargo run --locked -q --", 1);
    assert!(
        lines.contains(&main_job.as_str()),
        ".ci/run does not run the README's first command: {main_job}"
    );
    let script = fs::read_to_string(repo().join(".ci/test")).unwrap();
    assert!(script.contains("cargo test --locked --no-fail-fast \"$@\" -- --include-ignored"), "{script}");
}

#[test]
fn a_missing_tool_fails_its_test_saying_how_to_get_it() {
    let said = |f: fn()| {
        let panic = std::panic::catch_unwind(f).expect_err("a missing tool must fail the test");
        panic.downcast_ref::<String>().cloned().unwrap_or_default()
    };
    let missing = said(|| {
        tools::require(
            "CASEPRESS_TEST_COMMAND_NO_SUCH_VARIABLE",
            Path::new("/nonexistent/chromedriver"),
            "chromedriver",
            "apt-get install chromium chromium-driver",
        );
    });
    assert!(missing.contains("/nonexistent/chromedriver"), "{missing}");
    assert!(missing.contains("apt-get install chromium chromium-driver"), "{missing}");
    assert!(missing.contains("`bash .ci/test` installs it"), "{missing}");
    let no_module = said(|| tools::python_has(Path::new("/nonexistent/python"), "aiosmtpd"));
    assert!(no_module.contains("pip install aiosmtpd") && no_module.contains("bash .ci/test"), "{no_module}");
    let not_on_path = said(|| {
        tools::on_path("casepress-no-such-program", "apt-get install nothing");
    });
    assert!(
        not_on_path.contains("not found on PATH") && not_on_path.contains("bash .ci/test"),
        "{not_on_path}"
    );
}

/// The ids of the processes whose process group is `group`.
fn in_group(group: i32) -> Vec<i32> {
    fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<i32>().ok())
        .filter(|pid| {
            // /proc/PID/stat: "pid (comm) state ppid pgrp …"; comm may hold spaces.
            fs::read_to_string(format!("/proc/{pid}/stat")).ok().is_some_and(|stat| {
                let after = &stat[stat.rfind(')').unwrap_or(0) + 1..];
                let fields: Vec<&str> = after.split_whitespace().collect();
                fields.first() != Some(&"Z") && fields.get(2).and_then(|g| g.parse().ok()) == Some(group)
            })
        })
        .collect()
}

fn alive(pid: u32) -> bool {
    fs::read_to_string(format!("/proc/{pid}/stat"))
        .is_ok_and(|stat| stat[stat.rfind(')').unwrap_or(0) + 1..].split_whitespace().next() != Some("Z"))
}

#[test]
#[ignore = "needs Chromium, chromedriver and axe-core: bash .ci/test installs them"]
fn a_browser_is_stopped_with_its_driver_and_helpers_when_its_test_fails() {
    let (tx, rx) = std::sync::mpsc::channel();
    let failed = std::thread::spawn(move || {
        tokio::runtime::Runtime::new().unwrap().block_on(async {
            let browser = common::web::Browser::start().await;
            browser.client.goto("about:blank").await.unwrap();
            let group = browser.group();
            tx.send((group, in_group(group))).unwrap();
            panic!("a test fails with its browser open");
        })
    })
    .join();
    assert!(failed.is_err());
    let (group, running) = rx.recv().unwrap();
    assert!(running.len() >= 2, "the driver and Chromium were running: {running:?}");
    // SIGKILL is delivered at once, but a process takes a moment to exit.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !in_group(group).is_empty() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let left: Vec<String> = in_group(group)
        .into_iter()
        .map(|pid| format!("{pid} {}", fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default()))
        .collect();
    assert!(left.is_empty(), "left running after the test failed: {left:#?}");
}

#[test]
#[ignore = "needs aiosmtpd, an SMTP server: bash .ci/test installs it"]
fn an_smtp_server_is_stopped_when_its_test_fails() {
    let dir = tempfile::tempdir().unwrap();
    let maildir = dir.path().join("maildir");
    let (tx, rx) = std::sync::mpsc::channel();
    let failed = std::thread::spawn(move || {
        let sink = smtp::Sink::start(smtp::free_port(), &maildir);
        tx.send(sink.pid()).unwrap();
        panic!("a test fails with its SMTP server listening");
    })
    .join();
    assert!(failed.is_err());
    let pid = rx.recv().unwrap();
    assert!(!alive(pid), "aiosmtpd {pid} left running after the test failed");
}

#[test]
#[ignore = "needs Debian's clamd: bash .ci/test installs it"]
fn clamd_is_stopped_when_its_test_fails() {
    let dir = tempfile::tempdir().unwrap();
    let at = dir.path().to_owned();
    let (tx, rx) = std::sync::mpsc::channel();
    let failed = std::thread::spawn(move || {
        let scanner = clamd::Clamd::start(&tools::clamd(), &at);
        assert!(scanner.answers());
        tx.send(scanner.pid()).unwrap();
        panic!("a test fails with its clamd running");
    })
    .join();
    assert!(failed.is_err());
    let pid = rx.recv().unwrap();
    assert!(!alive(pid), "clamd {pid} left running after the test failed");
}

/// The ids of this process's children named `name`.
fn children_named(name: &str) -> Vec<i32> {
    let me = std::process::id().to_string();
    fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<i32>().ok())
        .filter(|pid| {
            fs::read_to_string(format!("/proc/{pid}/stat")).ok().is_some_and(|stat| {
                let comm = stat.split_once('(').and_then(|(_, r)| r.rsplit_once(')')).map(|(c, _)| c);
                let after: Vec<&str> = stat[stat.rfind(')').unwrap_or(0) + 1..].split_whitespace().collect();
                comm == Some(name) && after.first() != Some(&"Z") && after.get(1) == Some(&me.as_str())
            })
        })
        .collect()
}

#[test]
#[ignore = "needs Chromium, chromedriver and axe-core: bash .ci/test installs them"]
fn a_browser_that_cannot_start_leaves_no_driver_running() {
    // A "browser" that exits at once: the driver starts, then no session can
    // be made, and the start fails after its 20 s of retries.
    let failed = std::thread::spawn(|| {
        tokio::runtime::Runtime::new()
            .unwrap()
            .block_on(common::web::Browser::start_with(Path::new("/bin/false")))
    })
    .join();
    let said = failed.err().and_then(|p| p.downcast_ref::<String>().cloned()).unwrap_or_default();
    assert!(said.contains("cannot start Chromium through its driver"), "{said}");
    assert_eq!(
        children_named("chromedriver"),
        Vec::<i32>::new(),
        "a driver left running after a failed start"
    );
}
