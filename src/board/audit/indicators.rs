//! The relations among the national and plan indicators (decisions 0161,
//! 0162), and between them and the rest of the pack, that an attacker can
//! know from their definitions.

use super::{Model, Part, Var};
use crate::case::DisposalType;

impl Model {
    /// The indicators' relations in one quarter (`p`: the previous one).
    pub(super) fn relate_indicators(&mut self, p: bool) {
        use Part::{Denominator as D, Numerator as N};
        let n = |m: &Self, id: &str| m.var(id, p, N);
        let d = |m: &Self, id: &str| m.var(id, p, D);
        let records = n(self, "records.counted");
        // KPIs 1, 2, 4 and 5 each split the orders ended in the quarter
        // into recorded and not recorded: an unpublished count they share.
        let ended_parts: Vec<[Option<Var>; 2]> =
            ["accommodation", "ete", "mental_health", "substance_misuse"]
                .iter()
                .map(|k| [d(self, &format!("kpi.{k}")), n(self, &format!("kpi.{k}.not_recorded"))])
                .collect();
        if let Some([Some(a), Some(b)]) = ended_parts.first().copied() {
            let ended = Var::Hidden(self.hidden.len());
            self.hidden.push(self.value(a) + self.value(b));
            for parts in &ended_parts {
                self.sum(
                    "KPIs 1, 2, 4 and 5 count the orders ended, recorded or not",
                    true,
                    Some(ended),
                    parts,
                );
            }
            self.sum("orders ended are case records", false, records, &[Some(ended)]);
            if !p {
                // An order ended in this quarter was open at the last
                // one's end or started in this one.
                let (before, new) = (self.var("caseload.total", true, N), n(self, "new.total"));
                let terms = vec![(Some(ended), 1.0), (before, -1.0), (new, -1.0)];
                self.push("an order ended in the quarter was open before it or started in it", false, terms);
            }
        }
        for k in ["mental_health", "substance_misuse"] {
            let need = n(self, &format!("kpi.{k}"));
            let offered_d = d(self, &format!("kpi.{k}.offered"));
            self.sum("the offered step counts those with a need", true, offered_d, &[need]);
            let offered = n(self, &format!("kpi.{k}.offered"));
            let attended_d = d(self, &format!("kpi.{k}.attended"));
            self.sum("the attended step counts those offered", true, attended_d, &[offered]);
        }
        let send = [d(self, "kpi.send"), n(self, "kpi.send.not_recorded")];
        self.sum("SEND identified and SEND not recorded are case records", false, records, &send);
        let meetings = n(self, "kpi.board_attendance.meetings");
        let places = d(self, "kpi.board_attendance");
        self.sum("every meeting held has a place expected", false, places, &[meetings]);
        // First-time entrants, known or not, are new formal entries.
        let new = |m: &Self, k: DisposalType| n(m, &format!("new.{}", k.key()));
        let formal: Vec<Option<Var>> = DisposalType::all()
            .filter(|k| crate::board::plan_indicators::is_formal(*k))
            .map(|k| new(self, k))
            .collect();
        let mut terms: Vec<(Option<Var>, f64)> = formal.iter().map(|v| (*v, -1.0)).collect();
        terms.push((n(self, "plan.fte"), 1.0));
        terms.push((n(self, "plan.fte.not_recorded"), 1.0));
        self.push("first-time entrants, known or not, are new formal entries", false, terms);
        let (binary, frequency) = (d(self, "plan.reoffending.binary"), d(self, "plan.reoffending.frequency"));
        self.sum("both reoffending rates count the one cohort", true, frequency, &[binary]);
        let reoffenders = n(self, "plan.reoffending.binary");
        let reoffences = n(self, "plan.reoffending.frequency");
        self.sum("each reoffender has a reoffence", false, reoffences, &[reoffenders]);
        let cohort = [binary, n(self, "plan.reoffending.not_recorded")];
        self.sum("the cohort, known or not, are case records", false, records, &cohort);
        let custody = n(self, "custody.new");
        let lac = d(self, "plan.lac_custody");
        self.sum("the looked-after custody share's denominator is custody", true, custody, &[lac]);
    }
}
