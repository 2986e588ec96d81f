//! The practice decision about a received statement, as one pure function:
//! matching it to a child, assigning it, the assignment target, and who is
//! told of a Safety Link. No I/O: everything it needs is passed in, so every
//! rule is table-tested below.
//!
//! Sources: Bradford MOMO standards (assignment within 24 working hours;
//! re-assignment to cover or line manager; Safety Link to the team manager,
//! or the duty manager in their absence; unidentified statements never
//! assigned) and MOMO One/Express standards (within 3 working hours; Safety
//! Link to the team and service manager).

use chrono::{DateTime, Utc};
use chrono_tz::Europe::London;

use super::decision::{Decision, Recipient, StatementOutcome};
use super::fields::StatementFields;
use super::register::{Match, Register};
use crate::config::StatementsConfig;
use crate::rules::WorkingHours;
use crate::staff::Directory;
use crate::store::{Layout, Quarantine};

/// A statement as read from the inbox.
#[derive(Debug, Clone)]
pub struct Received<'a> {
    /// SHA-256 of the PDF.
    pub sha256: &'a str,
    /// Its name in the inbox.
    pub source: &'a str,
    /// Its fields, or why it is not a usable statement.
    pub fields: Result<StatementFields, String>,
    /// Whether a sidecar came with it.
    pub sidecar: bool,
}

/// What the service knows: its cases, staff, hours and settings.
#[derive(Debug, Clone, Copy)]
pub struct Policy<'a> {
    /// Every loaded case.
    pub register: &'a Register,
    /// Case files that could not be loaded.
    pub unloaded: &'a [String],
    /// The staff directory.
    pub directory: &'a Directory,
    /// Working hours, for the assignment target.
    pub hours: &'a WorkingHours,
    /// `[statements]` settings (target, duty and service managers).
    pub settings: &'a StatementsConfig,
    /// The `naming.statement` pattern.
    pub naming: &'a str,
}

/// Decides a statement's outcome, destination, assignee and who is told.
/// `dest_name` is the name it should have; the filer numbers it (`_2`) if a
/// different file already has it. Errs only on a bad naming pattern.
pub fn decide(s: Received<'_>, policy: &Policy<'_>, now: DateTime<Utc>) -> Result<Decision, String> {
    let mut d = Decision::unreadable(s.sha256.to_owned(), s.source.to_owned(), now);
    let short = &s.sha256[..12.min(s.sha256.len())];
    let fields = match s.fields {
        Ok(f) => f,
        Err(reason) => {
            d.reason = Some(reason);
            d.dest_name = format!("{}_{short}_{}", now.format("%Y-%m-%d"), sanitise(s.source));
            return Ok(d);
        }
    };
    d.sidecar = s.sidecar;
    let sent = fields.sent.unwrap_or(now);
    let minutes = policy.hours.minutes_between(sent, now);
    d.working_minutes = Some(minutes);
    d.sla_met = Some(minutes <= i64::from(policy.settings.assign_within_working_hours) * 60);
    let today = now.with_timezone(&London).date_naive();
    let recipient = |role: &str, name: &str| Recipient {
        role: role.into(),
        name: name.into(),
        email: policy.directory.email(name),
    };
    let settings = policy.settings;
    match policy.register.find(&fields) {
        Match::One(entry) => {
            let (who, route) =
                policy.directory.assign(&entry.case_manager, entry.line_manager.as_deref(), today);
            d.outcome = StatementOutcome::Assigned;
            d.case_id = Some(entry.case_id.clone());
            d.child = Some(entry.child.clone());
            d.dest_dir = Layout::statements_rel(&entry.case_id);
            d.dest_name = statement_name(policy.naming, &fields, &entry.case_id)?;
            if fields.safety_link {
                // The team manager, or the duty manager in their absence;
                // the service manager; and the worker it is assigned to.
                let manager =
                    policy.directory.line_manager_of(&entry.case_manager, entry.line_manager.as_deref());
                match manager {
                    Some(m) if !policy.directory.away(&m, today) => {
                        d.recipients.push(recipient("Team manager", &m))
                    }
                    _ => d.recipients.extend(
                        settings
                            .duty_manager
                            .as_deref()
                            .map(|m| recipient("Duty manager (team manager away)", m)),
                    ),
                }
                d.recipients
                    .extend(settings.service_manager.as_deref().map(|m| recipient("Service manager", m)));
                d.recipients.push(recipient("Allocated worker", &who));
            }
            d.assigned_to = Some(who);
            d.route = Some(route);
        }
        Match::Unidentified { candidates } => {
            d.outcome = StatementOutcome::Unidentified;
            d.candidates = candidates;
            d.unloaded = policy.unloaded.to_vec();
            d.dest_dir = Layout::quarantine_rel(Quarantine::Unidentified).into();
            let id = fields.statement_id.as_deref().unwrap_or_default();
            d.dest_name = format!("{}_{id}_{short}.pdf", sent.with_timezone(&London).format("%Y-%m-%d"));
            if fields.safety_link {
                d.recipients.extend(settings.duty_manager.as_deref().map(|m| recipient("Duty manager", m)));
                d.recipients
                    .extend(settings.service_manager.as_deref().map(|m| recipient("Service manager", m)));
            }
        }
    }
    d.fields = fields;
    Ok(d)
}

