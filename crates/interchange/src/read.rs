//! Bytes to rows of text cells, whatever the file: CSV (comma, semicolon or tab; UTF-8 with or
//! without BOM, else Windows-1252), XLSX, XLS or ODS (the first sheet). The format is told by
//! the bytes, never by the file name. XLSX and CSV stream row by row, so a large file costs the
//! memory of one row plus its shared strings; XLS and ODS (older, smaller files in practice)
//! are read whole by calamine.
use std::io::Cursor;
use std::ops::ControlFlow;

use calamine::{Data, DataRef, Reader, Xlsx, open_workbook_auto_from_rs};

/// The longest cell kept; longer cells are cut (and then refused by the field's own check).
pub const MAX_CELL: usize = 32_000;

/// What the bytes were.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceFormat {
    Csv,
    Xlsx,
    /// XLS, ODS or another workbook calamine knows.
    Workbook,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ReadError {
    /// The user sees "unreadable file"; the detail goes to the log.
    #[error("unreadable file: {0}")]
    Unreadable(String),
    #[error("the file has no sheet")]
    NoSheet,
}

/// One row as read: its line in the file (1-based, as a spreadsheet program numbers it) and its
/// cells as text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawRow {
    pub line: usize,
    pub cells: Vec<String>,
}

/// Whether the bytes are a spreadsheet file (ZIP or OLE container) rather than text.
pub fn is_workbook(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0])
}

/// Bytes as text: UTF-8 (a BOM dropped), else Windows-1252 as Excel writes CSV on Windows.
pub fn decode(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        Err(_) => {
            encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(bytes)
                .0
        }
    }
}

/// The delimiter of a CSV text: the one of `,` `;` tab found most often on its first line,
/// outside quotes.
fn sniff_delimiter(text: &str) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for b in text.bytes() {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => break,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3).max_by_key(|&i| (counts[i], 3 - i)).unwrap_or(0);
    [b',', b';', b'\t'][best]
}

fn cut(mut s: String) -> String {
    if s.len() > MAX_CELL {
        let mut end = MAX_CELL;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
    }
    s
}

/// An Excel serial day number (days since 1899-12-30) as an ISO date, when it is one.
pub fn excel_serial_date(serial: f64) -> Option<time::Date> {
    if !(1.0..=2_958_465.0).contains(&serial) {
        return None;
    }
    let base = time::macros::date!(1899 - 12 - 30);
    base.checked_add(time::Duration::days(serial.trunc() as i64))
}

/// A number as a person would have typed it: `3`, not `3.0`.
fn number_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        f.to_string()
    }
}

