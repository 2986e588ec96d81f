//! Statistical disclosure control for the board pack, which is circulated
//! beyond the service. A count of 1 to 4 could identify a child, so it is
//! not published (primary suppression). Hiding it alone is not enough: in a
//! table whose rows add up to a known total (caseload by order type, new
//! cases, each risk domain by level, MAPPA by category and by level), the
//! total minus the published rows gives the hidden ones. So in each such
//! family, for each quarter, more rows are withheld (secondary suppression)
//! until no hidden count can be worked out exactly, assuming the attacker
//! knows the family's total and that a "<5" count is 1 to 4 and a withheld
//! one is 5 or more.

use serde::Serialize;

use super::figure::{Figure, Measure};

/// The smallest count published: a count of 1 to 4 could identify a child.
/// The one threshold of the board's disclosure control.
pub const SMALLEST_PUBLISHED: u32 = 5;

/// A count that could identify a child: 1 to 4 (none is no one).
pub fn is_small(count: u32) -> bool {
    (1..SMALLEST_PUBLISHED).contains(&count)
}

impl Measure {
    /// Primary suppression: a small count is not published, nor is a
    /// percentage built on one.
    pub fn suppressed(self) -> bool {
        is_small(self.numerator) || self.denominator.is_some_and(is_small)
    }
}

impl Figure {
    /// Why this quarter's (or, with `previous`, the previous quarter's)
    /// value is not published, if it is not.
    pub fn hidden(&self, previous: bool) -> Option<Suppression> {
        let (m, withheld) = if previous {
            (self.previous, self.previous_withheld)
        } else {
            (self.current, self.current_withheld)
        };
        if m.suppressed() {
            Some(Suppression::Small)
        } else if withheld {
            Some(Suppression::Secondary)
        } else {
            None
        }
    }
}

/// Why a value is not published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Suppression {
    /// A count of 1 to 4 (or a proportion built on one): shown as "<5".
    Small,
    /// Withheld so that a small count in the same table cannot be worked out.
    Secondary,
}

/// Families of rows that count the same children, each family adding up to
/// that group's total: (the published total row, if any; the families).
const GROUPS: [(Option<&str>, &[&str]); 4] = [
    (Some("caseload.total"), &["caseload."]),
    (Some("new.total"), &["new."]),
    (Some("caseload.total"), &["risk.reoffending.", "risk.serious_harm.", "risk.safety_wellbeing."]),
    (None, &["mappa.category_", "mappa.level_"]),
];

/// Withholds, in every family and in both quarters, the rows that keep
/// every small count from being worked out.
///
/// An attacker knows a family's total when its group publishes that total
/// (and the family adds up to it), or when another family of the group, of
/// the same total, is published in full. Only then can differencing work,
/// and only then are more rows withheld.
pub fn protect(figures: &mut [Figure]) {
    for (total_id, families) in GROUPS {
        for previous in [false, true] {
            let value = |f: &Figure| if previous { f.previous.numerator } else { f.current.numerator };
            let members: Vec<Vec<usize>> = families
                .iter()
                .map(|prefix| {
                    (0..figures.len())
                        .filter(|&i| figures[i].id.starts_with(prefix) && !figures[i].id.ends_with(".total"))
                        .collect()
                })
                .collect();
            let sums: Vec<u32> =
                members.iter().map(|m| m.iter().map(|&i| value(&figures[i])).sum()).collect();
            let total = total_id
                .and_then(|id| figures.iter().find(|f| f.id == id))
                .map(value)
                .filter(|t| !is_small(*t));
            for (k, family) in members.iter().enumerate() {
                let in_full = |j: usize| {
                    j != k && sums[j] == sums[k] && members[j].iter().all(|&i| !is_small(value(&figures[i])))
                };
                let known = total == Some(sums[k]) || (0..members.len()).any(in_full);
                if !known {
                    continue;
                }
                let values: Vec<u32> = family.iter().map(|&i| value(&figures[i])).collect();
                for s in secondary(&values) {
                    let f = &mut figures[family[s]];
                    if previous { f.previous_withheld = true } else { f.current_withheld = true }
                }
            }
        }
    }
}

/// Which further rows of a family to withhold, given its counts.
pub fn secondary(values: &[u32]) -> Vec<usize> {
    let mut hidden: Vec<usize> = (0..values.len()).filter(|&i| is_small(values[i])).collect();
    let mut withheld = Vec::new();
    while !hidden.is_empty() && exposed(values, &hidden, &withheld) {
        // The smallest published count of 5 or more, preferring one with
        // room to spare (6 or more) so that it blurs a count of 1.
        let candidate = (0..values.len())
            .filter(|i| !hidden.contains(i) && values[*i] >= 5)
            .min_by_key(|&i| (values[i] < 6, values[i]));
        match candidate {
            Some(i) => {
                hidden.push(i);
                withheld.push(i);
            }
            None => {
                // Nothing left to blur with (a tiny family): withhold every
                // other row, zeros too.
                let rest: Vec<usize> = (0..values.len()).filter(|i| !hidden.contains(i)).collect();
                withheld.extend(rest);
                break;
            }
        }
    }
    withheld
}

/// Whether any small count among `hidden` can be worked out exactly from
/// the family's total (the sum of `values`), the published rows, and the
/// bounds an attacker knows: 1 to 4 for a small count, 5 or more for a
/// withheld one.
pub fn exposed(values: &[u32], hidden: &[usize], withheld: &[usize]) -> bool {
    let sum: i64 = hidden.iter().map(|&i| i64::from(values[i])).sum();
    let bounds = |i: usize| if withheld.contains(&i) { (5_i64, i64::MAX / 4) } else { (1_i64, 4_i64) };
    hidden.iter().filter(|i| !withheld.contains(i)).any(|&i| {
        let others = hidden.iter().filter(|&&j| j != i);
        let (lo_others, hi_others) =
            others.fold((0_i64, 0_i64), |(lo, hi), &j| (lo + bounds(j).0, hi.saturating_add(bounds(j).1)));
        let lo = 1.max(sum - hi_others);
        let hi = 4.min(sum - lo_others);
        lo >= hi
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_small_count_beside_a_total_is_blurred_by_a_larger_row() {
        // 22 + 3 + 19 = 44: alone, the 3 is the total minus the rest.
        let values = [22, 3, 19];
        let withheld = secondary(&values);
        assert_eq!(withheld, [2], "the smallest row with room to spare");
        assert!(!exposed(&values, &[1, 2], &withheld));
    }

    #[test]
    fn two_small_counts_that_add_to_8_or_2_are_blurred_too() {
        assert!(exposed(&[4, 4, 30], &[0, 1], &[]), "8 can only be 4 + 4");
        assert!(exposed(&[1, 1, 30], &[0, 1], &[]), "2 can only be 1 + 1");
        assert!(!exposed(&[3, 4, 30], &[0, 1], &[]), "7 is 3 + 4 or 4 + 3");
        assert_eq!(secondary(&[4, 4, 30]), [2]);
        assert!(secondary(&[3, 4, 30]).is_empty());
    }

    #[test]
    fn with_nothing_large_enough_every_other_row_is_withheld() {
        assert_eq!(secondary(&[1, 0, 0]), [1, 2]);
        assert!(secondary(&[0, 0, 0]).is_empty());
    }
}
