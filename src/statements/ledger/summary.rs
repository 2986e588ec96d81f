//! The ledger's summary index, `OUT/statements/ledger-index.jsonl`: one
//! short line per "done" decision (where it is in the ledger and what
//! `statements status` and the board count), written by the holder of the
//! filing lock as it follows the ledger, so that a command reads the
//! summaries and the ledger's few newest lines rather than parsing every
//! decision (decision 0193).
//!
//! The index is derived, never the record: it is appended without a sync,
//! and a reader that finds it missing, damaged, made from another ledger
//! file, or longer than the ledger, reads the ledger itself. Each append
//! ends with a `to` line saying how far the ledger was indexed; summaries
//! after the last `to` (an append cut short) are not trusted, and the
//! ledger is read on from that `to`.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::line::{Key, LedgerLine, Stage, key};
use crate::statements::decision::{Decision, StatementOutcome};
use crate::store::{Damaged, Journal, ReadTo, StoreError};

/// The index file's name, beside the ledger.
pub(super) const INDEX: &str = "ledger-index.jsonl";

/// One statement's latest "done" decision, as far as status and the board
/// need it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// The byte offset of its "done" line in the ledger.
    pub at: u64,
    /// The statement file's SHA-256.
    pub sha256: String,
    /// When it was received.
    pub received: DateTime<Utc>,
    /// What was decided.
    pub outcome: StatementOutcome,
    /// Whether the Safety Link was triggered.
    pub safety_link: bool,
    /// Whether managers were told of a Safety Link (it names recipients).
    pub escalated: bool,
    /// Whether it was assigned within the target, where that applies.
    pub sla_met: Option<bool>,
}

impl Summary {
    pub(super) fn of(at: u64, d: &Decision) -> Self {
        Self {
            at,
            sha256: d.sha256.clone(),
            received: d.received,
            outcome: d.outcome,
            safety_link: d.fields.safety_link,
            escalated: !d.recipients.is_empty(),
            sla_met: d.sla_met,
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "line", rename_all = "kebab-case")]
pub(super) enum IndexLine {
    /// The ledger file this index was made from (device, inode).
    Of { dev: u64, ino: u64 },
    /// A "done" line.
    Done(Summary),
    /// The ledger is indexed to here; the damaged lines found since the last `to`.
    To { offset: u64, lines: usize, damaged: Vec<(usize, usize)> },
}

/// What the holder has indexed and not yet written to the index file.
#[derive(Debug, Default)]
pub(super) struct Unsaved {
    /// The index file is to be written again from its start.
    pub(super) whole: bool,
    pub(super) done: Vec<Summary>,
    pub(super) damaged: Vec<Damaged>,
    pub(super) saved_to: Option<ReadTo>,
}

impl Unsaved {
    /// Writes what is unsaved, up to `read_to`, to the index beside `ledger`.
    pub(super) fn save(&mut self, ledger: &Journal, read_to: ReadTo) -> Result<(), StoreError> {
        if !self.whole && self.saved_to == Some(read_to) {
            return Ok(());
        }
        let mut out = Vec::new();
        let mut line = |l: &IndexLine| {
            serde_json::to_writer(&mut out, l).expect("index lines serialise");
            out.push(b'\n');
        };
        if self.whole
            && let Some((dev, ino)) = ledger.identity()
        {
            line(&IndexLine::Of { dev, ino });
        }
        for s in self.done.drain(..) {
            line(&IndexLine::Done(s));
        }
        let damaged = self.damaged.drain(..).map(|d| (d.line, d.bytes)).collect();
        line(&IndexLine::To { offset: read_to.offset, lines: read_to.lines, damaged });
        let index = ledger.beside(INDEX);
        match self.whole {
            true => index.replace(&out)?,
            false => drop(index.append(&out, false)?),
        }
        self.whole = false;
        self.saved_to = Some(read_to);
        Ok(())
    }
}

/// Every statement's latest "done" summary, in ledger order, and the
/// ledger's damaged lines: from the index, then the ledger's lines after it.
pub fn summaries(ledger: &Journal) -> Result<(Vec<Summary>, Vec<Damaged>), StoreError> {
    let mut latest: HashMap<Key, Summary> = HashMap::new();
    let mut damaged = Vec::new();
    let from = read_index(ledger, &mut latest, &mut damaged).unwrap_or_else(|| {
        latest.clear();
        damaged.clear();
        ReadTo::default()
    });
    let tail = |latest: &mut HashMap<Key, Summary>, damaged: &mut Vec<Damaged>, from| {
        ledger.read_from::<LedgerLine>(from, |offset, line| match line {
            Ok(LedgerLine { stage: Stage::Done, decision }) => {
                latest.insert(key(&decision.sha256), Summary::of(offset, &decision));
            }
            Ok(_) => {}
            Err(d) => damaged.push(d),
        })
    };
    let mut read = tail(&mut latest, &mut damaged, from)?;
    if read.restarted {
        // Replaced by a shorter file: read from its start.
        latest.clear();
        damaged.clear();
        read = tail(&mut latest, &mut damaged, ReadTo::default())?;
    }
    damaged.extend(read.fragment);
    let mut done: Vec<Summary> = latest.into_values().collect();
    done.sort_unstable_by_key(|s| s.at);
    Ok((done, damaged))
}

/// Reads the index into `latest` and `damaged`: how far it covers the
/// ledger, or `None` when it cannot be trusted (missing, damaged, or made
/// from another ledger file).
fn read_index(
    ledger: &Journal,
    latest: &mut HashMap<Key, Summary>,
    damaged: &mut Vec<Damaged>,
) -> Option<ReadTo> {
    let (mut of, mut to, mut pending, mut sound) = (None, None, Vec::new(), true);
    ledger
        .beside(INDEX)
        .read_from::<IndexLine>(ReadTo::default(), |_, line| match line {
            Ok(IndexLine::Of { dev, ino }) => of = Some((dev, ino)),
            Ok(IndexLine::Done(s)) => pending.push(s),
            Ok(IndexLine::To { offset, lines, damaged: found }) => {
                for s in pending.drain(..) {
                    latest.insert(key(&s.sha256), s);
                }
                damaged.extend(found.into_iter().map(|(line, bytes)| Damaged { line, bytes }));
                to = Some(ReadTo { offset, lines });
            }
            Err(_) => sound = false,
        })
        .ok()?;
    (sound && of.is_some() && of == ledger.identity()).then_some(to).flatten()
}
