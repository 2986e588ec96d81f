//! Rendering the samples end to end: real Typst, real PDFs read back.

mod common;

use std::collections::BTreeMap;
use std::fs;

use casepress::batch::{KindSelection, Outcome, RenderOptions};
use casepress::documents::DocumentKind;
use common::*;

#[test]
fn every_sample_renders_every_kind_it_supports_with_the_papers_markings() {
    let tmp = tempfile::tempdir().unwrap();
    let report = render(&press(tmp.path()), &[samples().join("cases")], &drafts());
    let failures: Vec<_> =
        report.items.iter().filter(|i| matches!(i.outcome, Outcome::Failed { .. })).collect();
    assert!(failures.is_empty(), "{failures:#?}");
    assert!(report.items.len() >= 8 * 2, "every sample renders: {} documents", report.items.len());

    let kinds: std::collections::BTreeSet<_> = report.items.iter().filter_map(|i| i.kind).collect();
    assert_eq!(kinds.len(), DocumentKind::ALL.len(), "every kind, every form, from some sample: {kinds:?}");

    for item in &report.items {
        // History (a passed hearing, a form sent, a closed case) is left alone.
        if matches!(item.outcome, Outcome::Historic { .. }) {
            continue;
        }
        let Outcome::Written { path, .. } = &item.outcome else { panic!("{item:?}") };
        let text = pdf_text(path);
        let id = item.case_id.as_deref().unwrap();
        let kind = item.kind.unwrap();
        for expected in
            ["OFFICIAL-SENSITIVE", "Northfield Youth Justice Service", "DRAFT", "Page 1 of", kind.title()]
        {
            assert!(text.contains(expected), "{id} {kind}: no `{expected}` in\n{text}");
        }
        assert!(squash(&text).contains(&squash(&format!("Case {id}"))), "{id} {kind}: case id on the page");
        // Issue 13 item 4: the service's own papers cite no other authority.
        for other in ["Derbyshire", "Wolverhampton", "Bradford", "Salford", "§"] {
            assert!(!text.contains(other), "{id} {kind}: cites `{other}`:\n{text}");
        }
        if kind == DocumentKind::Psr && text.contains("two working days before the hearing") {
            assert!(
                squash(&text).contains(&squash("(Northfield YJS practice standards)")),
                "{id}: the service names its own policy"
            );
        }
    }
}

#[test]
fn a_psr_draft_reads_like_the_report_it_is() {
    let tmp = tempfile::tempdir().unwrap();
    let opts = RenderOptions { kinds: KindSelection::only(vec![DocumentKind::Psr]), ..drafts() };
    let report = render(&press(tmp.path()), &[samples().join("cases/yro-custody-possible.json")], &opts);
    let Outcome::Written { path, to_complete, .. } = &report.items[0].outcome else { panic!("{report:?}") };
    assert_eq!(*to_complete, 1, "only the author's signature is missing");
    let text = pdf_text(path);
    for section in [
        "Front sheet",
        "Introduction",
        "Sources of information",
        "Offence analysis",
        "Assessment of Jay",
        "Assessment of risk",
        "Conclusion and sentencing proposal",
    ] {
        assert!(text.contains(section), "missing section {section}");
    }
    // Derbyshire §7.3: due two working days before Tuesday 8 December 2026.
    assert!(text.contains("4 December 2026"), "gatekeeping due date");
    assert!(text.contains("Jordan Whitfield"));
    assert!(squash(&text).contains("Stilltocomplete:author'ssignature."), "missing signature listed");
    let squashed = squash(&text);
    assert!(
        squashed.contains("Interventionlevel:Enhanced(fromASSETscore27):4contactsamonth"),
        "the proposal's intervention level, from the legacy score"
    );
}

