//! The workspace's live preview: from a writer's save to the last page of
//! the redrawn preview in hand, over HTTP on loopback, for a 4-page PSR,
//! while 10 other writers save.
//!
//! `cargo bench --bench preview [-- SAVES]` (default 60 measured saves per scenario;
//! quick mode, `CASEPRESS_BENCH_QUICK=1`: one save per scenario, one preview alone)
//!
//! Scenarios:
//! - alone: nobody else is saving;
//! - together: at each of the writer's saves, the 10 others save their own
//!   PSRs at the same instant (the goal: p95 ≤ 300 ms);
//! - typing: the 10 others autosave their own PSRs once a second each, the
//!   editor's cadence (it waits for a pause in typing);
//! - flat out: the 10 others save back to back, as fast as the server
//!   answers: a capacity figure, the load of a hundred writers;
//! - sharing: the writer's case lives in one NDJSON file with seven other
//!   cases; three others autosave the other fields of the writer's own
//!   section, seven others the cases beside it in that file, once a second
//!   each: the saves that can undo one another if a merge or a file's lock
//!   fails (reviews H1 and N3);
//! - a long session: 2,000 saves by one writer while the 10 others autosave
//!   once a second; p95 over the first and the last 200 saves, and the
//!   server's memory (this process's resident set) before the first save,
//!   after the first 200 and at the end: it may not grow beyond noise.
//!
//! Every scenario counts words lost. In the sharing scenario each writer
//! adds a word of its own at each save, as a person typing does, sends
//! the merge base it holds (as the page does) and takes what was written
//! into its page; at the end, every word any writer was answered "saved"
//! for must be in the file. Elsewhere each save replaces a sentence, so
//! the preview stays 4 pages, and the file must hold each writer's last
//! saved sentence. A conflict on a writer's own field (nobody else writes
//! it) is counted, must stay at 0, and is met as the page meets it.

#[path = "../tests/support/html.rs"]
mod html;
#[path = "support/quick.rs"]
mod quick;

use html::unescape;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use casepress::config::Config;
use casepress::workspace::{self, Options};

// The allocator the `casepress` binary uses.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const PASSWORD: &str = "sample-password";
const OTHERS: usize = 10;
const SERIOUSNESS: &str = "psr.offence_analysis.seriousness";
/// The other fields of the writer's section, one writer each in the
/// sharing scenario.
const SHARERS: [&str; 3] =
    ["psr.offence_analysis.basis_of_plea", "psr.offence_analysis.victims", "psr.previous_offending"];
/// The NDJSON file of the sharing scenario.
const SHARED_FILE: &str = "bench-shared.ndjson";

type Values = BTreeMap<String, String>;

struct Writer {
    agent: ureq::Agent,
    base: String,
    cookie: String,
    csrf: String,
    path: String,
    case_id: String,
    /// The case file it lives in.
    file: PathBuf,
    /// The field this writer types into.
    field: &'static str,
    /// Words this writer types start with it.
    tag: String,
    /// Adds a word at each save (else replaces its sentence).
    grows: bool,
    /// The section's values in the page, and the merge base it holds.
    page: Values,
    merge_base: Values,
    typed: usize,
    /// Every word of its own it was answered "saved" for (the last
    /// sentence's only, for a writer that replaces it).
    saved: BTreeSet<String>,
    /// Conflicts it met on its own field, which nobody else writes.
    false_conflicts: usize,
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder().max_redirects(0).http_status_as_error(false).build().into()
}

fn cookie_of(r: &ureq::http::Response<ureq::Body>) -> Option<String> {
    r.headers().get("set-cookie").map(|v| v.to_str().unwrap().split(';').next().unwrap().to_owned())
}

fn hidden(body: &str, name: &str) -> String {
    let needle = format!("name=\"{name}\" value=\"");
    let start = body.find(&needle).unwrap() + needle.len();
    body[start..].split('"').next().unwrap().to_owned()
}

