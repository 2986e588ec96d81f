//! What casepress itself recorded about the child: the documents made, the
//! steps people took on them, the statements received (their receipts),
//! earlier requests, and the workspace's audit lines naming the case. Each
//! person is shown by name only where the pack may name them.

use chrono::{DateTime, Utc};
use chrono_tz::Europe::London;
use serde::Serialize;

use crate::documents::Step;
use crate::store::{DisclosureStep, LogEntry};
use crate::workspace::audit::AuditEntry;

use super::classify::Party;
use super::people::People;
use super::redaction::Ledger;
use super::requester::Requester;

/// A document casepress made for the case.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentRow {
    /// The day it was made.
    pub date: String,
    /// Its title.
    pub title: String,
    /// Draft or final.
    pub state: &'static str,
    /// Its file name.
    pub file: String,
}

/// One recorded event: a step, a statement's receipt, a request.
#[derive(Debug, Clone, Serialize)]
pub struct EventRow {
    /// The day (London).
    pub date: String,
    /// What happened, in words.
    pub what: String,
    /// Who, as the pack may show them.
    pub who: String,
    /// Comments recorded with it, or the words saying they are withheld.
    pub comments: Option<String>,
}

/// What the records part of the pack holds.
#[derive(Debug, Clone, Serialize)]
pub struct Records {
    /// Documents made.
    pub documents: Vec<DocumentRow>,
    /// Steps on the documents and earlier requests.
    pub history: Vec<EventRow>,
    /// Statements received from the young person (receipts).
    pub statements: Vec<EventRow>,
    /// Workspace audit lines naming the case.
    pub audit: Vec<EventRow>,
}

