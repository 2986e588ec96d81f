//! Opening a workbook with limits checked before anything is allocated: a
//! zip's declared unpacked sizes (a compression bomb), and a sheet's
//! claimed and real extent (a 16 KB sheet claiming `A1:XFD1048576` makes
//! calamine allocate the whole box). XLSX and XLSB sheets are read cell by
//! cell and stopped at the limit; the box is built only once it is known
//! small. XLS and ODS are refused: calamine parses them whole when they
//! are opened, before any limit could be checked (decision 0213).

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use calamine::{Data, DataRef, Dimensions, Range, Sheets, Xlsb, Xlsx};

/// Most a workbook's files may unpack to, one by one (declared sizes).
pub const MAX_ENTRY_BYTES: u64 = 256 << 20;
/// Most a workbook's files may unpack to, together.
pub const MAX_TOTAL_BYTES: u64 = 512 << 20;
/// Most files a workbook may hold.
pub const MAX_ENTRIES: usize = 10_000;
/// Most cells a sheet's table may span (rows × columns of the box from
/// its first to its last cell): 20,000 children × 100 columns.
pub const MAX_CELLS: u64 = 2_000_000;

/// Opens an XLSX, XLSM or XLSB workbook once its zip is within the
/// limits; refuses the kinds that cannot be bounded.
pub fn open(path: &Path) -> Result<Sheets<BufReader<File>>, String> {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    // By the extension, never by sniffing: calamine's guess would open an
    // ODS or XLS named `.XLSX` whole.
    let binary = match ext.as_str() {
        "xlsx" | "xlsm" => false,
        "xlsb" => true,
        "xls" | "ods" => {
            return Err(format!(
                "{}: refused: casepress does not read .{ext} workbooks, as they are read whole before their size can be checked; save the sheet as .xlsx (or CSV) and import that",
                path.display()
            ));
        }
        _ => {
            return Err(format!(
                "{}: not a workbook casepress reads (.xlsx, .xlsm or .xlsb)",
                path.display()
            ));
        }
    };
    check_zip(path)?;
    let opened = unpanicked(&path.display().to_string(), || {
        if binary {
            calamine::open_workbook::<Xlsb<_>, _>(path).map(Sheets::Xlsb).map_err(|e| e.to_string())
        } else {
            calamine::open_workbook::<Xlsx<_>, _>(path).map(Sheets::Xlsx).map_err(|e| e.to_string())
        }
    })?;
    opened.map_err(|e| {
        // The zip crate stops a part at the size its header declares.
        if e.contains("larger than its declared uncompressed size") {
            format!(
                "{}: refused: a part of it unpacks to more than the zip says it holds (a damaged or hostile file; reading stopped there)",
                path.display()
            )
        } else {
            format!("{}: cannot open the workbook: {e}", path.display())
        }
    })
}

