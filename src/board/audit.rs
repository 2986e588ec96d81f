//! The disclosure audit of a whole board pack. Every value the pack
//! publishes is a cell; every linear relation an attacker can know from the
//! figures' definitions is written down (a table's rows add up to its total,
//! the same count in two families, a KPI built from rows, a numerator no
//! greater than its denominator, the two quarters shown). For each withheld
//! cell, a linear-programming solver finds the smallest and the largest
//! value the cell can take, given every published value, every relation and
//! that counts are never negative. The cell is protected when that interval
//! reaches at least [`PROTECTION`] above its true value, or at least that far
//! below it: "it could be anything from 0 to at least 5 more".
//!
//! The attacker is assumed to know every relation below and nothing about a
//! withheld value beyond it: the pack marks every withheld value alike, so
//! "withheld" says neither "small" nor "large".

use std::collections::BTreeSet;

use microlp::{ComparisonOp, OptimizationDirection, Problem};

use super::figure::{Figure, counts_other_than_cases, is_rate};
use crate::case::DisposalType;

mod indicators;

/// How far a withheld value must stay uncertain: its feasible interval
/// reaches at least this far above, or below, its true value.
/// The same number as the smallest count published (checked where
/// disclosure control uses both).
pub const PROTECTION: i64 = 5;

/// Which part of a figure a cell is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Part {
    /// The count, or a proportion's numerator.
    Numerator,
    /// A proportion's denominator.
    Denominator,
    /// A proportion's rest: its denominator less its numerator ("26 of 27"
    /// says one was not). Never published on its own, it is known exactly
    /// when both are published, and held to the same protection when not.
    Rest,
}

/// One published (or withheld) value of the pack.
#[derive(Debug, Clone)]
pub struct Cell {
    /// Index of the figure in the figure list.
    pub figure: usize,
    /// The previous quarter's value, rather than this quarter's.
    pub previous: bool,
    /// Numerator or denominator.
    pub part: Part,
    /// The true value.
    pub value: i64,
}

/// A variable of the model: a cell, or a count the pack does not publish
/// at all but which relations share (the caseload with an assessment).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Var {
    /// A cell, by index.
    Cell(usize),
    /// An unpublished count, by index.
    Hidden(usize),
}

/// `Σ coefficient × variable` is zero (`Eq`) or at most zero (`Le`).
#[derive(Debug, Clone)]
pub struct Relation {
    /// The terms.
    pub terms: Vec<(Var, f64)>,
    /// Equal to zero, or at most zero.
    pub equal: bool,
    /// Why it holds, for messages.
    pub why: &'static str,
}

/// The pack as cells and relations.
#[derive(Debug, Clone)]
pub struct Model {
    /// Every cell.
    pub cells: Vec<Cell>,
    /// The true values of the unpublished counts.
    pub hidden: Vec<i64>,
    /// Every relation.
    pub relations: Vec<Relation>,
    /// The relations dropped because the pack lacks a figure they name:
    /// none, or a figure was renamed and the audit would miss a relation.
    pub dropped: Vec<&'static str>,
    /// The figures' ids, for naming cells.
    ids: Vec<String>,
}

/// A withheld cell's feasible interval.
#[derive(Debug, Clone, PartialEq)]
pub struct Interval {
    /// The cell, as `id (this quarter|previous quarter)[ denominator]`.
    pub cell: String,
    /// Its true value.
    pub value: i64,
    /// The smallest value it can take.
    pub min: i64,
    /// The largest, or `None` if unbounded.
    pub max: Option<i64>,
}

impl Interval {
    /// How far the interval reaches beyond the true value, on its wider side.
    pub fn reach(&self) -> i64 {
        let below = self.value - self.min;
        self.max.map_or(i64::MAX, |max| (max - self.value).max(below))
    }

    /// Protected: the interval reaches [`PROTECTION`] above or below.
    pub fn protected(&self) -> bool {
        self.reach() >= PROTECTION
    }
}