#[test]
fn drafts_mark_missing_data_and_finals_refuse_naming_the_fields() {
    let tmp = tempfile::tempdir().unwrap();
    let press = press(tmp.path());
    let input = [samples().join("cases/missing-sections.json")];
    let report = render(&press, &input, &drafts());
    let psr = report.items.iter().find(|i| i.kind == Some(DocumentKind::Psr)).unwrap();
    let Outcome::Written { path, to_complete, .. } = &psr.outcome else { panic!("{psr:?}") };
    assert!(*to_complete > 5);
    assert!(pdf_text(path).contains("TO COMPLETE: introduction"));

    let final_ = RenderOptions { final_: true, ..drafts() };
    let report = render(&press, &input, &final_);
    let psr = report.items.iter().find(|i| i.kind == Some(DocumentKind::Psr)).unwrap();
    let Outcome::Failed { reason, .. } = &psr.outcome else { panic!("{psr:?}") };
    assert!(reason.contains("cannot render a final psr"), "{reason}");
    assert!(reason.contains("`psr.introduction` (introduction)"), "{reason}");
    assert!(reason.contains("missing-sections.json"), "{reason}");
}

#[test]
fn same_input_gives_byte_identical_pdfs() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let input = [samples().join("cases")];
    render(&press(a.path()), &input, &drafts());
    render(&press(b.path()), &input, &drafts());
    let pdfs = |root: &std::path::Path| -> BTreeMap<_, _> {
        files_under(&root.join("cases"))
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
            .map(|p| (p.strip_prefix(root).unwrap().to_owned(), fs::read(&p).unwrap()))
            .collect()
    };
    let (pa, pb) = (pdfs(a.path()), pdfs(b.path()));
    assert!(!pa.is_empty());
    assert_eq!(pa.keys().collect::<Vec<_>>(), pb.keys().collect::<Vec<_>>());
    for (name, bytes) in &pa {
        assert!(bytes == &pb[name], "{} differs between runs", name.display());
    }
}

#[test]
fn a_rerun_over_unchanged_input_rewrites_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let press = press(tmp.path());
    let input = [samples().join("cases")];
    let first = render(&press, &input, &drafts());
    let snapshot = |root: &std::path::Path| -> Vec<_> {
        files_under(&root.join("cases")).into_iter().map(|p| (p.clone(), fs::read(&p).unwrap())).collect()
    };
    let before = snapshot(tmp.path());
    let later_day = RenderOptions { date: day().succ_opt().unwrap(), ..drafts() };
    let second = render(&press, &input, &later_day);
    assert_eq!(first.items.len(), second.items.len());
    assert!(
        second
            .items
            .iter()
            .all(|i| matches!(i.outcome, Outcome::Unchanged { .. } | Outcome::Historic { .. })),
        "{second:#?}"
    );
    assert_eq!(before, snapshot(tmp.path()), "no file or case-log line was written");

    let forced = RenderOptions { force: true, ..drafts() };
    let third = render(&press, &input, &forced);
    assert!(
        third.items.iter().all(|i| matches!(i.outcome, Outcome::Unchanged { .. } | Outcome::Historic { .. })),
        "same bytes: nothing new"
    );
}

#[test]
fn the_output_layout_and_case_log_follow_the_design() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let report = render(&press(tmp.path()), &[samples().join("cases/referral-order.json")], &drafts());
    let Outcome::Written { path, sha256, .. } = &report.items[0].outcome else { panic!("{report:?}") };
    let case_dir = path.parent().unwrap().parent().unwrap();
    assert_eq!(case_dir.parent().unwrap(), tmp.path().join("cases"));
    let name = path.file_name().unwrap().to_string_lossy();
    assert!(name.ends_with("_2026-11-23_draft.pdf"), "{name}");
    assert_eq!(fs::metadata(path).unwrap().permissions().mode() & 0o777, 0o600);
    assert_eq!(fs::metadata(case_dir).unwrap().permissions().mode() & 0o777, 0o700);
    let log = fs::read_to_string(case_dir.join("case-log.jsonl")).unwrap();
    assert_eq!(log.lines().count(), report.items.len());
    let first: serde_json::Value = serde_json::from_str(log.lines().next().unwrap()).unwrap();
    assert_eq!(first["event"], "document");
    assert_eq!(first["sha256"], sha256.as_str());
    assert_eq!(first["sha256"].as_str().unwrap(), casepress::store::sha256_hex(&fs::read(path).unwrap()));
}

