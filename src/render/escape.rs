//! Case data is text, never code: every value becomes a Typst string literal.
//!
//! In markup a value is written as `#"…";`: an embedded string expression,
//! which Typst prints verbatim (no markup, math, labels, references or
//! comments inside it can take effect), closed by `;` so that text following
//! it in the template (`.`, `(`, `[`) cannot continue the expression.

/// A Typst string literal (with quotes) holding `text` exactly.
///
/// Control characters other than newline and tab are dropped: they have no
/// printable meaning. A character no embedded font can show becomes U+FFFD
/// (PDF/A forbids undisplayable text; one odd character must not cost the
/// whole document).
pub fn string_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    let normalised = text.replace("\r\n", "\n");
    for c in normalised.chars() {
        match c {
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

/// Markup that prints `text` literally: `#"…";` (nothing for empty text).
pub fn markup_text(text: &str) -> String {
    if text.is_empty() {
        return String::new();
    }
    format!("#{};", string_literal(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_backslashes_and_newlines_are_escaped() {
        assert_eq!(string_literal(r#"a "b" \c"#), r#""a \"b\" \\c""#);
        assert_eq!(string_literal("one\r\ntwo\nthree"), r#""one\ntwo\nthree""#);
    }

    #[test]
    fn control_characters_are_dropped() {
        assert_eq!(string_literal("a\u{0}b\u{7}c\u{1b}d"), r#""abcd""#);
    }

    #[test]
    fn markup_text_is_closed_by_a_semicolon() {
        assert_eq!(markup_text("#read(\"/etc/passwd\")"), r##"#"#read(\"/etc/passwd\")";"##);
        assert_eq!(markup_text(""), "");
    }
}
