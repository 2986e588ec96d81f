//! Case data in from a case management system's extracts (CSV, XLSX):
//! `casepress import --mapping MAPPING EXTRACT…`.
//!
//! The stages, one way: the mapping is read and checked against the case
//! format ([`mapping`], [`shape`]); each extract's table is found and read
//! ([`table`]); rows become each child's facts ([`build`], [`convert`]);
//! each case file is created, or its facts merged with what the writer has
//! done since the last import ([`merge`]); the import is recorded.
//!
//! Facts come from the case system; everything written in casepress is
//! casepress's: a mapping cannot name the writers' sections, and a merge
//! touches nothing but the facts it maps.

pub mod build;
pub mod convert;
pub mod mapping;
pub mod merge;
pub mod shape;
pub mod skeleton;
pub mod table;
pub mod workbook;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rayon::prelude::*;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::case::{CaseFile, CaseId};
use crate::service::Service;
use crate::store::{self, Modes, Records};
use build::{Facts, RowFailure, Tables};
use mapping::{Mapping, Source};
use merge::{Change, Conflict};
use shape::Shape;

/// What to import, and where to.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The mapping file.
    pub mapping: PathBuf,
    /// The extracts (CSV files, workbooks).
    pub extracts: Vec<PathBuf>,
    /// The folder of case files.
    pub out: PathBuf,
    /// When the import happens (recorded).
    pub now: DateTime<Utc>,
}

/// What happened to one case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// A new case file.
    Created,
    /// Facts changed in an existing case file.
    Updated,
    /// Nothing to change.
    Unchanged,
    /// Not written: see the error.
    Failed,
}

/// One case's import.
#[derive(Debug, Clone, Serialize)]
pub struct CaseImport {
    /// The case id.
    pub case_id: String,
    /// Its file.
    pub file: PathBuf,
    /// What happened.
    pub outcome: Outcome,
    /// Facts changed (old → new); for a new case, none are listed.
    pub changes: Vec<Change>,
    /// Facts changed in both places, left as casepress has them.
    pub conflicts: Vec<Conflict>,
    /// Why it failed.
    pub error: Option<String>,
}

/// The whole import.
#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    /// Each case, in extract order.
    pub cases: Vec<CaseImport>,
    /// Rows that could not be read, each alone.
    pub failures: Vec<RowFailure>,
    /// The extracts read (file, sheet, rows).
    pub tables: Vec<(String, usize)>,
    /// Rows passed over by the mapping's `skip` rules (a totals row): where, and the rule.
    pub skipped: Vec<String>,
}

impl ImportReport {
    /// Cases with this outcome.
    pub fn count(&self, outcome: Outcome) -> usize {
        self.cases.iter().filter(|c| c.outcome == outcome).count()
    }

    /// Whether a person needs to act: a failure or a conflict.
    pub fn needs_action(&self) -> bool {
        !self.failures.is_empty()
            || self.cases.iter().any(|c| c.outcome == Outcome::Failed || !c.conflicts.is_empty())
    }
}

