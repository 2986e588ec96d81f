//! The nightly run, as one library call: render every applicable document,
//! make the filing round (queued desk decisions, the inbox, email notices), make the Y2A bundles of children turning 18,
//! and write the board report for the latest complete quarter. The caseload
//! is loaded once and shared by every stage; each stage's report is typed.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::batch::{self, BatchReport, Cases, Progress, RenderOptions, Workers};
use crate::board::{BoardOutputs, BoardRequest, Quarter, build_board};
use crate::case::Caseload;
use crate::export::{self, ExportItem, ExportOptions, Purpose};
use crate::press::{Press, SetupError};
use crate::rules;
use crate::statements::outbox::Delivery;
use crate::statements::requests;
use crate::statements::round::{RoundCases, file_round};
use crate::statements::{FileOptions, FilingReport};

/// How to run.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// The render batch's options (normally drafts of every applicable kind).
    pub render: RenderOptions,
    /// Where render workers run.
    pub workers: Workers,
    /// "Now", for filing: when statements are received.
    pub now: DateTime<Utc>,
    /// Today, for the Y2A window and the board's quarter.
    pub today: NaiveDate,
}

/// What the run did, stage by stage.
#[derive(Debug, Clone, Serialize)]
pub struct RunReport {
    /// The render batch (cases that failed to load are its first items).
    pub render: BatchReport,
    /// The render batch's run record under the output root, or why it
    /// could not be written (every item was done all the same).
    #[serde(serialize_with = "record_or_error")]
    pub record: Result<std::path::PathBuf, String>,
    /// Statement filing, when an inbox is configured.
    pub statements: Option<FilingReport>,
    /// The statements desk's queued attach decisions the filing round
    /// carried out.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub attached: Vec<requests::Outcome>,
    /// Email notices delivered, when SMTP is configured.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notices: Option<Delivery>,
    /// Y2A bundles, when a child turns 18 within the window: each written,
    /// unchanged (already made with the same documents), not ready (a
    /// notice: no final risk summary yet) or failed.
    pub y2a: Option<Vec<ExportItem>>,
    /// The board report.
    pub board: BoardOutputs,
}

impl RunReport {
    /// Whether any stage had an item fail (exit code 1).
    pub fn has_failures(&self) -> bool {
        self.render.has_failures()
            || self.record.is_err()
            || self.statements.as_ref().is_some_and(FilingReport::has_failures)
            || self.y2a.iter().flatten().any(|i| i.failed.is_some())
            || !self.board.errors.is_empty()
    }
}

/// `{"path": …}` or `{"error": …}`.
fn record_or_error<S: serde::Serializer>(
    r: &Result<std::path::PathBuf, String>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match r {
        Ok(path) => serde_json::json!({ "path": path }).serialize(s),
        Err(e) => serde_json::json!({ "error": e }).serialize(s),
    }
}

/// Runs every stage over the configured cases, in order. `progress` is
/// called once per rendered item.
pub fn run(press: &Press, opts: &RunOptions, progress: &dyn Progress) -> Result<RunReport, SetupError> {
    let config = press.config();
    let caseload = Caseload::load_with(&config.paths.cases, &config.limits)?;
    run_loaded(press, &caseload, opts, progress)
}

/// [`run`] over cases already loaded from `paths.cases` (so a caller can
/// show progress against their number).
pub fn run_loaded(
    press: &Press,
    caseload: &Caseload,
    opts: &RunOptions,
    progress: &dyn Progress,
) -> Result<RunReport, SetupError> {
    let config = press.config();
    // Copies a killed save left in the cases folders are removed first
    // (decision 0125); the loader never reads them.
    crate::case::sweep_killed_writes(&config.paths.cases, press.layout().root(), press.records());
    let render = batch::render(press, Cases::Loaded(caseload), &opts.render, &opts.workers, progress)?;
    let record = batch::write_run_record(press, "run", &render).map_err(|e| e.to_string());

    let round = match &config.statements.inbox {
        Some(inbox) => Some(file_round(
            press,
            RoundCases::Loaded(caseload),
            &FileOptions { inbox: inbox.clone(), now: opts.now },
        )?),
        None => None,
    };
    let (statements, attached, notices) = match round {
        Some(r) => (r.filed, r.attached, r.notices),
        None => (None, Vec::new(), None),
    };

    let due = rules::turning_18(caseload.cases(), opts.today, config.export.y2a_within_days);
    // A case not ready for Y2A (no final risk summary yet) is a notice in
    // the report, not a failure: someone has a document to finish.
    let y2a = (!due.is_empty()).then(|| {
        let export = ExportOptions {
            purpose: Purpose::Y2a,
            out: press.layout().exports(),
            to: config.export.y2a_recipient.clone(),
            date: opts.today,
            drafts: false,
            once: true,
            cases: caseload.cases().filter(|c| due.iter().any(|id| c.case_id.is(id))).cloned().collect(),
        };
        export::export_cases(press, &due, &export)
    });

    let quarter = BoardRequest::complete(Quarter::latest_complete(opts.today), opts.today);
    let board = match &config.board.cases {
        Some(inputs) if *inputs != config.paths.cases => {
            build_board(press, &Caseload::load_with(inputs, &config.limits)?, &quarter)?
        }
        _ => build_board(press, caseload, &quarter)?,
    };
    Ok(RunReport { render, record, statements, attached, notices, y2a, board })
}
