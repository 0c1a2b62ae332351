//! Fictional case files made by the project, to try an import, test it and time it: never real
//! people. Two layouts are written, each as CSV or XLSX:
//!
//! - the HTCDS 2.0 case spreadsheet as an agency fills it in by hand: row 1 the HTCDS field
//!   names, row 2 their labels, a first column of row numbers, numbered empty rows at the end;
//!   values as people type them (codes or labels in English, French or Spanish, odd case, stray
//!   spaces, dates in every form the reader takes);
//! - a KoboToolbox export of the HTCDS XLSForm: `start` and `end`, fields under their groups
//!   (`person/prs_First_Name`), each select_multiple as a column of space-separated choice names
//!   and one 0/1 column per choice, and the bookkeeping columns (`meta/instanceID`, `_id`,
//!   `_uuid`, `_submission_time`, `_index`, …).
//!
//! Rows come from a small seeded generator, one at a time (a large file costs the memory of its
//! output only): the same options make the same bytes. Over enough rows every picklist value of
//! every field the layout carries appears. With `problems`, one row in ten is one a real file
//! holds: the same person again, an impossible date, an unknown value, a required field left
//! empty, a cell that looks like a formula.
use haven_domain::GUYANA_REGIONS;
use haven_domain::reference::{self, COUNTRIES, LANGUAGES};
use haven_i18n::{I18n, Lang};
use rust_xlsxwriter::{Format, Workbook};

use crate::columns::COLUMNS;
use crate::values::{Vocabulary, parse_region, picklist_of, split_known};

/// Which layout to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SampleLayout {
    /// The HTCDS 2.0 case spreadsheet (field names, labels, row numbers).
    Htcds,
    /// A KoboToolbox export of the HTCDS XLSForm.
    Kobo,
}

/// Which file format to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SampleFormat {
    Csv,
    Xlsx,
}

#[derive(Clone, Debug)]
pub struct SampleOptions {
    pub layout: SampleLayout,
    /// Data rows (the HTCDS layout's numbered empty rows are not counted).
    pub rows: usize,
    /// One row in ten is one that real files hold (see the module's note).
    pub problems: bool,
    pub seed: u64,
}

/// What the generator wrote, for tests and benchmarks to check an import against.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SampleCounts {
    pub rows: usize,
    /// Rows an import takes (with no default region needed for the HTCDS layout; the Kobo
    /// layout has no region column, so its rows need one).
    pub good: usize,
    /// Rows an import leaves out, each with a problem.
    pub bad: usize,
    /// Good rows of a person met in an earlier row.
    pub same_person: usize,
    /// Good rows with a cell that looks like a formula.
    pub formulas: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum SampleError {
    #[error("translations: {0}")]
    I18n(String),
    #[error("writing the sample: {0}")]
    Write(String),
}

/// Writes a sample file; returns its bytes and what it holds.
pub fn sample(
    opts: &SampleOptions,
    format: SampleFormat,
) -> Result<(Vec<u8>, SampleCounts), SampleError> {
    let i18n = I18n::load().map_err(|e| SampleError::I18n(e.to_string()))?;
    let mut g = Generator::new(opts.clone(), &i18n);
    let bytes = match format {
        SampleFormat::Csv => g.csv()?,
        SampleFormat::Xlsx => g.xlsx()?,
    };
    Ok((bytes, g.counts))
}

/// A cell as a spreadsheet holds it.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    /// An Excel serial day number in a date-formatted cell (in CSV: written `DD/MM/YYYY`).
    Date(f64),
}

impl Cell {
    fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    fn as_csv(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.clone(),
            Cell::Number(n) if n.fract() == 0.0 => format!("{}", *n as i64),
            Cell::Number(n) => n.to_string(),
            Cell::Date(serial) => crate::read::excel_serial_date(*serial)
                .map(|d| format!("{:02}/{:02}/{}", d.day(), d.month() as u8, d.year()))
                .unwrap_or_default(),
        }
    }
}

/// SplitMix64: small, fast, and the same on every platform.
#[derive(Clone, Debug)]
struct Rng(u64);

impl Rng {
    /// An independent stream for one purpose of one row.
    fn new(seed: u64, row: u64, purpose: u64) -> Rng {
        let mut r = Rng(seed
            ^ row.wrapping_mul(0x9E37_79B9_7F4A_7C15)
            ^ purpose.wrapping_mul(0xD1B5_4A32_D192_ED03));
        r.next();
        r
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

#[rustfmt::skip]
const FIRST_NAMES: &[&str] = &[
    "Ana", "Łucja", "Stanisław", "Zofia", "Mikołaj", "Begoña", "Iñaki", "Noé", "Renée", "José",
    "Hélène", "Chloé", "Zoë", "Anaïs", "Jérôme", "Agnieszka", "Małgorzata", "Paweł", "Yolanda",
    "Marisol", "Nayeli", "Ximena", "Joaquín", "Sebastián", "Mariana", "Luz", "Rosa", "Camila",
    "Thiago", "João", "Conceição", "Gonçalo", "Devika", "Anjali", "Ravindra", "Shivani", "Kavita",
    "Rohan", "Tamika", "Shondell", "Keisha", "Marlon", "Delroy", "Omari", "Akeem", "Wendell",
    "Leticia", "Dayana", "Yusuf", "Amina", "Fatima", "Ifeoma", "Chidi", "Mei", "Wen", "Hoa",
    "Thanh", "Aiyana", "Kaiyu", "Tobias", "Ingrid", "Søren", "Åsa", "Ñusta",
];

#[rustfmt::skip]
const SURNAMES: &[&str] = &[
    "Pérez", "Łukasiewicz", "Wiśniewska", "Núñez", "Peña", "Muñoz", "Ibáñez", "Béranger",
    "Lefèvre", "Gómez", "Rodríguez", "Hernández", "González", "Fernández", "Sánchez", "Ramírez",
    "Castañeda", "Souza", "Gonçalves", "Conceição", "Araújo", "Persaud", "Ramnarine", "Singh",
    "Ramdass", "Bacchus", "Khan", "Mohamed", "Seepersaud", "Allicock", "Fiedtkou", "Williams",
    "Adams", "Da Silva", "De Freitas", "Gomes", "Fernandes", "Wong", "Chung", "Nguyễn", "Trần",
    "Okafor", "Adéyẹmí", "Mensah", "Boateng", "Benjamin", "La Rose", "Charles", "Jean-Baptiste",
    "Désiré", "Müller", "Schäfer", "Østergaard", "Ångström", "Kowalczyk", "Dąbrowski", "Zieliński",
    "Jiménez", "Álvarez", "Ortíz", "Quiñones", "Bermúdez", "Ávila", "Marín",
];

#[rustfmt::skip]
const NICKNAMES: &[&str] = &[
    "Lulu", "Bebé", "Chiqui", "Tito", "Rasta", "Shorty", "Nené", "Princess", "Gordo", "Mimi",
];

#[rustfmt::skip]
const CITIES: &[&str] = &[
    "Georgetown", "Linden", "New Amsterdam", "Bartica", "Lethem", "Mahdia", "Anna Regina",
    "Mabaruma", "Rose Hall", "Corriverton", "Skeldon", "Parika",
];

const FOREIGN_PLACES: &[(&str, &str, &str)] = &[
    ("VE", "Bolívar", "Ciudad Bolívar"),
    ("VE", "Zulia", "Maracaibo"),
    ("BR", "Roraima", "Boa Vista"),
    ("BR", "Pará", "Belém"),
    ("SR", "Paramaribo", "Paramaribo"),
    ("CO", "Antioquia", "Medellín"),
    ("HT", "Ouest", "Port-au-Prince"),
    ("DO", "Santiago", "Santiago de los Caballeros"),
    ("CU", "La Habana", "La Habana"),
    ("TT", "San Fernando", "San Fernando"),
];

const STREETS: &[&str] = &[
    "Lot 12 Regent Street",
    "45 Sheriff Street",
    "Calle 5 con Av. Perú",
    "Rua das Flores, 210",
    "Back Street, Plaisance",
    "3 Camp Street, Ñ block",
];

const ORGANISATIONS: &[&str] = &[
    "Help & Shelter",
    "Guyana Police Force",
    "Ministry of Labour",
    "Child Care and Protection Agency",
    "Red Thread",
    "Fundación \"Mujeres Libres\"",
    "Église Saint-Pierre, Lethem",
];

const SUMMARIES: &[&str] = &[
    "Met at the clinic; says she was promised work in a shop, then kept in a bar.",
    "Found during a labour inspection at a mining camp, with two others.",
    "Referred by the hotline after a call from a neighbour: \"they take her papers\".",
    "Trabajaba sin pago en una finca; pide regresar a su país.",
    "Rencontrée à l'hôpital, ne parle pas anglais; interprète nécessaire.",
    "Came to the office alone.\nAsked for shelter and legal advice.",
    "Recruited online for a hotel job, debt grew every month.",
];

const CLOSURE_NOTES: &[&str] = &[
    "Moved back home with family; follow-up by phone ended.",
    "No contact since the hearing.",
    "Retour au pays avec l'aide de l'OIM.",
];

#[rustfmt::skip]
const LANGUAGE_CODES: &[&str] = &[
    "eng", "spa", "por", "fra", "hin", "nld", "hat", "zho", "ara", "urd", "tam", "ben",
];

const SALUTATIONS: &[&str] = &["Ms", "Mr", "Mrs", "Sra.", "Sr.", "Mme", ""];
const CASE_OWNERS: &[&str] = &["jdoe", "mpersaud", "agomes", "rsingh"];

/// Month names in English, French and Spanish, as dates are written out.
#[rustfmt::skip]
const MONTHS: [[&str; 12]; 3] = [
    ["January", "February", "March", "April", "May", "June", "July", "August", "September",
        "October", "November", "December"],
    ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
        "octobre", "novembre", "décembre"],
    ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
        "octubre", "noviembre", "diciembre"],
];

