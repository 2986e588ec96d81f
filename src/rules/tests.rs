//! Hand-computed examples for each rule, named after the source they encode.

use std::path::Path;

use chrono::NaiveDate;
use serde_json::{Value, json};

use super::*;
use crate::case::{Case, parse_bytes};
use crate::documents::DocumentKind;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn case(extra: Value) -> Case {
    let mut j = json!({
        "schema": "casepress/case/v1",
        "case_id": "R-1",
        "child": {"first_name": "Sam", "last_name": "Lee", "date_of_birth": "2010-03-21"},
        "case_manager": {"name": "Ann Case"},
        "team": "North"
    });
    for (k, v) in extra.as_object().unwrap() {
        j[k] = v.clone();
    }
    parse_bytes(j.to_string().as_bytes(), Path::new("t.json")).remove(0).unwrap().case
}

fn assessment(lor: &str, rosh: &str, vuln: &str) -> Value {
    json!({"date": "2026-10-01", "asset_score": 20, "reoffending": lor, "serious_harm": rosh, "safety_wellbeing": vuln})
}

fn facts(c: &Case, today: &str) -> Facts {
    derive(c, &WorkingCalendar::default(), d(today))
}

fn due(f: &Facts, what: &str) -> DueDate {
    f.due_dates
        .iter()
        .find(|x| x.what.starts_with(what))
        .cloned()
        .unwrap_or_else(|| panic!("no `{what}` in {:#?}", f.due_dates))
}

fn form(f: &Facts, form: DocumentKind) -> &FormStatus {
    f.forms.iter().find(|x| x.form == form).unwrap()
}

#[test]
fn wolverhampton_s10_s13_rmp_and_vmp_required_from_medium() {
    for (rosh, vuln, rmp, vmp) in [
        ("low", "low", false, false),
        ("medium", "low", true, false),
        ("low", "medium", false, true),
        ("very_high", "high", true, true),
    ] {
        let c = case(json!({"assessment": assessment("low", rosh, vuln)}));
        assert_eq!((rmp_required(&c), vmp_required(&c)), (rmp, vmp), "ROSH {rosh}, vulnerability {vuln}");
    }
}

#[test]
fn wolverhampton_s10_an_rmp_not_countersigned_is_a_finding() {
    let c = case(
        json!({"assessment": assessment("low", "medium", "low"), "risk_management_plan": {"date": "2026-10-02"}}),
    );
    let f = facts(&c, "2026-11-23");
    assert!(
        f.findings.iter().any(|x| x.message == "Risk Management Plan not countersigned by the line manager")
    );
    assert!(f.rmp.required && f.rmp.countersigned.is_none());
}

#[test]
fn wolverhampton_s6a_high_levels_or_mappa_trigger_a_monthly_meeting() {
    let medium = case(json!({"assessment": assessment("medium", "medium", "medium")}));
    assert!(risk_meeting_triggers(&medium).is_empty());
    let high_lor = case(json!({"assessment": assessment("high", "low", "low")}));
    assert_eq!(risk_meeting_triggers(&high_lor), vec!["likelihood of reoffending High or above"]);
    let mappa = case(json!({"mappa": {"category": 2, "level": 1}}));
    assert_eq!(risk_meeting_triggers(&mappa), vec!["MAPPA nominal"]);

    // Last meeting 2 October 2026: the next is due 2 November, overdue on 23 November.
    let c = case(
        json!({"assessment": assessment("high", "low", "low"), "risk_meetings": ["2026-09-01", "2026-10-02"]}),
    );
    let m = due(&facts(&c, "2026-11-23"), "next monthly");
    assert_eq!((m.due, m.status), (d("2026-11-02"), DueStatus::Overdue));
}

#[test]
fn wolverhampton_s11b_mappa_h_for_any_category_mappa_a_for_level_2_or_3() {
    for (category, level, h, a) in [
        (None, None, false, false),
        (Some(1), Some(1), true, false),
        (Some(2), Some(2), true, true),
        (Some(1), Some(3), true, true),
    ] {
        let c = case(json!({"mappa": {"category": category, "level": level}}));
        let f = facts(&c, "2026-11-23");
        assert_eq!(
            (f.requires(DocumentKind::MappaH), f.requires(DocumentKind::MappaA)),
            (h, a),
            "category {category:?} level {level:?}"
        );
    }
    let sent = case(json!({"mappa": {"category": 2, "level": 1, "notified_date": "2026-10-01"}}));
    assert!(!form(&facts(&sent, "2026-11-23"), DocumentKind::MappaH).missing());
}

