//! `casepress new`: the smallest valid case, from facts a person gives (a
//! date of birth is never made up), with `$schema` so that an editor checks
//! and completes the rest; and `casepress start` (the workspace's "Start"):
//! the smallest section of a document a person writes, from the facts the
//! case already holds.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde_json::{Map, Value, json};

use crate::case::CaseId;
use crate::config::StaffMember;
use crate::store::{self, Modes};

/// The schema file's name beside the cases (the loader passes over `*.schema.json`).
pub const SCHEMA_FILE: &str = "casepress-case-v1.schema.json";

/// What a new case starts from.
#[derive(Debug, Clone)]
pub struct NewCase {
    /// Its id.
    pub case_id: String,
    /// The child's first name.
    pub first_name: String,
    /// The child's last name.
    pub last_name: String,
    /// The child's date of birth.
    pub date_of_birth: NaiveDate,
    /// The case manager, as in the staff directory.
    pub case_manager: String,
    /// The team, when the directory does not say.
    pub team: Option<String>,
}

/// The case file's bytes. The case manager's role, team and contact details
/// come from the staff directory.
pub fn new_case(new: &NewCase, staff: &[StaffMember]) -> Result<Vec<u8>, String> {
    CaseId::try_from(new.case_id.clone()).map_err(|e| format!("case id \"{}\": {e}", new.case_id))?;
    for (what, v) in
        [("first name", &new.first_name), ("last name", &new.last_name), ("case manager", &new.case_manager)]
    {
        if v.trim().is_empty() {
            return Err(format!("the child's {what} is empty"));
        }
    }
    let member = staff.iter().find(|m| crate::staff::same_name(&m.name, &new.case_manager));
    let team = new.team.clone().or_else(|| member.and_then(|m| m.team.clone())).ok_or_else(|| {
        format!("{} is not in the staff directory with a team: give --team", new.case_manager)
    })?;
    let mut manager = Map::new();
    manager.insert(
        "name".into(),
        Value::String(member.map_or(new.case_manager.trim().to_owned(), |m| m.name.clone())),
    );
    if let Some(m) = member {
        for (key, value) in [("role", &m.role), ("team", &m.team), ("email", &m.email)] {
            if let Some(v) = value {
                manager.insert(key.into(), Value::String(v.clone()));
            }
        }
    }
    let case = json!({
        "$schema": format!("./{SCHEMA_FILE}"),
        "schema": "casepress/case/v1",
        "case_id": new.case_id,
        "child": {
            "first_name": new.first_name.trim(),
            "last_name": new.last_name.trim(),
            "date_of_birth": new.date_of_birth.format("%Y-%m-%d").to_string(),
        },
        "case_manager": manager,
        "team": team,
    });
    let mut bytes = serde_json::to_vec_pretty(&case).map_err(|e| e.to_string())?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// Writes the new case as `DIR/CASE_ID.json` (never over an existing file)
/// and the schema beside it, for `service`'s staff and modes; first removes
/// the copies killed saves left in `dir` (decision 0125). Returns the case
/// file.
pub fn write_new_case(
    new: &NewCase,
    service: &crate::service::Service,
    dir: &Path,
) -> Result<PathBuf, String> {
    let (records, modes) = (service.records(), service.modes());
    let bytes = new_case(new, &service.config().staff)?;
    let loaded = crate::case::parse_bytes(&bytes, Path::new(&format!("{}.json", new.case_id)));
    if let Some(Err(e)) = loaded.into_iter().next() {
        return Err(e.to_string());
    }
    let name = format!("{}.json", new.case_id);
    if dir.join(&name).exists() {
        return Err(format!(
            "{}: a case file of that name is already there: not replaced",
            dir.join(&name).display()
        ));
    }
    // The id may be held by a case file of any name, an array or an NDJSON
    // line: a second file would stop the real case loading, and its papers
    // would go into the real child's folder.
    if dir.is_dir()
        && let Some(files) = super::existing_cases(dir)?.get(&crate::case::id_key(&new.case_id))
    {
        let files: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
        return Err(format!(
            "case {} is already in {}: not created (a second case file with that id would stop the first loading)",
            new.case_id,
            files.join(", ")
        ));
    }
    crate::case::sweep_killed_writes(&[dir.to_owned()], service.layout().root(), records);
    // Held while the new file's temporary copy exists, as by every writer;
    // the cases folder is the service's: made if missing, its mode kept.
    let _held = records.lock_case_file(&dir.join(&name)).map_err(|e| e.to_string())?;
    let published = store::publish_as(dir, &name, &bytes, modes.in_place()).map_err(|e| e.to_string())?;
    write_schema(&dir.join(SCHEMA_FILE), modes.in_place())?;
    Ok(published.path().to_owned())
}

/// Writes the case format's JSON Schema to `file` (replacing an older one).
pub fn write_schema(file: &Path, modes: Modes) -> Result<(), String> {
    let mut bytes = serde_json::to_vec_pretty(&crate::case::json_schema()).map_err(|e| e.to_string())?;
    bytes.push(b'\n');
    if std::fs::read(file).is_ok_and(|old| old == bytes) {
        return Ok(());
    }
    let dir = file.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = file.file_name().and_then(|n| n.to_str()).ok_or("the schema file needs a name")?;
    store::replace(dir, name, &bytes, modes).map(drop).map_err(|e| e.to_string())
}

/// The section a `kind` document starts with, and its key in the case: the
/// court's request date for a court report (when the case system gives
/// it), nothing else. `None` for the kinds made from the case data.
pub fn new_section(
    kind: crate::documents::DocumentKind,
    case: &crate::case::Case,
) -> Option<(&'static str, Value)> {
    use crate::documents::DocumentKind;
    let key = kind.spec().section?;
    let mut section = Map::new();
    if matches!(kind, DocumentKind::Psr | DocumentKind::ProgressReport)
        && let Some(date) = case.court.as_ref().and_then(|c| c.report_requested_date)
    {
        section.insert("requested_date".into(), Value::String(date.format("%Y-%m-%d").to_string()));
    }
    Some((key, Value::Object(section)))
}