/// Imports the extracts into case files. An error is for the whole import
/// (the mapping, a missing extract or column); everything else fails by
/// child or row, in the report.
pub fn import(service: &Service, opts: &ImportOptions) -> Result<ImportReport, String> {
    let mut mapping = Mapping::load(&opts.mapping)?;
    let (layout, modes) = (service.layout(), service.modes());
    let children = find_table(&mapping, &mapping.children, &opts.extracts)?;
    let joined = mapping
        .joined
        .iter()
        .map(|j| find_table(&mapping, &j.source, &opts.extracts))
        .collect::<Result<Vec<_>, _>>()?;
    Mapping::date_fields_default(&mut mapping.children, children.date.as_deref());
    for (j, t) in mapping.joined.iter_mut().zip(&joined) {
        Mapping::date_fields_default(&mut j.source, t.date.as_deref());
        if let mapping::Fills::Values(f) = &mut j.fills {
            f.date = f.date.take().or_else(|| t.date.clone());
        }
    }
    let staff = service.staff().members().map(|m| m.name.clone()).collect();
    let tables = Tables { children, joined, staff };
    let (facts, mut failures) = build::build(&mapping, &tables)?;
    let facts = without_shared_ids(facts, &mut failures);

    let import_dir = layout.import_dir();
    store::ensure_dir(&import_dir, modes).map_err(|e| e.to_string())?;
    let _lock =
        store::try_lock(&layout.import_lock(), modes).map_err(|e| e.to_string())?.ok_or_else(|| {
            format!(
                "{}: another import is running into this output folder; try again when it finishes",
                import_dir.display()
            )
        })?;
    let bases_path = import_dir.join("facts.json");
    let mut bases: BTreeMap<String, BTreeMap<String, Value>> = match std::fs::read(&bases_path) {
        Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| format!("{}: {e}", bases_path.display()))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => BTreeMap::new(),
        Err(e) => return Err(format!("{}: {e}", bases_path.display())),
    };
    // The cases folder is the service's: made if missing, its mode kept.
    store::ensure_dir(&opts.out, modes.in_place()).map_err(|e| e.to_string())?;
    crate::case::sweep_killed_writes(std::slice::from_ref(&opts.out), layout.root(), service.records());
    let existing = existing_cases(&opts.out)?;
    let case_shape = Shape::of_case();
    let done: Vec<(CaseImport, Option<BTreeMap<String, Value>>)> = facts
        .par_iter()
        .map(|f| {
            let file = match existing.get(&crate::case::id_key(&f.case_id)).map(Vec::as_slice) {
                None => Ok(opts.out.join(format!("{}.json", f.case_id))),
                Some([one]) => Ok(one.clone()),
                Some(many) => Err(format!(
                    "case {} is in {} files in {} ({}): not imported until there is one",
                    f.case_id,
                    many.len(),
                    opts.out.display(),
                    many.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
                )),
            };
            import_case(f, file, bases.get(&f.case_id), &opts.out, service.records(), modes, &case_shape)
        })
        .collect();
    // New names are made durable before the import that made them is recorded.
    store::sync_dir(&opts.out).map_err(|e| e.to_string())?;
    let mut cases = Vec::with_capacity(done.len());
    for (case, base) in done {
        if let Some(base) = base {
            bases.insert(case.case_id.clone(), base);
        }
        cases.push(case);
    }
    let bytes = serde_json::to_vec(&bases).map_err(|e| e.to_string())?;
    store::replace(&import_dir, "facts.json", &bytes, modes).map_err(|e| e.to_string())?;
    let tables_read = std::iter::once(&tables.children)
        .chain(&tables.joined)
        .map(|t| (t.place(None, None), t.rows.len()))
        .collect();
    let mut skipped = Vec::new();
    for t in std::iter::once(&tables.children).chain(&tables.joined) {
        // A file read by several sections is reported once.
        for (row, rule) in &t.skipped {
            let line = format!("{}, row {row}: skipped, as {rule}", t.place(None, None));
            let name = t.file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            if !skipped.iter().any(|s: &String| s.contains(&format!(": {name}, row {row}:"))) {
                skipped.push(line);
            }
        }
    }
    let report = ImportReport { cases, failures, tables: tables_read, skipped };
    record(&import_dir, opts, &report, modes)?;
    Ok(report)
}

/// Finds the one extract (and sheet) a source reads, and reads it with the
/// section's settings, and the `[files]` entry's for what it leaves unset.
fn find_table(mapping: &Mapping, source: &Source, extracts: &[PathBuf]) -> Result<table::Table, String> {
    let what = source.section.as_str();
    let by_name = |p: &PathBuf| match &source.file {
        None => true,
        Some(pattern) => {
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let options = glob::MatchOptions { case_sensitive: false, ..glob::MatchOptions::new() };
            glob::Pattern::new(pattern).is_ok_and(|pat| pat.matches_with(&name, options))
        }
    };
    let mut candidates: Vec<&PathBuf> = extracts.iter().filter(|p| by_name(p)).collect();
    if let Some(sheet) = &source.sheet {
        let mut with_sheet = Vec::new();
        for p in candidates.into_iter().filter(|p| table::is_workbook(p)) {
            if table::sheet_names(p)?.iter().any(|n| mapping::fold(n) == mapping::fold(sheet)) {
                with_sheet.push(p);
            }
        }
        candidates = with_sheet;
    } else if source.file.is_none() && candidates.len() > 1 {
        return Err(format!(
            "{what}: {} extracts were given: name this one's file in the mapping (`file = \"…\"`, a pattern such as \"Children_*.csv\")",
            candidates.len()
        ));
    }
    let path = match candidates.as_slice() {
        [one] => *one,
        [] => {
            return Err(format!(
                "{what}: no extract given matches{}{}",
                source.file.as_deref().map(|f| format!(" file \"{f}\"")).unwrap_or_default(),
                source.sheet.as_deref().map(|s| format!(" with a sheet \"{s}\"")).unwrap_or_default()
            ));
        }
        many => {
            let names: Vec<String> = many.iter().map(|p| p.display().to_string()).collect();
            return Err(format!("{what}: more than one extract matches: {}", names.join(", ")));
        }
    };
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let settings = source.settings.or(&mapping.file_settings(&name));
    table::read(
        path,
        table::Finding {
            sheet: source.sheet.as_deref(),
            settings: &settings,
            key: &source.key,
            section: what,
        },
    )
}

