//! Workbooks built part by part for the import's limits: an XLSB written
//! record by record (MS-XLSB), an ODS whose repeated cells unpack to a
//! gigabyte of cells, and zip parts whose headers lie about their size.

use std::fs;
use std::io::Write;
use std::path::Path;

use zip::write::SimpleFileOptions;

fn deflated() -> SimpleFileOptions {
    SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated)
}

/// One XLSB record: its type and length as 7-bit varints, then its data.
fn record(out: &mut Vec<u8>, typ: u16, data: &[u8]) {
    if typ < 0x80 {
        out.push(typ as u8);
    } else {
        out.extend([(typ & 0x7F) as u8 | 0x80, (typ >> 7) as u8]);
    }
    let mut len = data.len();
    loop {
        let byte = (len & 0x7F) as u8;
        len >>= 7;
        if len == 0 {
            out.push(byte);
            break;
        }
        out.push(byte | 0x80);
    }
    out.extend_from_slice(data);
}

/// An XLWideString: a count of UTF-16 units, then the units.
fn wide(text: &str) -> Vec<u8> {
    let units: Vec<u16> = text.encode_utf16().collect();
    let mut out = (units.len() as u32).to_le_bytes().to_vec();
    units.iter().for_each(|u| out.extend(u.to_le_bytes()));
    out
}

/// Writes an XLSB with one sheet `sheet` holding text `cells` at
/// (row, column), whose `BrtWsDim` claims the box `claimed`
/// ((first row, first column), (last row, last column)).
pub fn xlsb(path: &Path, sheet: &str, cells: &[(u32, u32, &str)], claimed: ((u32, u32), (u32, u32))) {
    write_xlsb(path, sheet, claimed, |data| {
        for &(row, col, text) in cells {
            record(data, 0x0000, &[row.to_le_bytes().as_slice(), &[0; 13]].concat()); // BrtRowHdr
            let mut cell = [col.to_le_bytes(), 0u32.to_le_bytes()].concat();
            cell.extend(wide(text));
            record(data, 0x0006, &cell); // BrtCellSt
        }
    });
}

/// Writes an XLSB whose one cell refers to shared string 7 of a workbook
/// that has none: calamine's reader indexes its list by it and panics.
pub fn xlsb_damaged(path: &Path, sheet: &str) {
    write_xlsb(path, sheet, ((0, 0), (0, 0)), |data| {
        record(data, 0x0000, &[0u32.to_le_bytes().as_slice(), &[0; 13]].concat()); // BrtRowHdr
        let cell = [0u32.to_le_bytes(), 0u32.to_le_bytes(), 7u32.to_le_bytes()].concat();
        record(data, 0x0007, &cell); // BrtCellIsst
    });
}

fn write_xlsb(path: &Path, sheet: &str, claimed: ((u32, u32), (u32, u32)), cells: impl FnOnce(&mut Vec<u8>)) {
    let mut book = Vec::new();
    let mut bundle = [0u32.to_le_bytes(), 1u32.to_le_bytes()].concat(); // visible, tab 1
    bundle.extend(wide("rId1"));
    bundle.extend(wide(sheet));
    record(&mut book, 0x009C, &bundle); // BrtBundleSh
    record(&mut book, 0x0090, &[]); // BrtEndBundleShs
    record(&mut book, 0x009D, &[]); // BrtCalcProp: the names end here

    let mut data = Vec::new();
    record(&mut data, 0x0081, &[]); // BrtBeginSheet
    let ((r0, c0), (r1, c1)) = claimed;
    record(&mut data, 0x0094, &[r0, r1, c0, c1].map(u32::to_le_bytes).concat()); // BrtWsDim
    record(&mut data, 0x0091, &[]); // BrtBeginSheetData
    cells(&mut data);
    record(&mut data, 0x0092, &[]); // BrtEndSheetData
    record(&mut data, 0x0082, &[]); // BrtEndSheet

    let rels = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.bin"/></Relationships>"#;
    let mut zip = zip::ZipWriter::new(fs::File::create(path).unwrap());
    for (name, bytes) in [
        ("xl/workbook.bin", book.as_slice()),
        ("xl/_rels/workbook.bin.rels", rels.as_bytes()),
        ("xl/worksheets/sheet1.bin", data.as_slice()),
    ] {
        zip.start_file(name, deflated()).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap();
}

/// Writes an ODS whose 1,000 rows each repeat a text cell across all
/// 16,384 columns: a few kilobytes that calamine would unpack into 16
/// million cells (about a gigabyte) as it opened the file.
pub fn ods_bomb(path: &Path) {
    let row = r#"<table:table-row><table:table-cell table:number-columns-repeated="16384" office:value-type="string"><text:p>Young person</text:p></table:table-cell></table:table-row>"#;
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="Young People">{}</table:table></office:spreadsheet></office:body></office:document-content>"#,
        row.repeat(1000)
    );
    let mut zip = zip::ZipWriter::new(fs::File::create(path).unwrap());
    let stored = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("mimetype", stored).unwrap();
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet").unwrap();
    zip.start_file("content.xml", deflated()).unwrap();
    zip.write_all(content.as_bytes()).unwrap();
    zip.finish().unwrap();
}

/// Copies the zip `from` to `to`, writing the part `name` afresh with
/// `part` (it is added if `from` has none).
pub fn with_part(from: &Path, to: &Path, name: &str, part: impl FnOnce(&mut dyn Write)) {
    let mut source = zip::ZipArchive::new(fs::File::open(from).unwrap()).unwrap();
    let mut out = zip::ZipWriter::new(fs::File::create(to).unwrap());
    for i in 0..source.len() {
        let entry = source.by_index_raw(i).unwrap();
        if entry.name().unwrap() != name {
            out.raw_copy_file(entry).unwrap();
        }
    }
    // Not ZIP64, so `understate` finds the sizes in the headers (1 GB fits).
    let options = deflated().compression_level(Some(9));
    out.start_file(name, options).unwrap();
    part(&mut out);
    out.finish().unwrap();
}

/// Rewrites the unpacked size that the zip at `path` declares for its part
/// `name`, in its local header and in the central directory, to `declared`
/// bytes. The part must not be ZIP64 (its sizes are in the headers).
pub fn understate(path: &Path, name: &str, declared: u32) {
    let (local, central) = {
        let mut zip = zip::ZipArchive::new(fs::File::open(path).unwrap()).unwrap();
        let part = zip.by_name(name).unwrap();
        (part.header_start(), part.central_header_start())
    };
    let mut bytes = fs::read(path).unwrap();
    // The unpacked size is 22 bytes into a local header, 24 into a central one.
    for (header, offset, signature) in [(local, 22, 0x0403_4b50u32), (central, 24, 0x0201_4b50)] {
        let (header, at) = (header as usize, header as usize + offset);
        assert_eq!(bytes[header..header + 4], signature.to_le_bytes(), "a zip header of `{name}`");
        assert_ne!(bytes[at..at + 4], [0xff; 4], "`{name}` is ZIP64");
        bytes[at..at + 4].copy_from_slice(&declared.to_le_bytes());
    }
    fs::write(path, bytes).unwrap();
}