/// The records of one case, for one requester.
pub(super) fn records(
    log: &[LogEntry],
    audit: &[AuditEntry],
    people: &People,
    requester: &Requester,
    child_consents: bool,
    ledger: &mut Ledger,
) -> Records {
    let mut r = Rec { people, ledger };
    let mut out =
        Records { documents: Vec::new(), history: Vec::new(), statements: Vec::new(), audit: Vec::new() };
    for entry in log {
        match entry {
            LogEntry::Document { at, kind, file, draft, .. } => out.documents.push(DocumentRow {
                date: day(at),
                title: kind.title().to_owned(),
                state: if *draft { "draft" } else { "final" },
                file: file.clone(),
            }),
            LogEntry::Lifecycle {
                at,
                kind,
                step,
                by,
                comments,
                to,
                date,
                reviewers,
                signed_by,
                attended,
                ..
            } => {
                let section = "Case history";
                let field = format!("case log {} {} {}", day(at), kind.name(), step.name());
                let mut what = match step {
                    Step::Submitted => "Submitted for review".to_owned(),
                    Step::Returned => "Returned with comments".to_owned(),
                    Step::Agreed => "Agreed".to_owned(),
                    Step::Final => "Made final".to_owned(),
                    Step::Sent => format!("Sent to {}", to.as_deref().unwrap_or("its recipient")),
                    Step::Signed => "Signed".to_owned(),
                    Step::Meeting => "Gatekeeping meeting held".to_owned(),
                };
                if !reviewers.is_empty() {
                    let names: Vec<String> =
                        reviewers.iter().map(|n| r.person(section, &format!("{field}: to"), n)).collect();
                    what.push_str(&format!(" to {}", names.join(" and ")));
                }
                if let Some(name) = signed_by {
                    what.push_str(&format!(
                        " by {}",
                        r.person(section, &format!("{field}: signed by"), name)
                    ));
                }
                if !attended.is_empty() {
                    let names: Vec<String> = attended
                        .iter()
                        .map(|n| r.person(section, &format!("{field}: attended"), n))
                        .collect();
                    what.push_str(&format!(" with {}", names.join(", ")));
                }
                let when = match (step, date) {
                    (Step::Sent | Step::Signed | Step::Meeting, Some(d)) => d.clone(),
                    _ => day(at),
                };
                out.history.push(EventRow {
                    date: when,
                    what: format!("{}: {what}", kind.title()),
                    who: r.person(section, &format!("{field}: who"), by),
                    comments: comments.as_deref().map(|c| r.text(section, &format!("{field}: comments"), c)),
                });
            }
            LogEntry::Statement {
                received, statement_id, statement_type, assigned_to, safety_link, ..
            } => {
                let section = "Statements received";
                let field = format!("statement {statement_id}");
                if *safety_link && !matches!(requester, Requester::Child) && !child_consents {
                    let shown = r.ledger.withhold(section, &field, Party::ChildConfidence);
                    out.statements.push(EventRow {
                        date: day(received),
                        what: shown,
                        who: String::new(),
                        comments: None,
                    });
                    continue;
                }
                let kind = statement_type.as_deref().map(|t| format!(" ({t})")).unwrap_or_default();
                let link = if *safety_link { ", Safety Link" } else { "" };
                out.statements.push(EventRow {
                    date: day(received),
                    what: format!("Mind Of My Own statement {statement_id}{kind}{link} received"),
                    who: format!(
                        "assigned to {}",
                        r.person(section, &format!("{field}: assigned to"), assigned_to)
                    ),
                    comments: None,
                });
            }
            LogEntry::Disclosure { at, step, by, .. } => {
                // Who asked earlier is that person's business, not this
                // requester's: the step and the day only.
                let what = match step {
                    DisclosureStep::Made => "Subject access request: a copy of the records was prepared",
                    DisclosureStep::Released => "Subject access request: the copy was released",
                    DisclosureStep::Refused => "Subject access request: the copy was not released",
                };
                out.history.push(EventRow {
                    date: day(at),
                    what: what.to_owned(),
                    who: r.person("Case history", &format!("case log {} disclosure: who", day(at)), by),
                    comments: None,
                });
            }
            LogEntry::Export { at, purpose, .. } => out.history.push(EventRow {
                date: day(at),
                what: format!("The case file was exported ({purpose})"),
                who: String::new(),
                comments: None,
            }),
        }
    }
    for line in audit {
        let section = "Access to the record";
        let field = format!("audit {} {}", line.at, line.what);
        let outcome = line.outcome.as_deref().map(|o| format!(" ({o})")).unwrap_or_default();
        let detail = if line.detail.is_empty() { String::new() } else { format!(": {}", line.detail) };
        let what = r.text(section, &format!("{field}: detail"), &format!("{}{outcome}{detail}", line.what));
        out.audit.push(EventRow {
            date: day(&line.at),
            what,
            who: r.person(section, &format!("{field}: who"), &line.who),
            comments: None,
        });
    }
    out
}

struct Rec<'a> {
    people: &'a People,
    ledger: &'a mut Ledger,
}

impl Rec<'_> {
    /// A person recorded by name: the child, the requester and named
    /// professionals by name; other staff by job title only.
    fn person(&mut self, section: &str, field: &str, name: &str) -> String {
        let p = self.people;
        if name == "-" || p.is_child(name) || p.is_requester(name) || p.is_professional(name) {
            return name.to_owned();
        }
        // Everyone else a record names took a step or was assigned work:
        // staff, shown by job title where the directory has one.
        let party = p.names_third_party(name).filter(|party| *party != Party::Staff).unwrap_or(Party::Staff);
        if party != Party::Staff {
            return self.ledger.withhold(section, field, party);
        }
        let reference = self.ledger.record(section, field, party);
        match p.staff_title(name) {
            Some(title) => format!("a member of staff: {title} (name withheld, {reference})"),
            None => format!("a member of staff (name withheld, {reference})"),
        }
    }

    /// Words someone recorded, unless they name a third party.
    fn text(&mut self, section: &str, field: &str, text: &str) -> String {
        match self.people.names_third_party(text) {
            Some(party) => self.ledger.withhold(section, field, party),
            None => text.to_owned(),
        }
    }
}

/// The London day of an RFC 3339 instant (the text itself if it is not one).
fn day(at: &str) -> String {
    at.parse::<DateTime<Utc>>()
        .map(|t| t.with_timezone(&London).date_naive().to_string())
        .unwrap_or_else(|_| at.to_owned())
}
