//! The board pack cannot leak a child: an attacker who takes every published
//! figure, knows each family's total (where the pack gives it, or where
//! another family of the same children is published in full), and knows
//! that a withheld figure is not negative (every withheld figure is marked
//! alike, so nothing says it is small), tries every difference of published
//! rows against that total, and pins no withheld value exactly: not in the
//! sample board, not in random caseloads. The audit of the whole pack, by
//! linear programming, is in `board_audit.rs`.

mod common;
#[path = "support/synthetic.rs"]
mod synthetic;

use casepress::board::{Figure, Quarter, figures_json};
use chrono::NaiveDate;
use common::*;
use serde_json::Value;

const GROUPS: [(Option<&str>, &[&str]); 4] = [
    (Some("caseload.total"), &["caseload."]),
    (Some("new.total"), &["new."]),
    (Some("caseload.total"), &["risk.reoffending.", "risk.serious_harm.", "risk.safety_wellbeing."]),
    (None, &["mappa.category_", "mappa.level_"]),
];

/// One published cell: its value, or withheld.
#[derive(Clone, Copy, Debug)]
enum Cell {
    Shown(i64),
    Withheld,
}

fn cell(figure: &Value, previous: bool) -> Cell {
    let (value, why) =
        if previous { ("previous_numerator", "previous_suppression") } else { ("numerator", "suppression") };
    match (figure[value].as_i64(), figure[why].as_str()) {
        (Some(v), _) => Cell::Shown(v),
        (None, why) => {
            assert_eq!(why, Some("withheld"), "every withheld value is marked alike");
            Cell::Withheld
        }
    }
}

/// Every hidden count the attacker can pin to one value, as (figure, previous
/// quarter, value).
fn attack(json: &Value) -> Vec<(String, bool, i64)> {
    let figures = json["figures"].as_array().unwrap();
    let by_id = |id: &str| figures.iter().find(|f| f["id"] == id);
    let mut recovered = Vec::new();
    for (total_id, families) in GROUPS {
        for previous in [false, true] {
            let rows: Vec<Vec<(String, Cell)>> = families
                .iter()
                .map(|prefix| {
                    figures
                        .iter()
                        .filter(|f| {
                            let id = f["id"].as_str().unwrap();
                            id.starts_with(prefix) && !id.ends_with(".total")
                        })
                        .map(|f| (f["id"].as_str().unwrap().to_owned(), cell(f, previous)))
                        .collect()
                })
                .collect();
            let full_sums: Vec<i64> = rows
                .iter()
                .filter_map(|family| {
                    family.iter().map(|(_, c)| if let Cell::Shown(v) = c { Some(*v) } else { None }).sum()
                })
                .collect();
            let mut totals: Vec<i64> = full_sums;
            if let Some(Cell::Shown(t)) = total_id.and_then(by_id).map(|f| cell(f, previous)) {
                totals.push(t);
            }
            for family in &rows {
                for &total in &totals {
                    let shown: i64 =
                        family.iter().map(|(_, c)| if let Cell::Shown(v) = c { *v } else { 0 }).sum();
                    let hidden: Vec<(&String, Cell)> = family
                        .iter()
                        .filter(|(_, c)| !matches!(c, Cell::Shown(_)))
                        .map(|(id, c)| (id, *c))
                        .collect();
                    let rest = total - shown;
                    let bounds = |_: Cell| (0, i64::MAX / 8);
                    for (k, (id, _)) in hidden.iter().enumerate() {
                        let others =
                            hidden.iter().enumerate().filter(|(j, _)| *j != k).map(|(_, (_, c))| bounds(*c));
                        let (lo_o, hi_o) = others
                            .fold((0, 0), |(lo, hi): (i64, i64), (l, h)| (lo + l, hi.saturating_add(h)));
                        let (lo, hi) = (0.max(rest - hi_o), (i64::MAX / 8).min(rest - lo_o));
                        // A consistent total pins the value when the range is one.
                        if lo == hi {
                            recovered.push(((*id).clone(), previous, lo));
                        }
                    }
                }
            }
        }
    }
    recovered
}

/// What the attack pins to its true value: a guess that is wrong (a family
/// that does not add up to the total the attacker assumes) leaks nothing.
fn leaks(json: &Value, figures: &[Figure]) -> Vec<(String, bool, i64)> {
    attack(json)
        .into_iter()
        .filter(|(id, previous, value)| {
            let f = figures.iter().find(|f| &f.id == id).unwrap();
            let m = if *previous { f.previous } else { f.current };
            i64::from(m.numerator) == *value
        })
        .collect()
}

