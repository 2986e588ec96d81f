//! Export bundles: members and hashes, determinism, modes, refusal of a
//! tampered or missing case folder, a Y2A bundle that waits for a final risk
//! summary, letters that name documents by title, and a transfer's readable
//! case history.

mod common;
#[path = "support/statement_pdfs.rs"]
mod statement_pdfs;

use std::fs;
use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use casepress::export::{ExportItem, ExportOptions, Purpose, export_cases};
use casepress::statements::{FileOptions, file_inbox};
use common::*;
use statement_pdfs::*;

const CASE: &str = "NYJS-2026-0088";

/// Renders the sample who turns 18 in December 2026 into `out`, and files
/// one statement from him.
fn prepared(out: &Path) -> casepress::press::Press {
    let press = press(out);
    // The PSR's hearing has passed, so it is history to the nightly run:
    // render the kinds by name, as a service would to make the bundle.
    use casepress::batch::{KindSelection, RenderOptions};
    use casepress::documents::DocumentKind;
    let kinds = KindSelection::only(vec![
        DocumentKind::Psr,
        DocumentKind::Gatekeeping,
        DocumentKind::InterventionPlan,
        DocumentKind::ServiceAgreement,
        DocumentKind::RiskSummary,
    ]);
    let report =
        render(&press, &[samples().join("cases/turning-18.json")], &RenderOptions { kinds, ..drafts() });
    assert!(!report.has_failures(), "{report:?}");
    let inbox = out.join("inbox");
    fs::create_dir_all(&inbox).unwrap();
    let s = Statement::new("MOMO-M1", "Mason", "10/12/2008", "20/11/2026 18:00");
    fs::write(inbox.join("m.pdf"), statement_pdf(&s, Layout::Lines)).unwrap();
    let mut config = press.config().clone();
    config.statements.settle_seconds = 0;
    let filer = casepress::press::Press::new(config).unwrap();
    let now = casepress::statements::fields::parse_sent("23/11/2026 10:00").unwrap();
    let caseload = casepress::case::Caseload::load(&[samples().join("cases")]).unwrap();
    let filed = file_inbox(&filer, &caseload, &FileOptions { inbox, now }).unwrap();
    assert_eq!(filed.items[0].case_id.as_deref(), Some(CASE), "{filed:?}");
    press
}

fn members(zip_path: &Path) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(fs::File::open(zip_path).unwrap()).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).unwrap();
            let mut bytes = Vec::new();
            f.read_to_end(&mut bytes).unwrap();
            (f.name().unwrap().into_owned(), bytes)
        })
        .collect()
}

fn options(out: &Path, purpose: Purpose) -> ExportOptions {
    ExportOptions {
        purpose,
        out: out.join("exports"),
        to: "Receiving service".into(),
        date: day(),
        drafts: true,
        once: false,
        cases: casepress::case::Caseload::load(&[samples().join("cases")])
            .unwrap()
            .cases()
            .cloned()
            .collect(),
    }
}

fn export(press: &casepress::press::Press, out: &Path, purpose: Purpose) -> ExportItem {
    export_cases(press, &[CASE.to_string()], &options(out, purpose)).remove(0)
}

/// The line manager signs the risk summary off, and it is made final.
fn make_risk_summary_final(press: &casepress::press::Press) {
    use casepress::documents::DocumentKind;
    use casepress::lifecycle::{Act, act};
    let case = casepress::case::load_file(&samples().join("cases/turning-18.json")).remove(0).unwrap().case;
    let at = |t: &str| casepress::statements::fields::parse_sent(t).unwrap();
    for (step, by, now) in [
        (Act::Submit { to: Vec::new() }, "Tom Ashworth", "23/11/2026 10:00"),
        (Act::Agree { comments: None }, "Ruth Okafor", "23/11/2026 11:00"),
        (Act::Final { date: day() }, "Tom Ashworth", "23/11/2026 12:00"),
    ] {
        act(press, &case, DocumentKind::RiskSummary, &step, by, at(now)).unwrap();
    }
}

fn letter_text(dir: &Path, members: &[(String, Vec<u8>)], name: &str) -> String {
    let path = dir.join(name);
    fs::write(&path, &members.iter().find(|(n, _)| n == name).unwrap().1).unwrap();
    pdf_text(&path)
}