/// Two children of the case system with one case id: neither is imported.
fn without_shared_ids(facts: Vec<Facts>, failures: &mut Vec<RowFailure>) -> Vec<Facts> {
    let mut count: HashMap<&str, usize> = HashMap::new();
    for f in &facts {
        *count.entry(f.case_id.as_str()).or_default() += 1;
    }
    let shared: Vec<String> =
        count.into_iter().filter(|(_, n)| *n > 1).map(|(id, _)| id.to_owned()).collect();
    let (keep, clash): (Vec<Facts>, Vec<Facts>) =
        facts.into_iter().partition(|f| !shared.contains(&f.case_id));
    for f in clash {
        failures.push(RowFailure {
            case_id: Some(f.case_id.clone()),
            place: f.row.clone(),
            field: Some("case_id".into()),
            message: format!(
                "another child in the extract has the case id {}: neither is imported",
                f.case_id
            ),
        });
    }
    keep
}

/// The case files already in the folder, by case id (read for the id
/// alone): a case written by hand under any name is updated where it is,
/// and `new` never makes a second file for it.
pub(crate) fn existing_cases(dir: &Path) -> Result<HashMap<String, Vec<PathBuf>>, String> {
    #[derive(serde::Deserialize)]
    struct Id {
        case_id: String,
    }
    let files = crate::case::discover(&[dir.to_owned()]).map_err(|e| e.to_string())?;
    // A case file that cannot be read may hold a case this import would
    // otherwise create a second time: the import stops and says which.
    let per_file: Vec<Result<Vec<(String, PathBuf)>, String>> = files
        .par_iter()
        .map(|file| {
            let bytes = std::fs::read(file).map_err(|e| {
                format!(
                    "{}: cannot read this case file, so cannot tell which cases it holds: {e}",
                    file.display()
                )
            })?;
            let ndjson = matches!(file.extension().and_then(|e| e.to_str()), Some("ndjson" | "jsonl"));
            let ids: Vec<String> = if ndjson {
                bytes
                    .split(|&b| b == b'\n')
                    .filter_map(|l| serde_json::from_slice::<Id>(l).ok())
                    .map(|i| i.case_id)
                    .collect()
            } else if let Ok(one) = serde_json::from_slice::<Id>(&bytes) {
                vec![one.case_id]
            } else {
                // Each element on its own: one malformed case hides no other.
                let text = String::from_utf8_lossy(&bytes);
                crate::case::array_elements(&text)
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(|r| serde_json::from_str::<Id>(&text[r]).ok())
                    .map(|i| i.case_id)
                    .collect()
            };
            Ok(ids.into_iter().map(|id| (id, file.clone())).collect())
        })
        .collect();
    let mut ids = Vec::new();
    for file in per_file {
        ids.extend(file?);
    }
    let mut by_id: HashMap<String, Vec<PathBuf>> = HashMap::new();
    for (id, file) in ids {
        let files = by_id.entry(crate::case::id_key(&id)).or_default();
        if !files.contains(&file) {
            files.push(file);
        }
    }
    Ok(by_id)
}

fn import_case(
    facts: &Facts,
    file: Result<PathBuf, String>,
    base: Option<&BTreeMap<String, Value>>,
    out: &Path,
    records: &Records,
    modes: Modes,
    shape: &Shape,
) -> (CaseImport, Option<BTreeMap<String, Value>>) {
    let mut report = CaseImport {
        case_id: facts.case_id.clone(),
        file: file.clone().unwrap_or_else(|_| out.join(format!("{}.json", facts.case_id))),
        outcome: Outcome::Failed,
        changes: Vec::new(),
        conflicts: Vec::new(),
        error: None,
    };
    let result = match (CaseId::try_from(facts.case_id.clone()), file) {
        (Err(e), _) => Err(format!("{}: case id \"{}\": {e}", place_of(facts, "case_id"), facts.case_id)),
        (Ok(_), Err(e)) => Err(e),
        (Ok(_), Ok(file)) if file.exists() => update(facts, base, &file, records),
        (Ok(_), Ok(file)) => create(facts, &file, out, records, modes, shape),
    };
    match result {
        Ok((outcome, merged)) => {
            report.outcome = outcome;
            report.changes = merged.changes;
            report.conflicts = merged.conflicts;
            (report, Some(merged.base))
        }
        Err(e) => {
            report.error = Some(e);
            (report, None)
        }
    }
}

fn place_of(facts: &Facts, path: &str) -> String {
    facts.origin.get(path).cloned().unwrap_or_else(|| facts.row.clone())
}

