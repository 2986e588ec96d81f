//! The one caseload loader: every command that renders, checks, files or
//! reports on cases (render, check, board, statements, run, the lifecycle
//! and the workspace) uses it, so none drops a bad case silently. (Import
//! reads only the ids of the case files it may update, and stops, naming
//! the file, when one cannot be read.) Each
//! file or case that cannot be used, and each case id seen twice, is one
//! [`LoadFailure`]; the rest load.

use std::collections::HashMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::{Case, CaseError, Limits, LoadedCase, discover, load_file_limited};

/// A case file or case that could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoadFailure {
    /// The case file.
    pub file: PathBuf,
    /// The case id, when the case parsed (a duplicate id).
    pub case_id: Option<String>,
    /// Why, naming the line, column and JSON path.
    pub reason: String,
}

/// Every case found in some inputs, and every one that failed to load.
#[derive(Debug, Clone, Default)]
pub struct Caseload {
    /// Usable cases, in a stable order: sorted files, then position in the file.
    pub cases: Vec<LoadedCase>,
    /// What could not be loaded.
    pub failures: Vec<LoadFailure>,
}

impl Caseload {
    /// Loads every case in `inputs` (files, or folders walked recursively).
    /// Fails as a whole only when an input itself cannot be read.
    pub fn load(inputs: &[PathBuf]) -> Result<Self, CaseError> {
        Self::load_with(inputs, &Limits::default())
    }

    /// [`Caseload::load`] with these limits on case text.
    pub fn load_with(inputs: &[PathBuf], limits: &Limits) -> Result<Self, CaseError> {
        let mut cases = Vec::new();
        let failures = load_each(inputs, limits, |c| cases.push(c))?;
        Ok(Self { cases, failures })
    }

    /// The cases, without where they came from.
    pub fn cases(&self) -> impl Iterator<Item = &Case> {
        self.cases.iter().map(|c| &c.case)
    }

    /// The case with this id (see [`super::CaseId::is`]).
    pub fn find(&self, case_id: &str) -> Option<&LoadedCase> {
        self.cases.iter().find(|c| c.case.case_id.is(case_id))
    }
}

/// [`Caseload::load`], giving each usable case to `each` as soon as it is
/// parsed and checked (so a caller that keeps less than the parsed case holds
/// one at a time), and returning the failures.
pub fn load_each(
    inputs: &[PathBuf],
    limits: &Limits,
    mut each: impl FnMut(LoadedCase),
) -> Result<Vec<LoadFailure>, CaseError> {
    let files = discover(inputs)?;
    let mut failures = Vec::new();
    let mut first_seen: HashMap<String, (PathBuf, usize, String)> = HashMap::new();
    for file in &files {
        load_file_limited(file, limits, |result: Result<LoadedCase, CaseError>| match result {
            Ok(c) => {
                let id = c.case.case_id.to_string();
                // Ids that differ only in letter case would share one folder
                // on a case-insensitive share: they are the same id.
                let key = c.case.case_id.key();
                if let Some((file, line, first)) = first_seen.get(&key) {
                    let same = if *first == id { String::new() } else { format!(" as `{first}`") };
                    let reason = format!(
                        "{}:{}: case_id `{id}` is also in {}:{}{same}: expected each case once per batch (letter case does not make ids different)",
                        c.file.display(),
                        c.line,
                        file.display(),
                        line
                    );
                    failures.push(LoadFailure { file: c.file, case_id: Some(id), reason });
                } else {
                    first_seen.insert(key, (c.file.clone(), c.line, id));
                    each(c);
                }
            }
            Err(e) => {
                failures.push(LoadFailure { file: e.file.clone(), case_id: None, reason: e.to_string() })
            }
        });
    }
    Ok(failures)
}
