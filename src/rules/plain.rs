//! Plain words in what a child reads: the writer's own text in the child's
//! plan and agreement, at a Flesch–Kincaid grade of 6 or below (a reading
//! age of about 11) and without professionals' jargon. Derbyshire practice
//! guidance §4.2: "Ensure targets are written in young-person friendly
//! language and are not too long."

use crate::case::Case;

/// Professionals' words a child should not meet, with a plain alternative
/// where one is known. Acronyms match in capitals only.
const JARGON: &[(&str, Option<&str>)] = &[
    ("MAPPA", None),
    ("PPRC", None),
    ("ROSH", None),
    ("ROTL", Some("time out of custody, with permission")),
    ("release on temporary licence", Some("time out of custody, with permission")),
    ("Scaled Approach", None),
    ("ASSET score", None),
    ("reparation", Some("work to put things right")),
    ("compliance", Some("keeping to the rules")),
    ("ETE", Some("school, college or work")),
    ("ISS", Some("your extra time with us each week")),
    ("CAMHS", Some("the mental health team for young people")),
    ("SENCo", Some("the teacher who helps with learning needs")),
    ("safeguarding lead", Some("the person at school who keeps pupils safe")),
    ("pathway plan", None),
    ("notice of supervision", Some("your rules after you leave")),
    ("final custody review", Some("your last review before you leave")),
    ("independent reviewing officer", None),
    ("Risk and Vulnerability Management", Some("a meeting to check you are safe")),
];

/// The professionals' words in `text`, as the list spells them.
pub fn jargon(text: &str) -> Vec<&'static str> {
    JARGON.iter().filter(|(word, _)| contains_word(text, word)).map(|(word, _)| *word).collect()
}

/// The fields a child reads that the writer types, by their path with row
/// numbers left out (`intervention_plan.targets.target`): the workspace
/// flags them beside the field.
const CHILD_FACING: &[&str] = &[
    "intervention_plan.going_well",
    "intervention_plan.targets.target",
    "intervention_plan.targets.actions",
    "intervention_plan.targets.who",
    "intervention_plan.targets.progress",
    "intervention_plan.keep_safe",
    "intervention_plan.make_it_easier",
    "intervention_plan.restorative",
    "intervention_plan.other_agencies.work",
    "intervention_plan.exit_plan.what_worked",
    "intervention_plan.exit_plan.after",
    "service_agreement.service_commitments",
    "service_agreement.young_person_commitments",
    "service_agreement.parent_commitments",
];

/// Whether the field at `path` (`intervention_plan.targets[0].target`) is
/// one a child reads that the writer types.
pub fn child_facing_field(path: &str) -> bool {
    let mut bare = String::with_capacity(path.len());
    let mut in_index = false;
    for c in path.chars() {
        match c {
            '[' => in_index = true,
            ']' => in_index = false,
            c if !in_index => bare.push(c),
            _ => {}
        }
    }
    CHILD_FACING.contains(&bare.as_str())
}

/// The grade above which a child's paper is too hard.
pub const MAX_GRADE: f64 = 6.0;

/// One field a child reads that is too hard, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct HardText {
    /// Where, as a JSON path: `intervention_plan.targets[0].actions`.
    pub field: String,
    /// What to change.
    pub message: String,
}

/// Every child-facing field of `case` that reads above grade 6, holds
/// jargon, names the child instead of speaking to them, or (a goal) is not
/// in the child's own voice.
pub fn hard_text(case: &Case) -> Vec<HardText> {
    let fields = child_facing(case);
    let names = child_names(case);
    let mut out: Vec<HardText> = fields
        .iter()
        .flat_map(|(field, text)| {
            let mut messages = problems(text);
            if let Some(name) = names.iter().find(|n| contains_exact(text, n)) {
                messages.push(format!("names {name}: speak to the child, \"you\" (or \"I\" in a goal)"));
            }
            messages.into_iter().map(move |message| HardText { field: field.clone(), message })
        })
        .collect();
    // Without "what's going well", the plan prints the case's strengths,
    // written for the court: one finding, on the field to write instead.
    let plan_printed = case.intervention_plan.as_ref().is_some_and(|p| p.going_well.is_empty());
    if plan_printed && case.strengths.iter().any(|s| !problems(s).is_empty()) {
        out.push(HardText {
            field: "intervention_plan.going_well".into(),
            message: "empty, so the plan prints the case's strengths, written for the court: write what's going well in the child's words".into(),
        });
    }
    for (i, t) in case.intervention_plan.iter().flat_map(|p| p.targets.iter().enumerate()) {
        if !first_person(&t.target) {
            out.push(HardText {
                field: format!("intervention_plan.targets[{i}].target"),
                message: "a goal in the child's voice: \"I will …\"".into(),
            });
        }
    }
    out
}

