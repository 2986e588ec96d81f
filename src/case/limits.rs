//! Limits on case text, checked at load time: one enormous value (a
//! megabyte pasted into a name, a narrative of 50 MB) would otherwise take
//! gigabytes to typeset, or the whole process down. A case over a limit
//! fails alone, naming the field and the limit.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The largest text and lists a case may hold (`[limits]` in casepress.toml).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Characters in any one text value (a long PSR section is ~20,000).
    pub max_string_chars: usize,
    /// Items in any one list (offences, contacts, plan targets…).
    pub max_array_items: usize,
    /// Characters of text in the whole case, every value together (a
    /// full case with a long PSR is ~150,000). Each value within its own
    /// limit can still add up to a case that takes gigabytes to render.
    pub max_case_chars: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self { max_string_chars: 50_000, max_array_items: 500, max_case_chars: 500_000 }
    }
}

impl Limits {
    /// The first value of the case `text` over a limit: its JSON path and
    /// what is wrong. `None` when all is within limits, or when the text is
    /// not JSON (the typed parse says why).
    pub fn check(&self, text: &str) -> Option<(String, String)> {
        // A string of N characters takes at least N bytes, a list of N items
        // at least 2N - 1: a short case cannot break a limit.
        if text.len() <= self.max_string_chars.min(self.max_case_chars)
            && text.len() < 2 * self.max_array_items
        {
            return None;
        }
        let value: Value = serde_json::from_str(text).ok()?;
        if let Some(found) = self.walk(&value, &mut Vec::new()) {
            return Some(found);
        }
        let total = text_chars(&value);
        (total > self.max_case_chars).then(|| {
            let why = format!(
                "the case holds {total} characters of text in all: expected at most {} (limits.max_case_chars in casepress.toml); a case this size would take gigabytes of memory to render, so it is not rendered",
                self.max_case_chars
            );
            (String::new(), why)
        })
    }

    fn walk(&self, value: &Value, path: &mut Vec<String>) -> Option<(String, String)> {
        let here = |path: &[String]| path.join(".").replace(".[", "[");
        match value {
            Value::String(s) => {
                let chars = s.chars().count();
                (chars > self.max_string_chars).then(|| {
                    let why = format!(
                        "{chars} characters: expected at most {} (limits.max_string_chars in casepress.toml)",
                        self.max_string_chars
                    );
                    (here(path), why)
                })
            }
            Value::Array(items) => {
                if items.len() > self.max_array_items {
                    let why = format!(
                        "{} items: expected at most {} (limits.max_array_items in casepress.toml)",
                        items.len(),
                        self.max_array_items
                    );
                    return Some((here(path), why));
                }
                items.iter().enumerate().find_map(|(i, item)| {
                    path.push(format!("[{i}]"));
                    let found = self.walk(item, path);
                    path.pop();
                    found
                })
            }
            Value::Object(map) => map.iter().find_map(|(key, item)| {
                path.push(key.clone());
                let found = self.walk(item, path);
                path.pop();
                found
            }),
            _ => None,
        }
    }
}

/// Characters in every text value of `value`, together.
fn text_chars(value: &Value) -> usize {
    match value {
        Value::String(s) => s.chars().count(),
        Value::Array(items) => items.iter().map(text_chars).sum(),
        Value::Object(map) => map.values().map(text_chars).sum(),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_value_over_a_limit_is_named_by_its_path() {
        let limits = Limits { max_string_chars: 10, max_array_items: 2, max_case_chars: 1000 };
        let long = format!(r#"{{"child": {{"first_name": "{}"}}}}"#, "x".repeat(11));
        assert_eq!(limits.check(&long).unwrap().0, "child.first_name");
        let many = r#"{"offences": [{"a": 1}, {"a": 2}, {"a": 3}], "padding": "......................"}"#;
        let (path, why) = limits.check(many).unwrap();
        assert_eq!(path, "offences");
        assert!(why.starts_with("3 items: expected at most 2"), "{why}");
        let nested = r#"{"offences": [{"description": "abcdefghijkl"}], "p": "........................"}"#;
        assert_eq!(limits.check(nested).unwrap().0, "offences[0].description");
        assert!(limits.check(r#"{"a": "short"}"#).is_none());
    }

    #[test]
    fn values_each_within_their_limit_can_still_be_too_much_together() {
        let limits = Limits { max_string_chars: 10, max_array_items: 5, max_case_chars: 30 };
        let within = r#"{"offences": [{"d": "aaaaaaaaaa"}, {"d": "bbbbbbbbbb"}, {"d": "cccccccccc"}]}"#;
        assert!(limits.check(within).is_none(), "30 characters in all");
        let over =
            r#"{"offences": [{"d": "aaaaaaaaaa"}, {"d": "bbbbbbbbbb"}, {"d": "cccccccccc"}, {"d": "d"}]}"#;
        let (path, why) = limits.check(over).unwrap();
        assert_eq!(path, "");
        assert!(why.starts_with("the case holds 31 characters of text in all: expected at most 30"), "{why}");
        assert!(why.contains("limits.max_case_chars"), "{why}");
    }
}
