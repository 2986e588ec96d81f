//! Text for a terminal. Names from outside (inbox file names, case files,
//! case data) may hold control characters; printed raw they could move the
//! cursor, recolour or hide lines, or fake a line of the report. They are
//! shown escaped (`\u{1b}`), never sent to the terminal.

use std::borrow::Cow;

/// `text` with every control character but the newline escaped, and the
/// bidi embeddings, overrides and isolates that could reverse a line.
pub fn printable(text: &str) -> Cow<'_, str> {
    let hidden = |c: char| {
        (c.is_control() && c != '\n') || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    };
    if !text.chars().any(hidden) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| if hidden(c) { c.escape_unicode().to_string() } else { c.to_string() })
            .collect(),
    )
}

/// [`printable`] for a line that must stay one line (a file name in a
/// report): a newline in it is shown escaped too, so a name cannot add a
/// forged line to the report.
pub fn one_line(text: &str) -> Cow<'_, str> {
    match text.contains('\n') {
        false => printable(text),
        true => Cow::Owned(printable(&text.replace('\n', "\\u{a}")).into_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_shown_escaped() {
        assert_eq!(printable("plain.pdf"), "plain.pdf");
        assert_eq!(printable("evil\u{1b}[2Jname\r.pdf"), "evil\\u{1b}[2Jname\\u{d}.pdf");
        assert_eq!(printable("two\nlines"), "two\nlines");
        assert_eq!(printable("RLO \u{202e}evil"), "RLO \\u{202e}evil");
        assert_eq!(one_line("forged\n  assigned X.pdf"), "forged\\u{a}  assigned X.pdf");
    }
}
