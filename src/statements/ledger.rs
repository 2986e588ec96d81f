//! The statement ledger: each decision recorded before anything is written
//! ("begun"), and again once it is complete ("done"), so that a re-run after
//! a crash repeats the decision exactly.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::decision::{Decision, StatementOutcome};
use crate::store::{Damaged, Journal, ReadTo, Records, StoreError, Tail};

mod line;
mod summary;

use line::{Key, key};
pub(super) use line::{LedgerLine, Stage};
pub use summary::{Summary, summaries};

/// A line as written: the decision borrowed.
#[derive(Serialize)]
struct LedgerLineOut<'a> {
    stage: Stage,
    decision: &'a Decision,
}

/// The ledger's index: for each statement (by SHA-256) where its latest
/// "begun" and "done" lines are in the file. Decisions are read back from
/// the file when asked for, so a watcher that files for months keeps about
/// fifty bytes per statement, not every decision; and it follows the file
/// as lines are appended ([`Ledger::catch_up`]) rather than reading it again.
pub(super) struct Ledger {
    journal: Journal,
    read_to: ReadTo,
    /// Lines that are not records (torn or glued writes).
    damaged: Vec<Damaged>,
    /// A last line with no newline yet.
    fragment: Option<Damaged>,
    latest: HashMap<Key, Latest>,
    /// What is indexed and not yet in the summary index file.
    unsaved: summary::Unsaved,
}

/// Byte offsets of a statement's latest lines of each stage.
#[derive(Debug, Clone, Copy, Default)]
struct Latest {
    begun: Option<u64>,
    done: Option<u64>,
}

impl Ledger {
    /// Reads and indexes the ledger (empty if there is none).
    pub(super) fn read(journal: &Journal) -> Result<Self, StoreError> {
        let mut ledger = Self::empty(journal);
        ledger.catch_up()?;
        Ok(ledger)
    }

    fn empty(journal: &Journal) -> Self {
        Self {
            journal: journal.clone(),
            read_to: ReadTo::default(),
            damaged: Vec::new(),
            fragment: None,
            latest: HashMap::new(),
            unsaved: summary::Unsaved { whole: true, ..Default::default() },
        }
    }

    /// Indexes the lines appended since the last read. A ledger shorter than
    /// what was read has been replaced, and is indexed again from its start.
    pub(super) fn catch_up(&mut self) -> Result<(), StoreError> {
        let tail = self.index_from(self.read_to)?;
        if tail.restarted {
            *self = Self::empty(&self.journal);
            self.index_from(ReadTo::default())?;
        }
        Ok(())
    }

    fn index_from(&mut self, from: ReadTo) -> Result<Tail, StoreError> {
        let (latest, damaged, unsaved) = (&mut self.latest, &mut self.damaged, &mut self.unsaved);
        let tail = self.journal.read_from::<LedgerLine>(from, |offset, line| match line {
            Ok(line) => {
                let entry = latest.entry(key(&line.decision.sha256)).or_default();
                match line.stage {
                    Stage::Begun => entry.begun = Some(offset),
                    Stage::Done => {
                        entry.done = Some(offset);
                        unsaved.done.push(summary::Summary::of(offset, &line.decision));
                    }
                }
            }
            Err(d) => {
                damaged.push(d);
                unsaved.damaged.push(d);
            }
        })?;
        self.read_to = tail.read_to;
        self.fragment = tail.fragment;
        Ok(tail)
    }

    /// Writes what has been indexed since the last save to the summary
    /// index that commands read (only the holder of the filing lock calls
    /// this: it is the only writer of the ledger).
    pub(super) fn save_summaries(&mut self) -> Result<(), StoreError> {
        self.unsaved.save(&self.journal, self.read_to)
    }

    /// Lines that are not records: torn or glued writes, and a last line
    /// with no newline.
    pub(super) fn damaged(&self) -> Vec<Damaged> {
        self.damaged.iter().copied().chain(self.fragment).collect()
    }

    fn decision_at(&self, offset: u64) -> Result<Decision, StoreError> {
        let mut found = None;
        self.journal.read_at::<LedgerLine>(&[offset], |_, l| found = Some(l.decision))?;
        Ok(found.expect("one offset, one line"))
    }

    /// The latest "done" decision for a file with this SHA-256.
    pub(super) fn done(&self, sha256: &str) -> Result<Option<Decision>, StoreError> {
        self.latest.get(&key(sha256)).and_then(|l| l.done).map(|at| self.decision_at(at)).transpose()
    }

    /// The decision begun for a file with this SHA-256 and not yet done: an
    /// interrupted filing, or a superseding decision being carried out.
    pub(super) fn open(&self, sha256: &str) -> Result<Option<Decision>, StoreError> {
        self.latest.get(&key(sha256)).and_then(open_at).map(|at| self.decision_at(at)).transpose()
    }

    /// Every open decision (see [`Ledger::open`]), in ledger order.
    pub(super) fn open_decisions(&self) -> Result<Vec<Decision>, StoreError> {
        let mut open = Vec::new();
        self.each_at(self.latest.values().filter_map(open_at).collect(), |d| open.push(d))?;
        Ok(open)
    }

