//! Opening a workbook with limits checked before anything is allocated: a
//! zip's declared unpacked sizes (a compression bomb), and a sheet's
//! claimed and real extent (a 16 KB sheet claiming `A1:XFD1048576` makes
//! calamine allocate the whole box). An XLSX sheet is read cell by cell
//! and stopped at the limit; the box is built only once it is known small.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use calamine::{Data, Range, Reader, Sheets};

/// Most a workbook's files may unpack to, one by one (declared sizes).
pub const MAX_ENTRY_BYTES: u64 = 256 << 20;
/// Most a workbook's files may unpack to, together.
pub const MAX_TOTAL_BYTES: u64 = 512 << 20;
/// Most files a workbook may hold.
pub const MAX_ENTRIES: usize = 10_000;
/// Most cells a sheet's table may span (rows × columns of the box from
/// its first to its last cell): 20,000 children × 100 columns.
pub const MAX_CELLS: u64 = 2_000_000;

/// Opens a workbook once its zip (for the zip-based kinds) is within the
/// limits.
pub fn open(path: &Path) -> Result<Sheets<BufReader<File>>, String> {
    if is_zipped(path) {
        check_zip(path)?;
    }
    calamine::open_workbook_auto(path)
        .map_err(|e| format!("{}: cannot open the workbook: {e}", path.display()))
}

/// XLSX, XLSM, XLSB and ODS are zip archives; XLS is not.
fn is_zipped(path: &Path) -> bool {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    matches!(ext.as_str(), "xlsx" | "xlsm" | "xlsb" | "ods")
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
    Ok(())
}

/// The sheet `name`, within [`MAX_CELLS`]. `place` names the file and
/// sheet in messages.
pub fn sheet(book: &mut Sheets<BufReader<File>>, name: &str, place: &str) -> Result<Range<Data>, String> {
    let too_big = |cells: u64| {
        format!(
            "{place}: refused: the sheet spans {cells} cells, more than the {MAX_CELLS} an extract may (a damaged or hostile file, or a sheet with stray cells far from the table)"
        )
    };
    let range = match book {
        Sheets::Xlsx(xlsx) => {
            let mut reader =
                xlsx.worksheet_cells_reader(name).map_err(|e| format!("{place}: cannot read: {e}"))?;
            // The sheet's own claim of its extent, before any cell is read.
            let claimed = reader.dimensions();
            if box_cells(claimed.start, claimed.end) > MAX_CELLS {
                return Err(too_big(box_cells(claimed.start, claimed.end)));
            }
            let mut cells = Vec::new();
            let (mut first, mut last) = ((u32::MAX, u32::MAX), (0u32, 0u32));
            while let Some(cell) = reader.next_cell().map_err(|e| format!("{place}: cannot read: {e}"))? {
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
            Range::from_sparse(cells)
        }
        other => other.worksheet_range(name).map_err(|e| format!("{place}: cannot read: {e}"))?,
    };
    if let (Some(start), Some(end)) = (range.start(), range.end())
        && box_cells(start, end) > MAX_CELLS
    {
        return Err(too_big(box_cells(start, end)));
    }
    Ok(range)
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
}