#[test]
fn pdfs_carry_metadata_and_declare_pdf_a() {
    let tmp = tempfile::tempdir().unwrap();
    let report = render(&press(tmp.path()), &[samples().join("cases/referral-order.json")], &drafts());
    let Outcome::Written { path, .. } = &report.items[0].outcome else { panic!() };
    let bytes = fs::read(path).unwrap();
    let raw = String::from_utf8_lossy(&bytes);
    assert!(raw.contains("pdfaid:part") && raw.contains("pdfaid:conformance"), "PDF/A identification in XMP");
    let doc = lopdf::Document::load_mem(&bytes).unwrap();
    let catalog = doc.catalog().unwrap();
    assert_eq!(catalog.get(b"Lang").unwrap().as_str().unwrap(), b"en-GB", "language en-GB");
    assert!(catalog.get(b"StructTreeRoot").is_ok(), "tagged PDF");
    let info =
        doc.trailer.get(b"Info").and_then(|r| r.as_reference()).and_then(|r| doc.get_dictionary(r)).unwrap();
    let title = info.get(b"Title").unwrap().as_str().unwrap();
    assert!(!title.is_empty());
}

#[test]
fn changing_one_case_re_renders_only_that_cases_documents() {
    let tmp = tempfile::tempdir().unwrap();
    let cases = tmp.path().join("cases");
    fs::create_dir(&cases).unwrap();
    for name in ["referral-order.json", "pprc.json"] {
        fs::copy(samples().join("cases").join(name), cases.join(name)).unwrap();
    }
    let press = press(&tmp.path().join("out"));
    let first = render(&press, std::slice::from_ref(&cases), &drafts());
    let historic = |i: &casepress::batch::ItemReport| matches!(i.outcome, Outcome::Historic { .. });
    assert!(first.items.iter().all(|i| matches!(i.outcome, Outcome::Written { .. }) || historic(i)));
    let edited = fs::read_to_string(cases.join("pprc.json")).unwrap().replace("Harvey", "Harry");
    fs::write(cases.join("pprc.json"), edited).unwrap();
    let second = render(&press, &[cases], &drafts());
    for item in second.items.iter().filter(|i| !historic(i)) {
        let written = matches!(item.outcome, Outcome::Written { .. });
        let changed = item.case_id.as_deref() == Some("NYJS-2026-0142");
        assert_eq!(written, changed, "{item:?}");
    }
}

/// The text of each page of a PDF.
fn page_texts(pdf: &std::path::Path) -> Vec<String> {
    let doc = lopdf::Document::load(pdf).unwrap();
    doc.get_pages().keys().map(|&n| doc.extract_text(&[n]).unwrap_or_default()).collect()
}