    /// Each statement's latest "done" decision, in ledger order, one at a
    /// time (never all held at once).
    pub(super) fn each_done(&self, mut each: impl FnMut(Decision)) -> Result<(), StoreError> {
        self.each_at(self.latest.values().filter_map(|l| l.done).collect(), &mut each)
    }

    fn each_at(&self, mut offsets: Vec<u64>, mut each: impl FnMut(Decision)) -> Result<(), StoreError> {
        offsets.sort_unstable();
        self.journal.read_at::<LedgerLine>(&offsets, |_, line| each(line.decision))
    }

    /// The latest "done" decision of every statement, in ledger order.
    pub(super) fn done_decisions(&self) -> Result<Vec<Decision>, StoreError> {
        let mut done = Vec::new();
        self.each_done(|d| done.push(d))?;
        Ok(done)
    }
}

/// Where the open decision is, if there is one: begun after the last done.
fn open_at(latest: &Latest) -> Option<u64> {
    latest.begun.filter(|&begun| latest.done.is_none_or(|done| done < begun))
}

/// The ledger, for appending.
pub(super) struct LedgerFile {
    pub(super) journal: Journal,
}

impl LedgerFile {
    /// Appends lines to the file, in one write, and to `ledger`. "Begun"
    /// lines are synced at once: nothing may be written before the
    /// decisions are durable. "Done" lines are synced together at the end of
    /// the run ([`LedgerFile::sync`]); a "done" lost in a crash is restored by
    /// reconciliation on the next run. A torn last line is ended first, so a
    /// record is never glued to it.
    pub(super) fn append(
        &self,
        ledger: &mut Ledger,
        stage: Stage,
        decisions: &[&Decision],
    ) -> Result<(), String> {
        if decisions.is_empty() {
            return Ok(());
        }
        let mut lines = Vec::new();
        for &decision in decisions {
            serde_json::to_writer(&mut lines, &LedgerLineOut { stage, decision })
                .expect("ledger lines serialise");
            lines.push(b'\n');
        }
        self.journal.append(&lines, matches!(stage, Stage::Begun)).map_err(|e| e.to_string())?;
        ledger.catch_up().map_err(|e| e.to_string())
    }

    /// Makes every line appended so far durable.
    pub(super) fn sync(&self) -> Result<(), String> {
        self.journal.sync().map_err(|e| e.to_string())
    }
}

/// Every statement the ledger records as done (latest decision per file),
/// and the ledger's damaged lines.
pub(super) fn done_decisions(records: &Records) -> Result<(Vec<Decision>, Vec<Damaged>), StoreError> {
    let ledger = Ledger::read(&records.ledger())?;
    Ok((ledger.done_decisions()?, ledger.damaged()))
}

/// The statements the ledger records as filed into a case: (statement ID,
/// file name, SHA-256) of each, for an export to account for.
pub fn filed_into(records: &Records, case_id: &str) -> Result<Vec<(String, String, String)>, StoreError> {
    let (done, _) = done_decisions(records)?;
    Ok(done
        .into_iter()
        .filter(|d| d.outcome == StatementOutcome::Assigned && d.case_id.as_deref() == Some(case_id))
        .map(|d| (d.fields.statement_id.unwrap_or_default(), d.dest_name, d.sha256))
        .collect())
}

/// One filed statement, as the board report counts it.
#[derive(Debug, Clone, Serialize)]
pub struct FiledStatement {
    /// When it was received and assigned.
    pub received: DateTime<Utc>,
    /// Assigned, unidentified or unreadable.
    pub outcome: StatementOutcome,
    /// Whether the Safety Link was triggered.
    pub safety_link: bool,
    /// Whether it was assigned within the target (assigned statements only).
    pub within_target: Option<bool>,
}

/// Every statement the ledger records as done, and the ledger's damaged
/// lines (which may have held more): from the summary index and the
/// ledger's lines after it.
pub fn filed_statements(records: &Records) -> Result<(Vec<FiledStatement>, Vec<Damaged>), StoreError> {
    let (done, damaged) = summaries(&records.ledger())?;
    let filed = done
        .into_iter()
        .map(|s| FiledStatement {
            received: s.received,
            outcome: s.outcome,
            safety_link: s.safety_link,
            within_target: s.sla_met.filter(|_| s.outcome == StatementOutcome::Assigned),
        })
        .collect();
    Ok((filed, damaged))
}