impl Model {
    /// The cells and relations of a figure list (as [`super::compute`]
    /// makes it; the relations are found by figure id).
    pub fn of(figures: &[Figure]) -> Self {
        let mut cells = Vec::new();
        for (i, f) in figures.iter().enumerate() {
            for previous in [false, true] {
                let m = if previous { f.previous } else { f.current };
                cells.push(Cell {
                    figure: i,
                    previous,
                    part: Part::Numerator,
                    value: i64::from(m.numerator),
                });
                if let Some(d) = m.denominator {
                    cells.push(Cell { figure: i, previous, part: Part::Denominator, value: i64::from(d) });
                    // A rate per child has no rest: its numerator may exceed it.
                    if !is_rate(&f.id) {
                        let rest = i64::from(d) - i64::from(m.numerator);
                        cells.push(Cell { figure: i, previous, part: Part::Rest, value: rest });
                    }
                }
            }
        }
        let mut model = Self {
            cells,
            hidden: Vec::new(),
            relations: Vec::new(),
            dropped: Vec::new(),
            ids: figures.iter().map(|f| f.id.clone()).collect(),
        };
        for previous in [false, true] {
            model.relate_quarter(previous);
        }
        model.relate_quarters();
        model
    }

    /// The cell of figure `id` in a quarter, if the pack has it.
    pub fn cell(&self, id: &str, previous: bool, part: Part) -> Option<usize> {
        let figure = self.ids.iter().position(|x| x == id)?;
        self.cells.iter().position(|c| c.figure == figure && c.previous == previous && c.part == part)
    }

    /// The cells withheld or published together with cell `c`: a figure's
    /// numerator and denominator in one quarter, or both quarters of a
    /// figure that is the same number in both (the records counted).
    pub fn unit(&self, c: usize) -> Vec<usize> {
        let (figure, previous) = (self.cells[c].figure, self.cells[c].previous);
        let both = self.ids[figure] == "records.counted";
        (0..self.cells.len())
            .filter(|&k| self.cells[k].figure == figure && (both || self.cells[k].previous == previous))
            .collect()
    }

    /// A cell's name: `id (this quarter)` or `id denominator (previous quarter)`.
    pub fn name(&self, cell: usize) -> String {
        let c = &self.cells[cell];
        let part = match c.part {
            Part::Numerator => "",
            Part::Denominator => " denominator",
            Part::Rest => " rest",
        };
        let quarter = if c.previous { "previous quarter" } else { "this quarter" };
        format!("{}{part} ({quarter})", self.ids[c.figure])
    }

    fn ids_starting(&self, prefix: &str) -> Vec<String> {
        self.ids.iter().filter(|id| id.starts_with(prefix) && !id.ends_with(".total")).cloned().collect()
    }

    fn push(&mut self, why: &'static str, equal: bool, terms: Vec<(Option<Var>, f64)>) {
        // A relation naming a figure the pack does not have is dropped.
        if terms.iter().any(|(v, _)| v.is_none()) {
            self.dropped.push(why);
            return;
        }
        let terms = terms.into_iter().map(|(v, c)| (v.expect("checked above"), c)).collect();
        self.relations.push(Relation { terms, equal, why });
    }

    fn var(&self, id: &str, previous: bool, part: Part) -> Option<Var> {
        self.cell(id, previous, part).map(Var::Cell)
    }

    /// `total = Σ parts` (or `≤` with `equal` false).
    fn sum(&mut self, why: &'static str, equal: bool, total: Option<Var>, parts: &[Option<Var>]) {
        let mut terms: Vec<(Option<Var>, f64)> = parts.iter().map(|v| (*v, 1.0)).collect();
        terms.push((total, -1.0));
        self.push(why, equal, terms);
    }

