//! Normalisation of the fields people type differently: names (accents, case, particles, order),
//! birth dates (partial, swapped), phone and identity numbers.
use unicode_normalization::UnicodeNormalization;

/// Particles of Spanish, Portuguese, French and Dutch names that carry no identity.
const PARTICLES: &[&str] = &[
    "de", "da", "das", "do", "dos", "del", "della", "di", "du", "la", "las", "los", "le", "van",
    "von", "der", "den", "y", "e",
];

/// Lower case, accents removed, punctuation turned into spaces, particles dropped, spaces single.
/// Idempotent.
pub fn name(raw: &str) -> String {
    // Any script is compared in its ASCII transliteration: "Stanisław" and "Stanislaw", "Иван"
    // and "Ivan" are the same name to the engine.
    let folded: String = deunicode::deunicode(raw)
        .nfkd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    let tokens: Vec<&str> = folded.split_whitespace().collect();
    let kept: Vec<&str> = tokens
        .iter()
        .copied()
        .filter(|t| !PARTICLES.contains(t))
        .collect();
    // A name made only of particles ("De la") is kept as typed.
    if kept.is_empty() { tokens } else { kept }.join(" ")
}

/// A name word spelt in ASCII: any script or diacritic transliterated (`deunicode`: "ł" → l,
/// "Иван" → ivan, "Ωmega" → omega, "李" → li), lower case, letters and digits only. Empty when
/// nothing is left (an emoji, a symbol).
pub fn ascii_word(word: &str) -> String {
    deunicode::deunicode(word)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The Double Metaphone code of a name word, computed on its ASCII spelling: the encoder
/// indexes bytes and panics inside a multi-byte letter, so it never sees anything else. Empty
/// when the word has no letter to code.
pub fn sound_code(word: &str) -> String {
    let ascii = ascii_word(word);
    if ascii.is_empty() {
        return String::new();
    }
    rphonetic::Encoder::encode(&rphonetic::DoubleMetaphone::default(), &ascii)
}

/// A sound key for the names this register holds, written by ear by hotline operators and
/// field officers: Spanish and Portuguese (b/v, ll/y, z/s and c before e and i, silent h, qu/k,
/// g/j before e and i, ç/s, ñ/n, nh, lh, x/j), French and Creole (ph, ou, eau), Indo-Guyanese and
/// Caribbean English (sh/s, ee/i, oo/u, th) and doubled letters. Double Metaphone (English-made)
/// misses most of these; a name matches when either code agrees.
pub fn name_key(word: &str) -> String {
    // The cedilla is a sound (ç = s), which transliteration would lose.
    let w = ascii_word(&word.to_lowercase().replace('ç', "s"));
    // French "-elle" is an l; the Spanish ll (Castillo, Guillermo) is a y.
    let mut s = match w.strip_suffix("lle") {
        Some(stem) => format!("{stem}le"),
        None => w,
    };
    for (from, to) in [
        ("sch", "s"),
        ("sh", "s"),
        ("ph", "f"),
        ("th", "t"),
        ("eau", "o"),
        ("ou", "u"),
        ("ee", "i"),
        ("oo", "u"),
        ("qu", "k"),
        ("gue", "ge"),
        ("gui", "gi"),
        ("ll", "y"),
        ("nh", "n"),
        ("lh", "l"),
    ] {
        s = s.replace(from, to);
    }
    let chars: Vec<char> = s.chars().collect();
    let vowel = |c: Option<&char>| matches!(c, Some('a' | 'e' | 'i' | 'o' | 'u' | 'y'));
    let front = |c: Option<&char>| matches!(c, Some('e' | 'i' | 'y'));
    let mut out = String::with_capacity(chars.len());
    for (i, c) in chars.iter().enumerate() {
        let next = chars.get(i + 1);
        let mapped = match c {
            'c' if front(next) => 's',
            'c' | 'k' | 'q' => 'k',
            'z' => 's',
            'g' if front(next) => 'j',
            'x' if vowel(next) => 'j',
            'x' => 's',
            'v' => 'b',
            'y' => 'i',
            'h' => continue,
            other => *other,
        };
        // Doubled letters (after mapping: "cc", "ss", "rr", "tt") count once.
        if out.ends_with(mapped) && !matches!(mapped, 'a' | 'e' | 'i' | 'o' | 'u') {
            continue;
        }
        out.push(mapped);
    }
    out
}

/// A sound key and the keys one letter off it (each inner letter deleted): two keys one
/// keystroke apart (a letter dropped, added, changed or two swapped) share one of these. The first
/// and the last letter are kept, so that Hernández stays apart from Fernández and Mario from
/// Maria; keys shorter than four letters have no neighbours (too many short names would meet).
pub fn key_neighbours(key: &str) -> Vec<String> {
    let chars: Vec<char> = key.chars().collect();
    let mut out = vec![key.to_string()];
    if chars.len() >= 4 {
        for i in 1..chars.len() - 1 {
            let k: String = chars
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, c)| c)
                .collect();
            if !out.contains(&k) {
                out.push(k);
            }
        }
    }
    out
}

