//! Subject access requests through the binary (issue 29 item 5): a pack
//! for a case full of third parties (victims, another child, a father who
//! lives apart, a mother's partner, a half-brother, a co-defendant, staff
//! who are not the child's named workers), searched for every withheld
//! word in the text as pdftotext and lopdf extract it, in the tag tree as
//! pdfinfo reads it element by element, in every string of
//! every object (the tag tree's /Alt and /ActualText, the document
//! information), in the XMP metadata and in every stream, decompressed.
//! Then the manager's decision, recorded as a step only a manager takes.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::*;
use lopdf::{Document, Object};

const CASE: &str = "NYJS-2026-0907";

/// What every requester's pack withholds: victims, another child, staff
/// who are not named workers, the co-defendant listed by the officer, the
/// family's own circumstances, and every parent's and carer's phone.
const ALWAYS_WITHHELD: &[&str] = &[
    "Quillfeather",
    "Thistlewood",
    "Okonkwo",
    "Pellinore",
    "Wrenna",
    "Caspian",
    "Gantry",
    "Tobiah",
    "Stanforth",
    "Gemma Rowe",
    "Aisha Khan",
    "Say more about",
    "07700 900 929",
    "07700 900 737",
];

/// What a parent's pack also withholds: the other parent and the mother's
/// partner, and the child's own confidences.
const FROM_A_PARENT: &[&str] = &[
    "Desmond",
    "Arkwright",
    "Lorcan",
    "Fennimore",
    "self-harmed",
    "cutting",
    "Non-binary",
    "emergency contact",
];

struct Service {
    dir: tempfile::TempDir,
}

