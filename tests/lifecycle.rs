//! A document's life, end to end through the binary: a PSR with custody a
//! strong possibility, from draft through a return with comments, an
//! amended resubmission, agreement by two managers of different teams,
//! final and sent, with every refusal on the way.

mod common;

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use common::*;

struct Service {
    dir: tempfile::TempDir,
    /// Minutes past the start of this test's clock: each step not given
    /// its own `--now` is recorded a minute after the one before, so the
    /// log reads the same whatever day the test runs.
    minutes: std::cell::Cell<u32>,
}

impl Service {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("cases")).unwrap();
        let mut case: serde_json::Value = serde_json::from_str(
            &fs::read_to_string(samples().join("cases/yro-custody-possible.json")).unwrap(),
        )
        .unwrap();
        case["psr"]["signed"] = serde_json::json!({"name": "Priya Natarajan", "date": "2026-11-30"});
        fs::write(dir.path().join("cases/jay.json"), serde_json::to_string_pretty(&case).unwrap()).unwrap();
        // The sample service, with a second North Team manager.
        let config = fs::read_to_string(samples().join("casepress.toml"))
            .unwrap()
            .replace("output = \"../out\"", "output = \"out\"")
            .replace("[[staff]]\nname = \"Priya Natarajan\"", "[[staff]]\nname = \"Nina Shah\"\nteam = \"North Team\"\nrole = \"Team Manager\"\n\n[[staff]]\nname = \"Priya Natarajan\"");
        fs::write(dir.path().join("casepress.toml"), config).unwrap();
        Self { dir, minutes: std::cell::Cell::new(0) }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_casepress"))
            .args(self.clocked(args))
            .current_dir(self.path())
            .output()
            .unwrap()
    }

    /// `args`, with `--now` on the test's clock for a lifecycle step that
    /// names no time of its own.
    fn clocked(&self, args: &[&str]) -> Vec<String> {
        let mut all: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        if matches!(args.first(), Some(&("submit" | "review" | "sign" | "meeting" | "final" | "sent")))
            && !args.contains(&"--now")
        {
            let n = self.minutes.get();
            self.minutes.set(n + 1);
            all.extend(["--now".into(), format!("2026-11-30 {:02}:{:02}", 9 + n / 60, n % 60)]);
        }
        all
    }

    fn step(&self, args: &[&str]) -> (i32, String) {
        let out = self.run(args);
        let said =
            format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        (out.status.code().unwrap_or(-1), said)
    }

    fn render(&self) {
        let out = self.run(&["render", "cases", "--kind", "psr", "--date", "2026-11-23", "--jobs", "1"]);
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    }

    /// The PSR submitted, then agreed by a manager of the case's team and
    /// one of another.
    fn submitted_and_agreed_by_two_teams(&self) {
        assert_eq!(self.step(&["submit", CASE, "psr", "--by", "Priya Natarajan"]).0, 0);
        assert_eq!(self.step(&["review", CASE, "psr", "--by", "Declan Hughes", "--agree"]).0, 0);
        assert_eq!(self.step(&["review", CASE, "psr", "--by", "Ruth Okafor", "--agree"]).0, 0);
    }

    fn amend(&self) {
        let path = self.path().join("cases/jay.json");
        let mut case: serde_json::Value = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
        case["psr"]["conclusion"] =
            "Amended after gatekeeping: the proposal now explains the ISS hours.".into();
        fs::write(&path, serde_json::to_string_pretty(&case).unwrap()).unwrap();
    }
}

const CASE: &str = "NYJS-2026-0117";
const SENT: &[&str] = &[
    "sent",
    CASE,
    "psr",
    "--by",
    "Priya Natarajan",
    "--to",
    "Northfield Youth Court",
    "--date",
    "2026-12-02",
];

#[test]
fn a_psr_from_draft_to_sent_with_every_refusal_on_the_way() {
    let s = Service::new();
    s.render();
    let (code, said) = s.step(&["submit", CASE, "psr", "--by", "Priya Natarajan"]);
    assert_eq!(code, 0, "{said}");

    // The author never reviews; a non-manager never reviews; an unknown name is refused.
    let (code, said) = s.step(&["review", CASE, "psr", "--by", "Priya Natarajan", "--agree"]);
    assert!(code == 1 && said.contains("a reviewer is never the author"), "{said}");
    let (code, said) = s.step(&["review", CASE, "psr", "--by", "Ben Hollis", "--agree"]);
    assert!(code == 1 && said.contains("only a manager reviews"), "{said}");
    let (code, said) = s.step(&["review", CASE, "psr", "--by", "Nobody Known", "--agree"]);
    assert!(code == 1 && said.contains("not in the staff directory"), "{said}");

    // Returned with comments; a final is refused.
    fs::write(s.path().join("comments.txt"), "Conclusion: say how the ISS hours fit school.").unwrap();
    let (code, said) =
        s.step(&["review", CASE, "psr", "--by", "Declan Hughes", "--return", "--comments", "comments.txt"]);
    assert_eq!(code, 0, "{said}");
    let (code, said) = s.step(&["final", CASE, "psr", "--by", "Priya Natarajan", "--date", "2026-12-01"]);
    assert!(code == 1 && said.contains("only after gatekeeping is agreed"), "{said}");

    // Amended, re-rendered, resubmitted: a new version.
    s.amend();
    s.render();
    assert_eq!(s.step(&["submit", CASE, "psr", "--by", "Priya Natarajan"]).0, 0);
    assert_eq!(s.step(&["review", CASE, "psr", "--by", "Declan Hughes", "--agree"]).0, 0);
    // Custody a strong possibility: the second manager from another team.
    let (code, said) = s.step(&["review", CASE, "psr", "--by", "Nina Shah", "--agree"]);
    assert!(code == 1 && said.contains("must be from another team"), "{said}");
    let (code, said) = s.step(&["final", CASE, "psr", "--by", "Priya Natarajan", "--date", "2026-12-01"]);
    assert!(code == 1 && said.contains("two managers must agree"), "{said}");
    assert_eq!(s.step(&["review", CASE, "psr", "--by", "Ruth Okafor", "--agree"]).0, 0);

    // Only the author or a manager in the directory makes it final and
    // records it sent (issue 26): not an admin officer, not a stranger.
    for (by, why) in [("Aisha Khan", "neither the author"), ("Mallory Nobody", "not in the staff directory")]
    {
        let (code, said) = s.step(&["final", CASE, "psr", "--by", by, "--date", "2026-12-01"]);
        assert!(code == 1 && said.contains(why), "{by}: {said}");
    }
    let (code, said) = s.step(&["final", CASE, "psr", "--by", "Priya Natarajan", "--date", "2026-12-01"]);
    assert_eq!(code, 0, "{said}");
    for (by, why) in [("Aisha Khan", "neither the author"), ("Mallory Nobody", "not in the staff directory")]
    {
        let mut sent: Vec<&str> = SENT.to_vec();
        sent[4] = by;
        let (code, said) = s.step(&sent);
        assert!(code == 1 && said.contains(why), "{by}: {said}");
    }
    let (code, said) = s.step(SENT);
    assert_eq!(code, 0, "{said}");
    let (_, status) = s.step(&["status", CASE]);
    assert!(
        status.contains("psr") && status.contains("sent") && status.contains("Declan Hughes and Ruth Okafor"),
        "{status}"
    );

    // Every step is in the log, with who, the OS user and the version.
    let log = fs::read_to_string(s.path().join("out/cases").join(CASE).join("case-log.jsonl")).unwrap();
    let steps: Vec<serde_json::Value> = log
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|e| e["event"] == "lifecycle")
        .collect();
    let names: Vec<&str> = steps.iter().map(|e| e["step"].as_str().unwrap()).collect();
    assert_eq!(names, ["submitted", "returned", "submitted", "agreed", "agreed", "final", "sent"]);
    assert!(
        steps.iter().all(|e| e["sha256"].as_str().is_some_and(|s| s.len() == 64) && e["os_user"].is_string())
    );
    assert_eq!(steps[1]["comments"], "Conclusion: say how the ISS hours fit school.");

    // The final is frozen: a draft render leaves it alone.
    let finals = files_under(&s.path().join("out/cases").join(CASE).join("documents"));
    let final_pdf = finals.iter().find(|p| !p.to_string_lossy().contains("_draft")).expect("a final PDF");
    assert!(pdf_text(final_pdf).contains("Final"), "the final says it is final");
    s.render();
    assert_eq!(
        files_under(&s.path().join("out/cases").join(CASE).join("documents")),
        finals,
        "nothing re-rendered"
    );
    let (code, said) = s.step(&["submit", CASE, "psr", "--by", "Priya Natarajan"]);
    assert!(code == 1 && said.contains("is final"), "{said}");

    // Exports carry finals: the final PSR goes in; a kind with no final is
    // listed as not final, and no draft goes in unless asked for.
    let out = s.run(&["export", CASE, "--purpose", "transfer", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let items: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let zip = fs::File::open(s.path().join(items[0]["bundle"].as_str().unwrap())).unwrap();
    let mut zip = zip::ZipArchive::new(zip).unwrap();
    let names: Vec<String> = zip.file_names().map(|n| n.unwrap().into_owned()).collect();
    assert!(
        names.iter().any(|n| n.starts_with("documents/") && n.contains("_psr_") && !n.contains("_draft")),
        "{names:?}"
    );
    assert!(!names.iter().any(|n| n.contains("_draft")), "no draft in a bundle: {names:?}");
    let mut manifest = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("manifest.json").unwrap(), &mut manifest).unwrap();
    let manifest: serde_json::Value = serde_json::from_str(&manifest).unwrap();
    assert!(manifest["not_final"].as_array().unwrap().iter().all(|k| k != "psr"), "{manifest:#}");
}