/// One signed-in session per server, shared by every writer (as tabs): a
/// code works once, so a sign-in per writer would wait for a code each.
fn session(agent: &ureq::Agent, base: &str) -> String {
    static SESSIONS: std::sync::Mutex<Vec<(String, String)>> = std::sync::Mutex::new(Vec::new());
    let mut sessions = SESSIONS.lock().unwrap();
    if let Some((_, cookie)) = sessions.iter().find(|(b, _)| b == base) {
        return cookie.clone();
    }
    let cookie = sign_in(agent, base);
    sessions.push((base.to_owned(), cookie.clone()));
    cookie
}

/// Signs Priya in with the password and the sample accounts' code.
fn sign_in(agent: &ureq::Agent, base: &str) -> String {
    let mut page = agent.get(format!("{base}/sign-in")).call().unwrap();
    let cookie = cookie_of(&page).unwrap();
    let csrf = hidden(&page.body_mut().read_to_string().unwrap(), "_csrf");
    let r = agent
        .post(format!("{base}/sign-in"))
        .header("Cookie", &cookie)
        .send_form([("_csrf", csrf.as_str()), ("name", "Priya Natarajan"), ("password", PASSWORD)])
        .unwrap();
    assert_eq!(r.status(), 303, "sign-in");
    let cookie = cookie_of(&r).unwrap();
    // The sample accounts' second factor (samples/users.toml: sample
    // only); one sign-in per run, so the code of this step is unused.
    let mut page = agent.get(format!("{base}/sign-in/code")).header("Cookie", &cookie).call().unwrap();
    let csrf = hidden(&page.body_mut().read_to_string().unwrap(), "_csrf");
    let code = casepress::workspace::second_factor::code_at(
        "CASEPRESSSAMPLEONLYNOTFORUSE2345",
        casepress::workspace::second_factor::now(),
    )
    .unwrap();
    let r = agent
        .post(format!("{base}/sign-in/code"))
        .header("Cookie", &cookie)
        .send_form([("_csrf", csrf.as_str()), ("code", code.as_str())])
        .unwrap();
    assert_eq!(r.status(), 303, "second factor");
    cookie_of(&r).unwrap()
}

impl Writer {
    /// A writer of `field` of case `case_id`'s offence section, in `file`.
    fn sign_in(base: &str, case_id: &str, file: PathBuf, field: &'static str, grows: bool) -> Self {
        let agent = agent();
        let cookie = session(&agent, base);
        let path = format!("/cases/{case_id}/psr/edit/offence");
        let mut editor = agent.get(format!("{base}{path}")).header("Cookie", &cookie).call().unwrap();
        let body = editor.body_mut().read_to_string().unwrap();
        let page: Values = serde_json::from_str(&unescape(&hidden(&body, "_base"))).unwrap();
        static TAGS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        Self {
            csrf: hidden(&body, "_csrf"),
            agent,
            base: base.to_owned(),
            cookie,
            path,
            case_id: case_id.to_owned(),
            file,
            field,
            tag: format!("t{}x", TAGS.fetch_add(1, Ordering::Relaxed)),
            grows,
            merge_base: page.clone(),
            page,
            typed: 0,
            saved: BTreeSet::new(),
            false_conflicts: 0,
        }
    }

    /// A writer of its own case `bench-<n>.json`, replacing a sentence.
    fn own(base: &str, cases: &Path, n: usize) -> Self {
        let file = cases.join(format!("bench-{n}.json"));
        Self::sign_in(base, &format!("NYJS-2026-{:04}", 9000 + n), file, SERIOUSNESS, false)
    }

    /// Writer `i` of the sharing scenario: 0 the measured writer, 1 to 3
    /// the other fields of its section, the rest the cases beside its own
    /// in one NDJSON file. Each adds a word at every save.
    fn sharing(base: &str, cases: &Path, i: usize) -> Self {
        let file = cases.join(SHARED_FILE);
        match i {
            1..=3 => Self::sign_in(base, "NYJS-2026-9100", file, SHARERS[i - 1], true),
            0 => Self::sign_in(base, "NYJS-2026-9100", file, SERIOUSNESS, true),
            _ => Self::sign_in(
                base,
                &format!("NYJS-2026-{:04}", 9100 + i - SHARERS.len()),
                file,
                SERIOUSNESS,
                true,
            ),
        }
    }

