//! Case-file export bundles: a transfer to another youth justice service,
//! and the Y2A upload for a young person turning 18.
//!
//! A bundle is built only from what is on disk in the case folder, after
//! every file the case log names has passed its SHA-256 check. It holds what
//! its cover letter says: a Y2A bundle is not made without a final risk
//! summary, and documents are named by their titles. The same case folder
//! on the same date always gives a byte-identical zip.

mod contents;
mod history;
mod letter;
mod purpose;

use std::path::{Path, PathBuf};

use chrono::{NaiveDate, SecondsFormat, Utc};
use serde::Serialize;
use serde_json::json;

use crate::case::{Case, CaseId};
use crate::documents::DocumentKind;
use crate::press::Press;
use crate::store::{self, BundleMember, LogEntry, Published};

pub use purpose::Purpose;
/// What one export did.
#[derive(Debug, Clone, Serialize)]
pub struct ExportItem {
    /// The case.
    pub case_id: String,
    /// The bundle, if one was written or already there.
    pub bundle: Option<PathBuf>,
    /// Whether it was newly written.
    pub written: bool,
    /// Why no bundle was made although nothing is wrong: the case does not
    /// hold yet what the purpose needs. A notice in the nightly run;
    /// `export` refuses with it.
    pub not_ready: Option<String>,
    /// Why it failed, if it did.
    pub failed: Option<String>,
}

/// Why a case was not exported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotExported {
    /// The case does not hold yet what the purpose needs.
    #[error("{0}")]
    NotReady(String),
    /// The case folder, its log or the output could not be used.
    #[error("{0}")]
    Failed(String),
}

impl From<String> for NotExported {
    fn from(reason: String) -> Self {
        Self::Failed(reason)
    }
}

/// What to export, where, and for whom.
#[derive(Debug, Clone)]
pub struct ExportOptions {
    /// Transfer or Y2A.
    pub purpose: Purpose,
    /// The folder the zips go in.
    pub out: PathBuf,
    /// The receiving service, named in the cover letter.
    pub to: String,
    /// The export's date, in the bundle's name, its cover letter and its
    /// manifest: the day it is made (`--date`, or today).
    pub date: NaiveDate,
    /// Also bundle the draft of a kind that has no final, labelled as a draft.
    pub drafts: bool,
    /// Make no new bundle when the last one of this purpose recorded in the
    /// case log holds the same documents and statements: the nightly run
    /// sends a Y2A bundle once, not again every night.
    pub once: bool,
    /// The case files of the cases exported, for what their cover letters
    /// state (the reason for a transfer, the order, the next hearing, risk,
    /// the worker, the 18th birthday). A case not among them gets a letter
    /// that says its case file was not read.
    pub cases: Vec<Case>,
}

/// Exports each case from the press's output root; one failure does not
/// stop the others.
pub fn export_cases(press: &Press, case_ids: &[String], opts: &ExportOptions) -> Vec<ExportItem> {
    case_ids
        .iter()
        .map(|id| {
            let mut item = ExportItem {
                case_id: id.clone(),
                bundle: None,
                written: false,
                not_ready: None,
                failed: None,
            };
            match export_case(press, id, opts) {
                Ok(published) => {
                    item.written = matches!(published, Published::Written(_));
                    item.bundle = Some(published.path().to_owned());
                }
                Err(NotExported::NotReady(why)) => item.not_ready = Some(why),
                Err(NotExported::Failed(why)) => item.failed = Some(why),
            }
            item
        })
        .collect()
}

