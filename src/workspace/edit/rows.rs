//! Three-way merge of a table's rows (targets, agencies, contacts): rows
//! keep their identity by position in the version both sides started from,
//! found by matching unchanged rows (the diff3 of version control, with a
//! row for a line). A run of rows changed on one side only takes that side;
//! rows changed on both sides merge cell by cell when they still pair up,
//! and are otherwise a conflict that shows both versions of those rows.

use std::ops::Range;

use similar::{Algorithm, DiffOp, capture_diff_slices};

/// One row: its cells in column order.
pub type Row = Vec<String>;

/// The merged rows, and the runs of them that conflict.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Merged {
    /// The rows to write: on a conflict, the writer's.
    pub rows: Vec<Row>,
    /// The runs of rows both sides changed.
    pub conflicts: Vec<RowConflict>,
}

/// Rows both sides changed: the writer's are `merged[yours]` of the merged
/// rows; what was saved meanwhile is `saved_rows`, rows `saved` of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowConflict {
    /// The writer's rows, in the merged rows.
    pub yours: Range<usize>,
    /// The rows saved meanwhile, in the file's rows.
    pub saved: Range<usize>,
    /// Those saved rows.
    pub saved_rows: Vec<Row>,
}

/// Merges `yours` and `saved`, both changed from `base`.
pub fn merge(base: &[Row], saved: &[Row], yours: &[Row]) -> Merged {
    let in_saved = matches(base, saved);
    let in_yours = matches(base, yours);
    let mut out = Merged::default();
    let (mut b, mut s, mut y) = (0, 0, 0);
    loop {
        // Rows unchanged on both sides.
        while b < base.len() && in_saved[b] == Some(s) && in_yours[b] == Some(y) {
            out.rows.push(base[b].clone());
            (b, s, y) = (b + 1, s + 1, y + 1);
        }
        // The next row both sides kept ends the changed run.
        let next = (b..base.len()).find(|&i| in_saved[i].is_some() && in_yours[i].is_some());
        let (b_end, s_end, y_end) = match next {
            Some(i) => (i, in_saved[i].unwrap_or(s), in_yours[i].unwrap_or(y)),
            None => (base.len(), saved.len(), yours.len()),
        };
        changed_run(&base[b..b_end], &saved[s..s_end], &yours[y..y_end], s, &mut out);
        if next.is_none() {
            return out;
        }
        (b, s, y) = (b_end, s_end, y_end);
    }
}

fn changed_run(base: &[Row], saved: &[Row], yours: &[Row], saved_at: usize, out: &mut Merged) {
    if base.is_empty() {
        // Rows each side added at one place: both kept, the same row once.
        out.rows.extend_from_slice(saved);
        out.rows.extend(yours.iter().filter(|r| !saved.contains(r)).cloned());
    } else if saved == base || saved == yours {
        out.rows.extend_from_slice(yours);
    } else if yours == base {
        out.rows.extend_from_slice(saved);
    } else if let Some(rows) = cell_by_cell(base, saved, yours) {
        out.rows.extend(rows);
    } else {
        let at = out.rows.len();
        out.rows.extend_from_slice(yours);
        out.conflicts.push(RowConflict {
            yours: at..out.rows.len(),
            saved: saved_at..saved_at + saved.len(),
            saved_rows: saved.to_vec(),
        });
    }
}

/// Rows that still pair up (as many on each side) merge cell by cell, as
/// fields do; `None` when a cell changed on both sides.
fn cell_by_cell(base: &[Row], saved: &[Row], yours: &[Row]) -> Option<Vec<Row>> {
    if base.len() != saved.len() || base.len() != yours.len() {
        return None;
    }
    let mut rows = Vec::new();
    for ((b, s), y) in base.iter().zip(saved).zip(yours) {
        let mut row = Vec::new();
        for i in 0..b.len().max(s.len()).max(y.len()) {
            let cell = |r: &Row| r.get(i).cloned().unwrap_or_default();
            let (b, s, y) = (cell(b), cell(s), cell(y));
            row.push(if y == b || y == s {
                s
            } else if s == b {
                y
            } else {
                return None;
            });
        }
        rows.push(row);
    }
    Some(rows)
}

/// For each row of `base`, its place in `other` if it is there unchanged.
fn matches(base: &[Row], other: &[Row]) -> Vec<Option<usize>> {
    let mut at = vec![None; base.len()];
    for op in capture_diff_slices(Algorithm::Myers, base, other) {
        if let DiffOp::Equal { old_index, new_index, len } = op {
            for k in 0..len {
                at[old_index + k] = Some(new_index + k);
            }
        }
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(cells: &[&str]) -> Vec<Row> {
        cells.iter().map(|r| r.split('|').map(str::to_owned).collect()).collect()
    }

    #[test]
    fn a_row_added_on_each_side_keeps_both() {
        let base = rows(&["a|1", "b|2"]);
        let m = merge(&base, &rows(&["a|1", "b|2", "c|3"]), &rows(&["x|0", "a|1", "b|2"]));
        assert_eq!(m.rows, rows(&["x|0", "a|1", "b|2", "c|3"]));
        assert!(m.conflicts.is_empty());
    }

    #[test]
    fn rows_added_at_the_end_on_both_sides_are_both_kept() {
        let base = rows(&["a|1"]);
        let m = merge(&base, &rows(&["a|1", "s|2"]), &rows(&["a|1", "y|3"]));
        assert_eq!(m.rows, rows(&["a|1", "s|2", "y|3"]));
        assert!(m.conflicts.is_empty());
    }

    #[test]
    fn different_cells_of_one_row_merge() {
        let base = rows(&["a|1", "b|2"]);
        let m = merge(&base, &rows(&["a|1", "B|2"]), &rows(&["a|1", "b|22"]));
        assert_eq!(m.rows, rows(&["a|1", "B|22"]));
        assert!(m.conflicts.is_empty());
    }

    #[test]
    fn one_cell_changed_on_both_sides_is_a_conflict_showing_both_rows() {
        let base = rows(&["a|1", "b|2", "c|3"]);
        let m = merge(&base, &rows(&["a|1", "b|saved", "c|3"]), &rows(&["a|1", "b|mine", "c|3"]));
        assert_eq!(m.rows, rows(&["a|1", "b|mine", "c|3"]));
        assert_eq!(m.conflicts, [RowConflict { yours: 1..2, saved: 1..2, saved_rows: rows(&["b|saved"]) }]);
    }

    #[test]
    fn a_row_deleted_on_one_side_and_changed_on_the_other_is_a_conflict() {
        let base = rows(&["a|1", "b|2"]);
        let m = merge(&base, &rows(&["a|1", "b|changed"]), &rows(&["a|1"]));
        assert_eq!(m.rows, rows(&["a|1"]));
        assert_eq!(m.conflicts, [RowConflict { yours: 1..1, saved: 1..2, saved_rows: rows(&["b|changed"]) }]);
    }

    #[test]
    fn a_row_deleted_on_one_side_only_goes() {
        let base = rows(&["a|1", "b|2", "c|3"]);
        let m = merge(&base, &rows(&["a|1", "c|3"]), &rows(&["a|1", "b|2", "c|3", "d|4"]));
        assert_eq!(m.rows, rows(&["a|1", "c|3", "d|4"]));
        assert!(m.conflicts.is_empty());
    }

    #[test]
    fn the_same_change_on_both_sides_is_taken_once() {
        let base = rows(&["a|1"]);
        let m = merge(&base, &rows(&["a|1", "n|9"]), &rows(&["a|1", "n|9"]));
        assert_eq!(m.rows, rows(&["a|1", "n|9"]));
    }
}