#[test]
fn issue_13_1_signed_only_from_a_signature_recorded_for_that_document_and_never_alone_on_a_page() {
    let tmp = tempfile::tempdir().unwrap();
    let report = render(&press(tmp.path()), &[samples().join("cases")], &drafts());
    let mut checked = 0;
    for item in &report.items {
        let Outcome::Written { path, .. } = &item.outcome else { continue };
        let kind = item.kind.unwrap();
        let text = pdf_text(path);
        // No sample records a signature for these documents: a meeting,
        // referral or countersignature date is never a signature.
        if matches!(
            kind,
            DocumentKind::Gatekeeping
                | DocumentKind::RiskSummary
                | DocumentKind::MappaH
                | DocumentKind::MappaA
                | DocumentKind::Pprc2
                | DocumentKind::Pprc7
        ) {
            assert!(!text.contains("Signed"), "{:?} {kind}: a false attestation:\n{text}", item.case_id);
            checked += 1;
        }
        // The signature table is on the same page as the words before it.
        for page in page_texts(path) {
            if page.contains("Signature") && page.contains("Role") {
                let before = ["Report author", "Sign-off", "Signatures", "YJS contact", "Referrer"];
                assert!(
                    before.iter().any(|h| page.contains(h)),
                    "{:?} {kind}: a signature block alone:\n{page}",
                    item.case_id
                );
            }
        }
    }
    assert!(checked >= 6, "gatekeeping, risk summaries and forms were checked: {checked}");

    // Unsigned, the PSR names its author; recorded for the risk summary, it is signed.
    let mut case = minimal_json("SIG-1");
    case["line_manager"] = serde_json::json!({"name": "Ruth Okafor"});
    case["psr"] = serde_json::json!({"requested_date": "2026-11-01"});
    case["court"] = serde_json::json!({"name": "Northfield Youth Court", "hearing_date": "2026-12-08"});
    case["assessment"] = serde_json::json!({"tool": "AssetPlus", "date": "2026-11-02", "asset_score": 20,
        "reoffending": "medium", "serious_harm": "high", "safety_wellbeing": "low"});
    case["signatures"] = serde_json::json!({"risk-summary": [{"name": "Ruth Okafor", "date": "2026-11-20"}]});
    let file = tmp.path().join("sig.json");
    fs::write(&file, case.to_string()).unwrap();
    let opts = RenderOptions {
        kinds: KindSelection::only(vec![DocumentKind::Psr, DocumentKind::RiskSummary]),
        ..drafts()
    };
    let report = render(&press(&tmp.path().join("sig")), &[file], &opts);
    for item in &report.items {
        let Outcome::Written { path, .. } = &item.outcome else { panic!("{item:?}") };
        let text = squash(&pdf_text(path));
        match item.kind.unwrap() {
            DocumentKind::Psr => {
                assert!(text.contains(&squash("Report author Ann Case")), "{text}");
                assert!(!text.contains("Signed"), "{text}");
            }
            _ => {
                assert!(text.contains(&squash("Line manager Ruth Okafor Signed 20 November 2026")), "{text}");
                assert!(!text.contains(&squash("Ann Case Signed")), "the case manager did not sign: {text}");
            }
        }
    }
}

#[test]
fn issue_13_7_every_to_complete_marker_is_listed_and_counted() {
    let tmp = tempfile::tempdir().unwrap();
    let report = render(&press(tmp.path()), &[samples().join("cases")], &drafts());
    assert!(!report.has_failures(), "{report:#?}");
    let mut marked = 0;
    for item in &report.items {
        let Outcome::Written { path, to_complete, .. } = &item.outcome else { continue };
        let text = squash(&pdf_text(path));
        let markers = text.matches("TOCOMPLETE:").count();
        if *to_complete == 0 {
            assert_eq!(markers, 0, "{:?} {:?}: markers but nothing listed", item.case_id, item.kind);
            continue;
        }
        let note = "Stilltocomplete:";
        assert!(text.contains(note), "{:?} {:?}: no note:\n{text}", item.case_id, item.kind);
        let listed = &text[text.find(note).unwrap()..];
        let listed = &listed[..listed.find('.').unwrap_or(listed.len())];
        let count = listed.matches(';').count() + 1;
        assert_eq!(
            count, *to_complete,
            "{:?} {:?}: the count is the list: {listed}",
            item.case_id, item.kind
        );
        for marker in text.split("TOCOMPLETE:").skip(1) {
            let label: String = marker.chars().take(8).collect();
            assert!(
                listed.contains(&label),
                "{:?} {:?}: `{label}` is not listed in {listed}",
                item.case_id,
                item.kind
            );
        }
        marked += markers;
    }
    assert!(marked > 10, "the samples have markers to check: {marked}");
}

