//! Case data is text, never code: every value becomes a Typst string literal.
//!
//! In markup a value is written as `#"…";`: an embedded string expression,
//! which Typst prints verbatim (no markup, math, labels, references or
//! comments inside it can take effect), closed by `;` so that text following
//! it in the template (`.`, `(`, `[`) cannot continue the expression.

use std::collections::BTreeMap;

use super::script::{Script, runs};

/// Words longer than this many characters get break opportunities...
const LONG_WORD: usize = 30;
/// ...every this many characters (a zero-width space, U+200B).
const BREAK_EVERY: usize = 15;

/// A Typst string literal (with quotes) holding `text` exactly (apart from
/// the zero-width break opportunities in very long words).
///
/// Control characters other than newline and tab are dropped: they have no
/// printable meaning. A character no embedded font can show becomes U+FFFD
/// (PDF/A forbids undisplayable text; one odd character must not cost the
/// whole document).
pub fn string_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    let normalised = text.replace("\r\n", "\n");
    let mut run = 0;
    for (i, c) in normalised.char_indices() {
        // Typst cannot break inside a word, so a very long one would run off
        // the page: give long runs an invisible break opportunity. Not in
        // an identifier a reader copies (a file name, an email address, a
        // reference): a hidden character would make the copy not match.
        run = if c.is_whitespace() { 0 } else { run + 1 };
        if run > LONG_WORD && run % BREAK_EVERY == 1 && !in_identifier(&normalised, i) {
            out.push('\u{200B}');
        }
        match c {
            // Bidi embeddings, overrides and isolates could reverse what a
            // court reads ("evil" printed as "live"): never passed on.
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => {}
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' | '\r' => out.push_str("\\n"),
            '\t' => out.push(' '),
            c if c.is_control() => {}
            c if !crate::typeset::covers(c) => out.push(if c.is_whitespace() { ' ' } else { '\u{FFFD}' }),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Whether the word around byte `at` of `text` is an identifier: no
/// spaces, ASCII, and holding `_`, `.`, `@`, `/` or `:`.
fn in_identifier(text: &str, at: usize) -> bool {
    let start = text[..at].rfind(char::is_whitespace).map_or(0, |i| i + 1);
    let end = text[at..].find(char::is_whitespace).map_or(text.len(), |i| at + i);
    let word = &text[start..end];
    word.chars().all(|c| c.is_ascii_graphic()) && word.contains(['_', '.', '@', '/', ':'])
}

/// Markup that prints `text` literally: `#"…";` (nothing for empty text).
pub fn markup_text(text: &str) -> String {
    if text.is_empty() {
        return String::new();
    }
    format!("#{};", string_literal(text))
}

/// [`markup_text`], with each run of another script whose language is
/// recorded set in that language (`#text(lang: "ar", region: none, "…");`).
pub fn markup_text_in(text: &str, languages: &BTreeMap<Script, &'static str>) -> String {
    if languages.is_empty() {
        return markup_text(text);
    }
    runs(text, languages)
        .into_iter()
        .map(|(lang, run)| match lang {
            None => markup_text(run),
            Some(code) => format!("#text(lang: \"{code}\", region: none, {});", string_literal(run)),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bidi_controls_are_dropped_and_identifiers_keep_no_hidden_breaks() {
        assert_eq!(string_literal("RLO \u{202e}evil\u{202c} \u{2067}x\u{2069}"), "\"RLO evil x\"");
        let name = "NYJS-2026-0117_intervention-plan_2026-11-23_draft.pdf";
        assert_eq!(string_literal(name), format!("\"{name}\""));
        assert!(string_literal(&"a".repeat(60)).contains('\u{200B}'), "a long plain word still breaks");
    }

    #[test]
    fn quotes_backslashes_and_newlines_are_escaped() {
        assert_eq!(string_literal(r#"a "b" \c"#), r#""a \"b\" \\c""#);
        assert_eq!(string_literal("one\r\ntwo\nthree"), r#""one\ntwo\nthree""#);
    }

    #[test]
    fn very_long_words_get_break_opportunities() {
        let lit = string_literal(&"a".repeat(61));
        assert_eq!(lit.matches('\u{200B}').count(), 3, "before characters 31, 46 and 61");
        assert_eq!(lit.replace('\u{200B}', ""), format!("\"{}\"", "a".repeat(61)));
        assert!(!string_literal(&"b".repeat(30)).contains('\u{200B}'));
    }

    #[test]
    fn control_characters_are_dropped() {
        assert_eq!(string_literal("a\u{0}b\u{7}c\u{1b}d"), r#""abcd""#);
    }

    #[test]
    fn words_in_another_script_carry_their_recorded_language() {
        let langs = crate::render::script::recorded_languages("Arabic and English");
        assert_eq!(
            markup_text_in("Yusuf (يوسف)", &langs),
            r#"#"Yusuf (";#text(lang: "ar", region: none, "يوسف");#")";"#
        );
        assert_eq!(markup_text_in("Yusuf", &langs), markup_text("Yusuf"));
    }

    #[test]
    fn markup_text_is_closed_by_a_semicolon() {
        assert_eq!(markup_text("#read(\"/etc/passwd\")"), r##"#"#read(\"/etc/passwd\")";"##);
        assert_eq!(markup_text(""), "");
    }
}