fn board_json(cases: &[casepress::case::Case], quarter: Quarter) -> (Value, Vec<Figure>) {
    let figures = board_figures(cases, &[], quarter);
    (serde_json::from_str(&figures_json(quarter, cases.len(), &figures)).unwrap(), figures)
}

#[test]
fn the_sample_board_leaks_no_small_count_by_differencing() {
    let load =
        casepress::case::Caseload::load(&[samples().join("cases"), samples().join("caseload")]).unwrap();
    let cases: Vec<_> = load.cases().cloned().collect();
    let (json, figures) = board_json(&cases, "2026-Q2".parse().unwrap());
    let hidden = json["figures"].as_array().unwrap().iter().filter(|f| f["suppression"].is_string()).count();
    assert!(hidden > 5, "the sample board has small counts to protect: {hidden}");
    assert_eq!(leaks(&json, &figures), Vec::<(String, bool, i64)>::new());
}

#[test]
fn random_caseloads_leak_no_small_count_by_differencing() {
    let from = NaiveDate::from_ymd_opt(2025, 4, 1).unwrap();
    let to = NaiveDate::from_ymd_opt(2026, 9, 30).unwrap();
    let mut tried = 0;
    for seed in 1..=40u64 {
        let n = 3 + (seed as usize * 37) % 150;
        let cases: Vec<_> = synthetic::synthetic_cases(n, from, to, seed).iter().map(case_from).collect();
        for quarter in ["2026-Q1", "2026-Q2"] {
            let (json, figures) = board_json(&cases, quarter.parse().unwrap());
            let leaked = leaks(&json, &figures);
            assert!(leaked.is_empty(), "seed {seed}, {n} cases, {quarter}: recovered {leaked:?}");
            tried += 1;
        }
    }
    assert_eq!(tried, 80);
}

#[test]
fn a_quarter_not_yet_ended_is_refused_unless_provisional_and_quarters_read_as_boards_write_them() {
    let tmp = tempfile::tempdir().unwrap();
    let run = |extra: &[&str]| {
        let mut args = vec!["board", "--config", "samples/casepress.toml", "--out"];
        let out = tmp.path().join("out");
        let out = out.to_str().unwrap().to_owned();
        args.push(&out);
        args.extend_from_slice(extra);
        std::process::Command::new(env!("CARGO_BIN_EXE_casepress"))
            .args(&args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .unwrap()
    };
    let refused = run(&["--quarter", "2026-Q3", "--today", "2026-11-23"]);
    assert_eq!(refused.status.code(), Some(2));
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(
        said.contains("2026-Q3 (Q3 2026/27) has not ended: it ends on 31 December 2026")
            && said.contains("--provisional"),
        "{said}"
    );

    let provisional = run(&["--quarter", "2026-Q3", "--today", "2026-11-23", "--provisional"]);
    assert!(
        provisional.status.code().is_some_and(|c| c < 2),
        "{}",
        String::from_utf8_lossy(&provisional.stderr)
    );
    let pdf = tmp.path().join("out/board/2026-Q3-provisional/board-report.pdf");
    let text = squash(&pdf_text(&pdf));
    assert!(text.contains("PROVISIONAL") && text.contains(&squash("Q3 2026/27")), "{text}");

    let complete = run(&["--quarter", "2026-Q2", "--today", "2026-11-23"]);
    assert!(complete.status.code().is_some_and(|c| c < 2));
    let text = squash(&pdf_text(&tmp.path().join("out/board/2026-Q2/board-report.pdf")));
    assert!(text.contains(&squash("Q2 2026/27")) && !text.contains("PROVISIONAL"), "{text}");
}

#[test]
fn the_board_report_has_exceptions_a_narrative_and_one_definition_per_family() {
    let tmp = tempfile::tempdir().unwrap();
    let narrative = tmp.path().join("narrative.txt");
    std::fs::write(
        &narrative,
        "Caseload rose this quarter.\n\nWe are #watching #set page(paper: \"a6\") the PSR figures.",
    )
    .unwrap();
    let out = tmp.path().join("out");
    sample_board(&out, &["--narrative".as_ref(), narrative.as_os_str()]);
    let pdf = out.join("board/2026-Q2/board-report.pdf");
    let text = squash(&pdf_text(&pdf));
    assert!(
        text.contains(&squash("From the head of service"))
            && text.contains(&squash("Caseload rose this quarter.")),
        "{text}"
    );
    assert!(text.contains(&squash("#set page(paper: \"a6\")")), "the narrative is text, never markup");
    assert!(text.contains(&squash("Exceptions: red against target")), "{text}");
    // One definition per family: "Caseload at quarter end with this order or disposal." once.
    assert_eq!(text.matches(&squash("with this order or disposal")).count(), 1, "{text}");
}
