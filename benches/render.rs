//! Render throughput: documents per second through the whole pipeline, and
//! its overhead over bare in-process Typst compile + PDF export of the very
//! same generated sources.
//!
//! `cargo bench --bench render [-- N]` (N copies of the sample cases, default 12).
//! Quick mode (`CASEPRESS_BENCH_QUICK=1`): one copy, every figure taken once.
//! `CASEPRESS_BENCH_BIN=PATH` runs the binary's figures with another build
//! (an earlier one, for a before-and-after).

#[path = "support/quick.rs"]
mod quick;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use casepress::batch::{self, Cases, KindSelection, Outcome, RenderOptions, Workers};
use casepress::case::{self, DisposalType};
use casepress::config::Config;
use casepress::press::Press;
use casepress::render::RenderRequest;
use casepress::rules;
use casepress::typeset::PdfMeta;
use chrono::NaiveDate;

// The allocator the `casepress` binary uses.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    if let Some(dir) = std::env::var_os(BARE_CHILD) {
        return bare_child(root, Path::new(&dir));
    }
    let copies = quick::size(12, 1);
    let day = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    // Every run writes into a new folder, and none is deleted until the end:
    // ext4 skips recently deleted inodes when it allocates, so deleting one
    // run's thousands of files would slow the next run's file creation.
    let outputs = Outputs(tmp.path().join("runs"), std::cell::Cell::new(0));
    let input = synthetic_cases(&root.join("samples/cases"), copies, tmp.path());

    let mut config = Config::load(&root.join("samples/casepress.toml")).unwrap();
    // The press lends its calendar, rules, templates and typesetter here: it writes nothing.
    let press = Press::new(config.clone()).unwrap();

    // The same documents the pipeline renders, as Typst sources. Applicable
    // documents that are history on the day (hearing passed, form sent,
    // case closed) are left alone by the pipeline, so they are counted
    // apart and not typeset here either.
    // Made by the press the pipeline uses, so both sides typeset the very
    // same sources (the service's letterhead and logo included) with the
    // same fonts and assets.
    let cases: Vec<_> = case::load_file(&input).into_iter().map(|c| c.unwrap().case).collect();
    let mut sources = Vec::new();
    let mut historic = 0;
    let started = Instant::now();
    for case in &cases {
        let facts = rules::derive_with(case, press.calendar(), day, &press.config().rules);
        // The engine's own choice of documents, so both sides count the same.
        for kind in KindSelection::Applicable.for_case(case, &facts) {
            if rules::historic(case, kind, &facts, day).is_some() {
                historic += 1;
                continue;
            }
            let req = RenderRequest {
                case,
                facts: &facts,
                kind,
                date: day,
                final_: false,
                log: &[],
                earlier_signatures: &[],
            };
            sources.push(press.render(req).unwrap().source);
        }
    }
    let docs = sources.len();
    let templating = started.elapsed();
    println!("documents: {docs} ({} cases; {historic} more applicable but history on the day)", cases.len());
    println!("rules + templates alone, 1 thread: {:.1} documents/s", docs as f64 / templating.as_secs_f64());

    // Warm-up: fonts parsed, layout memoised.
    for s in sources.iter().take(4) {
        press.typeset(s, &PdfMeta { ident: "w".into(), date: day }).unwrap();
    }
    let rate = |d: Duration| docs as f64 / d.as_secs_f64();
    // Bare typesetting runs on one plain thread, as each casepress render
    // worker does, so both get the same help from Typst's internal pool.
    let bare = || OneThread.install(|| typeset_all(&press, &sources, day));
    let inputs = [input.clone()];
    let pipeline_run = |threads: usize, config: &mut Config| {
        config.paths.output = outputs.next();
        let press = Press::new(config.clone()).unwrap();
        let opts = RenderOptions { jobs: threads, ..RenderOptions::new(day) };
        let t = Instant::now();
        let report =
            batch::render(&press, Cases::Paths(&inputs), &opts, &Workers::Threads, &batch::NoProgress)
                .unwrap();
        let took = t.elapsed();
        assert_eq!(outcomes(&report), [docs, 0, historic, 0], "[written, unchanged, historic, failed]");
        took
    };
    // The same, with Typst's helpers (page runs laid out in parallel, PDF
    // streams compressed in the background) held to the one core as well:
    // one core's worth of bare Typst, the yardstick for the two-core limit.
    let on_one_core = rayon::ThreadPoolBuilder::new()
        .num_threads(rayon::current_num_threads())
        .stack_size(32 << 20)
        .start_handler(|_| pin_this_thread_to_core(0).unwrap())
        .build()
        .unwrap();
    let bare_one_core = || on_one_core.install(|| typeset_all(&press, &sources, day));
    // Bare and casepress alternate, so a slow spell of the machine hits both.
    let (mut bare_best, mut one_best, mut core_best) = (Duration::MAX, Duration::MAX, Duration::MAX);
    let mut bare_cores = 0.0f64;
    for _ in 0..quick::rounds(3) {
        let cpu = cpu_time();
        let took = timed(bare);
        bare_cores = bare_cores.max((cpu_time() - cpu).as_secs_f64() / took.as_secs_f64());
        bare_best = bare_best.min(took);
        one_best = one_best.min(pipeline_run(1, &mut config));
        core_best = core_best.min(timed(bare_one_core));
    }
    println!("bare typst compile + PDF export, 1 thread: {:.1} documents/s", rate(bare_best));
    println!("  cores it kept busy (CPU time / wall time, most of the rounds): {bare_cores:.2}");
    println!("bare typst compile + PDF export, held to 1 core: {:.1} documents/s", rate(core_best));
    println!(
        "casepress render (load, rules, templates, typeset, atomic write + fsync, case log), 1 worker: {:.1} documents/s",
        rate(one_best)
    );
    println!(
        "overhead over bare typst, 1 thread: {:.1}%",
        (one_best.as_secs_f64() / bare_best.as_secs_f64() - 1.0) * 100.0
    );
    println!("ratio-vs-bare: {:.2} (goal ≥ 0.93)", bare_best.as_secs_f64() / one_best.as_secs_f64());

    // Incremental: a re-run over unchanged input renders nothing.
    {
        config.paths.output = outputs.next();
        let press = Press::new(config.clone()).unwrap();
        let opts = RenderOptions { jobs: 2, ..RenderOptions::new(day) };
        let render = || {
            batch::render(&press, Cases::Paths(&inputs), &opts, &Workers::Threads, &batch::NoProgress)
                .unwrap()
        };
        let first = timed(|| {
            let r = render();
            assert_eq!(outcomes(&r), [docs, 0, historic, 0], "[written, unchanged, historic, failed]");
        });
        let again = best_of(quick::rounds(3), || {
            let r = render();
            assert_eq!(outcomes(&r), [0, docs, historic, 0], "nothing rendered again");
        });
        println!(
            "first run {:.2} s, re-run over unchanged input {:.3} s",
            first.as_secs_f64(),
            again.as_secs_f64()
        );
        println!("ratio-rerun-faster: {:.0}", first.as_secs_f64() / again.as_secs_f64());
    }

    // Scaling, as a user runs it: the binary. A worker holds Typst's
    // parallel steps to its own thread (decision 0225), so `--jobs 1` uses
    // one core, and two jobs get both.
    let binary = |jobs: &str, pin: Option<usize>| {
        let (mut cmd, json) = binary_command(root, &input, jobs, &outputs);
        if let Some(core) = pin {
            pin_to_core(&mut cmd, core);
        }
        let took = timed(|| assert!(cmd.status().unwrap().success()));
        check_report(&json, [docs, 0, historic, 0]);
        took
    };
    let (mut one_core, mut one_job) = (Duration::MAX, Duration::MAX);
    for _ in 0..quick::rounds(3) {
        one_core = one_core.min(binary("1", Some(0)));
        one_job = one_job.min(binary("1", None));
    }
    // What this machine's two cores do at most: bare Typst in two processes
    // at once, each typesetting every document, warm; and the same with
    // Typst's parallel steps inline, as a render worker runs them. Each
    // round runs the two workers beside both, close in time: this
    // machine's speed drifts (a virtual machine shares its host), so a ratio
    // is only as good as its two sides are close in time. The order turns
    // about each round, so neither side always meets the same minute.
    let (mut two_jobs, mut bare_two, mut bare_two_inline) = (Duration::MAX, Duration::MAX, Duration::MAX);
    let (mut paired, mut paired_inline) = (Vec::new(), Vec::new());
    for round in 0..quick::rounds(5) {
        let bare_first = round % 2 == 1;
        let bare = bare_first.then(|| bare_in_processes(&sources, 2, tmp.path(), Bare::Default) / 2);
        let two = binary("2", None);
        let bare = bare.unwrap_or_else(|| bare_in_processes(&sources, 2, tmp.path(), Bare::Default) / 2);
        let inline = bare_in_processes(&sources, 2, tmp.path(), Bare::Inline) / 2;
        paired.push(bare.as_secs_f64() / two.as_secs_f64());
        paired_inline.push(inline.as_secs_f64() / two.as_secs_f64());
        two_jobs = two_jobs.min(two);
        bare_two = bare_two.min(bare);
        bare_two_inline = bare_two_inline.min(inline);
    }
    // One worker and bare Typst at the same moment, each held to a core of
    // its own, then the cores swapped: both meet the same spell of the
    // machine, which one after the other cannot promise.
    let mut side_by_side = Vec::new();
    for _ in 0..quick::rounds(2) {
        for worker_core in [1, 0] {
            let (mut cmd, json) = binary_command(root, &input, "1", &outputs);
            pin_to_core(&mut cmd, worker_core);
            let (worker, bare) = beside_bare(cmd, 1 - worker_core, tmp.path(), &sources);
            check_report(&json, [docs, 0, historic, 0]);
            side_by_side.push(bare.as_secs_f64() / worker.as_secs_f64());
        }
    }
    println!("casepress binary, --jobs 1 on one core: {:.1} documents/s", rate(one_core));
    println!("casepress binary, --jobs 1 unpinned: {:.1} documents/s", rate(one_job));
    println!("casepress binary, --jobs 2 (two worker processes): {:.1} documents/s", rate(two_jobs));
    println!("bare typst in 2 processes at once: {:.1} documents/s", rate(bare_two));
    println!(
        "bare typst in 2 processes at once, parallel steps inline: {:.1} documents/s",
        rate(bare_two_inline)
    );
    println!("speedup-2-jobs-vs-1-job-on-one-core: {:.2}", one_core.as_secs_f64() / two_jobs.as_secs_f64());
    println!("speedup-2-jobs-vs-1-job-unpinned: {:.2}", one_job.as_secs_f64() / two_jobs.as_secs_f64());
    println!("ratio-1-job-vs-bare-on-one-core: {:.2}", rate(one_core) / rate(core_best));
    println!(
        "ratio-1-job-vs-bare-side-by-side: {} (each held to a core, at the same time)",
        spread(side_by_side)
    );
    // How far two cores are from twice one: bare Typst's own score against
    // the yardstick below.
    println!("speedup-bare-2-processes-vs-1-thread: {:.2}", rate(bare_two) / rate(bare_best));
    // The yardstick: twice bare Typst on one thread.
    println!("ratio-2-workers-vs-twice-bare: {:.2} (goal ≥ 0.9)", rate(two_jobs) / (2.0 * rate(bare_best)));
    println!("ratio-2-workers-vs-twice-bare-on-one-core: {:.2}", rate(two_jobs) / (2.0 * rate(core_best)));
    // The limit as measured (decision 0224): bare Typst in two processes at
    // once. Judged fastest against fastest (decision 0226: the machine's
    // drift only slows a run, and pairs 13 s apart meet different spells);
    // the paired rounds' median and range show the spread.
    println!(
        "ratio-2-workers-vs-bare-2-processes: {:.2} best against best (goal ≥ 0.9); paired rounds {}",
        rate(two_jobs) / rate(bare_two),
        spread(paired)
    );
    println!(
        "ratio-2-workers-vs-bare-2-processes-inline: {:.2} best against best; paired rounds {}",
        rate(two_jobs) / rate(bare_two_inline),
        spread(paired_inline)
    );

    // For comparison: two render threads in one process (the library's
    // `render_paths`), which share Typst's memo cache.
    let two_threads = (0..quick::rounds(3)).map(|_| pipeline_run(2, &mut config)).min().unwrap();
    println!("casepress render, 2 threads in one process: {:.1} documents/s", rate(two_threads));
    println!("speedup-2-threads-in-process: {:.2}", one_best.as_secs_f64() / two_threads.as_secs_f64());
}

