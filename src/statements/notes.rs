//! The notes that go with a filed statement: the receipt case note for the
//! worker, the duty officer's note and the vendor note for an unidentified
//! statement, the reason for an unreadable one, and the Safety Link notice's
//! content. All are derived from the recorded decision only, so a re-run
//! writes identical bytes.

use chrono::{DateTime, SecondsFormat, Utc};
use chrono_tz::Europe::London;
use serde::Serialize;

use super::decision::{Decision, Recipient, StatementOutcome};
use crate::config::Config;
use crate::rules::{Rule, WorkingCalendar};
use crate::staff::Route;
use crate::store::{Layout, Quarantine};

fn local(t: DateTime<Utc>) -> String {
    t.with_timezone(&London).format("%-d %B %Y %H:%M").to_string()
}

fn or_none(v: Option<&str>) -> &str {
    v.unwrap_or("not stated")
}

fn stem(name: &str) -> &str {
    name.rsplit_once('.').map_or(name, |(s, _)| s)
}

/// (folder relative to the output root, file name, text) for each note.
pub(super) fn notes_for(
    v: &Decision,
    config: &Config,
    calendar: &WorkingCalendar,
) -> Vec<(String, String, String)> {
    let f = &v.fields;
    let id = f.statement_id.as_deref().unwrap_or("unknown");
    let received_day = v.received_day();
    let filed = v.filed();
    match v.outcome {
        StatementOutcome::Assigned => {
            let days = config.statements.receipt_note_within_working_days;
            let due = calendar.add_working_days(received_day, days);
            let hours = config.statements.assign_within_working_hours;
            let minutes = v.working_minutes.unwrap_or_default();
            let route = v.route.as_ref().map_or("", Route::note_suffix);
            let mut history = String::new();
            if let Some(earlier) = &v.supersedes {
                history.push_str(&format!("Previously:      {earlier} (not matched to a child then)\n"));
            }
            if let Some(a) = &v.attached {
                history.push_str(&format!("Attached by:     {}: {}\n", a.by, a.reason));
            }
            let escalated = if v.recipients.is_empty() {
                String::new()
            } else {
                let names: Vec<String> =
                    v.recipients.iter().map(|r| format!("{} ({})", r.name, r.role)).collect();
                format!("SAFETY LINK: triggered. Escalated immediately to {}.\n", names.join(", "))
            };
            let text = format!(
                "CASE NOTE: RECEIPT OF A MIND OF MY OWN STATEMENT\n\
                 OFFICIAL-SENSITIVE\n\n\
                 Case:            {case}\n\
                 Young person:    {child}\n\
                 Statement ID:    {id}\n\
                 App:             {app}\n\
                 Statement type:  {kind}\n\
                 Sent:            {sent}\n\
                 Received:        {received}\n\
                 Assigned to:     {who}{route}\n\
                 Assignment:      {sla} the {hours}-working-hour target ({h}h {m:02}m working time from sent)\n\
                 Filed as:        {filed}\n\
                 SHA-256:         {sha}\n\
                 {history}{escalated}\n\
                 TO COMPLETE by {who} by {due} (within {days} working day{s} of receipt):\n\n\
                 Response to the young person (when and how):\n\n\n\
                 Action taken:\n\n\n\
                 Saved to the case file on:\n",
                case = v.case_id.as_deref().unwrap_or_default(),
                child = v.child.as_deref().unwrap_or_default(),
                app = or_none(f.app.as_deref()),
                kind = or_none(f.statement_type.as_deref()),
                sent = f.sent.map(local).unwrap_or_default(),
                received = local(v.received),
                who = v.assigned_to.as_deref().unwrap_or_default(),
                sla = if v.sla_met == Some(true) { "Within" } else { "OUTSIDE" },
                h = minutes / 60,
                m = minutes % 60,
                sha = v.sha256,
                due = due.format("%-d %B %Y"),
                s = if days == 1 { "" } else { "s" },
            );
            let dir = Layout::notes_rel(v.case_id.as_deref().unwrap_or_default());
            vec![(dir, format!("{received_day}_statement-receipt_{id}{}.txt", v.variant), text)]
        }
        StatementOutcome::Unidentified => {
            let officer = config.statements.duty_officer.as_deref().unwrap_or("Duty officer");
            let manager = config.statements.duty_manager.as_deref().unwrap_or("the duty manager");
            let mut why = if v.candidates == 0 {
                "No case matches the name and date of birth on the statement.".to_string()
            } else {
                format!(
                    "{} cases match the name and date of birth: it cannot be assigned safely.",
                    v.candidates
                )
            };
            if !v.unloaded.is_empty() {
                why.push_str(&format!(
                    " These case files could not be loaded, so the child may be in one of them: {}.",
                    v.unloaded.join(", ")
                ));
            }
            let duty = format!(
                "DUTY OFFICER NOTE: STATEMENT FROM AN UNIDENTIFIED YOUNG PERSON\n\
                 OFFICIAL-SENSITIVE\n\n\
                 For: {officer}; then {manager}\n\
                 Statement ID:   {id}\n\
                 Name given:     {name}\n\
                 Date of birth:  {dob}\n\
                 Sent:           {sent}\n\
                 Received:       {received}\n\
                 Safety Link:    {safety}\n\
                 Quarantined as: {filed}\n\n\
                 {why} Do NOT assign this statement.\n\n\
                 What to do with a statement from an unidentified young person\n\
                 ({policy}, {section}):\n\
                 1. As soon as possible, cross-reference the name given with the case\n\
                    management records. Check the date of birth: a child may have signed\n\
                    up with a nickname and their correct date of birth.\n\
                 2. Notify the duty manager.\n\
                 3. If the duty manager is confident the young person is not known to the\n\
                    service: contact the young person directly, ask if they are ok, tell\n\
                    them they are not recognised and ask which service they use.\n\
                 4. The duty manager emails the Mind Of My Own account manager (cc the\n\
                    information security lead) with the statement ID ONLY: see the vendor\n\
                    note beside this one.\n\
                 5. No response: send a second message asking the young person to get in\n\
                    touch within two days; after three working days with no response,\n\
                    request deletion of their details and tell the young person.\n\
                 6. Keep the duty manager updated throughout.\n\n\
                 NEVER send the statement or the young person's details to a Mind Of My Own employee.\n",
                policy = config.service.policy_title(),
                section = Rule::STATEMENTS.name,
                name = or_none(f.name.as_deref()),
                dob = f
                    .date_of_birth
                    .map(|d| d.format("%-d %B %Y").to_string())
                    .unwrap_or_else(|| "not stated".into()),
                sent = f.sent.map(local).unwrap_or_default(),
                received = local(v.received),
                safety = if f.safety_link { "YES: escalated to the duty manager immediately" } else { "no" },
            );
            // Bradford MOMO standards: the vendor is given "the statement ID number only".
            let vendor = format!(
                "To: Mind Of My Own account manager; cc information security lead\n\n\
                 We have received a statement that we cannot match to a young person we support.\n\
                 Statement ID: {id}\n"
            );
            let s = stem(&v.dest_name);
            let dir = Layout::quarantine_rel(Quarantine::Unidentified);
            vec![
                (dir.into(), format!("{s}.duty-officer-note.txt"), duty),
                (dir.into(), format!("{s}.vendor-note.txt"), vendor),
            ]
        }
        StatementOutcome::Unreadable => {
            let text = format!(
                "UNREADABLE STATEMENT\n\n\
                 Inbox file: {source}\n\
                 Received:   {received}\n\
                 SHA-256:    {sha}\n\
                 Reason:     {reason}\n\n\
                 Next: download the statement again from the Mind Of My Own service portal\n\
                 and put the new PDF in the inbox. This file can then be deleted.\n",
                source = v.source,
                received = local(v.received),
                sha = v.sha256,
                reason = v.reason.as_deref().unwrap_or("unknown"),
            );
            let dir = Layout::quarantine_rel(Quarantine::Unreadable);
            vec![(dir.into(), format!("{}.reason.txt", v.dest_name), text)]
        }
        StatementOutcome::Infected => {
            let text = format!(
                "INFECTED FILE: DO NOT OPEN\n\n\
                 Inbox file: {source}\n\
                 Received:   {received}\n\
                 SHA-256:    {sha}\n\
                 Found:      {reason}\n\n\
                 The virus scanner found this in the file before anyone opened it. It was\n\
                 never read and is not served by the workspace.\n\
                 Next: tell the information security lead. Download the statement again\n\
                 from the Mind Of My Own service portal; if the new copy is also found,\n\
                 tell the portal's account manager (the statement ID only, never the\n\
                 young person's details). Delete this file once the lead agrees.\n",
                source = v.source,
                received = local(v.received),
                sha = v.sha256,
                reason = v.reason.as_deref().unwrap_or("unknown"),
            );
            let dir = Layout::quarantine_rel(Quarantine::Infected);
            vec![(dir.into(), format!("{}.reason.txt", v.dest_name), text)]
        }
        _ => Vec::new(),
    }
}

