//! The board outputs: `board-report.pdf`, `figures.csv`, `figures.json` and
//! `board-pack.zip` (all three plus `manifest.json` of SHA-256 sums). The
//! same input gives byte-identical files: no wall-clock time is written.

use std::path::PathBuf;

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::json;

use super::disclosure::Suppression;
use super::figure::{Figure, Measure};
use super::figures::compute;
use super::period::{BoardInput, PsrRecord};
use super::quarter::Quarter;
use crate::case::Caseload;
use crate::press::{Press, SetupError};
use crate::store::{self, BundleMember, Published};

/// What `board` wrote.
#[derive(Debug, Clone, Serialize)]
pub struct BoardOutputs {
    /// The quarter reported.
    pub quarter: String,
    /// Cases counted.
    pub cases: usize,
    /// Case files or cases that could not be loaded (not counted).
    pub errors: Vec<String>,
    /// The files, each written or unchanged.
    pub files: Vec<(String, PathBuf, bool)>,
}

/// A figure as published: small counts suppressed.
#[derive(Serialize)]
struct PublishedFigure<'a> {
    id: &'a str,
    section: &'a str,
    label: &'a str,
    numerator: Option<u32>,
    denominator: Option<u32>,
    percent: Option<f64>,
    previous_numerator: Option<u32>,
    previous_denominator: Option<u32>,
    previous_percent: Option<f64>,
    suppressed: bool,
    /// Why this quarter's value is not published: `small` or `secondary`.
    suppression: Option<Suppression>,
    /// Why the previous quarter's value is not published.
    previous_suppression: Option<Suppression>,
    trend: Option<&'a str>,
    target: Option<f64>,
    rag: Option<&'a str>,
    definition: &'a str,
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn published(m: Measure, hidden: Option<Suppression>) -> (Option<u32>, Option<u32>, Option<f64>) {
    if hidden.is_some() {
        (None, None, None)
    } else {
        (Some(m.numerator), m.denominator, m.percent().map(round1))
    }
}

fn publish_figure(f: &Figure) -> PublishedFigure<'_> {
    let (now, before) = (f.hidden(false), f.hidden(true));
    let (n, d, p) = published(f.current, now);
    let (pn, pd, pp) = published(f.previous, before);
    let suppressed = now.is_some() || before.is_some();
    PublishedFigure {
        id: &f.id,
        section: f.section,
        label: &f.label,
        numerator: n,
        denominator: d,
        percent: p,
        previous_numerator: pn,
        previous_denominator: pd,
        previous_percent: pp,
        suppressed,
        suppression: now,
        previous_suppression: before,
        // A trend or RAG from a suppressed value would reveal it.
        trend: if suppressed { None } else { f.trend() },
        target: f.target,
        rag: if now.is_some() { None } else { f.rag() },
        definition: &f.definition,
    }
}

/// `figures.csv`: one row per figure, stable ids and columns. Written with
/// the `csv` crate, and every text cell made safe for spreadsheets
/// ([`spreadsheet_safe`]).
pub fn figures_csv(figures: &[Figure]) -> String {
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    let header = [
        "id",
        "section",
        "label",
        "numerator",
        "denominator",
        "percent",
        "previous_numerator",
        "previous_denominator",
        "previous_percent",
        "suppressed",
        "trend",
        "target",
        "rag",
    ];
    w.write_record(header).expect("writing to memory");
    let opt = |v: Option<String>| v.unwrap_or_default();
    let text = |s: &str| spreadsheet_safe(s).into_owned();
    for f in figures {
        let p = publish_figure(f);
        let row = [
            text(p.id),
            text(p.section),
            text(p.label),
            opt(p.numerator.map(|x| x.to_string())),
            opt(p.denominator.map(|x| x.to_string())),
            opt(p.percent.map(|x| format!("{x:.1}"))),
            opt(p.previous_numerator.map(|x| x.to_string())),
            opt(p.previous_denominator.map(|x| x.to_string())),
            opt(p.previous_percent.map(|x| format!("{x:.1}"))),
            p.suppressed.to_string(),
            opt(p.trend.map(text)),
            opt(p.target.map(|x| format!("{x:.0}"))),
            opt(p.rag.map(text)),
        ];
        w.write_record(&row).expect("writing to memory");
    }
    String::from_utf8(w.into_inner().expect("writing to memory")).expect("UTF-8 in, UTF-8 out")
}

/// A text cell a spreadsheet will show as text, never run as a formula:
/// one starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a
/// leading apostrophe (the OWASP advice for CSV injection).
pub fn spreadsheet_safe(text: &str) -> std::borrow::Cow<'_, str> {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}").into(),
        _ => text.into(),
    }
}