/// How many items of a batch were [written, unchanged, historic, failed].
fn outcomes(report: &batch::BatchReport) -> [usize; 4] {
    let mut n = [0; 4];
    for item in &report.items {
        n[match item.outcome {
            Outcome::Written { .. } => 0,
            Outcome::Unchanged { .. } => 1,
            Outcome::Historic { .. } => 2,
            Outcome::Failed { .. } => 3,
        }] += 1;
    }
    n
}

/// A new output folder for every run.
struct Outputs(PathBuf, std::cell::Cell<usize>);

impl Outputs {
    fn next(&self) -> PathBuf {
        self.1.set(self.1.get() + 1);
        self.0.join(self.1.get().to_string())
    }
}

/// `casepress render` of the batch with `jobs` workers into a new folder,
/// its JSON report to a file beside it (read once the clock stops).
fn binary_command(
    root: &Path,
    input: &Path,
    jobs: &str,
    outputs: &Outputs,
) -> (std::process::Command, PathBuf) {
    let out = outputs.next();
    let json = out.with_extension("json");
    let binary =
        std::env::var_os("CASEPRESS_BENCH_BIN").unwrap_or_else(|| env!("CARGO_BIN_EXE_casepress").into());
    let mut cmd = std::process::Command::new(binary);
    // The sample service's config, as on the other side: the same
    // letterhead and logo in every document.
    cmd.args(["render", "--date", "2026-11-23", "--json", "--jobs", jobs, "--config"])
        .arg(root.join("samples/casepress.toml"))
        .arg("--out")
        .arg(&out)
        .arg(input)
        .stdout(std::fs::File::create(&json).unwrap());
    (cmd, json)
}