    /// One autosave, as the page sends it (every field of the section and
    /// the merge base), then every page of the preview it announces. Every
    /// save's text is new, so no preview comes from memory.
    fn save(&mut self) -> Duration {
        let started = Instant::now();
        let word = format!("{}w{}", self.tag, self.typed);
        self.typed += 1;
        let text = self.page.entry(self.field.to_owned()).or_default();
        if self.grows {
            text.push(' ');
            text.push_str(&word);
        } else {
            *text =
                format!("Jay and an older young man approached the victim in Kingsway Park (draft {word}).");
        }
        let (sent, answer) = loop {
            let sent = self.page[self.field].clone();
            let (status, body) = self.post(true);
            if status == 200 {
                break (sent, serde_json::from_str::<serde_json::Value>(&body).unwrap());
            }
            assert_eq!(status, 409, "{} saving {}: {body}", self.tag, self.field);
            // Nobody else writes this field: a conflict on it is the defect
            // review H1 found. Counted, and met as the page meets it: the
            // conflict page read, both texts kept, saved again.
            self.false_conflicts += 1;
            let (status, page) = self.post(false);
            assert_eq!(status, 409, "{}: the conflict page", self.tag);
            let saved: Values = serde_json::from_str(&unescape(&hidden(&page, "_base"))).unwrap();
            let theirs = saved.get(self.field).cloned().unwrap_or_default();
            let mut both = theirs.clone();
            for word in sent.split_whitespace().filter(|w| !theirs.split_whitespace().any(|t| t == *w)) {
                both.push(' ');
                both.push_str(word);
            }
            self.page = saved.clone();
            self.page.insert(self.field.to_owned(), both);
            self.merge_base = saved;
        };
        assert_eq!(answer["status"], "saved");
        let written: Values = serde_json::from_value(answer["values"].clone()).unwrap();
        self.page = written.clone();
        self.merge_base = written;
        if !self.grows {
            self.saved.clear();
        }
        self.saved.extend(sent.split_whitespace().filter(|w| w.starts_with(&self.tag)).map(str::to_owned));
        let pages = answer["preview"]["pages"].as_u64().unwrap();
        let stamp = answer["preview"]["stamp"].as_str().unwrap();
        assert!(pages >= 4, "a 4-page PSR, got {pages}");
        for page in 1..=pages {
            let mut r = self
                .agent
                .get(format!("{}/cases/{}/psr/preview/{page}?v={stamp}", self.base, self.case_id))
                .header("Cookie", &self.cookie)
                .call()
                .unwrap();
            assert_eq!(r.status(), 200);
            let svg = r.body_mut().read_to_vec().unwrap();
            assert!(svg.starts_with(b"<svg"));
        }
        started.elapsed()
    }

