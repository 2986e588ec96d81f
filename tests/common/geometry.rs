//! Where a PDF's text and table rules are on the page, read from its
//! content streams with lopdf: enough to tell whether text crosses a
//! table's vertical rule (runs over a cell's edge).

use std::collections::BTreeMap;
use std::path::Path;

use lopdf::{Document, Object, ObjectId};

/// One run of text (one `Tj`/`TJ`), upright, in page coordinates.
#[derive(Debug, Clone, Copy)]
pub struct Run {
    /// Left edge.
    pub x0: f64,
    /// Right edge.
    pub x1: f64,
    /// Baseline.
    pub y: f64,
}

/// A vertical rule: x, and its extent from `y0` to `y1` (y0 < y1).
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub x: f64,
    pub y0: f64,
    pub y1: f64,
}

/// A page's upright text runs and vertical rules.
#[derive(Debug, Default)]
pub struct PageGeometry {
    pub runs: Vec<Run>,
    pub rules: Vec<Rule>,
}

impl PageGeometry {
    /// Runs that cross a vertical rule (by more than half a point each
    /// side) at a height the rule spans: text over a cell's edge.
    pub fn crossings(&self) -> Vec<(Run, Rule)> {
        let mut out = Vec::new();
        for run in &self.runs {
            for rule in &self.rules {
                let beside = run.y > rule.y0 && run.y < rule.y1;
                if beside && run.x0 < rule.x - 0.5 && run.x1 > rule.x + 0.5 {
                    out.push((*run, *rule));
                }
            }
        }
        out
    }
}

type Matrix = [f64; 6];

fn mul(m: &Matrix, n: &Matrix) -> Matrix {
    [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]
}

fn num(o: &Object) -> f64 {
    match o {
        Object::Integer(i) => *i as f64,
        Object::Real(r) => f64::from(*r),
        _ => 0.0,
    }
}

fn matrix(ops: &[Object]) -> Matrix {
    let v: Vec<f64> = ops.iter().map(num).collect();
    [v[0], v[1], v[2], v[3], v[4], v[5]]
}

/// A font's glyph advances: bytes per code, width per code (in text space
/// units per unit of font size), and the default.
struct Widths {
    two_byte: bool,
    of: BTreeMap<u32, f64>,
    default: f64,
}

fn deref<'a>(doc: &'a Document, o: &'a Object) -> &'a Object {
    match o {
        Object::Reference(id) => doc.get_object(*id).unwrap_or(o),
        _ => o,
    }
}

fn widths(doc: &Document, font: &lopdf::Dictionary) -> Widths {
    let subtype = font.get(b"Subtype").and_then(|s| s.as_name()).unwrap_or_default();
    if subtype == b"Type0" {
        let descendants = deref(doc, font.get(b"DescendantFonts").unwrap()).as_array().unwrap();
        let cid = deref(doc, &descendants[0]).as_dict().unwrap();
        let default = cid.get(b"DW").map(num).unwrap_or(1000.0) / 1000.0;
        let mut of = BTreeMap::new();
        if let Ok(w) = cid.get(b"W") {
            let w = deref(doc, w).as_array().unwrap();
            let mut i = 0;
            while i < w.len() {
                let first = num(&w[i]) as u32;
                match deref(doc, &w[i + 1]) {
                    Object::Array(list) => {
                        for (k, v) in list.iter().enumerate() {
                            of.insert(first + k as u32, num(v) / 1000.0);
                        }
                        i += 2;
                    }
                    last => {
                        for c in first..=num(last) as u32 {
                            of.insert(c, num(&w[i + 2]) / 1000.0);
                        }
                        i += 3;
                    }
                }
            }
        }
        return Widths { two_byte: true, of, default };
    }
    // Simple and Type 3 fonts: one byte per code, /Widths from /FirstChar.
    let scale = match font.get(b"FontMatrix") {
        Ok(m) => num(&deref(doc, m).as_array().unwrap()[0]),
        Err(_) => 0.001,
    };
    let first = font.get(b"FirstChar").map(num).unwrap_or(0.0) as u32;
    let mut of = BTreeMap::new();
    if let Ok(w) = font.get(b"Widths") {
        for (k, v) in deref(doc, w).as_array().unwrap().iter().enumerate() {
            of.insert(first + k as u32, num(deref(doc, v)) * scale);
        }
    }
    Widths { two_byte: false, of, default: 0.0 }
}