#[test]
fn domain_s3_mappa_category_3_is_never_managed_at_level_1() {
    let c = case(json!({"mappa": {"category": 3, "level": 1}}));
    let f = facts(&c, "2026-11-23");
    assert!(f.needs_action());
    assert_eq!(f.findings[0].severity, Severity::Invalid);
    assert!(f.findings[0].message.contains("category 3 is never managed at level 1"));
    let fine = case(json!({"mappa": {"category": 3, "level": 2}}));
    assert!(mappa_invalid(&fine).is_empty());
}

#[test]
fn domain_s3_a_level_without_a_category_is_invalid() {
    let c = case(json!({"mappa": {"level": 2}}));
    assert_eq!(
        mappa_invalid(&c),
        vec!["MAPPA level 2 without a category: expected a category 1-3, or no level"]
    );
}

#[test]
fn wolverhampton_s11c_pprc_discussion_then_pprc_2_when_risks_then_pprc_7_at_closure() {
    let pending = case(json!({"pprc": {"criteria_met": true}}));
    let f = facts(&pending, "2026-11-23");
    assert!(f.findings.iter().any(|x| x.rule == Rule::PPRC), "discussion must be recorded");
    assert!(!f.requires(DocumentKind::Pprc2) && !f.requires(DocumentKind::Pprc7));

    let risky = case(
        json!({"pprc": {"criteria_met": true, "risk_identified": true, "discussion_date": "2026-10-05"}}),
    );
    let f = facts(&risky, "2026-11-23");
    assert!(f.requires(DocumentKind::Pprc2) && !f.requires(DocumentKind::Pprc7));
    assert!(form(&f, DocumentKind::Pprc2).missing());

    let no_risk = case(
        json!({"pprc": {"criteria_met": true, "risk_identified": false, "discussion_date": "2026-10-05"}}),
    );
    assert!(!facts(&no_risk, "2026-11-23").requires(DocumentKind::Pprc2));

    let closed = case(json!({
        "pprc": {"criteria_met": true, "risk_identified": false, "discussion_date": "2026-10-05"},
        "order": {"type": "referral_order", "start_date": "2026-05-01", "closed_date": "2026-11-01"}
    }));
    let f = facts(&closed, "2026-11-23");
    assert!(f.requires(DocumentKind::Pprc7), "PPRC at closure: reassess whatever the earlier outcome");
    assert!(form(&f, DocumentKind::Pprc7).reason.contains("closed on 2026-11-01"));
}

#[test]
fn derbyshire_s2_1_assessment_within_15_working_days_across_christmas() {
    // Order Monday 21 Dec 2026. Working days: 22, 23, 24 Dec; 25 Dec and the
    // Boxing Day substitute (28 Dec) are holidays; 29, 30, 31 Dec; 1 Jan is a
    // holiday; 4-8 Jan; 11-14 Jan makes 15.
    let c = case(json!({"order": {"type": "youth_rehabilitation_order", "start_date": "2026-12-21"}}));
    let a = due(&facts(&c, "2027-01-14"), "assessment");
    assert_eq!((a.due, a.status), (d("2027-01-14"), DueStatus::Due));
    assert_eq!(due(&facts(&c, "2027-01-15"), "assessment").status, DueStatus::Overdue);
    let out_of_court =
        case(json!({"order": {"type": "youth_conditional_caution", "start_date": "2026-12-21"}}));
    assert!(facts(&out_of_court, "2027-01-15").due_dates.is_empty(), "§2.1 is for court orders");
}

