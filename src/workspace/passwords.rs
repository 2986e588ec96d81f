//! What a password must not be, as NIST SP 800-63B (§3.1.1.2) asks: at
//! least 12 characters, none of the most common passwords, not built on the
//! person's own name, not one character or a short run repeated. No
//! composition rules (a digit, a capital, a symbol): they make passwords
//! harder to remember and no harder to guess.

/// The shortest password accepted.
pub const MIN_PASSWORD: usize = 12;

/// The 10,000 most common passwords (SecLists, see docs/sources.md), one a
/// line, lower case.
const COMMON: &str = include_str!("common-passwords.txt");

static COMMON_SET: std::sync::LazyLock<std::collections::HashSet<&'static str>> =
    std::sync::LazyLock::new(|| COMMON.lines().map(str::trim).filter(|l| !l.is_empty()).collect());

/// Why `password` may not be `name`'s password, or nothing when it may.
pub fn refusal(password: &str, name: &str) -> Option<String> {
    if password.chars().count() < MIN_PASSWORD {
        return Some(format!("the password is too short: use at least {MIN_PASSWORD} characters"));
    }
    let lower = password.to_lowercase();
    if repeated(&lower) {
        return Some(
            "the password repeats the same character or the same few characters: use words that do not repeat"
                .into(),
        );
    }
    if common(&lower) {
        return Some(
            "the password is one of the most common passwords (or one with digits or symbols added): \
             choose a few unrelated words instead"
                .into(),
        );
    }
    if on_name(&lower, name) {
        return Some("the password is built on your own name: choose words that are not your name".into());
    }
    None
}

/// One character, or a short run of them, said again and again
/// (`aaaaaaaaaaaa`, `abcabcabcabc`), or fewer than 4 different characters.
fn repeated(password: &str) -> bool {
    let chars: Vec<char> = password.chars().collect();
    let distinct: std::collections::HashSet<&char> = chars.iter().collect();
    if distinct.len() < 4 {
        return true;
    }
    (1..=chars.len() / 2).any(|n| chars.len().is_multiple_of(n) && chars.chunks(n).all(|c| c == &chars[..n]))
}

/// The password, or what is left of it without the digits and symbols at
/// its ends or the spaces in it, or its repeated unit, is a common one.
fn common(password: &str) -> bool {
    let trimmed = password.trim_matches(|c: char| !c.is_alphabetic());
    let squeezed: String =
        password.chars().filter(|c| !c.is_whitespace() && *c != '-' && *c != '_').collect();
    let leading = password.trim_end_matches(|c: char| !c.is_alphabetic());
    [password, trimmed, squeezed.as_str(), leading].iter().any(|p| {
        !p.is_empty() && (COMMON_SET.contains(p) || unit_of(p).is_some_and(|u| COMMON_SET.contains(u)))
    })
}

/// The run of characters that `text` repeats (`password` of
/// `passwordpassword`), if it is one said at least twice.
fn unit_of(text: &str) -> Option<&str> {
    let n = text.len();
    (1..=n / 2)
        .find(|u| n.is_multiple_of(*u) && text.is_char_boundary(*u) && text == text[..*u].repeat(n / u))
        .map(|u| &text[..u])
}

/// Take away every part of the person's name (2 letters or more): fewer
/// than 8 characters left, other than digits, spaces and symbols, and
/// the password was the name dressed up.
fn on_name(password: &str, name: &str) -> bool {
    let mut left = password.to_owned();
    let mut parts: Vec<String> = name
        .split(|c: char| !c.is_alphabetic())
        .filter(|p| p.chars().count() >= 2)
        .map(str::to_lowercase)
        .collect();
    if parts.is_empty() {
        return false;
    }
    parts.sort_by_key(|p| std::cmp::Reverse(p.len()));
    let mut found = false;
    for part in &parts {
        if left.contains(part.as_str()) {
            found = true;
            left = left.replace(part.as_str(), "");
        }
    }
    found && left.chars().filter(|c| c.is_alphabetic()).count() < 8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_review_s_weak_passwords_are_refused_with_their_reason() {
        let name = "Ben Hollis";
        let cases = [
            ("short", "too short"),
            ("            ", "repeats"),
            ("aaaaaaaaaaaa", "repeats"),
            ("abababababab", "repeats"),
            ("abcabcabcabc", "repeats"),
            ("password1234", "most common"),
            ("Password1234!", "most common"),
            ("passwordpassword", "repeats"),
            ("dragondragon2026", "most common"),
            ("iloveyou2026", "most common"),
            ("qwertyuiop12", "most common"),
            ("Ben Hollis12", "your own name"),
            ("hollisben2026!", "your own name"),
            ("BenBenHollis", "your own name"),
        ];
        for (password, why) in cases {
            let said = refusal(password, name).unwrap_or_else(|| panic!("{password:?} was accepted"));
            assert!(said.contains(why), "{password:?}: {said}");
        }
    }

    #[test]
    fn a_long_unusual_password_is_accepted_without_composition_rules() {
        for ok in [
            "correct horse battery",
            "sample-password",
            "a ben of the hollis valley in spring",
            "tuesday kettle orchard",
        ] {
            assert_eq!(refusal(ok, "Ben Hollis"), None, "{ok}");
        }
        assert!(COMMON_SET.len() > 9_000, "the list is shipped whole");
    }
}
