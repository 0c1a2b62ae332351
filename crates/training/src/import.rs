//! Participant lists as trainers have them: the sign-up sheet saved as CSV (comma, semicolon or
//! tab; UTF-8 or Windows-1252) or XLSX/XLS/ODS (first sheet). Column headers are recognised in
//! English, French and Spanish; every row is checked and its problems named, and nothing here
//! writes anything: the caller shows a preview and imports on confirmation.
use std::io::Cursor;

use calamine::{Reader, open_workbook_auto_from_rs};
use haven_domain::GUYANA_REGIONS;

/// The most rows one import takes.
pub const MAX_ROWS: usize = 2000;
/// The longest value of a cell.
pub const MAX_CELL: usize = 200;

/// The fields of a participant a sheet may hold, with the headers that name them.
const COLUMNS: &[(&str, &[&str])] = &[
    (
        "first_name",
        &[
            "first name",
            "first names",
            "given name",
            "firstname",
            "prenom",
            "prenoms",
            "nombre",
            "nombres",
        ],
    ),
    (
        "family_name",
        &[
            "family name",
            "last name",
            "surname",
            "lastname",
            "nom",
            "nom de famille",
            "apellido",
            "apellidos",
        ],
    ),
    (
        "name",
        &[
            "name",
            "full name",
            "nom complet",
            "nombre completo",
            "participant",
        ],
    ),
    (
        "sex",
        &[
            "sex", "gender", "sexe", "genre", "sexo", "genero", "m/f", "f/m",
        ],
    ),
    (
        "organisation",
        &[
            "agency",
            "organisation",
            "organization",
            "ministry",
            "institution",
            "organisme",
            "organismo",
            "institucion",
            "agence",
            "entidad",
        ],
    ),
    (
        "position",
        &[
            "position",
            "job title",
            "title",
            "role",
            "poste",
            "fonction",
            "cargo",
            "puesto",
        ],
    ),
    (
        "region",
        &["region", "district", "departement", "departamento"],
    ),
    (
        "phone",
        &[
            "phone",
            "telephone",
            "tel",
            "mobile",
            "cell",
            "telefono",
            "celular",
            "movil",
        ],
    ),
    (
        "email",
        &[
            "email",
            "e-mail",
            "mail",
            "courriel",
            "correo",
            "correo electronico",
        ],
    ),
];

/// One row of the sheet, cleaned, with its problems (field, message key).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct ImportRow {
    /// The row's line in the sheet (the header is line 1).
    pub line: usize,
    pub first_name: String,
    pub family_name: String,
    /// One of [`crate::SEXES`] when recognised; otherwise what was written (and an error).
    pub sex: String,
    pub organisation: String,
    pub position: String,
    /// An ISO 3166-2 code when recognised.
    pub region: String,
    pub phone: String,
    pub email: String,
    #[serde(skip)]
    pub errors: Vec<(&'static str, &'static str)>,
}

/// A sheet read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sheet {
    pub rows: Vec<ImportRow>,
    /// Headers that name no known field (ignored).
    pub ignored_columns: Vec<String>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ImportError {
    /// The message key is the user's message; the detail goes to the log.
    #[error("unreadable file: {0}")]
    Unreadable(String),
    #[error("no name column")]
    NoNameColumn,
    #[error("empty sheet")]
    Empty,
    #[error("more than {MAX_ROWS} rows")]
    TooManyRows,
}

impl ImportError {
    pub fn user_key(&self) -> &'static str {
        match self {
            ImportError::Unreadable(_) => "error-import-unreadable",
            ImportError::NoNameColumn => "error-import-no-name",
            ImportError::Empty => "error-import-empty",
            ImportError::TooManyRows => "error-import-too-many",
        }
    }
}

/// Lower case, accents removed, inner spaces single: how headers and codes are compared.
fn fold(s: &str) -> String {
    let mapped: String = s
        .chars()
        .map(|c| match c {
            'á' | 'à' | 'â' | 'ä' | 'ã' | 'Á' | 'À' | 'Â' | 'Ä' | 'Ã' => 'a',
            'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => 'e',
            'í' | 'ì' | 'î' | 'ï' | 'Í' | 'Ì' | 'Î' | 'Ï' => 'i',
            'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'Ó' | 'Ò' | 'Ô' | 'Ö' | 'Õ' => 'o',
            'ú' | 'ù' | 'û' | 'ü' | 'Ú' | 'Ù' | 'Û' | 'Ü' => 'u',
            'ç' | 'Ç' => 'c',
            'ñ' | 'Ñ' => 'n',
            c => c,
        })
        .flat_map(char::to_lowercase)
        .map(|c| {
            if c == '_' || c == '.' || c == ':' {
                ' '
            } else {
                c
            }
        })
        .collect();
    mapped.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn field_of(header: &str) -> Option<&'static str> {
    let h = fold(header);
    let h = h.trim_end_matches('*').trim();
    COLUMNS
        .iter()
        .find(|(_, names)| names.contains(&h))
        .map(|(f, _)| *f)
}