#[test]
fn a_y2a_bundle_waits_for_a_final_risk_summary_and_nothing_is_written_until_then() {
    let tmp = tempfile::tempdir().unwrap();
    let press = prepared(tmp.path());
    let mut once = options(tmp.path(), Purpose::Y2a);
    once.drafts = false;
    let item = export_cases(&press, &[CASE.to_string()], &once).remove(0);
    assert_eq!(item.not_ready.as_deref(), Some("Y2A for NYJS-2026-0088 not ready: no final risk summary"));
    assert!(item.failed.is_none() && item.bundle.is_none(), "{item:?}");
    // Drafts asked for do not stand in for the risk summary Probation relies on.
    assert!(export(&press, tmp.path(), Purpose::Y2a).not_ready.is_some());
    assert!(!tmp.path().join("exports").exists(), "nothing written");
    let log = fs::read_to_string(tmp.path().join("cases").join(CASE).join("case-log.jsonl")).unwrap();
    assert!(!log.contains("\"event\":\"export\""), "nothing logged");
}

#[test]
fn a_y2a_bundle_holds_the_latest_psr_plan_and_risk_summary_with_a_verified_manifest() {
    let tmp = tempfile::tempdir().unwrap();
    let press = prepared(tmp.path());
    make_risk_summary_final(&press);
    let item = export(&press, tmp.path(), Purpose::Y2a);
    let bundle = item.bundle.unwrap_or_else(|| panic!("{:?}", item.failed));
    assert_eq!(fs::metadata(&bundle).unwrap().permissions().mode() & 0o777, 0o600);
    let members = members(&bundle);
    let names: Vec<&str> = members.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "documents/NYJS-2026-0088_psr_2026-11-23_draft.pdf",
            "documents/NYJS-2026-0088_intervention-plan_2026-11-23_draft.pdf",
            "documents/NYJS-2026-0088_risk-summary_2026-11-23.pdf",
            "cover-letter.pdf",
            "manifest.json",
        ]
    );
    assert!(
        bundle.ends_with("NYJS-2026-0088_y2a_2026-11-23.zip"),
        "dated the export's day: {}",
        bundle.display()
    );
    // The cover letter to another agency cites no other authority.
    let text = letter_text(tmp.path(), &members, "cover-letter.pdf");
    assert!(text.contains("Y2A") && !text.contains("Derbyshire") && !text.contains('§'), "{text}");
    assert!(text.contains("23 November 2026") && !text.contains("1970"), "{text}");
    // Documents by their titles; the drafts line names only the drafts in the zip.
    let flat = squash(&text);
    for title in ["Pre-SentenceReport(draft)", "InterventionPlan(draft)", "RiskSummary"] {
        assert!(flat.contains(title), "no `{title}`:\n{text}");
    }
    assert!(
        flat.contains("Draftsincludedatyourrequest,notfinal:Pre-SentenceReport,InterventionPlan."),
        "{text}"
    );
    assert!(!flat.contains("ServiceAgreement"), "a Y2A bundle neither holds nor mentions one:\n{text}");
    // No catalogue name outside the file names.
    let words: Vec<&str> =
        text.split_whitespace().filter(|w| !w.contains(".pdf") && !w.contains('_')).collect();
    for raw in ["psr", "psr.", "risk-summary", "intervention-plan"] {
        assert!(!words.contains(&raw), "raw name `{raw}`:\n{text}");
    }
    // Issue 13 item 7: a named sender, human sizes, a proper close, no hidden characters in file names.
    for expected in [
        "Helen Adeyemi",
        "Service Manager",
        "Yours sincerely",
        " KB",
        "NYJS-2026-0088_psr_2026-11-23_draft.pdf",
    ] {
        assert!(text.contains(expected), "cover letter: no `{expected}`:\n{text}");
    }
    assert!(!text.contains(" bytes") && !text.contains('\u{200B}'), "{text}");
    let manifest: serde_json::Value = serde_json::from_slice(&members.last().unwrap().1).unwrap();
    assert_eq!(manifest["purpose"], "y2a");
    assert_eq!(manifest["date"], "2026-11-23");
    assert_eq!(manifest["drafts"], serde_json::json!(["psr", "intervention-plan"]));
    assert_eq!(manifest["case_id"], CASE);
    let case_dir = tmp.path().join("cases").join(CASE);
    for entry in manifest["members"].as_array().unwrap() {
        let name = entry["name"].as_str().unwrap();
        let (_, bytes) = members.iter().find(|(n, _)| n == name).unwrap();
        assert_eq!(entry["sha256"].as_str().unwrap(), casepress::store::sha256_hex(bytes), "{name}");
        assert_eq!(entry["size"].as_u64().unwrap() as usize, bytes.len());
        if name.starts_with("documents/") {
            assert_eq!(bytes, &fs::read(case_dir.join(name)).unwrap(), "{name} is the file on disk");
        }
    }
    // The export is recorded in the case log.
    let log = fs::read_to_string(case_dir.join("case-log.jsonl")).unwrap();
    assert!(log.lines().any(|l| l.contains("\"event\":\"export\"") && l.contains("\"purpose\":\"y2a\"")));
}