    /// Posts the section as the page does: every field and the merge base;
    /// as an autosave, or as the Save button (which answers a conflict
    /// with the conflict page). The status and the body.
    fn post(&self, autosave: bool) -> (u16, String) {
        let merge_base = serde_json::to_string(&self.merge_base).unwrap();
        let mut form: Vec<(&str, &str)> =
            vec![("_csrf", &self.csrf), ("_version", ""), ("_base", &merge_base)];
        form.extend(self.page.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        let mut request =
            self.agent.post(format!("{}{}", self.base, self.path)).header("Cookie", &self.cookie);
        if autosave {
            request = request.header("X-Autosave", "1");
        }
        let mut r = request.send_form(form).unwrap();
        (r.status().as_u16(), r.body_mut().read_to_string().unwrap_or_default())
    }

    /// Words it was answered "saved" for that its case file lacks.
    fn words_lost(&self) -> usize {
        let text = std::fs::read_to_string(&self.file).unwrap();
        let cases: Vec<serde_json::Value> = if self.file.extension().is_some_and(|e| e == "ndjson") {
            text.lines().map(|l| serde_json::from_str(l).unwrap()).collect()
        } else {
            vec![serde_json::from_str(&text).unwrap()]
        };
        let case =
            cases.iter().find(|c| c["case_id"] == self.case_id.as_str()).expect("the case in its file");
        let held = self.field.split('.').fold(case, |v, k| &v[k]).as_str().unwrap_or_default();
        let held: BTreeSet<&str> = held.split_whitespace().collect();
        self.saved.iter().filter(|w| !held.contains(w.as_str())).count()
    }
}

/// 11 copies of the sample PSR case (custody a strong possibility), one per writer.
fn site(dir: &Path) -> Config {
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let cases = dir.join("cases");
    std::fs::create_dir_all(&cases).unwrap();
    let psr = std::fs::read_to_string(samples.join("cases/yro-custody-possible.json")).unwrap();
    for i in 0..=OTHERS {
        let case = psr.replace("NYJS-2026-0117", &format!("NYJS-2026-{:04}", 9000 + i));
        std::fs::write(cases.join(format!("bench-{i}.json")), case).unwrap();
    }
    // The sharing scenario's file: the writer's case and seven others.
    let mut lines = String::new();
    for i in 0..=OTHERS - SHARERS.len() {
        let case: serde_json::Value =
            serde_json::from_str(&psr.replace("NYJS-2026-0117", &format!("NYJS-2026-{:04}", 9100 + i)))
                .unwrap();
        lines.push_str(&format!("{case}\n"));
    }
    std::fs::write(cases.join(SHARED_FILE), lines).unwrap();
    let users = dir.join("users.toml");
    std::fs::copy(samples.join("users.toml"), &users).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&users, std::fs::Permissions::from_mode(0o600)).unwrap();
    let mut config = Config::load(&samples.join("casepress.toml")).unwrap();
    config.paths.cases = vec![cases];
    config.paths.output = dir.join("out");
    config.statements.inbox = None;
    config.statements.sample_inbox = None;
    config.workspace.users = users;
    config
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

fn main() {
    let saves = quick::size(60, 1);
    let dir = tempfile::tempdir().unwrap();
    let now = "2026-11-23T11:00:00Z".parse().unwrap();
    let config = site(dir.path());
    let cases = config.paths.cases[0].clone();
    typesetting_alone(&config);
    let running = workspace::start(
        config,
        Options { listen: Some("127.0.0.1:0".into()), now: Some(now), ..Default::default() },
    )
    .unwrap();
    let base = running.url();
    println!("save → updated preview (4-page PSR), {saves} saves per scenario, {} cores", num_cpus());
    let scenarios =
        [Scenario::Alone, Scenario::Together, Scenario::Typing, Scenario::FlatOut, Scenario::Sharing];
    for scenario in scenarios {
        let stop = Arc::new(AtomicBool::new(false));
        let together = Arc::new(Barrier::new(OTHERS + 1));
        let others: Vec<_> = match scenario {
            Scenario::Alone => Vec::new(),
            _ => (1..=OTHERS)
                .map(|i| {
                    let (base, stop, together) = (base.clone(), stop.clone(), together.clone());
                    let cases = cases.clone();
                    std::thread::spawn(move || {
                        let mut w = match scenario {
                            Scenario::Sharing => Writer::sharing(&base, &cases, i),
                            _ => Writer::own(&base, &cases, i),
                        };
                        let mut n = 0;
                        match scenario {
                            Scenario::Together => {
                                for _ in 0..saves {
                                    together.wait();
                                    w.save();
                                    n += 1;
                                }
                            }
                            _ => {
                                let pause = if matches!(scenario, Scenario::Typing | Scenario::Sharing) {
                                    Duration::from_secs(1)
                                } else {
                                    Duration::ZERO
                                };
                                // Spread the others' first saves over the pause.
                                std::thread::sleep(pause.mul_f64(i as f64 / OTHERS as f64));
                                while !stop.load(Ordering::Relaxed) {
                                    let took = w.save();
                                    n += 1;
                                    std::thread::sleep(pause.saturating_sub(took));
                                }
                            }
                        }
                        (n, w)
                    })
                })
                .collect(),
        };
        let mut me = match scenario {
            Scenario::Sharing => Writer::sharing(&base, &cases, 0),
            _ => Writer::own(&base, &cases, 0),
        };
        std::thread::sleep(Duration::from_millis(500));
        let started = Instant::now();
        let cpu_at_start = cpu_seconds();
        let mut times: Vec<Duration> = (0..saves)
            .map(|_| {
                if scenario == Scenario::Together {
                    together.wait();
                }
                let t = me.save();
                // Between rounds, every writer is done before the next.
                let rest = if scenario == Scenario::Together { 400 } else { 100 };
                std::thread::sleep(Duration::from_millis(rest));
                t
            })
            .collect();
        let elapsed = started.elapsed().as_secs_f64();
        let cpu = cpu_seconds() - cpu_at_start;
        stop.store(true, Ordering::Relaxed);
        let others: Vec<(usize, Writer)> = others.into_iter().map(|h| h.join().unwrap()).collect();
        let others_saves: usize = others.iter().map(|(n, _)| n).sum();
        // Roughly: the others' last saves may end after the clock stopped.
        let cpu_per_save = cpu * 1000.0 / (saves + others_saves) as f64;
        let lost: usize = me.words_lost() + others.iter().map(|(_, w)| w.words_lost()).sum::<usize>();
        let saved: usize = me.saved.len() + others.iter().map(|(_, w)| w.saved.len()).sum::<usize>();
        let false_conflicts: usize =
            me.false_conflicts + others.iter().map(|(_, w)| w.false_conflicts).sum::<usize>();
        times.sort();
        let goal = if scenario == Scenario::Together { " (goal p95 ≤ 150 ms)" } else { "" };
        println!(
            "{:<44} p50 {:>6.1} ms  p95 {:>6.1} ms  max {:>6.1} ms  (others' saves: {:.1}/s; CPU per save {cpu_per_save:.1} ms; words lost: {lost} of {saved} checked; conflicts on a field nobody else wrote: {false_conflicts}){goal}",
            scenario.words(),
            percentile(&times, 0.5),
            percentile(&times, 0.95),
            percentile(&times, 1.0),
            others_saves as f64 / elapsed
        );
        assert_eq!(lost, 0, "{}: words answered saved are not in the file", scenario.words());
        assert_eq!(false_conflicts, 0, "{}: conflicts on fields nobody else wrote", scenario.words());
    }
    long_session(&base, &cases, if quick::on() { 20 } else { 2000 });
}

/// 2,000 saves by one writer while the 10 others autosave once a second.
fn long_session(base: &str, cases: &Path, saves: usize) {
    let stop = Arc::new(AtomicBool::new(false));
    let others: Vec<_> = (1..=OTHERS)
        .map(|i| {
            let (base, stop) = (base.to_owned(), stop.clone());
            let cases = cases.to_owned();
            std::thread::spawn(move || {
                let mut w = Writer::own(&base, &cases, i);
                std::thread::sleep(Duration::from_millis(100 * i as u64));
                while !stop.load(Ordering::Relaxed) {
                    let took = w.save();
                    std::thread::sleep(Duration::from_secs(1).saturating_sub(took));
                }
                w
            })
        })
        .collect();
    let mut me = Writer::own(base, cases, 0);
    let window = (saves / 10).max(2);
    let mut times = Vec::with_capacity(saves);
    let memory_before = resident_mb();
    let mut memory_after_first = 0;
    for i in 0..saves {
        times.push(me.save());
        if i + 1 == window {
            memory_after_first = resident_mb();
        }
    }
    let memory_at_end = resident_mb();
    stop.store(true, Ordering::Relaxed);
    let others: Vec<Writer> = others.into_iter().map(|h| h.join().unwrap()).collect();
    let lost: usize = me.words_lost() + others.iter().map(Writer::words_lost).sum::<usize>();
    let false_conflicts: usize = me.false_conflicts + others.iter().map(|w| w.false_conflicts).sum::<usize>();
    let p95 = |slice: &[Duration]| {
        let mut s = slice.to_vec();
        s.sort();
        percentile(&s, 0.95)
    };
    println!(
        "a long session: {saves} saves beside 10 others      p95 first {window}: {:.1} ms, last {window}: {:.1} ms; \
         memory {memory_before} MB before the first save, {memory_after_first} MB after the first {window}, \
         {memory_at_end} MB at the end; words lost: {lost}; conflicts on a field nobody else wrote: \
         {false_conflicts} (goal: the end's p95 within 10% of the start's, memory flat)",
        p95(&times[..window]),
        p95(&times[saves - window..]),
    );
    assert_eq!(lost, 0, "a long session: words answered saved are not in the file");
    assert_eq!(false_conflicts, 0, "a long session: conflicts on fields nobody else wrote");
}

/// CPU time this process has used (server and clients), in seconds.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The fields after the command's closing parenthesis; utime and stime
    // are the 12th and 13th of them, in clock ticks (100 a second).
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let ticks: u64 = rest.split_whitespace().skip(11).take(2).filter_map(|t| t.parse::<u64>().ok()).sum();
    ticks as f64 / 100.0
}

