//! What changed between two versions of a document, section by section and
//! field by field as the editor shows them, with a word-level diff of each
//! changed field (`similar`). Pure: the page escapes and marks it up.

use serde::Serialize;
use serde_json::Value;
use similar::{ChangeTag, TextDiff};

use super::edit;
use super::forms::{Field, Input, Section};
use crate::documents::DocumentKind;

/// A run of words: kept, removed or added.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Piece {
    /// `same`, `removed` or `added`.
    pub tag: &'static str,
    /// The words (with their spacing).
    pub text: String,
}

/// One field that changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    /// Its label, as the editor shows it (for a row's cell: the table, the
    /// row's number and the column).
    pub label: String,
    /// The field before and after, as runs of words.
    pub pieces: Vec<Piece>,
    /// Words removed and added, counted.
    pub removed: usize,
    /// Words added.
    pub added: usize,
}

/// One section of the document's form, with the fields that changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SectionChange {
    /// Its slug (the editor's address).
    pub slug: &'static str,
    /// Its heading.
    pub title: &'static str,
    /// The fields that changed, in the form's order (empty: unchanged).
    pub fields: Vec<FieldChange>,
}

/// Every section of `kind`'s form, with what changed in it from `then` to
/// `now` (the case JSON of two versions).
pub fn changes(sections: &[Section], then: &Value, now: &Value) -> Vec<SectionChange> {
    sections
        .iter()
        .map(|section| {
            let (before, after) = (edit::values(then, section), edit::values(now, section));
            let fields = labelled(section, &before, &after)
                .into_iter()
                .filter_map(|(label, name, input)| {
                    let old = words_of(before.get(&name).map(String::as_str).unwrap_or(""), input);
                    let new = words_of(after.get(&name).map(String::as_str).unwrap_or(""), input);
                    (old != new).then(|| diff(label, &old, &new))
                })
                .collect();
            SectionChange { slug: section.slug, title: section.title, fields }
        })
        .collect()
}

/// The sections of `kind` with what changed.
pub fn of_kind(kind: DocumentKind, then: &Value, now: &Value) -> Vec<SectionChange> {
    changes(super::forms::sections(kind), then, now)
}

/// Every field name of the section on either side, with its label and
/// input, in the form's order (rows: as many as either side has).
fn labelled(section: &Section, before: &edit::Values, after: &edit::Values) -> Vec<(String, String, Input)> {
    let mut out = Vec::new();
    for field in section.fields {
        match field.input {
            Input::Rows(columns) => {
                let rows = |values: &edit::Values| {
                    let prefix = format!("{}[", field.path);
                    values
                        .keys()
                        .filter_map(|k| k.strip_prefix(&prefix)?.split(']').next()?.parse::<usize>().ok())
                        .map(|i| i + 1)
                        .max()
                        .unwrap_or(0)
                };
                for i in 0..rows(before).max(rows(after)) {
                    for col in columns {
                        out.push((
                            row_label(field, i, col),
                            format!("{}[{i}].{}", field.path, col.path),
                            col.input,
                        ));
                    }
                }
            }
            input => out.push((field.label.to_owned(), field.path.to_owned(), input)),
        }
    }
    out
}

fn row_label(field: &Field, i: usize, col: &Field) -> String {
    format!("{}, row {}: {}", field.label, i + 1, col.label)
}

/// A field's value in the words a writer reads: a choice by its label, a
/// box by yes or no.
fn words_of(value: &str, input: Input) -> String {
    match input {
        Input::Choice(_) | Input::Disposal => {
            input.options().iter().find(|(v, _)| *v == value).map_or(value, |(_, words)| words).to_owned()
        }
        Input::Check if value.is_empty() => "No".into(),
        Input::Check => "Yes".into(),
        _ => value.to_owned(),
    }
}

