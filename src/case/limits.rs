//! Limits on case text, checked at load time: one enormous value (a
//! megabyte pasted into a name, a narrative of 50 MB) would otherwise take
//! gigabytes to typeset, or the whole process down. A case over a limit
//! fails alone, naming the field and the limit.

use serde::{Deserialize, Serialize};

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
    ///
    /// The text is read as it streams past, never built into a tree: every
    /// save in the workspace passes through here, and a tree of a long PSR
    /// cost as much as the typed parse that follows.
    pub fn check(&self, text: &str) -> Option<(String, String)> {
        // A text value of N characters takes at least N bytes, so a case
        // shorter than the smaller text limit cannot break either; a list
        // of N items takes at least 2N - 1 bytes.
        if text.len() <= self.max_string_chars.min(self.max_case_chars)
            && text.len() < 2 * self.max_array_items
        {
            return None;
        }
        let mut scan = Scan { limits: self, path: Vec::new(), total: 0, found: None };
        let mut reader = serde_json::Deserializer::from_str(text);
        let read = serde::de::DeserializeSeed::deserialize(&mut scan, &mut reader);
        if let Some(found) = scan.found {
            return Some(found);
        }
        read.ok()?;
        (scan.total > self.max_case_chars).then(|| {
            let why = format!(
                "the case holds {} characters of text in all: expected at most {} (limits.max_case_chars in casepress.toml); a case this size would take gigabytes of memory to render, so it is not rendered",
                scan.total, self.max_case_chars
            );
            (String::new(), why)
        })
    }
}

/// The state of one check: where the reader is, the text so far, and the
/// first value over a limit (the read stops there).
struct Scan<'a> {
    limits: &'a Limits,
    path: Vec<String>,
    total: usize,
    found: Option<(String, String)>,
}

impl Scan<'_> {
    fn here(&self) -> String {
        self.path.join(".").replace(".[", "[")
    }

    /// Notes the first value over a limit and stops the read.
    fn over<E: serde::de::Error>(&mut self, why: String) -> Result<(), E> {
        self.found = Some((self.here(), why));
        Err(E::custom("over a limit"))
    }
}

impl<'de> serde::de::DeserializeSeed<'de> for &mut Scan<'_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, reader: D) -> Result<(), D::Error> {
        reader.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for &mut Scan<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<(), E> {
        let chars = s.chars().count();
        self.total += chars;
        if chars > self.limits.max_string_chars {
            let why = format!(
                "{chars} characters: expected at most {} (limits.max_string_chars in casepress.toml)",
                self.limits.max_string_chars
            );
            return self.over(why);
        }
        Ok(())
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }

    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }

    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut items: A) -> Result<(), A::Error> {
        let mut i = 0;
        loop {
            if i == self.limits.max_array_items {
                // One more item is one too many; its text is not needed.
                if items.next_element::<serde::de::IgnoredAny>()?.is_some() {
                    let mut n = i + 1;
                    while items.next_element::<serde::de::IgnoredAny>()?.is_some() {
                        n += 1;
                    }
                    let why = format!(
                        "{n} items: expected at most {} (limits.max_array_items in casepress.toml)",
                        self.limits.max_array_items
                    );
                    return self.over(why);
                }
                return Ok(());
            }
            self.path.push(format!("[{i}]"));
            let more = items.next_element_seed(&mut *self)?;
            self.path.pop();
            if more.is_none() {
                return Ok(());
            }
            i += 1;
        }
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            self.path.push(key);
            map.next_value_seed(&mut *self)?;
            self.path.pop();
        }
        Ok(())
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