#[test]
fn derbyshire_s7_3_psr_due_two_working_days_before_court() {
    for (hearing, want) in [
        ("2026-12-08", "2026-12-04"), // Tuesday: back over the weekend to Friday
        ("2026-11-23", "2026-11-19"), // a Monday: Thursday before
        ("2026-12-29", "2026-12-23"), // just after Christmas and the Boxing Day substitute
        ("2026-04-07", "2026-04-01"), // the day after Easter Monday: skips Good Friday too
        ("2026-05-06", "2026-05-01"), // two days after the early May bank holiday
    ] {
        let c = case(
            json!({"psr": {"custody_strong_possibility": true}, "court": {"name": "Youth Court", "hearing_date": hearing}}),
        );
        let p = due(&facts(&c, "2026-01-01"), "PSR to managers");
        assert_eq!(p.due, d(want), "hearing {hearing}");
    }
    let late = case(json!({
        "psr": {"custody_strong_possibility": true}, "court": {"name": "Youth Court", "hearing_date": "2026-12-08"},
        "gatekeeping": {"submitted_date": "2026-12-07", "meeting_date": "2026-12-01"}
    }));
    let f = facts(&late, "2026-12-08");
    assert_eq!(due(&f, "PSR to managers").status, DueStatus::Late);
    assert_eq!(due(&f, "PSR gatekeeping").status, DueStatus::Met);
}

#[test]
fn derbyshire_s7_3_custody_a_strong_possibility_needs_two_managers_one_from_another_team() {
    let one = case(
        json!({"psr": {"custody_strong_possibility": true}, "gatekeeping": {"managers": [{"name": "A", "team": "North"}, {"name": "B", "team": "North"}]}}),
    );
    assert!(facts(&one, "2026-11-23").findings.iter().any(|f| f.rule == Rule::GATEKEEPING));
    let two = case(
        json!({"psr": {"custody_strong_possibility": true}, "gatekeeping": {"managers": [{"name": "A", "team": "North"}, {"name": "B", "team": "South"}]}}),
    );
    assert!(!facts(&two, "2026-11-23").findings.iter().any(|f| f.rule == Rule::GATEKEEPING));
}

#[test]
fn derbyshire_s4_plans_reviewed_six_monthly_signed_and_restorative() {
    let c = case(json!({"intervention_plan": {"date": "2026-05-31", "review_date": "2026-12-15"}}));
    let f = facts(&c, "2026-12-01");
    let r = due(&f, "intervention plan reviewed");
    assert_eq!((r.due, r.status), (d("2026-11-30"), DueStatus::Overdue));
    let messages: Vec<_> = f.findings.iter().map(|x| x.message.as_str()).collect();
    assert!(messages.contains(&"intervention plan not signed by the young person"));
    assert!(messages.contains(&"intervention plan has no restorative intervention"));
    assert!(messages.iter().any(|m| m.contains("more than 6 months after the plan")));
}

#[test]
fn derbyshire_s2_6_service_agreement_signed_and_at_most_six_months_old() {
    let c = case(json!({
        "parents_carers": [{"name": "Pat Lee", "relationship": "Mother"}],
        "order": {"type": "referral_order", "start_date": "2026-11-01"},
        "service_agreement": {"date": "2026-04-30", "signatures": {"young_person": {"name": "Sam", "date": "2026-04-30"}}}
    }));
    let messages: Vec<_> = facts(&c, "2026-11-23").findings.into_iter().map(|f| f.message).collect();
    assert!(messages.iter().any(|m| m == "service agreement not signed by a parent or carer"));
    assert!(messages.iter().any(|m| m.contains("over 6 months older than the order")));
}

#[test]
fn salford_next_steps_meeting_in_15_working_days_custody_visits_weekly_then_six_weekly() {
    let c = case(json!({"next_steps": {
        "allocated_date": "2026-11-02", "detained_date": "2026-09-01", "custody_visits": ["2026-09-07", "2026-10-01"]
    }}));
    let f = facts(&c, "2026-11-23");
    let meeting = due(&f, "Next Steps joint meeting");
    assert_eq!((meeting.due, meeting.status), (d("2026-11-23"), DueStatus::Due));
    let first = due(&f, "Next Steps custody visit");
    assert_eq!((first.due, first.status), (d("2026-09-08"), DueStatus::Met));
    let next = due(&f, "next Next Steps custody visit");
    assert_eq!((next.due, next.status), (d("2026-11-12"), DueStatus::Overdue));
}

#[test]
fn wolverhampton_s11c_an_offence_against_a_child_without_a_pprc_record_is_flagged() {
    let c = case(
        json!({"offences": [{"date": "2026-08-01", "description": "Assault", "victims": [{"description": "boy", "age": 11}]}]}),
    );
    assert!(facts(&c, "2026-11-23").findings.iter().any(|f| f.message.contains("no PPRC record")));
}

