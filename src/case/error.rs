//! Errors that name the file, the place in it, the JSON path and what was expected.

use std::fmt;
use std::path::PathBuf;

/// Why one case (or one whole file) could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseError {
    /// The file the case came from.
    pub file: PathBuf,
    /// 1-based line, where known.
    pub line: Option<usize>,
    /// 1-based column, where known.
    pub column: Option<usize>,
    /// JSON path of the offending value, e.g. `offences[2].date`.
    pub json_path: Option<String>,
    /// What was wrong and what was expected.
    pub message: String,
}

impl CaseError {
    /// An error about the file as a whole.
    pub fn file(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Self { file: file.into(), line: None, column: None, json_path: None, message: message.into() }
    }

    /// `file:line:column` as editors and terminals understand it.
    pub fn location(&self) -> String {
        let mut s = self.file.display().to_string();
        if let Some(line) = self.line {
            s.push_str(&format!(":{line}"));
            if let Some(col) = self.column {
                s.push_str(&format!(":{col}"));
            }
        }
        s
    }
}

impl fmt::Display for CaseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.location())?;
        if let Some(path) = &self.json_path {
            write!(f, "at `{path}`: ")?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for CaseError {}

/// Rewrites serde's unknown-field message to name the nearest known field:
/// a typo in a child's risk level must be obvious to fix.
pub(super) fn explain(message: &str) -> String {
    // chrono's words for a date it could not read; every date in a case is
    // a calendar date.
    const DATE_ERRORS: [&str; 5] = [
        "input contains invalid characters",
        "premature end of input",
        "trailing input",
        "input is out of range",
        "no possible date and time matching input",
    ];
    if DATE_ERRORS.contains(&message) {
        return format!("{message}: expected a date as YYYY-MM-DD, e.g. 2012-05-19");
    }
    if let Some(rest) = message.strip_prefix("invalid type: floating point `")
        && let Some((number, _)) = rest.split_once('`')
    {
        return format!("{number} is not a whole number");
    }
    let Some(rest) = message.strip_prefix("unknown field `") else {
        return message.to_owned();
    };
    let Some((unknown, expected)) = rest.split_once("`, expected ") else {
        return message.to_owned();
    };
    let known: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    let nearest = known
        .iter()
        .map(|k| (strsim::levenshtein(unknown, k), *k))
        .min()
        .filter(|(d, k)| *d <= 3.max(k.len() / 3));
    match nearest {
        Some((_, k)) => format!("unknown field `{unknown}`: did you mean `{k}`?"),
        None => format!("unknown field `{unknown}`: expected {expected}"),
    }
}

#[cfg(test)]
mod tests {
    use super::explain;

    #[test]
    fn unknown_field_names_the_nearest_known_field() {
        let m = "unknown field `reofending`, expected one of `tool`, `date`, `reoffending`, `serious_harm`";
        assert_eq!(explain(m), "unknown field `reofending`: did you mean `reoffending`?");
    }

    #[test]
    fn a_date_in_another_format_names_the_accepted_one() {
        assert_eq!(
            explain("input contains invalid characters"),
            "input contains invalid characters: expected a date as YYYY-MM-DD, e.g. 2012-05-19"
        );
    }

    #[test]
    fn unknown_field_far_from_any_lists_what_is_expected() {
        let m = "unknown field `zzzzzzzz`, expected `name` or `date`";
        assert_eq!(explain(m), "unknown field `zzzzzzzz`: expected `name` or `date`");
    }
}
