//! The one rule for matching a person's name: the name someone types (on
//! the command line, in a form, in a case file) is the directory's member
//! when the two are the same words, whatever the spacing or letter case.

/// A name reduced to what identifies the person: trimmed, runs of
/// whitespace folded to one space, letter case ignored.
pub fn name_key(name: &str) -> String {
    name.split_whitespace().map(str::to_lowercase).collect::<Vec<_>>().join(" ")
}

/// Whether two names name the same person (see [`name_key`]).
pub fn same_name(a: &str, b: &str) -> bool {
    let mut a = a.split_whitespace();
    let mut b = b.split_whitespace();
    loop {
        match (a.next(), b.next()) {
            (None, None) => return true,
            (Some(x), Some(y)) if x.to_lowercase() == y.to_lowercase() => {}
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spacing_and_letter_case_never_make_another_person() {
        assert!(same_name("Declan Hughes ", "Declan Hughes"));
        assert!(same_name("  declan   HUGHES", "Declan Hughes"));
        assert!(same_name("Declan\tHughes", "Declan Hughes"));
        assert!(!same_name("Declan Hughes", "Declan Hughe"));
        assert!(!same_name("Declan", "Declan Hughes"));
        assert!(!same_name("", "Declan Hughes"));
        assert_eq!(name_key(" Declan  Hughes "), "declan hughes");
    }
}
