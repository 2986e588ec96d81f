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
}

impl Default for Limits {
    fn default() -> Self {
        Self { max_string_chars: 50_000, max_array_items: 500 }
    }
}

impl Limits {
    /// The first value of the case `text` over a limit: its JSON path and
    /// what is wrong. `None` when all is within limits, or when the text is
    /// not JSON (the typed parse says why).
    pub fn check(&self, text: &str) -> Option<(String, String)> {
        // A string of N characters takes at least N bytes, a list of N items
        // at least 2N - 1: a short case cannot break a limit.
        if text.len() <= self.max_string_chars && text.len() < 2 * self.max_array_items {
            return None;
        }
        let value: Value = serde_json::from_str(text).ok()?;
        self.walk(&value, &mut Vec::new())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_value_over_a_limit_is_named_by_its_path() {
        let limits = Limits { max_string_chars: 10, max_array_items: 2 };
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
}
