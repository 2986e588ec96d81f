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
        Self { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_casepress")).args(args).current_dir(self.path()).output().unwrap()
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

    let (code, said) = s.step(&["final", CASE, "psr", "--by", "Priya Natarajan", "--date", "2026-12-01"]);
    assert_eq!(code, 0, "{said}");
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
                .args(step)
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
    assert_eq!(s.step(&["submit", CASE, "psr", "--by", "Priya Natarajan"]).0, 0);
    assert_eq!(s.step(&["review", CASE, "psr", "--by", "Declan Hughes", "--agree"]).0, 0);
    assert_eq!(s.step(&["review", CASE, "psr", "--by", "Ruth Okafor", "--agree"]).0, 0);

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
    assert_eq!(s.step(&["submit", CASE, "psr", "--by", "Priya Natarajan"]).0, 0);
    assert_eq!(s.step(&["review", CASE, "psr", "--by", "Declan Hughes", "--agree"]).0, 0);
    assert_eq!(s.step(&["review", CASE, "psr", "--by", "Ruth Okafor", "--agree"]).0, 0);
    s.amend();
    let (code, said) = s.step(&["final", CASE, "psr", "--by", "Priya Natarajan", "--date", "2026-12-01"]);
    assert_eq!(code, 1, "{said}");
    assert!(said.contains("`psr.conclusion`") && said.contains("submitted and agreed again"), "{said}");
    let docs = files_under(&s.path().join("out/cases").join(CASE).join("documents"));
    assert!(docs.iter().all(|p| p.to_string_lossy().contains("_draft")), "no final: {docs:?}");

    // Submitted again, the new version is agreed and made final.
    assert_eq!(s.step(&["submit", CASE, "psr", "--by", "Priya Natarajan"]).0, 0);
    assert_eq!(s.step(&["review", CASE, "psr", "--by", "Declan Hughes", "--agree"]).0, 0);
    assert_eq!(s.step(&["review", CASE, "psr", "--by", "Ruth Okafor", "--agree"]).0, 0);
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
    assert_eq!(s.step(&["submit", CASE, "psr", "--by", "Priya Natarajan"]).0, 0);
    assert_eq!(s.step(&["review", CASE, "psr", "--by", "Declan Hughes", "--agree"]).0, 0);
    assert_eq!(s.step(&["review", CASE, "psr", "--by", "Ruth Okafor", "--agree"]).0, 0);
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
