//! A case's history for the service that receives it: each step a person
//! took in its documents' lives and each statement filed, as rows a person
//! reads (the case history PDF), and the case log as a system reads it,
//! without the operating-system user who ran each command.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Europe::London;
use serde::Serialize;

use crate::documents::{Review, Step};
use crate::store::LogEntry;

/// One row of the case history.
#[derive(Debug, Clone, Serialize)]
pub(super) struct Row {
    /// The day it happened (YYYY-MM-DD, London).
    pub date: String,
    /// What happened, in words.
    pub step: String,
    /// The document or statement, by its title.
    pub document: String,
    /// The file, when it is in the bundle.
    pub file: Option<String>,
    /// Who took the step, or whom a statement was assigned to.
    pub who: String,
}

/// The history, oldest first, as the case log has it: the steps people
/// took and the statements filed. The drafts casepress prepares on its own
/// are left out (a submission names the draft that mattered), and so are
/// exports, so exporting twice gives the same bundle.
pub(super) fn rows(log: &[LogEntry], in_bundle: &[&str]) -> Vec<Row> {
    let file_of = |sha: &str| {
        log.iter().find_map(|e| match e {
            LogEntry::Document { file, sha256, .. } if sha256 == sha => Some(file.as_str()),
            _ => None,
        })
    };
    let bundled = |file: Option<&str>| file.filter(|f| in_bundle.contains(f)).map(str::to_owned);
    let mut out = Vec::new();
    for entry in log {
        match entry {
            LogEntry::Lifecycle {
                at,
                kind,
                step,
                sha256,
                by,
                to,
                date,
                reviewers,
                signer,
                signed_by,
                attended,
                ..
            } => {
                let step_words = match step {
                    Step::Submitted => {
                        let what =
                            if kind.review() == Review::Gatekeeping { "gatekeeping" } else { "sign-off" };
                        if reviewers.is_empty() {
                            format!("Submitted for {what}")
                        } else {
                            format!("Submitted for {what} to {}", reviewers.join(" and "))
                        }
                    }
                    Step::Returned => "Returned with comments".into(),
                    Step::Agreed => "Agreed".into(),
                    Step::Final => "Made final".into(),
                    Step::Sent => format!("Sent to {}", to.as_deref().unwrap_or("its recipient")),
                    Step::Signed => match (signer, signed_by) {
                        (Some(part), Some(name)) => format!("Signed by {name}, {}", part.words()),
                        (Some(part), None) => format!("Signed by {}", part.words()),
                        _ => "Signed".into(),
                    },
                    Step::Meeting if attended.is_empty() => "Gatekeeping meeting held".into(),
                    Step::Meeting => format!("Gatekeeping meeting held with {}", attended.join(", ")),
                };
                let when = match (step, date) {
                    (Step::Sent | Step::Signed | Step::Meeting, Some(d)) => d.clone(),
                    _ => day(at),
                };
                out.push(Row {
                    date: when,
                    step: step_words,
                    document: kind.title().into(),
                    file: bundled(file_of(sha256)),
                    who: by.clone(),
                });
            }
            LogEntry::Statement {
                received,
                statement_id,
                statement_type,
                file,
                assigned_to,
                safety_link,
                ..
            } => {
                let kind = statement_type.as_deref().map(|t| format!(" ({t})")).unwrap_or_default();
                out.push(Row {
                    date: day(received),
                    step: if *safety_link { "Statement received: Safety Link" } else { "Statement received" }
                        .into(),
                    document: format!("Mind Of My Own statement {statement_id}{kind}"),
                    file: bundled(Some(file)),
                    who: format!("assigned to {assigned_to}"),
                });
            }
            LogEntry::Document { .. } | LogEntry::Export { .. } | LogEntry::Disclosure { .. } => {}
        }
    }
    out
}

/// The case log for a system to read: every entry but exports, without the
/// operating-system user (an account name on our machines is no business of
/// the receiving service).
pub(super) fn machine_log(log: &[LogEntry]) -> Vec<u8> {
    let mut text = Vec::new();
    for entry in log.iter().filter(|e| !matches!(e, LogEntry::Export { .. })) {
        let mut value = serde_json::to_value(entry).expect("log entries serialise");
        if let Some(fields) = value.as_object_mut() {
            fields.remove("os_user");
        }
        text.extend(serde_json::to_vec(&value).expect("JSON serialises"));
        text.push(b'\n');
    }
    text
}

/// The London day of an RFC 3339 instant (the text itself if it is not one).
fn day(at: &str) -> String {
    at.parse::<DateTime<Utc>>()
        .map(|t| t.with_timezone(&London).date_naive().to_string())
        .or_else(|_| at.parse::<NaiveDate>().map(|d| d.to_string()))
        .unwrap_or_else(|_| at.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::documents::DocumentKind;

    fn step(step: Step, by: &str, at: &str) -> LogEntry {
        LogEntry::Lifecycle {
            at: at.into(),
            kind: DocumentKind::Psr,
            step,
            sha256: "f1".into(),
            by: by.into(),
            os_user: "uid 0".into(),
            comments: None,
            to: (step == Step::Sent).then(|| "Northfield Youth Court".into()),
            date: (step == Step::Sent).then(|| "2026-12-02".into()),
            reviewers: Vec::new(),
            agreed_input: None,
            signer: None,
            signed_by: None,
            attended: Vec::new(),
        }
    }

    #[test]
    fn steps_read_in_words_with_who_and_the_machine_log_has_no_operating_system_user() {
        let final_pdf = LogEntry::Document {
            at: "2026-12-01T09:00:00Z".into(),
            kind: DocumentKind::Psr,
            file: "C_psr_2026-12-01.pdf".into(),
            sha256: "f1".into(),
            input_hash: "i".into(),
            draft: false,
            version: "0".into(),
        };
        let log = vec![
            final_pdf,
            step(Step::Final, "Priya Natarajan", "2026-12-01T09:00:00Z"),
            step(Step::Sent, "Priya Natarajan", "2026-12-02T23:30:00Z"),
        ];
        let rows = rows(&log, &["C_psr_2026-12-01.pdf"]);
        assert_eq!(rows.len(), 2, "the final PDF and its step are one row: {rows:?}");
        assert_eq!(rows[0].step, "Made final");
        assert_eq!(rows[0].document, "Pre-Sentence Report");
        assert_eq!(rows[0].file.as_deref(), Some("C_psr_2026-12-01.pdf"));
        assert_eq!(
            (rows[1].step.as_str(), rows[1].date.as_str()),
            ("Sent to Northfield Youth Court", "2026-12-02")
        );
        assert_eq!(rows[1].who, "Priya Natarajan");
        let text = String::from_utf8(machine_log(&log)).unwrap();
        assert_eq!(text.lines().count(), 3);
        assert!(!text.contains("os_user") && !text.contains("uid 0"), "{text}");
    }
}