#[test]
fn a_transfer_bundle_holds_documents_statements_and_the_case_history_and_is_byte_identical_again() {
    let tmp = tempfile::tempdir().unwrap();
    let press = prepared(tmp.path());
    make_risk_summary_final(&press);
    let first = export(&press, tmp.path(), Purpose::Transfer);
    let bundle = first.bundle.unwrap();
    let bytes = fs::read(&bundle).unwrap();
    let all = members(&bundle);
    let names: Vec<String> = all.iter().map(|(n, _)| n.clone()).collect();
    assert!(names.iter().any(|n| n == "statements/2026-11-20_my-world_MOMO-M1.pdf"), "{names:?}");
    assert_eq!(names.iter().filter(|n| n.starts_with("documents/")).count(), 5, "{names:?}");
    // The case history, for a person: date, step, document, who.
    let history = squash(&letter_text(tmp.path(), &all, "case-history.pdf"));
    for row in [
        "23November2026SubmittedforsignoffRiskSummaryTomAshworth",
        "23November2026AgreedRiskSummaryRuthOkafor",
        "23November2026MadefinalRiskSummary",
        "23November2026StatementreceivedMindOfMyOwnstatementMOMO-M1",
    ] {
        assert!(
            history.contains(&row.replace("signoff", "sign-off")),
            "no `{row}` in the case history:\n{history}"
        );
    }
    // The machine log goes too, labelled as such, without the operating-system user.
    let (_, log) = all.iter().find(|(n, _)| n == "case-log.jsonl").unwrap();
    let log = String::from_utf8(log.clone()).unwrap();
    assert!(log.contains("\"step\":\"final\"") && !log.contains("os_user"), "{log}");
    let manifest: serde_json::Value = serde_json::from_slice(&all.last().unwrap().1).unwrap();
    let kind_of = |name: &str| {
        manifest["members"].as_array().unwrap().iter().find(|m| m["name"] == name).unwrap()["kind"].clone()
    };
    assert_eq!(kind_of("case-log.jsonl"), "case-log (machine-readable)");
    assert_eq!(kind_of("case-history.pdf"), "case-history");
    let letter = squash(&letter_text(tmp.path(), &all, "cover-letter.pdf"));
    for expected in [
        "case-history.pdfCasehistory",
        "case-log.jsonlCaselog,machine-readable",
        "PSRGatekeepingRecord(draft)",
    ] {
        assert!(letter.contains(expected), "no `{expected}` in the letter:\n{letter}");
    }
    // The case log now records the export, but the bundle is unchanged.
    let again = export(&press, tmp.path(), Purpose::Transfer);
    assert!(!again.written);
    assert_eq!(fs::read(again.bundle.unwrap()).unwrap(), bytes);
    let other = tempfile::tempdir().unwrap();
    let pipeline2 = prepared(other.path());
    let elsewhere = export(&pipeline2, other.path(), Purpose::Transfer).bundle.unwrap();
    assert_eq!(members(&elsewhere).len(), names.len());
}

#[test]
fn a_tampered_or_missing_case_folder_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let press = prepared(tmp.path());
    let docs = tmp.path().join("cases").join(CASE).join("documents");
    let psr = fs::read_dir(&docs)
        .unwrap()
        .flatten()
        .find(|e| e.file_name().to_string_lossy().contains("_psr_"))
        .unwrap()
        .path();
    let mut bytes = fs::read(&psr).unwrap();
    let last = bytes.len() - 10;
    bytes[last] ^= 0x20;
    fs::write(&psr, bytes).unwrap();
    let item = export(&press, tmp.path(), Purpose::Y2a);
    let reason = item.failed.expect("refused");
    assert!(reason.contains("does not match its SHA-256 in the case log"), "{reason}");
    assert!(
        !tmp.path().join("exports").exists()
            || fs::read_dir(tmp.path().join("exports")).unwrap().count() == 0
    );

    let missing = export_cases(
        &press,
        &["NO-SUCH-CASE".into(), "../etc".into()],
        &options(tmp.path(), Purpose::Transfer),
    );
    assert!(missing[0].failed.as_deref().unwrap().contains("no case folder"));
    assert!(missing[1].failed.as_deref().unwrap().contains("invalid case_id"));
}

