//! Writes the sample inbox, `samples/inbox/`: fictional statement PDFs in the
//! layouts real producers use, plus broken files, for the sample cases.
//!
//! `cargo run --example make-inbox [-- DIR]`

#[path = "../tests/support/statement_pdfs.rs"]
mod statement_pdfs;

use std::path::PathBuf;

fn main() {
    let dir = std::env::args().nth(1).map(PathBuf::from).unwrap_or_else(|| "samples/inbox".into());
    statement_pdfs::write_sample_inbox(&dir);
    println!("wrote the sample inbox to {}", dir.display());
}
