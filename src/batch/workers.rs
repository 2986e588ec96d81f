//! Rendering in worker processes: `--jobs N` starts N children of the
//! casepress binary (`render … --worker`). Each loads the same batch, then
//! renders the cases the parent hands it, by position, a couple at a time.
//! The work balances itself, progress is live, and a child that dies costs
//! only the cases in its hands, which are reported as failed.
//!
//! Why processes: Typst's memo cache (comemo) is global to a process, so
//! render threads in one process contend on it; processes share nothing.
//!
//! The protocol is JSON lines. The child's stdout carries a [`Message`] per
//! line: first [`Message::Loaded`], then one [`Message::Case`] per case
//! stored. The parent writes one case position per line to the child's
//! stdin and closes it when the batch is handed out.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

use serde::{Deserialize, Serialize};

use super::{BatchReport, ItemReport, Outcome, Pipeline, RenderOptions, SetupError};

/// Cases a child holds at once: one rendering, one waiting, so it never
/// idles for a round trip to the parent.
const IN_HAND: usize = 2;

/// One line of a worker's stdout.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "message", rename_all = "kebab-case")]
enum Message {
    /// The batch as this worker loaded it.
    Loaded {
        /// Every case, in batch order: what the parent hands out by position.
        cases: Vec<CaseRef>,
        /// Files and cases that failed to load (reported by worker 0 only).
        items: Vec<ItemReport>,
    },
    /// One case rendered and stored.
    Case {
        /// Its position in the batch.
        index: usize,
        /// One item per document.
        items: Vec<ItemReport>,
    },
}

/// A case's identity, for reporting a case whose worker died.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct CaseRef {
    case_id: String,
    file: PathBuf,
}

impl Pipeline {
    /// The worker's side: loads the batch, reports it, then renders each
    /// position read from `input` and reports its items on `output`, until
    /// `input` ends.
    pub fn serve_worker(
        &self,
        inputs: &[PathBuf],
        opts: &RenderOptions,
        input: impl BufRead + Send,
        output: impl Write,
    ) -> Result<(), SetupError> {
        let (cases, items) = self.load_batch(inputs, opts)?;
        let refs = cases
            .iter()
            .map(|c| CaseRef { case_id: c.case.case_id.to_string(), file: c.file.clone() })
            .collect();
        let mut output = output;
        let mut send = |message: &Message| {
            let mut line = serde_json::to_vec(message).expect("worker messages serialise");
            line.push(b'\n');
            // A parent that has gone away cannot be told; the work is on disk.
            let _ = output.write_all(&line).and_then(|()| output.flush());
        };
        send(&Message::Loaded { cases: refs, items });
        let lines = Mutex::new(input.lines());
        let claim = || {
            let mut lines = lines.lock().expect("the input lock is never poisoned");
            lines.next()?.ok()?.trim().parse().ok()
        };
        self.render_claimed(&cases, opts, opts.jobs.max(1), &claim, |index, items| {
            send(&Message::Case { index, items });
        });
        Ok(())
    }
}

/// Renders in `n` worker processes of the casepress binary `exe`, each given
/// `args` (a `render` command line) plus `--worker --jobs 1 --json
/// --no-run-record`, and merges their items in batch order. `progress` is
/// called once per item as the workers report them.
pub fn render_in_processes(
    exe: &Path,
    args: &[std::ffi::OsString],
    n: usize,
    progress: &(dyn Fn(&ItemReport) + Sync),
) -> Result<BatchReport, SetupError> {
    let shared = Shared {
        next: AtomicUsize::new(0),
        retry: Mutex::new(VecDeque::new()),
        batch: OnceLock::new(),
        progress,
    };
    let driven: Vec<Result<Driven, SetupError>> = std::thread::scope(|scope| {
        let drivers: Vec<_> = (0..n.max(1))
            .map(|w| {
                let shared = &shared;
                scope.spawn(move || drive(exe, args, w, shared))
            })
            .collect();
        drivers.into_iter().map(|d| d.join().expect("a worker driver does not panic")).collect()
    });
    let mut items = Vec::new();
    let mut cases = Vec::new();
    for d in driven {
        let d = d?;
        items.extend(d.load_failures);
        cases.extend(d.cases);
    }
    cases.sort_by_key(|(i, _)| *i);
    let batch = shared.batch.get().map(Vec::as_slice).unwrap_or_default();
    let mut reported = vec![false; batch.len()];
    for (i, case_items) in cases {
        reported[i] = true;
        items.extend(case_items);
    }
    // Every position is reported once: by the worker that stored it, by
    // the driver of a worker that died holding it, or here.
    for (case, _) in batch.iter().zip(&reported).filter(|(_, seen)| !**seen) {
        let item = case_failed(case, "not rendered: every worker process stopped".into());
        progress(&item);
        items.push(item);
    }
    Ok(BatchReport { items })
}

