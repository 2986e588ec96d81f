//! Received Mind Of My Own statements: read, match, assign, file, escalate.
//!
//! See `shared/statement-pdf.md` and DESIGN §7, §10. Filing is crash-safe:
//! a statement leaves the inbox only after its filed copy is on disk,
//! verified by SHA-256, and its receipt is in the case log.

pub mod fields;
mod file;
pub mod ledger;
mod notes;
pub mod read;
pub mod register;
pub mod sla;
pub mod staff;
pub mod status;

pub use file::{FileOptions, FilingReport, StatementOutcome, StatementReport, file_inbox};