    #[allow(clippy::too_many_lines, reason = "one relation per definition, in the figures' order")]
    fn relate_quarter(&mut self, p: bool) {
        use Part::{Denominator as D, Numerator as N};
        let n = |m: &Self, id: &str| m.var(id, p, N);
        let d = |m: &Self, id: &str| m.var(id, p, D);
        let total = n(self, "caseload.total");
        for family in ["caseload.", "new."] {
            let rows: Vec<Option<Var>> = self.ids_starting(family).iter().map(|id| n(self, id)).collect();
            let t = n(self, &format!("{family}total"));
            self.sum("a table's rows add up to its total", true, t, &rows);
        }
        // Each risk domain counts the caseload with an assessment, by level.
        let assessed = Var::Hidden(self.hidden.len());
        let mut assessed_value = None;
        for domain in ["risk.reoffending.", "risk.serious_harm.", "risk.safety_wellbeing."] {
            let ids = self.ids_starting(domain);
            if ids.is_empty() {
                continue;
            }
            let rows: Vec<Option<Var>> = ids.iter().map(|id| n(self, id)).collect();
            let value: i64 = rows.iter().flatten().map(|v| self.value(*v)).sum();
            assessed_value.get_or_insert(value);
            self.sum("each risk domain counts the assessed caseload", true, Some(assessed), &rows);
        }
        // A guess the pack cannot refute, and which is right, is assumed
        // made: every case in the caseload assessed; every MAPPA case with
        // both a category and a level.
        if let Some(value) = assessed_value {
            self.hidden.push(value);
            let all = total.is_some_and(|t| self.value(t) == value);
            self.sum("the assessed caseload is part of the caseload", all, total, &[Some(assessed)]);
        }
        let mappa: Vec<Vec<Option<Var>>> = ["mappa.category_", "mappa.level_"]
            .iter()
            .map(|family| self.ids_starting(family).iter().map(|id| n(self, id)).collect())
            .collect();
        for rows in &mappa {
            self.sum("MAPPA cases are part of the caseload", false, total, rows);
        }
        let sums: Vec<i64> =
            mappa.iter().map(|rows| rows.iter().flatten().map(|v| self.value(*v)).sum()).collect();
        if sums.len() == 2 && sums[0] == sums[1] {
            let terms =
                mappa[0].iter().map(|v| (*v, 1.0)).chain(mappa[1].iter().map(|v| (*v, -1.0))).collect();
            self.push("every MAPPA case has a category and a level", true, terms);
        }
        let pprc = n(self, "pprc.criteria_met");
        self.sum("PPRC cases are part of the caseload", false, total, &[pprc]);
        let lac = d(self, "lac.share");
        self.sum("the looked-after share's denominator is the caseload", true, total, &[lac]);
        let new = |m: &Self, k: &str| n(m, &format!("new.{k}"));
        let of = |m: &Self, which: fn(DisposalType) -> bool| -> Vec<Option<Var>> {
            DisposalType::all().filter(|k| which(*k)).map(|k| new(m, k.key())).collect()
        };
        let sentences = of(self, DisposalType::is_sentence);
        let assessed = of(self, |k| k.entry().post_order_assessment);
        let custody = of(self, DisposalType::is_custodial);
        let custody_new = n(self, "custody.new");
        self.sum("custody is new DTOs and s.250 sentences", true, custody_new, &custody);
        let share_n = n(self, "custody.share");
        self.sum("the custody share's numerator is custody", true, share_n, &custody);
        let share_d = d(self, "custody.share");
        self.sum("the custody share's denominator is the new sentences", true, share_d, &sentences);
        let assessed_d = d(self, "assessment.on_time");
        self.sum("the assessment figure's denominator is the new sentences", true, assessed_d, &assessed);
        let remand = of(self, DisposalType::is_remand);
        let remand_new = n(self, "remand.new");
        self.sum("remands are new remands", true, remand_new, &remand);
        let ooc = of(self, DisposalType::is_out_of_court);
        let kpi6_n = n(self, "kpi.out_of_court");
        self.sum("KPI 6's numerator is the new out-of-court disposals", true, kpi6_n, &ooc);
        let kpi6_d = d(self, "kpi.out_of_court");
        let both: Vec<Option<Var>> = ooc.iter().chain(&sentences).copied().collect();
        self.sum("KPI 6's denominator is new out-of-court disposals and sentences", true, kpi6_d, &both);
        let plans = d(self, "plans.review_on_time");
        self.sum("plans are counted in the caseload", false, total, &[plans]);
        let psrs = d(self, "psr.gatekept");
        for id in ["psr.on_time", "psr.double_gatekept"] {
            let v = d(self, id);
            self.sum("a PSR figure counts some of the quarter's PSRs", false, psrs, &[v]);
        }
        let received = n(self, "statements.received");
        let outcomes = [d(self, "statements.within_target"), n(self, "statements.unidentified")];
        self.sum("assigned and unidentified statements are among those received", false, received, &outcomes);
        let safety = n(self, "statements.safety_link");
        self.sum("Safety Link statements are among those received", false, received, &[safety]);
        self.relate_indicators(p);
        // Every numerator is at most its denominator (but a rate per
        // child's); every count of cases is at most the records counted.
        let records = n(self, "records.counted");
        for id in self.ids.clone() {
            let (num, den) = (n(self, &id), d(self, &id));
            if den.is_some() && !is_rate(&id) {
                // With the rest never negative, the numerator is at most the denominator.
                let rest = self.var(&id, p, Part::Rest);
                self.sum(
                    "a proportion's numerator and its rest make its denominator",
                    true,
                    den,
                    &[num, rest],
                );
            }
            if !counts_other_than_cases(&id) {
                let widest = den.or(num);
                self.sum("a count of cases is at most the case records counted", false, records, &[widest]);
            }
        }
    }

