//! The service's people: the staff directory from configuration, each
//! member's role (parsed once), and the one rule for matching a name
//! against the directory. A ground floor: it imports nothing from the rest
//! of the crate.

mod directory;
mod member;
mod name;
mod role;

pub use directory::{Directory, Route};
pub use member::{Absence, StaffMember};
pub use name::{name_key, same_name};
pub use role::Role;
