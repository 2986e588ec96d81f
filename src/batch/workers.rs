//! Rendering in worker processes: `--jobs N` starts N children of the
//! casepress binary (its hidden `worker` command). The parent loads and
//! checks the batch once, then hands each worker a case at a time (a couple
//! in hand), as JSON. The work balances itself, progress is live, workers
//! hold no more than the cases in their hands, and a child that dies costs
//! only the case that killed it: the others it held are tried again
//! elsewhere.
//!
//! Why processes: Typst's memo cache (comemo) is global to a process, so
//! render threads in one process contend on it; processes share nothing.
//!
//! The protocol is JSON lines, and this module owns all of it. The parent
//! writes a [`Setup`] line (the resolved config and the render options),
//! then a [`Job`] per line to the child's stdin, and closes it when the
//! batch is handed out. The child writes a [`Message`] per line to stdout:
//! [`Message::Ready`] once set up, then [`Message::Case`] per case stored.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::options::{Cases, RenderOptions};
use super::report::{BatchReport, ItemReport, Outcome, Progress};
use crate::case::{LoadedCase, load_each};
use crate::config::Config;
use crate::failure::Stage;
use crate::press::{Press, SetupError};

/// Cases a child holds at once: one rendering, one waiting, so it never
/// idles for a round trip to the parent.
const IN_HAND: usize = 2;

/// The first line of a worker's stdin: everything it needs to render as
/// the parent would.
#[derive(Debug, Serialize, Deserialize)]
struct Setup<'a> {
    config: Cow<'a, Config>,
    options: Cow<'a, RenderOptions>,
}

/// One line of a worker's stdin after the setup: a case to render.
#[derive(Debug, Serialize, Deserialize)]
struct Job<'a> {
    /// Its position in the batch.
    index: usize,
    /// Where it was loaded from, for messages.
    file: Cow<'a, str>,
    line: usize,
    /// The case, as loaded and validated by the parent.
    #[serde(borrow)]
    case: &'a RawValue,
}

/// One line of a worker's stdout.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "message", rename_all = "kebab-case")]
enum Message {
    /// Set up (config, templates, fonts) and waiting for jobs.
    Ready,
    /// One case rendered and stored.
    Case {
        /// Its position in the batch.
        index: usize,
        /// One item per document.
        items: Vec<ItemReport>,
    },
}

/// A case of the batch, kept by the parent: how to report it, and its JSON
/// to hand to a worker (again, if a worker dies holding it).
struct BatchCase {
    case_id: String,
    file: PathBuf,
    line: usize,
    json: Box<RawValue>,
}

impl BatchCase {
    fn of(c: &LoadedCase) -> Self {
        Self {
            json: serde_json::value::to_raw_value(&c.case).expect("a case serialises"),
            case_id: c.case.case_id.to_string(),
            file: c.file.clone(),
            line: c.line,
        }
    }
}

/// The worker's side (the binary's hidden `worker` command): reads the
/// setup line, reports ready, then renders each job read from `input`
/// and reports its items on `output`, until `input` ends.
pub fn serve_worker(input: impl BufRead + Send, output: impl Write) -> Result<(), SetupError> {
    let mut lines = input.lines();
    let first = lines.next().and_then(Result::ok).unwrap_or_default();
    let setup: Setup = serde_json::from_str(&first)
        .map_err(|e| SetupError::Input(format!("worker: expected a setup line from casepress: {e}")))?;
    // The parent runs one worker per job, and the render thread is its own
    // rayon pool (decision 0225): anything else that reaches for rayon (set-up)
    // gets one thread, not one per core.
    let _ = rayon::ThreadPoolBuilder::new().num_threads(1).build_global();
    // Cases are read with the parent's catalogue of disposals.
    if let Some(catalogue) = setup.config.disposals.loaded.clone() {
        catalogue.install();
    }
    let press = Press::new(setup.config.into_owned())?;
    let opts = setup.options.into_owned();
    let mut output = output;
    let mut send = |message: &Message| {
        let mut line = serde_json::to_vec(message).expect("worker messages serialise");
        line.push(b'\n');
        // A parent that has gone away cannot be told; the work is on disk.
        let _ = output.write_all(&line).and_then(|()| output.flush());
    };
    send(&Message::Ready);
    let lines = Mutex::new(lines);
    let claim = || {
        let line = lines.lock().expect("the input lock is never poisoned").next()?.ok()?;
        // The parent wrote it from a case it validated: it parses.
        let job: Job = serde_json::from_str(&line).ok()?;
        let case = serde_json::from_str(job.case.get()).ok()?;
        let file = PathBuf::from(job.file.into_owned());
        Some((job.index, Cow::Owned(LoadedCase { case, file, line: job.line })))
    };
    super::engine::render_claimed(&press, &opts, super::engine::Threads::Inline, &claim, |index, items| {
        send(&Message::Case { index, items });
    });
    Ok(())
}