impl Service {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir(root.join("cases")).unwrap();
        fs::copy(fixture(), root.join("cases/rhys.json")).unwrap();
        let config = fs::read_to_string(samples().join("casepress.toml"))
            .unwrap()
            .replace("output = \"../out\"", "output = \"out\"");
        fs::write(root.join("casepress.toml"), config).unwrap();
        // The case log as casepress records it: a PSR's review (returned by
        // a duty manager who is not the child's named manager, with
        // comments naming the father), a meeting, a final sent; two
        // statements received, one a Safety Link assigned to admin staff.
        let case_dir = root.join("out/cases").join(CASE);
        fs::create_dir_all(&case_dir).unwrap();
        let step = |at: &str, step: &str, by: &str, extra: serde_json::Value| {
            let mut v = serde_json::json!({"event": "lifecycle", "at": at, "kind": "psr", "step": step,
                "sha256": "ab12", "by": by, "os_user": "casepress"});
            for (k, x) in extra.as_object().unwrap() {
                v[k] = x.clone();
            }
            v
        };
        let lines = [
            serde_json::json!({"event": "document", "at": "2026-09-20T09:00:00Z", "kind": "psr",
                "file": "NYJS-2026-0907_psr_2026-09-20_DRAFT.pdf", "sha256": "ab12", "input_hash": "i1",
                "draft": true, "version": "0.1.0"}),
            step(
                "2026-09-21T09:00:00Z",
                "submitted",
                "Priya Natarajan",
                serde_json::json!({"reviewers": ["Gemma Rowe"]}),
            ),
            step(
                "2026-09-22T09:00:00Z",
                "returned",
                "Gemma Rowe",
                serde_json::json!({"comments": "Say more about Desmond Arkwright's drinking."}),
            ),
            step(
                "2026-09-24T09:00:00Z",
                "meeting",
                "Declan Hughes",
                serde_json::json!({"date": "2026-09-24", "attended": ["Declan Hughes", "Gemma Rowe", "Priya Natarajan"]}),
            ),
            step(
                "2026-09-24T10:00:00Z",
                "agreed",
                "Declan Hughes",
                serde_json::json!({"comments": "Clear and balanced."}),
            ),
            step(
                "2026-09-25T09:00:00Z",
                "final",
                "Priya Natarajan",
                serde_json::json!({"agreed_input": "v1"}),
            ),
            step(
                "2026-09-28T09:00:00Z",
                "sent",
                "Priya Natarajan",
                serde_json::json!({"to": "Northfield Youth Court", "date": "2026-09-28"}),
            ),
            serde_json::json!({"event": "statement", "at": "2026-10-10T08:00:00Z", "statement_id": "MOMO-88120",
                "file": "MOMO-88120.pdf", "sha256": "cd34", "app": "One", "statement_type": "Worried",
                "sent": "2026-10-10T07:00:00Z", "received": "2026-10-10T08:00:00Z", "assigned_to": "Aisha Khan",
                "route": "cover", "working_minutes": 60, "sla_hours": 24, "sla_met": true, "safety_link": true}),
            serde_json::json!({"event": "statement", "at": "2026-10-12T08:00:00Z", "statement_id": "MOMO-88121",
                "file": "MOMO-88121.pdf", "sha256": "ef56", "app": "One", "statement_type": "Meeting",
                "sent": "2026-10-12T07:00:00Z", "received": "2026-10-12T08:00:00Z", "assigned_to": "Priya Natarajan",
                "route": "allocated", "working_minutes": 60, "sla_hours": 24, "sla_met": true, "safety_link": false}),
        ];
        let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
        fs::write(case_dir.join("case-log.jsonl"), text).unwrap();
        // The case as it was when the final PSR was made from it: its
        // conclusion has changed since, and then named the father.
        let mut then: serde_json::Value = serde_json::from_slice(&fs::read(fixture()).unwrap()).unwrap();
        then["psr"]["conclusion"] =
            "In the earlier wording, a community order would keep Rhys at school.".into();
        then["psr"]["risk_assessment"]["reoffending"] =
            "Medium; Desmond Arkwright's visits unsettle him.".into();
        fs::create_dir_all(case_dir.join("versions")).unwrap();
        fs::write(case_dir.join("versions/v1.json"), serde_json::to_vec(&then).unwrap()).unwrap();
        // The workspace's audit lines: this case, read by an admin officer
        // and saved by the case manager; another case's line left out.
        let audit = casepress::workspace::audit::Audit::new(
            root.join("out/audit"),
            casepress::store::Modes::default(),
            None,
        )
        .unwrap();
        let done = casepress::workspace::audit::Outcome::Done;
        audit.outcome(done, "Aisha Khan", "read", Some(CASE), "psr").unwrap();
        audit.outcome(done, "Priya Natarajan", "write", Some(CASE), "psr offence_analysis").unwrap();
        audit.outcome(done, "Ruth Okafor", "read", Some("NYJS-2026-0117"), "psr").unwrap();
        Self { dir }
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_casepress"))
            .args(args)
            .current_dir(self.dir.path())
            .output()
            .unwrap()
    }

    fn sar_dir(&self) -> PathBuf {
        self.dir.path().join("out/cases").join(CASE).join("sar")
    }

    fn log(&self) -> Vec<serde_json::Value> {
        let text =
            fs::read_to_string(self.dir.path().join("out/cases").join(CASE).join("case-log.jsonl")).unwrap();
        text.lines().map(|l| serde_json::from_str(l).unwrap()).collect()
    }
}

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sar/third-parties.json")
}

fn ok(out: &Output) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    stdout
}

