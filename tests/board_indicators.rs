//! The national KPIs and the Youth Justice Plan's indicators (decisions
//! 0161 and 0162), each numerator and denominator against a caseload
//! worked out by hand, for July to September 2026 (2026-Q2); and the
//! same figures inside the pack-wide disclosure audit.

mod common;

use casepress::board::audit::Model;
use casepress::board::disclosure::audit;
use casepress::board::national::{Attendance, parse_attendance};
use casepress::board::{Figure, Measure};
use casepress::case::Case;
use common::board_figures;
use serde_json::{Value, json};

/// A minimal case with `extra` merged in.
fn case(id: &str, extra: Value) -> Case {
    let mut c = json!({
        "schema": "casepress/case/v1",
        "case_id": id,
        "child": {"first_name": "Sam", "last_name": "Test", "date_of_birth": "2010-01-01"},
        "case_manager": {"name": "Ann Case"},
        "team": "North",
    });
    for (k, v) in extra.as_object().unwrap() {
        if k == "child" {
            for (ck, cv) in v.as_object().unwrap() {
                c["child"][ck] = cv.clone();
            }
        } else {
            c[k] = v.clone();
        }
    }
    serde_json::from_value(c).unwrap_or_else(|e| panic!("{id}: {e}"))
}

fn order(kind: &str, start: &str, closed: Option<&str>) -> Value {
    let mut o = json!({"type": kind, "start_date": start});
    if let Some(c) = closed {
        o["closed_date"] = json!(c);
    }
    o
}

/// The hand-computed caseload. H: orders started in the quarter. R: the
/// reoffending cohort's year (April 2024 to March 2025). E: orders ended
/// in the quarter.
fn caseload() -> Vec<Case> {
    vec![
        // A first entry: a YRO, and a history recorded with nothing in it.
        case(
            "H1",
            json!({
                "order": order("youth_rehabilitation_order", "2026-07-10", None),
                "offending_history": [],
                "child": {"send": {"identified": true, "formal_plan": true}},
                "offences": [{"date": "2026-06-01", "description": "Theft", "victims": [
                    {"description": "shop worker", "consents_to_contact": true, "engaged_in_rj": true},
                    {"description": "shop owner", "consents_to_contact": true, "engaged_in_rj": false},
                    {"description": "passer-by"}
                ]}],
            }),
        ),
        // Not a first entry: a Youth Caution last November.
        case(
            "H2",
            json!({
                "order": order("youth_conditional_caution", "2026-08-01", None),
                "offending_history": [{"type": "youth_caution", "outcome_date": "2025-11-01"}],
                "child": {"send": {"identified": true}},
                "offences": [{"date": "2026-07-01", "description": "Criminal damage", "victims": [
                    {"description": "neighbour", "consents_to_contact": true}
                ]}],
            }),
        ),
        // A looked-after child's DTO; no history recorded: first entry unknown.
        case(
            "H3",
            json!({
                "order": order("detention_and_training_order", "2026-09-01", None),
                "child": {"looked_after": {"local_authority": "Northfield"}, "send": {"identified": false}},
            }),
        ),
        // A first entry: a Community Resolution before is not a formal entry.
        case(
            "H4",
            json!({
                "order": order("section250", "2026-07-20", None),
                "offending_history": [{"type": "community_resolution", "outcome_date": "2025-01-01"}],
            }),
        ),
        // A Community Resolution is no entry at all.
        case(
            "H5",
            json!({"order": order("community_resolution", "2026-07-05", None), "offending_history": []}),
        ),
        // Cohort: entry 1 Jun 2024; a Youth Caution for 2 offences of
        // 1 Sep 2024 and a Referral Order for 1 offence of 1 May 2025
        // (proved 1 Sep 2025, within 18 months): 3 reoffences.
        case(
            "R1",
            json!({
                "order": order("referral_order", "2024-06-01", Some("2025-03-01")),
                "offences": [{"date": "2024-05-01", "description": "Assault"}],
                "offending_history": [
                    {"type": "youth_caution", "outcome_date": "2024-10-01", "offence_date": "2024-09-01", "offences": 2},
                    {"type": "referral_order", "outcome_date": "2025-09-01", "offence_date": "2025-05-01"}
                ],
            }),
        ),
        // Cohort: entry 1 Feb 2025, nothing since.
        case(
            "R2",
            json!({"order": order("youth_caution", "2025-02-01", Some("2025-05-01")), "offending_history": []}),
        ),
        // Cohort: entry a YCC of 1 Dec 2024; the Community Resolution after
        // is no reoffence; the current YRO (10 Jan 2026) for an offence of
        // 15 Nov 2025, within 12 months: 1 reoffence.
        case(
            "R3",
            json!({
                "order": order("youth_rehabilitation_order", "2026-01-10", None),
                "offences": [{"date": "2025-11-15", "description": "Robbery"}],
                "offending_history": [
                    {"type": "youth_conditional_caution", "outcome_date": "2024-12-01", "offence_date": "2024-11-01"},
                    {"type": "community_resolution", "outcome_date": "2025-03-01", "offence_date": "2025-02-01"}
                ],
            }),
        ),
        // An entry in the cohort's year, history not recorded.
        case("R4", json!({"order": order("referral_order", "2024-09-01", Some("2025-06-01"))})),
        // A Community Resolution in the cohort's year: not in the cohort.
        case(
            "R5",
            json!({"order": order("community_resolution", "2024-08-01", Some("2024-09-01")), "offending_history": []}),
        ),
        case(
            "E1",
            json!({
                "order": order("referral_order", "2026-01-05", Some("2026-07-15")),
                "child": {"send": {"identified": true, "formal_plan": true}},
                "end_of_order": {"suitable_accommodation": true, "suitable_ete": true,
                    "mental_health_need": true, "mental_health_offered": true, "mental_health_attended": false,
                    "substance_misuse_need": false},
            }),
        ),
        // Attended, so offered (offered itself not recorded); ETE not recorded.
        case(
            "E2",
            json!({
                "order": order("youth_rehabilitation_order", "2025-10-01", Some("2026-08-20")),
                "end_of_order": {"suitable_accommodation": false,
                    "mental_health_need": true, "mental_health_attended": true,
                    "substance_misuse_need": true, "substance_misuse_offered": false},
                "offences": [{"date": "2025-09-01", "description": "Theft", "victims": [
                    {"description": "shop", "consents_to_contact": false}
                ]}],
            }),
        ),
        // Nothing recorded at the end.
        case("E3", json!({"order": order("youth_caution", "2026-06-01", Some("2026-09-10"))})),
    ]
}

