//! Reports as a person reads them in a terminal. Every line goes through
//! `say`, which escapes control characters in names from outside.

use std::io::IsTerminal;
use std::path::Path;

use casepress::batch::{BatchReport, ItemReport, Outcome, Progress};
use casepress::board::BoardOutputs;
use casepress::export::ExportItem;
use casepress::statements::{FilingReport, StatementOutcome};
use indicatif::{ProgressBar, ProgressStyle};

/// `println!`, with control characters shown escaped.
macro_rules! say {
    () => { println!() };
    ($($arg:tt)*) => { println!("{}", casepress::terminal::printable(&format!($($arg)*))) };
}

/// A bar of cases done out of `total` (cargo's `Building [==> ] 120/442`),
/// with the documents written so far and the time left. Drawn only on a
/// terminal: hidden for `--json`, `-q`, and when stderr is a pipe, a log or
/// a test.
pub fn progress_bar(json: bool, total: usize) -> ProgressBar {
    let visible = !json && !super::output::quiet() && std::io::stderr().is_terminal();
    bar(visible, total)
}

fn bar(visible: bool, total: usize) -> ProgressBar {
    let bar = if visible { ProgressBar::new(0) } else { ProgressBar::hidden() };
    bar.set_length(total as u64);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} [{bar:30}] {pos}/{len} cases, {msg} ({elapsed}, about {eta} left)",
        )
        .expect("valid template")
        .progress_chars("=> "),
    );
    bar.set_message("0 documents");
    if visible {
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
    }
    bar
}

/// Which cases have reported an item: a case's documents arrive together,
/// and the bar counts the case once, at its first.
#[derive(Default)]
struct Tally {
    last: Option<(Option<String>, std::path::PathBuf)>,
    items: usize,
}

impl Tally {
    /// Counts `item`; true when it is its case's first.
    fn first(&mut self, item: &ItemReport) -> bool {
        self.items += 1;
        let same = self.last.as_ref().is_some_and(|(id, file)| *id == item.case_id && *file == item.file);
        if !same {
            self.last = Some((item.case_id.clone(), item.file.clone()));
        }
        !same
    }
}

/// Moves the bar per case and prints each failure as it happens.
pub fn on_item(bar: &ProgressBar) -> CasesBar<'_> {
    CasesBar { bar, tally: std::sync::Mutex::default() }
}

/// A batch's progress on a bar of cases.
pub struct CasesBar<'a> {
    bar: &'a ProgressBar,
    tally: std::sync::Mutex<Tally>,
}

impl Progress for CasesBar<'_> {
    fn counted(&self, cases: usize) {
        self.bar.set_length(cases as u64);
    }

    fn item(&self, item: &ItemReport) {
        let mut tally = self.tally.lock().unwrap_or_else(|e| e.into_inner());
        if tally.first(item) {
            self.bar.inc(1);
        }
        self.bar.set_message(format!("{} documents", tally.items));
        drop(tally);
        if let Outcome::Failed { reason, .. } = &item.outcome {
            self.bar.suspend(|| eprintln!("failed: {}", casepress::terminal::printable(reason)));
        }
    }
}

/// The render batch: one line per document, the failures, the totals.
pub fn batch(report: &BatchReport, record: Option<&Path>) {
    for item in &report.items {
        let what = match (&item.case_id, item.kind) {
            (Some(id), Some(kind)) => format!("{id} {kind}"),
            (Some(id), None) => id.clone(),
            _ => item.file.display().to_string(),
        };
        match &item.outcome {
            Outcome::Written { path, to_complete, .. } if *to_complete > 0 => {
                say!("  wrote      {what}: {} ({to_complete} to complete)", path.display())
            }
            Outcome::Written { path, .. } => say!("  wrote      {what}: {}", path.display()),
            Outcome::Unchanged { path } => say!("  unchanged  {what}: {}", path.display()),
            Outcome::Historic { reason } => {
                say!("  historic   {what}: {reason}: left alone (name its kind to render it)")
            }
            Outcome::Failed { .. } => {}
        }
    }
    let failures: Vec<_> = report
        .items
        .iter()
        .filter_map(|i| match &i.outcome {
            Outcome::Failed { stage, reason } => Some((stage, reason)),
            _ => None,
        })
        .collect();
    if !failures.is_empty() {
        say!("\nFailed:");
        for (stage, reason) in &failures {
            say!("  [{stage}] {reason}");
        }
    }
    let (written, unchanged, failed) = report.counts();
    let record = record.map(|r| format!(" Run record: {}", r.display())).unwrap_or_default();
    say!("\n{written} written, {unchanged} unchanged, {failed} failed.{record}");
}

/// The run record could not be written.
pub fn record_failed(e: &impl std::fmt::Display) {
    eprintln!("{}", casepress::terminal::printable(&format!("the run record could not be written: {e}")));
}

