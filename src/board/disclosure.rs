//! Statistical disclosure control for the board pack, which is circulated
//! beyond the service. A count of 1 to 4 could identify a child, so it is
//! not published (primary suppression). Hiding it alone is not enough: the
//! pack's figures restate each other (a table's rows add up to its total,
//! custody is new DTOs plus new s.250 sentences, KPI 6's numerator is the
//! new out-of-court rows, the caseload at this quarter's end was open at the
//! last one's or started since), so more values are withheld (secondary
//! suppression) until the audit of the whole pack ([`super::audit`]) finds
//! every withheld value still uncertain by at least
//! [`super::audit::PROTECTION`] either way. Every withheld value is marked
//! alike ("\[c\]", `withheld`): saying which are small would tell an attacker
//! they are 1 to 4.

use serde::Serialize;

use std::collections::BTreeSet;

use super::audit::{Interval, Model};
use super::figure::{Figure, Measure};

/// The smallest count published: a count of 1 to 4 could identify a child.
/// The one threshold of the board's disclosure control.
pub const SMALLEST_PUBLISHED: u32 = 5;

// A withheld count must stay uncertain by at least the smallest count published.
const _: () = assert!(super::audit::PROTECTION == SMALLEST_PUBLISHED as i64);

/// A count that could identify a child: 1 to 4 (none is no one).
pub fn is_small(count: u32) -> bool {
    (1..SMALLEST_PUBLISHED).contains(&count)
}

impl Measure {
    /// Primary suppression: a small count is not published, nor is a
    /// percentage built on one, nor one whose rest is small ("26 of 27"
    /// says one child was not, as plainly as "1 of 27" says one was).
    pub fn suppressed(self) -> bool {
        is_small(self.numerator)
            || self.denominator.is_some_and(|d| is_small(d) || is_small(d.saturating_sub(self.numerator)))
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
        ((self.about_children() && m.suppressed()) || withheld).then_some(Suppression::Withheld)
    }

    /// Whether the figure counts children or their cases. The board's own
    /// attendance (KPI 7) identifies no child: no count of it is withheld
    /// for being small.
    pub fn about_children(&self) -> bool {
        !self.id.starts_with("kpi.board_attendance")
    }
}

/// Why a value is not published: always the one reason, whether it is a
/// small count or withheld to protect one, since telling which would narrow
/// it (a small count is 1 to 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Suppression {
    /// Withheld: shown as "\[c\]".
    Withheld,
}

/// Families of rows that count the same children, each family adding up to
/// that group's total: (the published total row, if any; the families).
const GROUPS: [(Option<&str>, &[&str]); 4] = [
    (Some("caseload.total"), &["caseload."]),
    (Some("new.total"), &["new."]),
    (Some("caseload.total"), &["risk.reoffending.", "risk.serious_harm.", "risk.safety_wellbeing."]),
    (None, &["mappa.category_", "mappa.level_"]),
];

/// Withholds what keeps every withheld value protected: first, in each
/// table and quarter, the rows that keep a small count from being worked
/// out by differencing within the table ([`protect_tables`]); then, over the
/// whole pack, whatever the audit still finds too narrow ([`protect_pack`]).
///
/// With `previous_fixed`, the previous quarter is as its own pack published
/// it (its withheld values already marked): nothing more is withheld there,
/// since its own pack published it, and this quarter's values are withheld
/// instead wherever they would narrow one of its withheld values.
pub fn protect(figures: &mut [Figure], previous_fixed: bool) {
    protect_tables(figures, previous_fixed);
    protect_pack(figures, previous_fixed);
}

/// The cells of `model` that `figures` withhold.
fn withheld_cells(model: &Model, figures: &[Figure]) -> BTreeSet<usize> {
    (0..model.cells.len())
        .filter(|&c| {
            let cell = &model.cells[c];
            figures[cell.figure].hidden(cell.previous).is_some()
        })
        .collect()
}

/// The audit: every withheld value's feasible interval, given everything
/// the pack publishes and every relation among its figures.
pub fn audit(figures: &[Figure]) -> Vec<Interval> {
    let model = Model::of(figures);
    let withheld = withheld_cells(&model, figures);
    withheld.iter().map(|&c| model.interval(&withheld, c, false)).collect()
}

