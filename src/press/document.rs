//! Making one document: the one way every front end does it. The render
//! batch, the lifecycle's steps and the workspace's preview all call
//! [`Press::make`], so a document is the same whichever asked for it:
//! the input that shapes it is hashed the same way, a final is frozen the
//! same way, and a name comes from the same pattern.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{NaiveDate, SecondsFormat, Utc};

use super::Press;
use crate::case::Case;
use crate::documents::DocumentKind;
use crate::failure::{Failure, Stage};
use crate::history;
use crate::render::{RenderRequest, RenderedSource};
use crate::rules::Facts;
use crate::store::{self, LogEntry, Published};
use crate::typeset::{PdfMeta, SvgMemo};

/// What to make: one kind of document of one case, on one day.
pub struct Order<'a> {
    /// The case, as it is now.
    pub case: &'a Case,
    /// The rules' facts about it on `date`.
    pub facts: &'a Facts,
    /// Which document.
    pub kind: DocumentKind,
    /// The document's date.
    pub date: NaiveDate,
    /// A final (refuses missing data) rather than a draft.
    pub final_: bool,
    /// The case's log: the gatekeeping record shows the PSR's steps, and a
    /// frozen final is found there.
    pub log: &'a [LogEntry],
    /// Where the case's documents are.
    pub docs_dir: &'a Path,
    /// Make it even if the same input was rendered before.
    pub force: bool,
    /// Also write the generated Typst source here (`--typst-dir`).
    pub typst_dir: Option<&'a Path>,
    /// Where the case came from, for messages (`file:line: case `id``).
    pub origin: &'a str,
}

/// What [`Press::make`] made.
pub enum Made {
    /// Rendered before from the same input (or a frozen final of it); the
    /// PDF on disk is intact.
    Unchanged(PathBuf),
    /// A new PDF, to publish.
    Pdf(NewPdf),
}

/// A new PDF, typeset and named, not yet on disk.
pub struct NewPdf {
    /// Which document.
    pub kind: DocumentKind,
    /// The PDF's bytes.
    pub pdf: Vec<u8>,
    /// Its file name from the naming pattern.
    pub name: String,
    /// SHA-256 of the PDF.
    pub sha256: String,
    /// SHA-256 of everything that shaped it.
    pub input_hash: String,
    /// A draft, not a final.
    pub draft: bool,
    /// How many things it lists as still to complete.
    pub to_complete: usize,
    /// When the case log first recorded these very bytes under this name:
    /// a re-render that changes nothing keeps that date, so bundles made
    /// from the log are the same however often the case is rendered.
    first_logged: Option<String>,
}

impl Press {
    /// The input hash of one document of `case`: what a version is. The
    /// gatekeeping record also shows the PSR's recorded steps, so a new step
    /// is a new input.
    pub fn document_input(&self, case: &Case, kind: DocumentKind, final_: bool, log: &[LogEntry]) -> String {
        self.input_hash(kind, final_, &shaping_input(case, kind, log))
    }

    /// `case` with the signatures recorded in `log` for the version of
    /// `kind` it makes now: the case the rules and the template read for
    /// that document (see [`history::with_signatures`]).
    pub fn signed_case(&self, case: &Case, kind: DocumentKind, log: &[LogEntry]) -> Case {
        let state = history::fold(log, kind);
        let current =
            state.draft_input.as_deref() == Some(self.document_input(case, kind, false, log).as_str());
        history::with_signatures(case, &state, current)
    }

    /// Makes one document as a PDF: unless `force`, an intact PDF from the
    /// same input is kept, and a draft of a case unchanged since its final
    /// is that final (a final is frozen).
    pub fn make(&self, order: &Order<'_>) -> Result<Made, Failure> {
        let (case, kind) = (order.case, order.kind);
        let input_hash = self.document_input(case, kind, order.final_, order.log);
        if !order.force
            && let Some(path) = already_rendered(order.log, order.docs_dir, kind, !order.final_, &input_hash)
        {
            return Ok(Made::Unchanged(path));
        }
        if !order.final_ {
            let state = history::fold(order.log, kind);
            if let (Some((_, file)), Some(input)) = (&state.final_version, &state.final_input)
                && *input == input_hash
                && !file.is_empty()
            {
                return Ok(Made::Unchanged(order.docs_dir.join(file)));
            }
        }
        let in_case = |f: Failure| Failure { reason: format!("{}: {}", order.origin, f.reason), ..f };
        let rendered = self.source(order, order.final_).map_err(in_case)?;
        if let Some(dir) = order.typst_dir {
            let name = format!("{}_{kind}.typ", case.case_id);
            store::replace(dir, &name, rendered.source.as_bytes(), self.modes())
                .map_err(|e| Failure::new(Stage::Store, e.to_string()))?;
        }
        let meta = PdfMeta { ident: format!("{}/{}", case.case_id, kind), date: order.date };
        let pdf = self.typeset(&rendered.source, &meta).map_err(|f| {
            let hint = match order.typst_dir {
                Some(_) => "",
                None => " (to see the generated source, render again with --typst-dir DIR)",
            };
            Failure { reason: format!("{}: {kind}: {}{hint}", order.origin, f.reason), ..f }
        })?;
        let name =
            self.document_name(case.case_id.as_str(), kind, order.date, !order.final_).map_err(in_case)?;
        let sha256 = store::sha256_hex(&pdf);
        let first_logged = order.log.iter().find_map(|e| match e {
            LogEntry::Document { file, sha256: s, at, .. } if *file == name && *s == sha256 => {
                Some(at.clone())
            }
            _ => None,
        });
        Ok(Made::Pdf(NewPdf {
            kind,
            pdf,
            name,
            sha256,
            input_hash,
            draft: !order.final_,
            to_complete: rendered.to_complete.len(),
            first_logged,
        }))
    }