/// Asserts the binary's JSON report counts `[written, unchanged, historic, failed]`.
fn check_report(json: &Path, expected: [usize; 4]) {
    let report: batch::BatchReport = serde_json::from_slice(&std::fs::read(json).unwrap()).unwrap();
    assert_eq!(outcomes(&report), expected, "[written, unchanged, historic, failed]");
}

/// Holds the child to one CPU.
fn pin_to_core(cmd: &mut std::process::Command, core: usize) {
    use std::os::unix::process::CommandExt;
    // SAFETY: only an async-signal-safe libc call between fork and exec.
    unsafe { cmd.pre_exec(move || pin_this_thread_to_core(core)) };
}

/// The median of `ratios` with their range, as `0.93 (0.90–0.95, 5 runs)`.
fn spread(mut ratios: Vec<f64>) -> String {
    ratios.sort_by(f64::total_cmp);
    let n = ratios.len();
    // The median of an even count is the mean of the middle two.
    let median = (ratios[(n - 1) / 2] + ratios[n / 2]) / 2.0;
    format!("{median:.2} ({:.2}–{:.2}, {n} runs)", ratios[0], ratios[n - 1])
}

/// Runs `worker` while a bare child, held to `bare_core`, typesets every
/// source; both start together once the child is warm. Their times.
fn beside_bare(
    mut worker: std::process::Command,
    bare_core: usize,
    tmp: &Path,
    sources: &[String],
) -> (Duration, Duration) {
    let mut bare = BareChildren::start(sources, 1, tmp, Bare::Default, Some(bare_core));
    let started = Instant::now();
    bare.go();
    let mut worker = worker.spawn().unwrap();
    let bare_thread = std::thread::spawn(move || {
        bare.wait();
        started.elapsed()
    });
    assert!(worker.wait().unwrap().success());
    let worker_took = started.elapsed();
    (worker_took, bare_thread.join().unwrap())
}