/// This process's resident memory (the server runs in it), in MB.
fn resident_mb() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm.split_whitespace().nth(1).and_then(|p| p.parse().ok()).unwrap_or(0);
    pages * 4096 / (1024 * 1024)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scenario {
    Alone,
    Together,
    Typing,
    FlatOut,
    Sharing,
}

impl Scenario {
    fn words(self) -> &'static str {
        match self {
            Self::Alone => "alone",
            Self::Together => "together: 10 others save at the same instant",
            Self::Typing => "typing: 10 others autosave once a second",
            Self::FlatOut => "flat out: 10 others save back to back",
            Self::Sharing => "sharing: 3 in its section, 7 in its file",
        }
    }
}

/// The floor under every save: typesetting the preview in-process, one thread.
fn typesetting_alone(config: &Config) {
    let press = casepress::press::Press::new(config.clone()).unwrap();
    let file = config.paths.cases[0].join("bench-0.json");
    let case = casepress::case::load_file(&file).remove(0).unwrap().case;
    let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    // The rules and the preview of the PSR, as a save makes them.
    let typeset = |case: &casepress::case::Case, memo: &casepress::typeset::SvgMemo| {
        let t = Instant::now();
        let facts = casepress::rules::derive_with(case, press.calendar(), day, &press.config().rules);
        let order = casepress::press::document::Order {
            case,
            facts: &facts,
            kind: casepress::documents::DocumentKind::Psr,
            date: day,
            final_: false,
            log: &[],
            docs_dir: std::path::Path::new("."),
            force: true,
            typst_dir: None,
            origin: "bench",
        };
        let pages = press.make_pages(&order, memo).unwrap();
        assert!(pages.len() >= 4);
        t.elapsed()
    };
    // A memo of its own each time: every page drawn afresh.
    let mut times: Vec<Duration> =
        (0..quick::rounds(30)).map(|_| typeset(&case, &casepress::typeset::SvgMemo::default())).collect();
    times.sort();
    println!(
        "typesetting the preview alone (all 4 pages drawn), in-process: p50 {:.1} ms",
        percentile(&times, 0.5)
    );
    // As the server does: one memo of drawn pages, and a new sentence in
    // one section each time (the cost of a save's preview, without HTTP).
    let memo = casepress::typeset::SvgMemo::default();
    let mut edited = case.clone();
    let mut times: Vec<Duration> = (0..quick::rounds(200))
        .map(|n| {
            let mut value = serde_json::to_value(&edited).unwrap();
            value["psr"]["offence_analysis"]["seriousness"] = format!("An edit, draft {n}.").into();
            edited = serde_json::from_value(value).unwrap();
            typeset(&edited, &memo)
        })
        .collect();
    times.sort();
    println!(
        "typesetting the preview after an edit (the pages that changed drawn), in-process: p50 {:.1} ms  p95 {:.1} ms",
        percentile(&times, 0.5),
        percentile(&times, 0.95)
    );
}

fn num_cpus() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
}