#[test]
fn salford_custody_visits_more_than_six_weeks_apart_are_flagged() {
    let c = case(json!({"next_steps": {
        "allocated_date": "2026-06-01", "joint_meeting_date": "2026-06-05", "detained_date": "2026-06-01",
        "custody_visits": ["2026-06-05", "2026-07-17", "2026-08-29"]
    }}));
    let f = facts(&c, "2026-09-01");
    let gaps: Vec<_> = f.findings.iter().filter(|x| x.rule == Rule::NEXT_STEPS).collect();
    assert_eq!(gaps.len(), 1, "17 Jul to 29 Aug is 43 days; 5 Jun to 17 Jul is exactly 42: {gaps:?}");
}

#[test]
fn age_turns_on_the_birthday() {
    let dob = d("2010-03-21");
    assert_eq!(age_on(dob, d("2026-03-20")), 15);
    assert_eq!(age_on(dob, d("2026-03-21")), 16);
}

#[test]
fn derbyshire_s2_1_a_pre_sentence_assessment_does_not_meet_the_post_order_deadline() {
    let c = case(json!({
        "order": {"type": "youth_rehabilitation_order", "start_date": "2026-11-02"},
        "assessment": {"date": "2026-10-20", "asset_score": 20, "reoffending": "low", "serious_harm": "low", "safety_wellbeing": "low"}
    }));
    let f = facts(&c, "2026-11-30");
    let a = due(&f, "assessment within 15 working days");
    assert_eq!(a.done, None, "assessed before the order: the post-order assessment is still to do");
    assert_eq!(a.status, DueStatus::Overdue);
}

#[test]
fn wolverhampton_s8_s6a_no_band_or_contacts_for_out_of_court_prevention_or_bail() {
    for kind in ["youth_conditional_caution", "community_resolution", "prevention", "bail_supervision"] {
        let c = case(json!({
            "order": {"type": kind, "start_date": "2026-11-02"},
            "assessment": assessment("medium", "low", "low")
        }));
        let f = facts(&c, "2026-11-30");
        assert!(f.intervention_level.is_none() && f.contacts.is_none(), "{kind}: no Scaled Approach band");
    }
    let yro = case(json!({
        "order": {"type": "youth_rehabilitation_order", "start_date": "2026-11-02"},
        "assessment": assessment("medium", "low", "low")
    }));
    assert!(facts(&yro, "2026-11-30").intervention_level.is_some(), "a court order is banded");
}

#[test]
fn wolverhampton_s6a_s11b_a_mappa_case_with_no_assessment_or_meeting_still_has_a_due_date() {
    let c = case(json!({
        "order": {"type": "youth_rehabilitation_order", "start_date": "2026-09-01"},
        "mappa": {"category": 2, "level": 1, "notified_date": "2026-09-10"}
    }));
    let f = facts(&c, "2026-11-30");
    let meeting = due(&f, "first Risk and Vulnerability Management Meeting");
    assert_eq!(meeting.due, d("2026-10-10"));
    assert_eq!(meeting.status, DueStatus::Overdue);
}

#[test]
fn derbyshire_s4_3_a_plan_agreed_without_a_quality_assurance_meeting_is_found() {
    let plan = |qa: Option<&str>| {
        case(
            json!({"intervention_plan": {"date": "2026-11-10", "qa_meeting_date": qa, "restorative": "letter"}}),
        )
    };
    let rule = Rule::PLAN_QUALITY;
    assert!(facts(&plan(None), "2026-11-30").findings.iter().any(|f| f.rule == rule));
    assert!(
        facts(&plan(Some("2026-11-12")), "2026-11-30").findings.iter().any(|f| f.rule == rule),
        "after agreeing is too late"
    );
    assert!(!facts(&plan(Some("2026-11-06")), "2026-11-30").findings.iter().any(|f| f.rule == rule));
}

