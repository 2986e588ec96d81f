//! One line of the statement ledger as read back, and the key a statement
//! is indexed by. Below both the ledger and its summary index.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::statements::decision::Decision;

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(in crate::statements) enum Stage {
    Begun,
    Done,
}

#[derive(Debug, Deserialize)]
pub(in crate::statements) struct LedgerLine {
    pub(in crate::statements) stage: Stage,
    pub(in crate::statements) decision: Decision,
}

/// A SHA-256 as its 32 bytes.
pub(super) type Key = [u8; 32];

pub(super) fn key(sha256: &str) -> Key {
    let mut key = [0u8; 32];
    let hex = sha256.as_bytes();
    let digit = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let decoded = hex.len() == 64
        && key.iter_mut().enumerate().all(|(i, byte)| match (digit(hex[2 * i]), digit(hex[2 * i + 1])) {
            (Some(hi), Some(lo)) => {
                *byte = hi << 4 | lo;
                true
            }
            _ => false,
        });
    // Not a SHA-256 in hex (never written by casepress): keyed by its digest.
    if !decoded {
        key = Sha256::digest(hex).into();
    }
    key
}