fn data_ref_text(d: &DataRef<'_>) -> String {
    match d {
        DataRef::Empty => String::new(),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::SharedString(s) => s.to_string(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => number_text(*f),
        DataRef::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        DataRef::DateTime(dt) => date_cell(dt.as_f64(), dt.is_datetime()),
        DataRef::Error(_) => String::new(),
    }
}

fn data_text(d: &Data) -> String {
    match d {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number_text(*f),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Data::DateTime(dt) => date_cell(dt.as_f64(), dt.is_datetime()),
    }
}

/// A cell formatted as a date: its ISO date (the day; a time of day is dropped, since no field
/// Haven imports keeps one). A duration-formatted cell keeps its number.
fn date_cell(serial: f64, is_date: bool) -> String {
    match excel_serial_date(serial) {
        Some(d) if is_date => d.to_string(),
        _ => number_text(serial),
    }
}

/// Reads every row of the file in order and hands it to `on_row`, which may stop early.
/// Rows wholly empty are handed too (their line numbers matter for error reports).
pub fn scan(
    bytes: &[u8],
    mut on_row: impl FnMut(RawRow) -> ControlFlow<()>,
) -> Result<SourceFormat, ReadError> {
    if bytes.starts_with(b"PK\x03\x04")
        && let Ok(mut xlsx) = Xlsx::new(Cursor::new(bytes))
    {
        scan_xlsx(&mut xlsx, &mut on_row)?;
        return Ok(SourceFormat::Xlsx);
    }
    if is_workbook(bytes) {
        scan_workbook(bytes, &mut on_row)?;
        return Ok(SourceFormat::Workbook);
    }
    scan_csv(bytes, &mut on_row)?;
    Ok(SourceFormat::Csv)
}

fn scan_csv(
    bytes: &[u8],
    on_row: &mut impl FnMut(RawRow) -> ControlFlow<()>,
) -> Result<(), ReadError> {
    if bytes.contains(&0) {
        return Err(ReadError::Unreadable("binary data in a text file".into()));
    }
    let text = decode(bytes);
    let mut r = csv::ReaderBuilder::new()
        .delimiter(sniff_delimiter(&text))
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rec = csv::StringRecord::new();
    loop {
        match r.read_record(&mut rec) {
            Ok(false) => return Ok(()),
            Ok(true) => {
                let line = rec.position().map(|p| p.line() as usize).unwrap_or(0);
                let cells = rec.iter().map(|c| cut(c.to_string())).collect();
                if on_row(RawRow { line, cells }).is_break() {
                    return Ok(());
                }
            }
            Err(e) => return Err(ReadError::Unreadable(e.to_string())),
        }
    }
}

fn scan_xlsx<RS: std::io::Read + std::io::Seek>(
    xlsx: &mut Xlsx<RS>,
    on_row: &mut impl FnMut(RawRow) -> ControlFlow<()>,
) -> Result<(), ReadError> {
    let name = xlsx
        .sheet_names()
        .first()
        .cloned()
        .ok_or(ReadError::NoSheet)?;
    let mut cells = xlsx
        .worksheet_cells_reader(&name)
        .map_err(|e| ReadError::Unreadable(e.to_string()))?;
    // Cells come in row order, empty ones mostly absent: fill the gaps.
    let mut row: Vec<String> = Vec::new();
    let mut current: Option<u32> = None;
    let mut next_line = 1usize;
    let mut emit = |line: usize, row: Vec<String>, next_line: &mut usize| {
        // Rows absent from the file are empty rows: hand them too, for the line numbers.
        while *next_line < line {
            if on_row(RawRow {
                line: *next_line,
                cells: Vec::new(),
            })
            .is_break()
            {
                return ControlFlow::Break(());
            }
            *next_line += 1;
        }
        *next_line = line + 1;
        on_row(RawRow { line, cells: row })
    };
    loop {
        let cell = cells
            .next_cell()
            .map_err(|e| ReadError::Unreadable(e.to_string()))?;
        let Some(cell) = cell else { break };
        let (r, c) = cell.get_position();
        if current != Some(r) {
            if let Some(prev) = current
                && emit(prev as usize + 1, std::mem::take(&mut row), &mut next_line).is_break()
            {
                return Ok(());
            }
            current = Some(r);
        }
        let c = c as usize;
        if c > 16_384 {
            return Err(ReadError::Unreadable("column beyond XFD".into()));
        }
        let text = cut(data_ref_text(cell.get_value()));
        if text.is_empty() {
            continue;
        }
        if row.len() <= c {
            row.resize(c + 1, String::new());
        }
        row[c] = text;
    }
    if let Some(prev) = current {
        let _ = emit(prev as usize + 1, row, &mut next_line);
    }
    Ok(())
}

fn scan_workbook(
    bytes: &[u8],
    on_row: &mut impl FnMut(RawRow) -> ControlFlow<()>,
) -> Result<(), ReadError> {
    let mut wb = open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|e| ReadError::Unreadable(e.to_string()))?;
    let range = wb
        .worksheet_range_at(0)
        .ok_or(ReadError::NoSheet)?
        .map_err(|e| ReadError::Unreadable(e.to_string()))?;
    let first = range.start().map(|(r, _)| r as usize).unwrap_or(0);
    let left = range.start().map(|(_, c)| c as usize).unwrap_or(0);
    for i in 0..first {
        if on_row(RawRow {
            line: i + 1,
            cells: Vec::new(),
        })
        .is_break()
        {
            return Ok(());
        }
    }
    for (i, r) in range.rows().enumerate() {
        let mut cells = vec![String::new(); left];
        cells.extend(r.iter().map(|c| cut(data_text(c))));
        if on_row(RawRow {
            line: first + i + 1,
            cells,
        })
        .is_break()
        {
            return Ok(());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(bytes: &[u8]) -> Vec<RawRow> {
        let mut out = Vec::new();
        scan(bytes, |r| {
            out.push(r);
            ControlFlow::Continue(())
        })
        .unwrap();
        out
    }

    #[test]
    fn csv_delimiters_and_encodings() {
        let r = rows(b"a;b;c\n1;2;3\n");
        assert_eq!(r[1].cells, ["1", "2", "3"]);
        let r = rows(b"a\tb\n\"x;y\"\tz\n");
        assert_eq!(r[1].cells, ["x;y", "z"]);
        // A quoted comma on the first line is not a delimiter.
        let r = rows(b"\"a,b\";c\n1;2\n");
        assert_eq!(r[0].cells, ["a,b", "c"]);
        let r = rows(b"\xEF\xBB\xBFnom,pr\xC3\xA9nom\n");
        assert_eq!(r[0].cells, ["nom", "prénom"]);
        let r = rows(b"nom;pr\xe9nom\n\x80;\x93x\x94\n");
        assert_eq!(r[0].cells, ["nom", "prénom"]);
        assert_eq!(r[1].cells, ["€", "\u{201c}x\u{201d}"]);
        assert_eq!(r[1].line, 2);
    }

    #[test]
    fn binary_text_is_refused() {
        assert!(scan(b"a,b\0,c", |_| ControlFlow::Continue(())).is_err());
    }

    #[test]
    fn serial_dates() {
        assert_eq!(
            excel_serial_date(36220.0).unwrap().to_string(),
            "1999-03-01"
        );
        assert_eq!(excel_serial_date(0.0), None);
    }

    #[test]
    fn xlsx_rows_keep_their_lines_and_columns() {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        ws.write_string(0, 0, "a").unwrap();
        ws.write_string(0, 2, "c").unwrap();
        ws.write_number(3, 1, 5926001234.0).unwrap();
        let fmt = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy");
        ws.write_number_with_format(4, 0, 36220.0, &fmt).unwrap();
        let bytes = wb.save_to_buffer().unwrap();
        let r = rows(&bytes);
        assert_eq!(r[0].cells, ["a", "", "c"]);
        assert_eq!(r[1].cells, Vec::<String>::new());
        assert_eq!(r[3].line, 4);
        assert_eq!(r[3].cells, ["", "5926001234"]);
        assert_eq!(r[4].cells, ["1999-03-01"]);
    }
}
