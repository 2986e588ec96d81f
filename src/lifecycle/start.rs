//! Starting a document a person writes (a PSR the court asked for, a
//! progress report, a plan, an agreement): its section added to the case
//! file, under the case's lock and the case file's lock (decision 0112),
//! checked with the batch's loader and written atomically. The command line
//! (`casepress start`) and the workspace's "Start" call this one function.

use std::path::Path;

use crate::case::CaseFile;
use crate::documents::DocumentKind;
use crate::import::skeleton;
use crate::press::{Press, SetupError};

use super::{Refused, recorded_name};

/// What a start wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Started {
    /// Who started it, as the staff directory spells them.
    pub by: String,
    /// The case section added (`psr`, `intervention_plan`, …).
    pub section: &'static str,
}

/// Starts the `kind` document of case `case_id`, whose JSON lives in
/// `file`, by `by`. Refused (naming the rule) when the rules do not let it
/// start: see [`crate::rules::documents::may_start`].
pub fn start(
    press: &Press,
    file: &Path,
    case_id: &str,
    kind: DocumentKind,
    by: &str,
) -> Result<Started, Refused> {
    let by = recorded_name(press.staff(), by)?;
    let records = press.records();
    let _lock = records.lock(case_id).map_err(SetupError::from)?;
    // The file may hold other cases, written by other writers meanwhile.
    let file_lock = records.lock_case_file(file).map_err(SetupError::from)?;
    let case_file = CaseFile::read(file, case_id).map_err(SetupError::Input)?;
    let loaded = case_file.load(&case_file.bytes, case_id).map_err(SetupError::from)?;
    crate::rules::documents::may_start(kind, &loaded.case).map_err(Refused::Rule)?;
    let Some((section, value)) = skeleton::new_section(kind, &loaded.case) else {
        return Err(Refused::Rule(format!("a {} is not started by hand", kind.spec().noun)));
    };
    let mut json = case_file.case.clone();
    let Some(object) = json.as_object_mut() else {
        return Err(SetupError::Input(format!("{}: not a case object", file.display())).into());
    };
    object.insert(section.to_owned(), value);
    let bytes = case_file.with_case(&json).map_err(SetupError::Input)?;
    case_file.load(&bytes, case_id).map_err(SetupError::from)?;
    crate::failpoint("start:before-write");
    case_file.write(&bytes, &file_lock).map_err(SetupError::Input)?;
    Ok(Started { by, section })
}
