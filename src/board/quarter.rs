//! Financial-year quarters: `2026-Q1` is April to June 2026, `2026-Q4` is
//! January to March 2027.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, Months, NaiveDate};

/// A quarter of a financial year (April to March).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quarter {
    /// The calendar year the financial year starts in.
    pub year: i32,
    /// 1 to 4.
    pub q: u8,
}

impl Quarter {
    /// First day.
    pub fn start(self) -> NaiveDate {
        let first = NaiveDate::from_ymd_opt(self.year, 4, 1).expect("valid date");
        first.checked_add_months(Months::new(3 * u32::from(self.q - 1))).expect("in range")
    }

    /// Last day.
    pub fn end(self) -> NaiveDate {
        self.next().start().pred_opt().expect("in range")
    }

    /// As boards write it: `Q2 2026/27`.
    pub fn label(self) -> String {
        format!("Q{} {}/{:02}", self.q, self.year, (self.year + 1) % 100)
    }

    /// Whether `day` falls in the quarter.
    pub fn contains(self, day: NaiveDate) -> bool {
        self.start() <= day && day <= self.end()
    }

    /// The quarter before.
    pub fn previous(self) -> Self {
        if self.q == 1 { Self { year: self.year - 1, q: 4 } } else { Self { year: self.year, q: self.q - 1 } }
    }

    /// The quarter after.
    pub fn next(self) -> Self {
        if self.q == 4 { Self { year: self.year + 1, q: 1 } } else { Self { year: self.year, q: self.q + 1 } }
    }

    /// The quarter containing `day`.
    pub fn containing(day: NaiveDate) -> Self {
        let (year, q) = match day.month() {
            4..=6 => (day.year(), 1),
            7..=9 => (day.year(), 2),
            10..=12 => (day.year(), 3),
            _ => (day.year() - 1, 4),
        };
        Self { year, q }
    }

    /// The latest quarter that has ended by `today`.
    pub fn latest_complete(today: NaiveDate) -> Self {
        Self::containing(today).previous()
    }

    /// `July to September 2026`.
    pub fn months(self) -> String {
        format!("{} to {}", self.start().format("%B"), self.end().format("%B %Y"))
    }
}

impl fmt::Display for Quarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-Q{}", self.year, self.q)
    }
}

impl FromStr for Quarter {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || {
            format!(
                "`{s}` is not a quarter: expected YYYY-Qn, e.g. 2026-Q2 (financial year: Q1 is April to June)"
            )
        };
        let (year, q) = s.trim().split_once("-Q").ok_or_else(bad)?;
        let year: i32 = year.parse().map_err(|_| bad())?;
        let q: u8 = q.parse().map_err(|_| bad())?;
        if !(1..=4).contains(&q) || !(2000..=2100).contains(&year) {
            return Err(bad());
        }
        Ok(Self { year, q })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn financial_year_quarters() {
        let q: Quarter = "2026-Q1".parse().unwrap();
        assert_eq!((q.start(), q.end()), (d("2026-04-01"), d("2026-06-30")));
        let q4: Quarter = "2026-Q4".parse().unwrap();
        assert_eq!((q4.start(), q4.end()), (d("2027-01-01"), d("2027-03-31")));
        assert_eq!(q.previous().to_string(), "2025-Q4");
        assert_eq!(Quarter::containing(d("2027-02-10")).to_string(), "2026-Q4");
        assert_eq!(Quarter::latest_complete(d("2026-11-23")).to_string(), "2026-Q2");
        assert_eq!("2026-Q2".parse::<Quarter>().unwrap().months(), "July to September 2026");
        assert!("2026-Q5".parse::<Quarter>().is_err());
    }
}