/// Refuses a zip whose files declare more than the limits, reading only
/// its central directory (nothing is unpacked).
fn check_zip(path: &Path) -> Result<(), String> {
    let file = File::open(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    let mut zip = zip::ZipArchive::new(BufReader::new(file))
        .map_err(|e| format!("{}: cannot open the workbook: {e}", path.display()))?;
    let refused = |what: String| {
        format!("{}: refused: {what} (a damaged or hostile file; nothing was read from it)", path.display())
    };
    if zip.len() > MAX_ENTRIES {
        return Err(refused(format!(
            "it holds {} files, more than the {MAX_ENTRIES} a workbook may",
            zip.len()
        )));
    }
    let mut total = 0u64;
    for i in 0..zip.len() {
        let entry =
            zip.by_index_raw(i).map_err(|e| format!("{}: cannot open the workbook: {e}", path.display()))?;
        let size = entry.size();
        if size > MAX_ENTRY_BYTES {
            return Err(refused(format!(
                "its part `{}` would unpack to {} MB, more than the {} MB one part may",
                entry.name().unwrap_or_default(),
                size >> 20,
                MAX_ENTRY_BYTES >> 20
            )));
        }
        total = total.saturating_add(size);
    }
    if total > MAX_TOTAL_BYTES {
        return Err(refused(format!(
            "it would unpack to {} MB, more than the {} MB a workbook may",
            total >> 20,
            MAX_TOTAL_BYTES >> 20
        )));
    }
    check_string_count(&mut zip, path)
}

/// Refuses an XLSX whose shared strings claim more entries than their
/// part could hold: calamine reserves room for the claimed count before
/// reading one, so `uniqueCount="1000000000000"` would abort the import.
fn check_string_count(zip: &mut zip::ZipArchive<BufReader<File>>, path: &Path) -> Result<(), String> {
    let names: Vec<String> = zip
        .file_names()
        .filter_map(Result::ok)
        .filter(|n| n.to_ascii_lowercase().ends_with("sharedstrings.xml"))
        .map(|n| n.into_owned())
        .collect();
    for name in names {
        let part =
            zip.by_name(&name).map_err(|e| format!("{}: cannot open the workbook: {e}", path.display()))?;
        let size = part.size();
        // `<si/>`, the shortest entry, is 5 bytes.
        if let Some(count) = unique_count(part)
            && count > size / 5
        {
            return Err(format!(
                "{}: refused: its part `{name}` claims {count} shared strings in {size} bytes (a damaged or hostile file)",
                path.display()
            ));
        }
    }
    Ok(())
}

/// The `uniqueCount` of the first `<sst>` tag, found as calamine finds it
/// (the zip stops the read at the part's declared size).
fn unique_count(part: impl Read) -> Option<u64> {
    use quick_xml::events::Event;
    let mut xml = quick_xml::Reader::from_reader(BufReader::new(part));
    let mut buf = Vec::new();
    loop {
        match xml.read_event_into(&mut buf).ok()? {
            Event::Start(e) | Event::Empty(e) if e.local_name().into_inner() == "sst" => {
                let value = e.try_get_attribute("uniqueCount").ok()??.value;
                // A count too long for a u64 is a lie as well.
                return Some(value.trim().parse().unwrap_or(u64::MAX));
            }
            Event::Eof => return None,
            _ => buf.clear(),
        }
    }
}

/// The sheet `name`, within [`MAX_CELLS`]. `place` names the file and
/// sheet in messages.
pub fn sheet(book: &mut Sheets<BufReader<File>>, name: &str, place: &str) -> Result<Range<Data>, String> {
    let too_big = |cells: u64| {
        format!(
            "{place}: refused: the sheet spans {cells} cells, more than the {MAX_CELLS} an extract may (a damaged or hostile file, or a sheet with stray cells far from the table)"
        )
    };
    let cannot = |e: &dyn std::fmt::Display| format!("{place}: cannot read: {e}");
    let range = unpanicked(place, || match book {
        Sheets::Xlsx(xlsx) => {
            let mut reader = xlsx.worksheet_cells_reader(name).map_err(|e| cannot(&e))?;
            bounded(reader.dimensions(), || reader.next_cell().map_err(|e| cannot(&e)), &too_big)
        }
        Sheets::Xlsb(xlsb) => {
            let mut reader = xlsb.worksheet_cells_reader(name).map_err(|e| cannot(&e))?;
            bounded(reader.dimensions(), || reader.next_cell().map_err(|e| cannot(&e)), &too_big)
        }
        // `open` makes no other kind.
        _ => Err(format!("{place}: cannot read: not an XLSX or XLSB workbook")),
    })??;
    if let (Some(start), Some(end)) = (range.start(), range.end())
        && box_cells(start, end) > MAX_CELLS
    {
        return Err(too_big(box_cells(start, end)));
    }
    Ok(range)
}

/// Runs a calamine read, turning a panic into a refusal: its binary
/// readers index records by the lengths a file states, so a damaged XLSB
/// can make them panic.
fn unpanicked<T>(place: &str, read: impl FnOnce() -> T) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(read)).map_err(|_| {
        format!("{place}: refused: the workbook reader failed on this file (a damaged or hostile file); save it again as .xlsx and import that")
    })
}

/// The sheet's cells as `next` gives them, refused with `too_big` once
/// the claimed extent, the real extent or the count passes [`MAX_CELLS`].
fn bounded<'a>(
    claimed: Dimensions,
    mut next: impl FnMut() -> Result<Option<calamine::Cell<DataRef<'a>>>, String>,
    too_big: &dyn Fn(u64) -> String,
) -> Result<Range<Data>, String> {
    // The sheet's own claim of its extent, before any cell is read.
    if box_cells(claimed.start, claimed.end) > MAX_CELLS {
        return Err(too_big(box_cells(claimed.start, claimed.end)));
    }
    let mut cells = Vec::new();
    let (mut first, mut last) = ((u32::MAX, u32::MAX), (0u32, 0u32));
    while let Some(cell) = next()? {
        let value: Data = cell.get_value().clone().into();
        if value == Data::Empty {
            continue;
        }
        let (r, c) = cell.get_position();
        first = (first.0.min(r), first.1.min(c));
        last = (last.0.max(r), last.1.max(c));
        if cells.len() as u64 >= MAX_CELLS || box_cells(first, last) > MAX_CELLS {
            return Err(too_big(box_cells(first, last).max(cells.len() as u64 + 1)));
        }
        cells.push(calamine::Cell::new((r, c), value));
    }
    Ok(Range::from_sparse(cells))
}

/// The cells of the box from `start` to `end`, inclusive (0 when empty).
fn box_cells(start: (u32, u32), end: (u32, u32)) -> u64 {
    if end.0 < start.0 || end.1 < start.1 {
        return 0;
    }
    (u64::from(end.0 - start.0) + 1) * (u64::from(end.1 - start.1) + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_box_counts_its_cells() {
        assert_eq!(box_cells((0, 0), (0, 0)), 1);
        assert_eq!(box_cells((0, 0), (1_048_575, 16_383)), 17_179_869_184);
        assert_eq!(box_cells((u32::MAX, u32::MAX), (0, 0)), 0);
    }

    #[test]
    fn a_shared_strings_count_is_read_where_calamine_reads_it() {
        let count = |xml: &str| unique_count(xml.as_bytes());
        assert_eq!(count(r#"<?xml version="1.0"?><sst count="9" uniqueCount="3"><si/></sst>"#), Some(3));
        // After other elements, with a prefix, spaced: calamine finds it too.
        assert_eq!(count(r#"<!-- x --><a/><x:sst uniqueCount = " 12 ">"#), Some(12));
        assert_eq!(count(r#"<sst uniqueCount="99999999999999999999999">"#), Some(u64::MAX));
        assert_eq!(count(r#"<sst count="3"><si/></sst>"#), None);
        assert_eq!(count("not xml at all"), None);
    }
}