#[test]
fn derbyshire_s7_3_two_working_days_is_for_psrs_to_be_double_gatekept_unless_the_service_says_every_psr() {
    let single = case(json!({"psr": {}, "court": {"name": "Youth Court", "hearing_date": "2026-12-08"}}));
    let f = facts(&single, "2026-11-30");
    assert!(!f.due_dates.iter().any(|x| x.what.starts_with("PSR to managers")), "{:#?}", f.due_dates);
    assert!(f.gatekeeping_due.is_none());
    assert_eq!(due(&f, "PSR gatekeeping").due, d("2026-12-07"), "gatekept before court all the same");
    let every = Settings { psr_due_for_every_psr: true, ..Default::default() };
    let f = derive_with(&single, &WorkingCalendar::default(), d("2026-11-30"), &every);
    let p = due(&f, "PSR to managers");
    assert_eq!(p.due, d("2026-12-04"));
    assert!(p.what.contains("this service's standard"), "check says which rule: {}", p.what);

    // A service's own day for one manager: due then, and said so.
    let own = Settings { single_gatekeeping_working_days: Some(3), ..Default::default() };
    let f = derive_with(&single, &WorkingCalendar::default(), d("2026-11-30"), &own);
    let p = due(&f, "PSR to its manager");
    assert_eq!((p.due, f.gatekeeping_due), (d("2026-12-03"), Some(d("2026-12-03"))));
    assert!(p.what.contains("3 working days") && p.what.contains("one manager"), "{}", p.what);
    assert!(
        f.gatekeeping_due_words.unwrap().contains("three working days before the hearing on 8 December 2026")
    );
    // Double gatekeeping keeps its two working days.
    let double = case(json!({"psr": {"custody_strong_possibility": true},
        "court": {"name": "Youth Court", "hearing_date": "2026-12-08"}}));
    let f = derive_with(&double, &WorkingCalendar::default(), d("2026-11-30"), &own);
    assert_eq!(due(&f, "PSR to managers").due, d("2026-12-04"));
}

/// Derbyshire practice guidance §7.3 and §2.6, §4: which documents a person starts. A PSR
/// or progress report once the court asked for it (the case system's
/// "PSR requested"), a plan with an order, an agreement for every child;
/// never twice, never a kind made from the case data.
#[test]
fn derbyshire_s7_3_a_psr_is_started_once_the_court_asks_for_it() {
    use crate::rules::documents::may_start;
    let court = |report: Option<&str>| match report {
        Some(r) => json!({"name": "Northfield Youth Court", "report_requested": r}),
        None => json!({"name": "Northfield Youth Court"}),
    };
    let bail = json!({"type": "bail_supervision", "start_date": "2026-11-01"});
    for (extra, kind, allowed) in [
        (json!({"court": court(Some("psr"))}), DocumentKind::Psr, Ok(())),
        (json!({"court": court(None)}), DocumentKind::Psr, Err("the court has not asked for a PSR")),
        (json!({"court": court(Some("progress_report"))}), DocumentKind::Psr, Err("has not asked for a PSR")),
        (json!({"court": court(Some("progress_report"))}), DocumentKind::ProgressReport, Ok(())),
        (
            json!({"court": court(Some("psr")), "psr": {}}),
            DocumentKind::Psr,
            Err("the PSR is already started"),
        ),
        (json!({}), DocumentKind::InterventionPlan, Err("an intervention plan is for an order")),
        (json!({"order": bail}), DocumentKind::InterventionPlan, Ok(())),
        (json!({}), DocumentKind::ServiceAgreement, Ok(())),
        (json!({"service_agreement": {}}), DocumentKind::ServiceAgreement, Err("already started")),
        (json!({}), DocumentKind::MappaH, Err("made from the case data")),
        (json!({}), DocumentKind::Gatekeeping, Err("made from the case data")),
    ] {
        let c = case(extra.clone());
        match (may_start(kind, &c), allowed) {
            (Ok(()), Ok(())) => {}
            (Err(why), Err(words)) => assert!(why.contains(words), "{kind} {extra}: {why}"),
            (got, want) => panic!("{kind} {extra}: {got:?}, expected {want:?}"),
        }
    }
}