/// Set in a child of this benchmark: the folder of Typst sources it typesets.
const BARE_CHILD: &str = "CASEPRESS_BENCH_BARE_SOURCES";
/// Set beside it when the child runs Typst's parallel steps inline.
const BARE_INLINE: &str = "CASEPRESS_BENCH_BARE_INLINE";

/// How a bare child runs Typst.
#[derive(Clone, Copy)]
enum Bare {
    /// As Typst's own command line does: compile on one thread, parallel
    /// steps on the process's rayon pool.
    Default,
    /// Parallel steps inline on the compiling thread, as a render worker does.
    Inline,
}

/// Typesets the same sources in `n` child processes of this benchmark at
/// once; the time from "go" until the last has finished.
fn bare_in_processes(sources: &[String], n: usize, tmp: &Path, how: Bare) -> Duration {
    let mut children = BareChildren::start(sources, n, tmp, how, None);
    let started = Instant::now();
    children.go();
    children.wait();
    started.elapsed()
}

/// Bare children, warm and waiting for "go".
struct BareChildren(Vec<std::process::Child>);

impl BareChildren {
    /// Starts `n` children, optionally held to one core, and waits until
    /// each says "ready" (fonts parsed, memo warm).
    fn start(sources: &[String], n: usize, tmp: &Path, how: Bare, core: Option<usize>) -> Self {
        use std::io::BufRead;
        let dir = tmp.join("bare-sources");
        if !dir.exists() {
            std::fs::create_dir(&dir).unwrap();
            for (i, s) in sources.iter().enumerate() {
                std::fs::write(dir.join(format!("{i}.typ")), s).unwrap();
            }
        }
        let mut children: Vec<_> = (0..n)
            .map(|_| {
                let mut cmd = std::process::Command::new(std::env::current_exe().unwrap());
                cmd.env(BARE_CHILD, &dir)
                    .stdin(std::process::Stdio::piped())
                    .stdout(std::process::Stdio::piped());
                if matches!(how, Bare::Inline) {
                    cmd.env(BARE_INLINE, "1");
                }
                if let Some(core) = core {
                    pin_to_core(&mut cmd, core);
                }
                cmd.spawn().unwrap()
            })
            .collect();
        for c in &mut children {
            let mut line = String::new();
            std::io::BufReader::new(c.stdout.take().unwrap()).read_line(&mut line).unwrap();
            assert_eq!(line.trim(), "ready");
        }
        Self(children)
    }