    /// One document's Typst source, from the case log as it stood on the
    /// document's date: a paper states nothing recorded after it.
    fn source(&self, order: &Order<'_>, final_: bool) -> Result<RenderedSource, Failure> {
        let log = history::as_of(order.log, order.date);
        // The signatures recorded (by the paper's date) for the version being
        // made, and those given to an earlier one (to sign again).
        let state = history::fold(&log, order.kind);
        let current = !state.signatures.is_empty()
            && state.draft_input.as_deref()
                == Some(self.document_input(order.case, order.kind, false, order.log).as_str());
        let signed =
            (!state.signatures.is_empty()).then(|| history::with_signatures(order.case, &state, current));
        let earlier: Vec<&history::SignatureRecord> = order
            .kind
            .spec()
            .signers
            .iter()
            .filter_map(|s| {
                if current {
                    state.signed_earlier(*s)
                } else {
                    state.signatures.iter().rev().find(|r| r.signer == *s)
                }
            })
            .collect();
        self.render(RenderRequest {
            case: signed.as_ref().unwrap_or(order.case),
            earlier_signatures: &earlier,
            facts: order.facts,
            kind: order.kind,
            date: order.date,
            final_,
            log: &log,
        })
    }

    /// Makes the draft of one document as SVG pages (the workspace's live
    /// preview), from the same render as its PDF.
    pub fn make_pages(&self, order: &Order<'_>, memo: &SvgMemo) -> Result<Vec<Arc<str>>, Failure> {
        let kind = order.kind;
        let rendered = self.source(order, false)?;
        let meta = PdfMeta { ident: format!("{}/{kind}", order.case.case_id), date: order.date };
        self.preview(&rendered.source, &meta, memo)
    }
}

impl NewPdf {
    /// Publishes the PDF without syncing its folder (the caller syncs once
    /// for all of a case's documents), and gives its case-log line: the
    /// line goes into the log only after the folder is synced.
    pub fn publish(self, docs_dir: &Path, modes: store::Modes) -> Result<(Published, LogEntry), Failure> {
        let published = store::publish_unsynced(docs_dir, &self.name, &self.pdf, modes)
            .map_err(|e| Failure::new(Stage::Store, e.to_string()))?;
        let file = published.path().file_name().unwrap_or_default().to_string_lossy().into_owned();
        let at = match (&published, self.first_logged) {
            (Published::Unchanged(_), Some(at)) => at,
            _ => Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true),
        };
        let entry = LogEntry::Document {
            at,
            kind: self.kind,
            file,
            sha256: self.sha256,
            input_hash: self.input_hash,
            draft: self.draft,
            version: env!("CARGO_PKG_VERSION").into(),
        };
        Ok((published, entry))
    }
}

/// Where a case records signatures: (section, field).
const SIGNATURE_FIELDS: &[(&str, &str)] = &[
    ("psr", "signed"),
    ("progress_report", "signed"),
    ("intervention_plan", "signatures"),
    ("service_agreement", "signatures"),
];

/// The bytes that shape a document: the case, and for a record of another
/// document's review (the gatekeeping record), that document's steps.
///
/// Signatures are not part of it: a signature is given to a version, and
/// recording one never makes a new version (a PSR signed after it was sent
/// stays the PSR that was sent; a final is made from the agreed version
/// with the signatures given to it).
fn shaping_input(case: &Case, kind: DocumentKind, log: &[LogEntry]) -> Vec<u8> {
    let mut value = serde_json::to_value(case).expect("a case serialises");
    for (section, field) in SIGNATURE_FIELDS {
        if let Some(section) = value.get_mut(section).and_then(|s| s.as_object_mut()) {
            section.remove(*field);
        }
    }
    if let Some(case) = value.as_object_mut() {
        case.remove("signatures");
    }
    let mut input = serde_json::to_vec(&value).expect("a case serialises");
    if let Some(of) = kind.spec().record_of {
        let steps: Vec<&LogEntry> =
            log.iter().filter(|e| matches!(e, LogEntry::Lifecycle { kind: k, .. } if *k == of)).collect();
        input.extend(serde_json::to_vec(&steps).expect("log entries serialise"));
    }
    input
}

/// The existing PDF rendered from exactly this input, if it is the latest
/// of its kind (draft or final) and still intact. An older PDF of the same
/// input (the case changed, then changed back) is not enough: the log's
/// latest version would be another, so the document is made, and logged,
/// again.
fn already_rendered(
    log: &[LogEntry],
    docs_dir: &Path,
    kind: DocumentKind,
    draft: bool,
    input_hash: &str,
) -> Option<PathBuf> {
    let latest = log.iter().rev().find_map(|entry| match entry {
        LogEntry::Document { kind: k, file, sha256, input_hash: h, draft: d, .. }
            if *k == kind && *d == draft =>
        {
            Some((file, sha256, h))
        }
        _ => None,
    });
    let (file, sha256, _) = latest.filter(|(_, _, h)| *h == input_hash)?;
    let path = docs_dir.join(file);
    let intact = store::file_digest(&path).ok().is_some_and(|d| store::hex(&d) == *sha256);
    intact.then_some(path)
}