/// Builds, publishes and logs one case's bundle.
pub fn export_case(press: &Press, case_id: &str, opts: &ExportOptions) -> Result<Published, NotExported> {
    let id = CaseId::try_from(case_id.to_owned())?;
    let layout = press.layout();
    let case_dir = layout.case_dir(id.as_str());
    if !case_dir.is_dir() {
        return Err(
            format!("{}: no case folder: render the case's documents first", case_dir.display()).into()
        );
    }
    let log = press.records().read(id.as_str()).map_err(|e| e.to_string())?;
    verify_folder(&case_dir, &log)?;
    account_for_statements(press.records(), id.as_str(), &log)?;

    let purpose = opts.purpose;
    let chosen = contents::select(&log, purpose, opts.drafts);
    // The Y2A protocol asks for the most recent risk of serious harm
    // information: without a final risk summary there is nothing to send.
    if purpose == Purpose::Y2a && !chosen.has_final(DocumentKind::RiskSummary) {
        return Err(NotExported::NotReady(format!("Y2A for {id} not ready: no final risk summary")));
    }

    let mut members = Vec::new();
    let mut latest = String::new();
    let mut add = |dir: &str, file: &str, kind: String, at: &str| -> Result<(), String> {
        let path = case_dir.join(dir).join(file);
        let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        latest = latest.clone().max(at.to_owned());
        members.push(BundleMember { name: format!("{dir}/{file}"), kind, bytes });
        Ok(())
    };
    for doc in &chosen.documents {
        let kind =
            if doc.draft { format!("{} (DRAFT)", doc.kind.name()) } else { doc.kind.name().to_owned() };
        add("documents", doc.file, kind, doc.at)?;
    }
    for (file, at) in &chosen.statements {
        add("statements", file, "statement".into(), at)?;
    }
    if opts.once
        && let Some(earlier) = bundled_before(&log, purpose, &members)
    {
        return Ok(Published::Unchanged(layout.at(earlier)));
    }

    // Letter titles: a reader is never shown a catalogue name.
    let mut titles: Vec<String> = chosen
        .documents
        .iter()
        .map(|d| if d.draft { format!("{} (draft)", d.kind.title()) } else { d.kind.title().to_owned() })
        .collect();
    titles.extend(chosen.statements.iter().map(|_| "Mind Of My Own statement".to_owned()));
    if purpose == Purpose::Transfer {
        let in_bundle: Vec<&str> =
            chosen.documents.iter().map(|d| d.file).chain(chosen.statements.iter().map(|s| s.0)).collect();
        let rows = history::rows(&log, &in_bundle);
        let notice =
            json!({"case_id": id.as_str(), "date": opts.date.to_string(), "to": opts.to, "rows": rows});
        let pdf = press
            .typeset_notice("case-history.typ.j2", &notice, &format!("{id}/case-history"), opts.date)
            .map_err(|f| format!("case history: {f}"))?;
        members.push(BundleMember {
            name: "case-history.pdf".into(),
            kind: "case-history".into(),
            bytes: pdf,
        });
        titles.push("Case history".into());
        members.push(BundleMember {
            name: "case-log.jsonl".into(),
            kind: "case-log (machine-readable)".into(),
            bytes: history::machine_log(&log),
        });
        titles.push("Case log, machine-readable".into());
    }

    let listing: Vec<_> = members
        .iter()
        .zip(&titles)
        .map(|(m, title)| json!({"name": m.name, "kind": title, "size": human_size(m.bytes.len())}))
        .collect();
    let config = press.config();
    let sender = config.export.sender.as_ref().map(|name| {
        let who = config.staff.iter().find(|s| crate::staff::same_name(&s.name, name));
        json!({
            "name": name,
            "role": who.and_then(|s| s.role.clone()),
            "email": who.and_then(|s| s.email.clone()),
        })
    });
    let title_of = |kinds: &[DocumentKind]| kinds.iter().map(|k| k.title()).collect::<Vec<_>>();
    let words_of = |kinds: &[DocumentKind]| {
        letter::in_words(&kinds.iter().map(|k| k.title().to_owned()).collect::<Vec<_>>())
    };
    let held: Vec<String> = chosen
        .documents
        .iter()
        .map(|d| if d.draft { format!("{} (a draft)", d.kind.title()) } else { d.kind.title().to_owned() })
        .collect();
    let case = opts.cases.iter().find(|c| c.case_id.is(id.as_str()));
    let name_of = |kinds: &[DocumentKind]| kinds.iter().map(|k| k.name()).collect::<Vec<_>>();
    let drafts = chosen.drafts();
    let notice = json!({
        "title": match purpose { Purpose::Transfer => "Case transfer", Purpose::Y2a => "Y2A transfer of information" },
        "purpose": purpose.to_string(),
        "case_id": id.as_str(),
        "to": opts.to,
        "date": opts.date.to_string(),
        "members": listing,
        "missing": title_of(&chosen.not_held),
        "not_final": title_of(&chosen.not_final),
        "drafts": title_of(&drafts),
        "sender": sender,
        "case": letter::facts(case, &log, opts.date),
        "held_words": letter::in_words(&held),
        "missing_words": words_of(&chosen.not_held),
        "not_final_words": words_of(&chosen.not_final),
    });
    let letter = press
        .typeset_notice("cover-letter.typ.j2", &notice, &format!("{id}/{purpose}"), opts.date)
        .map_err(|f| format!("cover letter: {f}"))?;
    members.push(BundleMember {
        name: "cover-letter.pdf".into(),
        kind: "cover-letter".into(),
        bytes: letter,
    });

    let mut head = serde_json::Map::new();
    head.insert("case_id".into(), id.as_str().into());
    head.insert("purpose".into(), purpose.to_string().into());
    head.insert("date".into(), opts.date.to_string().into());
    if !latest.is_empty() {
        head.insert("latest_record".into(), latest.into());
    }
    head.insert("not_held".into(), json!(name_of(&chosen.not_held)));
    head.insert("not_final".into(), json!(name_of(&chosen.not_final)));
    head.insert("drafts".into(), json!(name_of(&drafts)));
    let bundle = store::bundle(&members, head);

    let name = format!("{id}_{purpose}_{}.zip", opts.date);
    let published =
        store::publish(&opts.out, &name, &bundle.zip, press.modes()).map_err(|e| e.to_string())?;
    if let Published::Written(path) = &published {
        let entry = LogEntry::Export {
            at: Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true),
            purpose: purpose.to_string(),
            // Relative to the output root, wherever the run started.
            file: layout.relative(path).display().to_string(),
            sha256: store::sha256_hex(&bundle.zip),
            members: members.iter().map(|m| m.name.clone()).collect(),
        };
        press.records().append(id.as_str(), &[entry]).map_err(|e| e.to_string())?;
    }
    Ok(published)
}