/// What the drivers of all workers share.
struct Shared<'a> {
    /// The next position never handed out.
    next: AtomicUsize,
    /// Positions a worker held when it died, with how many workers died
    /// holding each: handed out again before new ones.
    retry: Mutex<VecDeque<(usize, u32)>>,
    /// The batch, as the first worker to load it reported it.
    batch: OnceLock<Vec<CaseRef>>,
    progress: &'a (dyn Fn(&ItemReport) + Sync),
}

impl Shared<'_> {
    /// Whether any position is still to be handed out.
    fn has_work(&self) -> bool {
        let len = self.batch.get().map_or(0, Vec::len);
        self.next.load(Ordering::Relaxed) < len
            || !self.retry.lock().expect("the retry lock is never poisoned").is_empty()
    }

    /// The next position for a worker whose hand is `empty`. A position
    /// that was in hand when a worker died goes to an empty hand only, so
    /// that if it kills this worker too, it alone is failed.
    fn claim(&self, empty: bool) -> Claim {
        let mut retry = self.retry.lock().expect("the retry lock is never poisoned");
        if !retry.is_empty() {
            return match empty {
                true => retry.pop_front().map_or(Claim::Wait, |(i, deaths)| Claim::Case(i, deaths)),
                false => Claim::Wait,
            };
        }
        drop(retry);
        let i = self.next.fetch_add(1, Ordering::Relaxed);
        if i < self.batch.get().map_or(0, Vec::len) { Claim::Case(i, 0) } else { Claim::Done }
    }
}

/// What a worker is handed next.
enum Claim {
    /// This position, at which this many workers have died.
    Case(usize, u32),
    /// Nothing until its hand is empty.
    Wait,
    /// Nothing: the batch is handed out.
    Done,
}

/// What one worker did.
struct Driven {
    /// Files and cases that failed to load (from worker 0 only).
    load_failures: Vec<ItemReport>,
    /// Items by batch position.
    cases: Vec<(usize, Vec<ItemReport>)>,
}

/// Runs worker `w`, starting it again if it dies while work remains.
fn drive(
    exe: &Path,
    args: &[std::ffi::OsString],
    w: usize,
    shared: &Shared<'_>,
) -> Result<Driven, SetupError> {
    let mut driven = Driven { load_failures: Vec::new(), cases: Vec::new() };
    for start in 0..=MAX_RESTARTS {
        if start > 0 && !shared.has_work() {
            break;
        }
        match session(exe, args, w, start, shared, &mut driven)? {
            Ended::Finished if !shared.has_work() => break,
            Ended::Finished | Ended::Died => {}
        }
    }
    Ok(driven)
}

/// How a worker process's session ended.
enum Ended {
    /// It rendered all it was given and the batch is handed out.
    Finished,
    /// It stopped answering; what it held is queued again or failed.
    Died,
}