/// A sex as written on a sheet, in any of the three languages.
pub fn parse_sex(raw: &str) -> Option<&'static str> {
    match fold(raw).as_str() {
        "f" | "female" | "woman" | "w" | "femme" | "feminin" | "mujer" | "femenino" | "fem" => {
            Some("female")
        }
        "m" | "male" | "man" | "homme" | "masculin" | "h" | "hombre" | "masculino" | "masc" => {
            Some("male")
        }
        "other" | "autre" | "otro" | "x" => Some("other"),
        "" => Some("undisclosed"),
        "undisclosed" | "prefer not to say" | "non precise" | "no indica" => Some("undisclosed"),
        _ => None,
    }
}

/// A region as written on a sheet: its code, its number ("7", "Region 7"), or its name.
pub fn parse_region(raw: &str) -> Option<&'static str> {
    let f = fold(raw);
    if f.is_empty() {
        return None;
    }
    let number = f
        .trim_start_matches("region")
        .trim_start_matches("no")
        .trim()
        .parse::<u8>()
        .ok();
    GUYANA_REGIONS
        .iter()
        .find(|r| {
            fold(r.code) == f
                || Some(r.number) == number
                || fold(r.name) == f
                || f.starts_with(&fold(r.name))
        })
        .map(|r| r.code)
}

/// Bytes as text: UTF-8 (with or without BOM), else Windows-1252 as Excel writes on Windows.
pub fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => bytes
            .iter()
            .map(|&b| match b {
                0x80 => '€',
                0x91 | 0x92 => '\'',
                0x93 | 0x94 => '"',
                0x96 | 0x97 => '-',
                b => char::from(b),
            })
            .collect(),
    }
}

fn cells_csv(bytes: &[u8]) -> Result<Vec<Vec<String>>, ImportError> {
    let text = decode(bytes);
    let first = text.lines().next().unwrap_or_default();
    let delimiter = [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|d| first.bytes().filter(|b| b == d).count())
        .unwrap_or(b',');
    let mut r = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    for rec in r.records() {
        let rec = rec.map_err(|e| ImportError::Unreadable(e.to_string()))?;
        out.push(rec.iter().map(str::to_string).collect());
        if out.len() > MAX_ROWS + 1 {
            return Err(ImportError::TooManyRows);
        }
    }
    Ok(out)
}

fn cells_workbook(bytes: &[u8]) -> Result<Vec<Vec<String>>, ImportError> {
    let mut wb = open_workbook_auto_from_rs(Cursor::new(bytes.to_vec()))
        .map_err(|e| ImportError::Unreadable(e.to_string()))?;
    let range = wb
        .worksheet_range_at(0)
        .ok_or(ImportError::Empty)?
        .map_err(|e| ImportError::Unreadable(e.to_string()))?;
    if range.height() > MAX_ROWS + 1 {
        return Err(ImportError::TooManyRows);
    }
    Ok(range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect())
}

/// Whether the bytes are a spreadsheet file (ZIP or OLE container) rather than text.
fn is_workbook(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0])
}