/// A goal the child says: "I will …", "I'll …", "I want …".
fn first_person(goal: &str) -> bool {
    let goal = goal.trim_start();
    goal.starts_with("I ") || goal.starts_with("I'") || goal.starts_with("I\u{2019}")
}

/// The child's names as a paper might print them: given, preferred.
fn child_names(case: &Case) -> Vec<&str> {
    let c = &case.child;
    let mut names: Vec<&str> = c.first_name.split_whitespace().collect();
    names.extend(c.preferred_name.as_deref());
    names.retain(|n| n.chars().count() > 1);
    names
}

/// Every field a child reads that the writer typed, by its JSON path.
fn child_facing(case: &Case) -> Vec<(String, &str)> {
    let mut fields: Vec<(String, &str)> = Vec::new();
    if let Some(p) = &case.intervention_plan {
        for (i, v) in p.going_well.iter().enumerate() {
            fields.push((format!("intervention_plan.going_well[{i}]"), v));
        }
        for (i, t) in p.targets.iter().enumerate() {
            fields.push((format!("intervention_plan.targets[{i}].target"), &t.target));
            for (name, v) in [("actions", &t.actions), ("who", &t.who), ("progress", &t.progress)] {
                if let Some(v) = v {
                    fields.push((format!("intervention_plan.targets[{i}].{name}"), v));
                }
            }
        }
        for (i, v) in p.keep_safe.iter().enumerate() {
            fields.push((format!("intervention_plan.keep_safe[{i}]"), v));
        }
        for (name, v) in [("make_it_easier", &p.make_it_easier), ("restorative", &p.restorative)] {
            if let Some(v) = v {
                fields.push((format!("intervention_plan.{name}"), v));
            }
        }
        for (i, a) in p.other_agencies.iter().enumerate() {
            fields.push((format!("intervention_plan.other_agencies[{i}].work"), &a.work));
        }
        if let Some(e) = &p.exit_plan {
            for (i, v) in e.what_worked.iter().enumerate() {
                fields.push((format!("intervention_plan.exit_plan.what_worked[{i}]"), v));
            }
            if let Some(v) = &e.after {
                fields.push(("intervention_plan.exit_plan.after".into(), v));
            }
        }
    }
    if let Some(a) = &case.service_agreement {
        for (name, list) in [
            ("service_commitments", &a.service_commitments),
            ("young_person_commitments", &a.young_person_commitments),
            ("parent_commitments", &a.parent_commitments),
        ] {
            for (i, v) in list.iter().enumerate() {
                fields.push((format!("service_agreement.{name}[{i}]"), v));
            }
        }
    }
    fields
}

/// What is hard about `text`: each jargon word (with its plain
/// alternative), and a grade above 6.
pub fn problems(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (word, plain) in JARGON {
        if contains_word(text, word) {
            out.push(match plain {
                Some(p) => format!("\"{word}\" is a professionals' word: say \"{p}\""),
                None => format!("\"{word}\" is a professionals' word: say what it means for the child"),
            });
        }
    }
    if text.split_whitespace().count() >= 8 {
        let g = grade(text);
        if g > MAX_GRADE {
            out.push(format!("reads at grade {g:.1}: shorter sentences and words, for grade 6 or below"));
        }
    }
    out
}

fn contains_word(text: &str, word: &str) -> bool {
    let acronym = word.chars().all(|c| c.is_ascii_uppercase());
    if acronym {
        contains_exact(text, word)
    } else {
        contains_exact(&text.to_lowercase(), &word.to_lowercase())
    }
}

/// `needle` as a whole word of `hay`, letter case and all (a name: "Will"
/// is not "will").
fn contains_exact(hay: &str, needle: &str) -> bool {
    hay.match_indices(needle).any(|(i, _)| {
        let before = hay[..i].chars().next_back().is_none_or(|c| !c.is_alphanumeric());
        let after = hay[i + needle.len()..].chars().next().is_none_or(|c| !c.is_alphanumeric());
        before && after
    })
}

