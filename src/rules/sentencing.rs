//! What a PSR tells the court about the child's age and needs, derived from
//! the dates and needs recorded:
//!
//! - the age at conviction, and any sentencing threshold (turning 12, 15 or
//!   18) crossed since the offence: the court then starts from the sentence
//!   likely on the day of the offence (Sentencing Children and Young People
//!   guideline);
//! - whether the court must consider a parenting order: a child under 16
//!   when convicted (Crime and Disorder Act 1998, sections 8 and 9);
//! - the child's recorded speech, language and communication needs, for
//!   their effective participation (Criminal Procedure Rules, rule 3.8).

use chrono::{Months, NaiveDate};

use super::age::age_on;
use crate::case::Case;

/// The ages at which what a court may impose changes (Sentencing Children
/// and Young People guideline): 12, 15 and 18.
pub const AGE_THRESHOLDS: [u32; 3] = [12, 15, 18];

fn long(d: NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
}

/// The day of the conviction: the latest recorded for the offences before
/// the court (none recorded: not known).
pub fn conviction_date(case: &Case) -> Option<NaiveDate> {
    case.offences.iter().filter_map(|o| o.conviction_date).max()
}

/// "16 (convicted 5 November 2026)", where a conviction date is recorded.
pub fn age_at_conviction(case: &Case) -> Option<String> {
    let on = conviction_date(case)?;
    Some(format!("{} (convicted {})", age_on(case.child.date_of_birth, on), long(on)))
}

/// Each threshold the child crossed between the (first) offence and the
/// conviction, with the birthday that crossed it.
pub fn thresholds_crossed(
    birth: NaiveDate,
    offence: NaiveDate,
    conviction: NaiveDate,
) -> Vec<(u32, NaiveDate)> {
    let (then, now) = (age_on(birth, offence), age_on(birth, conviction));
    AGE_THRESHOLDS
        .into_iter()
        .filter(|t| then < *t && now >= *t)
        .filter_map(|t| birth.checked_add_months(Months::new(t * 12)).map(|d| (t, d)))
        .collect()
}

/// The line a PSR gives when a threshold falls between the offence and the
/// conviction; none when no conviction date is recorded or none is crossed.
pub fn threshold_line(case: &Case, name: &str) -> Option<String> {
    let conviction = conviction_date(case)?;
    let offence = case.offences.iter().map(|o| o.date).min()?;
    let crossed = thresholds_crossed(case.child.date_of_birth, offence, conviction);
    let (age, birthday) = crossed.last()?;
    Some(format!(
        "{name} turned {age} on {}, after the offence ({}) and before conviction ({}): a sentencing threshold. \
         The court takes as its starting point the sentence likely to have been imposed on the day of the offence \
         (Sentencing Children and Young People guideline).",
        long(*birthday),
        long(offence),
        long(conviction)
    ))
}

/// Whether the court must consider a parenting order: the child was under
/// 16 when convicted (at the hearing, where no conviction date is recorded).
pub fn parenting_order_applies(case: &Case) -> bool {
    age_when_convicted(case).is_some_and(|age| age < 16)
}

/// The age when convicted, or at the hearing where no conviction date is
/// recorded; none without either.
pub fn age_when_convicted(case: &Case) -> Option<u32> {
    let on = conviction_date(case).or_else(|| case.court.as_ref().and_then(|c| c.hearing_date))?;
    Some(age_on(case.child.date_of_birth, on))
}

/// The child's recorded needs that are speech, language or communication
/// needs, as written.
pub fn communication_needs(case: &Case) -> Vec<&str> {
    const WORDS: [&str; 5] = ["speech", "communication", "slcn", "language disorder", "language need"];
    case.child
        .needs
        .iter()
        .filter(|n| {
            let lower = n.to_lowercase();
            WORDS.iter().any(|w| lower.contains(w))
        })
        .map(String::as_str)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn thresholds_are_12_15_and_18_crossed_between_offence_and_conviction() {
        let born = d("2011-10-01");
        assert_eq!(thresholds_crossed(born, d("2026-09-01"), d("2026-10-01")), [(15, d("2026-10-01"))]);
        assert!(thresholds_crossed(born, d("2026-10-01"), d("2026-12-01")).is_empty(), "15 at both");
        assert!(thresholds_crossed(born, d("2026-01-01"), d("2026-09-30")).is_empty(), "14 at both");
        let born = d("2008-12-05");
        assert_eq!(thresholds_crossed(born, d("2026-08-29"), d("2026-12-06")), [(18, d("2026-12-05"))]);
        let born = d("2014-06-01");
        assert_eq!(thresholds_crossed(born, d("2026-05-01"), d("2026-06-01")), [(12, d("2026-06-01"))]);
    }
}
