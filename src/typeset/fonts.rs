//! The embedded fonts (see `fonts/README.md` for families and licences).

use std::sync::LazyLock;

use typst::foundations::Bytes;
use typst::text::Font;

/// Font files compiled into the binary, so output never depends on the
/// machine's installed fonts.
static FONT_FILES: &[&[u8]] = &[
    include_bytes!("../../fonts/NotoSans-Regular.ttf"),
    include_bytes!("../../fonts/NotoSans-Bold.ttf"),
    include_bytes!("../../fonts/NotoSans-Italic.ttf"),
    include_bytes!("../../fonts/NotoSans-BoldItalic.ttf"),
    include_bytes!("../../fonts/NotoSansArabic-Regular.ttf"),
    include_bytes!("../../fonts/NotoSansArabic-Bold.ttf"),
    include_bytes!("../../fonts/NotoSansBengali-Regular.ttf"),
    include_bytes!("../../fonts/NotoSansDevanagari-Regular.ttf"),
    include_bytes!("../../fonts/NotoSansGujarati-Regular.ttf"),
    include_bytes!("../../fonts/NotoSansGurmukhi-Regular.ttf"),
    include_bytes!("../../fonts/NotoSansTamil-Regular.ttf"),
    include_bytes!("../../fonts/NotoSansEthiopic-Regular.ttf"),
    include_bytes!("../../fonts/NotoSansHebrew-Regular.ttf"),
    include_bytes!("../../fonts/NotoSansThai-Regular.ttf"),
    include_bytes!("../../fonts/NotoSansSymbols-Regular.ttf"),
    include_bytes!("../../fonts/NotoSansSymbols2-Regular.ttf"),
    include_bytes!("../../fonts/DejaVuSans.ttf"),
    include_bytes!("../../fonts/DroidSansFallbackFull.ttf"),
    include_bytes!("../../fonts/NotoColorEmoji.ttf"),
];

/// Every embedded face, parsed once per process.
static FONTS: LazyLock<Vec<Font>> =
    LazyLock::new(|| FONT_FILES.iter().flat_map(|data| Font::iter(Bytes::new(*data))).collect());

/// Every embedded font face (cheap clones of the parsed faces).
pub(super) fn embedded() -> Vec<Font> {
    FONTS.clone()
}

/// Whether some embedded font can show `c`, or it needs no glyph.
///
/// PDF/A forbids text that no embedded font can display, so text is checked
/// against this before it reaches a document.
pub fn covers(c: char) -> bool {
    is_invisible(c) || FONTS.iter().any(|f| f.info().coverage.contains(c as u32))
}

/// Characters that shape other characters but draw nothing themselves.
fn is_invisible(c: char) -> bool {
    matches!(c as u32, 0x200B..=0x200F | 0x2060..=0x2064 | 0xFE00..=0xFE0F | 0xFEFF | 0xE0000..=0xE007F)
}