/// `figures.json`: the quarter, the previous quarter and every figure.
pub fn figures_json(quarter: Quarter, cases: usize, figures: &[Figure]) -> String {
    let doc = json!({
        "schema": "casepress/board-figures/v1",
        "quarter": quarter.to_string(),
        "quarter_label": quarter.label(),
        "period": {"start": quarter.start(), "end": quarter.end()},
        "previous_quarter": quarter.previous().to_string(),
        "cases_counted": records_counted(cases, figures),
        "suppression": format!("counts of 1 to {}, percentages built on them, and every figure from which one could be narrowed to less than {} either side are published as null (\"withheld\"); a withheld value is not said to be small or not", super::disclosure::SMALLEST_PUBLISHED - 1, super::audit::PROTECTION),
        "figures": figures.iter().map(publish_figure).collect::<Vec<_>>(),
        "not_defined": not_defined(),
    });
    let mut text = serde_json::to_string_pretty(&doc).expect("figures serialise");
    text.push('\n');
    text
}

/// The case records counted, as published: `None` when withheld.
fn records_counted(cases: usize, figures: &[Figure]) -> Option<usize> {
    match figures.iter().find(|f| f.id == "records.counted") {
        Some(f) if f.hidden(false).is_some() => None,
        _ => Some(cases),
    }
}

/// The report's template context.
fn report_context(quarter: Quarter, dated: NaiveDate, cases: usize, figures: &[Figure]) -> serde_json::Value {
    let display = |m: Measure, hidden: Option<Suppression>| -> String {
        if hidden.is_some() {
            return "[c]".into();
        }
        match (m.percent(), m.denominator) {
            (Some(p), Some(d)) => format!("{p:.0}% ({} of {d})", m.numerator),
            (None, Some(_)) => "n/a".into(),
            _ => m.numerator.to_string(),
        }
    };
    // A rate per child (reoffences per child) is a number, not a percentage.
    let rate = |m: Measure, hidden: Option<Suppression>| -> String {
        match (hidden, m.denominator) {
            (Some(_), _) => "[c]".into(),
            (None, Some(d)) if d > 0 => {
                format!("{:.2} ({} in {d})", f64::from(m.numerator) / f64::from(d), m.numerator)
            }
            _ => "n/a".into(),
        }
    };
    let mut sections: Vec<(String, Vec<serde_json::Value>)> = Vec::new();
    for f in figures {
        let short = super::national::short_label(&f.id);
        let shown = |m: Measure, hidden: Option<Suppression>| {
            if super::plan_indicators::is_rate(&f.id) { rate(m, hidden) } else { display(m, hidden) }
        };
        let row = json!({
            "id": f.id,
            "label": f.label,
            "short": short.unwrap_or(f.label.as_str()),
            "chart": short.is_some(),
            "current": shown(f.current, f.hidden(false)),
            "previous": shown(f.previous, f.hidden(true)),
            "trend": if f.hidden(false).is_some() || f.hidden(true).is_some() { None } else { f.trend() },
            "rag": if f.hidden(false).is_some() { None } else { f.rag() },
            "target": f.target,
            "definition": f.definition,
            // The chart's words for the value: the table's percentage, or the count.
            "bar_text": match (f.current.percent(), f.current.denominator) {
                (Some(p), Some(_)) => format!("{p:.0}%"),
                _ => f.current.numerator.to_string(),
            },
            "bar": f.hidden(false).is_none().then(|| f.current.percent().unwrap_or(f64::from(f.current.numerator))),
            "bar_previous": f.hidden(true).is_none().then(|| f.previous.percent().unwrap_or(f64::from(f.previous.numerator))),
            // Only a published zero may leave a row out: leaving out a
            // withheld one would say it is zero.
            "zero": f.hidden(false).is_none() && f.hidden(true).is_none() && f.current.numerator == 0 && f.previous.numerator == 0,
        });
        match sections.last_mut() {
            Some((name, rows)) if name == f.section => rows.push(row),
            _ => sections.push((f.section.to_owned(), vec![row])),
        }
    }
    let find = |id: &str| {
        figures.iter().find(|f| f.id == id).map(|f| display(f.current, f.hidden(false))).unwrap_or_default()
    };
    json!({
        "quarter": quarter.label(),
        "months": quarter.months(),
        "previous": quarter.previous().label(),
        "as_at": quarter.end().to_string(),
        "dated": dated.to_string(),
        "cases_counted": records_counted(cases, figures).map_or_else(|| "[c]".to_owned(), |n| n.to_string()),
        "headline": [
            {"label": "Caseload at quarter end", "value": find("caseload.total")},
            {"label": "New in the quarter", "value": find("new.total")},
            {"label": "PSRs to managers on time", "value": find("psr.on_time")},
            {"label": "Assessments within 15 working days", "value": find("assessment.on_time")},
            {"label": "Statements received", "value": find("statements.received")},
            {"label": "Safety Link statements", "value": find("statements.safety_link")},
        ],
        "rated": figures.iter().filter(|f| f.target.is_some()).map(|f| json!({
            "label": f.label,
            "value": display(f.current, f.hidden(false)),
            "target": f.target,
            "rag": if f.hidden(false).is_some() { None } else { f.rag() },
        })).collect::<Vec<_>>(),
        "sections": sections.iter().map(|(name, rows)| json!({"name": name, "rows": rows})).collect::<Vec<_>>(),
        "exceptions": figures.iter().filter(|f| f.hidden(false).is_none() && f.rag() == Some("red")).map(|f| json!({
            "label": f.label,
            "value": display(f.current, f.hidden(false)),
            "target": f.target,
        })).collect::<Vec<_>>(),
        "appendix": appendix(figures),
        "not_defined": not_defined(),
    })
}