/// The Safety Link notice's variables (the `notice` of `safety-link.typ.j2`).
#[derive(Debug, Serialize)]
pub(super) struct SafetyLinkNotice<'a> {
    statement_id: Option<&'a str>,
    app: Option<&'a str>,
    statement_type: Option<&'a str>,
    sent: Option<String>,
    received: String,
    received_date: String,
    received_at: String,
    case_id: Option<&'a str>,
    child: Option<&'a str>,
    assigned_to: Option<&'a str>,
    route: Option<&'a Route>,
    filed: String,
    recipients: &'a [Recipient],
    /// The feeling and the place the child flagged, as the portal recorded them.
    feeling: Option<&'a str>,
    place: Option<&'a str>,
    /// The name and date of birth the statement gives (shown when the
    /// child is not identified: they are all there is to go on).
    name_given: Option<&'a str>,
    date_of_birth_given: Option<String>,
    /// From sent to filed: "13 hours 20 minutes", and in working hours.
    sent_to_filed: Option<String>,
}

impl<'a> SafetyLinkNotice<'a> {
    pub(super) fn of(v: &'a Decision) -> Self {
        let f = &v.fields;
        Self {
            statement_id: f.statement_id.as_deref(),
            app: f.app.as_deref(),
            statement_type: f.statement_type.as_deref(),
            sent: f.sent.map(local),
            received: local(v.received),
            received_date: v.received_day().to_string(),
            received_at: v.received.to_rfc3339_opts(SecondsFormat::Secs, true),
            case_id: v.case_id.as_deref(),
            child: v.child.as_deref(),
            assigned_to: v.assigned_to.as_deref(),
            route: v.route.as_ref(),
            filed: v.filed(),
            recipients: &v.recipients,
            feeling: f.feeling.as_deref(),
            place: f.place.as_deref(),
            name_given: f.name.as_deref(),
            date_of_birth_given: f.date_of_birth.map(|d| d.format("%-d %B %Y").to_string()),
            sent_to_filed: f.sent.map(|sent| {
                let mut text = duration_words((v.received - sent).num_minutes());
                if let Some(working) = v.working_minutes {
                    text.push_str(&format!(" ({} of working time)", duration_words(working)));
                }
                text
            }),
        }
    }
}

/// Minutes in words: "2 days 3 hours", "13 hours 20 minutes", "5 minutes".
fn duration_words(minutes: i64) -> String {
    let minutes = minutes.max(0);
    let (days, hours, mins) = (minutes / 1440, minutes / 60 % 24, minutes % 60);
    let unit = |n: i64, one: &str| format!("{n} {one}{}", if n == 1 { "" } else { "s" });
    let parts = match (days, hours, mins) {
        (0, 0, m) => vec![unit(m, "minute")],
        (0, h, 0) => vec![unit(h, "hour")],
        (0, h, m) => vec![unit(h, "hour"), unit(m, "minute")],
        (d, 0, _) => vec![unit(d, "day")],
        (d, h, _) => vec![unit(d, "day"), unit(h, "hour")],
    };
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn durations_read_as_words() {
        use super::duration_words as w;
        assert_eq!(w(5), "5 minutes");
        assert_eq!(w(60), "1 hour");
        assert_eq!(w(13 * 60 + 20), "13 hours 20 minutes");
        assert_eq!(w(2 * 1440 + 3 * 60 + 7), "2 days 3 hours");
        assert_eq!(w(-3), "0 minutes");
    }
}
