//! Deterministic zip bundles with a SHA-256 manifest: the board pack and the
//! transfer and Y2A exports. The same members always give the same bytes:
//! fixed order, fixed timestamps, 0600 members, no wall-clock time.

use std::io::Write;

use serde_json::{Map, Value, json};

use super::sha256_hex;

/// One file in a bundle.
#[derive(Debug, Clone)]
pub struct BundleMember {
    /// Its name inside the zip (may contain `/`).
    pub name: String,
    /// What it is (`psr`, `statement`, `figures`…), for the manifest.
    pub kind: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// A built bundle.
#[derive(Debug, Clone)]
pub struct Bundle {
    /// The zip: the members, then `manifest.json`.
    pub zip: Vec<u8>,
    /// `manifest.json`, as in the zip.
    pub manifest: Vec<u8>,
}

/// Zips `members` in order, followed by `manifest.json`: the fields of
/// `head`, then `members` (name, kind, size and SHA-256 of each).
pub fn bundle(members: &[BundleMember], head: Map<String, Value>) -> Bundle {
    let mut manifest = head;
    let listed = members
        .iter()
        .map(|m| json!({"name": m.name, "kind": m.kind, "size": m.bytes.len(), "sha256": sha256_hex(&m.bytes)}))
        .collect();
    manifest.insert("members".into(), Value::Array(listed));
    let mut manifest = serde_json::to_vec_pretty(&manifest).expect("a manifest serialises");
    manifest.push(b'\n');

    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o600);
    for (name, bytes) in members
        .iter()
        .map(|m| (m.name.as_str(), m.bytes.as_slice()))
        .chain([("manifest.json", manifest.as_slice())])
    {
        zip.start_file(name, options).expect("a zip entry in memory");
        zip.write_all(bytes).expect("a zip write to memory");
    }
    Bundle { zip: zip.finish().expect("a zip in memory").into_inner(), manifest }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_members_give_the_same_bytes_and_the_manifest_lists_them() {
        let members =
            vec![BundleMember { name: "a/b.txt".into(), kind: "note".into(), bytes: b"hi".to_vec() }];
        let head = |n: &str| {
            let mut m = Map::new();
            m.insert("case_id".into(), n.into());
            m
        };
        let one = bundle(&members, head("C-1"));
        assert_eq!(one.zip, bundle(&members, head("C-1")).zip);
        let manifest: Value = serde_json::from_slice(&one.manifest).unwrap();
        assert_eq!(manifest["case_id"], "C-1");
        assert_eq!(manifest["members"][0]["sha256"], sha256_hex(b"hi"));
        assert_eq!(manifest["members"][0]["size"], 2);
    }
}