/// The national indicators the sources we hold do not define, as the pack
/// lists them in place of a figure.
fn not_defined() -> Vec<serde_json::Value> {
    super::national::NOT_DEFINED
        .iter()
        .map(|(kpi, name)| json!({"indicator": kpi, "name": name, "note": super::national::NOT_DEFINED_NOTE}))
        .collect()
}

/// The definitions appendix: one entry per family of figures counted the
/// same way (caseload by each order type, say), not one per row.
fn appendix(figures: &[Figure]) -> Vec<serde_json::Value> {
    let mut entries: Vec<(Vec<&Figure>, &str)> = Vec::new();
    for f in figures {
        match entries.last_mut() {
            Some((family, definition)) if *definition == f.definition => family.push(f),
            _ => entries.push((vec![f], &f.definition)),
        }
    }
    entries
        .into_iter()
        .map(|(family, definition)| {
            let (label, id) = match family.as_slice() {
                [one] => (one.label.clone(), one.id.clone()),
                many => {
                    // The ids' common prefix, and the labels' common head
                    // ("New: Referral Order", "New: Youth Caution": "New").
                    let ids: Vec<&str> = many.iter().map(|f| f.id.as_str()).collect();
                    let prefix = common_prefix(&ids);
                    fn head_of(f: &Figure) -> Option<&str> {
                        f.label.split_once(':').map(|(h, _)| h)
                    }
                    let head = head_of(many[0])
                        .filter(|h| many.iter().all(|f| head_of(f) == Some(*h)))
                        .unwrap_or(many[0].section);
                    (format!("{head} ({} figures)", many.len()), format!("{prefix}*"))
                }
            };
            json!({"label": label, "id": id, "definition": definition})
        })
        .collect()
}

/// The longest prefix of every id that ends at a `.` or `_` boundary.
fn common_prefix<'a>(ids: &[&'a str]) -> &'a str {
    let first = ids[0];
    let mut len = first.len();
    for id in &ids[1..] {
        len = len.min(first.bytes().zip(id.bytes()).take_while(|(a, b)| a == b).count());
    }
    let shared = &first[..len];
    shared.rfind(['.', '_']).map_or(shared, |i| &first[..=i])
}

/// The PSR steps recorded in each case's log by `today`, read as `check`
/// reads them (the managers' teams from the staff directory).
fn psr_records(
    press: &Press,
    cases: &[crate::case::Case],
    today: NaiveDate,
) -> std::collections::BTreeMap<String, PsrRecord> {
    let directory = press.staff();
    let mut records = std::collections::BTreeMap::new();
    for case in cases.iter().filter(|c| c.psr.is_some()) {
        let Ok(log) = press.records().read(case.case_id.as_str()) else { continue };
        let record = crate::history::gatekeeping_recorded(&log, case, directory, today);
        if record.recorded {
            records.insert(case.case_id.to_string(), record);
        }
    }
    records
}

/// Which quarter, as of when.
#[derive(Debug, Clone)]
pub struct BoardRequest {
    /// The quarter to report.
    pub quarter: Quarter,
    /// Today: a quarter that has not ended is refused, unless provisional.
    pub today: NaiveDate,
    /// A provisional report of a quarter still running, marked PROVISIONAL
    /// and written to `board/<quarter>-provisional/`.
    pub provisional: bool,
    /// The head of service's narrative, as plain text (paragraphs split by
    /// blank lines): printed as text, never as markup.
    pub narrative: Option<String>,
    /// The date of the board meeting the paper is for; without one, the
    /// first configured meeting after the quarter ends, else `today`.
    pub board_date: Option<NaiveDate>,
}

impl BoardRequest {
    /// The final report of a complete quarter.
    pub fn complete(quarter: Quarter, today: NaiveDate) -> Self {
        Self { quarter, today, provisional: false, narrative: None, board_date: None }
    }