/// A new case file: the facts, in the case format's order.
fn create(
    facts: &Facts,
    file: &Path,
    out: &Path,
    records: &Records,
    modes: Modes,
    shape: &Shape,
) -> Result<(Outcome, merge::Merged), String> {
    let mut case = Map::new();
    case.insert("schema".into(), Value::String("casepress/case/v1".into()));
    let mut paths: Vec<(&String, &Value)> = facts.values.iter().filter(|(_, v)| !v.is_null()).collect();
    paths.sort_by_key(|(p, _)| shape.order(p));
    for (path, value) in paths {
        build::set(&mut case, path, value.clone());
    }
    let mut bytes = serde_json::to_vec_pretty(&case).map_err(|e| e.to_string())?;
    bytes.push(b'\n');
    check(facts, &bytes, file)?;
    let name = file.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    // Every writer of a case file holds its lock while its temporary copy
    // exists, so that a sweep never takes a live copy for a dead one.
    let _held = records.lock_case_file(file).map_err(|e| e.to_string())?;
    store::publish_as_unsynced(out, name, &bytes, modes.in_place()).map_err(|e| e.to_string())?;
    let base =
        facts.values.iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k.clone(), v.clone())).collect();
    Ok((Outcome::Created, merge::Merged { base, ..Default::default() }))
}

/// An existing case file: its facts merged, under the case's lock (the
/// workspace saves under the same lock).
fn update(
    facts: &Facts,
    base: Option<&BTreeMap<String, Value>>,
    file: &Path,
    records: &Records,
) -> Result<(Outcome, merge::Merged), String> {
    let _lock = records.lock(&facts.case_id).map_err(|e| e.to_string())?;
    // The file may hold other cases, updated by other threads meanwhile.
    let file_lock = records.lock_case_file(file).map_err(|e| e.to_string())?;
    let case_file = CaseFile::read(file, &facts.case_id)?;
    let mut case = match case_file.case.clone() {
        Value::Object(m) => m,
        _ => return Err(format!("{}: not a case object", file.display())),
    };
    let merged = merge::merge(&mut case, &facts.values, base);
    if merged.changes.is_empty() {
        return Ok((Outcome::Unchanged, merged));
    }
    let bytes = case_file.with_case(&Value::Object(case))?;
    check(facts, &bytes, file)?;
    case_file.write(&bytes, &file_lock)?;
    Ok((Outcome::Updated, merged))
}

/// The case as written must load as a case, with the batch's own loader;
/// its error is told with the extract's place for that field.
fn check(facts: &Facts, bytes: &[u8], file: &Path) -> Result<(), String> {
    let loaded = crate::case::parse_bytes(bytes, file);
    match loaded.into_iter().find(|r| r.as_ref().map_or(true, |c| c.case.case_id.is(&facts.case_id))) {
        Some(Ok(_)) => Ok(()),
        Some(Err(e)) => {
            let path = e.json_path.clone().unwrap_or_default();
            let field = missing_field(&e.message)
                .map_or(path.clone(), |f| if path.is_empty() { f.to_owned() } else { format!("{path}.{f}") });
            let place = facts
                .origin
                .iter()
                .find(|(p, _)| {
                    **p == field || field.starts_with(&format!("{p}.")) || p.starts_with(&format!("{field}."))
                })
                .map_or_else(|| facts.row.clone(), |(_, place)| place.clone());
            Err(format!("{place} ({field}): {}: not imported", e.message))
        }
        None => Err(format!("{}: no case {} in what would be written", file.display(), facts.case_id)),
    }
}

/// `missing field `x`` in a loader message: the field's name.
fn missing_field(message: &str) -> Option<&str> {
    message.split('`').nth(1).filter(|_| message.contains("missing field"))
}

/// One line per import in `OUT/import/imports.jsonl`: when, the extracts
/// by SHA-256, and what changed in each case.
fn record(dir: &Path, opts: &ImportOptions, report: &ImportReport, modes: Modes) -> Result<(), String> {
    let digest = |p: &PathBuf| store::file_digest(p).map(|d| store::hex(&d)).unwrap_or_default();
    let line = serde_json::json!({
        "at": opts.now,
        "mapping": {"file": opts.mapping, "sha256": digest(&opts.mapping)},
        "extracts": opts.extracts.iter().map(|p| serde_json::json!({"file": p, "sha256": digest(p)})).collect::<Vec<_>>(),
        "created": report.count(Outcome::Created),
        "updated": report.count(Outcome::Updated),
        "unchanged": report.count(Outcome::Unchanged),
        "failed": report.count(Outcome::Failed) + report.failures.len(),
        "cases": report.cases.iter().filter(|c| !c.changes.is_empty() || !c.conflicts.is_empty() || c.outcome != Outcome::Unchanged).map(|c| serde_json::json!({
            "case_id": c.case_id, "outcome": c.outcome, "changes": c.changes, "conflicts": c.conflicts, "error": c.error,
        })).collect::<Vec<_>>(),
    });
    let mut bytes = serde_json::to_vec(&line).map_err(|e| e.to_string())?;
    bytes.push(b'\n');
    store::append_lines(&dir.join("imports.jsonl"), &bytes, modes, true).map_err(|e| e.to_string())?;
    Ok(())
}