/// The pairs of first and family names, before compound surnames make more.
const NAME_PAIRS: usize = FIRST_NAMES.len() * SURNAMES.len();

/// What a column of a layout holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Slot {
    RowNumber,
    /// A field of [`COLUMNS`].
    Field(&'static str),
    /// One choice of a select_multiple, 0/1 (Kobo).
    Choice(&'static str, &'static str),
    CaseOwner,
    Salutation,
    Consent,
    NotKept,
    Start,
    End,
    Version,
    InstanceId,
    Id,
    Uuid,
    SubmissionTime,
    Index,
    Submitted,
    Blank,
}

/// The select_multiple fields of the XLSForm, with their names there.
const KOBO_MULTI: &[(&str, &str)] = &[
    ("method_of_recruitment", "victim/vic_MethodOfRecruitment"),
    ("methods_of_control", "victim/vic_Methods_of_Control"),
    ("type_of_exploitation", "victim/vic_TypeOfExploitation"),
    ("forced_labour_industry", "victim/vic_ForcedLabourIndustry"),
    (
        "type_of_sex_exploitation",
        "victim/vic_TypeOfSexExploitation",
    ),
];

fn kobo_columns() -> Vec<(String, Slot)> {
    let f = |h: &str, field: &'static str| (h.to_string(), Slot::Field(field));
    let mut cols = vec![
        ("start".to_string(), Slot::Start),
        ("end".to_string(), Slot::End),
        ("consent/con_Consent".to_string(), Slot::Consent),
        ("person/prs_Salutation".to_string(), Slot::Salutation),
        f("person/prs_First_Name", "first_name"),
        f("person/prs_Second_Name", "second_name"),
        f("person/prs_Birthdate", "birth_date"),
        f("person/prs_Gender", "gender"),
        f("person/prs_Citizenship", "citizenship"),
        ("person/prs_Title".to_string(), Slot::NotKept),
        f("person/prs_Email", "email"),
        f("person/prs_HomePhone", "home_phone"),
        f("person/prs_MobilePhone", "mobile_phone"),
        f("person/prs_MailingCity", "mailing_city"),
        f("person/prs_MailingCountry", "mailing_country"),
        f("person/prs_MailingState", "mailing_state"),
        f("person/prs_MailingStreet", "mailing_street"),
        f("person/prs_MailingPostalCode", "mailing_postal_code"),
    ];
    let multi = |cols: &mut Vec<(String, Slot)>, field: &'static str| {
        let Some((_, header)) = KOBO_MULTI.iter().find(|(f, _)| *f == field) else {
            return;
        };
        cols.push((header.to_string(), Slot::Field(field)));
        if let Some(list) = picklist_of(field) {
            for code in list.codes {
                cols.push((format!("{header}/{code}"), Slot::Choice(field, code)));
            }
        }
    };
    multi(&mut cols, "method_of_recruitment");
    cols.push((
        "victim/vic_LocationOfRecruitment".to_string(),
        Slot::NotKept,
    ));
    cols.push(f("victim/vic_TraffickingStatus", "trafficking_status"));
    cols.push(f(
        "victim/vic_TraffickingStatusDecisionMakingOrg",
        "trafficking_status_decision_org",
    ));
    multi(&mut cols, "methods_of_control");
    multi(&mut cols, "type_of_exploitation");
    multi(&mut cols, "forced_labour_industry");
    multi(&mut cols, "type_of_sex_exploitation");
    cols.push((
        "victim/vic_LocationOfExploitation".to_string(),
        Slot::NotKept,
    ));
    cols.extend([
        f("case/cas_Status", "status"),
        f("case/cas_ReferringOrganisation", "referring_organisation"),
        f("case/cas_IncomingReferralDate", "referral_date"),
        (
            "case/cas_ReferringPrimaryCaseWorker".to_string(),
            Slot::NotKept,
        ),
        f(
            "case/cas_ReasonForIncomingReferral",
            "reason_for_incoming_referral",
        ),
        f("case/cas_IncomingReferralDetails", "summary"),
        ("__version__".to_string(), Slot::Version),
        ("meta/instanceID".to_string(), Slot::InstanceId),
        ("_id".to_string(), Slot::Id),
        ("_uuid".to_string(), Slot::Uuid),
        ("_submission_time".to_string(), Slot::SubmissionTime),
        ("_validation_status".to_string(), Slot::Blank),
        ("_notes".to_string(), Slot::Blank),
        ("_status".to_string(), Slot::Submitted),
        ("_submitted_by".to_string(), Slot::Blank),
        ("_tags".to_string(), Slot::Blank),
        ("_index".to_string(), Slot::Index),
    ]);
    cols
}

