//! The working-day calendar: Monday to Friday, minus bank holidays in England
//! and Wales (shipped for 2020-2030) and the service's own closure days.

use std::collections::BTreeSet;

use chrono::{Datelike, Days, NaiveDate, Weekday};

const BANK_HOLIDAYS: &str = include_str!("bank-holidays-england-and-wales.txt");

/// Which days count as working days.
#[derive(Debug, Clone)]
pub struct WorkingCalendar {
    closed: BTreeSet<NaiveDate>,
}

impl Default for WorkingCalendar {
    fn default() -> Self {
        Self::england_and_wales(&[])
    }
}

impl WorkingCalendar {
    /// Bank holidays in England and Wales plus `closure_days` from config.
    pub fn england_and_wales(closure_days: &[NaiveDate]) -> Self {
        let mut closed: BTreeSet<NaiveDate> = BANK_HOLIDAYS
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .map(|l| {
                let date = l.split('\t').next().unwrap_or_default();
                NaiveDate::parse_from_str(date, "%Y-%m-%d").expect("the shipped bank-holiday list is valid")
            })
            .collect();
        closed.extend(closure_days);
        Self { closed }
    }

    /// Whether `date` is a working day.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) && !self.closed.contains(&date)
    }

    /// The working day `n` working days after `date` (`date` itself not counted).
    pub fn add_working_days(&self, date: NaiveDate, n: u32) -> NaiveDate {
        self.step(date, n, |d| d.checked_add_days(Days::new(1)))
    }

    /// The working day `n` working days before `date` (`date` itself not counted).
    pub fn sub_working_days(&self, date: NaiveDate, n: u32) -> NaiveDate {
        self.step(date, n, |d| d.checked_sub_days(Days::new(1)))
    }

    fn step(&self, mut date: NaiveDate, n: u32, next: impl Fn(NaiveDate) -> Option<NaiveDate>) -> NaiveDate {
        let mut left = n;
        while left > 0 {
            date = next(date).expect("dates stay far inside chrono's range");
            if self.is_working_day(date) {
                left -= 1;
            }
        }
        date
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn weekends_and_bank_holidays_are_not_working_days() {
        let cal = WorkingCalendar::default();
        assert!(cal.is_working_day(d("2026-11-23")), "a Monday");
        assert!(!cal.is_working_day(d("2026-11-21")), "a Saturday");
        assert!(!cal.is_working_day(d("2026-12-25")), "Christmas Day, a Friday");
        assert!(!cal.is_working_day(d("2026-12-28")), "Boxing Day substitute: 26 Dec 2026 is a Saturday");
        assert!(!cal.is_working_day(d("2027-12-27")), "Christmas substitute: 25 Dec 2027 is a Saturday");
        assert!(!cal.is_working_day(d("2026-04-03")), "Good Friday 2026");
        assert!(!cal.is_working_day(d("2026-04-06")), "Easter Monday 2026");
        assert!(!cal.is_working_day(d("2026-05-04")), "early May bank holiday 2026");
    }

    #[test]
    fn closure_days_from_config_are_not_working_days() {
        let cal = WorkingCalendar::england_and_wales(&[d("2026-12-24")]);
        assert!(!cal.is_working_day(d("2026-12-24")));
    }

    #[test]
    fn counting_back_skips_weekends_and_holidays() {
        let cal = WorkingCalendar::default();
        // Court on Tuesday 7 April 2026, the day after Easter Monday: two working
        // days before skips Easter Monday and Good Friday to Wednesday 1 April.
        assert_eq!(cal.sub_working_days(d("2026-04-07"), 2), d("2026-04-01"));
        // Court on a Monday: two working days before is the Thursday.
        assert_eq!(cal.sub_working_days(d("2026-11-23"), 2), d("2026-11-19"));
        assert_eq!(cal.add_working_days(d("2026-12-24"), 1), d("2026-12-29"));
    }
}
