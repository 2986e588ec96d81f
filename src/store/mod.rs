//! Durable output: atomic writes that never replace a file, restrictive
//! permissions, the case records (each case's append-only log, behind
//! [`Records`]), the output layout as one type,
//! and deterministic zip bundles.

mod bundle;
mod journal;
mod jsonl;
mod layout;
mod log;
mod publish;
mod records;

pub use bundle::{Bundle, BundleMember, bundle};
pub use journal::Journal;
pub use jsonl::{Damaged, ReadTo, Tail, append_lines, read_lines, read_lines_at, read_lines_from};
pub use layout::{Layout, Quarantine};
pub use log::{
    CASE_LOG, CaseLog, DisclosureStep, LogEntry, append_log, append_log_many, read_case_log, read_log,
};
use publish::at;
pub use publish::{
    Modes, Published, StoreError, check_file_name, ensure_dir, file_digest, free_name, hex, lock_case,
    lock_path, publish, publish_as, publish_as_unsynced, publish_unsynced, replace, replace_then, sha256_hex,
    sweep_temp_files, sweep_temp_files_of, sync_dir, temp_target, try_lock,
};
pub use records::{CaseFileLock, CaseLock, FilingLock, Records};

#[cfg(test)]
mod tests;
