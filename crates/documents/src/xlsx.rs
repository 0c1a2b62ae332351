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

/// A sheet name Excel accepts (at most 31 characters, none of `[]:*?/\\`), numbered so that two
/// tables with the same start stay distinct, and cut between words when too long ("3 Participants
/// by region and", not "3 Participants by region and ro").
fn sheet_name(name: &str, index: usize) -> String {
    let clean: String = name
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
        .collect();
    let clean = clean.trim().trim_matches('\'').trim();
    if clean.is_empty() {
        return format!("Sheet{}", index + 1);
    }
    let number = format!("{} ", index + 1);
    let room = 31 - number.chars().count();
    let words: Vec<char> = clean.chars().collect();
    let cut = if words.len() <= room {
        clean.to_string()
    } else {
        let head: String = words[..room].iter().collect();
        // At the last space if the next character starts a word; a single long word is cut.
        let at_space = if words[room] == ' ' {
            Some(head.len())
        } else {
            head.rfind(' ')
        };
        match at_space {
            Some(i) if i > 0 => head[..i].trim_end().to_string(),
            _ => head,
        }
    };
    format!("{number}{}", cut.trim_end_matches('\'').trim_end())
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

    proptest::proptest! {
        /// Any table name gives a sheet name Excel accepts.
        #[test]
        fn any_name_gives_a_valid_sheet_name(name in "\\PC{0,60}", i in 0usize..200) {
            let n = sheet_name(&name, i);
            proptest::prop_assert!(!n.is_empty() && n.chars().count() <= 31, "{n}");
            proptest::prop_assert!(!n.chars().any(|c| "[]:*?/\\".contains(c)));
            proptest::prop_assert!(!n.starts_with('\'') && !n.ends_with('\''));
        }
    }

    #[test]
    fn sheet_names_are_valid_and_distinct() {
        assert_eq!(sheet_name("By agency: 2026/Q1", 0), "1 By agency 2026Q1");
        assert_eq!(sheet_name("[]", 2), "Sheet3");
        assert!(sheet_name(&"x".repeat(50), 9).chars().count() <= 31);
        // Cut between words, never inside one.
        assert_eq!(
            sheet_name("Participants by region and role of the agency", 2),
            "3 Participants by region and"
        );
        assert_eq!(
            sheet_name("Participantes por región y función", 0),
            "1 Participantes por región y"
        );
        assert_eq!(sheet_name("Short name", 0), "1 Short name");
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
