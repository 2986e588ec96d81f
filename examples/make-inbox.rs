//! Writes the sample inbox, `samples/inbox/`: fictional statement PDFs in the
//! layouts real producers use, plus broken files, for the sample cases.
//!
//! `cargo run --example make-inbox [-- DIR]`

#[path = "../tests/support/statement_pdfs.rs"]
mod statement_pdfs;

use std::path::PathBuf;

use casepress::typeset::{PdfMeta, Typesetter};
use statement_pdfs::*;

fn main() {
    let dir = std::env::args().nth(1).map(PathBuf::from).unwrap_or_else(|| "samples/inbox".into());
    std::fs::create_dir_all(&dir).unwrap();
    let write = |name: &str, bytes: &[u8]| std::fs::write(dir.join(name), bytes).unwrap();

    let mut jay = Statement::new("MOMO-20431", "Jay", "14/06/2009", "20/11/2026 at 9:40pm");
    jay.safety_link = true;
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
    println!("wrote the sample inbox to {}", dir.display());
}

fn unicode_statement() -> Vec<u8> {
    let source = r#"#set page(paper: "a4", margin: 2cm)
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
    Typesetter::new(&[], &[])
        .typeset(
            source,
            &PdfMeta {
                ident: "MOMO-20437".into(),
                date: chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
            },
        )
        .unwrap()
}