/// The HTCDS layout: the template's row-number column and owner, Haven's columns in their
/// order (the decision-making organisation under the template's misspelt name), consent last.
fn htcds_columns(i18n: &I18n) -> Vec<(String, String, Slot)> {
    let mut cols = vec![
        (String::new(), String::new(), Slot::RowNumber),
        ("cas_CaseOwner".into(), "Case Owner".into(), Slot::CaseOwner),
        (
            "prs_Salutation".into(),
            "Salutation".into(),
            Slot::Salutation,
        ),
    ];
    for c in COLUMNS {
        let name = match c.field {
            "trafficking_status_decision_org" => "vic_TraffickinStatusDecisionMakingOrg",
            _ => c.name,
        };
        let label = if c.label.is_empty() {
            i18n.t(Lang::En, &format!("field-{}", c.field))
        } else {
            c.label.to_string()
        };
        cols.push((name.to_string(), label, Slot::Field(c.field)));
    }
    cols.push(("con_Consent".into(), "Consent".into(), Slot::Consent));
    cols
}

/// What kind of row to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Regular,
    SamePerson,
    ImpossibleDate,
    UnknownValue,
    MissingRequired,
    Formula,
}

impl Kind {
    fn is_bad(self) -> bool {
        matches!(
            self,
            Kind::ImpossibleDate | Kind::UnknownValue | Kind::MissingRequired
        )
    }
}

/// The forms a date is written in; each is read by `values::parse_date`.
const DAY_FORMS: usize = 9;
const ALL_FORMS: usize = 15;

/// Index spaces of rows that are not counted as regular rows (their values must not take a
/// regular row's place in the cycles through the picklists).
const BAD_ROWS: usize = 1 << 40;

/// A row as generated: each field's cell, the codes of the select_multiples, and bookkeeping.
#[derive(Default)]
struct Fake {
    fields: Vec<(&'static str, Cell)>,
    multi: Vec<(&'static str, Vec<&'static str>)>,
    submitted: Option<time::PrimitiveDateTime>,
    uuid: String,
}

impl Fake {
    fn set(&mut self, field: &'static str, cell: Cell) {
        match self.fields.iter_mut().find(|(f, _)| *f == field) {
            Some((_, c)) => *c = cell,
            None => self.fields.push((field, cell)),
        }
    }

    fn get(&self, field: &str) -> Cell {
        self.fields
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, c)| c.clone())
            .unwrap_or(Cell::Empty)
    }
}

/// Makes the rows of a sample, one at a time.
pub struct Generator<'a> {
    opts: SampleOptions,
    i18n: &'a I18n,
    vocab: Vocabulary,
    /// Good rows so far: the position of each in the cycles through the picklists.
    regular: usize,
    /// Closed cases so far (the cycle through the closure reasons).
    closed: usize,
    /// Rows of the other kinds so far.
    hostile: usize,
    /// The person of the last good row (for "the same person again").
    last_person: Option<usize>,
    pub counts: SampleCounts,
}