fn attendance() -> Vec<Attendance> {
    parse_attendance(
        "date,member,attended\n\
         2026-07-14,Police,yes\n2026-07-14,Health,no\n2026-07-14,Education,yes\n\
         2026-09-15,Police,yes\n2026-09-15,Health,yes\n2026-09-15,Education,no\n\
         2026-05-10,Police,yes\n",
    )
    .unwrap()
}

fn figures() -> Vec<Figure> {
    board_figures(&caseload(), &attendance(), "2026-Q2".parse().unwrap())
}

fn m(n: u32, d: Option<u32>) -> Measure {
    Measure { numerator: n, denominator: d }
}

#[test]
fn every_indicator_equals_its_hand_computed_numerator_and_denominator() {
    let f = figures();
    let get = |id: &str| f.iter().find(|x| x.id == id).unwrap_or_else(|| panic!("no figure {id}"));
    let want = [
        // Ended in the quarter: E1, E2, E3. Accommodation: E1 yes, E2 no, E3 not recorded.
        ("kpi.accommodation", m(1, Some(2))),
        ("kpi.accommodation.not_recorded", m(1, None)),
        // ETE: E1 yes; E2 and E3 not recorded.
        ("kpi.ete", m(1, Some(1))),
        ("kpi.ete.not_recorded", m(2, None)),
        // Worked with: H1-H5, R3, E1-E3 (9). SEND identified: H1 (plan), H2, E1 (plan);
        // H3 recorded as no need; five with nothing recorded.
        ("kpi.send", m(2, Some(3))),
        ("kpi.send.not_recorded", m(5, None)),
        // Mental health: E1 and E2 screened, both with a need; E1 offered,
        // E2 attended (so offered); of the two offered, E2 attended.
        ("kpi.mental_health", m(2, Some(2))),
        ("kpi.mental_health.offered", m(2, Some(2))),
        ("kpi.mental_health.attended", m(1, Some(2))),
        ("kpi.mental_health.not_recorded", m(1, None)),
        // Substance misuse: E1 no need, E2 a need, not offered.
        ("kpi.substance_misuse", m(1, Some(2))),
        ("kpi.substance_misuse.offered", m(0, Some(1))),
        ("kpi.substance_misuse.attended", m(0, Some(0))),
        ("kpi.substance_misuse.not_recorded", m(1, None)),
        // Two meetings, six places, four taken.
        ("kpi.board_attendance", m(4, Some(6))),
        ("kpi.board_attendance.meetings", m(2, None)),
        // Victims consenting: H1's two and H2's one; one engaged. H1's
        // third has no consent recorded; E2's refused.
        ("kpi.victims", m(1, Some(3))),
        ("kpi.victims.consent_not_recorded", m(1, None)),
        // Started: H1 YRO, H2 YCC, H3 DTO, H4 s.250, H5 CR: 2 of 5 out of court.
        ("kpi.out_of_court", m(2, Some(5))),
        // First entries: H1 and H4; H3 unknown; H2 had a caution before.
        ("plan.fte", m(2, None)),
        ("plan.fte.not_recorded", m(1, None)),
        // Cohort R1, R2, R3: R1 (3) and R3 (1) reoffended; R4 unknown.
        ("plan.reoffending.binary", m(2, Some(3))),
        ("plan.reoffending.frequency", m(4, Some(3))),
        ("plan.reoffending.not_recorded", m(1, None)),
        // Custody started: H3 (looked after) and H4.
        ("plan.lac_custody", m(1, Some(2))),
    ];
    for (id, expected) in want {
        assert_eq!(get(id).current, expected, "{id}");
    }
    let new: Vec<&str> = f
        .iter()
        .map(|x| x.id.as_str())
        .filter(|id| id.starts_with("kpi.") || id.starts_with("plan."))
        .collect();
    assert_eq!(new.len(), want.len(), "every indicator is checked: {new:?}");
    // The previous quarter (April to June): E3's Youth Caution, no history;
    // one meeting, its one place taken.
    assert_eq!(get("plan.fte.not_recorded").previous, m(1, None));
    assert_eq!(get("kpi.board_attendance").previous, m(1, Some(1)));
    // The cohort a quarter earlier (January to December 2024): R1, R3 (a
    // YCC of 1 Dec 2024), R4 unknown; R2's caution of February 2025 is
    // outside it.
    assert_eq!(get("plan.reoffending.binary").previous.denominator, Some(2));
}