/// A word's ASCII spelling and the spellings one inner letter off it: a keystroke slip that
/// changes the sound key far from the slip ("Ceclia": the c before l is a k, before i an s) still
/// meets its word here. Same rules as `key_neighbours`.
pub fn spelling_neighbours(word: &str) -> Vec<String> {
    key_neighbours(&ascii_word(word))
}

/// A birth date as known: the year, and the month and day when given.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct BirthDate {
    pub year: i32,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

/// Reads `YYYY-MM-DD`, `DD/MM/YYYY` (or `MM/DD/YYYY` where the day cannot be a month),
/// `YYYYMMDD`, `YYYY-MM`, `YYYY` (others: `None`). A month or day out of range is dropped
/// rather than the whole date.
pub fn birth_date(raw: &str) -> Option<BirthDate> {
    let s = raw.trim();
    let nums: Vec<&str> = s
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .collect();
    let num = |p: &str| p.parse::<i32>().ok();
    let (y, m, d) = match nums.as_slice() {
        [y] if y.len() == 4 => (num(y)?, None, None),
        [ymd] if ymd.len() == 8 => {
            let (a, b, c) = (num(&ymd[..4])?, num(&ymd[4..6])?, num(&ymd[6..])?);
            // Year first unless that cannot be a date and day first can.
            if (1900..=2100).contains(&a) && (1..=12).contains(&b) {
                (a, Some(b), Some(c))
            } else {
                let (d, m, y) = (num(&ymd[..2])?, num(&ymd[2..4])?, num(&ymd[4..])?);
                (y, Some(m), Some(d))
            }
        }
        [y, m] if y.len() == 4 => (num(y)?, Some(num(m)?), None),
        [y, m, d] if y.len() == 4 => (num(y)?, Some(num(m)?), Some(num(d)?)),
        [d, m, y] if y.len() == 4 => {
            let (d, m) = (num(d)?, num(m)?);
            // Month first (US order) only when the second number cannot be a month.
            if m > 12 && (1..=12).contains(&d) {
                (num(y)?, Some(d), Some(m))
            } else {
                (num(y)?, Some(m), Some(d))
            }
        }
        _ => return None,
    };
    if !(1900..=2100).contains(&y) {
        return None;
    }
    let m = m.filter(|m| (1..=12).contains(m)).map(|m| m as u8);
    let d = d.filter(|d| (1..=31).contains(d)).map(|d| d as u8);
    Some(BirthDate {
        year: y,
        month: m,
        day: d.filter(|_| m.is_some()),
    })
}

/// The birth year an assessed age implies ("25", "about 25", "25 años"), as a year only: a
/// person aged `a` in `on_year` was born in `on_year - a` or the year before, and the
/// comparison treats years a year apart as close.
pub fn birth_from_age(raw: &str, on_year: i32) -> Option<BirthDate> {
    let digits: String = raw
        .trim_start_matches(|c: char| !c.is_ascii_digit())
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let age: i32 = digits.parse().ok().filter(|a| (0..=120).contains(a))?;
    let year = on_year - age;
    (1900..=2100).contains(&year).then_some(BirthDate {
        year,
        month: None,
        day: None,
    })
}

