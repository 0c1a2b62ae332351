//! Tables out as files: CSV (UTF-8 with a BOM, so spreadsheet programs read the accents) and
//! XLSX. Every cell is made safe from formula injection: in CSV a cell beginning with `=`, `+`,
//! `-`, `@`, tab or carriage return gets a leading `'` (which the importer removes again); in
//! XLSX every cell is written as a text cell, which a spreadsheet program never evaluates.
use rust_xlsxwriter::{Format, Workbook};

/// A cell as written to CSV: a leading `'` before anything a spreadsheet program would read
/// as a formula.
pub fn spreadsheet_safe(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

/// The cell as it was before [`spreadsheet_safe`] (for files coming back in).
pub fn unguard(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => cell,
    }
}

/// A CSV file: a header row and the rows.
pub fn csv(header: &[String], rows: &[Vec<String>]) -> Result<Vec<u8>, String> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = ::csv::Writer::from_writer(&mut out);
        w.write_record(header.iter().map(|c| spreadsheet_safe(c)))
            .map_err(|e| e.to_string())?;
        for r in rows {
            w.write_record(r.iter().map(|c| spreadsheet_safe(c)))
                .map_err(|e| e.to_string())?;
        }
        w.flush().map_err(|e| e.to_string())?;
    }
    Ok(out)
}

/// An XLSX workbook of one sheet: a bold header row and the rows, all as text.
pub fn xlsx(header: &[String], rows: &[Vec<String>]) -> Result<Vec<u8>, String> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let bold = Format::new().set_bold();
    for (c, h) in header.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, h, &bold)
            .map_err(|e| e.to_string())?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(r as u32 + 1, c as u16, v)
                    .map_err(|e| e.to_string())?;
            }
        }
    }
    wb.save_to_buffer().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_come_back() {
        for f in [
            "=1+1",
            "+1",
            "-2+3+cmd|'/C calc'!A0",
            "@SUM(A1)",
            "\tx",
            "\rx",
        ] {
            let safe = spreadsheet_safe(f);
            assert!(safe.starts_with('\''));
            assert_eq!(unguard(&safe), f);
        }
        assert_eq!(spreadsheet_safe("Ana"), "Ana");
        assert_eq!(unguard("'quoted"), "'quoted");
    }

    #[test]
    fn csv_starts_with_a_bom_and_xlsx_reads_back() {
        let h = vec!["prs_FirstName".to_string()];
        let rows = vec![vec!["=cmd".to_string()], vec!["Łucja".to_string()]];
        let c = csv(&h, &rows).unwrap();
        assert!(c.starts_with(b"\xEF\xBB\xBF"));
        assert!(String::from_utf8_lossy(&c).contains("'=cmd"));
        let x = xlsx(&h, &rows).unwrap();
        let mut got = Vec::new();
        crate::read::scan(&x, |r| {
            got.push(r.cells);
            std::ops::ControlFlow::Continue(())
        })
        .unwrap();
        assert_eq!(got[1], ["=cmd"]);
        assert_eq!(got[2], ["Łucja"]);
    }
}