/// Every place a reader or a tool can find words in a PDF, each as text.
struct Extracted {
    places: Vec<(&'static str, String)>,
}

impl Extracted {
    fn of(pdf: &Path) -> Self {
        let mut places = Vec::new();
        let poppler =
            Command::new(common::tools::pdftotext()).args(["-layout"]).arg(pdf).arg("-").output().unwrap();
        assert!(poppler.status.success(), "pdftotext: {}", String::from_utf8_lossy(&poppler.stderr));
        places.push(("pdftotext", String::from_utf8_lossy(&poppler.stdout).into_owned()));
        // In content order, so that a table cell's wrapped lines read on.
        let raw = Command::new(common::tools::pdftotext()).args(["-raw"]).arg(pdf).arg("-").output().unwrap();
        places.push(("pdftotext -raw", String::from_utf8_lossy(&raw.stdout).into_owned()));
        places.push(("lopdf text", pdf_text(pdf)));
        // The tag tree, element by element, with the text each holds.
        let tags = Command::new(common::tools::pdftotext().with_file_name("pdfinfo"))
            .args(["-struct-text"])
            .arg(pdf)
            .output()
            .unwrap();
        assert!(tags.status.success(), "pdfinfo: {}", String::from_utf8_lossy(&tags.stderr));
        places.push((
            "the tag tree (pdfinfo -struct-text)",
            String::from_utf8_lossy(&tags.stdout).into_owned(),
        ));
        let doc = Document::load(pdf).unwrap();
        let mut strings = String::new();
        let mut alts = String::new();
        let mut streams = String::new();
        for object in doc.objects.values() {
            collect_strings(object, &mut strings, &mut alts);
            if let Object::Stream(stream) = object {
                let bytes = stream.decompressed_content().unwrap_or_else(|_| stream.content.clone());
                streams.push_str(&String::from_utf8_lossy(&bytes));
                streams.push('\n');
                streams.push_str(&utf16(&bytes));
                streams.push('\n');
            }
        }
        let raw = fs::read(pdf).unwrap();
        places.push(("every string of every object", strings));
        places.push(("/Alt, /ActualText, /T and /E", alts));
        places.push(("every stream, decompressed (XMP metadata among them)", streams));
        places.push(("the file's raw bytes", String::from_utf8_lossy(&raw).into_owned()));
        let metadata = doc
            .catalog()
            .ok()
            .and_then(|c| c.get(b"Metadata").ok())
            .and_then(|m| m.as_reference().ok())
            .and_then(|r| doc.get_object(r).ok())
            .and_then(|o| o.as_stream().ok())
            .map(|s| {
                String::from_utf8_lossy(&s.decompressed_content().unwrap_or_else(|_| s.content.clone()))
                    .into_owned()
            })
            .expect("an XMP metadata stream");
        places.push(("XMP metadata", metadata));
        Self { places }
    }

    /// The places `word` is found (case-insensitive, whitespace-tolerant).
    fn find(&self, word: &str) -> Vec<&'static str> {
        let needle = squash(word);
        self.places
            .iter()
            .filter(|(_, text)| squash(text).contains(&needle))
            .map(|(place, _)| *place)
            .collect()
    }

    fn place(&self, name: &str) -> &str {
        &self.places.iter().find(|(p, _)| *p == name).unwrap().1
    }
}

fn squash(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace() && *c != '\u{200b}').flat_map(char::to_lowercase).collect()
}

/// Bytes read as UTF-16BE (PDF text strings with a byte-order mark).
fn utf16(bytes: &[u8]) -> String {
    let units: Vec<u16> = bytes.chunks_exact(2).map(|p| u16::from_be_bytes([p[0], p[1]])).collect();
    String::from_utf16_lossy(&units)
}

fn decode(bytes: &[u8]) -> String {
    if bytes.starts_with(&[0xfe, 0xff]) {
        utf16(&bytes[2..])
    } else {
        String::from_utf8_lossy(bytes).into_owned()
    }
}

fn collect_strings(object: &Object, all: &mut String, tagged: &mut String) {
    match object {
        Object::String(bytes, _) => {
            all.push_str(&decode(bytes));
            all.push('\n');
        }
        Object::Array(items) => items.iter().for_each(|o| collect_strings(o, all, tagged)),
        Object::Dictionary(dict) => {
            for (key, value) in dict.iter() {
                if matches!(key.as_slice(), b"Alt" | b"ActualText" | b"T" | b"E")
                    && let Object::String(bytes, _) = value
                {
                    tagged.push_str(&decode(bytes));
                    tagged.push('\n');
                }
                collect_strings(value, all, tagged);
            }
        }
        Object::Stream(stream) => collect_strings(&Object::Dictionary(stream.dict.clone()), all, tagged),
        _ => {}
    }
}

fn assert_withheld(pdf: &Path, words: &[&str]) {
    let found = Extracted::of(pdf);
    let leaks: Vec<String> = words
        .iter()
        .filter_map(|w| {
            let at = found.find(w);
            (!at.is_empty()).then(|| format!("`{w}` in {}", at.join(", ")))
        })
        .collect();
    assert!(leaks.is_empty(), "{} holds withheld words: {leaks:#?}", pdf.display());
}

