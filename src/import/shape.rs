//! What a case field holds, read from the case format's own JSON Schema, so
//! that a mapping names only a field and the import knows to read a date,
//! a number, a yes/no or one of a set of codes there.

use serde_json::{Map, Value};

/// The kind of value at a field.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// Free text.
    Text,
    /// A calendar date, written `YYYY-MM-DD`.
    Date,
    /// A whole number in a range.
    Whole {
        /// The least allowed.
        min: i64,
        /// The most allowed.
        max: i64,
    },
    /// Yes or no.
    YesNo,
    /// One of these codes.
    Code(Vec<String>),
    /// One of these numbers.
    Number(Vec<i64>),
    /// A list of these.
    List(Box<Shape>),
    /// An object with these fields (name, shape, required).
    Object(Vec<(String, Shape, bool)>),
}

impl Shape {
    /// The shape of the case format at its root.
    pub fn of_case() -> Shape {
        let schema = crate::case::json_schema();
        let defs = schema.get("$defs").and_then(Value::as_object).cloned().unwrap_or_default();
        read(&schema, &defs, 0)
    }

    /// The shape at a dotted path (`child.date_of_birth`); a list's items are
    /// entered by name (`offences.victims` is the victims of an offence).
    pub fn at(&self, path: &str) -> Option<&Shape> {
        path.split('.').try_fold(self, |shape, name| shape.field(name))
    }

    fn field(&self, name: &str) -> Option<&Shape> {
        match self {
            Shape::Object(fields) => fields.iter().find(|(n, _, _)| n == name).map(|(_, s, _)| s),
            Shape::List(item) => item.field(name),
            _ => None,
        }
    }

    /// Where a path comes in the case format, as a sort key: files are
    /// written in the format's order, whatever the mapping's.
    pub fn order(&self, path: &str) -> Vec<usize> {
        let mut at = self;
        let mut out = Vec::new();
        for name in path.split('.') {
            let fields = match at {
                Shape::Object(f) => f,
                Shape::List(item) => match &**item {
                    Shape::Object(f) => f,
                    _ => break,
                },
                _ => break,
            };
            match fields.iter().position(|(n, _, _)| n == name) {
                Some(i) => {
                    out.push(i);
                    at = &fields[i].1;
                }
                None => break,
            }
        }
        out
    }

    /// What a person reads as the expected form of the value.
    pub fn expected(&self) -> String {
        match self {
            Shape::Text => "text".into(),
            Shape::Date => "a date as dd/mm/yyyy, yyyy-mm-dd or an Excel date".into(),
            Shape::Whole { min, max } => format!("a whole number from {min} to {max}"),
            Shape::YesNo => "yes or no".into(),
            Shape::Code(codes) => format!("one of {}", codes.join(", ")),
            Shape::Number(n) => {
                format!("one of {}", n.iter().map(i64::to_string).collect::<Vec<_>>().join(", "))
            }
            Shape::List(item) => format!("a list of {}", item.expected()),
            Shape::Object(_) => "a group of fields".into(),
        }
    }
}

/// Reads one schema node. Depth-limited against a schema that refers to itself.
fn read(node: &Value, defs: &Map<String, Value>, depth: usize) -> Shape {
    if depth > 16 {
        return Shape::Text;
    }
    let node = resolve(node, defs);
    // An optional value: `anyOf: [X, null]`.
    if let Some(any) = node.get("anyOf").and_then(Value::as_array)
        && let Some(some) = any.iter().find(|v| v.get("type").and_then(Value::as_str) != Some("null"))
    {
        return read(some, defs, depth + 1);
    }
    if let Some(one) = node.get("oneOf").and_then(Value::as_array) {
        let codes: Vec<String> =
            one.iter().filter_map(|v| resolve(v, defs).get("const")?.as_str().map(str::to_owned)).collect();
        if !codes.is_empty() {
            return Shape::Code(codes);
        }
    }
    if let Some(values) = node.get("enum").and_then(Value::as_array) {
        let numbers: Vec<i64> = values.iter().filter_map(Value::as_i64).collect();
        if numbers.len() == values.len() {
            return Shape::Number(numbers);
        }
        return Shape::Code(values.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect());
    }
    let kind = match node.get("type") {
        Some(Value::String(t)) => t.as_str(),
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).find(|t| *t != "null").unwrap_or(""),
        _ => "",
    };
    match kind {
        "string" if node.get("format").and_then(Value::as_str) == Some("date") => Shape::Date,
        "integer" => Shape::Whole {
            min: node.get("minimum").and_then(Value::as_i64).unwrap_or(i64::MIN),
            max: node.get("maximum").and_then(Value::as_i64).unwrap_or(i64::MAX),
        },
        "boolean" => Shape::YesNo,
        "array" => Shape::List(Box::new(node.get("items").map_or(Shape::Text, |i| read(i, defs, depth + 1)))),
        "object" => {
            let required: Vec<&str> = node
                .get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let fields = node
                .get("properties")
                .and_then(Value::as_object)
                .map(|props| {
                    props
                        .iter()
                        .map(|(name, p)| {
                            (name.clone(), read(p, defs, depth + 1), required.contains(&name.as_str()))
                        })
                        .collect()
                })
                .unwrap_or_default();
            Shape::Object(fields)
        }
        _ => Shape::Text,
    }
}

/// Follows `$ref` to `#/$defs/Name`.
fn resolve<'a>(node: &'a Value, defs: &'a Map<String, Value>) -> &'a Value {
    match node.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/$defs/")) {
        Some(name) => defs.get(name).unwrap_or(node),
        None => node,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_case_format_says_what_each_field_holds() {
        let case = Shape::of_case();
        assert_eq!(case.at("child.date_of_birth"), Some(&Shape::Date));
        assert_eq!(case.at("child.first_name"), Some(&Shape::Text));
        assert_eq!(case.at("assessment.asset_score"), Some(&Shape::Whole { min: 0, max: 64 }));
        assert!(
            matches!(case.at("order.type"), Some(Shape::Code(c)) if c.contains(&"referral_order".to_owned()))
        );
        assert!(
            matches!(case.at("assessment.reoffending"), Some(Shape::Code(c)) if c.contains(&"very_high".to_owned()))
        );
        assert_eq!(case.at("mappa.category"), Some(&Shape::Number(vec![1, 2, 3])));
        assert_eq!(case.at("offences.specified"), Some(&Shape::YesNo));
        assert_eq!(case.at("offences.victims.age"), Some(&Shape::Whole { min: 0, max: 255 }));
        assert_eq!(case.at("risk_meetings"), Some(&Shape::List(Box::new(Shape::Date))));
        assert_eq!(case.at("child.address"), Some(&Shape::List(Box::new(Shape::Text))));
        assert!(matches!(case.at("offences"), Some(Shape::List(item)) if matches!(**item, Shape::Object(_))));
        assert_eq!(case.at("child.no_such_field"), None);
    }
}
