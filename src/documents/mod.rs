//! The service's catalogue of papers: every kind of document casepress
//! makes, how each one is reviewed before it is final, and the steps of a
//! document's life. The ground floor: it imports nothing from the rest of
//! the crate, and everything that needs to know about a kind asks here.
//!
//! Adding a kind is a row in the catalogue (`kind.rs`), a template in `templates/`,
//! the practice rules of what it needs (`rules::documents`) and, if it is
//! written in the workspace, a form section.

mod kind;
mod signer;
mod step;

pub use kind::{DocumentKind, Review, Spec};
pub use signer::Signer;
pub use step::{Phase, Step};