/// The whole decisions of these summaries, in one forward pass over the
/// ledger.
pub(super) fn decisions_of(records: &Records, wanted: &[&Summary]) -> Result<Vec<Decision>, StoreError> {
    let offsets: Vec<u64> = wanted.iter().map(|s| s.at).collect();
    let mut out = Vec::with_capacity(offsets.len());
    records.ledger().read_at::<LedgerLine>(&offsets, |_, line| out.push(line.decision))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decision(sha256: &str, dest_name: &str) -> Decision {
        let mut decision = Decision::unreadable(sha256.into(), "s.pdf".into(), DateTime::UNIX_EPOCH);
        decision.dest_name = dest_name.into();
        decision
    }

    #[test]
    fn lookups_find_the_latest_line_of_each_stage_as_the_file_grows() {
        let tmp = tempfile::tempdir().unwrap();
        let records = Records::new(crate::store::Layout::new(tmp.path()), crate::store::Modes::default());
        let file = LedgerFile { journal: records.ledger() };
        let a = "a".repeat(64);
        let mut ledger = Ledger::read(&file.journal).unwrap();
        file.append(&mut ledger, Stage::Begun, &[&decision(&a, "first")]).unwrap();
        assert!(ledger.done(&a).unwrap().is_none());
        assert_eq!(ledger.open(&a).unwrap().unwrap().dest_name, "first");
        file.append(&mut ledger, Stage::Done, &[&decision(&a, "first")]).unwrap();
        file.append(&mut ledger, Stage::Begun, &[&decision(&a, "second"), &decision("b", "other")]).unwrap();
        assert_eq!(ledger.open(&a).unwrap().unwrap().dest_name, "second", "begun after the last done: open");
        assert_eq!(ledger.done(&a).unwrap().unwrap().dest_name, "first");
        assert!(ledger.done("b").unwrap().is_none());
        assert!(ledger.open("c").unwrap().is_none());
        let open: Vec<String> = ledger.open_decisions().unwrap().into_iter().map(|d| d.dest_name).collect();
        assert_eq!(open, ["second", "other"], "in ledger order");
        // A second reader of the same file sees the same.
        let again = Ledger::read(&file.journal).unwrap();
        assert_eq!(again.done(&a).unwrap().unwrap().dest_name, "first");
        assert_eq!(again.done_decisions().unwrap().len(), 1);
        assert!(again.damaged().is_empty());
    }

    #[test]
    fn commands_read_the_summaries_the_holder_saved_and_the_ledger_after_them() {
        let tmp = tempfile::tempdir().unwrap();
        let records = Records::new(crate::store::Layout::new(tmp.path()), crate::store::Modes::default());
        let file = LedgerFile { journal: records.ledger() };
        let index = records.ledger().beside(summary::INDEX);
        let (a, b, c) = ("a".repeat(64), "b".repeat(64), "c".repeat(64));
        let mut ledger = Ledger::read(&file.journal).unwrap();
        file.append(&mut ledger, Stage::Begun, &[&decision(&a, "a1"), &decision(&b, "b1")]).unwrap();
        file.append(&mut ledger, Stage::Done, &[&decision(&a, "a1"), &decision(&b, "b1")]).unwrap();
        ledger.save_summaries().unwrap();
        let saved = std::fs::read_to_string(tmp.path().join("statements/ledger-index.jsonl")).unwrap();
        assert_eq!(saved.lines().count(), 4, "of, two done, to: {saved}");
        // Lines the holder has not saved yet are read from the ledger.
        file.append(&mut ledger, Stage::Done, &[&decision(&c, "c1"), &decision(&a, "a2")]).unwrap();
        let full = |ledger: &Ledger| -> Vec<String> {
            ledger.done_decisions().unwrap().into_iter().map(|d| d.sha256).collect()
        };
        let (done, damaged) = summaries(&file.journal).unwrap();
        let shas: Vec<String> = done.iter().map(|s| s.sha256.clone()).collect();
        assert_eq!(shas, full(&ledger), "the same statements as a whole read, in ledger order");
        assert_eq!(shas, [b.clone(), c.clone(), a.clone()]);
        assert!(damaged.is_empty());
        let a_latest = decisions_of(&records, &[&done[2]]).unwrap();
        assert_eq!(a_latest[0].dest_name, "a2", "the latest done decision");
        // A damaged index is not trusted: the ledger is read whole.
        ledger.save_summaries().unwrap();
        index.append(b"{\"line\": \"done\", torn\n", false).unwrap();
        assert_eq!(summaries(&file.journal).unwrap().0, done);
        // Nor is an index made from another ledger file (one restored from a backup).
        std::fs::write(
            tmp.path().join("statements/ledger.jsonl.new"),
            std::fs::read(file.journal.name()).unwrap(),
        )
        .unwrap();
        std::fs::rename(tmp.path().join("statements/ledger.jsonl.new"), file.journal.name()).unwrap();
        std::fs::OpenOptions::new().append(true).open(file.journal.name()).unwrap();
        let mut again = Ledger::read(&file.journal).unwrap();
        file.append(&mut again, Stage::Done, &[&decision(&"d".repeat(64), "d1")]).unwrap();
        assert_eq!(summaries(&file.journal).unwrap().0.len(), 4);
    }

    #[test]
    fn a_sha256_in_hex_is_its_bytes_and_anything_else_is_still_a_key() {
        assert_eq!(key(&"0f".repeat(32)), [0x0f; 32]);
        assert_ne!(key("b"), key("c"));
        assert_ne!(key(&"g".repeat(64)), key(&"h".repeat(64)));
    }
}
