//! `casepress statements status`: what an admin or manager needs to act on.

use std::path::Path;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::decision::StatementOutcome;
use super::inbox::inbox_files;
use super::ledger::{Summary, decisions_of, summaries};
use super::scan::Scanner;
use crate::service::Service;

/// One line of the status report.
#[derive(Debug, Clone, Serialize)]
pub struct StatusItem {
    /// Statement ID, or the inbox file name.
    pub statement: String,
    /// The case, if assigned.
    pub case_id: Option<String>,
    /// Who it was assigned to.
    pub assigned_to: Option<String>,
    /// Where it is now.
    pub path: String,
    /// In words.
    pub detail: String,
    /// Still in the inbox past the assignment target.
    pub overdue: bool,
}

/// Whether the configured virus scanner answers.
#[derive(Debug, Clone, Serialize)]
pub struct ScannerHealth {
    /// Its socket.
    pub socket: String,
    /// Why it cannot be reached, if it cannot: nothing is filed meanwhile.
    pub down: Option<String>,
}

/// Longest `status` waits for the scanner's answer.
const SCANNER_CHECK: std::time::Duration = std::time::Duration::from_secs(5);

/// The status of statement filing.
#[derive(Debug, Clone, Serialize)]
pub struct StatusReport {
    /// Statements still in the inbox, oldest first.
    pub waiting: Vec<StatusItem>,
    /// Waiting longer than the assignment target, or assigned outside it.
    pub sla_breaches: Vec<StatusItem>,
    /// Safety Link escalations.
    pub safety_link: Vec<StatusItem>,
    /// Unidentified statements still in quarantine: a duty manager decides.
    pub unidentified: Vec<StatusItem>,
    /// Unreadable files still in quarantine.
    pub unreadable: Vec<StatusItem>,
    /// Files the virus scanner found something in, still in quarantine.
    pub infected: Vec<StatusItem>,
    /// The virus scanner, where one is configured (`[statements] scan`).
    pub scanner: Option<ScannerHealth>,
    /// Damaged lines in the filing ledger (torn or glued writes): a
    /// statement they recorded may be missing from this report.
    pub damaged_ledger_lines: Vec<crate::store::Damaged>,
    /// The watcher's health, where one is expected (`[statements.watch]`).
    pub watcher: Option<super::watch::WatcherHealth>,
    /// Notices owed and not yet sent (with `[smtp]`).
    pub unsent_notices: Vec<super::outbox::Unsent>,
}

impl StatusReport {
    /// Whether anything needs action now (exit code 1): a statement still in
    /// the inbox past its target, or an unidentified statement awaiting a
    /// decision. Past escalations and past late assignments are history: listed,
    /// but they do not fail every later run.
    pub fn needs_action(&self) -> bool {
        self.waiting.iter().any(|i| i.overdue)
            || !self.unidentified.is_empty()
            || !self.infected.is_empty()
            || self.scanner.as_ref().is_some_and(|s| s.down.is_some())
            || !self.damaged_ledger_lines.is_empty()
            || self.watcher.as_ref().is_some_and(|w| w.stale)
            || self.unsent_notices.iter().any(|u| u.attempts > 0)
    }
}

/// Builds the status of the service's output (and `inbox`, if given) as of `now`.
pub fn status(service: &Service, inbox: Option<&Path>, now: DateTime<Utc>) -> std::io::Result<StatusReport> {
    let (layout, hours) = (service.layout(), service.hours());
    let sla_hours = service.config().statements.assign_within_working_hours;
    let mut report = StatusReport {
        waiting: Vec::new(),
        sla_breaches: Vec::new(),
        safety_link: Vec::new(),
        unidentified: Vec::new(),
        unreadable: Vec::new(),
        infected: Vec::new(),
        scanner: service.config().statements.scan.as_ref().map(|c| ScannerHealth {
            socket: c.socket.display().to_string(),
            down: Scanner::new(c).within(SCANNER_CHECK).ping().err().map(|e| e.to_string()),
        }),
        damaged_ledger_lines: Vec::new(),
        watcher: None,
        unsent_notices: Vec::new(),
    };
    // An inbox not made yet (a fresh install, before the first download)
    // holds nothing.
    if let Some(inbox) = inbox.filter(|i| i.exists()) {
        let contents = inbox_files(inbox)?;
        for (path, what) in &contents.others {
            report.waiting.push(StatusItem {
                statement: path.file_name().unwrap_or_default().to_string_lossy().into_owned(),
                case_id: None,
                assigned_to: None,
                path: path.display().to_string(),
                detail: format!("{what}: left in the inbox"),
                overdue: false,
            });
        }
        for path in contents.files {
            let modified: DateTime<Utc> = match std::fs::metadata(&path) {
                Ok(m) => m.modified()?.into(),
                // Filed (by the watcher) since the folder was read.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(e),
            };
            let minutes = hours.minutes_between(modified, now);
            let overdue = minutes > i64::from(sla_hours) * 60;
            let item = StatusItem {
                statement: path.file_name().unwrap_or_default().to_string_lossy().into_owned(),
                case_id: None,
                assigned_to: None,
                path: path.display().to_string(),
                detail: format!("in the inbox for {}h {:02}m working time", minutes / 60, minutes % 60),
                overdue,
            };
            if overdue {
                report.sla_breaches.push(StatusItem {
                    detail: format!("{}: not yet assigned", item.detail),
                    ..item.clone()
                });
            }
            report.waiting.push(item);
        }
    }
    // Only the statements listed below are read whole from the ledger; the
    // rest (assigned in time, no Safety Link) are known from their summary.
    let io = |e: crate::store::StoreError| std::io::Error::other(e.to_string());
    let (done, damaged) = summaries(&service.records().ledger()).map_err(io)?;
    report.damaged_ledger_lines = damaged;
    let listed: Vec<&Summary> = done.iter().filter(|s| listed(s)).collect();
    for d in decisions_of(service.records(), &listed).map_err(io)? {
        let path = layout.at(d.filed());
        let item = StatusItem {
            statement: d.fields.statement_id.clone().unwrap_or_else(|| d.source.clone()),
            case_id: d.case_id.clone(),
            assigned_to: d.assigned_to.clone(),
            path: path.display().to_string(),
            detail: String::new(),
            overdue: false,
        };
        if !d.recipients.is_empty() {
            let to: Vec<String> = d.recipients.iter().map(|r| format!("{} ({})", r.name, r.role)).collect();
            report
                .safety_link
                .push(StatusItem { detail: format!("escalated to {}", to.join(", ")), ..item.clone() });
        }
        if d.sla_met == Some(false) && d.outcome == StatementOutcome::Assigned {
            let m = d.working_minutes.unwrap_or_default();
            report.sla_breaches.push(StatusItem {
                detail: format!(
                    "assigned after {}h {:02}m working time (target {sla_hours}h)",
                    m / 60,
                    m % 60
                ),
                ..item.clone()
            });
        }
        if path.exists() {
            match d.outcome {
                StatementOutcome::Unidentified => report.unidentified.push(StatusItem {
                    detail: "awaiting the duty manager's decision; delete or re-file once decided".into(),
                    ..item
                }),
                StatementOutcome::Unreadable => report
                    .unreadable
                    .push(StatusItem { detail: d.reason.clone().unwrap_or_default(), ..item }),
                StatementOutcome::Infected => report.infected.push(StatusItem {
                    detail: format!(
                        "{}: never opened; tell the information security lead",
                        d.reason.as_deref().unwrap_or_default()
                    ),
                    ..item
                }),
                _ => {}
            }
        }
    }
    Ok(report)
}