/// A filing run: one line per inbox file, cases that could not be loaded, totals.
pub fn filing(report: &FilingReport) {
    for item in &report.items {
        let flag = if item.safety_link { "SAFETY LINK " } else { "" };
        let source = item.file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let id = item.statement_id.clone().unwrap_or(source);
        let case = item.case_id.as_deref().map(|c| format!(" → {c}")).unwrap_or_default();
        let outcome = serde_json::to_value(item.outcome).ok();
        let outcome = outcome.as_ref().and_then(|o| o.as_str()).unwrap_or_default();
        // One line per inbox file, whatever its name holds.
        let line = format!("  {flag}{outcome:<12} {id}{case}: {}", item.detail);
        println!("{}", casepress::terminal::one_line(&line));
        if let Some(e) = &item.escalation {
            say!("               escalation notice: {}", e.display());
        }
    }
    for p in &report.problems {
        say!("\nPROBLEM: {p}");
    }
    if !report.unloaded.is_empty() {
        say!("\nCases that could not be loaded (statements from these children cannot be matched):");
        for f in &report.unloaded {
            say!("  {}", f.reason);
        }
    }
    let safety =
        report.items.iter().filter(|i| i.safety_link && i.outcome == StatementOutcome::Assigned).count();
    // Named only when there are any: most runs never see one.
    let infected = match report.count(StatementOutcome::Infected) {
        0 => String::new(),
        n => format!(", {n} INFECTED (quarantined)"),
    };
    say!(
        "\n{} assigned ({safety} Safety Link), {} unidentified, {} unreadable{infected}, {} duplicate, {} left for later, {} failed.",
        report.count(StatementOutcome::Assigned),
        report.count(StatementOutcome::Unidentified),
        report.count(StatementOutcome::Unreadable),
        report.count(StatementOutcome::Duplicate),
        report.count(StatementOutcome::Skipped),
        report.count(StatementOutcome::Failed),
    );
}

/// Export bundles, one line each.
pub fn exports(items: &[ExportItem]) {
    for item in items {
        match (&item.bundle, &item.not_ready, &item.failed) {
            (Some(path), _, _) => {
                let what = if item.written { "wrote    " } else { "unchanged" };
                say!("  {what} {}: {}", item.case_id, path.display())
            }
            (None, Some(notice), _) => say!("  {notice}"),
            (None, None, Some(reason)) => say!("  failed    {}: {reason}", item.case_id),
            _ => {}
        }
    }
}

/// The board outputs, cases not counted, and the count.
pub fn board(outputs: &BoardOutputs) {
    for (name, path, new) in &outputs.files {
        say!("  {} {name}: {}", if *new { "wrote    " } else { "unchanged" }, path.display());
    }
    for e in &outputs.errors {
        say!("  not counted: {e}");
    }
    say!("{} cases counted for {}.", outputs.cases, outputs.quarter);
}

/// What a filing round did beside the inbox: the desk's queued attach
/// decisions and the email notices (on stderr: stdout is the filing report).
pub fn round_extras(
    attached: &[casepress::statements::requests::Outcome],
    notices: Option<&casepress::statements::outbox::Delivery>,
    notices_error: Option<&str>,
) {
    for done in attached {
        match &done.refused {
            None => eprintln!(
                "statement {}: attached to case {} by {} (queued at the desk)",
                casepress::terminal::printable(&done.attach.statement),
                casepress::terminal::printable(&done.attach.case_id),
                casepress::terminal::printable(&done.attach.by)
            ),
            Some(why) => eprintln!(
                "statement {}: not attached: {}",
                casepress::terminal::printable(&done.attach.statement),
                casepress::terminal::printable(why)
            ),
        }
    }
    if let Some(d) = notices {
        eprintln!("notices: {} sent, {} not sent yet", d.sent.len(), d.unsent.len());
    }
    if let Some(e) = notices_error {
        eprintln!("notices: the outbox could not be read or written: {}", casepress::terminal::printable(e));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use casepress::failure::Stage;

    fn item(case: Option<&str>, file: &str) -> ItemReport {
        ItemReport {
            case_id: case.map(str::to_owned),
            file: file.into(),
            kind: None,
            outcome: Outcome::Failed { stage: Stage::Load, reason: "r".into() },
        }
    }

    #[test]
    fn the_bar_counts_cases_done_of_the_total_and_a_hidden_one_still_counts() {
        let bar = bar(false, 0);
        assert!(bar.is_hidden(), "not a terminal: not drawn");
        let tick = on_item(&bar);
        tick.counted(3);
        for i in [item(Some("A"), "a.json"), item(Some("A"), "a.json"), item(None, "bad.json")] {
            tick.item(&i);
        }
        tick.item(&item(Some("B"), "many.ndjson"));
        tick.item(&item(Some("B"), "many.ndjson"));
        assert_eq!((bar.position(), bar.length()), (3, Some(3)), "3 of 3 cases");
        assert_eq!(bar.message(), "5 documents");
    }
}
