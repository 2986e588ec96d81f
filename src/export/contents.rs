//! What a bundle holds, from the case log: the latest recorded final of
//! each kind it wants, a draft only when asked for and only of a kind with
//! no final, and (for a transfer) every filed statement.

use std::collections::BTreeMap;

use super::purpose::Purpose;
use crate::documents::{DocumentKind, Step};
use crate::store::LogEntry;

/// One document going into a bundle.
#[derive(Debug, Clone, Copy)]
pub(super) struct Doc<'a> {
    pub kind: DocumentKind,
    pub file: &'a str,
    pub at: &'a str,
    pub draft: bool,
}

/// What a bundle holds, and what it does not and why.
#[derive(Debug, Default)]
pub(super) struct Contents<'a> {
    /// In catalogue order.
    pub documents: Vec<Doc<'a>>,
    /// Filed statements, as (file, when filed).
    pub statements: Vec<(&'a str, &'a str)>,
    /// Kinds the purpose wants that the case has never had.
    pub not_held: Vec<DocumentKind>,
    /// Kinds with a draft and no final, left out.
    pub not_final: Vec<DocumentKind>,
}

impl Contents<'_> {
    /// Whether a final of `kind` goes in.
    pub fn has_final(&self, kind: DocumentKind) -> bool {
        self.documents.iter().any(|d| d.kind == kind && !d.draft)
    }

    /// The drafts that go in, by kind.
    pub fn drafts(&self) -> Vec<DocumentKind> {
        self.documents.iter().filter(|d| d.draft).map(|d| d.kind).collect()
    }
}

/// The kinds a purpose carries: Y2A, the most recent PSR, plan and risk
/// summary; a transfer, every kind.
fn wanted(purpose: Purpose) -> &'static [DocumentKind] {
    match purpose {
        Purpose::Y2a => &[DocumentKind::Psr, DocumentKind::InterventionPlan, DocumentKind::RiskSummary],
        Purpose::Transfer => &DocumentKind::ALL,
    }
}

/// Chooses a bundle's contents from the case log.
pub(super) fn select(log: &[LogEntry], purpose: Purpose, drafts: bool) -> Contents<'_> {
    // A final goes only with its recorded final step: a final PDF whose step
    // was never recorded (refused, or cut short) is not a final.
    let recorded: Vec<(DocumentKind, &str)> = log
        .iter()
        .filter_map(|e| match e {
            LogEntry::Lifecycle { kind, step: Step::Final, sha256, .. } => Some((*kind, sha256.as_str())),
            _ => None,
        })
        .collect();
    let mut finals: BTreeMap<DocumentKind, Doc<'_>> = BTreeMap::new();
    let mut latest_drafts: BTreeMap<DocumentKind, Doc<'_>> = BTreeMap::new();
    let mut contents = Contents::default();
    for entry in log {
        match entry {
            LogEntry::Document { kind, file, at, draft, sha256, .. } => {
                let doc = Doc { kind: *kind, file, at, draft: *draft };
                if *draft {
                    latest_drafts.insert(*kind, doc);
                } else if recorded.contains(&(*kind, sha256.as_str())) {
                    finals.insert(*kind, doc);
                }
            }
            LogEntry::Statement { file, at, .. } if purpose == Purpose::Transfer => {
                contents.statements.push((file, at));
            }
            _ => {}
        }
    }
    for kind in wanted(purpose) {
        match (finals.get(kind), latest_drafts.get(kind)) {
            (Some(doc), _) => contents.documents.push(*doc),
            (None, Some(doc)) if drafts => contents.documents.push(*doc),
            (None, Some(_)) => contents.not_final.push(*kind),
            (None, None) if purpose == Purpose::Y2a => contents.not_held.push(*kind),
            (None, None) => {}
        }
    }
    contents
}
