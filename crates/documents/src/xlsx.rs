//! Report tables as an XLSX workbook (one sheet per table), for donors and ministries.
use rust_xlsxwriter::{Format, Workbook, XlsxError};

#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
    Empty,
}

/// One sheet: a name (at most 31 characters; longer names are cut), a header row, the rows.
#[derive(Clone, Debug, Default)]
pub struct Table {
    pub name: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// Characters Excel refuses in sheet names.
fn sheet_name(name: &str, index: usize) -> String {
    let clean: String = name
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
        .take(28)
        .collect();
    let clean = clean.trim().trim_matches('\'').to_string();
    if clean.is_empty() {
        format!("Sheet{}", index + 1)
    } else {
        // Numbered so that two tables with the same start stay distinct.
        format!("{} {}", index + 1, clean)
            .chars()
            .take(31)
            .collect()
    }
}

pub fn workbook(tables: &[Table]) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    for (i, t) in tables.iter().enumerate() {
        let ws = wb.add_worksheet();
        ws.set_name(sheet_name(&t.name, i))?;
        for (c, h) in t.header.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, h, &bold)?;
        }
        for (r, row) in t.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, cell) in row.iter().enumerate() {
                match cell {
                    // A formula-looking text stays text: no cell of a report is ever evaluated.
                    Cell::Text(s) => {
                        ws.write_string(r, c as u16, s)?;
                    }
                    Cell::Number(n) => {
                        ws.write_number(r, c as u16, *n)?;
                    }
                    Cell::Empty => {}
                }
            }
        }
        ws.set_freeze_panes(1, 0)?;
        ws.autofit();
    }
    wb.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_valid_and_distinct() {
        assert_eq!(sheet_name("By agency: 2026/Q1", 0), "1 By agency 2026Q1");
        assert_eq!(sheet_name("[]", 2), "Sheet3");
        assert!(sheet_name(&"x".repeat(50), 9).chars().count() <= 31);
        let bytes = workbook(&[
            Table {
                name: "Same".into(),
                header: vec!["a".into()],
                rows: vec![vec![Cell::Text("=1+1".into())]],
            },
            Table {
                name: "Same".into(),
                ..Default::default()
            },
        ])
        .unwrap();
        assert!(bytes.starts_with(b"PK"));
    }
}
