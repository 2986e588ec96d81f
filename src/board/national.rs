//! The Youth Justice Board's key performance indicators for youth justice
//! services (in force since April 2023), as far as the published guidance
//! we hold defines them (decision 0161). Each headline has its numerator
//! and denominator; its sub-measures are figures of their own, among them
//! a count of the cases whose fact is not recorded: such a case is shown as
//! "not recorded", never counted as a yes or a no. KPIs 6, 8 and 9 are
//! named in the guidance but not defined in the sources we hold: the pack
//! lists them as such ([`NOT_DEFINED`]) rather than invent a count.

use std::path::Path;

use chrono::NaiveDate;

use super::figure::Measure;
use super::period::{Period, Spec, count, is_out_of_court, kind, spec};
use crate::case::{Case, EndOfOrder};

/// The report section of the national indicators.
pub const SECTION: &str = "YJB key performance indicators";

/// The national indicators the sources we hold name but do not define:
/// (indicator, name, what the pack says instead of a figure).
pub const NOT_DEFINED: [(&str, &str); 3] =
    [("KPI 6", "Out-of-court disposals"), ("KPI 8", "Wider services"), ("KPI 9", "Serious violence")];

/// What the pack prints for an indicator in [`NOT_DEFINED`].
pub const NOT_DEFINED_NOTE: &str = "Not defined in the sources we hold: the published guidance we hold names this indicator, but its wording is cut off or absent, so no figure is given rather than one of our own making.";

/// The short name of a headline indicator, for the chart; `None` for a
/// sub-measure or any other figure.
pub fn short_label(id: &str) -> Option<&'static str> {
    Some(match id {
        "kpi.accommodation" => "KPI 1 Accommodation",
        "kpi.ete" => "KPI 2 ETE",
        "kpi.send" => "KPI 3 SEND",
        "kpi.mental_health" => "KPI 4 Mental health",
        "kpi.substance_misuse" => "KPI 5 Substance misuse",
        "kpi.board_attendance" => "KPI 7 Board attendance",
        "kpi.victims" => "KPI 10 Victims",
        _ => return None,
    })
}

pub use super::period::Attendance;

/// Reads the attendance file: CSV with the header `date,member,attended`.
/// An error names the file, the line and what was expected.
pub fn read_attendance(path: &Path) -> Result<Vec<Attendance>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: the board attendance file could not be read: {e}", path.display()))?;
    parse_attendance(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Parses the attendance CSV (see [`read_attendance`]).
pub fn parse_attendance(text: &str) -> Result<Vec<Attendance>, String> {
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(text.as_bytes());
    let header = reader.headers().map_err(|e| format!("line 1: {e}"))?.clone();
    if header.iter().collect::<Vec<_>>() != ["date", "member", "attended"] {
        return Err("line 1: expected the header `date,member,attended`".into());
    }
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = i + 2;
        let record = record.map_err(|e| format!("line {line}: {e}"))?;
        let cell = |k: usize| record.get(k).unwrap_or("");
        let date = cell(0).parse::<NaiveDate>().map_err(|_| {
            format!("line {line} column 1: expected a date as YYYY-MM-DD, found `{}`", cell(0))
        })?;
        let attended = match cell(2).to_ascii_lowercase().as_str() {
            "yes" => true,
            "no" => false,
            other => return Err(format!("line {line} column 3: expected yes or no, found `{other}`")),
        };
        rows.push(Attendance { date, member: cell(1).to_owned(), attended });
    }
    Ok(rows)
}

fn end(c: &Case, f: impl Fn(&EndOfOrder) -> Option<bool>) -> Option<bool> {
    c.end_of_order.as_ref().and_then(f)
}

/// An end-of-order outcome: (yes ÷ recorded) and the count not recorded.
fn outcome(
    id: &str,
    label: &str,
    what: &str,
    fact: fn(&EndOfOrder) -> Option<bool>,
    source: &str,
) -> [Spec; 2] {
    [
        spec(
            format!("kpi.{id}"),
            SECTION,
            label,
            format!(
                "Children whose order or programme ended in the quarter {what} at the end ÷ those whose order or programme ended in the quarter with this recorded ({source}). Cases with it not recorded are counted in the next row, not here."
            ),
            move |p| {
                let recorded: Vec<bool> = p.ended().filter_map(|c| end(c, fact)).collect();
                Measure::ratio(recorded.iter().filter(|x| **x).count(), recorded.len())
            },
        ),
        spec(
            format!("kpi.{id}.not_recorded"),
            SECTION,
            "   not recorded",
            format!(
                "Children whose order or programme ended in the quarter with no record of whether they were {what}."
            ),
            move |p| Measure::count(count(p.ended(), |c| end(c, fact).is_none())),
        ),
    ]
}

