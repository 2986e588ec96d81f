//! Reports as a person reads them in a terminal. Every line goes through
//! `say`, which escapes control characters in names from outside.

use std::io::IsTerminal;
use std::path::Path;

use casepress::batch::{BatchReport, ItemReport, Outcome};
use casepress::board::BoardOutputs;
use casepress::export::ExportItem;
use casepress::statements::{FilingReport, StatementOutcome};
use indicatif::{ProgressBar, ProgressStyle};

/// `println!`, with control characters shown escaped.
macro_rules! say {
    () => { println!() };
    ($($arg:tt)*) => { println!("{}", casepress::terminal::printable(&format!($($arg)*))) };
}

/// A spinner with a count on a terminal; hidden for `--json` or a pipe.
pub fn progress_bar(json: bool) -> ProgressBar {
    if json || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {pos} documents {elapsed}").expect("valid template"),
    );
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

/// Ticks the bar per item and prints each failure as it happens.
pub fn on_item(bar: &ProgressBar) -> impl Fn(&ItemReport) + Sync + '_ {
    move |item| {
        bar.inc(1);
        if let Outcome::Failed { reason, .. } = &item.outcome {
            bar.suspend(|| eprintln!("failed: {}", casepress::terminal::printable(reason)));
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