fn make(service: &Service, args: &[&str]) -> PathBuf {
    let mut all =
        vec!["sar", CASE, "--by", "Helen Adeyemi", "--date", "2026-11-23", "--now", "2026-11-23 11:00"];
    all.extend_from_slice(args);
    let out = ok(&service.run(&all));
    let path = out.lines().next().and_then(|l| l.strip_prefix("wrote  ")).expect("the pack's path").trim();
    service.dir.path().join(path)
}

#[test]
#[ignore = "needs pdftotext (poppler-utils): bash .ci/test installs it"]
fn a_parents_pack_holds_no_withheld_word_anywhere_in_the_pdf() {
    let service = Service::new();
    let pdf = make(
        &service,
        &["--requester", "parent", "--name", "Marguerite Vexley", "--third-party", "Tobiah Stanforth"],
    );
    assert_eq!(pdf, service.sar_dir().join(format!("{CASE}_sar_parent_2026-11-23.pdf")));
    // To look at the pages: CASEPRESS_SAR_KEEP=DIR keeps a copy.
    if let Some(dir) = std::env::var_os("CASEPRESS_SAR_KEEP") {
        fs::copy(&pdf, Path::new(&dir).join(pdf.file_name().unwrap())).unwrap();
    }
    let mut words = ALWAYS_WITHHELD.to_vec();
    words.extend_from_slice(FROM_A_PARENT);
    assert_withheld(&pdf, &words);

    // The search finds what is there: the child's own record, the
    // requester's own entry, the named workers, and in the metadata too.
    let found = Extracted::of(&pdf);
    for present in [
        "Rhys Vexley",
        "Assault occasioning actual bodily harm",
        "Marguerite Vexley",
        "Priya Natarajan",
        "Declan Hughes",
        "Northfield Youth Court",
        "MOMO-88121",
        "Rhys pleaded guilty to both offences",
        "PC Alys Hollins",
        "The Pre-Sentence Report as made final on 25 September 2026",
        "In the earlier wording, a community order would keep Rhys at school.",
    ] {
        assert!(found.find(present).contains(&"pdftotext"), "`{present}` should be in the pack");
    }
    assert!(squash(found.place("XMP metadata")).contains(&squash("Your records: Rhys Vexley")));
    let tags = squash(found.place("the tag tree (pdfinfo -struct-text)"));
    assert!(
        tags.contains(&squash("Rhys pleaded guilty to both offences"))
            && tags.contains(&squash("Withheld (W1)"))
    );
    // Staff who are not named workers are shown by their job title only.
    let text = found.place("pdftotext -raw");
    for shown in [
        "a member of staff: Team Manager (duty manager this week) (name withheld, W",
        "a member of staff: Admin Officer (statements) (name withheld, W",
    ] {
        assert!(squash(text).contains(&squash(shown)), "`{shown}` not in {text}");
    }

    // The redaction log beside the PDF lists each item once, by field and
    // reason, in the pack's order; the pack names each reference.
    let stem = pdf.file_stem().unwrap().to_string_lossy().into_owned();
    let json: Vec<serde_json::Value> =
        serde_json::from_slice(&fs::read(service.sar_dir().join(format!("{stem}_redactions.json"))).unwrap())
            .unwrap();
    let csv = fs::read_to_string(service.sar_dir().join(format!("{stem}_redactions.csv"))).unwrap();
    assert_eq!(csv.lines().count(), json.len() + 1, "{csv}");
    let fields: Vec<(&str, &str)> =
        json.iter().map(|r| (r["field"].as_str().unwrap(), r["party"].as_str().unwrap())).collect();
    for expected in [
        ("offences[0].victims", "victim"),
        ("psr.offence_analysis.victims", "victim"),
        ("mappa.victim_issues", "victim"),
        ("pprc.children_in_contact", "other-child"),
        ("parents_carers[1]", "family-member"),
        ("parents_carers[2]", "family-member"),
        ("psr.child_assessment.family", "family-member"),
        ("psr.offence_analysis.seriousness", "listed"),
        ("psr.child_assessment.health", "child-confidence"),
        ("intervention_plan.child_views", "child-confidence"),
        ("intervention_plan.signatures.parent_carer", "family-member"),
        ("signatures.gatekeeping[0].name", "staff"),
        ("statement MOMO-88120", "child-confidence"),
        ("service_agreement.contacts[0]", "family-member"),
        ("earlier version: psr.risk_assessment.reoffending", "family-member"),
    ] {
        assert!(fields.contains(&expected), "{expected:?} not in the redaction log: {fields:#?}");
    }
    for (i, r) in json.iter().enumerate() {
        assert_eq!(r["reference"], format!("W{}", i + 1));
        let (shown, named) =
            (squash(&format!("Withheld (W{})", i + 1)), squash(&format!("withheld, W{})", i + 1)));
        assert!(
            squash(text).contains(&shown) || squash(text).contains(&named),
            "W{} not shown in the pack",
            i + 1
        );
    }
    for w in &words {
        assert!(!squash(&csv).contains(&squash(w)), "the redaction log names `{w}`");
    }

    // The pack is recorded in the case log, with who made it.
    let made = service.log().pop().unwrap();
    assert_eq!((made["event"].as_str(), made["step"].as_str()), (Some("disclosure"), Some("made")));
    assert_eq!(made["by"], "Helen Adeyemi");
    assert_eq!(made["withheld"], json.len());
    assert_eq!(made["requester_name"], "Marguerite Vexley");
}

