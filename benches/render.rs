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
        .start_handler(|_| pin_this_thread_to_first_core().unwrap())
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

    // Scaling, as a user runs it: the binary. One render worker has helpers
    // (Typst's own pool, the writer thread), so unpinned `--jobs 1` already
    // borrows part of the second core. The one-thread rate is therefore
    // `--jobs 1` held to one core; two jobs get both cores.
    let binary = |jobs: &str, one_core: bool| {
        // The report goes to a file beside the output, read once the clock stops.
        let out = outputs.next();
        let json = out.with_extension("json");
        let binary =
            std::env::var_os("CASEPRESS_BENCH_BIN").unwrap_or_else(|| env!("CARGO_BIN_EXE_casepress").into());
        let mut cmd = std::process::Command::new(binary);
        // The sample service's config, as on the other side: the
        // same letterhead and logo in every document.
        cmd.args(["render", "--date", "2026-11-23", "--json", "--jobs", jobs, "--config"])
            .arg(root.join("samples/casepress.toml"))
            .arg("--out")
            .arg(&out)
            .arg(&input)
            .stdout(std::fs::File::create(&json).unwrap());
        if one_core {
            pin_to_first_core(&mut cmd);
        }
        let took = timed(|| assert!(cmd.status().unwrap().success()));
        let report: batch::BatchReport = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
        assert_eq!(outcomes(&report), [docs, 0, historic, 0], "[written, unchanged, historic, failed]");
        took
    };
    // Each round runs every figure once, the two workers and what the two
    // cores do at most side by side in time: this machine's speed drifts
    // (a virtual machine shares its host), so a ratio is only as good as
    // its two sides are close in time.
    let (mut one_core, mut one_job, mut two_jobs, mut bare_two) =
        (Duration::MAX, Duration::MAX, Duration::MAX, Duration::MAX);
    let mut paired = Vec::new();
    for _ in 0..quick::rounds(3) {
        one_core = one_core.min(binary("1", true));
        one_job = one_job.min(binary("1", false));
        let two = binary("2", false);
        // What this machine's two cores do at most: bare Typst in two
        // processes at once, each typesetting every document, warm.
        let bare = bare_in_processes(&sources, 2, tmp.path()) / 2;
        paired.push(bare.as_secs_f64() / two.as_secs_f64());
        two_jobs = two_jobs.min(two);
        bare_two = bare_two.min(bare);
    }
    paired.sort_by(f64::total_cmp);
    println!("casepress binary, --jobs 1 on one core: {:.1} documents/s", rate(one_core));
    println!("casepress binary, --jobs 1 free to use both cores: {:.1} documents/s", rate(one_job));
    println!("casepress binary, --jobs 2 (two worker processes): {:.1} documents/s", rate(two_jobs));
    println!("bare typst in 2 processes at once: {:.1} documents/s", rate(bare_two));
    println!("speedup-2-threads: {:.2}", one_core.as_secs_f64() / two_jobs.as_secs_f64());
    println!("speedup-2-jobs-vs-1-job-unpinned: {:.2}", one_job.as_secs_f64() / two_jobs.as_secs_f64());
    println!("ratio-1-job-vs-bare-on-one-core: {:.2}", rate(one_core) / rate(core_best));
    // How far two cores are from twice one: bare Typst's own score against
    // the yardstick below.
    println!("speedup-bare-2-processes-vs-1-thread: {:.2}", rate(bare_two) / rate(bare_best));
    // The yardstick: twice bare Typst on one thread (goal ≥ 0.9).
    println!("ratio-2-workers-vs-twice-bare: {:.2}", rate(two_jobs) / (2.0 * rate(bare_best)));
    println!("ratio-2-workers-vs-twice-bare-on-one-core: {:.2}", rate(two_jobs) / (2.0 * rate(core_best)));
    // The limit as measured (decision 0224, goal ≥ 0.9): bare Typst in two
    // processes at once; the median of rounds, each a pair close in time.
    println!(
        "ratio-2-workers-vs-bare-2-processes: {:.2} (median of rounds; best against best {:.2})",
        paired[paired.len() / 2],
        rate(two_jobs) / rate(bare_two)
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

/// Holds the child to CPU 0.
fn pin_to_first_core(cmd: &mut std::process::Command) {
    use std::os::unix::process::CommandExt;
    // SAFETY: only an async-signal-safe libc call between fork and exec.
    unsafe { cmd.pre_exec(pin_this_thread_to_first_core) };
}

/// Set in a child of this benchmark: the folder of Typst sources it typesets.
const BARE_CHILD: &str = "CASEPRESS_BENCH_BARE_SOURCES";

/// Typesets the same sources in `n` child processes of this benchmark at
/// once; the time from "go" until the last has finished.
fn bare_in_processes(sources: &[String], n: usize, tmp: &Path) -> Duration {
    use std::io::{BufRead, Write};
    let dir = tmp.join("bare-sources");
    if !dir.exists() {
        std::fs::create_dir(&dir).unwrap();
        for (i, s) in sources.iter().enumerate() {
            std::fs::write(dir.join(format!("{i}.typ")), s).unwrap();
        }
    }
    let mut children: Vec<_> = (0..n)
        .map(|_| {
            std::process::Command::new(std::env::current_exe().unwrap())
                .env(BARE_CHILD, &dir)
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    // Each says "ready" once its fonts are parsed and its memo warm.
    let mut outs: Vec<_> =
        children.iter_mut().map(|c| std::io::BufReader::new(c.stdout.take().unwrap()).lines()).collect();
    for out in &mut outs {
        assert_eq!(out.next().unwrap().unwrap(), "ready");
    }
    let started = Instant::now();
    for c in &mut children {
        writeln!(c.stdin.take().unwrap(), "go").unwrap();
    }
    for c in &mut children {
        assert!(c.wait().unwrap().success());
    }
    started.elapsed()
}

/// A child of [`bare_in_processes`]: warms up, says "ready", waits for
/// "go", typesets every source in `dir` on one plain thread, and exits.
fn bare_child(root: &Path, dir: &Path) {
    let config = Config::load(&root.join("samples/casepress.toml")).unwrap();
    let press = Press::new(config).unwrap();
    let day = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let sources: Vec<String> = (0..)
        .map(|i| dir.join(format!("{i}.typ")))
        .take_while(|p| p.exists())
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    OneThread.install(|| typeset_all(&press, &sources[..4.min(sources.len())], day));
    println!("ready");
    let mut go = String::new();
    std::io::stdin().read_line(&mut go).unwrap();
    OneThread.install(|| typeset_all(&press, &sources, day));
}

/// Bare Typst: compile and export each source, nothing else.
fn typeset_all(press: &Press, sources: &[String], day: NaiveDate) {
    for (i, s) in sources.iter().enumerate() {
        press.typeset(s, &PdfMeta { ident: i.to_string(), date: day }).unwrap();
    }
}

/// Holds the calling thread (not the process) to CPU 0.
fn pin_this_thread_to_first_core() -> std::io::Result<()> {
    // SAFETY: a zeroed cpu_set_t is a valid empty set; sched_setaffinity reads it.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_SET(0, &mut set);
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

/// The fastest of `n` runs: the least disturbed by the rest of the machine.
fn best_of(n: usize, mut f: impl FnMut()) -> Duration {
    (0..n).map(|_| timed(&mut f)).min().unwrap()
}

fn timed(f: impl FnOnce()) -> Duration {
    let t = Instant::now();
    f();
    t.elapsed()
}