/// Renders `cases` in `opts.jobs` worker processes of the casepress binary
/// `exe`, and merges their items in batch order. `progress` is called once
/// per item as the workers report them.
pub(super) fn render_in_processes(
    exe: &Path,
    press: &Press,
    cases: Cases<'_>,
    opts: &RenderOptions,
    progress: &dyn Progress,
) -> Result<BatchReport, SetupError> {
    // Each case is kept as JSON text as soon as it is parsed: several times
    // smaller than the parsed case, and never all parsed at once.
    let (batch, failures) = match cases {
        Cases::Loaded(c) => (c.cases.iter().map(BatchCase::of).collect(), c.failures.clone()),
        Cases::Paths(paths) => {
            let mut batch = Vec::new();
            let failures = load_each(paths, &press.config().limits, |c| batch.push(BatchCase::of(&c)))?;
            (batch, failures)
        }
    };
    progress.counted(batch.len() + failures.len());
    let mut items: Vec<ItemReport> = failures.iter().map(ItemReport::load_failed).collect();
    items.iter().for_each(|i| progress.item(i));
    let setup = Setup {
        config: Cow::Borrowed(press.config()),
        options: Cow::Owned(RenderOptions { jobs: 1, ..opts.clone() }),
    };
    let setup = serde_json::to_string(&setup).expect("a worker setup serialises");
    let workers = opts.jobs.clamp(1, batch.len().max(1));
    let shared = Shared {
        next: AtomicUsize::new(0),
        retry: Mutex::new(VecDeque::new()),
        batch: &batch,
        workers,
        progress,
        exe,
        setup: &setup,
    };
    let driven: Vec<Result<Rendered, SetupError>> = std::thread::scope(|scope| {
        let drivers: Vec<_> = (0..workers)
            .map(|w| {
                let shared = &shared;
                scope.spawn(move || drive(w, shared))
            })
            .collect();
        drivers.into_iter().map(|d| d.join().expect("a worker driver does not panic")).collect()
    });
    let mut cases = Vec::new();
    for d in driven {
        cases.extend(d?);
    }
    cases.sort_by_key(|(i, _)| *i);
    let mut reported = vec![false; batch.len()];
    for (i, case_items) in cases {
        reported[i] = true;
        items.extend(case_items);
    }
    // Every position is reported once: by the worker that stored it, by
    // the driver of a worker that died holding it, or here.
    for (case, _) in batch.iter().zip(&reported).filter(|(_, seen)| !**seen) {
        let item = case_failed(case, "not rendered: every worker process stopped".into());
        progress.item(&item);
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
    batch: &'a [BatchCase],
    /// How many workers the batch runs.
    workers: usize,
    progress: &'a dyn Progress,
    /// The casepress binary, and the setup line every worker is given first.
    exe: &'a Path,
    setup: &'a str,
}

impl Shared<'_> {
    /// How many positions were never handed out.
    fn remaining(&self) -> usize {
        self.batch.len().saturating_sub(self.next.load(Ordering::Relaxed))
    }

    /// Whether any position is still to be handed out.
    fn has_work(&self) -> bool {
        self.next.load(Ordering::Relaxed) < self.batch.len()
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
        if i < self.batch.len() { Claim::Case(i, 0) } else { Claim::Done }
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

/// Items by batch position.
type Rendered = Vec<(usize, Vec<ItemReport>)>;

/// Runs worker `w`, starting it again if it dies while work remains.
fn drive(w: usize, shared: &Shared<'_>) -> Result<Rendered, SetupError> {
    let mut done = Vec::new();
    for start in 0..=MAX_RESTARTS {
        if start > 0 && !shared.has_work() {
            break;
        }
        match session(w, shared, &mut done)? {
            Ended::Finished if !shared.has_work() => break,
            Ended::Finished | Ended::Died => {}
        }
    }
    Ok(done)
}

/// How a worker process's session ended.
enum Ended {
    /// It rendered all it was given and the batch is handed out.
    Finished,
    /// It stopped answering; what it held is queued again or failed.
    Died,
}

/// One worker process, from start to exit.
fn session(w: usize, shared: &Shared<'_>, done: &mut Rendered) -> Result<Ended, SetupError> {
    let exe = shared.exe;
    let mut child = Command::new(exe)
        .arg("worker")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| SetupError::Input(format!("{}: cannot start a worker process: {e}", exe.display())))?;
    let mut stdin = child.stdin.take();
    // A worker that cannot read its setup says why on stderr and exits.
    if let Some(pipe) = stdin.as_mut() {
        let _ = writeln!(pipe, "{}", shared.setup).and_then(|()| pipe.flush());
    }
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

    let Some(Message::Ready) = next_message() else {
        drop(stdin);
        let status = finish(child);
        let said = errors.join().unwrap_or_default();
        let said = said.trim().trim_start_matches("error: ");
        return Err(SetupError::Input(if said.is_empty() {
            format!("worker process {w} could not start ({status})")
        } else {
            said.to_owned()
        }));
    };

    let mut in_hand = VecDeque::new();
    hand_out(&mut stdin, &mut in_hand, shared);
    while !in_hand.is_empty() {
        let Some(Message::Case { index, items }) = next_message() else { break };
        in_hand.retain(|&(i, _)| i != index);
        items.iter().for_each(|i| shared.progress.item(i));
        done.push((index, items));
        hand_out(&mut stdin, &mut in_hand, shared);
    }
    drop(stdin);
    let status = finish(child);
    let said = errors.join().unwrap_or_default();
    if in_hand.is_empty() {
        return Ok(Ended::Finished);
    }
    // It died holding these. One of them may have killed it: each gets one
    // more try on a fresh worker, alone, and fails if that worker dies too.
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
            let item = case_failed(&shared.batch[i], reason);
            shared.progress.item(&item);
            done.push((i, vec![item]));
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
    // A retried position is rendered alone. Near the end of the batch a
    // worker holds one case only, so that no worker idles while another
    // still has one waiting in its hand.
    while in_hand.len() < IN_HAND && in_hand.iter().all(|&(_, deaths)| deaths == 0) {
        if !in_hand.is_empty() && shared.remaining() <= shared.workers {
            return;
        }
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
        let case = &shared.batch[i];
        let job = Job { index: i, file: case.file.to_string_lossy(), line: case.line, case: &case.json };
        let job = serde_json::to_string(&job).expect("a job serialises");
        if writeln!(pipe, "{job}").and_then(|()| pipe.flush()).is_err() {
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

fn case_failed(case: &BatchCase, reason: String) -> ItemReport {
    ItemReport {
        case_id: Some(case.case_id.clone()),
        file: case.file.clone(),
        kind: None,
        outcome: Outcome::Failed {
            stage: Stage::Worker,
            reason: format!("{}: case `{}`: {reason}", case.file.display(), case.case_id),
        },
    }
}
