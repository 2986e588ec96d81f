use super::*;
use crate::config::StaffMember;
use crate::staff::Directory;
use crate::statements::decision::Recipient;
use crate::statements::decision::{Decision, StatementOutcome};

fn staff(name: &str, email: Option<&str>) -> StaffMember {
    let mut m: StaffMember = toml::from_str(&format!("name = {name:?}")).unwrap();
    m.email = email.map(str::to_owned);
    m
}

fn decision(outcome: StatementOutcome, safety_link: bool) -> Decision {
    let mut d = Decision::unreadable("ab12".into(), "in.pdf".into(), "2026-11-23T11:00:00Z".parse().unwrap());
    d.outcome = outcome;
    d.fields.statement_id = Some("MOMO-7".into());
    d.fields.name = Some("Jay".into());
    d.fields.safety_link = safety_link;
    d.case_id = Some("NYJS-2026-0117".into());
    d.child = Some("Jordan Whitfield".into());
    d.assigned_to = Some("Sarah Bennett".into());
    d.dest_dir = "cases/NYJS-2026-0117/statements".into();
    d.recipients = vec![
        Recipient { role: "Team manager".into(), name: "Declan Hughes".into(), email: None },
        Recipient {
            role: "Service manager".into(),
            name: "Helen Adeyemi".into(),
            email: Some("h@x.example".into()),
        },
    ];
    d
}

#[test]
fn who_is_told_of_what() {
    let directory = Directory::new(vec![
        staff("Sarah Bennett", Some("s@x.example")),
        staff("Declan Hughes", Some("d@x.example")),
        staff("Gemma Rowe", Some("g@x.example")),
    ]);
    let assigned = notices(&decision(StatementOutcome::Assigned, false), &directory, Some("Gemma Rowe"));
    assert_eq!(assigned.len(), 1);
    assert_eq!(
        (assigned[0].event, assigned[0].to_email.as_deref()),
        (NoticeEvent::Assigned, Some("s@x.example"))
    );
    let urgent = notices(&decision(StatementOutcome::Assigned, true), &directory, Some("Gemma Rowe"));
    let told: Vec<_> = urgent.iter().map(|n| (n.event, n.to_name.as_str(), n.to_email.as_deref())).collect();
    assert_eq!(
        told,
        [
            (NoticeEvent::Assigned, "Sarah Bennett", Some("s@x.example")),
            (NoticeEvent::SafetyLink, "Declan Hughes", Some("d@x.example")),
            (NoticeEvent::SafetyLink, "Helen Adeyemi", Some("h@x.example")),
        ]
    );
    let mut own = decision(StatementOutcome::Assigned, true);
    own.recipients
        .insert(0, Recipient { role: "Case manager".into(), name: "Sarah Bennett".into(), email: None });
    let told: Vec<_> = notices(&own, &directory, None).iter().map(|n| (n.event, n.to_name.clone())).collect();
    assert_eq!(told.len(), 3, "the case manager gets the Safety Link, not a second email: {told:?}");
    assert!(told.iter().all(|(e, _)| *e == NoticeEvent::SafetyLink));
    let unknown = notices(&decision(StatementOutcome::Unidentified, false), &directory, Some("Gemma Rowe"));
    assert_eq!((unknown[0].event, unknown[0].to_name.as_str()), (NoticeEvent::Unidentified, "Gemma Rowe"));
    assert!(
        notices(&decision(StatementOutcome::Unreadable, false), &directory, Some("Gemma Rowe")).is_empty()
    );
}

#[test]
fn an_email_names_the_case_and_statement_never_the_child() {
    let directory = Directory::new(vec![staff("Sarah Bennett", Some("s@x.example"))]);
    for n in notices(&decision(StatementOutcome::Assigned, true), &directory, None) {
        let text = format!("{}\n{}", n.subject(), n.body("Northfield Youth Justice Service"));
        assert!(text.contains("MOMO-7") && text.contains("NYJS-2026-0117"), "{text}");
        assert!(!text.contains("Jay") && !text.contains("Whitfield") && !text.contains("2009"), "{text}");
    }
}

#[test]
fn keys_and_message_ids_are_stable_and_distinct() {
    let directory = Directory::new(vec![]);
    let a = notices(&decision(StatementOutcome::Assigned, true), &directory, None);
    let b = notices(&decision(StatementOutcome::Assigned, true), &directory, None);
    assert_eq!(a, b);
    let ids: std::collections::HashSet<_> = a.iter().map(Notice::message_id).collect();
    assert_eq!(ids.len(), a.len());
}

#[test]
fn retries_back_off_to_half_an_hour() {
    let first = Duration::from_secs(30);
    assert_eq!(backoff(first, 1), Duration::from_secs(30));
    assert_eq!(backoff(first, 2), Duration::from_secs(60));
    assert_eq!(backoff(first, 4), Duration::from_secs(240));
    assert_eq!(backoff(first, 40), Duration::from_secs(1800));
}