/// The digits of a phone number, at most the last 8 (country and trunk prefixes vary).
pub fn phone(raw: &str) -> String {
    let digits: Vec<char> = raw.chars().filter(char::is_ascii_digit).collect();
    let start = digits.len().saturating_sub(8);
    digits[start..].iter().collect()
}

/// An identity number: letters and digits, upper case.
pub fn id_number(raw: &str) -> String {
    raw.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// An e-mail address: trimmed, lower case.
pub fn email(raw: &str) -> String {
    raw.trim().to_lowercase()
}

/// Common nicknames and short forms of Spanish, Portuguese and English given names, as
/// normalised (no accents, lower case): each pair is the name and one of its familiar forms.
const NICKNAMES: &[(&str, &str)] = &[
    ("jose", "pepe"),
    ("jose", "chepe"),
    ("francisco", "paco"),
    ("francisco", "pancho"),
    ("francisco", "chico"),
    ("maria", "mari"),
    ("maria", "maruja"),
    ("antonio", "toninho"),
    ("antonio", "tony"),
    ("antonio", "toni"),
    ("manuel", "manolo"),
    ("guillermo", "memo"),
    ("ignacio", "nacho"),
    ("enrique", "kike"),
    ("dolores", "lola"),
    ("concepcion", "concha"),
    ("rosario", "charo"),
    ("jesus", "chuy"),
    ("alejandro", "alex"),
    ("alejandra", "ale"),
    ("eduardo", "lalo"),
    ("roberto", "beto"),
    ("alberto", "beto"),
    ("rafael", "rafa"),
    ("gabriela", "gaby"),
    ("gabriel", "gabo"),
    ("fernando", "nando"),
    ("luis", "lucho"),
    ("raimundo", "mundo"),
    ("sebastiao", "tiao"),
    ("joao", "joaozinho"),
    ("conceicao", "ceicao"),
    ("michelle", "shelly"),
    ("andrew", "andy"),
    ("william", "bill"),
    ("william", "will"),
    ("robert", "bob"),
    ("robert", "rob"),
    ("elizabeth", "liz"),
    ("elizabeth", "beth"),
    ("margaret", "peggy"),
    ("margaret", "maggie"),
    ("richard", "rick"),
    ("james", "jim"),
    ("john", "johnny"),
    ("jonathan", "jon"),
    ("joseph", "joe"),
    ("michael", "mike"),
    ("patricia", "patty"),
    ("katherine", "kate"),
    ("catherine", "cathy"),
    ("deborah", "debbie"),
    ("christopher", "chris"),
    ("jennifer", "jenny"),
    ("daniel", "danny"),
    ("daniela", "dani"),
    ("samuel", "sam"),
    ("thomas", "tom"),
    ("anthony", "tony"),
    ("nicholas", "nick"),
];

/// Whether one normalised given name is a known familiar form of the other.
pub fn same_nickname(a: &str, b: &str) -> bool {
    NICKNAMES
        .iter()
        .any(|&(n, k)| (a == n && b == k) || (a == k && b == n))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn names_lose_accents_case_and_particles() {
        assert_eq!(name("  María  de los ÁNGELES "), "maria angeles");
        assert_eq!(name("João da Silva"), "joao silva");
        assert_eq!(name("O'Brien-Smith"), "o brien smith");
        assert_eq!(name("De la"), "de la");
    }

    #[test]
    fn birth_dates_as_typed() {
        let d = |y, m, d| {
            Some(BirthDate {
                year: y,
                month: m,
                day: d,
            })
        };
        assert_eq!(birth_date("1998-04-12"), d(1998, Some(4), Some(12)));
        assert_eq!(birth_date("12/04/1998"), d(1998, Some(4), Some(12)));
        assert_eq!(birth_date("1998"), d(1998, None, None));
        assert_eq!(birth_date("1998-13"), d(1998, None, None));
        assert_eq!(birth_date("98"), None);
        assert_eq!(birth_date("19980412"), d(1998, Some(4), Some(12)));
        assert_eq!(birth_date("12041998"), d(1998, Some(4), Some(12)));
        assert_eq!(birth_date("04/25/1998"), d(1998, Some(4), Some(25)));
        assert_eq!(birth_date("1998-4-31"), d(1998, Some(4), Some(31)));
        assert_eq!(birth_date(""), None);
    }

    #[test]
    fn assessed_ages() {
        let y = |y| {
            Some(BirthDate {
                year: y,
                month: None,
                day: None,
            })
        };
        assert_eq!(birth_from_age("25", 2026), y(2001));
        assert_eq!(birth_from_age("about 16 years", 2026), y(2010));
        assert_eq!(birth_from_age("unknown", 2026), None);
        assert_eq!(birth_from_age("300", 2026), None);
    }

    #[test]
    fn numbers() {
        assert_eq!(phone("+592 (600) 12-34"), "26001234");
        assert_eq!(phone("600-1234"), "6001234");
        assert_eq!(id_number("ab-12 34"), "AB1234");
    }

    proptest! {
        #[test]
        fn name_is_idempotent(s in "\\PC{0,40}") {
            let once = name(&s);
            prop_assert_eq!(name(&once), once);
        }

        #[test]
        fn name_ignores_case_and_accents(s in "[a-zA-Z ]{0,30}") {
            let accented: String = s.chars().map(|c| match c { 'a' => 'á', 'e' => 'é', 'o' => 'ö', c => c }).collect();
            prop_assert_eq!(name(&s.to_uppercase()), name(&accented));
        }

        #[test]
        fn birth_date_never_panics(s in "\\PC{0,20}") {
            let _ = birth_date(&s);
            let _ = birth_from_age(&s, 2026);
        }

        #[test]
        fn birth_date_reads_every_written_form(y in 1900i32..2100, m in 1u8..=12, d in 1u8..=28) {
            let want = Some(BirthDate { year: y, month: Some(m), day: Some(d) });
            prop_assert_eq!(birth_date(&format!("{y}-{m:02}-{d:02}")), want);
            prop_assert_eq!(birth_date(&format!("{y}{m:02}{d:02}")), want);
            prop_assert_eq!(birth_date(&format!("{d}/{m}/{y}")), want);
            prop_assert_eq!(birth_date(&format!("{d:02}.{m:02}.{y}")), want);
        }
    }
}

#[cfg(test)]
mod name_key_tests {
    use super::name_key;

    #[test]
    fn spellings_by_ear_share_a_key() {
        for (a, b) in [
            ("Rodríguez", "Rodrigez"),
            ("Rodríguez", "Rodriges"),
            ("Subero", "Suvero"),
            ("Castillo", "Castiyo"),
            ("Hernández", "Ernandez"),
            ("Quintero", "Kintero"),
            ("Jiménez", "Giménez"),
            ("Ximena", "Jimena"),
            ("Gonçalves", "Gonsalves"),
            ("Cecilia", "Sesilia"),
            ("Shiva", "Siva"),
            ("Deepak", "Dipak"),
            ("Philippe", "Filipe"),
            ("Louis", "Luis"),
            ("Annabelle", "Anabele"),
            ("Muñoz", "Munoz"),
            ("Yolanda", "Iolanda"),
        ] {
            assert_eq!(name_key(a), name_key(b), "{a} / {b}");
        }
    }

    #[test]
    fn different_names_keep_different_keys() {
        for (a, b) in [
            ("Hernández", "Fernández"),
            ("Maria", "Mario"),
            ("Ana", "Ada"),
            ("Luis", "Lucas"),
            ("Marisol", "Maribel"),
        ] {
            assert_ne!(name_key(a), name_key(b), "{a} / {b}");
        }
    }
}