/// The word-level diff of one field, in runs. Changed words with only
/// spacing kept between them make one region, shown as one removal then
/// one addition, so that a rewritten sentence reads as a sentence rather
/// than word against word.
fn diff(label: String, old: &str, new: &str) -> FieldChange {
    let text = TextDiff::from_words(old, new);
    let mut pieces: Vec<Piece> = Vec::new();
    let (mut removed, mut added) = (0, 0);
    let (mut gone, mut came, mut space) = (String::new(), String::new(), String::new());
    let same = |pieces: &mut Vec<Piece>, text: &str| match pieces.last_mut() {
        Some(last) if last.tag == "same" => last.text.push_str(text),
        _ => pieces.push(Piece { tag: "same", text: text.to_owned() }),
    };
    // A run's spacing at either end stays outside its mark.
    let flush = |pieces: &mut Vec<Piece>, gone: &mut String, came: &mut String| {
        for (tag, run) in [("removed", gone), ("added", came)] {
            let text = std::mem::take(run);
            let words = text.trim();
            if words.is_empty() {
                same(pieces, &text);
                continue;
            }
            let start = text.len() - text.trim_start().len();
            same(pieces, &text[..start]);
            pieces.push(Piece { tag, text: words.to_owned() });
            same(pieces, &text[start + words.len()..]);
        }
    };
    for change in text.iter_all_changes() {
        let value = change.value();
        let blank = value.trim().is_empty();
        let in_region = !gone.is_empty() || !came.is_empty();
        match change.tag() {
            ChangeTag::Equal if blank && in_region => space.push_str(value),
            ChangeTag::Equal => {
                flush(&mut pieces, &mut gone, &mut came);
                same(&mut pieces, &std::mem::take(&mut space));
                same(&mut pieces, value);
            }
            tag => {
                // Spacing both sides kept inside a region belongs to each side's words.
                for side in [&mut gone, &mut came] {
                    if !side.is_empty() {
                        side.push_str(&space);
                    }
                }
                space.clear();
                let (side, count) = if tag == ChangeTag::Delete {
                    (&mut gone, &mut removed)
                } else {
                    (&mut came, &mut added)
                };
                side.push_str(value);
                *count += usize::from(!blank);
            }
        }
    }
    flush(&mut pieces, &mut gone, &mut came);
    same(&mut pieces, &space);
    pieces.retain(|p| !p.text.is_empty());
    FieldChange { label, pieces, removed, added }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn shown(change: &FieldChange) -> String {
        change
            .pieces
            .iter()
            .map(|p| match p.tag {
                "removed" => format!("[-{}-]", p.text),
                "added" => format!("{{+{}+}}", p.text),
                _ => p.text.clone(),
            })
            .collect()
    }

    #[test]
    fn a_changed_field_shows_its_words_removed_and_added_and_the_rest_is_unchanged() {
        let then = json!({"psr": {"offence_analysis": {"seriousness": "Jay took a phone. His offending is entrenched."}, "introduction": "Same."}});
        let now = json!({"psr": {"offence_analysis": {"seriousness": "Jay took a phone. He accepts what he did."}, "introduction": "Same."}});
        let sections = of_kind(DocumentKind::Psr, &then, &now);
        let changed: Vec<_> = sections.iter().filter(|s| !s.fields.is_empty()).collect();
        assert_eq!(changed.len(), 1);
        assert_eq!(changed[0].slug, "offence");
        let field = &changed[0].fields[0];
        assert!(field.label.starts_with("Seriousness"));
        assert_eq!(
            shown(field),
            "Jay took a phone. [-His offending is entrenched.-]{+He accepts what he did.+}"
        );
        assert_eq!((field.removed, field.added), (4, 5));
    }

    #[test]
    fn words_added_at_the_end_are_marked_without_the_space_before_them() {
        let then = json!({"psr": {"introduction": "One."}});
        let now = json!({"psr": {"introduction": "One. Two."}});
        let about = &of_kind(DocumentKind::Psr, &then, &now)[0];
        assert_eq!(shown(&about.fields[0]), "One. {+Two.+}");
    }

    #[test]
    fn choices_and_boxes_read_as_their_words() {
        let then = json!({"psr": {"report_type": "all_options", "custody_strong_possibility": true}});
        let now = json!({"psr": {"report_type": "specific_sentence"}});
        let about = &of_kind(DocumentKind::Psr, &then, &now)[0];
        let text: Vec<String> = about.fields.iter().map(|f| format!("{}: {}", f.label, shown(f))).collect();
        assert_eq!(
            text,
            [
                "Report type: [-All sentencing options-]{+A specific sentence+}",
                "Custody is a strong possibility: [-Yes-]{+No+}"
            ]
        );
    }

    #[test]
    fn nothing_changed_is_every_section_empty() {
        let case = json!({"psr": {"introduction": "Words."}});
        assert!(of_kind(DocumentKind::Psr, &case, &case).iter().all(|s| s.fields.is_empty()));
    }
}