/// A need screened at the end of the order, then (of those with the need)
/// an intervention planned or offered, then (of those) attended; and the
/// count whose screening is not recorded.
fn need(
    id: &str,
    n: u8,
    what: &'static str,
    need: fn(&EndOfOrder) -> Option<bool>,
    offered: fn(&EndOfOrder) -> Option<bool>,
    attended: fn(&EndOfOrder) -> Option<bool>,
) -> [Spec; 4] {
    let has_need = move |c: &&Case| end(c, need) == Some(true);
    // An intervention attended was offered.
    let was_offered = move |c: &&Case| end(c, offered) == Some(true) || end(c, attended) == Some(true);
    [
        spec(
            format!("kpi.{id}"),
            SECTION,
            format!("KPI {n}: a screened or identified need for {what}"),
            format!(
                "Children whose order ended in the quarter with a screened or identified need for {what} at the end of their order ÷ children whose order ended in the quarter with the screening recorded (YJB KPIs, current wording). Cases with no screening recorded are counted in the row \"not recorded\"."
            ),
            move |p| {
                let screened: Vec<bool> = p.ended().filter_map(|c| end(c, need)).collect();
                Measure::ratio(screened.iter().filter(|x| **x).count(), screened.len())
            },
        ),
        spec(
            format!("kpi.{id}.offered"),
            SECTION,
            "   of those, an intervention planned or offered",
            format!(
                "Of the children in the row above with a need, those with {what} planned or offered (YJB KPIs, 2023 wording: the second step). An intervention attended counts as offered."
            ),
            move |p| {
                let needs: Vec<&Case> = p.ended().filter(has_need).collect();
                Measure::ratio(needs.iter().filter(|c| was_offered(c)).count(), needs.len())
            },
        ),
        spec(
            format!("kpi.{id}.attended"),
            SECTION,
            "   of those, attended",
            format!(
                "Of the children in the row above with {what} planned or offered, those recorded as attending it (YJB KPIs, 2023 wording: the third step)."
            ),
            move |p| {
                let offered: Vec<&Case> = p.ended().filter(has_need).filter(was_offered).collect();
                Measure::ratio(
                    offered.iter().filter(|c| end(c, attended) == Some(true)).count(),
                    offered.len(),
                )
            },
        ),
        spec(
            format!("kpi.{id}.not_recorded"),
            SECTION,
            "   screening not recorded",
            format!(
                "Children whose order ended in the quarter with no record of whether they had a need for {what}."
            ),
            move |p| Measure::count(count(p.ended(), |c| end(c, need).is_none())),
        ),
    ]
}

