//! Reading statement PDFs of every layout, and surviving broken ones.

#[path = "support/statement_pdfs.rs"]
mod statement_pdfs;

use std::time::Instant;

use casepress::statements::read::read_pdf;
use statement_pdfs::*;

fn sample() -> Statement {
    let mut s = Statement::new("MOMO-20431", "Jay", "14/06/2009", "21/11/2026 14:05");
    s.safety_link = true;
    s.worker = Some("Priya Natarajan".into());
    s
}

#[test]
fn every_layout_yields_the_same_fields() {
    for layout in [
        Layout::Lines,
        Layout::Table,
        Layout::Kerned,
        Layout::ObjectStreams,
        Layout::Incremental,
        Layout::EncryptedEmptyPassword,
    ] {
        let pdf = statement_pdf(&sample(), layout);
        let f = read_pdf(pdf).unwrap_or_else(|e| panic!("{layout:?}: {e}"));
        assert_eq!(f.statement_id.as_deref(), Some("MOMO-20431"), "{layout:?}: {f:?}");
        assert_eq!(f.name.as_deref(), Some("Jay"), "{layout:?}");
        assert_eq!(f.date_of_birth.map(|d| d.to_string()).as_deref(), Some("2009-06-14"), "{layout:?}");
        assert_eq!(
            f.sent.map(|d| d.to_rfc3339()).as_deref(),
            Some("2026-11-21T14:05:00+00:00"),
            "{layout:?}"
        );
        assert_eq!(f.statement_type.as_deref(), Some("My World"), "{layout:?}");
        assert_eq!(f.worker.as_deref(), Some("Priya Natarajan"), "{layout:?}");
        assert!(f.safety_link, "{layout:?}");
    }
}

#[test]
fn broken_files_give_a_reason_never_a_panic_or_a_hang() {
    for (kind, expect) in [
        (Broken::Truncated, "truncated"),
        (Broken::Empty, "empty file"),
        (Broken::NotAPdf, "not a PDF"),
        (Broken::PasswordProtected, "password"),
        (Broken::CompressionBomb, ""),
        (Broken::Zipped, "zip"),
    ] {
        let started = Instant::now();
        let result = read_pdf(broken(kind));
        // A guard against hangs, not a performance measurement.
        assert!(started.elapsed().as_secs() < 6, "{kind:?} took {:?}", started.elapsed());
        match result {
            Err(reason) => assert!(reason.contains(expect), "{kind:?}: {reason}"),
            Ok(f) => assert!(!f.missing_required().is_empty() || expect.is_empty(), "{kind:?} read as {f:?}"),
        }
    }
}