    /// The date the paper carries: the board meeting it is for (given, else
    /// the first of `meetings` after the quarter's end), else the day it
    /// was made. Never the quarter's end, which is when the figures stand.
    pub fn paper_date(&self, meetings: &[NaiveDate]) -> NaiveDate {
        let end = self.quarter.end();
        self.board_date.or_else(|| meetings.iter().filter(|d| **d > end).min().copied()).unwrap_or(self.today)
    }
}

/// Builds every board output for the requested quarter from `caseload` and
/// the statement ledger under the configured output root.
pub fn build_board(
    press: &Press,
    caseload: &Caseload,
    request: &BoardRequest,
) -> Result<BoardOutputs, SetupError> {
    let quarter = request.quarter;
    let running = request.today <= quarter.end();
    if running && !request.provisional {
        return Err(SetupError::Input(format!(
            "{quarter} ({}) has not ended: it ends on {}. A board report covers a complete quarter; pass --provisional for a provisional report, marked PROVISIONAL",
            quarter.label(),
            quarter.end().format("%-d %B %Y")
        )));
    }
    let provisional = running && request.provisional;
    let config = press.config();
    let cases: Vec<_> = caseload.cases().cloned().collect();
    let errors: Vec<String> = caseload.failures.iter().map(|f| f.reason.clone()).collect();
    let layout = press.layout();
    let (statements, damaged) = crate::statements::ledger::filed_statements(press.records())?;
    let mut errors: Vec<String> = errors;
    errors.extend(damaged.iter().map(|d| {
        format!(
            "{}: line {} is damaged (a write was cut short): a statement may be missing from the counts",
            press.records().ledger().name(),
            d.line
        )
    }));
    let targets: Vec<(String, f64)> = config.board.targets.iter().map(|(k, v)| (k.clone(), *v)).collect();
    let attendance = match &config.board.attendance {
        // A missing or bad attendance file costs KPI 7 only: the rest of
        // the pack is made, and the problem is listed as not counted.
        Some(path) => super::national::read_attendance(path).unwrap_or_else(|e| {
            errors.push(format!("{e}: KPI 7 (board attendance) counts no meetings"));
            Vec::new()
        }),
        None => Vec::new(),
    };
    let input = BoardInput {
        cases: &cases,
        statements: &statements,
        calendar: press.calendar(),
        targets: &targets,
        rules: &config.rules,
        policy: &config.service.policy_title(),
        records: &psr_records(press, &cases, request.today),
        attendance: &attendance,
    };
    let figures = compute(&input, quarter);

    let csv = figures_csv(&figures);
    let json = figures_json(quarter, cases.len(), &figures);
    let dated = request.paper_date(&config.board.meeting_dates);
    let mut context = report_context(quarter, dated, cases.len(), &figures);
    context["provisional"] = provisional.into();
    let paragraphs: Vec<String> = request
        .narrative
        .iter()
        .flat_map(|text| text.split("\n\n"))
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect();
    context["narrative"] = paragraphs.into();
    let pdf = press
        .typeset_notice("board-report.typ.j2", &context, &format!("board/{quarter}"), quarter.end())
        .map_err(|f| SetupError::Input(f.reason))?;
    let member = |name: &str, kind: &str, bytes: &[u8]| BundleMember {
        name: name.into(),
        kind: kind.into(),
        bytes: bytes.to_vec(),
    };
    let members = [
        member("board-report.pdf", "board-report", &pdf),
        member("figures.csv", "figures", csv.as_bytes()),
        member("figures.json", "figures", json.as_bytes()),
    ];
    let mut head = serde_json::Map::new();
    head.insert("quarter".into(), quarter.to_string().into());
    let pack = store::bundle(&members, head);
    let dir =
        if provisional { layout.board(format!("{quarter}-provisional")) } else { layout.board(quarter) };
    let mut written = Vec::new();
    for (name, bytes) in [
        ("board-report.pdf", pdf.as_slice()),
        ("figures.csv", csv.as_bytes()),
        ("figures.json", json.as_bytes()),
        ("board-pack.zip", pack.zip.as_slice()),
    ] {
        let result = store::publish(&dir, name, bytes, press.modes())?;
        let new = matches!(result, Published::Written(_));
        written.push((name.to_owned(), result.path().to_owned(), new));
    }
    Ok(BoardOutputs { quarter: quarter.to_string(), cases: cases.len(), errors, files: written })
}

#[cfg(test)]
mod csv_tests {
    use super::spreadsheet_safe;

    #[test]
    fn a_cell_that_would_be_a_formula_is_text() {
        for bad in ["=1+1", "+44 1632", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(spreadsheet_safe(bad), format!("'{bad}"), "{bad:?}");
        }
        assert_eq!(spreadsheet_safe("Children seen within 5 days"), "Children seen within 5 days");
        assert_eq!(spreadsheet_safe(""), "");
    }
}