/// The filed copy's name from the `naming.statement` pattern.
fn statement_name(pattern: &str, f: &StatementFields, case_id: &str) -> Result<String, String> {
    let sent = f.sent.map(|s| s.with_timezone(&London).format("%Y-%m-%d").to_string()).unwrap_or_default();
    let kind = slug(f.statement_type.as_deref().unwrap_or("statement"));
    let mut env = minijinja::Environment::new();
    env.set_fuel(Some(crate::render::NAMING_FUEL));
    let name = env
        .render_str(
            pattern,
            minijinja::context! { sent_date => sent, type => kind, statement_id => f.statement_id, case_id => case_id },
        )
        .map_err(|e| format!("naming.statement: {e}"))?;
    crate::store::check_file_name(&name).map_err(|e| format!("naming.statement gave {e}"))?;
    Ok(name)
}

/// A file name made safe to keep in quarantine.
fn sanitise(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| if c.is_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' })
        .collect();
    cleaned.trim_start_matches('.').chars().take(80).collect()
}

/// `My World` → `my-world`.
fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').chars().take(40).collect::<String>();
    if out.is_empty() { "statement".into() } else { out }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveTime;

    use super::*;
    use crate::config::{Absence, StaffMember};
    use crate::rules::WorkingCalendar;

    fn case(id: &str, first: &str, dob: &str, worker: &str) -> crate::case::Case {
        let json = serde_json::json!({
            "schema": "casepress/case/v1", "case_id": id,
            "child": {"first_name": first, "last_name": "Lee", "date_of_birth": dob},
            "case_manager": {"name": worker}, "team": "North"
        });
        let text = serde_json::to_vec(&json).unwrap();
        crate::case::parse_bytes(&text, std::path::Path::new("t.json")).remove(0).unwrap().case
    }

    fn staff(name: &str, manager: Option<&str>, away: bool) -> StaffMember {
        let day = "2026-11-23".parse().unwrap();
        StaffMember {
            name: name.into(),
            email: Some(format!("{}@example.org", name.to_lowercase())),
            team: None,
            role: None,
            line_manager: manager.map(Into::into),
            cover: None,
            away: if away { vec![Absence { from: day, to: day }] } else { Vec::new() },
        }
    }

    fn fields(name: &str, dob: &str, sent: &str, safety_link: bool) -> StatementFields {
        StatementFields {
            statement_id: Some("M-1".into()),
            statement_type: Some("My World".into()),
            name: Some(name.into()),
            date_of_birth: dob.parse().ok(),
            sent: crate::statements::fields::parse_sent(sent),
            safety_link,
            ..StatementFields::default()
        }
    }

    /// Decides `f` on Monday 23 Nov 2026 at 11:00 London (10:00 had the
    /// statement been sent at 09:00: two working hours).
    fn decide_with(f: Result<StatementFields, String>, manager_away: bool, sla_hours: u32) -> Decision {
        let cases = [
            case("C-1", "Sam", "2010-03-21", "Ann"),
            case("C-2", "Jo", "2011-01-01", "Ann"),
            case("C-3", "Jo", "2011-01-01", "Ann"),
        ];
        let register = Register::new(&cases);
        let directory =
            Directory::new(vec![staff("Ann", Some("Tess"), false), staff("Tess", None, manager_away)]);
        let hours = WorkingHours {
            calendar: WorkingCalendar::default(),
            start: NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
            end: NaiveTime::from_hms_opt(17, 0, 0).unwrap(),
        };
        let settings = StatementsConfig {
            assign_within_working_hours: sla_hours,
            duty_manager: Some("Duty".into()),
            service_manager: Some("Serv".into()),
            ..StatementsConfig::default()
        };
        let policy = Policy {
            register: &register,
            unloaded: &[],
            directory: &directory,
            hours: &hours,
            settings: &settings,
            naming: "{{ sent_date }}_{{ type }}_{{ statement_id }}.pdf",
        };
        let now = crate::statements::fields::parse_sent("23/11/2026 11:00").unwrap();
        let received =
            Received { sha256: "0123456789abcdef0123", source: "in box.pdf", fields: f, sidecar: false };
        decide(received, &policy, now).unwrap()
    }

    fn told(d: &Decision) -> Vec<(&str, &str)> {
        d.recipients.iter().map(|r| (r.role.as_str(), r.name.as_str())).collect()
    }

    #[test]
    fn the_decision_table() {
        // (what, fields, team manager away, target hours) → (outcome, assignee, dest_dir, told)
        type Row<'a> = (
            &'a str,
            Result<StatementFields, String>,
            bool,
            u32,
            StatementOutcome,
            Option<&'a str>,
            &'a str,
            Vec<(&'a str, &'a str)>,
        );
        let rows: Vec<Row> = vec![
            (
                "one match: assigned to the allocated worker",
                Ok(fields("Sam", "2010-03-21", "23/11/2026 09:00", false)),
                false,
                24,
                StatementOutcome::Assigned,
                Some("Ann"),
                "cases/C-1/statements",
                vec![],
            ),
            (
                "Safety Link: team manager, service manager and the worker are told",
                Ok(fields("sam lee", "2010-03-21", "23/11/2026 09:00", true)),
                false,
                24,
                StatementOutcome::Assigned,
                Some("Ann"),
                "cases/C-1/statements",
                vec![("Team manager", "Tess"), ("Service manager", "Serv"), ("Allocated worker", "Ann")],
            ),
            (
                "Safety Link with the team manager away: the duty manager instead",
                Ok(fields("Sam", "2010-03-21", "23/11/2026 09:00", true)),
                true,
                24,
                StatementOutcome::Assigned,
                Some("Ann"),
                "cases/C-1/statements",
                vec![
                    ("Duty manager (team manager away)", "Duty"),
                    ("Service manager", "Serv"),
                    ("Allocated worker", "Ann"),
                ],
            ),
            (
                "two children match: unidentified, never assigned",
                Ok(fields("Jo", "2011-01-01", "23/11/2026 09:00", false)),
                false,
                24,
                StatementOutcome::Unidentified,
                None,
                "quarantine/unidentified",
                vec![],
            ),
            (
                "no child matches, Safety Link: duty and service manager told",
                Ok(fields("Nobody", "2011-01-01", "23/11/2026 09:00", true)),
                false,
                24,
                StatementOutcome::Unidentified,
                None,
                "quarantine/unidentified",
                vec![("Duty manager", "Duty"), ("Service manager", "Serv")],
            ),
            (
                "not a statement: unreadable, quarantined",
                Err("no text".into()),
                false,
                24,
                StatementOutcome::Unreadable,
                None,
                "quarantine/unreadable",
                vec![],
            ),
        ];
        for (what, f, away, sla, outcome, assignee, dir, recipients) in rows {
            let d = decide_with(f, away, sla);
            assert_eq!(d.outcome, outcome, "{what}");
            assert_eq!(d.assigned_to.as_deref(), assignee, "{what}");
            assert_eq!(d.dest_dir, dir, "{what}");
            assert_eq!(told(&d), recipients, "{what}");
        }
    }

    #[test]
    fn the_assignment_target_counts_working_hours() {
        let sent_9 = || Ok(fields("Sam", "2010-03-21", "23/11/2026 09:00", false));
        // Two working hours from sent to now: within 3 (MOMO One/Express), outside 1.
        assert_eq!(decide_with(sent_9(), false, 3).sla_met, Some(true));
        assert_eq!(decide_with(sent_9(), false, 1).sla_met, Some(false));
        assert_eq!(decide_with(sent_9(), false, 3).working_minutes, Some(120));
    }

    #[test]
    fn names_follow_the_pattern_and_quarantine_names_are_safe() {
        let d = decide_with(Ok(fields("Sam", "2010-03-21", "23/11/2026 09:00", false)), false, 24);
        assert_eq!(d.dest_name, "2026-11-23_my-world_M-1.pdf");
        let u = decide_with(Err("bad".into()), false, 24);
        assert_eq!(u.dest_name, "2026-11-23_0123456789ab_in_box.pdf");
        assert_eq!(slug("  "), "statement");
        assert_eq!(sanitise("../evil name.pdf"), "_evil_name.pdf");
    }
}
