//! Case-file export bundles: a transfer to another service (Derbyshire
//! practice guidance §3.2) and the Y2A upload for a young person turning 18
//! (Derbyshire practice guidance §17.2).
//!
//! A bundle is built only from what is on disk in the case folder, after
//! every file the case log names has passed its SHA-256 check. The same
//! case folder always gives a byte-identical zip.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde::Serialize;
use serde_json::json;

use crate::case::CaseId;
use crate::press::Press;
use crate::store::{self, BundleMember, LogEntry, Published};

/// Why a bundle is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Purpose {
    /// Transfer to another youth justice service: all current documents,
    /// filed statements and the case log.
    Transfer,
    /// Y2A portal upload at 18: the most recent PSR, intervention plan and risk summary.
    Y2a,
}

impl fmt::Display for Purpose {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Transfer => "transfer",
            Self::Y2a => "y2a",
        })
    }
}

impl FromStr for Purpose {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "transfer" => Ok(Self::Transfer),
            "y2a" => Ok(Self::Y2a),
            _ => Err(format!("unknown purpose `{s}`: expected transfer or y2a")),
        }
    }
}

/// What one export did.
#[derive(Debug, Clone, Serialize)]
pub struct ExportItem {
    /// The case.
    pub case_id: String,
    /// The bundle, if one was written or already there.
    pub bundle: Option<PathBuf>,
    /// Whether it was newly written.
    pub written: bool,
    /// Why it failed, if it did.
    pub failed: Option<String>,
}

/// Exports each case from the press's output root into `out`; one failure
/// does not stop the others.
///
/// `dated` is the bundles' date (in their names and cover letters); by
/// default, the date of the newest file each holds, so the same folder
/// always gives the same bundle.
pub fn export_cases(
    press: &Press,
    case_ids: &[String],
    purpose: Purpose,
    out: &Path,
    to: &str,
    dated: Option<NaiveDate>,
    drafts: bool,
) -> Vec<ExportItem> {
    case_ids
        .iter()
        .map(|id| match export_case(press, id, purpose, out, to, dated, drafts) {
            Ok(published) => ExportItem {
                case_id: id.clone(),
                written: matches!(published, Published::Written(_)),
                bundle: Some(published.path().to_owned()),
                failed: None,
            },
            Err(reason) => {
                ExportItem { case_id: id.clone(), bundle: None, written: false, failed: Some(reason) }
            }
        })
        .collect()
}

