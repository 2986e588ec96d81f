//! Case data is text, never code: any string in any field prints literally.

mod common;

use casepress::case::Case;
use casepress::documents::DocumentKind;
use casepress::render::{RenderRequest, Renderer, ServiceView, TemplateSet};
use casepress::rules::{self, WorkingCalendar};
use casepress::typeset::{PdfMeta, Typesetter};
use common::*;
use proptest::prelude::*;

struct Engine {
    renderer: Renderer,
    typesetter: Typesetter,
}

impl Engine {
    fn new() -> Self {
        let templates = TemplateSet::embedded();
        let layout = templates.get(casepress::render::LAYOUT).unwrap().to_owned();
        let service = ServiceView { name: "Test YJS".into(), ..ServiceView::default() };
        Self {
            renderer: Renderer::new(&templates, service).unwrap(),
            typesetter: Typesetter::new(&[(casepress::render::LAYOUT.into(), layout)], &[]),
        }
    }

    /// Renders one kind and returns the PDF's text.
    fn text(&self, case: &Case, kind: DocumentKind) -> String {
        let pdf = self.pdf(case, kind);
        let tmp = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(tmp.path(), pdf).unwrap();
        pdf_text(tmp.path())
    }

    /// Renders one kind.
    fn pdf(&self, case: &Case, kind: DocumentKind) -> Vec<u8> {
        let facts = rules::derive(case, &WorkingCalendar::default(), day());
        let req = RenderRequest {
            case,
            facts: &facts,
            kind,
            date: day(),
            final_: false,
            log: &[],
            earlier_signatures: &[],
        };
        let source = self.renderer.render(req).unwrap().source;
        self.typesetter
            .typeset(&source, &PdfMeta { ident: "t".into(), date: day() })
            .unwrap_or_else(|e| panic!("{e}\n--- source ---\n{source}"))
    }
}

/// A case with `s` in fields that reach every kind of template position:
/// code arguments (name in title and footer), table cells, paragraphs,
/// list items, plan table cells.
fn case_with(s: &str) -> Case {
    let mut j = minimal_json("ESC-1");
    j["child"]["first_name"] = s.into();
    j["strengths"] = serde_json::json!([s]);
    j["offences"] = serde_json::json!([{"date": "2026-08-01", "description": s, "plea": "guilty"}]);
    j["court"] = serde_json::json!({"name": s, "hearing_date": "2026-12-08"});
    j["psr"] = serde_json::json!({"introduction": s, "conclusion": s});
    j["intervention_plan"] = serde_json::json!({"targets": [{"target": s, "actions": s}], "restorative": s});
    case_from(&j)
}

fn assert_literal(engine: &Engine, s: &str) {
    let case = case_with(s);
    let want = squash(s);
    for kind in [DocumentKind::Psr, DocumentKind::InterventionPlan] {
        let got = squash(&engine.text(&case, kind));
        let count = got.matches(&want).count();
        assert!(count >= 3, "{kind}: {s:?} printed {count} times literally in\n{got}");
    }
}

const HOSTILE: &[&str] = &[
    "#read(\"/etc/passwd\")",
    "]",
    "$x$",
    "@ref",
    "<label>",
    "// comment",
    "\\",
    "\"",
    "*bold*",
    "_under_",
    "#set page(width: 1cm)",
    "= Heading",
    "`raw`",
    "#\"x\";#panic(\"boom\")",
    "\"; #panic(\"boom\"); \"",
    "/* unterminated",
    "Zoë Siobhán Łukasz",
];

#[test]
fn hostile_strings_print_literally_and_never_run() {
    let engine = Engine::new();
    for s in HOSTILE {
        assert_literal(&engine, s);
    }
    let long_word = "a".repeat(300);
    assert_literal(&engine, &long_word);
}

#[test]
fn a_field_cannot_read_a_file() {
    let engine = Engine::new();
    let text = engine.text(&case_with("#read(\"/etc/passwd\")"), DocumentKind::Psr);
    assert!(!text.contains("root:x:0:0"), "file contents leaked");
}

#[test]
fn non_latin_scripts_and_emoji_reach_the_pdf_as_text() {
    let engine = Engine::new();
    for s in ["يوسف", "张伟", "अर्जुन", "ሰላም", "ਗੁਰਪ੍ਰੀਤ", "😀 👍🏽", "Zoë Siobhán Łukasz"]
    {
        let pdf = engine.pdf(&case_with(s), DocumentKind::Psr);
        assert!(to_unicode_carries(&pdf, s), "{s}: not carried as text");
        assert!(!to_unicode_carries(&pdf, "\u{FFFD}"), "{s}: a character fell back to U+FFFD");
    }
}

#[test]
fn characters_no_font_covers_become_a_replacement_not_a_failure() {
    let engine = Engine::new();
    // U+13000 (Egyptian hieroglyph) is in no embedded font.
    let text = engine.text(&case_with("A\u{13000}B"), DocumentKind::Psr);
    assert!(squash(&text).contains("A\u{FFFD}B"));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    /// Any string of Typst-special characters, letters and spaces, in any
    /// field, comes out of the PDF as literal text.
    #[test]
    fn any_string_prints_literally(s in "[\n#\\[\\]$@<>/\\\\\"*_`=~{}();:,.'+\\-a-zA-Z0-9 éøŁ]{1,40}") {
        prop_assume!(!s.trim().is_empty());
        assert_literal(&ENGINE, &s);
    }
}

static ENGINE: std::sync::LazyLock<Engine> = std::sync::LazyLock::new(Engine::new);
