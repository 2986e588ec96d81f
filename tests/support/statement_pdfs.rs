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
    /// The feeling and place a Safety Link flags, when the portal prints them.
    pub feeling: Option<String>,
    pub place: Option<String>,
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
            feeling: None,
            place: None,
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
        if let Some(feeling) = &self.feeling {
            f.push(("Feeling".into(), feeling.clone()));
        }
        if let Some(place) = &self.place {
            f.push(("Where".into(), place.clone()));
        }
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

/// Writes the sample inbox into `dir`: the files of `samples/inbox/`.
pub fn write_sample_inbox(dir: &std::path::Path) {
    std::fs::create_dir_all(dir).unwrap();
    let write = |name: &str, bytes: &[u8]| std::fs::write(dir.join(name), bytes).unwrap();

    let mut jay = Statement::new("MOMO-20431", "Jay", "14/06/2009", "20/11/2026 at 9:40pm");
    jay.safety_link = true;
    jay.feeling = Some("Unsafe".into());
    jay.place = Some("Out and about".into());
    jay.words = "I don't feel safe going out at night. Someone I don't know messaged me again and said they know where I live.".into();
    let jay_pdf = statement_pdf(&jay, Layout::Lines);
    write("portal-20431.pdf", &jay_pdf);
    // The same download saved twice by the browser.
    write("portal-20431 (1).pdf", &jay_pdf);

    let mut ellie = Statement::new("MOMO-20432", "Ellie", "19.05.2012", "21/11/2026 10:15");
    ellie.kind = "This is Me";
    ellie.words = "I like drawing and netball. I want people to know I find reading hard.".into();
    write("portal-20432.pdf", &statement_pdf(&ellie, Layout::Table));

    let mut con = Statement::new("MOMO-20433", "Con", "2009-12-11", "2026-11-22T19:02:00Z");
    con.kind = "Youth Justice and Me";
    con.words = "Things in here are ok. I want to do the bricklaying course when I get out.".into();
    write("portal-20433.pdf", &statement_pdf(&con, Layout::Kerned));

    let mut harvey = Statement::new("MOMO-20434", "H", "27/03/2011", "23/11/2026 08:10");
    harvey.kind = "Prepare for a meeting";
    write("portal-20434.pdf", &statement_pdf(&harvey, Layout::ObjectStreams));
    write(
        "portal-20434.json",
        br#"{"child_id": "NYJS-2026-0142", "name": "Harvey", "statement_type": "Prepare for a meeting"}"#,
    );

    let mut gracie = Statement::new("MOMO-20435", "Gracie", "11 Feb 2014", "21 November 2026 16:30");
    gracie.app = "One";
    gracie.kind = "My Wellbeing";
    gracie.words = "I am happy at school this week. I got a star for my project.".into();
    write("portal-20435.pdf", &statement_pdf(&gracie, Layout::Incremental));

    let mut brooke = Statement::new("MOMO-20436", "Brooke", "02/06/2010", "22/11/2026 12:00");
    brooke.kind = "Good news";
    brooke.words = "I finished my order and I still go to the food bank to help.".into();
    write("portal-20436.pdf", &statement_pdf(&brooke, Layout::EncryptedEmptyPassword));

    // A name in a non-Latin-1 script, typeset with an embedded TrueType subset.
    write("portal-20437.pdf", &unicode_statement());

    let mut kai = Statement::new("MOMO-20438", "Kai", "05/05/2011", "22/11/2026 23:50");
    kai.safety_link = true;
    kai.feeling = Some("Scared".into());
    kai.place = Some("At home".into());
    kai.words = "I'm scared at home. I don't know who to talk to.".into();
    write("portal-20438.pdf", &statement_pdf(&kai, Layout::Lines));

    let mut sam = Statement::new("MOMO-20439", "Sam", "", "21/11/2026 09:00");
    sam.kind = "Worried";
    write("portal-20439.pdf", &statement_pdf(&sam, Layout::Lines));

    write("portal-20440.pdf", &broken(Broken::NotAPdf));
    write("statement-truncated.pdf", &broken(Broken::Truncated));
    write("statement-empty.pdf", &broken(Broken::Empty));
    write("statement-protected.pdf", &broken(Broken::PasswordProtected));
    write("statements.zip", &broken(Broken::Zipped));
    write("portal-20441.pdf.part", b"%PDF-1.5 still downloading");
}

fn unicode_statement() -> Vec<u8> {
    let source = r#"#set document(title: "Mind Of My Own statement")
#set page(paper: "a4", margin: 2cm)
#set text(font: "Noto Sans", size: 11pt)
= Mind Of My Own statement
Statement ID: MOMO-20437 \
App: Xchange \
Statement type: My World \
Name: Łukasz \
Date of birth: 30/06/2010 \
Sent: 22/11/2026 17:45 \
Safety Link: No

Mój tydzień był dobry. I went to the youth club with my cousin.
"#;
    casepress::typeset::Typesetter::new(&[], &[])
        .typeset(
            source,
            &casepress::typeset::PdfMeta {
                ident: "MOMO-20437".into(),
                date: chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
            },
        )
        .unwrap()
}
