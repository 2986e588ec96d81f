//! The service: what every command needs and nothing that typesets. The
//! configuration, where output goes, the case records, the staff directory, the working
//! calendar and the working hours. Commands that make no paper (`status`,
//! `check`, `import`, the outbox) take a `Service`; the [`Press`] stands on
//! one and adds templates and fonts.
//!
//! [`Press`]: crate::press::Press

use crate::config::Config;
use chrono::NaiveDate;

use crate::case::Case;
use crate::rules::{Facts, WorkingCalendar, WorkingHours};
use crate::staff::Directory;
use crate::store::{Layout, LogEntry, Modes, Records};

/// One service's settings, people and calendar, built once per command.
#[derive(Debug, Clone)]
pub struct Service {
    config: Config,
    layout: Layout,
    records: Records,
    staff: Directory,
    calendar: WorkingCalendar,
    hours: WorkingHours,
}

impl Service {
    /// Builds the service from its (resolved and validated) configuration.
    pub fn new(config: Config) -> Self {
        let calendar = WorkingCalendar::england_and_wales(&config.calendar.closure_days);
        let s = &config.statements;
        let hours =
            WorkingHours { calendar: calendar.clone(), start: s.working_day_start, end: s.working_day_end };
        let layout = Layout::new(config.paths.output.clone());
        Self {
            records: Records::new(layout.clone(), config.permissions.modes()),
            layout,
            staff: Directory::new(config.staff.clone()),
            calendar,
            hours,
            config,
        }
    }

    /// The configuration in use.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Where output goes.
    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    /// Each case's records (its log), read, appended and locked by case id.
    pub fn records(&self) -> &Records {
        &self.records
    }

    /// The staff directory.
    pub fn staff(&self) -> &Directory {
        &self.staff
    }

    /// File and folder modes for everything written.
    pub fn modes(&self) -> Modes {
        self.config.permissions.modes()
    }

    /// The working-day calendar (bank holidays and closure days).
    pub fn calendar(&self) -> &WorkingCalendar {
        &self.calendar
    }

    /// The service's working hours, for the statement targets.
    pub fn hours(&self) -> &WorkingHours {
        &self.hours
    }

    /// What the rules say about `case` on `today`, with what its `log`
    /// records by the end of that day (the PSR's gatekeeping steps stand in
    /// for the typed gatekeeping fields where there are any).
    pub fn facts(&self, case: &Case, today: NaiveDate, log: &[LogEntry]) -> Facts {
        let recorded = crate::history::gatekeeping_recorded(log, case, &self.staff, today);
        crate::rules::derive_recorded(case, &self.calendar, today, &self.config.rules, &recorded)
    }
}
