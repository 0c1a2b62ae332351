//! Values as they come in real sheets: picklist codes or labels (any language, any case, stray
//! spaces), several values in one cell, countries and languages by code or name, dates in the
//! forms people and spreadsheet programs write them.
use std::collections::HashMap;

use haven_domain::reference::{self, Picklist};
use haven_i18n::{I18n, Lang};

/// Lower case ASCII letters and digits only: `Not Specified/Unknown` → `notspecifiedunknown`,
/// `Travail forcé` → `travailforce`. How headers and values are compared.
pub fn norm(s: &str) -> String {
    deunicode::deunicode(s)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The picklist of a field, if it takes codes.
pub fn picklist_of(field: &str) -> Option<&'static Picklist> {
    Some(match field {
        "gender" => &reference::PRS_GENDER,
        "marital_status" => &reference::PRS_MARITAL_STATUS,
        "highest_level_of_education" => &reference::PRS_HIGHEST_LEVEL_OF_EDUCATION,
        "trafficking_status" => &reference::VIC_TRAFFICKING_STATUS,
        "trafficking_status_decision_org" => &reference::VIC_TRAFFICKING_STATUS_DECISION_MAKING_ORG,
        "relationship_to_trafficker" => &reference::VIC_RELATIONSHIP_TO_TRAFFICKER,
        "method_of_recruitment" => &reference::VIC_METHOD_OF_RECRUITMENT,
        "recruitment_websites_and_apps" => &reference::VIC_RECRUITMENT_WEBSITES_AND_APPS,
        "methods_of_control" => &reference::VIC_METHODS_OF_CONTROL,
        "type_of_exploitation" => &reference::VIC_TYPE_OF_EXPLOITATION,
        "forced_labour_industry" => &reference::VIC_FORCED_LABOUR_INDUSTRY,
        "type_of_sex_exploitation" => &reference::VIC_TYPE_OF_SEX_EXPLOITATION,
        "exploitation_websites_and_apps" => &reference::VIC_EXPLOITATION_WEBSITES_AND_APPS,
        "vulnerabilities" => &reference::VIC_VULNERABILITIES,
        "risk_level" => &reference::HVN_RISK_LEVEL,
        "referral_source" => &reference::HVN_REFERRAL_SOURCE,
        "reason_for_incoming_referral" => &reference::CAS_REASON_FOR_INCOMING_REFERRAL,
        "status" => &reference::CAS_STATUS,
        "closure_reason" => &reference::HVN_CLOSURE_REASON,
        "document_type" => &reference::HVN_IDENTITY_DOCUMENT_TYPE,
        _ => return None,
    })
}

/// Every picklist value by its normalised code and labels (English, French, Spanish).
pub struct Vocabulary {
    by_field: HashMap<&'static str, HashMap<String, &'static str>>,
    /// Languages by normalised name in the three languages.
    languages: HashMap<String, &'static str>,
}

const FIELDS: &[&str] = &[
    "gender",
    "marital_status",
    "highest_level_of_education",
    "trafficking_status",
    "trafficking_status_decision_org",
    "relationship_to_trafficker",
    "method_of_recruitment",
    "recruitment_websites_and_apps",
    "methods_of_control",
    "type_of_exploitation",
    "forced_labour_industry",
    "type_of_sex_exploitation",
    "exploitation_websites_and_apps",
    "vulnerabilities",
    "risk_level",
    "referral_source",
    "reason_for_incoming_referral",
    "status",
    "closure_reason",
    "document_type",
];

impl Vocabulary {
    pub fn new(i18n: &I18n) -> Vocabulary {
        let mut by_field = HashMap::new();
        for field in FIELDS {
            let Some(list) = picklist_of(field) else {
                continue;
            };
            let mut m = HashMap::new();
            for code in list.codes {
                for lang in Lang::ALL {
                    let key = list.label_key(code);
                    if i18n.has(lang, &key) {
                        m.entry(norm(&i18n.t(lang, &key))).or_insert(*code);
                    }
                }
            }
            // Codes last: a code always means itself, whatever a label says.
            for code in list.codes {
                m.insert(norm(code), *code);
            }
            // The ISIC letter alone names an industry (`A_AgricultureForestryAndFishing`).
            if *field == "forced_labour_industry" {
                for code in list.codes {
                    if let Some((letter, rest)) = code.split_once('_') {
                        m.insert(norm(letter), *code);
                        m.insert(norm(rest), *code);
                    }
                }
            }
            by_field.insert(*field, m);
        }
        let mut languages = HashMap::new();
        for l in reference::LANGUAGES {
            // "Spanish; Castilian": each name on its own, and the whole.
            for n in [l.en, l.fr, l.es] {
                languages.entry(norm(n)).or_insert(l.code);
                for part in n.split([';', ',']) {
                    languages.entry(norm(part)).or_insert(l.code);
                }
            }
        }
        Vocabulary {
            by_field,
            languages,
        }
    }