/// Reads a participant list. The first non-empty row holds the headers.
pub fn read(bytes: &[u8]) -> Result<Sheet, ImportError> {
    let cells = if is_workbook(bytes) {
        cells_workbook(bytes)?
    } else {
        cells_csv(bytes)?
    };
    let mut rows = cells
        .into_iter()
        .enumerate()
        .filter(|(_, r)| r.iter().any(|c| !c.trim().is_empty()));
    let Some((_, header)) = rows.next() else {
        return Err(ImportError::Empty);
    };
    let fields: Vec<Option<&'static str>> = header.iter().map(|h| field_of(h)).collect();
    if !fields
        .iter()
        .any(|f| matches!(f, Some("first_name" | "name")))
    {
        return Err(ImportError::NoNameColumn);
    }
    let ignored_columns = header
        .iter()
        .zip(&fields)
        .filter(|(h, f)| f.is_none() && !h.trim().is_empty())
        .map(|(h, _)| h.trim().to_string())
        .collect();
    let mut out = Vec::new();
    for (i, cells) in rows {
        let mut row = ImportRow {
            line: i + 1,
            ..Default::default()
        };
        let mut sex_raw = String::new();
        let mut region_raw = String::new();
        for (value, field) in cells.iter().zip(&fields) {
            let v = value.split_whitespace().collect::<Vec<_>>().join(" ");
            let Some(field) = field else { continue };
            if v.chars().count() > MAX_CELL {
                row.errors.push((field, "error-too-long"));
                continue;
            }
            if v.chars().any(char::is_control) {
                row.errors.push((field, "error-bad-characters"));
                continue;
            }
            match *field {
                "first_name" => row.first_name = v,
                "family_name" => row.family_name = v,
                "name" => {
                    // One column for the whole name: the last word is taken as the family name.
                    let mut parts: Vec<&str> = v.split(' ').collect();
                    if parts.len() > 1 && row.family_name.is_empty() {
                        row.family_name = parts.pop().unwrap_or_default().to_string();
                    }
                    if row.first_name.is_empty() {
                        row.first_name = parts.join(" ");
                    }
                }
                "sex" => sex_raw = v,
                "organisation" => row.organisation = v,
                "position" => row.position = v,
                "region" => region_raw = v,
                "phone" => row.phone = v,
                "email" => row.email = v,
                _ => {}
            }
        }
        if row.first_name.is_empty() && row.family_name.is_empty() {
            row.errors.push(("first_name", "error-required"));
        }
        match parse_sex(&sex_raw) {
            Some(s) => row.sex = s.to_string(),
            None => {
                row.sex = sex_raw;
                row.errors.push(("sex", "error-unknown-code"));
            }
        }
        if !region_raw.is_empty() {
            match parse_region(&region_raw) {
                Some(r) => row.region = r.to_string(),
                None => {
                    row.region = region_raw;
                    row.errors.push(("region", "error-unknown-code"));
                }
            }
        }
        if !row.email.is_empty() && !row.email.contains('@') {
            row.errors.push(("email", "error-email"));
        }
        out.push(row);
    }
    if out.is_empty() {
        return Err(ImportError::Empty);
    }
    Ok(Sheet {
        rows: out,
        ignored_columns,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_french_sheet_with_semicolons_in_windows_1252() {
        let mut bytes = b"Pr\xe9nom;Nom;Sexe;Organisme;R\xe9gion;Courriel;Remarque\n".to_vec();
        bytes.extend_from_slice(
            b"Andr\xe9;Dupont;H;Minist\xe8re du Travail;R\xe9gion 7;a@b.gy;ok\n",
        );
        bytes.extend_from_slice(b";;;;;;\n");
        bytes.extend_from_slice(b"Lucie;Martin;F;Help & Shelter;Demerara-Mahaica;;\n");
        bytes.extend_from_slice(b";Sans;Z;;Atlantis;pas-un-courriel;\n");
        let s = read(&bytes).unwrap();
        assert_eq!(s.ignored_columns, vec!["Remarque"]);
        assert_eq!(s.rows.len(), 3);
        let a = &s.rows[0];
        assert_eq!(
            (a.first_name.as_str(), a.sex.as_str(), a.region.as_str()),
            ("André", "male", "GY-CU")
        );
        assert_eq!(a.organisation, "Ministère du Travail");
        assert!(a.errors.is_empty());
        assert_eq!(s.rows[1].region, "GY-DE");
        assert_eq!(s.rows[1].line, 4, "blank lines keep the sheet's numbering");
        let bad = &s.rows[2];
        let fields: Vec<&str> = bad.errors.iter().map(|e| e.0).collect();
        assert_eq!(fields, vec!["sex", "region", "email"]);
    }

    #[test]
    fn one_name_column_and_awkward_files() {
        let s = read("Name,Gender,Agency\nMaria del Carmen Rojas,Mujer,CPA\n".as_bytes()).unwrap();
        assert_eq!(s.rows[0].first_name, "Maria del Carmen");
        assert_eq!(s.rows[0].family_name, "Rojas");
        assert_eq!(s.rows[0].sex, "female");
        assert_eq!(read(b""), Err(ImportError::Empty));
        assert_eq!(read(b"Name\n"), Err(ImportError::Empty));
        assert_eq!(
            read(b"Colour,Size\nred,4\n"),
            Err(ImportError::NoNameColumn)
        );
        assert!(matches!(
            read(b"PK\x03\x04garbage"),
            Err(ImportError::Unreadable(_))
        ));
        let many = format!("Name\n{}", "A B\n".repeat(MAX_ROWS + 5));
        assert_eq!(read(many.as_bytes()), Err(ImportError::TooManyRows));
    }

    #[test]
    fn an_xlsx_sheet_reads_like_the_csv() {
        let bytes = haven_documents::xlsx::workbook(&[haven_documents::xlsx::Table {
            name: "Sign-up".into(),
            header: vec![
                "First name".into(),
                "Last name".into(),
                "Sex".into(),
                "Phone".into(),
            ],
            rows: vec![vec![
                haven_documents::xlsx::Cell::Text("Ana".into()),
                haven_documents::xlsx::Cell::Text("Pérez".into()),
                haven_documents::xlsx::Cell::Text("F".into()),
                haven_documents::xlsx::Cell::Number(6001234.0),
            ]],
        }])
        .unwrap();
        let s = read(&bytes).unwrap();
        assert_eq!(s.rows[0].family_name, "Pérez");
        assert_eq!(s.rows[0].phone, "6001234");
        assert_eq!(s.rows[0].line, 2);
    }

    proptest! {
        #[test]
        fn any_bytes_give_rows_or_an_error_never_a_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = read(&bytes);
        }

        #[test]
        fn every_row_with_a_name_comes_back(names in proptest::collection::vec("[A-Za-zÀ-ÿ]{1,12}", 1..30)) {
            let mut csv = String::from("First name,Last name\n");
            for n in &names {
                csv.push_str(&format!("{n},X\n"));
            }
            let s = read(csv.as_bytes()).unwrap();
            prop_assert_eq!(s.rows.len(), names.len());
            for (r, n) in s.rows.iter().zip(&names) {
                prop_assert_eq!(&r.first_name, n);
                prop_assert!(r.errors.is_empty());
            }
        }
    }
}
