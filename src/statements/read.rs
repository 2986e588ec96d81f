//! Reading a received statement PDF, defensively: any input yields fields or
//! a reason, never a panic, a hang or a runaway allocation.

use std::sync::mpsc;
use std::time::Duration;

use lopdf::{Document, LoadOptions};

use super::fields::{StatementFields, parse_text};

/// Largest statement file accepted; portal PDFs are a few hundred kilobytes.
pub const MAX_FILE_BYTES: u64 = 20 * 1024 * 1024;
/// Largest any one PDF stream may decompress to (a compression bomb fails fast).
pub const MAX_STREAM_BYTES: usize = 16 * 1024 * 1024;
/// Longest a single PDF may take to read before it is called unreadable.
pub const READ_TIMEOUT: Duration = Duration::from_secs(5);

/// Reads a statement's fields from its PDF bytes, or says why it cannot.
pub fn read_pdf(bytes: Vec<u8>) -> Result<StatementFields, String> {
    check_header(&bytes)?;
    // lopdf runs in its own thread: a crafted file that makes it loop or
    // panic costs that thread, not the batch.
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .name("statement-pdf".into())
        .spawn(move || {
            let result = std::panic::catch_unwind(|| parse_pdf(&bytes))
                .unwrap_or_else(|_| Err("the PDF reader failed on this file (damaged PDF)".into()));
            let _ = tx.send(result);
        })
        .map_err(|e| format!("cannot start the PDF reader: {e}"))?;
    rx.recv_timeout(READ_TIMEOUT).unwrap_or_else(|_| {
        Err(format!("reading took longer than {} s (damaged or hostile PDF)", READ_TIMEOUT.as_secs()))
    })
}

/// Check size and the `%PDF-` marker first; lopdf's error for a
/// non-PDF is only "couldn't parse input".
fn check_header(bytes: &[u8]) -> Result<(), String> {
    if bytes.is_empty() {
        return Err("empty file (0 bytes): the download may have failed".into());
    }
    let head = &bytes[..bytes.len().min(1024)];
    if head.windows(5).any(|w| w == b"%PDF-") {
        // A complete PDF (and each incremental update) ends with %%EOF; a
        // download cut off part-way does not, even when lopdf could repair it.
        let tail = &bytes[bytes.len().saturating_sub(1024)..];
        if !tail.windows(5).any(|w| w == b"%%EOF") {
            return Err("truncated: the file does not end with %%EOF (an incomplete download)".into());
        }
        return Ok(());
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return Err("a zip archive, not a PDF: extract the statement and put the PDF in the inbox".into());
    }
    Err("not a PDF: no %PDF- marker in the first 1024 bytes".into())
}

fn parse_pdf(bytes: &[u8]) -> Result<StatementFields, String> {
    let options = LoadOptions { max_decompressed_size: Some(MAX_STREAM_BYTES), ..LoadOptions::default() };
    let doc =
        Document::load_mem_with_options(bytes, options).map_err(|e| format!("cannot read the PDF: {e}"))?;
    // lopdf opens a file that needs a password, or has a broken page tree,
    // as a document with no pages.
    let pages: Vec<u32> = doc.get_pages().keys().copied().take(2).collect();
    if pages.is_empty() {
        return Err(if doc.is_encrypted() {
            "password-protected: ask the portal for an unprotected download".into()
        } else {
            "no readable pages (damaged or truncated PDF)".into()
        });
    }
    // A text failure means "fields not found", not a broken file.
    let text = doc.extract_text_with_limit(&pages, MAX_STREAM_BYTES).unwrap_or_default();
    Ok(parse_text(&text))
}