/// The last bundle of `purpose` the case log records, if it held exactly
/// these documents and statements.
fn bundled_before<'a>(log: &'a [LogEntry], purpose: Purpose, members: &[BundleMember]) -> Option<&'a str> {
    let last = log.iter().rev().find_map(|e| match e {
        LogEntry::Export { purpose: p, file, members, .. } if *p == purpose.to_string() => {
            Some((file, members))
        }
        _ => None,
    })?;
    let held: Vec<&str> = last
        .1
        .iter()
        .map(String::as_str)
        .filter(|n| n.starts_with("documents/") || n.starts_with("statements/"))
        .collect();
    let now: Vec<&str> = members.iter().map(|m| m.name.as_str()).collect();
    (held == now).then_some(last.0.as_str())
}

/// Every statement the filing ledger records as filed into the case must be
/// in its case log: a receipt lost to a torn write would otherwise leave the
/// statement out of a transfer without a word.
fn account_for_statements(records: &store::Records, case_id: &str, log: &[LogEntry]) -> Result<(), String> {
    let filed = crate::statements::ledger::filed_into(records, case_id).map_err(|e| e.to_string())?;
    let missing: Vec<String> = filed
        .into_iter()
        .filter(|(_, _, sha)| {
            !log.iter().any(|e| matches!(e, LogEntry::Statement { sha256, .. } if sha256 == sha))
        })
        .map(|(id, file, _)| format!("{id} ({file})"))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(format!(
        "statements filed into this case are missing from its case log: {}; run `casepress statements file` to restore their receipts, then export again",
        missing.join(", ")
    ))
}

/// Every file the case log names must be on disk with its logged SHA-256.
fn verify_folder(case_dir: &Path, log: &[LogEntry]) -> Result<(), String> {
    for entry in log {
        let (dir, file, sha) = match entry {
            LogEntry::Document { file, sha256, .. } => ("documents", file, sha256),
            LogEntry::Statement { file, sha256, .. } => ("statements", file, sha256),
            LogEntry::Export { .. } | LogEntry::Lifecycle { .. } | LogEntry::Disclosure { .. } => continue,
        };
        let path = case_dir.join(dir).join(file);
        let digest = store::file_digest(&path).map_err(|e| {
            format!("{}: named in the case log but unreadable ({e}): refusing to export an incomplete case folder", path.display())
        })?;
        if store::hex(&digest) != *sha {
            return Err(format!(
                "{}: does not match its SHA-256 in the case log: refusing to export a case folder that changed outside casepress",
                path.display()
            ));
        }
    }
    Ok(())
}

/// A size as people write it: `980 bytes`, `12.3 KB`, `1.4 MB`.
fn human_size(bytes: usize) -> String {
    match bytes {
        b if b < 1000 => format!("{b} bytes"),
        b if b < 1_000_000 => format!("{:.1} KB", b as f64 / 1000.0),
        b => format!("{:.1} MB", b as f64 / 1_000_000.0),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(super::human_size(980), "980 bytes");
        assert_eq!(super::human_size(12_345), "12.3 KB");
        assert_eq!(super::human_size(1_400_000), "1.4 MB");
    }
}