impl<'a> Generator<'a> {
    pub fn new(opts: SampleOptions, i18n: &'a I18n) -> Generator<'a> {
        Generator {
            opts,
            vocab: Vocabulary::new(i18n),
            i18n,
            regular: 0,
            closed: 0,
            hostile: 0,
            last_person: None,
            counts: SampleCounts::default(),
        }
    }

    fn rng(&self, row: usize, purpose: u64) -> Rng {
        Rng::new(self.opts.seed, row as u64, purpose)
    }

    /// The header row(s) and each column's content.
    fn layout(&self) -> (Vec<String>, Option<Vec<String>>, Vec<Slot>) {
        match self.opts.layout {
            SampleLayout::Htcds => {
                let cols = htcds_columns(self.i18n);
                (
                    cols.iter().map(|c| c.0.clone()).collect(),
                    Some(cols.iter().map(|c| c.1.clone()).collect()),
                    cols.iter().map(|c| c.2).collect(),
                )
            }
            SampleLayout::Kobo => {
                let cols = kobo_columns();
                (
                    cols.iter().map(|c| c.0.clone()).collect(),
                    None,
                    cols.iter().map(|c| c.1).collect(),
                )
            }
        }
    }

    /// Every data row in order, then (HTCDS) the template's numbered empty rows.
    fn rows(
        &mut self,
        slots: &[Slot],
        mut emit: impl FnMut(Vec<Cell>) -> Result<(), SampleError>,
    ) -> Result<(), SampleError> {
        for i in 0..self.opts.rows {
            let kind = self.kind(i);
            let fake = self.fake(i, kind);
            let row = slots.iter().map(|s| self.cell(i, s, &fake)).collect();
            emit(row)?;
        }
        if self.opts.layout == SampleLayout::Htcds {
            for n in 0..3 {
                let mut row = vec![Cell::Empty; slots.len()];
                row[0] = Cell::Number((self.opts.rows + n + 1) as f64);
                emit(row)?;
            }
        }
        Ok(())
    }

    fn kind(&self, i: usize) -> Kind {
        if !self.opts.problems || i % 10 != 9 {
            return Kind::Regular;
        }
        match (i / 10) % 5 {
            0 if self.last_person.is_some() => Kind::SamePerson,
            0 | 4 => Kind::Formula,
            1 => Kind::ImpossibleDate,
            2 => Kind::UnknownValue,
            _ => Kind::MissingRequired,
        }
    }

    /// The CSV file: comma-separated with a BOM (as a spreadsheet program saves it) for the
    /// HTCDS layout, semicolon-separated for Kobo (its default).
    pub fn csv(&mut self) -> Result<Vec<u8>, SampleError> {
        let (header, labels, slots) = self.layout();
        let kobo = self.opts.layout == SampleLayout::Kobo;
        let mut out = if kobo {
            Vec::new()
        } else {
            b"\xEF\xBB\xBF".to_vec()
        };
        {
            let mut w = csv::WriterBuilder::new()
                .delimiter(if kobo { b';' } else { b',' })
                .from_writer(&mut out);
            let err = |e: csv::Error| SampleError::Write(e.to_string());
            w.write_record(&header).map_err(err)?;
            if let Some(l) = &labels {
                w.write_record(l).map_err(err)?;
            }
            self.rows(&slots, |row| {
                w.write_record(row.iter().map(Cell::as_csv)).map_err(err)
            })?;
            w.flush().map_err(|e| SampleError::Write(e.to_string()))?;
        }
        Ok(out)
    }

    /// The XLSX file: dates of the "date cell" form in date-formatted cells, numbers as
    /// numbers, everything else as text.
    pub fn xlsx(&mut self) -> Result<Vec<u8>, SampleError> {
        let (header, labels, slots) = self.layout();
        let err = |e: rust_xlsxwriter::XlsxError| SampleError::Write(e.to_string());
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name(match self.opts.layout {
            SampleLayout::Htcds => "Sheet1",
            SampleLayout::Kobo => "HTCDS",
        })
        .map_err(err)?;
        let date = Format::new().set_num_format("dd/mm/yyyy");
        let mut line: u32 = 0;
        let write_row = |ws: &mut rust_xlsxwriter::Worksheet, row: &[Cell], line: u32| {
            for (c, cell) in row.iter().enumerate() {
                let c = c as u16;
                match cell {
                    Cell::Empty => {}
                    Cell::Text(s) if s.is_empty() => {}
                    Cell::Text(s) => {
                        ws.write_string(line, c, s).map_err(err)?;
                    }
                    Cell::Number(n) => {
                        ws.write_number(line, c, *n).map_err(err)?;
                    }
                    Cell::Date(n) => {
                        ws.write_number_with_format(line, c, *n, &date)
                            .map_err(err)?;
                    }
                }
            }
            Ok::<(), SampleError>(())
        };
        let text =
            |r: &[String]| -> Vec<Cell> { r.iter().map(|s| Cell::text(s.clone())).collect() };
        write_row(ws, &text(&header), line)?;
        line += 1;
        if let Some(l) = &labels {
            write_row(ws, &text(l), line)?;
            line += 1;
        }
        self.rows(&slots, |row| {
            write_row(ws, &row, line)?;
            line += 1;
            Ok(())
        })?;
        wb.save_to_buffer().map_err(err)
    }

    /// The cell of one column.
    fn cell(&self, i: usize, slot: &Slot, f: &Fake) -> Cell {
        let at = |d: time::PrimitiveDateTime, minus: i64| {
            let t = d - time::Duration::seconds(minus);
            Cell::text(format!(
                "{}T{:02}:{:02}:{:02}.{:03}-04:00",
                t.date(),
                t.hour(),
                t.minute(),
                t.second(),
                (i * 37) % 1000
            ))
        };
        match slot {
            Slot::RowNumber => Cell::Number((i + 1) as f64),
            Slot::Field(field) => f.get(field),
            Slot::Choice(field, code) => match f.multi.iter().find(|(m, _)| m == field) {
                Some((_, codes)) if !codes.is_empty() => {
                    Cell::Number(if codes.contains(code) { 1.0 } else { 0.0 })
                }
                _ => Cell::Empty,
            },
            Slot::CaseOwner => Cell::text(*self.rng(i, 90).pick(CASE_OWNERS)),
            Slot::Salutation => Cell::text(*self.rng(i, 91).pick(SALUTATIONS)),
            Slot::Consent => Cell::text(if self.opts.layout == SampleLayout::Kobo {
                "yes"
            } else {
                "Yes"
            }),
            Slot::NotKept | Slot::Blank => Cell::Empty,
            Slot::Start => f.submitted.map(|d| at(d, 3600)).unwrap_or(Cell::Empty),
            Slot::End => f.submitted.map(|d| at(d, 1200)).unwrap_or(Cell::Empty),
            Slot::Version => Cell::text("vSmt4GQA3C9uBMLPEVfgND"),
            Slot::InstanceId => Cell::text(format!("uuid:{}", f.uuid)),
            Slot::Id => Cell::Number((210_000_000 + i) as f64),
            Slot::Uuid => Cell::text(f.uuid.clone()),
            Slot::SubmissionTime => f
                .submitted
                .map(|d| {
                    Cell::text(format!(
                        "{}T{:02}:{:02}:{:02}",
                        d.date(),
                        d.hour(),
                        d.minute(),
                        d.second()
                    ))
                })
                .unwrap_or(Cell::Empty),
            Slot::Index => Cell::Number((i + 1) as f64),
            Slot::Submitted => Cell::text("submitted_via_web"),
        }
    }

    /// The fields of row `i`.
    fn fake(&mut self, i: usize, kind: Kind) -> Fake {
        // Good rows take the next place in every cycle; bad rows have places of their own.
        let k = if kind.is_bad() {
            BAD_ROWS + self.hostile
        } else {
            self.regular
        };
        let person = match (kind, self.last_person) {
            (Kind::SamePerson, Some(p)) => p,
            _ => k,
        };
        let mut f = self.fill(i, k, person);
        let mut rng = self.rng(i, 80);
        match kind {
            Kind::Regular => {}
            Kind::SamePerson => {
                // The same person typed again by someone else: odd case, stray spaces.
                for field in ["first_name", "second_name"] {
                    if let Cell::Text(s) = f.get(field) {
                        let s = if rng.chance(50) {
                            s.to_uppercase()
                        } else {
                            s.to_lowercase()
                        };
                        f.set(field, Cell::text(format!("  {s} ")));
                    }
                }
                self.counts.same_person += 1;
            }
            Kind::ImpossibleDate => {
                let bad = match self.opts.layout {
                    SampleLayout::Kobo => ["2001-02-30", "2003-02-29", "1999-04-31", "2010-13-01"],
                    SampleLayout::Htcds => ["31/02/2001", "29/02/2003", "1999-04-31", "13/13/2010"],
                };
                f.set("birth_date", Cell::text(*rng.pick(&bad)));
            }
            Kind::UnknownValue => {
                let (field, value) = *rng.pick(&[
                    ("gender", "Martian"),
                    ("type_of_exploitation", "ForcedLabour Witchcraft"),
                    ("citizenship", "Atlantis"),
                    ("trafficking_status", "Maybe"),
                    ("status", "Archived"),
                ]);
                f.set(field, Cell::text(value));
            }
            Kind::MissingRequired => {
                let field = *rng.pick(&["first_name", "gender", "trafficking_status"]);
                f.set(field, Cell::Empty);
            }
            Kind::Formula => {
                // Harmless if a spreadsheet program ever evaluated it; the importer keeps text.
                let (field, value) = *rng.pick(&[
                    ("referring_organisation", "=2+3"),
                    ("referring_organisation", "@SUM(1,1)"),
                    (
                        "summary",
                        "=HYPERLINK(\"https://example.invalid\",\"details\")",
                    ),
                    ("mailing_street", "+1 Main Street"),
                ]);
                f.set(field, Cell::text(value));
                self.counts.formulas += 1;
            }
        }
        self.counts.rows += 1;
        if kind.is_bad() {
            self.counts.bad += 1;
            self.hostile += 1;
        } else {
            self.counts.good += 1;
            self.regular += 1;
            if kind != Kind::SamePerson {
                self.last_person = Some(person);
            }
        }
        f
    }

    /// A person's names: every regular row a different person (first and family name pairs in
    /// a scrambled order, then compound surnames).
    fn names(&self, person: usize) -> (String, String) {
        let j = (person % NAME_PAIRS * 1237 + 11) % NAME_PAIRS;
        let first = FIRST_NAMES[j % FIRST_NAMES.len()];
        let mut second = SURNAMES[j / FIRST_NAMES.len()].to_string();
        // Bijective base-L numbering of the rest: every person index its own surname.
        let mut c = person / NAME_PAIRS;
        while c > 0 {
            c -= 1;
            second.push(' ');
            second.push_str(SURNAMES[c % SURNAMES.len()]);
            c /= SURNAMES.len();
        }
        (first.to_string(), second)
    }

    /// A picklist code as people write it: the code or its label in English, French or
    /// Spanish, in odd case or with stray spaces (the HTCDS layout); the code itself from Kobo.
    fn code_text(&self, field: &str, code: &'static str, rng: &mut Rng) -> String {
        if self.opts.layout == SampleLayout::Kobo {
            return code.to_string();
        }
        let label = |lang: Lang| {
            picklist_of(field)
                .map(|l| l.label_key(code))
                .filter(|k| self.i18n.has(lang, k))
                .map(|k| self.i18n.t(lang, &k))
                .unwrap_or_else(|| code.to_string())
        };
        let text = match rng.below(9) {
            0 | 1 => code.to_string(),
            2 => code.to_lowercase(),
            3 => label(Lang::En),
            4 => label(Lang::Fr),
            5 => label(Lang::Es),
            6 => format!("  {} ", label(Lang::En).to_uppercase()),
            7 => format!(" {}", label(Lang::Fr).to_lowercase()),
            _ => format!("{code}  "),
        };
        // A label two codes share would read back as the other: the code then.
        if self.vocab.code(field, &text) == Some(code) {
            text
        } else {
            code.to_string()
        }
    }

    /// Several codes in one cell: space-separated names (Kobo), or codes and labels joined
    /// as people join them.
    fn codes_text(&self, field: &str, codes: &[&'static str], rng: &mut Rng) -> String {
        let plain = codes.join(" ");
        if self.opts.layout == SampleLayout::Kobo || codes.is_empty() {
            return plain;
        }
        let text = match rng.below(5) {
            0 => plain.clone(),
            1 => codes.join(";"),
            2 => codes.join(", ").to_lowercase(),
            _ => codes
                .iter()
                .map(|c| self.code_text(field, c, rng).trim().to_string())
                .collect::<Vec<_>>()
                .join(if rng.chance(50) { "; " } else { "\n" }),
        };
        let (found, unknown) = self.vocab.codes(field, &text);
        if unknown.is_empty() && found == codes {
            text
        } else {
            plain
        }
    }

    /// A date in one of the forms the reader takes (`form` below [`ALL_FORMS`]; below
    /// [`DAY_FORMS`] the day is kept).
    fn date_cell(&self, d: time::Date, form: usize) -> Cell {
        let (y, m, day) = (d.year(), d.month() as u8, d.day());
        let serial = (d - time::macros::date!(1899 - 12 - 30)).whole_days() as f64;
        let month = |lang: usize| MONTHS[lang][m as usize - 1];
        if self.opts.layout == SampleLayout::Kobo {
            return Cell::text(d.to_string());
        }
        match form {
            0 => Cell::text(d.to_string()),
            1 => Cell::text(format!("{day:02}/{m:02}/{y}")),
            2 => Cell::text(format!("{day}.{m}.{y}")),
            3 => Cell::text(format!("{day:02}-{m:02}-{y}")),
            // A date cell (in CSV, as the program shows it).
            4 => Cell::Date(serial),
            // A date cell whose format was lost: its serial number.
            5 => Cell::Number(serial),
            6 => Cell::text(format!("{day} {} {y}", month(0))),
            7 => Cell::text(format!("{} {day}, {y}", month(0))),
            8 => Cell::text(format!("{y}-{m:02}-{day:02}T00:00:00")),
            // Month and year only.
            9 => Cell::text(format!("{} {y}", month(0))),
            10 => Cell::text(format!("{} {y}", month(1))),
            11 => Cell::text(format!("{} {y}", month(2))),
            12 => Cell::text(format!("{y}-{m:02}")),
            13 => Cell::text(format!("{m:02}/{y}")),
            // The year alone, as a number.
            _ => Cell::Number(y as f64),
        }
    }

    /// Every field of one good row: `k` its place in the cycles, `person` whose person it is.
    fn fill(&mut self, i: usize, k: usize, person: usize) -> Fake {
        let mut f = Fake::default();
        let mut r = self.rng(k, 1);
        let mut pr = self.rng(person, 2);
        let htcds = self.opts.layout == SampleLayout::Htcds;

        // The person: names and birth date follow the person, not the row.
        let (first, second) = self.names(person);
        f.set("first_name", Cell::text(first.clone()));
        f.set("second_name", Cell::text(second.clone()));
        if htcds && pr.chance(25) {
            f.set("middle_name", Cell::text(*pr.pick(FIRST_NAMES)));
        }
        if htcds && pr.chance(10) {
            f.set("also_known_as", Cell::text(*pr.pick(NICKNAMES)));
        }
        let birth_year = 1955 + pr.below(58) as i32;
        let birth = time::Date::from_calendar_date(
            birth_year,
            time::Month::try_from(1 + pr.below(12) as u8).unwrap_or(time::Month::January),
            1 + pr.below(28) as u8,
        )
        .unwrap_or(time::macros::date!(1990 - 01 - 01));
        let age_2025 = (2025 - birth_year - 1) as i64;
        if htcds && person % 20 == 19 {
            // No date at all: an assessed age, marked uncertain.
            f.set("assessed_age", Cell::Number(age_2025 as f64));
            f.set(
                "age_uncertain",
                Cell::text(*pr.pick(&["yes", "oui", "sí", "TRUE", "1"])),
            );
        } else {
            f.set("birth_date", self.date_cell(birth, person % ALL_FORMS));
        }

        let gender = cycle(&reference::PRS_GENDER, k, 0);
        f.set(
            "gender",
            Cell::text(self.code_text("gender", gender, &mut r)),
        );
        let country = &COUNTRIES[(k * 7) % COUNTRIES.len()];
        let cit = if htcds {
            self.country_text(country, &mut r, k)
        } else {
            country.alpha2.to_string()
        };
        f.set("citizenship", Cell::text(cit));

        if htcds {
            let lang = LANGUAGE_CODES[k % LANGUAGE_CODES.len()];
            f.set(
                "primary_language",
                Cell::text(self.language_text(lang, &mut r)),
            );
            if r.chance(30) {
                let second = *r.pick(LANGUAGE_CODES);
                if second != lang {
                    f.set(
                        "secondary_language",
                        Cell::text(self.language_text(second, &mut r)),
                    );
                }
            }
            for (field, list, off) in [
                ("marital_status", &reference::PRS_MARITAL_STATUS, 1),
                (
                    "highest_level_of_education",
                    &reference::PRS_HIGHEST_LEVEL_OF_EDUCATION,
                    2,
                ),
            ] {
                if filled(k, list) {
                    let code = cycle(list, k, off);
                    f.set(field, Cell::text(self.code_text(field, code, &mut r)));
                }
            }
            if r.chance(40) {
                f.set("number_of_children", Cell::Number(r.below(6) as f64));
            }
            if k % 97 == 50 {
                f.set("deceased", Cell::text(*r.pick(&["yes", "Oui", "TRUE"])));
            }
            if !k.is_multiple_of(3) {
                f.set("identity_documents", Cell::text(self.documents(k, &mut r)));
            }
        }

        // Contacts: made up from the name, never a real address.
        let ascii = |s: &str| -> String {
            deunicode::deunicode(s)
                .chars()
                .filter(|c| c.is_ascii_alphanumeric())
                .collect::<String>()
                .to_lowercase()
        };
        if r.chance(60) {
            f.set(
                "email",
                Cell::text(format!(
                    "{}.{}{}@example.org",
                    ascii(&first),
                    ascii(&second),
                    person % 1000
                )),
            );
        }
        let phone = |r: &mut Rng| match r.below(3) {
            0 => format!("592-6{:02}-{:04}", r.below(100), r.below(10_000)),
            1 => format!("(592) 2{:02} {:04}", r.below(100), r.below(10_000)),
            _ => format!("6{:06}", r.below(1_000_000)),
        };
        if r.chance(70) {
            f.set("mobile_phone", Cell::text(phone(&mut r)));
        }
        if r.chance(20) {
            f.set("home_phone", Cell::text(phone(&mut r)));
        }
        if r.chance(70) {
            self.mailing(&mut f, k, &mut r);
        }

        // The victim part.
        let status = cycle(&reference::VIC_TRAFFICKING_STATUS, k, 3);
        f.set(
            "trafficking_status",
            Cell::text(self.code_text("trafficking_status", status, &mut r)),
        );
        if filled(k, &reference::VIC_TRAFFICKING_STATUS_DECISION_MAKING_ORG) {
            let org = cycle(&reference::VIC_TRAFFICKING_STATUS_DECISION_MAKING_ORG, k, 4);
            f.set(
                "trafficking_status_decision_org",
                Cell::text(self.code_text("trafficking_status_decision_org", org, &mut r)),
            );
        }
        if htcds {
            if filled(k, &reference::VIC_RELATIONSHIP_TO_TRAFFICKER) {
                let rel = cycle(&reference::VIC_RELATIONSHIP_TO_TRAFFICKER, k, 5);
                f.set(
                    "relationship_to_trafficker",
                    Cell::text(self.code_text("relationship_to_trafficker", rel, &mut r)),
                );
            }
            if r.chance(50) && age_2025 >= 1 {
                let at = r.below(age_2025 as usize) as f64;
                f.set("age_when_trafficked", Cell::Number(at));
            }
        }
        let multi: &[(&str, &reference::Picklist, bool)] = &[
            (
                "type_of_exploitation",
                &reference::VIC_TYPE_OF_EXPLOITATION,
                true,
            ),
            (
                "method_of_recruitment",
                &reference::VIC_METHOD_OF_RECRUITMENT,
                false,
            ),
            (
                "methods_of_control",
                &reference::VIC_METHODS_OF_CONTROL,
                false,
            ),
            (
                "type_of_sex_exploitation",
                &reference::VIC_TYPE_OF_SEX_EXPLOITATION,
                false,
            ),
            (
                "recruitment_websites_and_apps",
                &reference::VIC_RECRUITMENT_WEBSITES_AND_APPS,
                false,
            ),
            (
                "exploitation_websites_and_apps",
                &reference::VIC_EXPLOITATION_WEBSITES_AND_APPS,
                false,
            ),
            ("vulnerabilities", &reference::VIC_VULNERABILITIES, false),
        ];
        for (n, (field, list, required)) in multi.iter().enumerate() {
            if !htcds && !KOBO_MULTI.iter().any(|(f, _)| f == field) {
                continue;
            }
            // Filled two turns of the list in three, so every code comes in the first turn.
            if !required && !filled(k, list) {
                continue;
            }
            let mut codes = vec![cycle(list, k, n + 7)];
            for _ in 0..r.below(3) {
                let c = *r.pick(list.codes);
                if !codes.contains(&c) {
                    codes.push(c);
                }
            }
            f.set(field, Cell::text(self.codes_text(field, &codes, &mut r)));
            f.multi.push((field, codes));
        }
        if filled(k, &reference::VIC_FORCED_LABOUR_INDUSTRY) {
            let code = cycle(&reference::VIC_FORCED_LABOUR_INDUSTRY, k, 20);
            let text = if htcds && r.chance(30) {
                // The ISIC letter alone names the industry.
                code.split('_').next().unwrap_or(code).to_string()
            } else {
                self.code_text("forced_labour_industry", code, &mut r)
            };
            f.set("forced_labour_industry", Cell::text(text));
            f.multi.push(("forced_labour_industry", vec![code]));
        }

        // The case.
        if htcds {
            let region = &GUYANA_REGIONS[k % GUYANA_REGIONS.len()];
            let text = match r.below(5) {
                0 => region.code.to_string(),
                1 => region.code.to_lowercase(),
                2 => format!("Region {}", region.number),
                3 => region.name.to_string(),
                _ => format!(" {} ", region.number),
            };
            let text = if parse_region(&text) == Some(region.code) {
                text
            } else {
                region.code.to_string()
            };
            f.set("region", Cell::text(text));
            for (field, list, off) in [
                ("risk_level", &reference::HVN_RISK_LEVEL, 21),
                ("referral_source", &reference::HVN_REFERRAL_SOURCE, 22),
            ] {
                if filled(k, list) {
                    let code = cycle(list, k, off);
                    f.set(field, Cell::text(self.code_text(field, code, &mut r)));
                }
            }
        }
        if r.chance(60) {
            f.set("referring_organisation", Cell::text(*r.pick(ORGANISATIONS)));
        }
        let referral = time::Date::from_calendar_date(
            2015 + r.below(10) as i32,
            time::Month::try_from(1 + r.below(12) as u8).unwrap_or(time::Month::June),
            1 + r.below(28) as u8,
        )
        .unwrap_or(time::macros::date!(2020 - 06 - 15));
        if k % 8 != 7 {
            // Mostly a day; now and then a month only (kept as a warning, not a problem).
            let form = if k % 50 == 13 {
                DAY_FORMS + k % (ALL_FORMS - DAY_FORMS - 1)
            } else {
                k % DAY_FORMS
            };
            f.set("referral_date", self.date_cell(referral, form));
        }
        if filled(k, &reference::CAS_REASON_FOR_INCOMING_REFERRAL) {
            let reason = cycle(&reference::CAS_REASON_FOR_INCOMING_REFERRAL, k, 23);
            f.set(
                "reason_for_incoming_referral",
                Cell::text(self.code_text("reason_for_incoming_referral", reason, &mut r)),
            );
        }
        if r.chance(50) {
            f.set("summary", Cell::text(*r.pick(SUMMARIES)));
        }
        let status = cycle(&reference::CAS_STATUS, k, 24);
        f.set(
            "status",
            Cell::text(self.code_text("status", status, &mut r)),
        );
        if htcds && matches!(status, "Closed" | "ClosedReferred") {
            let reason = cycle(&reference::HVN_CLOSURE_REASON, self.closed, 0);
            if !k.is_multiple_of(5) {
                f.set(
                    "closure_reason",
                    Cell::text(self.code_text("closure_reason", reason, &mut r)),
                );
            }
            if r.chance(40) {
                f.set("closure_note", Cell::text(*r.pick(CLOSURE_NOTES)));
            }
            if !kind_is_bad_index(k) {
                self.closed += 1;
            }
        }

        if !htcds {
            let mut u = self.rng(i, 3);
            f.uuid = format!(
                "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
                u.next() as u32,
                u.next() as u16,
                u.next() & 0xfff,
                (u.next() as u16 & 0x3fff) | 0x8000,
                u.next() & 0xffff_ffff_ffff
            );
            let day = referral + time::Duration::days(r.below(30) as i64);
            let time =
                time::Time::from_hms(8 + r.below(10) as u8, r.below(60) as u8, r.below(60) as u8)
                    .unwrap_or(time::Time::MIDNIGHT);
            f.submitted = Some(time::PrimitiveDateTime::new(day, time));
        }
        f
    }

    /// One or two citizenships, by code or name in English, French or Spanish.
    fn country_text(&self, c: &reference::Country, r: &mut Rng, k: usize) -> String {
        let one = |c: &reference::Country, r: &mut Rng| match r.below(6) {
            0 => c.alpha2.to_string(),
            1 => c.alpha3.to_lowercase(),
            2 => c.en.to_string(),
            3 => c.fr.to_string(),
            4 => c.es.to_string(),
            _ => format!(" {} ", c.alpha2.to_lowercase()),
        };
        let mut want = vec![c.alpha2];
        let mut text = one(c, r);
        if k % 7 == 3 {
            let other = r.pick(COUNTRIES);
            if other.alpha2 != c.alpha2 {
                want.push(other.alpha2);
                text = format!("{text};{}", one(other, r));
            }
        }
        let (found, unknown) = split_known(&text, |s| reference::country(s).map(|c| c.alpha2));
        if unknown.is_empty() && found == want {
            text
        } else {
            want.join(";")
        }
    }

    /// A language by code or by name.
    fn language_text(&self, code: &str, r: &mut Rng) -> String {
        let Some(l) = LANGUAGES.iter().find(|l| l.code == code) else {
            return code.to_string();
        };
        let text = match r.below(5) {
            0 => l.code.to_string(),
            1 => l.alpha2.unwrap_or(l.code).to_uppercase(),
            2 => l.en.to_string(),
            3 => l.fr.to_string(),
            _ => l.es.to_string(),
        };
        if self.vocab.language(&text) == Some(l.code) {
            text
        } else {
            l.code.to_string()
        }
    }

    /// Identity documents as Haven writes them, `Type:CC:Number` joined by `;`.
    fn documents(&self, k: usize, r: &mut Rng) -> String {
        let list = &reference::HVN_IDENTITY_DOCUMENT_TYPE;
        let mut docs = Vec::new();
        for n in 0..1 + usize::from(k % 11 == 4) {
            let code = cycle(list, k + n, 25);
            let t = self.code_text("document_type", code, r);
            let t = if t.contains([':', ';']) {
                code.to_string()
            } else {
                t.trim().to_string()
            };
            let country = r.pick(&["GY", "GUY", "VE", "BR", "", "ven"]);
            docs.push(format!(
                "{t}:{country}:{}{:07}",
                (b'A' + r.below(26) as u8) as char,
                r.below(10_000_000)
            ));
        }
        docs.join("; ")
    }

    /// A mailing address: in Guyana (the state a region), or abroad (a state by name).
    fn mailing(&self, f: &mut Fake, k: usize, r: &mut Rng) {
        let htcds = self.opts.layout == SampleLayout::Htcds;
        if k % 3 != 2 {
            let region = r.pick(GUYANA_REGIONS);
            f.set(
                "mailing_country",
                Cell::text(*r.pick(&["GY", "Guyana", "GUY"])),
            );
            f.set(
                "mailing_state",
                Cell::text(if htcds && r.chance(50) {
                    format!("Region {}", region.number)
                } else {
                    region.code.to_string()
                }),
            );
            f.set("mailing_city", Cell::text(*r.pick(CITIES)));
        } else {
            let (cc, state, city) = *r.pick(FOREIGN_PLACES);
            let country = reference::country(cc).map(|c| c.en).unwrap_or(cc);
            f.set("mailing_country", Cell::text(country));
            f.set("mailing_state", Cell::text(state));
            f.set("mailing_city", Cell::text(city));
        }
        f.set("mailing_street", Cell::text(*r.pick(STREETS)));
        if r.chance(30) {
            f.set(
                "mailing_postal_code",
                Cell::text(format!("{:05}", r.below(100_000))),
            );
        }
    }
}

/// The code at place `k` of a list's cycle (shifted by `offset`, so that lists of the same
/// length do not move in step).
fn cycle(list: &reference::Picklist, k: usize, offset: usize) -> &'static str {
    list.codes[(k + offset) % list.codes.len()]
}

/// Whether an optional field is filled at place `k`: two turns of its list in three, so that
/// every code comes in the first turn.
fn filled(k: usize, list: &reference::Picklist) -> bool {
    (k / list.codes.len()) % 3 != 2
}

fn kind_is_bad_index(k: usize) -> bool {
    k >= BAD_ROWS
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};
    use std::ops::ControlFlow;

