//! A generator of N fictional, plausible cases for scale tests, benchmarks
//! and the board sample caseload. Deterministic: the same seed gives the
//! same cases.

#![allow(dead_code, reason = "each user takes a different subset")]

use chrono::{Days, NaiveDate};
use serde_json::{Value, json};

/// A small deterministic generator (xorshift64*): no dependency, same
/// output on every machine.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed.max(1))
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// 0 ≤ n < max.
    pub fn below(&mut self, max: u64) -> u64 {
        self.next() % max.max(1)
    }

    /// True with probability `percent`%.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

const FIRST: &[&str] = &[
    "Aiden", "Bella", "Callum", "Demi", "Ethan", "Faith", "Harley", "Imogen", "Jayden", "Kacey", "Leon",
    "Maya", "Nathan", "Olivia", "Reece", "Skye", "Tyler", "Zara", "Kofi", "Amara", "Bilal", "Mariam",
    "Piotr", "Oksana",
];
const LAST: &[&str] = &[
    "Adams",
    "Brooks",
    "Carter",
    "Dunn",
    "Evans",
    "Fletcher",
    "Grant",
    "Hughes",
    "Iqbal",
    "Jones",
    "Kowalczyk",
    "Lewis",
    "Mensah",
    "Nowak",
    "Owen",
    "Patel",
    "Quinn",
    "Reid",
    "Shah",
    "Turner",
];
const LEVELS: &[&str] = &["low", "low", "medium", "medium", "high", "very_high"];
const WORKERS: &[(&str, &str, &str)] = &[
    ("Priya Natarajan", "North Team", "Declan Hughes"),
    ("Sarah Bennett", "North Team", "Declan Hughes"),
    ("Tom Ashworth", "South Team", "Ruth Okafor"),
    ("Kirsty Doyle", "South Team", "Ruth Okafor"),
    ("Amrit Sandhu", "Central Team", "Gemma Rowe"),
];

fn date(d: NaiveDate) -> Value {
    Value::String(d.to_string())
}

/// `n` cases whose orders start between `from` and `to`, as JSON values.
pub fn synthetic_cases(n: usize, from: NaiveDate, to: NaiveDate, seed: u64) -> Vec<Value> {
    let mut rng = Rng::new(seed);
    let span = (to - from).num_days().max(1) as u64;
    (0..n).map(|i| one_case(&mut rng, i, from, span, to)).collect()
}