    /// The two quarters shown: a case open at this quarter's end was open at
    /// the previous quarter's end or started in this quarter; the records
    /// counted are the same number.
    fn relate_quarters(&mut self) {
        for id in std::iter::once("caseload.total".to_owned()).chain(self.ids_starting("caseload.")) {
            let kind = &id["caseload.".len()..];
            let now = self.var(&id, false, Part::Numerator);
            let before = self.var(&id, true, Part::Numerator);
            let new = self.var(&format!("new.{kind}"), false, Part::Numerator);
            self.push(
                "the caseload at this quarter's end was open before or started in the quarter",
                false,
                vec![(now, 1.0), (before, -1.0), (new, -1.0)],
            );
        }
        let now = self.var("records.counted", false, Part::Numerator);
        let before = self.var("records.counted", true, Part::Numerator);
        self.push("the records counted are the same number", true, vec![(now, 1.0), (before, -1.0)]);
    }

    /// A variable's true value.
    pub fn value(&self, v: Var) -> i64 {
        match v {
            Var::Cell(i) => self.cells[i].value,
            Var::Hidden(i) => self.hidden[i],
        }
    }

    /// The relations the true values break: none, or the model is wrong.
    pub fn broken(&self) -> Vec<String> {
        self.relations
            .iter()
            .filter(|r| {
                let lhs: f64 = r.terms.iter().map(|(v, c)| c * self.value(*v) as f64).sum();
                if r.equal { lhs.abs() > 1e-9 } else { lhs > 1e-9 }
            })
            .map(|r| {
                let terms: Vec<String> = r
                    .terms
                    .iter()
                    .map(|(v, c)| match v {
                        Var::Cell(i) => format!("{c:+} × {} [{}]", self.name(*i), self.value(*v)),
                        Var::Hidden(i) => format!("{c:+} × hidden {i} [{}]", self.value(*v)),
                    })
                    .collect();
                format!("{}: {}", r.why, terms.join(" "))
            })
            .collect()
    }

    /// The feasible interval of cell `x`, with the cells in `withheld`
    /// unknown and every other cell fixed at its published value. Checks
    /// the maximum first and, when `reach_only` and it already reaches
    /// [`PROTECTION`] above, skips the minimum (reported as the true value).
    pub fn interval(&self, withheld: &BTreeSet<usize>, x: usize, reach_only: bool) -> Interval {
        let value = self.cells[x].value;
        let max = self.solve(withheld, x, OptimizationDirection::Maximize).map(|m| (m + 1e-6).floor() as i64);
        let min = if reach_only && max.is_none_or(|m| m - value >= PROTECTION) {
            value
        } else {
            self.solve(withheld, x, OptimizationDirection::Minimize)
                .map_or(0, |m| (m - 1e-6).ceil().max(0.0) as i64)
        };
        Interval { cell: self.name(x), value, min, max }
    }

