//! A re-import, fact by fact, against what the last import brought in (the
//! base): a fact the writer has not touched takes the case system's new
//! value; a fact the case system has not changed keeps the writer's; a fact
//! changed in both places, differently, is a conflict that keeps the
//! writer's value, is reported, and stays a conflict until a person makes
//! them agree. Nothing outside the mapped facts is ever touched.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Map, Value};

use super::build::{get, remove, set};

/// A fact that changed in the case file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// The case field.
    pub path: String,
    /// What the case file had (absent: `None`).
    pub old: Option<Value>,
    /// What it has now.
    pub new: Option<Value>,
}

/// A fact changed both in casepress and in the case system.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Conflict {
    /// The case field.
    pub path: String,
    /// In the case file (kept).
    pub casepress: Option<Value>,
    /// In the case system now.
    pub case_system: Option<Value>,
    /// What the last import brought in, if there was one.
    pub last_import: Option<Value>,
}

/// What the merge did to one case.
#[derive(Debug, Default)]
pub struct Merged {
    /// Facts changed in the case file.
    pub changes: Vec<Change>,
    /// Facts left for a person.
    pub conflicts: Vec<Conflict>,
    /// The base for the next import.
    pub base: BTreeMap<String, Value>,
}

/// Absent, `null` and an empty list are all "nothing recorded".
fn recorded(v: Option<&Value>) -> Option<Value> {
    match v {
        None | Some(Value::Null) => None,
        Some(Value::Array(a)) if a.is_empty() => None,
        Some(v) => Some(v.clone()),
    }
}

/// Merges the case system's `facts` into `case` (the case file's JSON),
/// against `base` (the facts of the last import of this case, if any).
pub fn merge(
    case: &mut Map<String, Value>,
    facts: &BTreeMap<String, Value>,
    base: Option<&BTreeMap<String, Value>>,
) -> Merged {
    let mut out = Merged::default();
    for (path, theirs) in facts {
        let theirs = recorded(Some(theirs));
        let ours = recorded(get(case, path));
        let last = base.map(|b| recorded(b.get(path)));
        let take = match &last {
            Some(last) if ours == *last => true,
            Some(last) if theirs == *last || ours == theirs => false,
            None if ours == theirs => false,
            // A field the case file never had is the case system's to fill.
            None if ours.is_none() => true,
            _ => {
                out.conflicts.push(Conflict {
                    path: path.clone(),
                    casepress: ours,
                    case_system: theirs,
                    last_import: last.clone().flatten(),
                });
                // The old base is kept, so the conflict stays until resolved.
                if let Some(Some(v)) = last {
                    out.base.insert(path.clone(), v);
                }
                continue;
            }
        };
        if take && ours != theirs {
            match &theirs {
                Some(v) => set(case, path, v.clone()),
                None => remove(case, path),
            }
            out.changes.push(Change { path: path.clone(), old: ours, new: theirs.clone() });
        }
        if let Some(v) = theirs {
            out.base.insert(path.clone(), v);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn facts(v: Value) -> BTreeMap<String, Value> {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn each_fact_goes_to_whoever_changed_it_and_both_is_a_conflict() {
        let mut case = json!({
            "team": "North Team",
            "court": {"name": "Northfield Youth Court", "hearing_date": "2026-12-08"},
            "child": {"last_name": "Whitfield", "pnc_id": "26/1X"},
            "psr": {"introduction": "Written by the case manager."}
        });
        let base = facts(json!({
            "team": "North Team",
            "court.hearing_date": "2026-12-08",
            "child.last_name": "Whitfeld",
            "child.pnc_id": "26/1X",
            "court.name": "Northfield Youth Court"
        }));
        let now = facts(json!({
            "team": "South Team",
            "court.hearing_date": "2026-12-08",
            "child.last_name": "Whitfield-Jones",
            "child.pnc_id": null,
            "court.name": "Northfield Youth Court",
            "court.reference": "NF-1"
        }));
        let merged = merge(case.as_object_mut().unwrap(), &now, Some(&base));
        let changed: Vec<&str> = merged.changes.iter().map(|c| c.path.as_str()).collect();
        assert_eq!(changed, ["child.pnc_id", "court.reference", "team"]);
        assert_eq!(merged.conflicts.len(), 1);
        let conflict = &merged.conflicts[0];
        assert_eq!(conflict.path, "child.last_name");
        assert_eq!(conflict.casepress, Some(json!("Whitfield")));
        assert_eq!(conflict.case_system, Some(json!("Whitfield-Jones")));
        assert_eq!(conflict.last_import, Some(json!("Whitfeld")));
        assert_eq!(case["child"]["last_name"], "Whitfield", "the writer's value is kept");
        assert_eq!(case["team"], "South Team");
        assert!(case["child"].get("pnc_id").is_none(), "cleared in the case system, untouched here: cleared");
        assert_eq!(case["psr"]["introduction"], "Written by the case manager.");
        assert_eq!(merged.base["child.last_name"], "Whitfeld", "a conflict keeps its old base");
        // The same import again changes nothing and still reports the conflict.
        let again = merge(case.as_object_mut().unwrap(), &now, Some(&merged.base));
        assert!(again.changes.is_empty());
        assert_eq!(again.conflicts.len(), 1);
    }

    #[test]
    fn without_a_base_only_empty_fields_are_filled() {
        let mut case = json!({"team": "North Team"});
        let now = facts(json!({"team": "South Team", "court.name": "Northfield Youth Court"}));
        let merged = merge(case.as_object_mut().unwrap(), &now, None);
        assert_eq!(merged.changes.len(), 1);
        assert_eq!(merged.conflicts.len(), 1, "a hand-written value that differs is left for a person");
        assert!(!merged.base.contains_key("team"));
    }
}