/// Builds, publishes and logs one case's bundle.
pub fn export_case(
    press: &Press,
    case_id: &str,
    purpose: Purpose,
    out: &Path,
    to: &str,
    dated: Option<NaiveDate>,
    drafts: bool,
) -> Result<Published, String> {
    let id = CaseId::try_from(case_id.to_owned())?;
    let layout = press.layout();
    let case_dir = layout.case_dir(id.as_str());
    if !case_dir.is_dir() {
        return Err(format!("{}: no case folder: render the case's documents first", case_dir.display()));
    }
    let log = press.records().read(id.as_str()).map_err(|e| e.to_string())?;
    verify_folder(&case_dir, &log)?;
    account_for_statements(press.records(), id.as_str(), &log)?;

    // The latest final of each kind (and the latest draft, which goes in
    // only when asked for, labelled as a draft), and every statement.
    let mut latest: BTreeMap<String, (&str, &str, &str)> = BTreeMap::new();
    let mut latest_draft: BTreeMap<String, (&str, &str, &str)> = BTreeMap::new();
    let mut statements = Vec::new();
    let mut kept_log = Vec::new();
    // A final goes only with its recorded final step: a final PDF whose step
    // was never recorded (refused, or cut short) is not a final.
    let recorded_finals: Vec<(crate::documents::DocumentKind, &str)> = log
        .iter()
        .filter_map(|e| match e {
            LogEntry::Lifecycle { kind, step: crate::documents::Step::Final, sha256, .. } => {
                Some((*kind, sha256.as_str()))
            }
            _ => None,
        })
        .collect();
    for entry in &log {
        match entry {
            LogEntry::Document { kind, sha256, draft: false, .. }
                if !recorded_finals.contains(&(*kind, sha256.as_str())) =>
            {
                kept_log.push(entry);
            }
            LogEntry::Document { kind, file, at, draft, .. } => {
                let into = if *draft { &mut latest_draft } else { &mut latest };
                into.insert(kind.name().to_owned(), (file.as_str(), at.as_str(), kind.name()));
                kept_log.push(entry);
            }
            LogEntry::Statement { file, at, .. } => {
                statements.push((file.as_str(), at.as_str()));
                kept_log.push(entry);
            }
            LogEntry::Lifecycle { .. } => kept_log.push(entry),
            LogEntry::Export { .. } => {}
        }
    }
    let wanted: &[&str] = match purpose {
        Purpose::Y2a => &["psr", "intervention-plan", "risk-summary"],
        Purpose::Transfer => &[],
    };
    // A kind with no final: listed as not final, or (asked for) its draft.
    let mut not_final: Vec<String> =
        latest_draft.keys().filter(|k| !latest.contains_key(*k)).cloned().collect();
    let mut draft_kinds: Vec<String> = Vec::new();
    if drafts {
        for kind in &not_final {
            latest.insert(kind.clone(), latest_draft[kind]);
        }
        draft_kinds = std::mem::take(&mut not_final);
    }
    if purpose == Purpose::Y2a
        && !latest.contains_key("risk-summary")
        && !not_final.iter().any(|k| k == "risk-summary")
    {
        return Err(format!(
            "{}: no risk summary in the case log: render it first (`casepress render CASE --kind risk-summary`); the Y2A transfer needs the most recent ROSH (Derbyshire practice guidance §17.2)",
            case_dir.display()
        ));
    }
    let mut members = Vec::new();
    let mut missing = Vec::new();
    let mut created = String::new();
    let mut add = |dir: &str, file: &str, kind: &str, at: &str| -> Result<(), String> {
        let path = case_dir.join(dir).join(file);
        let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        created = created.clone().max(at.to_owned());
        let kind =
            if draft_kinds.iter().any(|k| k == kind) { format!("{kind} (DRAFT)") } else { kind.to_owned() };
        members.push(BundleMember { name: format!("{dir}/{file}"), kind, bytes });
        Ok(())
    };
    match purpose {
        Purpose::Y2a => {
            for kind in wanted {
                match latest.get(*kind) {
                    Some((file, at, kind)) => add("documents", file, kind, at)?,
                    None if not_final.iter().any(|k| k == kind) => {}
                    None => missing.push((*kind).to_owned()),
                }
            }
        }
        Purpose::Transfer => {
            for (file, at, kind) in latest.values() {
                add("documents", file, kind, at)?;
            }
            for (file, at) in &statements {
                add("statements", file, "statement", at)?;
            }
        }
    }
    if purpose == Purpose::Transfer {
        // The log without earlier export events, so exporting twice gives
        // the same bundle.
        let mut text = String::new();
        for entry in &kept_log {
            text.push_str(&serde_json::to_string(entry).expect("log entries serialise"));
            text.push('\n');
        }
        members.push(BundleMember {
            name: "case-log.jsonl".into(),
            kind: "case-log".into(),
            bytes: text.into_bytes(),
        });
    }
    let created_at: DateTime<Utc> = created.parse().unwrap_or_default();
    let date: NaiveDate = dated.unwrap_or(created_at.date_naive());

    let listing: Vec<_> = members
        .iter()
        .map(|m| json!({"name": m.name, "kind": m.kind.replace('-', " "), "size": human_size(m.bytes.len())}))
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
    let notice = json!({
        "title": match purpose { Purpose::Transfer => "Case transfer", Purpose::Y2a => "Y2A transfer of information" },
        "purpose": purpose.to_string(),
        "case_id": id.as_str(),
        "to": to,
        "date": date.to_string(),
        "members": listing,
        "missing": missing,
        "not_final": not_final,
        "drafts": draft_kinds,
        "sender": sender,
    });
    let letter = press
        .typeset_notice("cover-letter.typ.j2", &notice, &format!("{id}/{purpose}"), date)
        .map_err(|f| format!("cover letter: {f}"))?;
    members.push(BundleMember {
        name: "cover-letter.pdf".into(),
        kind: "cover-letter".into(),
        bytes: letter,
    });

    let mut head = serde_json::Map::new();
    head.insert("case_id".into(), id.as_str().into());
    head.insert("purpose".into(), purpose.to_string().into());
    head.insert("created".into(), created_at.to_rfc3339_opts(SecondsFormat::Secs, true).into());
    head.insert("not_held".into(), json!(missing));
    head.insert("not_final".into(), json!(not_final));
    head.insert("drafts".into(), json!(draft_kinds));
    let bundle = store::bundle(&members, head);

    let name = format!("{id}_{purpose}_{date}.zip");
    let published = store::publish(out, &name, &bundle.zip, press.modes()).map_err(|e| e.to_string())?;
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
            LogEntry::Export { .. } | LogEntry::Lifecycle { .. } => continue,
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