#[test]
fn issue_13_7_victims_read_as_sentences() {
    let tmp = tempfile::tempdir().unwrap();
    let opts = RenderOptions { kinds: KindSelection::only(vec![DocumentKind::Pprc2]), ..drafts() };
    let report = render(&press(tmp.path()), &[samples().join("cases/pprc.json")], &opts);
    let Outcome::Written { path, .. } = &report.items[0].outcome else { panic!("{report:?}") };
    let text = squash(&pdf_text(path));
    assert!(
        text.contains(&squash(
            "Boy living three doors away, aged 11, a child. Relationship to the young person:"
        )),
        "{text}"
    );
    assert!(!text.contains(&squash("(a child);")), "{text}");
}

#[test]
fn issue_13_5_a_psr_not_to_be_double_gatekept_has_no_two_day_deadline_but_is_gatekept_before_court() {
    let tmp = tempfile::tempdir().unwrap();
    let mut case = minimal_json("ONE-GK");
    case["psr"] = serde_json::json!({"requested_date": "2026-11-01"});
    case["court"] = serde_json::json!({"name": "Northfield Youth Court", "hearing_date": "2026-12-08"});
    let file = tmp.path().join("c.json");
    fs::write(&file, case.to_string()).unwrap();
    let opts = RenderOptions { kinds: KindSelection::only(vec![DocumentKind::Psr]), ..drafts() };
    let report = render(&press(&tmp.path().join("o")), &[file], &opts);
    let Outcome::Written { path, .. } = &report.items[0].outcome else { panic!("{report:?}") };
    let text = squash(&pdf_text(path));
    assert!(text.contains(&squash("before the hearing on 8 December 2026")), "{text}");
    assert!(!text.contains(&squash("two working days before")), "{text}");
    assert!(!text.contains(&squash("TO COMPLETE: date of hearing")), "{text}");
}

#[test]
fn issue_13_2_the_psr_a_youth_court_expects() {
    let tmp = tempfile::tempdir().unwrap();
    let opts = RenderOptions { kinds: KindSelection::only(vec![DocumentKind::Psr]), ..drafts() };
    let report = render(&press(tmp.path()), &[samples().join("cases/yro-custody-possible.json")], &opts);
    let Outcome::Written { path, .. } = &report.items[0].outcome else { panic!("{report:?}") };
    let text = squash(&pdf_text(path));
    for expected in [
        "Report type All options",
        "Court reference NF-YC-2026-4417",
        "PNC number",
        "at the hearing",
        "Previous offending and out-of-court disposals",
        "Why it happened",
        "Previous compliance",
        "Parenting",
        "Vulnerability should custody be imposed",
        "Dangerousness",
        // Dated 23 November, the draft states the discussion on the 27th as planned.
        "It is to be discussed with Jay and a parent or carer: planned for 27 November 2026",
    ] {
        assert!(text.contains(&squash(expected)), "no `{expected}` in the PSR:\n{text}");
    }

    // A child who turns 18 before the hearing: the age at the hearing, and a finding.
    let mut case = minimal_json("EIGHTEEN");
    case["child"]["date_of_birth"] = "2008-12-05".into();
    case["psr"] = serde_json::json!({"requested_date": "2026-11-01"});
    case["court"] = serde_json::json!({"name": "Northfield Youth Court", "hearing_date": "2026-12-08"});
    let file = tmp.path().join("e.json");
    fs::write(&file, case.to_string()).unwrap();
    let report = render(&press(&tmp.path().join("e")), std::slice::from_ref(&file), &opts);
    let Outcome::Written { path, .. } = &report.items[0].outcome else { panic!("{report:?}") };
    assert!(squash(&pdf_text(path)).contains(&squash("(age 18 at the hearing)")));
    let facts = casepress::rules::derive(
        &case_from(&case),
        &casepress::rules::WorkingCalendar::default(),
        chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
    );
    assert!(
        facts.findings.iter().any(|f| f.message.contains("turns 18 on 5 December 2008")
            || f.message.contains("turns 18 on 5 December 2026")),
        "{:#?}",
        facts.findings
    );

    // A final refuses without the new sections, naming them.
    let finals = RenderOptions { final_: true, ..opts };
    let report = render(&press(&tmp.path().join("f")), &[file], &finals);
    let Outcome::Failed { reason, .. } = &report.items[0].outcome else { panic!("{report:?}") };
    for path in [
        "psr.report_type",
        "psr.previous_offending",
        "psr.underlying_causes",
        "psr.discussed_with_child_and_carer",
    ] {
        assert!(reason.contains(path), "{reason}");
    }
}