#[test]
fn issue_31_8_the_y2a_letter_gives_the_18th_birthday_the_orders_end_and_what_it_holds_in_words() {
    let tmp = tempfile::tempdir().unwrap();
    let press = prepared(tmp.path());
    make_risk_summary_final(&press);
    let mut finals_only = options(tmp.path(), Purpose::Y2a);
    finals_only.drafts = false;
    let item = export_cases(&press, &[CASE.to_string()], &finals_only).remove(0);
    let bundle = item.bundle.clone().unwrap_or_else(|| panic!("{item:?}"));
    let letter = squash(&letter_text(tmp.path(), &members(&bundle), "cover-letter.pdf"));
    for expected in [
        "who turns 18 on 10 December 2026, during supervision",
        "What this bundle holds: Risk Summary.",
        "Not yet final, so not included: Pre-Sentence Report, Intervention Plan.",
        "18th birthday 10 December 2026",
        "Order Youth Rehabilitation Order, 12 months, made 8 June 2026; ends 7 June 2027",
        "Allocated worker Tom Ashworth, Case Manager, 01632 960 151",
    ] {
        assert!(letter.contains(&squash(expected)), "no `{expected}` in the letter:\n{letter}");
    }
    assert!(!letter.contains(&squash("Mason")), "the letter names no child:\n{letter}");
    // His PSR was for a hearing in June: history, not gatekeeping pending.
    assert!(letter.contains(&squash("Safety flags None recorded")), "{letter}");

    // Without the case file the letter says so, and states nothing it could not read.
    let other = tempfile::tempdir().unwrap();
    let press = prepared(other.path());
    make_risk_summary_final(&press);
    let mut unread = options(other.path(), Purpose::Y2a);
    unread.cases.clear();
    let bundle = export_cases(&press, &[CASE.to_string()], &unread).remove(0).bundle.unwrap();
    let letter = squash(&letter_text(other.path(), &members(&bundle), "cover-letter.pdf"));
    assert!(letter.contains(&squash("Our case file for this young person was not read")), "{letter}");
    assert!(!letter.contains(&squash("18th birthday")), "{letter}");
}

#[test]
fn issue_31_8_the_transfer_letter_gives_the_reason_order_hearing_risk_flags_and_worker() {
    use casepress::batch::{KindSelection, RenderOptions};
    use casepress::documents::DocumentKind;
    use casepress::lifecycle::{Act, act};
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path();
    let press = press(out);
    let jay_file = samples().join("cases/yro-custody-possible.json");
    let kinds = KindSelection::only(vec![DocumentKind::Psr, DocumentKind::RiskSummary]);
    assert!(
        !render(&press, std::slice::from_ref(&jay_file), &RenderOptions { kinds, ..drafts() }).has_failures()
    );
    // A Safety Link statement from Jay, and his PSR submitted for gatekeeping.
    let inbox = out.join("inbox");
    fs::create_dir_all(&inbox).unwrap();
    let mut s = Statement::new("MOMO-J1", "Jay", "14/06/2009", "20/11/2026 21:40");
    s.safety_link = true;
    fs::write(inbox.join("j.pdf"), statement_pdf(&s, Layout::Lines)).unwrap();
    let mut config = press.config().clone();
    config.statements.settle_seconds = 0;
    let filer = casepress::press::Press::new(config).unwrap();
    let now = casepress::statements::fields::parse_sent("23/11/2026 10:00").unwrap();
    let caseload = casepress::case::Caseload::load(&[samples().join("cases")]).unwrap();
    file_inbox(&filer, &caseload, &FileOptions { inbox, now }).unwrap();
    let jay = caseload.find("NYJS-2026-0117").unwrap().case.clone();
    act(&press, &jay, DocumentKind::Psr, &Act::Submit { to: Vec::new() }, "Priya Natarajan", now).unwrap();

    let mut transfer = options(out, Purpose::Transfer);
    transfer.date = "2026-12-02".parse().unwrap();
    let item = export_cases(&press, &["NYJS-2026-0117".to_string()], &transfer).remove(0);
    let bundle = item.bundle.clone().unwrap_or_else(|| panic!("{item:?}"));
    let letter = squash(&letter_text(out, &members(&bundle), "cover-letter.pdf"));
    for expected in [
        "Reason for the transfer The young person and his mother are moving to Eastshire on 5 December 2026",
        "You take over on 7 December 2026",
        "Order Bail Supervision and Support, made 3 September 2026; no end date recorded",
        "Next hearing Northfield Youth Court, 8 December 2026",
        "Next appointment Bail support appointment, Thursday 3 December 2026",
        "Risk of serious harm Medium; likelihood of reoffending High; safety and wellbeing High (AssetPlus, 30 October 2026)",
        "the panel meets on 14 December 2026",
        "Safety Link: Mind Of My Own statement MOMO-J1 sent 20 November 2026",
        "Pre-Sentence Report gatekeeping pending: submitted for gatekeeping, not yet agreed; custody is a strong possibility",
        "Allocated worker Priya Natarajan, Case Manager, 01632 960 142, priya.natarajan@northfield.example.gov.uk",
    ] {
        assert!(letter.contains(&squash(expected)), "no `{expected}` in the letter:\n{letter}");
    }
    assert!(!letter.contains(&squash("Jay")) && !letter.contains(&squash("Whitfield")), "{letter}");
}
