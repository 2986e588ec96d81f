//! Who needs a Y2A bundle: Derbyshire practice guidance §17.2, the transfer
//! of information to the Probation Service for anyone who turns 18 during
//! supervision.

use chrono::NaiveDate;

use crate::case::Case;

/// Case ids of open cases whose 18th birthday falls within `days` of `today`.
pub fn turning_18<'a>(cases: impl IntoIterator<Item = &'a Case>, today: NaiveDate, days: u32) -> Vec<String> {
    let until = today + chrono::Days::new(u64::from(days));
    cases
        .into_iter()
        .filter(|c| c.order.as_ref().is_some_and(|o| o.closed_date.is_none()))
        .filter(|c| {
            let birthday = c.child.date_of_birth.checked_add_months(chrono::Months::new(18 * 12));
            birthday.is_some_and(|b| today <= b && b <= until)
        })
        .map(|c| c.case_id.to_string())
        .collect()
}