#[test]
#[ignore = "needs pdftotext (poppler-utils): bash .ci/test installs it"]
fn the_childs_own_pack_shows_their_views_and_their_parents_names_but_no_third_party() {
    let service = Service::new();
    let pdf = make(&service, &["--requester", "child", "--third-party", "Tobiah Stanforth"]);
    assert_withheld(&pdf, ALWAYS_WITHHELD);
    // The child knows who their parents and carers are; their phones are theirs.
    assert_withheld(&pdf, &["07700 900 818"]);
    let found = Extracted::of(&pdf);
    for present in
        ["Please do not tell Mum", "Desmond Arkwright", "Lorcan Fennimore", "self-harmed", "MOMO-88120"]
    {
        assert!(
            found.find(present).contains(&"pdftotext"),
            "`{present}` is the child's to see: {}",
            found.place("pdftotext")
        );
    }
}

#[test]
#[ignore = "needs pdftotext (poppler-utils): bash .ci/test installs it"]
fn a_parent_with_the_childs_agreement_sees_the_childs_confidences() {
    let service = Service::new();
    let pdf = make(
        &service,
        &[
            "--requester",
            "parent",
            "--name",
            "Marguerite Vexley",
            "--child-consents",
            "--third-party",
            "Tobiah Stanforth",
        ],
    );
    assert_withheld(&pdf, ALWAYS_WITHHELD);
    assert_withheld(&pdf, &["Desmond", "Lorcan"]);
    let found = Extracted::of(&pdf);
    assert!(found.find("self-harmed").contains(&"pdftotext"));
}

#[test]
fn only_someone_recorded_on_the_case_may_ask_and_a_parent_needs_parental_responsibility() {
    let service = Service::new();
    let base = ["sar", CASE, "--by", "Helen Adeyemi", "--requester"];
    let cases: [(&[&str], &str); 7] = [
        (&["parent", "--name", "Lorcan Fennimore"], "not recorded as holding parental responsibility"),
        (&["carer", "--name", "Someone Else"], "is not among the case's parents and carers"),
        (&["parent"], "add --name"),
        (&["child", "--name", "Rhys Vexley"], "takes no --name"),
        // Naming the young person or the requester a third party would
        // withhold what the pack is for.
        (&["child", "--third-party", "rhys  vexley"], "the young person the records are about"),
        (&["child", "--third-party", "Rhysie Vexley"], "the young person the records are about"),
        (
            &["parent", "--name", "Marguerite Vexley", "--third-party", "Marguerite Vexley"],
            "who asked for the records",
        ),
    ];
    for (args, says) in cases {
        let mut all = base.to_vec();
        all.extend_from_slice(args);
        let out = service.run(&all);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
    }
    assert!(!service.sar_dir().exists(), "no pack is made for a refused request");
}