/// Derbyshire practice guidance §7.3: "prior to the PSR being completed, a formal meeting
/// should be held". A final PSR needs the meeting: recorded as a step, or
/// typed for a PSR gatekept outside casepress; the deadline is met on the
/// meeting's own day, not the day it was recorded.
#[test]
fn derbyshire_s7_3_a_final_psr_needs_its_gatekeeping_meeting() {
    use crate::rules::documents::missing;
    let c =
        case(json!({"psr": {}, "court": {"name": "Northfield Youth Court", "hearing_date": "2026-12-14"}}));
    let meeting_missing =
        |f: &Facts| missing(DocumentKind::Psr, &c, f).iter().any(|m| m.path == "gatekeeping.meeting_date");
    let settings = Settings::default();
    let cal = WorkingCalendar::default();
    let steps = |meeting: Option<&str>| RecordedGatekeeping {
        recorded: true,
        submitted: Some(d("2026-12-01")),
        agreed: Some(d("2026-12-03")),
        two_managers: false,
        meeting: meeting.map(d),
    };
    let without = derive_recorded(&c, &cal, d("2026-12-03"), &settings, &steps(None));
    assert!(meeting_missing(&without), "submitted and agreed, but no meeting");
    let with = derive_recorded(&c, &cal, d("2026-12-03"), &settings, &steps(Some("2026-12-02")));
    assert!(!meeting_missing(&with));
    assert_eq!(due(&with, "PSR gatekeeping meeting held").done, Some(d("2026-12-02")));
    let typed = case(json!({"psr": {}, "gatekeeping": {"meeting_date": "2026-12-02"}}));
    let f = derive(&typed, &cal, d("2026-12-03"));
    assert!(!missing(DocumentKind::Psr, &typed, &f).iter().any(|m| m.path == "gatekeeping.meeting_date"));
}

/// MAPPA Guidance notes for completion and its chapter on children: a final
/// MAPPA A needs the risk to each group, the requests, disclosure, whether
/// the child and a parent were told (or why not) and welfare; a final PPRC 2
/// its request, and a PPRC 7 its decision, discussion and who was told.
#[test]
fn mappa_guidance_a_final_form_needs_what_its_reader_acts_on() {
    use crate::rules::documents::missing;
    let paths = |kind: DocumentKind, c: &Case| -> Vec<&'static str> {
        let f = derive(c, &WorkingCalendar::default(), d("2026-11-23"));
        missing(kind, c, &f).iter().map(|m| m.path).collect()
    };
    let bare = case(json!({"mappa": {"category": 3, "level": 2}, "pprc": {"criteria_met": true}}));
    let a = paths(DocumentKind::MappaA, &bare);
    for path in [
        "serious_harm.groups",
        "mappa.requests_to_panel",
        "mappa.disclosure",
        "mappa.referral_shared.child_told",
        "mappa.referral_shared.parent_told",
        "mappa.welfare",
    ] {
        assert!(a.contains(&path), "{path}: {a:?}");
    }
    assert!(paths(DocumentKind::MappaH, &bare).contains(&"mappa.review_date"));
    let p2 = paths(DocumentKind::Pprc2, &bare);
    for path in ["pprc.request.asks", "pprc.request.urgency", "pprc.request.by", "pprc.request.sharing_basis"]
    {
        assert!(p2.contains(&path), "{path}: {p2:?}");
    }
    let p7 = paths(DocumentKind::Pprc7, &bare);
    for path in ["pprc.risk_remains", "pprc.closure_discussion_date", "pprc.closure_notified"] {
        assert!(p7.contains(&path), "{path}: {p7:?}");
    }

    // Told of the referral, or a reason not to tell: either answers it.
    let told = case(json!({"mappa": {"category": 3, "level": 2,
        "referral_shared": {"not_told_because": "telling him would alert the older males"}}}));
    let a = paths(DocumentKind::MappaA, &told);
    assert!(!a.iter().any(|p| p.starts_with("mappa.referral_shared")), "{a:?}");
    // A release date only while a custodial order runs.
    let custody = case(json!({"mappa": {"category": 2, "review_date": "2026-12-14"},
        "order": {"type": "detention_and_training_order", "start_date": "2026-09-21"}}));
    assert!(paths(DocumentKind::MappaH, &custody).contains(&"mappa.release_date"));
    let community = case(json!({"mappa": {"category": 2, "review_date": "2026-12-14"},
        "order": {"type": "youth_rehabilitation_order", "start_date": "2026-09-21"}}));
    assert!(!paths(DocumentKind::MappaH, &community).contains(&"mappa.release_date"));
}
