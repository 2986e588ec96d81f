//! Which documents are history on a given day: their event has passed, so
//! the nightly run leaves them alone instead of dating a new draft today.

use chrono::NaiveDate;

use super::Facts;
use crate::case::Case;
use crate::documents::DocumentKind;

/// Why `kind` is history for `case` on `day`, if it is.
pub fn historic(case: &Case, kind: DocumentKind, facts: &Facts, day: NaiveDate) -> Option<String> {
    let when = |d: NaiveDate| d.format("%-d %B %Y").to_string();
    if let Some(closed) = case.order.as_ref().and_then(|o| o.closed_date).filter(|c| *c < day) {
        return Some(format!("the case closed on {}", when(closed)));
    }
    // A court report, and the record of its gatekeeping, are for a hearing.
    let for_a_hearing =
        kind.is_court_report() || kind.spec().record_of.is_some_and(DocumentKind::is_court_report);
    if for_a_hearing {
        let hearing = case.court.as_ref().and_then(|c| c.hearing_date).filter(|h| *h < day)?;
        Some(format!("the hearing was on {}", when(hearing)))
    } else if kind.is_form() {
        let sent = facts.forms.iter().find(|f| f.form == kind).and_then(|f| f.sent)?;
        Some(format!("it was sent on {}", when(sent)))
    } else {
        None
    }
}