#[test]
fn the_indicators_are_in_the_disclosure_model_and_pass_the_audit() {
    let f = figures();
    let model = Model::of(&f);
    assert_eq!(model.broken(), Vec::<String>::new(), "the true values break no relation");
    assert_eq!(model.dropped, Vec::<&str>::new(), "no relation names a missing figure");
    for why in [
        "KPIs 1, 2, 4 and 5 count the orders ended, recorded or not",
        "the offered step counts those with a need",
        "first-time entrants, known or not, are new formal entries",
        "both reoffending rates count the one cohort",
        "the looked-after custody share's denominator is custody",
    ] {
        assert!(model.relations.iter().any(|r| r.why == why), "{why}");
    }
    // Almost every count here is 1 to 4: all withheld, none narrowed.
    let intervals = audit(&f);
    assert!(intervals.iter().any(|i| i.cell.starts_with("plan.")), "{intervals:?}");
    let narrow: Vec<_> = intervals.iter().filter(|i| !i.protected()).collect();
    assert!(narrow.is_empty(), "{narrow:?}");
    // A frequency of 4 reoffences by 3 children is allowed above 1.
    assert!(f.iter().any(
        |x| x.id == "plan.reoffending.frequency" && x.current.numerator > x.current.denominator.unwrap()
    ));
}
