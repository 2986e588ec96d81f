//! Received Mind Of My Own statements: read, match, assign, file, escalate.
//!
//! The label contract of a statement PDF is in
//! `docs/reference/statement-pdf.md`. The practice decision is one pure
//! function ([`decide()`]); filing around it is crash-safe: a statement leaves
//! the inbox only after its filed copy is on disk, verified by SHA-256, and
//! its receipt is in the case log.

pub mod decide;
pub mod decision;
pub mod fields;
mod filing;
pub mod inbox;
pub mod ledger;
mod notes;
pub mod notices;
pub mod outbox;
pub mod read;
pub mod register;
mod report;
pub mod requests;
pub mod round;
pub mod scan;
mod smtp;
pub mod status;
pub mod watch;

pub use decide::decide;
pub use decision::{Decision, Recipient, StatementOutcome};
pub use filing::{
    AttachOptions, FileOptions, FilingLock, attach, attach_locked, file_inbox, file_inbox_locked,
};
pub use report::{FilingReport, StatementReport};
