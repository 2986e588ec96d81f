//! A board figure's values: a count or a proportion, this quarter and the
//! last, with its RAG rating and trend. The lowest concept of the board:
//! disclosure control works on these, and the figure table computes them.

use serde::Serialize;

/// A count, or a numerator over a denominator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Measure {
    /// The count, or the numerator.
    pub numerator: u32,
    /// The denominator, for a proportion.
    pub denominator: Option<u32>,
}

impl Measure {
    pub(super) fn count(n: usize) -> Self {
        Self { numerator: n as u32, denominator: None }
    }

    pub(super) fn ratio(n: usize, d: usize) -> Self {
        Self { numerator: n as u32, denominator: Some(d as u32) }
    }

    /// The percentage, for a proportion with a non-zero denominator.
    pub fn percent(self) -> Option<f64> {
        self.denominator.filter(|d| *d > 0).map(|d| f64::from(self.numerator) * 100.0 / f64::from(d))
    }
}

/// One figure for a quarter, with the previous quarter beside it.
#[derive(Debug, Clone, Serialize)]
pub struct Figure {
    /// Stable id, e.g. `kpi.ete`.
    pub id: String,
    /// Report section.
    pub section: &'static str,
    /// What the board reads.
    pub label: String,
    /// This quarter.
    pub current: Measure,
    /// The previous quarter.
    pub previous: Measure,
    /// Target percentage, where the service has one (RAG rated).
    pub target: Option<f64>,
    /// How it is counted.
    pub definition: String,
    /// Withheld this quarter to protect a small count in the same table.
    pub current_withheld: bool,
    /// Withheld in the previous quarter, likewise.
    pub previous_withheld: bool,
}

impl Figure {
    /// Red, amber or green against the target: green at or above it, amber
    /// within 10 points below, red beyond.
    pub fn rag(&self) -> Option<&'static str> {
        let (target, pct) = (self.target?, self.current.percent()?);
        Some(if pct >= target {
            "green"
        } else if pct >= target - 10.0 {
            "amber"
        } else {
            "red"
        })
    }

    /// `up`, `down` or `same` against the previous quarter (percentages for
    /// proportions, counts otherwise).
    pub fn trend(&self) -> Option<&'static str> {
        let (now, before) = match (self.current.percent(), self.previous.percent()) {
            (Some(a), Some(b)) => (a, b),
            (None, None) if self.current.denominator.is_none() => {
                (f64::from(self.current.numerator), f64::from(self.previous.numerator))
            }
            _ => return None,
        };
        Some(if (now - before).abs() < 0.05 {
            "same"
        } else if now > before {
            "up"
        } else {
            "down"
        })
    }
}

/// Whether figure `id` is a rate per child (reoffences per child, shown as a
/// number, not a percentage): its numerator may exceed its denominator.
pub fn is_rate(id: &str) -> bool {
    id == "plan.reoffending.frequency"
}

/// Whether figure `id` counts something other than case records (statements,
/// victims, board places): no count of it is bounded by the records counted.
pub fn counts_other_than_cases(id: &str) -> bool {
    id.starts_with("statements.")
        || id.starts_with("kpi.victims")
        || id.starts_with("kpi.board_attendance")
        || id == "records.counted"
}