/// One worker process, from start to exit.
fn session(
    exe: &Path,
    args: &[std::ffi::OsString],
    w: usize,
    start: u32,
    shared: &Shared<'_>,
    driven: &mut Driven,
) -> Result<Ended, SetupError> {
    let mut child = Command::new(exe)
        .args(args)
        .args(["--worker", "--jobs", "1", "--json", "--no-run-record"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| SetupError::Input(format!("{}: cannot start a worker process: {e}", exe.display())))?;
    let mut stdin = child.stdin.take();
    let mut lines = BufReader::new(child.stdout.take().expect("stdout is piped")).lines();
    // Drained on its own thread so a chatty worker never blocks on a full pipe.
    let mut stderr = child.stderr.take().expect("stderr is piped");
    let errors = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = std::io::Read::read_to_string(&mut stderr, &mut text);
        text
    });
    let mut next_message =
        || lines.next().and_then(Result::ok).and_then(|l| serde_json::from_str::<Message>(&l).ok());

    let Some(Message::Loaded { cases, items }) = next_message() else {
        drop(stdin);
        let status = finish(child);
        let said = errors.join().unwrap_or_default();
        let said = said.trim().trim_start_matches("error: ");
        return Err(SetupError::Input(if said.is_empty() {
            format!("worker process {w} could not load the batch ({status})")
        } else {
            said.to_owned()
        }));
    };
    let batch = shared.batch.get_or_init(|| cases.clone());
    if *batch != cases {
        let _ = child.kill();
        finish(child);
        return Err(SetupError::Input(
            "the worker processes loaded different cases: did the input change while the render started?"
                .into(),
        ));
    }
    if w == 0 && start == 0 {
        items.iter().for_each(shared.progress);
        driven.load_failures = items;
    }

    let mut in_hand = VecDeque::new();
    hand_out(&mut stdin, &mut in_hand, shared);
    while !in_hand.is_empty() {
        let Some(Message::Case { index, items }) = next_message() else { break };
        in_hand.retain(|&(i, _)| i != index);
        items.iter().for_each(shared.progress);
        driven.cases.push((index, items));
        hand_out(&mut stdin, &mut in_hand, shared);
    }
    drop(stdin);
    let status = finish(child);
    let said = errors.join().unwrap_or_default();
    if in_hand.is_empty() {
        return Ok(Ended::Finished);
    }
    // It died holding these. One of them may have killed it: each gets one
    // more try on a fresh worker, and fails if a second worker dies with it.
    let last_words = said.lines().rfind(|l| !l.trim().is_empty()).map(|l| format!(": {}", l.trim()));
    let mut retry = shared.retry.lock().expect("the retry lock is never poisoned");
    for (i, deaths) in in_hand {
        if deaths + 1 < MAX_DEATHS_PER_CASE {
            retry.push_back((i, deaths + 1));
        } else {
            let reason = format!(
                "the worker process rendering it stopped ({status}){}",
                last_words.clone().unwrap_or_default()
            );
            let item = case_failed(&batch[i], reason);
            (shared.progress)(&item);
            driven.cases.push((i, vec![item]));
        }
    }
    Ok(Ended::Died)
}

/// Times a driver starts its worker again after it dies.
const MAX_RESTARTS: u32 = 3;

/// Worker deaths a case may be present at before it is failed.
const MAX_DEATHS_PER_CASE: u32 = 2;

/// Tops the worker up to [`IN_HAND`] positions; closes its stdin once the
/// batch is all handed out, which tells it to finish.
fn hand_out(stdin: &mut Option<ChildStdin>, in_hand: &mut VecDeque<(usize, u32)>, shared: &Shared<'_>) {
    // A retried position is rendered alone.
    while in_hand.len() < IN_HAND && in_hand.iter().all(|&(_, deaths)| deaths == 0) {
        let Some(pipe) = stdin.as_mut() else { return };
        let (i, deaths) = match shared.claim(in_hand.is_empty()) {
            Claim::Case(i, deaths) => (i, deaths),
            Claim::Wait => return,
            Claim::Done => {
                *stdin = None;
                return;
            }
        };
        // A write to a worker that is gone fails; the position stays in
        // hand and is dealt with as the worker's death.
        in_hand.push_back((i, deaths));
        if writeln!(pipe, "{i}").and_then(|()| pipe.flush()).is_err() {
            *stdin = None;
            return;
        }
    }
}

fn finish(mut child: Child) -> String {
    match child.wait() {
        Ok(status) => status.to_string(),
        Err(e) => e.to_string(),
    }
}

fn case_failed(case: &CaseRef, reason: String) -> ItemReport {
    ItemReport {
        case_id: Some(case.case_id.clone()),
        file: case.file.clone(),
        kind: None,
        outcome: Outcome::Failed {
            reason: format!("{}: case `{}`: {reason}", case.file.display(), case.case_id),
        },
    }
}
