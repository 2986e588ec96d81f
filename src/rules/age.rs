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
