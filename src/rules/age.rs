//! A child's age on a day.

use chrono::{Datelike, NaiveDate};

/// Age in whole years on `day` (0 before birth).
pub fn age_on(birth: NaiveDate, day: NaiveDate) -> u32 {
    let mut years = day.year() - birth.year();
    if (day.month(), day.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    years.max(0) as u32
}

/// The day a paper gives an age on: every age a paper prints says which.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgeOn {
    /// The hearing: what a court paper gives (Sentencing children and
    /// young people guideline).
    Hearing(NaiveDate),
    /// The document's own date.
    Day(NaiveDate),
}

/// "age 16 at the hearing", or "age 16 on 23 November 2026".
pub fn age_label(birth: NaiveDate, on: AgeOn) -> String {
    match on {
        AgeOn::Hearing(d) => format!("age {} at the hearing", age_on(birth, d)),
        AgeOn::Day(d) => format!("age {} on {}", age_on(birth, d), d.format("%-d %B %Y")),
    }
}

/// The age at the offences, with their dates: "17 (offence of 29 August
/// 2026)", or "15 to 16 (offences from 2 May to 29 August 2026)". None
/// without offences.
pub fn age_at_offences(birth: NaiveDate, dates: impl IntoIterator<Item = NaiveDate>) -> Option<String> {
    let mut dates: Vec<NaiveDate> = dates.into_iter().collect();
    dates.sort();
    dates.dedup();
    let (first, last) = (*dates.first()?, *dates.last()?);
    let (young, old) = (age_on(birth, first), age_on(birth, last));
    let years = if young == old { young.to_string() } else { format!("{young} to {old}") };
    let long = |d: NaiveDate| d.format("%-d %B %Y").to_string();
    Some(match dates.len() {
        1 => format!("{years} (offence of {})", long(first)),
        2 => format!("{years} (offences of {} and {})", long(first), long(last)),
        _ => format!("{years} (offences from {} to {})", long(first), long(last)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn every_age_says_what_day_it_is_on() {
        let born = d("2008-12-05");
        assert_eq!(age_label(born, AgeOn::Hearing(d("2026-12-08"))), "age 18 at the hearing");
        assert_eq!(age_label(born, AgeOn::Day(d("2026-11-23"))), "age 17 on 23 November 2026");
        assert_eq!(age_at_offences(born, [d("2026-08-29")]).unwrap(), "17 (offence of 29 August 2026)");
        assert_eq!(
            age_at_offences(born, [d("2026-12-06"), d("2026-08-29"), d("2026-08-29")]).unwrap(),
            "17 to 18 (offences of 29 August 2026 and 6 December 2026)"
        );
        assert_eq!(age_at_offences(born, []), None);
    }
}