    /// The code a value names in a field's list: its code or a label, however written.
    pub fn code(&self, field: &str, value: &str) -> Option<&'static str> {
        let n = norm(value);
        if n.is_empty() {
            return None;
        }
        self.by_field.get(field)?.get(&n).copied()
    }

    pub fn is_multi(&self, field: &str) -> bool {
        picklist_of(field).is_some_and(|l| l.multi) || field == "citizenship"
    }

    /// Several codes in one cell: joined by `;`, `,`, new lines or spaces. A label may itself
    /// hold commas or spaces ("Agriculture, forestry and fishing"), so the longest run of pieces
    /// that names a value wins. Returns the codes and the pieces that named nothing.
    pub fn codes(&self, field: &str, cell: &str) -> (Vec<&'static str>, Vec<String>) {
        split_known(cell, |s| self.code(field, s))
    }

    /// A language by ISO 639 code or by name in English, French or Spanish.
    pub fn language(&self, value: &str) -> Option<&'static str> {
        reference::language(value)
            .map(|l| l.code)
            .or_else(|| self.languages.get(&norm(value)).copied())
    }
}

/// Splits a cell into known values (see [`Vocabulary::codes`]), with `known` naming one piece.
pub fn split_known<T>(cell: &str, known: impl Fn(&str) -> Option<T>) -> (Vec<T>, Vec<String>) {
    let mut found = Vec::new();
    let mut unknown = Vec::new();
    if cell.trim().is_empty() {
        return (found, unknown);
    }
    if let Some(v) = known(cell) {
        found.push(v);
        return (found, unknown);
    }
    // Pieces between separators, each with the separator before it, so runs can be rejoined.
    let words: Vec<&str> = cell
        .split(|c: char| c == ';' || c == ',' || c == '\n' || c == '\r' || c.is_whitespace())
        .filter(|w| !w.trim().is_empty())
        .collect();
    let mut i = 0;
    while i < words.len() {
        let mut taken = 0;
        // Longest first: a label of several words before its first word alone.
        for j in (i + 1..=words.len().min(i + 12)).rev() {
            let piece = words[i..j].join(" ");
            if let Some(v) = known(&piece) {
                found.push(v);
                taken = j - i;
                break;
            }
        }
        if taken == 0 {
            unknown.push(words[i].to_string());
            i += 1;
        } else {
            i += taken;
        }
    }
    (found, unknown)
}

/// A date as read from a cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateValue {
    Day(time::Date),
    /// A month and year only ("March 1999", "03/1999").
    Month(i32, time::Month),
    /// A year only.
    Year(i32),
}

const MONTHS: &[(&str, u8)] = &[
    ("january", 1),
    ("jan", 1),
    ("janvier", 1),
    ("janv", 1),
    ("enero", 1),
    ("ene", 1),
    ("february", 2),
    ("feb", 2),
    ("fevrier", 2),
    ("fevr", 2),
    ("fev", 2),
    ("febrero", 2),
    ("march", 3),
    ("mar", 3),
    ("mars", 3),
    ("marzo", 3),
    ("april", 4),
    ("apr", 4),
    ("avril", 4),
    ("avr", 4),
    ("abril", 4),
    ("abr", 4),
    ("may", 5),
    ("mai", 5),
    ("mayo", 5),
    ("june", 6),
    ("jun", 6),
    ("juin", 6),
    ("junio", 6),
    ("july", 7),
    ("jul", 7),
    ("juillet", 7),
    ("juil", 7),
    ("julio", 7),
    ("august", 8),
    ("aug", 8),
    ("aout", 8),
    ("agosto", 8),
    ("ago", 8),
    ("september", 9),
    ("sep", 9),
    ("sept", 9),
    ("septembre", 9),
    ("septiembre", 9),
    ("setiembre", 9),
    ("october", 10),
    ("oct", 10),
    ("octobre", 10),
    ("octubre", 10),
    ("november", 11),
    ("nov", 11),
    ("novembre", 11),
    ("noviembre", 11),
    ("december", 12),
    ("dec", 12),
    ("decembre", 12),
    ("diciembre", 12),
    ("dic", 12),
];

fn month_named(s: &str) -> Option<time::Month> {
    let n = norm(s);
    MONTHS
        .iter()
        .find(|(m, _)| *m == n)
        .and_then(|(_, i)| time::Month::try_from(*i).ok())
}

fn year(s: &str) -> Option<i32> {
    let y: i32 = s.trim().parse().ok()?;
    (s.trim().len() == 4 && (1900..=2100).contains(&y)).then_some(y)
}

