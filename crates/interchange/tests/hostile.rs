//! Hostile and arbitrary files through the reader: it answers with rows or an error, never a
//! panic, whatever the bytes.
#![allow(clippy::unwrap_used)] // test set-up: a failure should stop the test.

use std::ops::ControlFlow;
use std::sync::OnceLock;

use haven_i18n::I18n;
use haven_interchange::{Headers, Options, Vocabulary, read_file};
use proptest::prelude::*;

struct Tables {
    headers: Headers,
    vocab: Vocabulary,
}

fn tables() -> &'static Tables {
    static T: OnceLock<Tables> = OnceLock::new();
    T.get_or_init(|| {
        let i18n = I18n::load().unwrap();
        Tables {
            headers: Headers::new(&i18n),
            vocab: Vocabulary::new(&i18n),
        }
    })
}

fn run(bytes: &[u8]) -> Result<usize, haven_interchange::ImportError> {
    let t = tables();
    let options = Options {
        today: time::macros::date!(2026 - 12 - 07),
        default_region: Some("GY-CU".into()),
        mapping: None,
    };
    let mut n = 0;
    read_file(bytes, &t.headers, &t.vocab, options, |_| {
        n += 1;
        ControlFlow::Continue(())
    })?;
    Ok(n)
}

const HEAD: &str = "prs_FirstName,prs_SecondName,prs_Birthdate,prs_Gender,prs_Citizenship,vic_TraffickingStatus,vic_TypeOfExploitation,grp/vic_MethodsOfControl/DebtBondage,_uuid\n";

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
        let _ = run(&bytes);
    }

    #[test]
    fn any_bytes_after_a_zip_signature(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
        let mut b = b"PK\x03\x04".to_vec();
        b.extend(bytes);
        let _ = run(&b);
    }

    /// Any Unicode in any cell of a case sheet: every row is read, with or without problems.
    #[test]
    fn any_text_in_the_cells(cells in proptest::collection::vec("\\PC{0,40}", 9..=27)) {
        let mut text = HEAD.to_string();
        for row in cells.chunks(9) {
            let quoted: Vec<String> = row.iter().map(|c| format!("\"{}\"", c.replace('"', "\"\""))).collect();
            text.push_str(&quoted.join(","));
            text.push('\n');
        }
        let n = run(text.as_bytes()).unwrap();
        prop_assert!(n <= cells.len().div_ceil(9));
    }
}

#[test]
fn a_truncated_workbook_is_an_error_not_a_crash() {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "prs_FirstName").unwrap();
    ws.write_string(1, 0, "Ana").unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    assert_eq!(run(&bytes).unwrap(), 1);
    for cut in [10, 100, bytes.len() / 2, bytes.len() - 1] {
        assert!(run(&bytes[..cut]).is_err(), "cut at {cut}");
    }
}