fn one_case(rng: &mut Rng, i: usize, from: NaiveDate, span: u64, to: NaiveDate) -> Value {
    let start = from + Days::new(rng.below(span));
    let dob = NaiveDate::from_ymd_opt(
        2008 + rng.below(6) as i32,
        1 + rng.below(12) as u32,
        1 + rng.below(28) as u32,
    )
    .unwrap();
    let (worker, team, manager) = *rng.pick(WORKERS);
    let kind = *rng.pick(&[
        "referral_order",
        "referral_order",
        "referral_order",
        "youth_rehabilitation_order",
        "youth_rehabilitation_order",
        "yro_iss",
        "detention_and_training_order",
        "youth_conditional_caution",
        "youth_conditional_caution",
        "youth_caution",
        "community_resolution",
        "prevention",
        "bail_supervision",
        "remand",
    ]);
    let months = 3 + rng.below(10);
    let closed = start + Days::new(months * 30);
    let closed = (closed <= to && rng.chance(70)).then_some(closed);
    let sentence = matches!(
        kind,
        "referral_order" | "youth_rehabilitation_order" | "yro_iss" | "detention_and_training_order"
    );
    let score = rng.below(65);
    let level = |rng: &mut Rng| *rng.pick(LEVELS);
    let assessed = start + Days::new(3 + rng.below(26));
    let mut case = json!({
        "schema": "casepress/case/v1",
        "case_id": format!("NYJS-SYN-{i:05}"),
        "child": {
            "first_name": rng.pick(FIRST),
            "last_name": rng.pick(LAST),
            "date_of_birth": date(dob),
            "gender": rng.pick(&["Male", "Male", "Female", "Non-binary"]),
            "ethnicity": rng.pick(&["White British", "Black British", "British Pakistani", "Mixed White and Black Caribbean", "White Polish", "Any other ethnic group"]),
        },
        "case_manager": {"name": worker, "team": team},
        "line_manager": {"name": manager},
        "team": team,
        "order": {"type": kind, "start_date": date(start), "length_months": months, "assessed_date": date(assessed)},
        "assessment": {"date": date(assessed), "asset_score": score, "reoffending": level(rng), "serious_harm": level(rng), "safety_wellbeing": level(rng)},
        "strengths": ["Enjoys football"],
        "intervention_plan": {"date": date(assessed + Days::new(rng.below(10)))},
    });
    if let Some(c) = closed {
        case["order"]["closed_date"] = date(c);
        case["end_of_order"] = json!({
            "suitable_accommodation": rng.chance(88),
            "suitable_ete": rng.chance(65),
            "mental_health_need": rng.chance(40),
            "mental_health_attended": rng.chance(70),
            "substance_misuse_need": rng.chance(30),
            "substance_misuse_attended": rng.chance(60),
        });
    }
    if rng.chance(22) {
        case["child"]["looked_after"] = json!({"local_authority": "Northfield City Council"});
    }
    if rng.chance(30) {
        case["child"]["send"] = json!({"identified": true, "formal_plan": rng.chance(55)});
    }
    let victims: Vec<Value> = (0..rng.below(3))
        .map(|_| {
            let consents = rng.chance(55);
            json!({"description": "member of the public", "consents_to_contact": consents, "engaged_in_rj": consents && rng.chance(50)})
        })
        .collect();
    let offence_date = start - Days::new(20 + rng.below(60));
    case["offences"] = json!([{"date": date(offence_date), "description": "Offence (synthetic)", "plea": "guilty", "victims": victims}]);
    if sentence && rng.chance(60) {
        let hearing = start;
        let custody = rng.chance(20);
        let due_gap = 2 + rng.below(5);
        let submitted =
            if rng.chance(85) { hearing - Days::new(due_gap + 1) } else { hearing - Days::new(1) };
        let mut managers = vec![json!({"name": manager, "team": team})];
        if custody && rng.chance(75) {
            managers.push(json!({"name": "Ruth Okafor", "team": "Another Team"}));
        }
        case["court"] = json!({"name": "Northfield Youth Court", "hearing_date": date(hearing)});
        case["psr"] = json!({"custody_strong_possibility": custody});
        if rng.chance(92) {
            case["gatekeeping"] = json!({"meeting_date": date(submitted - Days::new(2)), "managers": managers, "submitted_date": date(submitted)});
        }
    }
    if rng.chance(6) {
        let category = 1 + rng.below(3);
        let level = if category == 3 { 2 + rng.below(2) } else { 1 + rng.below(2) };
        case["mappa"] =
            json!({"category": category, "level": level, "notified_date": date(start + Days::new(5))});
    }
    if rng.chance(6) {
        let mut pprc = json!({"criteria_met": true, "risk_identified": rng.chance(60), "discussion_date": date(start + Days::new(7))});
        if pprc["risk_identified"] == true {
            pprc["referral_date"] = date(start + Days::new(10));
        }
        if let Some(c) = closed {
            pprc["reassessment_date"] = date(c);
        }
        case["pprc"] = pprc;
    }
    // Drawn last, so that every earlier field is what it was for a seed.
    if closed.is_some() {
        for need in ["mental_health", "substance_misuse"] {
            if rng.chance(80) {
                case["end_of_order"][format!("{need}_offered")] = json!(rng.chance(75));
            }
        }
        if rng.chance(10) {
            case["end_of_order"]["suitable_ete"] = Value::Null;
        }
    }
    if rng.chance(75) {
        let history: Vec<Value> = (0..rng.below(4))
            .map(|_| {
                let outcome = if rng.chance(50) { start + Days::new(rng.below(400)) } else { start - Days::new(1 + rng.below(700)) };
                let kind = rng.pick(&["youth_caution", "youth_conditional_caution", "referral_order", "youth_rehabilitation_order", "community_resolution"]);
                json!({"type": kind, "outcome_date": date(outcome), "offence_date": date(outcome - Days::new(10 + rng.below(60))), "offences": 1 + rng.below(3)})
            })
            .collect();
        case["offending_history"] = json!(history);
    }
    case
}