#[test]
#[ignore = "needs pdftotext (poppler-utils): bash .ci/test installs it"]
fn only_a_manager_records_the_disclosure_decision_once_on_the_pack_as_made() {
    let service = Service::new();
    let decide = |by: &str, extra: &[&str]| {
        let mut all = vec!["sar", CASE, "--requester", "child", "--decide", "release", "--by", by];
        all.extend_from_slice(extra);
        service.run(&all)
    };
    let before = decide("Declan Hughes", &[]);
    assert_eq!(before.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&before.stderr).contains("no pack has been made"));

    let pdf = make(&service, &["--requester", "child"]);
    let writer = decide("Priya Natarajan", &[]);
    assert_eq!(writer.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&writer.stderr)
            .contains("only a manager decides a disclosure: Priya Natarajan is Case Manager"),
        "{}",
        String::from_utf8_lossy(&writer.stderr)
    );
    let refuse =
        service.run(&["sar", CASE, "--requester", "child", "--decide", "refuse", "--by", "Declan Hughes"]);
    assert!(String::from_utf8_lossy(&refuse.stderr).contains("add --reason"));

    let out = ok(&decide("Declan Hughes", &["--reason", "Third parties withheld; checked by hand."]));
    assert!(out.contains("released, decided by Declan Hughes"), "{out}");
    let step = service.log().pop().unwrap();
    assert_eq!(step["step"], "released");
    assert_eq!(step["by"], "Declan Hughes");
    assert_eq!(step["sha256"], casepress::store::sha256_hex(&fs::read(&pdf).unwrap()));
    assert_eq!(step["reason"], "Third parties withheld; checked by hand.");

    let again = decide("Declan Hughes", &[]);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already decided: released by Declan Hughes"));

    // A pack made again shows the earlier request in its history, without
    // saying who asked; a pack changed on disk is never released.
    let second = make(&service, &["--requester", "child"]);
    assert_ne!(second, pdf, "an earlier pack is never replaced");
    let text = Extracted::of(&second);
    assert!(squash(text.place("pdftotext")).contains(&squash("the copy was released")));
    let mut bytes = fs::read(&second).unwrap();
    bytes.extend_from_slice(b"\n%changed\n");
    fs::write(&second, bytes).unwrap();
    let changed = decide("Declan Hughes", &[]);
    assert_eq!(changed.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&changed.stderr).contains("changed since it was made"));
}

#[test]
#[ignore = "needs pdftotext (poppler-utils): bash .ci/test installs it"]
fn every_field_of_every_sample_case_has_an_owner_and_a_damaged_log_line_is_said() {
    // A top-level field no rule names is withheld as unclassified: every
    // field the samples use must be classified, so none is lost.
    for entry in fs::read_dir(samples().join("cases")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        for loaded in casepress::case::parse_bytes(&fs::read(&path).unwrap(), &path) {
            let Ok(loaded) = loaded else { continue };
            let value = serde_json::to_value(&loaded.case).unwrap();
            for key in value.as_object().unwrap().keys() {
                assert_ne!(
                    casepress::sar::classify(&[key.as_str()]),
                    casepress::sar::Class::Third(casepress::sar::Party::Unclassified),
                    "{}: `{key}` has no rule in sar::classify",
                    path.display()
                );
            }
        }
    }
    let service = Service::new();
    let log = service.dir.path().join("out/cases").join(CASE).join("case-log.jsonl");
    let mut text = fs::read_to_string(&log).unwrap();
    text.push_str("{\"event\": \"lifecycle\", \"by\": \"torn\n");
    fs::write(&log, text).unwrap();
    let pdf = make(&service, &["--requester", "child"]);
    let said = Extracted::of(&pdf);
    assert!(
        squash(said.place("pdftotext -raw")).contains(&squash("1 line of our case log could not be read"))
    );
}