/// Whether a statement is listed in the report: escalated, assigned
/// outside the target, or quarantined (listed while still there).
fn listed(s: &Summary) -> bool {
    s.escalated
        || (s.sla_met == Some(false) && s.outcome == StatementOutcome::Assigned)
        || matches!(
            s.outcome,
            StatementOutcome::Unidentified | StatementOutcome::Unreadable | StatementOutcome::Infected
        )
}

/// The report as a person reads it.
pub fn to_text(r: &StatusReport) -> String {
    let mut out = String::new();
    if let Some(w) = &r.watcher {
        out.push_str(&match (w.stale, w.seconds_ago) {
            (true, None) => {
                format!("WATCHER NOT SEEN: no heartbeat at all (expected within {} s)\n", w.stale_after)
            }
            (true, Some(ago)) => format!(
                "WATCHER NOT SEEN for {ago} s (expected within {} s): statements are not being filed\n",
                w.stale_after
            ),
            (false, Some(ago)) => format!("Watcher: seen {ago} s ago\n"),
            (false, None) => String::new(),
        });
    }
    if r.scanner.is_none() {
        // Not a failure (a service may have no scanner yet), but never silent.
        out.push_str("Virus scanning: off ([statements] scan is not set): statements are filed unscanned\n");
    }
    if let Some(ScannerHealth { socket, down: Some(why) }) = &r.scanner {
        out.push_str(&format!(
            "VIRUS SCANNER NOT REACHABLE ({socket}): {why}: statements stay in the inbox, unfiled, until it is back\n"
        ));
    }
    let failing: Vec<_> = r.unsent_notices.iter().filter(|u| u.attempts > 0).collect();
    if !failing.is_empty() {
        out.push_str(&format!("NOTICES NOT SENT: {}\n", failing.len()));
        for u in failing {
            out.push_str(&format!(
                "  {} to {}, {}: {} attempt(s), last: {}\n",
                u.notice.subject(),
                u.notice.to_name(),
                u.notice.about(),
                u.attempts,
                u.error.as_deref().unwrap_or("")
            ));
        }
    }
    if !r.damaged_ledger_lines.is_empty() {
        let lines: Vec<String> = r.damaged_ledger_lines.iter().map(|d| d.line.to_string()).collect();
        out.push_str(&format!(
            "DAMAGED LEDGER LINES (a write was cut short; what they recorded may be missing below): line {}\n",
            lines.join(", ")
        ));
    }
    for (title, items) in [
        ("Safety Link escalations", &r.safety_link),
        ("Assignment target missed", &r.sla_breaches),
        ("Unidentified, awaiting a decision", &r.unidentified),
        ("Unreadable, in quarantine", &r.unreadable),
        ("INFECTED, in quarantine", &r.infected),
        ("Waiting in the inbox", &r.waiting),
    ] {
        out.push_str(&format!("{title}: {}\n", items.len()));
        for i in items {
            let case = i.case_id.as_deref().map(|c| format!(" case {c}")).unwrap_or_default();
            let who = i.assigned_to.as_deref().map(|w| format!(", {w}")).unwrap_or_default();
            let line = format!("  {}{case}{who}: {}", i.statement, i.detail);
            out.push_str(&crate::terminal::one_line(&line));
            out.push('\n');
        }
    }
    out
}