    use crate::columns::{Headers, Target};
    use crate::rows::{ImportRow, Options, read_file};

    fn read(bytes: &[u8], region: Option<&str>) -> (crate::Plan, Vec<ImportRow>) {
        let i18n = I18n::load().unwrap();
        let headers = Headers::new(&i18n);
        let vocab = Vocabulary::new(&i18n);
        let options = Options {
            today: time::macros::date!(2026 - 12 - 07),
            default_region: region.map(str::to_string),
            mapping: None,
        };
        let mut rows = Vec::new();
        let (plan, _) = read_file(bytes, &headers, &vocab, options, |r| {
            rows.push(r);
            ControlFlow::Continue(())
        })
        .unwrap();
        (plan, rows)
    }

    fn opts(layout: SampleLayout, rows: usize, problems: bool) -> SampleOptions {
        SampleOptions {
            layout,
            rows,
            problems,
            seed: 7,
        }
    }

    /// Every code each field took in the good rows.
    fn codes_seen(rows: &[ImportRow]) -> BTreeMap<&'static str, BTreeSet<String>> {
        let mut seen: BTreeMap<&'static str, BTreeSet<String>> = BTreeMap::new();
        for r in rows.iter().filter(|r| r.is_ok()) {
            for (field, value) in r.record.flatten() {
                if picklist_of(field).is_some() {
                    for v in value.split(", ").filter(|v| !v.is_empty()) {
                        seen.entry(field).or_default().insert(v.to_string());
                    }
                }
            }
            seen.entry("status")
                .or_default()
                .insert(r.status.as_str().to_string());
            if !r.closure_reason.is_empty() {
                seen.entry("closure_reason")
                    .or_default()
                    .insert(r.closure_reason.clone());
            }
            for d in &r.record.person.identity_documents {
                seen.entry("document_type")
                    .or_default()
                    .insert(d.document_type.clone());
            }
        }
        seen
    }

    #[test]
    fn the_same_options_make_the_same_bytes() {
        let o = opts(SampleLayout::Htcds, 50, true);
        let a = sample(&o, SampleFormat::Csv).unwrap();
        let b = sample(&o, SampleFormat::Csv).unwrap();
        assert_eq!(a, b);
        let c = sample(&SampleOptions { seed: 8, ..o }, SampleFormat::Csv).unwrap();
        assert_ne!(a.0, c.0);
    }

    #[test]
    fn htcds_files_read_back_with_their_good_and_bad_rows() {
        for format in [SampleFormat::Csv, SampleFormat::Xlsx] {
            let (bytes, counts) = sample(&opts(SampleLayout::Htcds, 400, true), format).unwrap();
            assert_eq!(counts.rows, 400);
            assert_eq!(counts.good + counts.bad, 400);
            assert!(counts.bad >= 20 && counts.same_person >= 5 && counts.formulas >= 5);
            // No default region: the HTCDS layout names each row's.
            let (plan, rows) = read(&bytes, None);
            assert_eq!(plan.layout, crate::Layout::Htcds);
            assert_eq!(plan.labels_line, Some(2), "{format:?}");
            assert_eq!(rows.len(), 400, "{format:?}");
            let bad: Vec<_> = rows.iter().filter(|r| !r.is_ok()).collect();
            let unexpected: Vec<_> = rows
                .iter()
                .enumerate()
                .filter(|(i, r)| !r.is_ok() && i % 10 != 9)
                .map(|(_, r)| (r.line, &r.problems))
                .collect();
            assert!(unexpected.is_empty(), "{format:?}: {unexpected:?}");
            assert_eq!(bad.len(), counts.bad, "{format:?}");
            // Row keys differ (a digest of the cells): no row taken for another.
            let keys: BTreeSet<_> = rows.iter().map(|r| &r.key).collect();
            assert_eq!(keys.len(), rows.len());
            // Formula-looking text comes in as text.
            let formulas = rows
                .iter()
                .filter(|r| {
                    let (c, p) = (&r.record.case, &r.record.person);
                    r.is_ok()
                        && [&c.referring_organisation, &c.summary, &p.mailing_street]
                            .iter()
                            .any(|v| v.starts_with(['=', '@', '+']))
                })
                .count();
            assert_eq!(formulas, counts.formulas, "{format:?}");
        }
    }

    #[test]
    fn every_column_of_both_layouts_is_understood() {
        let i18n = I18n::load().unwrap();
        let headers = Headers::new(&i18n);
        let vocab = Vocabulary::new(&i18n);
        for (header, slot) in kobo_columns() {
            let t = headers.resolve(&header, &vocab);
            let ok = match slot {
                Slot::Field(f) => t == Target::Field(f),
                Slot::Choice(f, c) => t == Target::Choice(f, c),
                Slot::Uuid | Slot::InstanceId => t == Target::SourceId,
                Slot::SubmissionTime => t == Target::SubmittedAt,
                Slot::Consent | Slot::Salutation | Slot::NotKept => t == Target::NotKept,
                _ => t == Target::Meta || t == Target::Unknown,
            };
            assert!(ok, "{header}: {t:?}");
        }
        for (header, _, slot) in htcds_columns(&i18n) {
            if let Slot::Field(f) = slot {
                assert_eq!(headers.resolve(&header, &vocab), Target::Field(f));
            }
        }
    }

    #[test]
    fn kobo_files_read_back_with_their_ids() {
        for format in [SampleFormat::Csv, SampleFormat::Xlsx] {
            let (bytes, counts) = sample(&opts(SampleLayout::Kobo, 200, true), format).unwrap();
            let (plan, rows) = read(&bytes, Some("GY-CU"));
            assert_eq!(plan.layout, crate::Layout::Collection);
            assert_eq!(rows.len(), 200);
            let bad = rows.iter().filter(|r| !r.is_ok()).count();
            let unexpected: Vec<_> = rows
                .iter()
                .enumerate()
                .filter(|(i, r)| !r.is_ok() && i % 10 != 9)
                .map(|(_, r)| (r.line, &r.problems))
                .collect();
            assert!(unexpected.is_empty(), "{format:?}: {unexpected:?}");
            assert_eq!(bad, counts.bad);
            assert!(rows.iter().all(|r| r.key.starts_with("id:")));
            assert!(rows.iter().all(|r| r.submitted_at.is_some()));
            let keys: BTreeSet<_> = rows.iter().map(|r| &r.key).collect();
            assert_eq!(keys.len(), rows.len());
            // Without a region the Kobo rows cannot be cases.
            let (_, rows) = read(&bytes, None);
            assert!(rows.iter().all(|r| !r.is_ok()));
        }
    }

    #[test]
    fn every_picklist_value_and_date_form_comes_in() {
        let (bytes, counts) =
            sample(&opts(SampleLayout::Htcds, 1200, false), SampleFormat::Xlsx).unwrap();
        assert_eq!((counts.good, counts.bad), (1200, 0));
        let (_, rows) = read(&bytes, None);
        assert!(rows.iter().all(|r| r.is_ok()));
        let seen = codes_seen(&rows);
        for c in COLUMNS {
            if let Some(list) = picklist_of(c.field) {
                let got = seen.get(c.field).cloned().unwrap_or_default();
                let want: BTreeSet<String> = list.codes.iter().map(|s| s.to_string()).collect();
                assert_eq!(got, want, "{}", c.field);
            }
        }
        let docs = seen.get("document_type").cloned().unwrap_or_default();
        assert_eq!(
            docs.len(),
            reference::HVN_IDENTITY_DOCUMENT_TYPE.codes.len()
        );
        let countries: BTreeSet<_> = rows
            .iter()
            .flat_map(|r| r.record.person.citizenship.clone())
            .collect();
        assert_eq!(countries.len(), COUNTRIES.len());
        // Birth dates: exact days, and months or years only (an uncertain assessed age).
        assert!(rows.iter().any(|r| !r.record.person.birth_date.is_empty()));
        assert!(rows.iter().any(|r| r.record.person.age_uncertain));
        // The date cells and plain serial numbers of the XLSX file.
        let mut forms = BTreeSet::new();
        let i18n = I18n::load().unwrap();
        let g = Generator::new(opts(SampleLayout::Htcds, 0, false), &i18n);
        for form in 0..ALL_FORMS {
            let cell = g.date_cell(time::macros::date!(1999 - 03 - 01), form);
            let text = match &cell {
                Cell::Date(_) => "1999-03-01".to_string(),
                c => c.as_csv(),
            };
            let parsed = crate::values::parse_date(&text);
            assert!(parsed.is_some(), "form {form}: {text}");
            forms.insert(format!("{parsed:?}"));
        }
        assert_eq!(forms.len(), 3, "{forms:?}");
    }

    #[test]
    fn the_kobo_layout_covers_the_form_s_choices() {
        let (bytes, _) = sample(&opts(SampleLayout::Kobo, 400, false), SampleFormat::Csv).unwrap();
        let (_, rows) = read(&bytes, Some("GY-CU"));
        let seen = codes_seen(&rows);
        for field in [
            "gender",
            "trafficking_status",
            "trafficking_status_decision_org",
            "method_of_recruitment",
            "methods_of_control",
            "type_of_exploitation",
            "forced_labour_industry",
            "type_of_sex_exploitation",
            "status",
            "reason_for_incoming_referral",
        ] {
            let list = picklist_of(field).unwrap();
            assert_eq!(
                seen.get(field).map(|s| s.len()),
                Some(list.codes.len()),
                "{field}"
            );
        }
    }
}