/// Every national indicator the sources define, with its sub-measures, and
/// the local out-of-court measure kept from earlier packs.
#[allow(clippy::too_many_lines, reason = "a table of like items: one entry per figure")]
pub(super) fn specs() -> Vec<Spec> {
    let current = "YJB KPIs, current wording";
    let mut s = Vec::new();
    s.extend(outcome(
        "accommodation",
        "KPI 1: in suitable accommodation at the end",
        "in suitable accommodation",
        |e| e.suitable_accommodation,
        current,
    ));
    s.extend(outcome(
        "ete",
        "KPI 2: in suitable education, training or employment at the end",
        "in suitable education, training or employment",
        |e| e.suitable_ete,
        current,
    ));
    fn send(c: &Case) -> Option<&crate::case::Send> {
        c.child.send.as_ref()
    }
    s.push(spec(
        "kpi.send",
        SECTION,
        "KPI 3: SEND (ALN in Wales) with a formal plan",
        "Children worked with in the quarter with a formal plan in place (an EHCP or equivalent) ÷ children worked with in the quarter with an identified special educational need or disability (additional learning need in Wales) (YJB KPIs, current wording).",
        move |p| {
            let identified: Vec<&Case> = p.worked_with().filter(|c| send(c).is_some_and(|x| x.identified)).collect();
            Measure::ratio(identified.iter().filter(|c| send(c).is_some_and(|x| x.formal_plan)).count(), identified.len())
        },
    ));
    s.push(spec(
        "kpi.send.not_recorded",
        SECTION,
        "   SEND status not recorded",
        "Children worked with in the quarter with no SEND (ALN) status recorded: neither counted as having a need nor as not having one.",
        move |p| Measure::count(count(p.worked_with(), |c| send(c).is_none())),
    ));
    s.extend(need(
        "mental_health",
        4,
        "an intervention to improve mental health or emotional wellbeing",
        |e| e.mental_health_need,
        |e| e.mental_health_offered,
        |e| e.mental_health_attended,
    ));
    s.extend(need(
        "substance_misuse",
        5,
        "intervention or treatment to address substance misuse",
        |e| e.substance_misuse_need,
        |e| e.substance_misuse_offered,
        |e| e.substance_misuse_attended,
    ));
    s.push(spec(
        "kpi.board_attendance",
        SECTION,
        "KPI 7: management board attendance",
        "Places at the management board's meetings in the quarter taken by the member expected (or a deputy the board accepts) ÷ places expected, as the board attendance file records them. The guidance we hold names this indicator but does not define it: this counts what the file records, no more, and is not the national definition.",
        |p| {
            let rows: Vec<_> = p.input.attendance.iter().filter(|a| p.q.contains(a.date)).collect();
            Measure::ratio(rows.iter().filter(|a| a.attended).count(), rows.len())
        },
    ));
    s.push(spec(
        "kpi.board_attendance.meetings",
        SECTION,
        "   management board meetings held",
        "Management board meetings in the quarter, as the board attendance file records them (distinct dates).",
        |p| {
            let dates: std::collections::BTreeSet<NaiveDate> =
                p.input.attendance.iter().map(|a| a.date).filter(|d| p.q.contains(*d)).collect();
            Measure::count(dates.len())
        },
    ));
    let victims = |p: &Period| -> Vec<(Option<bool>, Option<bool>)> {
        p.worked_with()
            .flat_map(|c| c.offences.iter().flat_map(|o| o.victims.iter()))
            .map(|v| (v.consents_to_contact, v.engaged_in_rj))
            .collect()
    };
    s.push(spec(
        "kpi.victims",
        SECTION,
        "KPI 10: victims engaged in restorative justice",
        "Victims engaged in restorative justice opportunities ÷ victims who consent to be contacted (YJB KPI 10 as quoted by Why me?), for the offences of children worked with in the quarter.",
        move |p| {
            let consenting: Vec<bool> =
                victims(p).into_iter().filter(|(c, _)| *c == Some(true)).map(|(_, e)| e == Some(true)).collect();
            Measure::ratio(consenting.iter().filter(|x| **x).count(), consenting.len())
        },
    ));
    s.push(spec(
        "kpi.victims.consent_not_recorded",
        SECTION,
        "   victims whose consent is not recorded",
        "Victims of the offences of children worked with in the quarter with no record of whether they consent to be contacted.",
        move |p| Measure::count(victims(p).iter().filter(|(c, _)| c.is_none()).count()),
    ));
    s.push(spec(
        "kpi.out_of_court",
        "Local measures",
        "Out-of-court disposals among new disposals (local measure, not KPI 6)",
        "A local measure kept from earlier packs, not the national KPI 6 (which the sources we hold do not define): Youth Conditional Cautions, Youth Cautions and Community Resolutions ÷ those and the court sentences, starting in the quarter; prevention, bail and remand excluded.",
        |p| {
            let disposals: Vec<_> =
                p.started().filter_map(kind).filter(|k| k.is_sentence() || is_out_of_court(*k)).collect();
            Measure::ratio(disposals.iter().filter(|k| is_out_of_court(**k)).count(), disposals.len())
        },
    ));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_attendance_file_is_read_and_bad_rows_are_named() {
        let rows = parse_attendance("date,member,attended\n2026-07-14,Police,yes\n2026-07-14, Health ,No\n")
            .unwrap();
        assert_eq!(rows.len(), 2);
        assert!(rows[0].attended && !rows[1].attended);
        assert_eq!(rows[1].member, "Health");
        let bad = parse_attendance("date,member,attended\n2026-07-14,Police,maybe\n").unwrap_err();
        assert!(bad.starts_with("line 2 column 3") && bad.contains("expected yes or no"), "{bad}");
        let bad = parse_attendance("date,member,attended\n14/07/2026,Police,yes\n").unwrap_err();
        assert!(bad.starts_with("line 2 column 1") && bad.contains("YYYY-MM-DD"), "{bad}");
        assert!(parse_attendance("when,who\n").unwrap_err().contains("header"));
    }
}
