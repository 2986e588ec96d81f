//! The language of words in other scripts: a screen reader reads "يوسف" as
//! Arabic only if the PDF says so. The case records the child's language in
//! words ("Arabic, Tigrinya and English"); each script in a value is given
//! the first recorded language written in it. A script whose language is
//! not recorded is left as it is (guessing Urdu for Arabic script would be
//! worse than saying nothing).

use std::collections::BTreeMap;

/// Writing systems casepress can tell apart, by Unicode block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Script {
    /// Arabic script (Arabic, Urdu, Persian, Pashto, Sorani).
    Arabic,
    /// Ge'ez (Tigrinya, Amharic).
    Ethiopic,
    /// Cyrillic.
    Cyrillic,
    /// Greek.
    Greek,
    /// Hebrew.
    Hebrew,
    /// Devanagari (Hindi, Nepali, Marathi).
    Devanagari,
    /// Bengali.
    Bengali,
    /// Gurmukhi (Punjabi).
    Gurmukhi,
    /// Gujarati.
    Gujarati,
    /// Tamil.
    Tamil,
    /// Thai.
    Thai,
    /// Chinese characters.
    Han,
}

/// The script of a character, if it is one of these.
pub fn script_of(c: char) -> Option<Script> {
    Some(match c as u32 {
        0x0600..=0x06FF | 0x0750..=0x077F | 0x08A0..=0x08FF | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF => {
            Script::Arabic
        }
        0x1200..=0x139F | 0x2D80..=0x2DDF | 0xAB00..=0xAB2F => Script::Ethiopic,
        0x0400..=0x052F => Script::Cyrillic,
        0x0370..=0x03FF => Script::Greek,
        0x0590..=0x05FF => Script::Hebrew,
        0x0900..=0x097F => Script::Devanagari,
        0x0980..=0x09FF => Script::Bengali,
        0x0A00..=0x0A7F => Script::Gurmukhi,
        0x0A80..=0x0AFF => Script::Gujarati,
        0x0B80..=0x0BFF => Script::Tamil,
        0x0E00..=0x0E7F => Script::Thai,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF => Script::Han,
        _ => return None,
    })
}

/// Language names a case may record, their BCP 47 code and script.
const LANGUAGES: &[(&str, &str, Script)] = &[
    ("arabic", "ar", Script::Arabic),
    ("urdu", "ur", Script::Arabic),
    ("persian", "fa", Script::Arabic),
    ("farsi", "fa", Script::Arabic),
    ("dari", "prs", Script::Arabic),
    ("pashto", "ps", Script::Arabic),
    ("sorani", "ckb", Script::Arabic),
    ("tigrinya", "ti", Script::Ethiopic),
    ("amharic", "am", Script::Ethiopic),
    ("russian", "ru", Script::Cyrillic),
    ("ukrainian", "uk", Script::Cyrillic),
    ("bulgarian", "bg", Script::Cyrillic),
    ("greek", "el", Script::Greek),
    ("hebrew", "he", Script::Hebrew),
    ("hindi", "hi", Script::Devanagari),
    ("nepali", "ne", Script::Devanagari),
    ("marathi", "mr", Script::Devanagari),
    ("bengali", "bn", Script::Bengali),
    ("bangla", "bn", Script::Bengali),
    ("sylheti", "syl", Script::Bengali),
    ("punjabi", "pa", Script::Gurmukhi),
    ("gujarati", "gu", Script::Gujarati),
    ("tamil", "ta", Script::Tamil),
    ("thai", "th", Script::Thai),
    ("mandarin", "zh", Script::Han),
    ("cantonese", "yue", Script::Han),
    ("chinese", "zh", Script::Han),
];

/// For each script, the first recorded language written in it.
pub fn recorded_languages(recorded: &str) -> BTreeMap<Script, &'static str> {
    let lower = recorded.to_lowercase();
    let mut found: Vec<(usize, &'static str, Script)> = LANGUAGES
        .iter()
        .filter_map(|(name, code, script)| {
            lower
                .match_indices(name)
                .find(|(at, _)| {
                    let before = lower[..*at].chars().next_back().is_none_or(|c| !c.is_alphabetic());
                    let after = lower[at + name.len()..].chars().next().is_none_or(|c| !c.is_alphabetic());
                    before && after
                })
                .map(|(at, _)| (at, *code, *script))
        })
        .collect();
    found.sort_by_key(|(at, _, _)| *at);
    let mut out = BTreeMap::new();
    for (_, code, script) in found {
        out.entry(script).or_insert(code);
    }
    out
}

/// `text` in runs: each run either in one of `languages`' scripts (with its
/// language) or not. Spaces between two words of the same script stay in
/// that script's run.
pub fn runs<'t>(
    text: &'t str,
    languages: &BTreeMap<Script, &'static str>,
) -> Vec<(Option<&'static str>, &'t str)> {
    let lang_of = |c: char| script_of(c).and_then(|s| languages.get(&s).copied());
    let mut out: Vec<(Option<&'static str>, &str)> = Vec::new();
    let mut start = 0;
    let mut current: Option<&'static str> = None;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (i, &(at, c)) in chars.iter().enumerate() {
        let mut lang = lang_of(c);
        if lang.is_none() && current.is_some() && (c.is_whitespace() || c == '-' || c == '\'') {
            // Kept in the run when the next letter continues it.
            let next = chars[i + 1..].iter().map(|(_, c)| *c).find(|c| !c.is_whitespace());
            if next.and_then(lang_of) == current {
                lang = current;
            }
        }
        if lang != current {
            if at > start {
                out.push((current, &text[start..at]));
            }
            start = at;
            current = lang;
        }
    }
    if start < text.len() {
        out.push((current, &text[start..]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_script_takes_the_first_recorded_language_written_in_it() {
        let langs = recorded_languages("Arabic, Tigrinya (ሰላም) and English; interpreter");
        assert_eq!(langs.get(&Script::Arabic), Some(&"ar"));
        assert_eq!(langs.get(&Script::Ethiopic), Some(&"ti"));
        assert_eq!(recorded_languages("Urdu and Arabic").get(&Script::Arabic), Some(&"ur"));
        assert!(recorded_languages("English").is_empty());
        assert!(recorded_languages("Thaiboxing").is_empty(), "whole words only");
    }

    #[test]
    fn runs_split_at_scripts_and_keep_spaces_inside_a_phrase() {
        let langs = recorded_languages("Arabic, Tigrinya");
        assert_eq!(
            runs("Speaks العربية الفصحى, ትግርኛ and English", &langs),
            vec![
                (None, "Speaks "),
                (Some("ar"), "العربية الفصحى"),
                (None, ", "),
                (Some("ti"), "ትግርኛ"),
                (None, " and English")
            ]
        );
        assert_eq!(runs("Юрий", &langs), vec![(None, "Юрий")], "a language not recorded is not guessed");
        assert_eq!(runs("", &langs), vec![]);
    }
}
