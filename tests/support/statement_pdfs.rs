//! A generator of realistic (fictional) Mind Of My Own statement PDFs, in the
//! layouts real producers use, and of broken files. Shared by the tests and
//! by `cargo run --example make-inbox`, which writes `samples/inbox/`.

#![allow(dead_code, reason = "each user takes a different subset")]

use std::io::Write;

use lopdf::content::{Content, Operation};
use lopdf::encryption::{EncryptionState, EncryptionVersion, Permissions};
use lopdf::{Document, IncrementalDocument, Object, Stream, StringFormat, dictionary};

/// The fields a statement shows, as printed.
#[derive(Debug, Clone)]
pub struct Statement {
    pub id: String,
    pub app: &'static str,
    pub kind: &'static str,
    pub name: String,
    pub dob: String,
    pub sent: String,
    pub worker: Option<String>,
    pub child_id: Option<String>,
    pub safety_link: bool,
    pub words: String,
}

impl Statement {
    /// A plain statement with the given id, name, date of birth and sent time.
    pub fn new(id: &str, name: &str, dob: &str, sent: &str) -> Self {
        Self {
            id: id.into(),
            app: "Xchange",
            kind: "My World",
            name: name.into(),
            dob: dob.into(),
            sent: sent.into(),
            worker: None,
            child_id: None,
            safety_link: false,
            words: "I want to tell you about my week. College is going better and I went to boxing twice."
                .into(),
        }
    }

    fn field_lines(&self) -> Vec<(String, String)> {
        let mut f = vec![
            ("Statement ID".to_string(), self.id.clone()),
            ("App".into(), self.app.into()),
            ("Statement type".into(), self.kind.into()),
            ("Name".into(), self.name.clone()),
            ("Date of birth".into(), self.dob.clone()),
            ("Sent".into(), self.sent.clone()),
        ];
        if let Some(w) = &self.worker {
            f.push(("Worker".into(), w.clone()));
        }
        if let Some(c) = &self.child_id {
            f.push(("Child ID".into(), c.clone()));
        }
        f.push(("Safety Link".into(), if self.safety_link { "Yes" } else { "No" }.into()));
        f
    }
}

/// How the text is laid out in the PDF.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// `Label: value` on one line, Type 1 Helvetica, WinAnsi.
    Lines,
    /// Label and value in separate text runs, like table cells.
    Table,
    /// Kerned `TJ` arrays that break words across runs.
    Kerned,
    /// Lines, saved with compressed object streams and a cross-reference stream.
    ObjectStreams,
    /// Lines, then an incremental update appended (a new Info dictionary).
    Incremental,
    /// Lines, encrypted with an empty user password (readable).
    EncryptedEmptyPassword,
}

fn win_ansi(text: &str) -> Object {
    // WinAnsi covers Latin-1; anything else becomes '?'.
    let bytes: Vec<u8> = text.chars().map(|c| if (c as u32) < 256 { c as u8 } else { b'?' }).collect();
    Object::String(bytes, StringFormat::Literal)
}

fn text_ops(s: &Statement, layout: Layout) -> Vec<Operation> {
    let mut ops = vec![Operation::new("BT", vec![]), Operation::new("Tf", vec!["F1".into(), 18.into()])];
    ops.push(Operation::new("Td", vec![50.into(), 780.into()]));
    ops.push(Operation::new("Tj", vec![win_ansi("Mind Of My Own statement")]));
    ops.push(Operation::new("Tf", vec!["F1".into(), 11.into()]));
    ops.push(Operation::new("TL", vec![16.into()]));
    ops.push(Operation::new("T*", vec![]));
    if s.safety_link {
        ops.push(Operation::new("T*", vec![]));
        ops.push(Operation::new("Tj", vec![win_ansi("SAFETY LINK")]));
    }
    ops.push(Operation::new("ET", vec![]));
    let mut y = 720;
    for (label, value) in s.field_lines() {
        match layout {
            Layout::Table => {
                for (x, text) in [(50, format!("{label}:")), (200, value)] {
                    ops.push(Operation::new("BT", vec![]));
                    ops.push(Operation::new("Tf", vec!["F1".into(), 11.into()]));
                    ops.push(Operation::new("Td", vec![x.into(), y.into()]));
                    ops.push(Operation::new("Tj", vec![win_ansi(&text)]));
                    ops.push(Operation::new("ET", vec![]));
                }
            }
            Layout::Kerned => {
                let line = format!("{label}: {value}");
                let (a, b) = line.split_at(line.len().min(4));
                ops.push(Operation::new("BT", vec![]));
                ops.push(Operation::new("Tf", vec!["F1".into(), 11.into()]));
                ops.push(Operation::new("Td", vec![50.into(), y.into()]));
                ops.push(Operation::new(
                    "TJ",
                    vec![Object::Array(vec![win_ansi(a), (-12).into(), win_ansi(b)])],
                ));
                ops.push(Operation::new("ET", vec![]));
            }
            _ => {
                ops.push(Operation::new("BT", vec![]));
                ops.push(Operation::new("Tf", vec!["F1".into(), 11.into()]));
                ops.push(Operation::new("Td", vec![50.into(), y.into()]));
                ops.push(Operation::new("Tj", vec![win_ansi(&format!("{label}: {value}"))]));
                ops.push(Operation::new("ET", vec![]));
            }
        }
        y -= 18;
    }
    y -= 20;
    for line in s.words.split('\n') {
        ops.push(Operation::new("BT", vec![]));
        ops.push(Operation::new("Tf", vec!["F1".into(), 11.into()]));
        ops.push(Operation::new("Td", vec![50.into(), y.into()]));
        ops.push(Operation::new("Tj", vec![win_ansi(line)]));
        ops.push(Operation::new("ET", vec![]));
        y -= 16;
    }
    ops
}

