//! The disclosure audit of the whole board pack (decision 0138): for every
//! withheld value, a linear-programming solver finds the smallest and the
//! largest value it can take given everything the pack publishes and every
//! relation among its figures, and the interval must reach at least 5 above
//! or below the true value. On the sample board's quarters, and on a few
//! hundred random caseloads. The review's two leaks are reproduced first,
//! under the old table-by-table suppression.

mod common;
#[path = "support/synthetic.rs"]
mod synthetic;

use casepress::board::audit::{Interval, Model, PROTECTION};
use casepress::board::disclosure::{audit, protect_tables};
use casepress::board::{Figure, Quarter, figures_csv, figures_json};
use casepress::case::Case;
use chrono::NaiveDate;
use common::*;
use serde_json::Value;

fn figures(cases: &[Case], quarter: &str) -> Vec<Figure> {
    board_figures(cases, &[], quarter.parse().unwrap())
}

fn sample() -> Vec<Case> {
    casepress::case::Caseload::load(&[samples().join("cases"), samples().join("caseload")])
        .unwrap()
        .cases()
        .cloned()
        .collect()
}

fn find<'a>(intervals: &'a [Interval], cell: &str) -> &'a Interval {
    intervals
        .iter()
        .find(|i| i.cell == cell)
        .unwrap_or_else(|| panic!("{cell} is not withheld: {intervals:?}"))
}

#[test]
fn the_reviews_leaks_reproduce_under_table_by_table_suppression() {
    let cases = sample();
    let old = |quarter: &str| {
        let mut f = figures(&cases, quarter);
        for x in &mut f {
            x.current_withheld = false;
            x.previous_withheld = false;
        }
        protect_tables(&mut f, false);
        audit(&f)
    };
    // 2026-Q2: KPI 6 13 − new YCC 5 − new YC 6 = 2 community resolutions.
    let q2 = old("2026-Q2");
    let cr = find(&q2, "new.community_resolution (this quarter)");
    assert_eq!((cr.value, cr.min, cr.max), (2, 2, Some(2)), "{cr:?}");
    // 2026-Q1's previous quarter, 2025-Q4: assessments' denominator 15 −
    // RO 6 − YRO 6 − ISS 0 − s.250 0 = 3 custodial sentences.
    let q1 = old("2026-Q1");
    let dto = find(&q1, "new.detention_and_training_order (previous quarter)");
    assert_eq!((dto.value, dto.min, dto.max), (3, 3, Some(3)), "{dto:?}");
    let custody = find(&q1, "custody.new (previous quarter)");
    assert_eq!((custody.value, custody.min, custody.max), (3, 3, Some(3)), "{custody:?}");
}

/// Audits one pack: the model's relations hold on the true values, every
/// withheld value is protected, and the CSV and JSON publish exactly the
/// cells the audit treats as published. Returns the intervals.
fn audited(cases: &[Case], quarter: &str, what: &str) -> Vec<Interval> {
    let f = figures(cases, quarter);
    let model = Model::of(&f);
    assert_eq!(model.broken(), Vec::<String>::new(), "{what}: a relation the true values break");
    assert_eq!(model.dropped, Vec::<&str>::new(), "{what}: relations naming a figure the pack lacks");
    let intervals = audit(&f);
    let narrow: Vec<&Interval> = intervals.iter().filter(|i| !i.protected()).collect();
    assert!(narrow.is_empty(), "{what}: withheld values narrowed below ±{PROTECTION}: {narrow:?}");
    // Every output publishes the same cells.
    let q: Quarter = quarter.parse().unwrap();
    let json: Value = serde_json::from_str(&figures_json(q, cases.len(), &f)).unwrap();
    let csv = figures_csv(&f);
    let mut rows = csv.lines().skip(1);
    for (x, j) in f.iter().zip(json["figures"].as_array().unwrap()) {
        let row = rows.next().unwrap();
        for (previous, key) in [(false, "numerator"), (true, "previous_numerator")] {
            let shown = x.hidden(previous).is_none();
            assert_eq!(j[key].is_u64(), shown, "{what}: {} {key} in the JSON", x.id);
            let m = if previous { x.previous } else { x.current };
            let cell = if shown { m.numerator.to_string() } else { String::new() };
            let column = if previous { 6 } else { 3 };
            let fields: Vec<&str> = row.rsplitn(11, ',').collect::<Vec<_>>().into_iter().rev().collect();
            // id,section,label may hold commas: count the numeric columns from the right.
            assert_eq!(fields[column - 2], cell, "{what}: {} {key} in the CSV: {row}", x.id);
        }
    }
    assert_eq!(json["cases_counted"].is_null(), f[0].hidden(false).is_some(), "{what}");
    intervals
}

#[test]
fn the_sample_packs_pass_the_audit() {
    let cases = sample();
    let mut cells = 0;
    let mut narrowest: Option<Interval> = None;
    for quarter in ["2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2"] {
        for i in audited(&cases, quarter, &format!("sample {quarter}")) {
            cells += 1;
            if narrowest.as_ref().is_none_or(|n| i.reach() < n.reach()) {
                narrowest = Some(i);
            }
        }
    }
    eprintln!("sample board: 4 packs, {cells} withheld cells audited, narrowest {narrowest:?}");
    assert!(cells > 20, "{cells}");
}

