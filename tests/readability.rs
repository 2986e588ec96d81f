//! The child-facing papers (the intervention plan and the service agreement)
//! are written for a child: every fixed sentence of their templates reads at
//! a Flesch–Kincaid grade of 6 or below (a reading age of about 11).

use std::path::Path;

// The syllable count is the library's, the one `check` and the workspace use.
use casepress::rules::plain::syllables;

/// The Flesch–Kincaid grade of one sentence.
fn grade(sentence: &str) -> f64 {
    let words: Vec<&str> =
        sentence.split_whitespace().filter(|w| w.chars().any(|c| c.is_alphabetic())).collect();
    let syllables: usize = words.iter().map(|w| syllables(w)).sum();
    0.39 * words.len() as f64 + 11.8 * syllables as f64 / words.len().max(1) as f64 - 15.59
}

/// The fixed prose of a template: headings, bullets and paragraphs, with
/// template expressions read as a short name and Typst markup removed.
fn fixed_sentences(template: &str) -> Vec<String> {
    let mut text = String::new();
    let mut rest = template;
    // Template comments, tags and expressions.
    while let Some(start) = rest.find('{') {
        text.push_str(&rest[..start]);
        let tail = &rest[start..];
        let close = match tail.get(..2) {
            Some("{#") => "#}",
            Some("{%") => "%}",
            Some("{{") => "}}",
            _ => {
                text.push('{');
                rest = &tail[1..];
                continue;
            }
        };
        if close == "}}" {
            text.push_str("Sam");
        }
        rest = tail.find(close).map_or("", |end| &tail[end + 2..]);
    }
    text.push_str(rest);
    let mut sentences = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        let prose = line.strip_prefix("- ").or(line.strip_prefix("= ")).unwrap_or(line);
        if prose.is_empty()
            || prose.starts_with(['#', '(', '[', ')', ']', '{', '}', '/'])
            || !prose.contains(' ')
        {
            continue;
        }
        let clean: String = prose.replace(['*', '_'], "").replace("#linebreak()", " ");
        for sentence in clean.split(['.', '?', '!', ':', ';']) {
            if sentence.split_whitespace().count() >= 3 {
                sentences.push(sentence.trim().to_owned());
            }
        }
    }
    sentences
}

#[test]
fn every_fixed_sentence_a_child_reads_is_at_grade_6_or_below() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    let mut checked = 0;
    let mut hard = Vec::new();
    for name in ["intervention-plan.typ.j2", "service-agreement.typ.j2"] {
        let template = std::fs::read_to_string(root.join(name)).unwrap();
        for sentence in fixed_sentences(&template) {
            checked += 1;
            let g = grade(&sentence);
            if g > 6.0 {
                hard.push(format!("{name}: grade {g:.1}: {sentence}"));
            }
        }
    }
    assert!(checked > 30, "the templates' prose was read: {checked} sentences");
    assert!(hard.is_empty(), "too hard for a child of 11:\n{}", hard.join("\n"));
}

#[test]
fn the_grade_is_computed_as_flesch_kincaid_defines_it() {
    assert_eq!(syllables("appointment"), 3);
    assert_eq!(syllables("take"), 1);
    assert_eq!(syllables("little"), 2);
    assert!(grade("We will meet you every week.") < 3.0);
    assert!(
        grade("Consequently, noncompliance necessitates reconsideration by the sentencing court.") > 12.0
    );
}

#[test]
fn no_jargon_in_what_a_child_reads() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    for name in ["intervention-plan.typ.j2", "service-agreement.typ.j2"] {
        let prose =
            fixed_sentences(&std::fs::read_to_string(root.join(name)).unwrap()).join(" ").to_lowercase();
        for jargon in
            ["scaled approach", "asset score", "the order", "your order", "working days", "intervention"]
        {
            assert!(!prose.contains(jargon), "{name}: `{jargon}` in what a child reads");
        }
    }
}
