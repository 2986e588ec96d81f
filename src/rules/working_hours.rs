//! Working hours between two instants: the statement SLAs (Bradford MOMO
//! standards: assigned within 24 working hours of being sent; MOMO
//! One/Express standards: within 3).

use chrono::{DateTime, Days, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Europe::London;

use super::WorkingCalendar;

/// A Europe/London wall-clock time in UTC (the earlier instant when clocks
/// go back; the first valid instant when they go forward).
pub fn london(local: NaiveDateTime) -> Option<DateTime<Utc>> {
    match London.from_local_datetime(&local) {
        chrono::LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
        chrono::LocalResult::Ambiguous(a, _) => Some(a.with_timezone(&Utc)),
        chrono::LocalResult::None => London
            .from_local_datetime(&(local + chrono::Duration::hours(1)))
            .earliest()
            .map(|t| t.with_timezone(&Utc)),
    }
}

/// The service's working hours on its working days, in Europe/London.
#[derive(Debug, Clone)]
pub struct WorkingHours {
    /// Which days are working days.
    pub calendar: WorkingCalendar,
    /// Start of the working day.
    pub start: NaiveTime,
    /// End of the working day.
    pub end: NaiveTime,
}

impl WorkingHours {
    /// Working time between `from` and `to`, in minutes (0 if `to` is earlier).
    pub fn minutes_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
        if to <= from {
            return 0;
        }
        let mut day = from.with_timezone(&London).date_naive();
        let last = to.with_timezone(&London).date_naive();
        let mut total = 0;
        while day <= last {
            if self.calendar.is_working_day(day)
                && let (Some(open), Some(close)) =
                    (london(day.and_time(self.start)), london(day.and_time(self.end)))
            {
                let a = open.max(from);
                let b = close.min(to);
                if b > a {
                    total += (b - a).num_minutes();
                }
            }
            day = day.checked_add_days(Days::new(1)).expect("dates stay in range");
        }
        total
    }

    /// The instant `hours` working hours after `from`.
    pub fn add_hours(&self, from: DateTime<Utc>, hours: u32) -> DateTime<Utc> {
        let mut left = i64::from(hours) * 60;
        let mut day = from.with_timezone(&London).date_naive();
        loop {
            if self.calendar.is_working_day(day)
                && let (Some(open), Some(close)) =
                    (london(day.and_time(self.start)), london(day.and_time(self.end)))
            {
                let a = open.max(from);
                if close > a {
                    let available = (close - a).num_minutes();
                    if available >= left {
                        return a + chrono::Duration::minutes(left);
                    }
                    left -= available;
                }
            }
            day = day.checked_add_days(Days::new(1)).expect("dates stay in range");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hours() -> WorkingHours {
        WorkingHours {
            calendar: WorkingCalendar::default(),
            start: NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
            end: NaiveTime::from_hms_opt(17, 0, 0).unwrap(),
        }
    }

    fn t(s: &str) -> DateTime<Utc> {
        london(NaiveDateTime::parse_from_str(s, "%d/%m/%Y %H:%M").unwrap()).unwrap()
    }

    #[test]
    fn counts_only_working_hours_on_working_days() {
        let h = hours();
        // Friday 20 Nov 2026 16:00 to Monday 23 Nov 10:30: 1 h on Friday + 1.5 h on Monday.
        assert_eq!(h.minutes_between(t("20/11/2026 16:00"), t("23/11/2026 10:30")), 150);
        // Sent on a Saturday evening: the clock starts on Monday at 09:00.
        assert_eq!(h.minutes_between(t("21/11/2026 20:00"), t("23/11/2026 12:00")), 180);
        // Christmas 2026: 25 Dec (Fri) and the 28 Dec substitute day are holidays.
        assert_eq!(h.minutes_between(t("24/12/2026 16:00"), t("29/12/2026 10:00")), 120);
    }

    #[test]
    fn bradford_24_working_hours_is_three_working_days() {
        let h = hours();
        // Sent Wednesday 18 Nov 2026 14:05: 24 working hours later is Monday 23 Nov 14:05.
        assert_eq!(h.add_hours(t("18/11/2026 14:05"), 24), t("23/11/2026 14:05"));
    }

    #[test]
    fn momo_one_express_3_working_hours_runs_over_the_evening() {
        let h = hours();
        assert_eq!(h.add_hours(t("23/11/2026 16:00"), 3), t("24/11/2026 11:00"));
    }
}