/// Two packs read side by side: the earlier quarter's column in the later
/// pack publishes and withholds exactly what that quarter's own pack did.
fn consistent(cases: &[Case], quarter: &str, what: &str) {
    let q: Quarter = quarter.parse().unwrap();
    let later = figures(cases, quarter);
    let earlier = figures(cases, &q.previous().to_string());
    // The records counted are the files read, not a quarter's figure.
    for (l, e) in later.iter().zip(&earlier).filter(|(l, _)| l.id != "records.counted") {
        assert_eq!(l.previous, e.current, "{what}: {} differs between the packs", l.id);
        assert_eq!(
            l.hidden(true).is_some(),
            e.hidden(false).is_some(),
            "{what}: {} is withheld in one pack and published in the other",
            l.id
        );
    }
}

#[test]
fn packs_of_consecutive_quarters_agree_on_the_quarter_they_share() {
    let cases = sample();
    for quarter in ["2025-Q4", "2026-Q1", "2026-Q2"] {
        consistent(&cases, quarter, &format!("sample {quarter}"));
    }
    let from = NaiveDate::from_ymd_opt(2025, 4, 1).unwrap();
    let to = NaiveDate::from_ymd_opt(2026, 9, 30).unwrap();
    for seed in 1..=20u64 {
        let n = 3 + (seed as usize * 53) % 120;
        let cases: Vec<Case> = synthetic::synthetic_cases(n, from, to, seed).iter().map(case_from).collect();
        consistent(&cases, "2026-Q2", &format!("seed {seed}, {n} cases"));
    }
}

#[test]
fn nearly_all_is_withheld_like_nearly_none() {
    use casepress::board::Measure;
    let m = |n, d| Measure { numerator: n, denominator: Some(d) };
    assert!(m(26, 27).suppressed(), "26 of 27 says one child was not");
    assert!(m(23, 27).suppressed());
    assert!(!m(22, 27).suppressed());
    assert!(!m(27, 27).suppressed(), "all is no one left out");
    assert!(!m(0, 27).suppressed());
}

#[test]
fn random_caseloads_pass_the_audit() {
    audit_random(1..=120);
}

/// The second half of the random caseloads, apart so that the two halves
/// run on two cores at once.
#[test]
fn random_caseloads_pass_the_audit_second_half() {
    audit_random(121..=240);
}

/// Audits the 2026-Q1 or Q2 pack of a random caseload per seed (3 to 152
/// cases), reporting the cells audited and the narrowest interval.
fn audit_random(seeds: std::ops::RangeInclusive<u64>) {
    let from = NaiveDate::from_ymd_opt(2025, 4, 1).unwrap();
    let to = NaiveDate::from_ymd_opt(2026, 9, 30).unwrap();
    let (mut packs, mut cells) = (0, 0);
    let mut narrowest: Option<(u64, Interval)> = None;
    let expected = seeds.clone().count();
    for seed in seeds {
        let n = 3 + (seed as usize * 37) % 150;
        let cases: Vec<Case> = synthetic::synthetic_cases(n, from, to, seed).iter().map(case_from).collect();
        let quarter = if seed % 2 == 0 { "2026-Q1" } else { "2026-Q2" };
        for i in audited(&cases, quarter, &format!("seed {seed}, {n} cases, {quarter}")) {
            cells += 1;
            if narrowest.as_ref().is_none_or(|(_, x)| i.reach() < x.reach()) {
                narrowest = Some((seed, i));
            }
        }
        packs += 1;
    }
    eprintln!("random caseloads: {packs} packs, {cells} withheld cells audited, narrowest {narrowest:?}");
    assert_eq!(packs, expected);
}

#[test]
fn the_pdf_marks_every_withheld_value_alike_and_agrees_with_the_json() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let dir = sample_board(&out, &[]);
    let text = squash(&pdf_text(&dir.join("board-report.pdf")));
    assert!(!text.contains("<5"), "no value is marked small: {text}");
    // Dated for the board's next meeting after 30 September (samples' config), not the quarter's end.
    assert!(text.contains("20October2026"), "the board's date: {text}");
    // The chart gives each percentage in the table's words: no "81.5%" beside "81%".
    let words = pdf_text(&dir.join("board-report.pdf"));
    let decimal_percent = words.split_whitespace().any(|w| {
        let w = w.trim_end_matches([',', ')', ';']);
        w.ends_with('%') && w.trim_end_matches('%').contains('.')
    });
    assert!(!decimal_percent, "a percentage with decimals, as the chart once gave: {text}");
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("figures.json")).unwrap()).unwrap();
    let figures = json["figures"].as_array().unwrap();
    let mut withheld = 0;
    for f in figures {
        for (value, why) in [("numerator", "suppression"), ("previous_numerator", "previous_suppression")] {
            assert_eq!(f[value].is_null(), f[why] == "withheld", "{f}");
            withheld += usize::from(f[why] == "withheld");
        }
        if f["suppression"] == "withheld" {
            assert!(f["percent"].is_null() && f["rag"].is_null() && f["trend"].is_null(), "{f}");
        }
    }
    assert!(withheld > 5 && text.matches("[c]").count() >= withheld / 2, "{withheld} withheld: {text}");
}