fn num<T: std::str::FromStr>(s: &str) -> Option<T> {
    let s = s.trim();
    if s.is_empty() || s.len() > 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn day(y: i32, m: u8, d: u8) -> Option<DateValue> {
    let date = time::Date::from_calendar_date(y, time::Month::try_from(m).ok()?, d).ok()?;
    (1900..=2100).contains(&y).then_some(DateValue::Day(date))
}

/// Reads a date: ISO `YYYY-MM-DD` (a time after it ignored, as KoboToolbox writes
/// `_submission_time`), `DD/MM/YYYY` (or with `-` or `.`), an Excel serial day number,
/// `March 1999` / `mars 1999` / `03/1999` / `1999-03`, or a year alone. `None` for anything
/// else, including impossible days (`31/02/2001`).
pub fn parse_date(raw: &str) -> Option<DateValue> {
    let s = raw.trim();
    if s.is_empty() || s.len() > 40 {
        return None;
    }
    // An ISO date, perhaps followed by a time.
    let head = s.split(['T', ' ']).next().unwrap_or(s);
    let parts: Vec<&str> = head.split(['-', '/', '.']).collect();
    if parts.len() == 3 && parts[0].len() == 4 {
        return day(num(parts[0])?, num(parts[1])?, num(parts[2])?);
    }
    if parts.len() == 3 && parts[2].len() == 4 {
        // Day first, as written everywhere Haven is used.
        return day(num(parts[2])?, num(parts[1])?, num(parts[0])?);
    }
    if parts.len() == 2 {
        if let (Some(y), Some(m)) = (year(parts[0]), num::<u8>(parts[1])) {
            return Some(DateValue::Month(y, time::Month::try_from(m).ok()?));
        }
        if let (Some(m), Some(y)) = (num::<u8>(parts[0]), year(parts[1])) {
            return Some(DateValue::Month(y, time::Month::try_from(m).ok()?));
        }
        return None;
    }
    if let Some(y) = year(s) {
        return Some(DateValue::Year(y));
    }
    // An Excel serial number (a date cell read as a number, or a CSV saved from one).
    if s.bytes().all(|b| b.is_ascii_digit() || b == b'.') && s.len() <= 12 {
        let serial: f64 = s.parse().ok()?;
        return (10_000.0..=80_000.0)
            .contains(&serial)
            .then(|| crate::read::excel_serial_date(serial).map(DateValue::Day))
            .flatten();
    }
    // A month by name and a year, in either order: "March 1999", "1999 mars", "mars 1999".
    let words: Vec<&str> = s
        .split(|c: char| c.is_whitespace() || c == ',' || c == '-' || c == '/')
        .filter(|w| !w.is_empty())
        .collect();
    match words.as_slice() {
        [a, b] => match (month_named(a), year(b), year(a), month_named(b)) {
            (Some(m), Some(y), _, _) | (_, _, Some(y), Some(m)) => Some(DateValue::Month(y, m)),
            _ => None,
        },
        // "1 March 1999", "March 1, 1999".
        [a, b, c] => {
            let y = year(c)?;
            let (m, d) = match (month_named(a), month_named(b)) {
                (None, Some(m)) => (m, num::<u8>(a)?),
                (Some(m), None) => (m, num::<u8>(b)?),
                _ => return None,
            };
            day(y, m as u8, d)
        }
        _ => None,
    }
}

/// Yes or no, in the ways sheets say it.
pub fn parse_bool(raw: &str) -> Option<bool> {
    match norm(raw).as_str() {
        "1" | "true" | "yes" | "y" | "oui" | "si" | "vrai" | "verdadero" | "x" => Some(true),
        "0" | "false" | "no" | "n" | "non" | "faux" | "falso" | "" => Some(false),
        _ => None,
    }
}

/// A whole number written as `3`, `3.0` or ` 3 `.
pub fn parse_count(raw: &str) -> Option<i64> {
    let s = raw.trim();
    let s = s.strip_suffix(".0").unwrap_or(s);
    if s.is_empty() || s.len() > 6 {
        return None;
    }
    s.parse().ok()
}

/// A region of the deployment's country: its ISO 3166-2 code, its number ("7", "Region 7") or
/// its name.
pub fn parse_region(raw: &str) -> Option<&'static str> {
    let n = norm(raw);
    if n.is_empty() {
        return None;
    }
    let number = n
        .trim_start_matches("region")
        .trim_start_matches("no")
        .parse::<u8>()
        .ok();
    haven_domain::GUYANA_REGIONS
        .iter()
        .find(|r| norm(r.code) == n || Some(r.number) == number || norm(r.name) == n)
        .map(|r| r.code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::Month::*;
    use time::macros::date;

    fn vocab() -> Vocabulary {
        Vocabulary::new(&I18n::load().unwrap())
    }

    #[test]
    fn codes_and_labels_in_any_language() {
        let v = vocab();
        assert_eq!(v.code("gender", " feminine "), Some("Feminine"));
        assert_eq!(
            v.code("gender", "Not Specified/Unknown"),
            Some("NonSpecifiedUnknown")
        );
        assert_eq!(
            v.code("type_of_exploitation", "travail forcé"),
            Some("ForcedLabour")
        );
        assert_eq!(
            v.code("type_of_exploitation", "TRABAJO FORZOSO"),
            Some("ForcedLabour")
        );
        assert_eq!(
            v.code(
                "forced_labour_industry",
                "Agriculture, forestry and fishing"
            ),
            Some("A_AgricultureForestryAndFishing")
        );
        assert_eq!(v.code("gender", "Martian"), None);
    }

    #[test]
    fn several_values_in_one_cell() {
        let v = vocab();
        let (c, u) = v.codes("type_of_exploitation", "ForcedLabour SexualExploitation");
        assert_eq!(c, ["ForcedLabour", "SexualExploitation"]);
        assert!(u.is_empty());
        let (c, _) = v.codes("type_of_exploitation", "Forced labour; sexual exploitation");
        assert_eq!(c, ["ForcedLabour", "SexualExploitation"]);
        let (c, _) = v.codes("type_of_exploitation", "forced labour,Organ removal");
        assert_eq!(c, ["ForcedLabour", "OrganRemoval"]);
        let (c, u) = v.codes("type_of_exploitation", "ForcedLabour;Witchcraft");
        assert_eq!(c, ["ForcedLabour"]);
        assert_eq!(u, ["Witchcraft"]);
    }

    #[test]
    fn dates_as_written() {
        let d = |s| parse_date(s);
        assert_eq!(d("1999-03-01"), Some(DateValue::Day(date!(1999 - 03 - 01))));
        assert_eq!(
            d("2024-05-02T10:11:12.000+03:00"),
            Some(DateValue::Day(date!(2024 - 05 - 02)))
        );
        assert_eq!(d("01/03/1999"), Some(DateValue::Day(date!(1999 - 03 - 01))));
        assert_eq!(d("1.3.1999"), Some(DateValue::Day(date!(1999 - 03 - 01))));
        assert_eq!(d("36220"), Some(DateValue::Day(date!(1999 - 03 - 01))));
        assert_eq!(d("March 1999"), Some(DateValue::Month(1999, March)));
        assert_eq!(d("mars 1999"), Some(DateValue::Month(1999, March)));
        assert_eq!(d("Marzo 1999"), Some(DateValue::Month(1999, March)));
        assert_eq!(d("03/1999"), Some(DateValue::Month(1999, March)));
        assert_eq!(d("1999-03"), Some(DateValue::Month(1999, March)));
        assert_eq!(d("1999"), Some(DateValue::Year(1999)));
        assert_eq!(
            d("1 March 1999"),
            Some(DateValue::Day(date!(1999 - 03 - 01)))
        );
        assert_eq!(d("31/02/2001"), None);
        assert_eq!(d("13/13/2001"), None);
        assert_eq!(d("yesterday"), None);
        assert_eq!(d("12"), None);
    }

    #[test]
    fn regions_and_languages() {
        assert_eq!(parse_region("Region 7"), Some("GY-CU"));
        assert_eq!(parse_region("gy-cu"), Some("GY-CU"));
        assert_eq!(parse_region("Cuyuni-Mazaruni"), Some("GY-CU"));
        assert_eq!(parse_region("Atlantis"), None);
        let v = vocab();
        assert_eq!(v.language("fr"), Some("fra"));
        assert_eq!(v.language("Spanish"), Some("spa"));
        assert_eq!(v.language("castillan"), Some("spa"));
        assert_eq!(v.language("Español"), Some("spa"));
    }

    proptest! {
        #[test]
        fn no_text_breaks_the_value_parsers(s in "\\PC{0,60}") {
            let v = vocab_once();
            let _ = parse_date(&s);
            let _ = parse_bool(&s);
            let _ = parse_count(&s);
            let _ = parse_region(&s);
            let _ = v.codes("type_of_exploitation", &s);
            let _ = v.language(&s);
        }

        #[test]
        fn a_day_written_any_way_reads_back(y in 1900i32..2100, m in 1u8..=12, d in 1u8..=28) {
            let want = Some(DateValue::Day(
                time::Date::from_calendar_date(y, time::Month::try_from(m).unwrap(), d).unwrap(),
            ));
            prop_assert_eq!(parse_date(&format!("{y:04}-{m:02}-{d:02}")), want);
            prop_assert_eq!(parse_date(&format!("{d}/{m}/{y}")), want);
            prop_assert_eq!(parse_date(&format!("{d:02}.{m:02}.{y}")), want);
        }
    }

    fn vocab_once() -> &'static Vocabulary {
        static V: std::sync::OnceLock<Vocabulary> = std::sync::OnceLock::new();
        V.get_or_init(vocab)
    }
}
