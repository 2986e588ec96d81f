//! The workspace's pages and actions. Each handler: who is asking, whether
//! they may, the audit line, then the page. File work, typesetting and
//! password hashing run on the blocking pool.

mod changes;
mod common;
mod desk;
mod document;
mod editor;
mod lists;
mod papers;
mod present;
mod preview;
mod sign_in;
mod steps;

pub(super) use changes::*;
pub(super) use common::*;
pub(super) use desk::*;
pub(super) use document::*;
pub(super) use editor::*;
pub(super) use lists::*;
pub(super) use papers::*;
pub(super) use preview::*;
pub(super) use sign_in::*;
pub(super) use steps::*;