#[test]
fn issue_13_3_the_plan_and_agreement_speak_to_a_child_by_kind_of_intervention() {
    let tmp = tempfile::tempdir().unwrap();
    let typst = tmp.path().join("typst");
    let opts = RenderOptions {
        kinds: KindSelection::only(vec![DocumentKind::InterventionPlan, DocumentKind::ServiceAgreement]),
        typst_dir: Some(typst.clone()),
        ..drafts()
    };
    let report = render(&press(tmp.path()), &[samples().join("cases")], &opts);
    assert!(!report.has_failures(), "{report:#?}");
    let text_of = |id: &str, kind: DocumentKind| {
        let item =
            report.items.iter().find(|i| i.case_id.as_deref() == Some(id) && i.kind == Some(kind)).unwrap();
        let Outcome::Written { path, .. } = &item.outcome else { panic!("{item:?}") };
        squash(&pdf_text(path))
    };
    // In custody: visits, not contacts a month, nor another service's six weeks.
    let dto = text_of("NYJS-2026-0098", DocumentKind::InterventionPlan);
    assert!(
        dto.contains(&squash("While you are in custody, Amrit Sandhu will come to see you there")),
        "{dto}"
    );
    assert!(!dto.contains(&squash("six weeks")), "{dto}");
    assert!(!dto.contains(&squash("times a month")), "{dto}");
    // Out of court: sessions for its length, never "the rest of the order".
    let ycc = text_of("NYJS-2026-0150", DocumentKind::InterventionPlan);
    assert!(ycc.contains(&squash("We will meet for the sessions in this plan")), "{ycc}");
    for jargon in ["rest of the order", "Scaled Approach", "ASSET score"] {
        assert!(!ycc.contains(&squash(jargon)) && !dto.contains(&squash(jargon)), "{jargon}");
    }
    for plan in [&dto, &ycc] {
        for heading in ["What I think", "If you can", "Who to call"] {
            assert!(plan.contains(&squash(heading)), "no {heading}: {plan}");
        }
    }
    // The agreement: if it is not kept, the parent or carer, out of hours.
    let sa = text_of("NYJS-2026-0098", DocumentKind::ServiceAgreement);
    for expected in
        ["keep to this agreement", "What your parent or carer agrees to do", "Emergency Duty Team"]
    {
        assert!(sa.contains(&squash(expected)), "no {expected}: {sa}");
    }
    // Advocacy for a looked-after child.
    let lac = text_of("NYJS-2026-0131", DocumentKind::ServiceAgreement);
    assert!(
        lac.contains(&squash("Someone on your side"))
            && lac.contains(&squash("Rights Service on 01632 960 444")),
        "{lac}"
    );
    // Body text at 11 pt in both.
    for source in std::fs::read_dir(&typst).unwrap().flatten() {
        let text = fs::read_to_string(source.path()).unwrap();
        if !source.file_name().to_string_lossy().ends_with("layout.typ") {
            assert!(text.contains("text-size: 11pt"), "{}", source.path().display());
        }
    }
}
