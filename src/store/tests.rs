use std::fs::{self, OpenOptions};
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use super::*;

fn mode(path: &Path) -> u32 {
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn publish_writes_with_restrictive_modes_and_leaves_no_temp_file() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("cases/A/documents");
    let out = publish(&dir, "a.pdf", b"one", Modes::default()).unwrap();
    assert_eq!(out, Published::Written(dir.join("a.pdf")));
    assert_eq!(fs::read(dir.join("a.pdf")).unwrap(), b"one");
    assert_eq!(mode(&dir.join("a.pdf")), 0o600);
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(fs::read_dir(&dir).unwrap().count(), 1, "no temporary file left behind");
}

#[test]
fn publish_never_replaces_an_existing_file() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    publish(dir, "a.pdf", b"one", Modes::default()).unwrap();
    assert_eq!(
        publish(dir, "a.pdf", b"one", Modes::default()).unwrap(),
        Published::Unchanged(dir.join("a.pdf"))
    );
    assert_eq!(
        publish(dir, "a.pdf", b"two", Modes::default()).unwrap(),
        Published::Written(dir.join("a_2.pdf"))
    );
    assert_eq!(
        publish(dir, "a.pdf", b"two", Modes::default()).unwrap(),
        Published::Unchanged(dir.join("a_2.pdf"))
    );
    assert_eq!(fs::read(dir.join("a.pdf")).unwrap(), b"one");
    assert_eq!(fs::read(dir.join("a_2.pdf")).unwrap(), b"two");
}

#[test]
fn a_stale_temp_file_from_a_crash_does_not_block_publishing() {
    let tmp = tempfile::tempdir().unwrap();
    let stale = tmp.path().join(format!(".a.pdf.tmp-{}-0", std::process::id()));
    fs::write(&stale, b"half").unwrap();
    let out = publish(tmp.path(), "a.pdf", b"whole", Modes::default()).unwrap();
    assert_eq!(fs::read(out.path()).unwrap(), b"whole");
}

#[test]
fn unsafe_file_names_are_rejected() {
    for bad in ["", ".", "..", "../x.pdf", "a/b.pdf", ".hidden", "a\nb"] {
        assert!(check_file_name(bad).is_err(), "{bad:?}");
    }
    assert!(check_file_name("YJS-1_psr_2026-11-23_draft.pdf").is_ok());
}

#[test]
fn the_case_log_is_appended_and_a_torn_last_line_is_skipped() {
    let tmp = tempfile::tempdir().unwrap();
    let entry = LogEntry::Document {
        at: "2026-11-23T10:00:00Z".into(),
        kind: crate::documents::DocumentKind::Psr,
        file: "a.pdf".into(),
        sha256: sha256_hex(b"x"),
        input_hash: "h".into(),
        draft: true,
        version: "0.1.0".into(),
    };
    append_log(tmp.path(), &entry, Modes::default()).unwrap();
    append_log(tmp.path(), &entry, Modes::default()).unwrap();
    let mut f = OpenOptions::new().append(true).open(tmp.path().join(CASE_LOG)).unwrap();
    f.write_all(b"{\"event\":\"document\",\"at\":").unwrap();
    assert_eq!(read_log(tmp.path()).unwrap(), vec![entry.clone(), entry]);
    assert_eq!(mode(&tmp.path().join(CASE_LOG)), 0o600);
}

#[test]
fn only_the_temporary_copies_of_one_file_are_swept() {
    assert_eq!(temp_target(".all.ndjson.tmp-4194304-0"), Some("all.ndjson"));
    for not in
        [".all.ndjson.tmp-", ".all.ndjson.tmp-12", ".all.ndjson.tmp-a-0", "all.json.tmp-1-0", ".x.json.swp"]
    {
        assert_eq!(temp_target(not), None, "{not}");
    }
    let tmp = tempfile::tempdir().unwrap();
    for name in [".a.json.tmp-1-0", ".a.json.tmp-2-3", ".ab.json.tmp-1-0", ".a.json.tmp-x", "a.json"] {
        fs::write(tmp.path().join(name), b"{}").unwrap();
    }
    let mut removed: Vec<String> = sweep_temp_files_of(tmp.path(), "a.json")
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    removed.sort();
    assert_eq!(removed, [".a.json.tmp-1-0", ".a.json.tmp-2-3"]);
    assert!(tmp.path().join(".ab.json.tmp-1-0").exists() && tmp.path().join(".a.json.tmp-x").exists());
}