/// Syllables in a word, by vowel groups (a silent final "e" does not count).
pub fn syllables(word: &str) -> usize {
    let w: Vec<char> = word.to_lowercase().chars().filter(|c| c.is_ascii_alphabetic()).collect();
    if w.is_empty() {
        return 0;
    }
    let vowel = |c: char| "aeiouy".contains(c);
    let mut count = 0;
    let mut previous = false;
    for &c in &w {
        let v = vowel(c);
        if v && !previous {
            count += 1;
        }
        previous = v;
    }
    let n = w.len();
    let silent_e = n > 2 && w[n - 1] == 'e' && !vowel(w[n - 2]);
    let consonant_le = n > 2 && w[n - 2] == 'l' && !vowel(w[n - 3]);
    if silent_e && !consonant_le {
        count -= 1;
    }
    count.max(1)
}

/// The Flesch–Kincaid grade of a text: its sentences end at . ? ! ; or a line.
pub fn grade(text: &str) -> f64 {
    let sentences = text
        .split(['.', '?', '!', ';', '\n'])
        .filter(|s| s.split_whitespace().next().is_some())
        .count()
        .max(1);
    let words: Vec<&str> = text.split_whitespace().filter(|w| w.chars().any(char::is_alphabetic)).collect();
    let syllables: usize = words.iter().map(|w| syllables(w)).sum();
    let n = words.len().max(1) as f64;
    0.39 * n / sentences as f64 + 11.8 * syllables as f64 / n - 15.59
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jargon_is_named_with_its_plain_alternative_where_known() {
        let p = problems("Your MAPPA level 2 meeting. Then reparation at the park.");
        assert_eq!(p.len(), 2, "{p:?}");
        assert!(p[0].starts_with("\"MAPPA\" is a professionals' word: say what it means"), "{p:?}");
        assert!(p[1].contains("say \"work to put things right\""), "{p:?}");
        assert!(problems("We will meet at the setter's house.").is_empty(), "ETE inside a word is not ETE");
    }

    fn case(plan: &str) -> Case {
        let json = format!(
            r#"{{"schema": "casepress/case/v1", "case_id": "T-1", "team": "North",
              "child": {{"first_name": "Will", "last_name": "Lee", "date_of_birth": "2010-03-21"}},
              "case_manager": {{"name": "Ann Case"}}, "intervention_plan": {plan}}}"#
        );
        let loaded = crate::case::parse_bytes(json.as_bytes(), std::path::Path::new("t.json")).remove(0);
        loaded.map(|l| l.case).map_err(|e| e.to_string()).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn a_goal_is_in_the_childs_voice_and_the_paper_speaks_to_the_child() {
        let found = hard_text(&case(
            r#"{"targets": [{"target": "Understand the impact on the victim"}, {"target": "I will go to school"}],
                "keep_safe": ["Will's mum will know where he is", "We will meet at home"]}"#,
        ));
        let fields: Vec<(&str, &str)> =
            found.iter().map(|h| (h.field.as_str(), h.message.as_str())).collect();
        assert_eq!(
            fields,
            [
                (
                    "intervention_plan.keep_safe[0]",
                    "names Will: speak to the child, \"you\" (or \"I\" in a goal)"
                ),
                ("intervention_plan.targets[0].target", "a goal in the child's voice: \"I will …\""),
            ],
            "\"we will\" is not Will; \"I will\" is the child's voice"
        );
    }

    #[test]
    fn every_field_hard_text_reads_is_flagged_in_the_workspace() {
        let case = case(
            r#"{"going_well": ["a"], "targets": [{"target": "t", "actions": "a", "progress": "p"}], "keep_safe": ["k"],
                "make_it_easier": "m", "restorative": "r", "other_agencies": [{"agency": "x", "work": "w"}],
                "exit_plan": {"date": "2026-01-01", "what_worked": ["w"], "after": "a"}}"#,
        );
        let fields = child_facing(&case);
        assert_eq!(fields.len(), 10, "{fields:?}");
        for (path, _) in fields {
            assert!(child_facing_field(&path), "{path}");
        }
        assert!(!child_facing_field("intervention_plan.child_views"), "the child's own words are theirs");
        assert!(!child_facing_field("intervention_plan.targets[0].by_when"));
    }

    #[test]
    fn a_hard_sentence_is_found_and_a_plain_one_is_not() {
        assert!(problems("You will see Tom every week and you can tell him how it is going.").is_empty());
        let hard = problems(
            "Participation in structured consequential-thinking interventions facilitating desistance and accountability.",
        );
        assert!(hard.iter().any(|p| p.starts_with("reads at grade")), "{hard:?}");
    }
}