/// How good a candidate is: it protects the value and itself; it protects
/// the value; how far the value's interval then reaches, if it does not;
/// minus its cost.
type Choice = (bool, bool, i64, i64);

/// Withholds more values, one figure-quarter at a time, until every
/// withheld value's interval reaches the protection. Each step takes the
/// first withheld value (in the figures' order) still too narrow, and
/// withholds the related figure that protects it (and is protected itself)
/// at the least cost (the smallest value), else the one that widens it
/// most. Deterministic: the same figures give the same choice. If nothing
/// is left to withhold, everything is withheld.
pub fn protect_pack(figures: &mut [Figure], previous_fixed: bool) {
    let model = Model::of(figures);
    // A cell another pack has published is no candidate: withholding it here
    // would hide nothing. The records counted are not a quarter's figure.
    let candidate = |c: usize| {
        let cell = &model.cells[c];
        !(previous_fixed && cell.previous && figures[cell.figure].id != "records.counted")
    };
    let mut withheld = withheld_cells(&model, figures);
    let mut passed = BTreeSet::new();
    loop {
        let unchecked: Vec<usize> = withheld.difference(&passed).copied().collect();
        let mut failing = None;
        for c in unchecked {
            // Withholding more only widens an interval: a pass stays a pass.
            if model.interval(&withheld, c, true).protected() {
                passed.insert(c);
            } else {
                failing = Some(c);
                break;
            }
        }
        let Some(x) = failing else { break };
        let (direct, rest) = model.neighbours(&withheld, x);
        let base = model.interval(&withheld, x, false).reach();
        let mut best: Option<(Choice, Vec<usize>)> = None;
        for candidates in [direct, rest] {
            // The cheapest first: the first that protects the value and
            // itself is the choice, and the rest need no solving.
            let mut units: Vec<(i64, Vec<usize>)> = Vec::new();
            for c in candidates.into_iter().filter(|&c| candidate(c)) {
                let cells = model.unit(c);
                if units.iter().all(|(_, u)| u[0] != cells[0]) {
                    let cost: i64 = cells.iter().map(|&k| model.cells[k].value).sum();
                    units.push((cost, cells));
                }
            }
            units.sort();
            for (cost, cells) in units {
                let mut trial = withheld.clone();
                trial.extend(&cells);
                let ix = model.interval(&trial, x, true);
                let protects = ix.protected();
                let itself = protects && cells.iter().all(|&k| model.interval(&trial, k, true).protected());
                // Better: protects x and itself; protects x; widens x most; costs least.
                let reach = if protects { 0 } else { ix.reach().min(i64::MAX / 2) };
                let key = (itself, protects, reach, -cost);
                if best.as_ref().is_none_or(|(k, _)| key > *k) {
                    best = Some((key, cells));
                }
                if itself {
                    break;
                }
            }
            if best.as_ref().is_some_and(|((_, protects, reach, _), _)| *protects || *reach > base) {
                break;
            }
        }
        match best {
            Some((_, cells)) => withheld.extend(cells),
            None => {
                withheld = (0..model.cells.len()).collect();
                break;
            }
        }
    }
    for c in withheld {
        let cell = &model.cells[c];
        let f = &mut figures[cell.figure];
        if cell.previous { f.previous_withheld = true } else { f.current_withheld = true }
    }
}

/// Withholds, in every family and in both quarters, the rows that keep
/// every small count from being worked out by differencing within the
/// table (decision 0069): the first pass of [`protect`].
///
/// An attacker knows a family's total when its group publishes that total
/// (and the family adds up to it), or when another family of the group, of
/// the same total, is published in full. Only then can differencing work,
/// and only then are more rows withheld.
pub fn protect_tables(figures: &mut [Figure], previous_fixed: bool) {
    let quarters: &[bool] = if previous_fixed { &[false] } else { &[false, true] };
    for (total_id, families) in GROUPS {
        for &previous in quarters {
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