    /// The optimum of cell `x`, or `None` when unbounded.
    fn solve(&self, withheld: &BTreeSet<usize>, x: usize, direction: OptimizationDirection) -> Option<f64> {
        let mut problem = Problem::new(direction);
        // Indexed by cell, then by unpublished count: a solve runs often.
        let cells = self.cells.len();
        let index = |v: &Var| match v {
            Var::Cell(i) => *i,
            Var::Hidden(i) => cells + i,
        };
        let mut free = vec![false; cells + self.hidden.len()];
        for &i in withheld {
            free[i] = true;
        }
        free[cells..].fill(true);
        free[x] = true;
        let mut vars: Vec<Option<microlp::Variable>> = vec![None; free.len()];
        let mut var_of = |problem: &mut Problem, i: usize| {
            *vars[i].get_or_insert_with(|| {
                let objective = if i == x { 1.0 } else { 0.0 };
                problem.add_var(objective, (0.0, f64::INFINITY))
            })
        };
        var_of(&mut problem, x);
        let mut expr = Vec::new();
        for r in &self.relations {
            if !r.terms.iter().any(|(v, _)| free[index(v)]) {
                continue;
            }
            let mut rhs = 0.0;
            expr.clear();
            for (v, c) in &r.terms {
                if free[index(v)] {
                    expr.push((var_of(&mut problem, index(v)), *c));
                } else {
                    rhs -= c * self.value(*v) as f64;
                }
            }
            let op = if r.equal { ComparisonOp::Eq } else { ComparisonOp::Le };
            problem.add_constraint(expr.as_slice(), op, rhs);
        }
        match problem.solve() {
            Ok(microlp::SolveOutcome::Solution(solution)) => Some(solution.objective()),
            Err(microlp::Error::Unbounded) => None,
            // The true values satisfy every relation, so the problem is
            // feasible; a solver failure (or no time limit reached: none is
            // set) is treated as the narrowest answer.
            Ok(microlp::SolveOutcome::Interrupted(_)) | Err(_) => Some(self.cells[x].value as f64),
        }
    }

    /// The published cells that a relation ties to `x` through withheld or
    /// unpublished variables: those whose withholding could widen `x`'s
    /// interval. First those in a relation with `x` itself (or with an
    /// unpublished count `x` is related to), then the rest.
    pub fn neighbours(&self, withheld: &BTreeSet<usize>, x: usize) -> (Vec<usize>, Vec<usize>) {
        let free = |v: &Var| match v {
            Var::Cell(i) => withheld.contains(i) || *i == x,
            Var::Hidden(_) => true,
        };
        let published = |r: &Relation| -> Vec<usize> {
            r.terms
                .iter()
                .filter_map(|(v, _)| match v {
                    Var::Cell(i) if !free(v) => Some(*i),
                    _ => None,
                })
                .collect()
        };
        let touches = |r: &Relation, vars: &BTreeSet<Var>| r.terms.iter().any(|(v, _)| vars.contains(v));
        let mut near: BTreeSet<Var> = BTreeSet::from([Var::Cell(x)]);
        for r in self.relations.iter().filter(|r| touches(r, &BTreeSet::from([Var::Cell(x)]))) {
            near.extend(r.terms.iter().map(|(v, _)| *v).filter(|v| matches!(v, Var::Hidden(_))));
        }
        let direct: BTreeSet<usize> =
            self.relations.iter().filter(|r| touches(r, &near)).flat_map(published).collect();
        let mut reached: BTreeSet<Var> = BTreeSet::from([Var::Cell(x)]);
        let mut all = BTreeSet::new();
        loop {
            let before = reached.len();
            for r in self.relations.iter().filter(|r| touches(r, &reached)).collect::<Vec<_>>() {
                reached.extend(r.terms.iter().map(|(v, _)| *v).filter(|v| free(v)));
                all.extend(published(r));
            }
            if reached.len() == before {
                break;
            }
        }
        let rest = all.into_iter().filter(|i| !direct.contains(i)).collect();
        (direct.into_iter().collect(), rest)
    }
}