fn document(s: &Statement, layout: Layout) -> Document {
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica", "Encoding" => "WinAnsiEncoding",
    });
    let resources_id = doc.add_object(dictionary! { "Font" => dictionary! { "F1" => font_id } });
    let content = Content { operations: text_ops(s, layout) };
    let content_id = doc.add_object(Stream::new(dictionary! {}, content.encode().unwrap()));
    let page_id = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages_id, "Contents" => content_id, "Resources" => resources_id,
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1 }),
    );
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    let info_id = doc.add_object(dictionary! {
        "Producer" => Object::string_literal("Mind Of My Own service portal (fictional sample)"),
        "Title" => Object::string_literal("Statement"),
    });
    doc.trailer.set("Info", info_id);
    doc.trailer.set(
        "ID",
        Object::Array(vec![Object::string_literal(s.id.as_bytes()), Object::string_literal(s.id.as_bytes())]),
    );
    doc.compress();
    doc
}

/// A statement PDF in the given layout.
pub fn statement_pdf(s: &Statement, layout: Layout) -> Vec<u8> {
    let mut doc = document(s, layout);
    let mut out = Vec::new();
    match layout {
        Layout::ObjectStreams => {
            let options =
                lopdf::SaveOptions::builder().use_object_streams(true).use_xref_streams(true).build();
            doc.save_with_options(&mut out, options).unwrap();
        }
        Layout::Incremental => {
            doc.save_to(&mut out).unwrap();
            let loaded = Document::load_mem(&out).unwrap();
            let mut inc = IncrementalDocument::create_from(out.clone(), loaded);
            let info = inc.new_document.add_object(dictionary! {
                "Producer" => Object::string_literal("Mind Of My Own portal, re-saved"),
                "Title" => Object::string_literal("Statement (updated)"),
            });
            inc.new_document.trailer.set("Info", info);
            out.clear();
            inc.save_to(&mut out).unwrap();
        }
        Layout::EncryptedEmptyPassword => {
            let state = EncryptionState::try_from(EncryptionVersion::V2 {
                document: &doc,
                owner_password: "portal-owner",
                user_password: "",
                key_length: 128,
                permissions: Permissions::all(),
            })
            .unwrap();
            doc.encrypt(&state).unwrap();
            doc.save_to(&mut out).unwrap();
        }
        _ => doc.save_to(&mut out).unwrap(),
    }
    out
}

/// Broken inputs an inbox receives.
#[derive(Debug, Clone, Copy)]
pub enum Broken {
    /// A download cut off part-way.
    Truncated,
    /// Zero bytes.
    Empty,
    /// A text file with a `.pdf` name.
    NotAPdf,
    /// Encrypted with a user password.
    PasswordProtected,
    /// A small file whose stream inflates to 64 MiB.
    CompressionBomb,
    /// A statement PDF inside a zip.
    Zipped,
}

/// A broken file.
pub fn broken(kind: Broken) -> Vec<u8> {
    let s = Statement::new("MOMO-BROKEN-1", "Sam", "01/01/2010", "20/11/2026 10:00");
    match kind {
        Broken::Truncated => {
            let whole = statement_pdf(&s, Layout::Lines);
            whole[..whole.len() * 3 / 5].to_vec()
        }
        Broken::Empty => Vec::new(),
        Broken::NotAPdf => b"Statement ID: MOMO-1\nName: Sam\nThis is a text file, not a PDF.\n".to_vec(),
        Broken::PasswordProtected => {
            let mut doc = document(&s, Layout::Lines);
            let state = EncryptionState::try_from(EncryptionVersion::V2 {
                document: &doc,
                owner_password: "owner",
                user_password: "secret",
                key_length: 128,
                permissions: Permissions::all(),
            })
            .unwrap();
            doc.encrypt(&state).unwrap();
            let mut out = Vec::new();
            doc.save_to(&mut out).unwrap();
            out
        }
        Broken::CompressionBomb => {
            let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
            let zeros = vec![b' '; 1 << 20];
            for _ in 0..64 {
                enc.write_all(&zeros).unwrap();
            }
            let bomb = enc.finish().unwrap();
            let mut doc = document(&s, Layout::Lines);
            let page = *doc.get_pages().values().next().unwrap();
            let stream = Stream::new(dictionary! { "Filter" => "FlateDecode" }, bomb).with_compression(false);
            let id = doc.add_object(stream);
            doc.get_dictionary_mut(page).unwrap().set("Contents", id);
            let mut out = Vec::new();
            doc.save_to(&mut out).unwrap();
            out
        }
        Broken::Zipped => {
            let pdf = statement_pdf(&s, Layout::Lines);
            let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
            zip.start_file("statement.pdf", zip::write::SimpleFileOptions::default()).unwrap();
            zip.write_all(&pdf).unwrap();
            zip.finish().unwrap().into_inner()
        }
    }
}