fn advance(w: &Widths, bytes: &[u8]) -> f64 {
    let codes: Vec<u32> = if w.two_byte {
        bytes.chunks(2).map(|c| u32::from(c[0]) << 8 | u32::from(*c.get(1).unwrap_or(&0))).collect()
    } else {
        bytes.iter().map(|b| u32::from(*b)).collect()
    };
    codes.iter().map(|c| w.of.get(c).copied().unwrap_or(w.default)).sum()
}

/// The geometry of every page of `pdf`, in page order.
pub fn pages(pdf: &Path) -> Vec<PageGeometry> {
    let doc = Document::load(pdf).unwrap();
    doc.get_pages().values().map(|&id| page(&doc, id)).collect()
}

fn page(doc: &Document, id: ObjectId) -> PageGeometry {
    let fonts: BTreeMap<Vec<u8>, Widths> =
        doc.get_page_fonts(id).unwrap().into_iter().map(|(name, f)| (name, widths(doc, f))).collect();
    let content = doc.get_and_decode_page_content(id).unwrap();
    let mut out = PageGeometry::default();
    let mut stack: Vec<Matrix> = Vec::new();
    let mut ctm: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];
    let (mut tm, mut font, mut size): (Matrix, Vec<u8>, f64) =
        ([1.0, 0.0, 0.0, 1.0, 0.0, 0.0], Vec::new(), 0.0);
    let mut path_start: Option<(f64, f64)> = None;
    // Vertical segments of the path being built: rules once it is stroked.
    let mut segments: Vec<Rule> = Vec::new();
    for op in &content.operations {
        let o = &op.operands;
        match op.operator.as_str() {
            "q" => stack.push(ctm),
            "Q" => ctm = stack.pop().unwrap_or(ctm),
            "cm" => ctm = mul(&matrix(o), &ctm),
            "BT" => tm = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0],
            "Tf" => {
                font = o[0].as_name().unwrap_or_default().to_vec();
                size = num(&o[1]);
            }
            "Tm" => tm = matrix(o),
            "Td" => tm = mul(&[1.0, 0.0, 0.0, 1.0, num(&o[0]), num(&o[1])], &tm),
            "Tj" | "TJ" => {
                let Some(w) = fonts.get(&font) else { continue };
                let mut width = 0.0;
                let parts: Vec<&Object> = match &o[0] {
                    Object::Array(a) => a.iter().collect(),
                    other => vec![other],
                };
                for part in parts {
                    match part {
                        Object::String(bytes, _) => width += advance(w, bytes) * size,
                        n => width -= num(n) / 1000.0 * size,
                    }
                }
                let m = mul(&tm, &ctm);
                // Upright text only: the rotated DRAFT watermark crosses everything.
                if m[1].abs() < 1e-6 && m[2].abs() < 1e-6 {
                    let x0 = m[4];
                    out.runs.push(Run { x0, x1: x0 + width * m[0].abs(), y: m[5] });
                }
            }
            "m" => path_start = Some((num(&o[0]), num(&o[1]))),
            "l" => {
                if let Some((x, y)) = path_start {
                    let (x2, y2) = (num(&o[0]), num(&o[1]));
                    let vertical = (x - x2).abs() < 1e-6 && ctm[1].abs() < 1e-6 && ctm[2].abs() < 1e-6;
                    if vertical {
                        let (ya, yb) = (y * ctm[3] + ctm[5], y2 * ctm[3] + ctm[5]);
                        segments.push(Rule { x: x * ctm[0] + ctm[4], y0: ya.min(yb), y1: ya.max(yb) });
                    }
                    path_start = Some((x2, y2));
                }
            }
            "S" | "s" => out.rules.append(&mut segments),
            "f" | "F" | "f*" | "B" | "B*" | "b" | "b*" | "n" => segments.clear(),
            _ => {}
        }
    }
    out
}
