use super::*;

fn meta() -> PdfMeta {
    PdfMeta { ident: "test/doc".into(), date: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap() }
}

fn typesetter() -> Typesetter {
    Typesetter::new(&[("lib.typ".into(), "#let greet(n) = [Hello #n]".into())], &[])
}

#[test]
fn compiles_a_document_that_imports_a_shared_module() {
    let source = "#set document(title: \"Test\")\n#import \"lib.typ\": greet\n#greet[world]";
    let pdf = typesetter().typeset(source, &meta()).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
}

#[test]
fn a_document_that_cannot_be_pdf_ua_is_refused_not_downgraded() {
    let err = typesetter().typeset("No title, so no accessible PDF.", &meta()).unwrap_err();
    assert!(err.to_string().contains("PDF/UA-1") && err.to_string().contains("title"), "{err}");
}

#[test]
fn same_source_gives_byte_identical_pdf() {
    let ts = typesetter();
    let source = "#set document(title: \"Test\")\n= Title\nSome text.";
    let a = ts.typeset(source, &meta()).unwrap();
    let b = ts.typeset(source, &meta()).unwrap();
    assert_eq!(a, b);
}

#[test]
fn the_world_serves_no_file_from_disk() {
    let err = typesetter().typeset("#read(\"/etc/passwd\")", &meta()).unwrap_err();
    assert!(err.diagnostics[0].contains("test/doc.typ:1:"), "{err}");
    assert!(err.to_string().contains("not found") || err.to_string().contains("etc/passwd"), "{err}");
}

#[test]
fn errors_name_the_document_and_the_line_in_its_generated_source() {
    // Compiled as `/main.typ`; a reader knows it as `<case_id>/<kind>.typ`.
    let err = typesetter().typeset("ok\n#undefined-fn()", &meta()).unwrap_err();
    assert!(err.diagnostics[0].starts_with("test/doc.typ:2:2:"), "{err}");
}