    fn go(&mut self) {
        use std::io::Write;
        for c in &mut self.0 {
            writeln!(c.stdin.take().unwrap(), "go").unwrap();
        }
    }

    fn wait(self) {
        for mut c in self.0 {
            assert!(c.wait().unwrap().success());
        }
    }
}

/// A child of [`bare_in_processes`]: warms up, says "ready", waits for
/// "go", typesets every source in `dir` on one thread, and exits.
fn bare_child(root: &Path, dir: &Path) {
    let config = Config::load(&root.join("samples/casepress.toml")).unwrap();
    let press = Press::new(config).unwrap();
    let day = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let sources: Vec<String> = (0..)
        .map(|i| dir.join(format!("{i}.typ")))
        .take_while(|p| p.exists())
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    let run = |f: &(dyn Fn() + Sync)| match std::env::var_os(BARE_INLINE) {
        Some(_) => Inline::new().install(f),
        None => OneThread.install(f),
    };
    run(&|| typeset_all(&press, &sources[..4.min(sources.len())], day));
    println!("ready");
    let mut go = String::new();
    std::io::stdin().read_line(&mut go).unwrap();
    run(&|| typeset_all(&press, &sources, day));
}

/// Bare Typst: compile and export each source, nothing else.
fn typeset_all(press: &Press, sources: &[String], day: NaiveDate) {
    for (i, s) in sources.iter().enumerate() {
        press.typeset(s, &PdfMeta { ident: i.to_string(), date: day }).unwrap();
    }
}

/// Holds the calling thread (not the process) to one CPU.
fn pin_this_thread_to_core(core: usize) -> std::io::Result<()> {
    // SAFETY: a zeroed cpu_set_t is a valid empty set; sched_setaffinity reads it.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_SET(core, &mut set);
        if libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set) != 0 {
            return Err(std::io::Error::last_os_error());
        }
    }
    Ok(())
}

/// CPU time used so far by every thread of this process.
fn cpu_time() -> Duration {
    // SAFETY: getrusage fills the zeroed struct it is given.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    };
    let time = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    time(usage.ru_utime) + time(usage.ru_stime)
}

/// `copies` copies of every sample case, each with its own case id, as NDJSON.
fn synthetic_cases(samples: &Path, copies: usize, dir: &Path) -> PathBuf {
    let files = case::discover(&[samples.to_owned()]).unwrap();
    let originals: Vec<_> = files.iter().flat_map(|f| case::load_file(f)).map(|c| c.unwrap().case).collect();
    let mut lines = String::new();
    for n in 0..copies {
        for original in &originals {
            let mut c = original.clone();
            c.case_id = format!("{}-B{n:04}", c.case_id).try_into().unwrap();
            // Vary the text a little so no two documents are identical.
            if let Some(order) = &mut c.order {
                order.length_months = Some(3 + (n % 10) as u16);
                let _: DisposalType = order.kind;
            }
            lines.push_str(&serde_json::to_string(&c).unwrap());
            lines.push('\n');
        }
    }
    let path = dir.join("bench.ndjson");
    std::fs::write(&path, lines).unwrap();
    path
}

/// Runs work on one fresh plain thread with a large stack, like a render worker.
struct OneThread;

impl OneThread {
    fn install(&self, f: impl FnOnce() + Send) {
        std::thread::scope(|s| {
            std::thread::Builder::new().stack_size(32 << 20).spawn_scoped(s, f).unwrap().join().unwrap();
        });
    }
}

/// A one-thread rayon pool with a large stack: Typst's parallel steps run
/// inline on the thread that compiles, as in a render worker.
struct Inline(rayon::ThreadPool);

impl Inline {
    fn new() -> Self {
        Self(rayon::ThreadPoolBuilder::new().num_threads(1).stack_size(32 << 20).build().unwrap())
    }

    fn install(&self, f: impl FnOnce() + Send) {
        self.0.install(f)
    }
}

/// The fastest of `n` runs: the least disturbed by the rest of the machine.
fn best_of(n: usize, mut f: impl FnMut()) -> Duration {
    (0..n).map(|_| timed(&mut f)).min().unwrap()
}

fn timed(f: impl FnOnce()) -> Duration {
    let t = Instant::now();
    f();
    t.elapsed()
}
