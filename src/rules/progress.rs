//! Whose views a progress report gives the court: the panel's where a
//! youth offender panel runs the order (a referral order), the victim's
//! where an offence had one, and always the young person's and a parent's
//! or carer's.

use crate::case::Case;

/// A referral order is run by a youth offender panel, whose view the court
/// hears when the order comes back to it.
pub fn panel_view_needed(case: &Case) -> bool {
    case.order.as_ref().is_some_and(|o| o.kind.key() == "referral_order")
}

/// An offence with a recorded victim: the court hears the victim's view,
/// or that they chose not to give one.
pub fn victim_view_needed(case: &Case) -> bool {
    case.offences.iter().any(|o| !o.victims.is_empty())
}