#[test]
fn the_gatekeeping_record_shows_the_recorded_steps() {
    let s = Service::new();
    s.render();
    fs::write(s.path().join("comments.txt"), "Conclusion: say how the ISS hours fit school.").unwrap();
    for step in [
        vec!["submit", CASE, "psr", "--by", "Priya Natarajan", "--now", "2026-11-24 10:00"],
        vec![
            "review",
            CASE,
            "psr",
            "--by",
            "Declan Hughes",
            "--return",
            "--comments",
            "comments.txt",
            "--now",
            "2026-11-25 10:00",
        ],
        vec!["submit", CASE, "psr", "--by", "Priya Natarajan", "--now", "2026-11-26 10:00"],
        vec!["review", CASE, "psr", "--by", "Declan Hughes", "--agree", "--now", "2026-11-27 10:00"],
        vec!["review", CASE, "psr", "--by", "Ruth Okafor", "--agree", "--now", "2026-11-27 11:00"],
    ] {
        let (code, said) = s.step(&step);
        assert_eq!(code, 0, "{step:?}: {said}");
    }
    // A hand-typed list of managers gives way to the recorded agreements.
    let path = s.path().join("cases/jay.json");
    let mut case: serde_json::Value = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
    case["gatekeeping"]["managers"] =
        serde_json::json!([{"name": "Typed Byhand", "role": "Team Manager", "team": "North Team"}]);
    fs::write(&path, serde_json::to_string_pretty(&case).unwrap()).unwrap();
    let out = s.run(&["render", "cases", "--kind", "gatekeeping", "--date", "2026-11-27", "--jobs", "1"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let record = files_under(&s.path().join("out/cases").join(CASE).join("documents"))
        .into_iter()
        .find(|p| p.to_string_lossy().contains("_gatekeeping_"))
        .unwrap();
    let text = squash(&pdf_text(&record));
    for expected in [
        "Decisions recorded in casepress",
        "Submitted Priya Natarajan 24 November 2026",
        "Returned Declan Hughes 25 November 2026 Conclusion: say how the ISS hours fit school.",
        "Submitted Priya Natarajan 26 November 2026",
        "Agreed Declan Hughes 27 November 2026",
        "Agreed Ruth Okafor 27 November 2026",
        // The managers' views are their recorded reviews, not the case file's field.
        "Declan Hughes, returned it on 25 November 2026: Conclusion: say how the ISS hours fit school.",
        "Ruth Okafor, agreed it on 27 November 2026: no comments.",
        "Submitted to managers 26 November 2026 (recorded in casepress)",
    ] {
        assert!(text.contains(&squash(expected)), "no `{expected}` in the gatekeeping record:\n{text}");
    }
    assert!(!text.contains("Signed"), "agreement is recorded, not a signature: {text}");
    let sign_off = &text[text.find("Sign-off").unwrap()..];
    assert!(!text.contains(&squash("as drafted")), "the typed views give way: {text}");
    for manager in [
        "Gatekeeping manager Declan Hughes Agreed 27 November 2026",
        "Gatekeeping manager Ruth Okafor Agreed 27 November 2026",
    ] {
        assert!(sign_off.contains(&squash(manager)), "{manager} in the sign-off: {sign_off}");
    }
    assert!(!text.contains("Typed"), "{text}");
}

#[test]
fn check_lists_a_psr_returned_and_not_resubmitted_and_overdue_gatekeeping() {
    let s = Service::new();
    s.render();
    // Steps recorded before the day `check` runs on: it counts nothing recorded later.
    assert_eq!(s.step(&["submit", CASE, "psr", "--by", "Priya Natarajan", "--now", "2026-11-27 10:00"]).0, 0);
    fs::write(s.path().join("c.txt"), "Redo the conclusion.").unwrap();
    let review = ["review", CASE, "psr", "--by", "Declan Hughes", "--return", "--comments", "c.txt"];
    assert_eq!(s.step(&[&review[..], &["--now", "2026-11-28 10:00"]].concat()).0, 0);
    // The hearing is 8 December 2026; the two-working-day due date is 4 December.
    let (code, said) = s.step(&["check", "cases", "--today", "2026-11-30"]);
    assert!(
        said.contains("PSR gatekeeping") && said.contains("returned by Declan Hughes and not resubmitted"),
        "{said}"
    );
    assert!(!said.contains("OVERDUE: returned"), "not yet overdue: {said}");
    let _ = code;
    let (code, said) = s.step(&["check", "cases", "--today", "2026-12-07"]);
    assert!(said.contains("OVERDUE: returned by Declan Hughes"), "{said}");
    assert_eq!(code, 1, "overdue gatekeeping needs action");
}

#[test]
fn a_crash_at_every_step_leaves_the_log_consistent_and_a_rerun_completes_it() {
    let steps: Vec<Vec<&str>> = vec![
        vec!["submit", CASE, "psr", "--by", "Priya Natarajan"],
        vec!["review", CASE, "psr", "--by", "Declan Hughes", "--agree"],
        vec!["review", CASE, "psr", "--by", "Ruth Okafor", "--agree"],
        vec!["final", CASE, "psr", "--by", "Priya Natarajan", "--date", "2026-12-01"],
        SENT.to_vec(),
    ];
    for point in ["lifecycle:before-append", "lifecycle:after-final-render", "lifecycle:after-append"] {
        let s = Service::new();
        s.render();
        for step in &steps {
            let crashed = Command::new(env!("CARGO_BIN_EXE_casepress"))
                .args(s.clocked(step))
                .env("CASEPRESS_FAILPOINT", point)
                .current_dir(s.path())
                .output()
                .unwrap();
            // Every line of the log is whole after the crash.
            let log =
                fs::read_to_string(s.path().join("out/cases").join(CASE).join("case-log.jsonl")).unwrap();
            assert!(
                log.lines().all(|l| serde_json::from_str::<serde_json::Value>(l).is_ok()),
                "{point}: {log}"
            );
            let recorded = |log: &str| log.lines().filter(|l| l.contains("\"event\":\"lifecycle\"")).count();
            let before = recorded(&log);
            // A rerun completes the step if the crash stopped it, or refuses it as already taken.
            let (code, said) = s.step(step);
            let after = recorded(
                &fs::read_to_string(s.path().join("out/cases").join(CASE).join("case-log.jsonl")).unwrap(),
            );
            let crashed_early = crashed.status.code().is_none();
            assert!(code == 0 || said.contains("already"), "{point} {step:?}: {said}");
            assert!(after == before + usize::from(code == 0), "{point} {step:?}: one step, recorded once");
            let _ = crashed_early;
        }
        let (_, status) = s.step(&["status", CASE]);
        assert!(status.contains("sent"), "{point}: {status}");
        assert_documents_are_the_record(&s, point);
    }
}

/// Every PDF in the case's documents folder is named by the log, every
/// document the log names is there, and there is one final step at most,
/// whose PDF is the one final in the folder.
fn assert_documents_are_the_record(s: &Service, when: &str) {
    let case_dir = s.path().join("out/cases").join(CASE);
    let log: Vec<serde_json::Value> = fs::read_to_string(case_dir.join("case-log.jsonl"))
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let named: std::collections::BTreeSet<String> = log
        .iter()
        .filter(|e| e["event"] == "document")
        .map(|e| e["file"].as_str().unwrap().to_owned())
        .collect();
    let on_disk: std::collections::BTreeSet<String> = fs::read_dir(case_dir.join("documents"))
        .map(|dir| dir.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    assert_eq!(named, on_disk, "{when}: the documents folder is what the log records");
    let final_steps: Vec<&serde_json::Value> =
        log.iter().filter(|e| e["event"] == "lifecycle" && e["step"] == "final").collect();
    let finals: Vec<&String> = on_disk.iter().filter(|f| !f.contains("_draft")).collect();
    assert!(final_steps.len() <= 1, "{when}: one final step at most");
    assert_eq!(
        finals.len(),
        final_steps.len(),
        "{when}: a final PDF exactly when a final step is recorded: {finals:?}"
    );
}

/// A final killed after its PDF was published and before it was recorded
/// leaves a PDF no step names: the next `final` sets it aside (never an
/// export's "final"), makes the final again and records it once.
#[test]
fn a_final_killed_before_it_is_recorded_is_set_aside_and_made_again() {
    let s = Service::new();
    s.render();
    s.submitted_and_agreed_by_two_teams();
    let final_ = ["final", CASE, "psr", "--by", "Priya Natarajan", "--date", "2026-12-01"];
    let killed = Command::new(env!("CARGO_BIN_EXE_casepress"))
        .args(s.clocked(&final_))
        .env("CASEPRESS_FAILPOINT", "lifecycle:after-final-render")
        .current_dir(s.path())
        .output()
        .unwrap();
    assert!(!killed.status.success());
    let docs = s.path().join("out/cases").join(CASE).join("documents");
    assert!(docs.join("NYJS-2026-0117_psr_2026-12-01.pdf").exists(), "the kill left the PDF");
    let (_, status) = s.step(&["status", CASE]);
    assert!(status.contains("agreed") && !status.contains("final NYJS"), "{status}");
    let out = s.run(&["export", CASE, "--purpose", "transfer", "--json", "--date", "2026-12-02"]);
    let items: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let zip = fs::File::open(s.path().join(items[0]["bundle"].as_str().unwrap())).unwrap();
    let names: Vec<String> =
        zip::ZipArchive::new(zip).unwrap().file_names().map(|n| n.unwrap().into_owned()).collect();
    assert!(!names.iter().any(|n| n.contains("_psr_2026-12-01")), "no unrecorded final goes out: {names:?}");

    let (code, said) = s.step(&final_);
    assert_eq!(code, 0, "{said}");
    assert_documents_are_the_record(&s, "after the second final");
    let aside = s.path().join("out/cases").join(CASE).join("unrecorded/NYJS-2026-0117_psr_2026-12-01.pdf");
    assert!(aside.exists(), "the unrecorded PDF is set aside, not lost");
    let log = fs::read_to_string(s.path().join("out/cases").join(CASE).join("case-log.jsonl")).unwrap();
    assert_eq!(log.matches("\"file\":\"NYJS-2026-0117_psr_2026-12-01.pdf\"").count(), 1, "{log}");
}

/// A manager's return and the author's final at the same instant: one of
/// them wins, and whichever it is, no final PDF exists without its step.
#[test]
fn a_final_racing_a_return_leaves_both_or_neither() {
    for trial in 0..4 {
        let s = Service::new();
        s.render();
        s.submitted_and_agreed_by_two_teams();
        fs::write(s.path().join("comments.txt"), "Say more about the ISS hours.").unwrap();
        let spawn = |args: &[&str]| {
            Command::new(env!("CARGO_BIN_EXE_casepress"))
                .args(s.clocked(args))
                .current_dir(s.path())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap()
        };
        let mut ret = spawn(&[
            "review",
            CASE,
            "psr",
            "--by",
            "Helen Adeyemi",
            "--return",
            "--comments",
            "comments.txt",
        ]);
        let mut fin = spawn(&["final", CASE, "psr", "--by", "Priya Natarajan", "--date", "2026-12-01"]);
        let (returned, finalled) = (ret.wait().unwrap().success(), fin.wait().unwrap().success());
        assert!(!(returned && finalled), "trial {trial}: not both");
        assert_documents_are_the_record(&s, &format!("trial {trial}"));
    }
}

#[test]
fn when_gatekeeping_managers_disagree_the_head_of_service_decides() {
    let s = Service::new();
    s.render();
    assert_eq!(s.step(&["submit", CASE, "psr", "--by", "Priya Natarajan"]).0, 0);
    assert_eq!(s.step(&["review", CASE, "psr", "--by", "Declan Hughes", "--agree"]).0, 0);
    fs::write(s.path().join("c.txt"), "I do not agree with the proposal.").unwrap();
    assert_eq!(
        s.step(&["review", CASE, "psr", "--by", "Ruth Okafor", "--return", "--comments", "c.txt"]).0,
        0
    );
    let (code, said) = s.step(&["submit", CASE, "psr", "--by", "Priya Natarajan"]);
    assert!(code == 1 && said.contains("the head of service decides"), "{said}");
    let (code, said) = s.step(&["review", CASE, "psr", "--by", "Declan Hughes", "--agree"]);
    assert!(code == 1 && said.contains("Helen Adeyemi, the head of service, decides"), "{said}");
    assert_eq!(s.step(&["review", CASE, "psr", "--by", "Helen Adeyemi", "--agree"]).0, 0);
    let (code, said) = s.step(&["final", CASE, "psr", "--by", "Priya Natarajan", "--date", "2026-12-01"]);
    assert_eq!(code, 0, "{said}");
}

#[test]
fn a_plain_render_never_makes_a_final() {
    let s = Service::new();
    let (code, said) = s.step(&["render", "cases", "--kind", "psr", "--final"]);
    assert_eq!(code, 2, "{said}");
    assert!(said.contains("casepress final CASE KIND"), "{said}");
    assert!(!s.path().join("out").exists(), "nothing is written");
}

/// A progress report is gatekept with the same rigour as a PSR
/// (Derbyshire practice guidance §7.5): a manager who is not the author,
/// two from different teams when custody is a strong possibility.
#[test]
fn a_progress_report_is_gatekept_like_a_psr() {
    let s = Service::new();
    let path = s.path().join("cases/jay.json");
    let mut case: serde_json::Value = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
    case["progress_report"] = serde_json::json!({
        "purpose": "The court adjourned sentence for four weeks to see how Jay kept to his bail.",
        "progress": "Jay has started a mentoring programme and returned to college three days a week.",
        "compliance": "He has kept every curfew check and attended all eleven appointments.",
        "recommendation": "That the court continues bail and considers a Youth Rehabilitation Order.",
        "power": "review",
        "child_view": "Jay says college is going well and he wants to keep going.",
        "parent_view": "His mother says he is home on time every night.",
        "victim_view": "The victim did not wish to give a view.",
        "outstanding_work": "The mentoring programme runs until February.",
        "at_court": "author",
        "custody_strong_possibility": true,
        "discussed_with_child_and_carer": "2026-11-30",
        "signed": {"name": "Priya Natarajan", "date": "2026-11-30"}
    });
    fs::write(&path, serde_json::to_string_pretty(&case).unwrap()).unwrap();
    let out = s.run(&["render", "cases", "--kind", "progress-report", "--date", "2026-11-30", "--jobs", "1"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));

    let step = |args: &[&str]| {
        let mut all = vec![args[0], CASE, "progress-report", "--by"];
        all.extend_from_slice(&args[1..]);
        s.step(&all)
    };
    let (code, said) = step(&["final", "Priya Natarajan"]);
    assert!(code == 1 && said.contains("progress report is final only after gatekeeping"), "{said}");
    assert_eq!(step(&["submit", "Priya Natarajan"]).0, 0);
    let (code, said) = step(&["review", "Priya Natarajan", "--agree"]);
    assert!(code == 1 && said.contains("a reviewer is never the author"), "{said}");
    assert_eq!(step(&["review", "Declan Hughes", "--agree"]).0, 0);
    let (code, said) = step(&["review", "Nina Shah", "--agree"]);
    assert!(code == 1 && said.contains("from another team"), "{said}");
    let (code, said) = step(&["final", "Priya Natarajan"]);
    assert!(code == 1 && said.contains("two managers must agree the progress report"), "{said}");
    assert_eq!(step(&["review", "Ruth Okafor", "--agree"]).0, 0);
    let (code, said) = step(&["final", "Priya Natarajan", "--date", "2026-12-01"]);
    assert_eq!(code, 0, "{said}");

    let final_pdf = s
        .path()
        .join("out/cases")
        .join(CASE)
        .join("documents")
        .join(format!("{CASE}_progress-report_2026-12-01.pdf"));
    let text = squash(&pdf_text(&final_pdf));
    for expected in [
        "Progress Report",
        "Why the court asked for this report",
        "Progress since the last hearing",
        "returned to college three days a week",
        "Attendance and compliance",
        "What this report asks the court to do",
        "Report to the court",
    ] {
        assert!(text.contains(&squash(expected)), "{expected:?} missing from {text}");
    }
    assert!(!text.contains("DRAFT") && !text.contains("TO COMPLETE"), "{text}");
}

/// A final is superseded by a later one: the case changes, the next render
/// is a new draft version with its own gatekeeping, and both finals stay.
#[test]
fn a_changed_case_after_a_final_needs_its_own_gatekeeping_and_supersedes_it() {
    let s = Service::new();
    s.render();
    let walk = |date: &str| {
        for args in [
            vec!["submit", CASE, "psr", "--by", "Priya Natarajan"],
            vec!["review", CASE, "psr", "--by", "Declan Hughes", "--agree"],
            vec!["review", CASE, "psr", "--by", "Ruth Okafor", "--agree"],
            vec!["final", CASE, "psr", "--by", "Priya Natarajan", "--date", date],
        ] {
            let (code, said) = s.step(&args);
            assert_eq!(code, 0, "{args:?}: {said}");
        }
    };
    walk("2026-12-01");
    s.amend();
    let out = s.run(&["render", "cases", "--kind", "psr", "--date", "2026-12-02", "--jobs", "1"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let (_, status) = s.step(&["status", CASE]);
    assert!(status.contains("draft") && status.contains("submit it"), "a new draft version: {status}");
    let (code, said) = s.step(&["final", CASE, "psr", "--by", "Priya Natarajan", "--date", "2026-12-02"]);
    assert!(code == 1 && said.contains("only after gatekeeping"), "the new version is not agreed: {said}");
    walk("2026-12-03");

    let docs = s.path().join("out/cases").join(CASE).join("documents");
    for first_and_second in ["2026-12-01", "2026-12-03"] {
        assert!(docs.join(format!("{CASE}_psr_{first_and_second}.pdf")).exists(), "{first_and_second}");
    }
    let (_, status) = s.step(&["status", CASE]);
    assert!(status.contains(&format!("final {CASE}_psr_2026-12-03.pdf")), "{status}");
}

#[test]
fn a_final_is_made_while_a_nightly_run_renders_other_cases() {
    let s = Service::new();
    fs::copy(samples().join("cases/looked-after.json"), s.path().join("cases/other.json")).unwrap();
    s.render();
    s.submitted_and_agreed_by_two_teams();

    // The nightly run holds its render lock, paused inside another case.
    let pause = s.path().join("paused");
    let mut run = Command::new(env!("CARGO_BIN_EXE_casepress"))
        .args(["run", "casepress.toml", "--date", "2026-11-23", "--now", "2026-11-23 11:00"])
        .current_dir(s.path())
        .env("CASEPRESS_PAUSE", "render:NYJS-2026-0131")
        .env("CASEPRESS_PAUSE_FILE", &pause)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let until = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !pause.exists() && std::time::Instant::now() < until {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(pause.exists(), "the run reached the other case");
    assert!(s.path().join("out/render.lock").exists(), "the run holds its render lock");

    // A final of this case does not wait for it, nor is it refused.
    let (code, said) = s.step(&["final", CASE, "psr", "--by", "Priya Natarajan", "--date", "2026-12-01"]);
    assert_eq!(code, 0, "{said}");
    assert!(pause.exists(), "the run was still paused while the final was made");
    fs::remove_file(&pause).unwrap();
    let status = run.wait().unwrap();
    assert!(status.code().is_some(), "the run finished on its own");

    let (_, status) = s.step(&["status", CASE]);
    assert!(status.contains("final") && status.contains("Declan Hughes and Ruth Okafor"), "{status}");
    let docs = files_under(&s.path().join("out/cases").join(CASE).join("documents"));
    assert!(docs.iter().any(|p| !p.to_string_lossy().contains("_draft")), "a final PDF: {docs:?}");
}

#[test]
fn a_name_typed_with_other_spacing_or_letter_case_is_the_same_person_everywhere() {
    let s = Service::new();
    s.render();
    assert_eq!(s.step(&["submit", CASE, "psr", "--by", "Priya Natarajan"]).0, 0);
    // The author, however typed, never reviews her own report.
    for typed in ["Priya Natarajan ", " priya  NATARAJAN"] {
        let (code, said) = s.step(&["review", CASE, "psr", "--by", typed, "--agree"]);
        assert!(code == 1 && said.contains("a reviewer is never the author"), "{typed:?}: {said}");
    }
    // A manager typed loosely is the manager, recorded as the directory spells him.
    let (code, said) = s.step(&["review", CASE, "psr", "--by", "declan   hughes ", "--agree"]);
    assert_eq!(code, 0, "{said}");
    let (code, said) = s.step(&["review", CASE, "psr", "--by", "DECLAN HUGHES", "--agree"]);
    assert!(code == 1 && said.contains("already agreed"), "{said}");
    let log = fs::read_to_string(s.path().join("out/cases").join(CASE).join("case-log.jsonl")).unwrap();
    let agreed: Vec<serde_json::Value> = log
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|e| e["step"] == "agreed")
        .collect();
    assert_eq!(agreed.len(), 1);
    assert_eq!(agreed[0]["by"], "Declan Hughes");
}

/// The court receives what the managers agreed: a case changed after the
/// agreement makes no final; it names what changed and asks for the report
/// to be submitted again.
#[test]
fn a_final_is_refused_when_the_case_changed_after_the_managers_agreed() {
    let s = Service::new();
    s.render();
    s.submitted_and_agreed_by_two_teams();
    s.amend();
    let (code, said) = s.step(&["final", CASE, "psr", "--by", "Priya Natarajan", "--date", "2026-12-01"]);
    assert_eq!(code, 1, "{said}");
    assert!(said.contains("`psr.conclusion`") && said.contains("submitted and agreed again"), "{said}");
    let docs = files_under(&s.path().join("out/cases").join(CASE).join("documents"));
    assert!(docs.iter().all(|p| p.to_string_lossy().contains("_draft")), "no final: {docs:?}");

    // Submitted again, the new version is agreed and made final.
    s.submitted_and_agreed_by_two_teams();
    let (code, said) = s.step(&["final", CASE, "psr", "--by", "Priya Natarajan", "--date", "2026-12-01"]);
    assert_eq!(code, 0, "{said}");
    let finals: Vec<_> = files_under(&s.path().join("out/cases").join(CASE).join("documents"))
        .into_iter()
        .filter(|p| !p.to_string_lossy().contains("_draft"))
        .collect();
    assert_eq!(finals.len(), 1);
    let text = squash(&pdf_text(&finals[0]));
    assert!(text.contains("Amendedaftergatekeeping"), "the final has the agreed words: {text}");
}

/// An export takes a final only with its recorded final step: a final entry
/// in the log with no step (a refused or cut-short final of an older
/// casepress) never goes to another service.
#[test]
fn an_export_takes_only_finals_with_a_recorded_final_step() {
    let s = Service::new();
    s.render();
    s.submitted_and_agreed_by_two_teams();
    assert_eq!(s.step(&["final", CASE, "psr", "--by", "Priya Natarajan", "--date", "2026-12-01"]).0, 0);
    // A later "final" with no step, pointing at the draft's file.
    let log_path = s.path().join("out/cases").join(CASE).join("case-log.jsonl");
    let log = fs::read_to_string(&log_path).unwrap();
    let mut orphan: serde_json::Value = log
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|e| e["event"] == "document" && e["kind"] == "psr" && e["draft"] == true)
        .unwrap();
    orphan["draft"] = false.into();
    orphan["at"] = "2026-12-02T09:00:00Z".into();
    fs::write(&log_path, format!("{log}{orphan}\n")).unwrap();

    let out = s.run(&["export", CASE, "--purpose", "transfer", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let items: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let zip = fs::File::open(s.path().join(items[0]["bundle"].as_str().unwrap())).unwrap();
    let names: Vec<String> =
        zip::ZipArchive::new(zip).unwrap().file_names().map(|n| n.unwrap().into_owned()).collect();
    let psr: Vec<&String> =
        names.iter().filter(|n| n.starts_with("documents/") && n.contains("_psr_")).collect();
    assert_eq!(psr.len(), 1, "{names:?}");
    assert!(!psr[0].contains("_draft"), "the recorded final, not the entry without a step: {names:?}");
}

/// Time runs one way: a step is never recorded before the one it follows,
/// a final is never dated before it was agreed nor sent before it was
/// final; `--now` is for tests and replays and never in the future without
/// `--test-clock`; the operating-system user is the process's, not `$USER`.
#[test]
fn time_runs_one_way_on_a_document() {
    let s = Service::new();
    s.render();
    let at = |args: &[&str], now: &str| {
        let mut all = args.to_vec();
        all.extend(["--now", now]);
        s.step(&all)
    };
    assert_eq!(at(&["submit", CASE, "psr", "--by", "Priya Natarajan"], "2026-11-26 10:00").0, 0);
    let (code, said) = at(&["review", CASE, "psr", "--by", "Declan Hughes", "--agree"], "2026-11-25 10:00");
    assert_eq!(code, 1, "{said}");
    assert!(said.contains("never recorded before the one it follows"), "{said}");
    assert_eq!(at(&["review", CASE, "psr", "--by", "Declan Hughes", "--agree"], "2026-11-27 10:00").0, 0);
    assert_eq!(at(&["review", CASE, "psr", "--by", "Ruth Okafor", "--agree"], "2026-11-27 11:00").0, 0);
    let (code, said) =
        at(&["final", CASE, "psr", "--by", "Priya Natarajan", "--date", "2026-11-26"], "2026-11-28 09:00");
    assert_eq!(code, 1, "{said}");
    assert!(said.contains("cannot be dated 26 November 2026"), "{said}");

    // The person recorded is the one named; the account is the process's own.
    let out = Command::new(env!("CARGO_BIN_EXE_casepress"))
        .args([
            "final",
            CASE,
            "psr",
            "--by",
            "Priya Natarajan",
            "--date",
            "2026-11-28",
            "--now",
            "2026-11-28 09:00",
        ])
        .env("USER", "mallory.forged")
        .env("LOGNAME", "mallory.forged")
        .current_dir(s.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let log = fs::read_to_string(s.path().join("out/cases").join(CASE).join("case-log.jsonl")).unwrap();
    assert!(!log.contains("mallory.forged"), "os_user is not read from the environment: {log}");

    let sent_on = |date: &str| {
        at(
            &[
                "sent",
                CASE,
                "psr",
                "--by",
                "Priya Natarajan",
                "--to",
                "Northfield Youth Court",
                "--date",
                date,
            ],
            "2026-11-29 09:00",
        )
    };
    let (code, said) = sent_on("2026-11-27");
    assert_eq!(code, 1, "{said}");
    assert!(said.contains("cannot have been sent on 27 November 2026"), "{said}");
    assert_eq!(sent_on("2026-11-28").0, 0);

    // --now later than the system clock is a test, and says so.
    let (code, said) = at(&["review", CASE, "psr", "--by", "Declan Hughes", "--agree"], "2999-01-01 09:00");
    assert_ne!(code, 0, "{said}");
    assert!(said.contains("later than the system clock") && said.contains("--test-clock"), "{said}");
    let help = String::from_utf8_lossy(&s.run(&["final", "--help"]).stdout).into_owned();
    assert!(help.contains("For tests and replays only"), "{help}");
}

/// A signature is a step recorded on a version: the author signs the
/// version the managers agreed and the final shows it; nobody signs for
/// another member of staff; a final is never signed (or re-opened) after;
/// and a signature typed into the case after the PSR was sent makes no new
/// draft. A changed plan shows the young person's signature as given to
/// an earlier version, to sign again.
#[test]
fn a_signature_is_a_recorded_step_on_a_version_and_never_reopens_a_final() {
    let s = Service::new();
    let path = s.path().join("cases/jay.json");
    let edit = |f: &dyn Fn(&mut serde_json::Value)| {
        let mut case: serde_json::Value = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
        f(&mut case);
        fs::write(&path, serde_json::to_string_pretty(&case).unwrap()).unwrap();
    };
    edit(&|c| {
        c["psr"].as_object_mut().unwrap().remove("signed");
    });
    s.render();
    s.submitted_and_agreed_by_two_teams();
    let final_ = ["final", CASE, "psr", "--by", "Priya Natarajan", "--date", "2026-12-01"];
    let (code, said) = s.step(&final_);
    assert!(code == 1 && said.contains("author's signature"), "{said}");
    let (code, said) = s.step(&["sign", CASE, "psr", "--as", "author", "--by", "Declan Hughes"]);
    assert!(code == 1 && said.contains("records only their own signature"), "{said}");
    let (code, said) = s.step(&["sign", CASE, "psr", "--as", "young-person", "--by", "Priya Natarajan"]);
    assert!(code == 1 && said.contains("is not signed by the young person"), "{said}");
    let (code, said) =
        s.step(&["sign", CASE, "psr", "--as", "author", "--by", "Priya Natarajan", "--date", "2026-11-30"]);
    assert_eq!(code, 0, "{said}");
    let (code, said) = s.step(&final_);
    assert_eq!(code, 0, "signing is not a change the managers must see again: {said}");
    let docs = s.path().join("out/cases").join(CASE).join("documents");
    let text = squash(&pdf_text(&docs.join("NYJS-2026-0117_psr_2026-12-01.pdf")));
    assert!(
        text.contains("PriyaNatarajanSigned30November2026"),
        "the final carries the recorded signature: {text}"
    );
    assert_eq!(s.step(SENT).0, 0);
    let (code, said) = s.step(&["sign", CASE, "psr", "--as", "author", "--by", "Priya Natarajan"]);
    assert!(code == 1 && said.contains("is final"), "{said}");

    // A signature typed into the case after it was sent: no new draft.
    let before = files_under(&docs);
    edit(&|c| c["psr"]["signed"] = serde_json::json!({"name": "Priya Natarajan", "date": "2026-12-03"}));
    s.render();
    assert_eq!(files_under(&docs), before, "no new draft");
    let (_, status) = s.step(&["status", CASE]);
    assert!(status.contains("sent"), "{status}");
    let log = fs::read_to_string(s.path().join("out/cases").join(CASE).join("case-log.jsonl")).unwrap();
    let signed: Vec<serde_json::Value> = log
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|e| e["step"] == "signed")
        .collect();
    assert_eq!(signed.len(), 1);
    assert_eq!(signed[0]["signer"], "author");
    assert_eq!(signed[0]["date"], "2026-11-30");

    // The young person signs the plan; the plan changes; the new draft
    // shows that signature as given to an earlier version.
    let plan = ["render", "cases", "--kind", "intervention-plan", "--date", "2026-11-23", "--jobs", "1"];
    assert_eq!(s.run(&plan).status.code(), Some(0));
    let (code, said) = s.step(&[
        "sign",
        CASE,
        "intervention-plan",
        "--as",
        "young-person",
        "--by",
        "Priya Natarajan",
        "--date",
        "2026-11-30",
    ]);
    assert_eq!(code, 0, "{said}");
    let (code, said) = s.step(&[
        "sign",
        CASE,
        "intervention-plan",
        "--as",
        "parent-carer",
        "--name",
        "Nobody Related",
        "--by",
        "Priya Natarajan",
    ]);
    assert!(code == 1 && said.contains("is not a parent or carer"), "{said}");
    edit(&|c| c["intervention_plan"]["make_it_easier"] = "Meet after college, never on a Tuesday.".into());
    // A paper dated after the signature (one dated before it could not know of it).
    let later = ["render", "cases", "--kind", "intervention-plan", "--date", "2026-12-01", "--jobs", "1"];
    assert_eq!(s.run(&later).status.code(), Some(0));
    let newest = files_under(&docs)
        .into_iter()
        .filter(|p| p.to_string_lossy().contains("intervention-plan"))
        .max_by_key(|p| fs::metadata(p).unwrap().modified().unwrap())
        .unwrap();
    let text = squash(&pdf_text(&newest));
    assert!(text.contains("signedanearlierversionon30November2026"), "{text}");
}

/// `check` reads the PSR's recorded steps: a submission after the due date
/// is late (not overdue), and two agreements by managers of two teams are
/// double gatekeeping done, with no typed gatekeeping fields at all.
#[test]
fn check_reads_the_recorded_steps_a_late_submission_is_late_and_two_agreements_are_double_gatekeeping() {
    let s = Service::new();
    let path = s.path().join("cases/jay.json");
    let mut case: serde_json::Value = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
    case.as_object_mut().unwrap().remove("gatekeeping");
    fs::write(&path, serde_json::to_string_pretty(&case).unwrap()).unwrap();
    s.render();
    // The hearing is on Tuesday 8 December: to managers by Friday 4 December.
    for (step, at) in [
        (vec!["submit", CASE, "psr", "--by", "Priya Natarajan"], "2026-12-07 09:00"),
        (vec!["review", CASE, "psr", "--by", "Declan Hughes", "--agree"], "2026-12-07 10:00"),
        (vec!["review", CASE, "psr", "--by", "Ruth Okafor", "--agree"], "2026-12-07 11:00"),
    ] {
        let mut args = step.clone();
        args.extend(["--now", at, "--test-clock"]);
        let (code, said) = s.step(&args);
        assert_eq!(code, 0, "{step:?}: {said}");
    }
    let out = s.run(&["check", "cases", "--today", "2026-12-07", "--json"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let facts = &report["cases"][0]["facts"];
    assert_eq!(facts["double_gatekeeping_done"], true, "{facts:#}");
    let due = |what: &str| {
        facts["due_dates"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["what"].as_str().unwrap().starts_with(what))
            .cloned()
    };
    let to_managers = due("PSR to managers").unwrap();
    assert_eq!(
        (to_managers["status"].as_str(), to_managers["done"].as_str()),
        (Some("late"), Some("2026-12-07"))
    );
    let meeting = due("PSR gatekeeping meeting held").unwrap();
    assert_eq!(meeting["done"], "2026-12-07");
    let findings = facts["findings"].to_string();
    assert!(!findings.contains("needs two managers"), "{findings}");
    assert_eq!(report["cases"][0]["gatekeeping"]["overdue"], false);
    // On the day before the steps, none of them had happened.
    let out = s.run(&["check", "cases", "--today", "2026-12-04", "--json"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["cases"][0]["facts"]["double_gatekeeping_done"], false);
}

/// Issue 25, item 6: the gatekeeping meeting is a recorded step, taken by a
/// manager who held it with the report's author, about the version as it
/// is; time runs one way for it too. A PSR gatekept in casepress is final
/// only with its meeting recorded (no typed gatekeeping at all here), and
/// the gatekeeping record then states the day and who was there.
#[test]
fn the_gatekeeping_meeting_is_a_recorded_step_and_a_final_psr_needs_one() {
    let s = Service::new();
    let path = s.path().join("cases/jay.json");
    let mut case: serde_json::Value = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
    case.as_object_mut().unwrap().remove("gatekeeping");
    fs::write(&path, serde_json::to_string_pretty(&case).unwrap()).unwrap();
    s.render();
    s.submitted_and_agreed_by_two_teams();
    let (code, said) = s.step(&["final", CASE, "psr", "--by", "Priya Natarajan", "--date", "2026-11-30"]);
    assert_eq!(code, 1, "{said}");
    assert!(said.contains("missing `gatekeeping.meeting_date` (gatekeeping meeting)"), "{said}");

    let meeting = |by: &str, date: &str, with: &[&str]| {
        let mut args = vec!["meeting", CASE, "psr", "--by", by, "--date", date];
        for w in with {
            args.extend(["--with", w]);
        }
        s.step(&args)
    };
    for (by, date, with, refused) in [
        ("Priya Natarajan", "2026-11-30", &["Declan Hughes"][..], "Priya Natarajan is not a manager"),
        ("Declan Hughes", "2026-11-30", &[][..], "Priya Natarajan was not there"),
        (
            "Declan Hughes",
            "2026-11-30",
            &["Priya Natarajan", "Someone Else"][..],
            "Someone Else is not in the staff directory",
        ),
        ("Declan Hughes", "2026-12-25", &["Priya Natarajan"][..], "recorded once it has been held"),
        ("Declan Hughes", "2026-11-27", &["Priya Natarajan"][..], "before the steps that followed it"),
    ] {
        let (code, said) = meeting(by, date, with);
        assert_eq!(code, 1, "{by} {date} {with:?}: {said}");
        assert!(said.contains(refused), "{by} {date} {with:?}: {said}");
    }
    let (code, said) = meeting("declan hughes", "2026-11-30", &["priya natarajan", "Ruth Okafor"]);
    assert_eq!(code, 0, "{said}");
    assert!(said.contains("meeting by Declan Hughes"), "{said}");
    let log = fs::read_to_string(s.path().join(format!("out/cases/{CASE}/case-log.jsonl"))).unwrap();
    let line = log.lines().find(|l| l.contains("\"step\":\"meeting\"")).unwrap();
    let entry: serde_json::Value = serde_json::from_str(line).unwrap();
    assert_eq!(entry["attended"], serde_json::json!(["Declan Hughes", "Priya Natarajan", "Ruth Okafor"]));
    assert_eq!(entry["date"], "2026-11-30");
    assert_eq!(entry["by"], "Declan Hughes", "the directory's spelling");

    // The meeting is not part of the version: the agreement still stands.
    let (code, said) = s.step(&["final", CASE, "psr", "--by", "Priya Natarajan", "--date", "2026-11-30"]);
    assert_eq!(code, 0, "{said}");
    let (code, said) = meeting("Declan Hughes", "2026-11-30", &["Priya Natarajan"]);
    assert_eq!(code, 1);
    assert!(said.contains("this PSR is final"), "{said}");

    // The gatekeeping record states the recorded meeting.
    let out = s.run(&["render", "cases", "--kind", "gatekeeping", "--date", "2026-11-30", "--jobs", "1"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let docs = s.path().join(format!("out/cases/{CASE}/documents"));
    let record = fs::read_dir(&docs)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().contains("_gatekeeping_"))
        .unwrap();
    let text = squash(&pdf_text(&record));
    for words in [
        "Dateofmeeting30November2026(recordedincasepress)",
        "WhowasthereDeclanHughesPriyaNatarajanRuthOkafor",
    ] {
        assert!(text.contains(words), "{words}: {text}");
    }
    // `check` counts the meeting's own day.
    let out = s.run(&["check", "cases", "--today", "2026-11-30", "--json"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let held = report["cases"][0]["facts"]["due_dates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["what"].as_str().unwrap().starts_with("PSR gatekeeping meeting held"))
        .cloned()
        .unwrap();
    assert_eq!(held["done"], "2026-11-30");
}

/// `casepress start`: a PSR once the court asked for it, never twice, and
/// never one the court did not ask for; the same library call as the
/// workspace's Start.
#[test]
fn start_adds_the_section_the_court_asked_for_and_only_that() {
    let s = Service::new();
    let path = s.path().join("cases/jay.json");
    let mut case: serde_json::Value = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
    let obj = case.as_object_mut().unwrap();
    obj.remove("psr");
    obj.remove("gatekeeping");
    fs::write(&path, serde_json::to_string_pretty(&case).unwrap()).unwrap();
    let start = || s.step(&["start", CASE, "psr", "--by", "Priya Natarajan"]);
    let (code, said) = start();
    assert_eq!(code, 1, "{said}");
    assert!(said.contains("the court has not asked for a PSR"), "{said}");
    case["court"]["report_requested"] = "psr".into();
    case["court"]["report_requested_date"] = "2026-11-02".into();
    fs::write(&path, serde_json::to_string_pretty(&case).unwrap()).unwrap();
    let (code, said) = start();
    assert_eq!(code, 0, "{said}");
    assert!(said.contains("started by Priya Natarajan: `psr` added to"), "{said}");
    let after: serde_json::Value = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(after["psr"], serde_json::json!({"requested_date": "2026-11-02"}));
    assert_eq!(after["child"], case["child"], "nothing else changes");
    let (code, said) = start();
    assert_eq!(code, 1);
    assert!(said.contains("the PSR is already started"), "{said}");
    let (code, said) = s.step(&["start", CASE, "mappa-h", "--by", "Priya Natarajan"]);
    assert_eq!(code, 1);
    assert!(said.contains("is made from the case data"), "{said}");
}

/// Issue 25 item 3 (review L3): a write of a case file killed between its
/// temporary copy and publishing it leaves the case as it was for the next
/// load, which never reads the copy; the next command that touches the
/// cases folder (`new`, the workspace starting, `run`) removes the copy.
#[test]
fn issue_25_a_killed_writes_copy_is_never_read_and_the_next_command_removes_it() {
    let s = Service::new();
    let cases = s.path().join("cases");
    let path = cases.join("jay.json");
    let mut case: serde_json::Value = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
    let obj = case.as_object_mut().unwrap();
    obj.remove("psr");
    obj.remove("gatekeeping");
    case["court"]["report_requested"] = "psr".into();
    case["court"]["report_requested_date"] = "2026-11-02".into();
    fs::write(&path, serde_json::to_string_pretty(&case).unwrap()).unwrap();
    let before = fs::read(&path).unwrap();
    let start = ["start", CASE, "psr", "--by", "Priya Natarajan"];
    let killed_at = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_casepress"))
            .args(args)
            .env("CASEPRESS_FAILPOINT", "case-file:before-publish")
            .current_dir(s.path())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), None, "killed: {}", String::from_utf8_lossy(&out.stderr));
    };
    let killed = || killed_at(&start);
    let copies = || -> Vec<std::path::PathBuf> {
        files_under(&cases).into_iter().filter(|p| p.to_string_lossy().contains(".tmp-")).collect()
    };
    killed();
    let left = copies();
    assert_eq!(left.len(), 1, "the kill left its copy: {left:?}");
    assert!(fs::read_to_string(&left[0]).unwrap().contains("\"requested_date\""), "holding the killed write");
    assert_eq!(fs::read(&path).unwrap(), before, "the case file as it was");
    // The next load reads the case as it was, once, and nothing else.
    let caseload = casepress::case::Caseload::load(std::slice::from_ref(&cases)).unwrap();
    assert!(caseload.failures.is_empty(), "{:?}", caseload.failures.len());
    assert_eq!(caseload.cases.len(), 1);
    assert!(caseload.cases[0].file == path && caseload.cases[0].case.psr.is_none());
    let new = ["new", "NEW-1", "--first-name", "Sam", "--last-name", "Example", "--born", "2011-05-04"];
    let (code, said) = s.step(&[&new[..], &["--case-manager", "Priya Natarajan"]].concat());
    assert_eq!(code, 0, "{said}");
    assert!(copies().is_empty(), "`new` removed the copy: {:?}", copies());
    // Killed again; the workspace starting removes it.
    killed();
    assert_eq!(copies().len(), 1);
    let mut config = casepress::config::Config::load(&s.path().join("casepress.toml")).unwrap();
    config.statements.inbox = None;
    config.statements.sample_inbox = None;
    config.workspace.users = s.path().join("users.toml");
    let options = casepress::workspace::Options { listen: Some("127.0.0.1:0".into()), ..Default::default() };
    let running = casepress::workspace::start(config, options).unwrap();
    assert!(copies().is_empty(), "the workspace's start removed the copy: {:?}", copies());
    drop(running);
    assert_eq!(fs::read(&path).unwrap(), before);
    // The start, taken again, is whole.
    let (code, said) = s.step(&start);
    assert_eq!(code, 0, "{said}");
    assert!(fs::read_to_string(&path).unwrap().contains("\"requested_date\": \"2026-11-02\""));
    // A start of the new case's agreement killed; the nightly `run` removes its copy.
    killed_at(&["start", "NEW-1", "service-agreement", "--by", "Priya Natarajan"]);
    assert_eq!(copies().len(), 1);
    for dir in ["inbox", "caseload"] {
        fs::create_dir(s.path().join(dir)).unwrap();
    }
    let (_, said) = s.step(&["run", "casepress.toml", "--date", "2026-11-23", "--now", "2026-11-23 11:00"]);
    assert!(said.contains("Board report for"), "the run ran: {said}");
    assert!(copies().is_empty(), "`run` removed the copy: {:?}", copies());
}

/// Issue 31, items 1 and 2: the final PSR says who quality assured it and
/// when, from the agreements recorded against its version; the author may
/// not make the gatekeeping record final, a manager does, and the record
/// carries the quality-assurance checklist as recorded.
#[test]
fn issue_31_a_final_psr_says_who_quality_assured_it_and_only_a_manager_makes_the_record_final() {
    let s = Service::new();
    s.render();
    s.submitted_and_agreed_by_two_teams();
    let (code, said) = s.step(&["final", CASE, "psr", "--by", "Priya Natarajan", "--date", "2026-12-01"]);
    assert_eq!(code, 0, "{said}");
    let docs = s.path().join("out/cases").join(CASE).join("documents");
    let finals = |kind: &str| -> Vec<std::path::PathBuf> {
        files_under(&docs)
            .into_iter()
            .filter(|p| {
                let name = p.file_name().unwrap().to_string_lossy().into_owned();
                name.contains(&format!("_{kind}_")) && !name.contains("_draft") && name.ends_with(".pdf")
            })
            .collect()
    };
    let psr = squash(&pdf_text(&finals("psr")[0]));
    let assured = "This report was quality assured before it went to the court: its gatekeeping was agreed by Declan Hughes on 30 November 2026 and Ruth Okafor on 30 November 2026, as recorded in casepress against this version.";
    assert!(psr.contains(&squash(assured)), "{psr}");
    assert!(!psr.contains(&squash("not yet quality assured")), "{psr}");

    let (code, said) =
        s.step(&["final", CASE, "gatekeeping", "--by", "Priya Natarajan", "--date", "2026-12-01"]);
    assert!(code == 1 && said.contains("a manager makes it final"), "{said}");
    assert!(finals("gatekeeping").is_empty(), "no final record from the author");
    let (code, said) =
        s.step(&["final", CASE, "gatekeeping", "--by", "Declan Hughes", "--date", "2026-12-01"]);
    assert_eq!(code, 0, "{said}");
    let record = squash(&pdf_text(&finals("gatekeeping")[0]));
    for expected in [
        "Referral to the victim service ✓ Done",
        "Record of previous convictions attached Not done",
        "Gatekeeping manager Declan Hughes Agreed 30 November 2026",
    ] {
        assert!(record.contains(&squash(expected)), "no `{expected}`:\n{record}");
    }
}
