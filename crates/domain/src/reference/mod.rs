//! Reference data: HTCDS 2.0 picklists, ISO 3166-1 countries and ISO 639-2 languages.
//!
//! Codes are what Haven stores and exchanges; the names of countries and languages in English,
//! French and Spanish are here (from Debian's iso-codes, see `tools/gen_reference.py`), the labels
//! of picklist codes are Fluent messages (see [`Picklist::label_key`]).

mod countries;
pub mod htcds;
mod languages;

pub use countries::COUNTRIES;
pub use htcds::*;
pub use languages::LANGUAGES;

/// An ISO 3166-1 country.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Country {
    /// The alpha-2 code (`GY`), the one Haven stores.
    pub alpha2: &'static str,
    /// The alpha-3 code (`GUY`).
    pub alpha3: &'static str,
    pub en: &'static str,
    pub fr: &'static str,
    pub es: &'static str,
}

impl Country {
    /// The name in a language (`"en"`, `"fr"`, `"es"`); English for any other.
    pub fn name(&self, lang: &str) -> &'static str {
        match lang {
            "fr" => self.fr,
            "es" => self.es,
            _ => self.en,
        }
    }
}

/// Lower case without the accents of Latin letters, for comparing names as people type them.
fn fold(s: &str) -> String {
    s.trim()
        .chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
            'ç' => 'c',
            'è' | 'é' | 'ê' | 'ë' => 'e',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'ñ' => 'n',
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' => 'o',
            'ù' | 'ú' | 'û' | 'ü' => 'u',
            'ý' | 'ÿ' => 'y',
            c => c,
        })
        .collect()
}

/// The country of an alpha-2 or alpha-3 code, in any case, surrounding spaces ignored; or of
/// its name in English, French or Spanish, however accented.
pub fn country(code: &str) -> Option<&'static Country> {
    let code = code.trim();
    by_code(code).or_else(|| {
        let name = fold(code);
        (name.chars().count() > 3)
            .then(|| COUNTRY_NAMES.get(&name).copied())
            .flatten()
    })
}

/// Every country's folded names (en, fr, es) to the country, the first country of the list
/// winning a name two share: built once, read-only after (an import looks up a country per
/// cell, and folding every name each time was most of its parsing).
static COUNTRY_NAMES: std::sync::LazyLock<std::collections::HashMap<String, &'static Country>> =
    std::sync::LazyLock::new(|| {
        let mut map = std::collections::HashMap::new();
        for c in COUNTRIES {
            for n in [c.en, c.fr, c.es] {
                map.entry(fold(n)).or_insert(c);
            }
        }
        map
    });

fn by_code(code: &str) -> Option<&'static Country> {
    match code.len() {
        2 => COUNTRIES
            .binary_search_by(|c| {
                c.alpha2
                    .bytes()
                    .cmp(code.bytes().map(|b| b.to_ascii_uppercase()))
            })
            .ok()
            .map(|i| &COUNTRIES[i]),
        3 => COUNTRIES
            .iter()
            .find(|c| c.alpha3.eq_ignore_ascii_case(code)),
        _ => None,
    }
}

/// An ISO 639-2 language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Language {
    /// The alpha-3 terminology code (`fra`), the one Haven stores.
    pub code: &'static str,
    /// The alpha-3 bibliographic code where it differs (`fre`).
    pub bibliographic: Option<&'static str>,
    /// The ISO 639-1 code (`fr`), if the language has one.
    pub alpha2: Option<&'static str>,
    pub en: &'static str,
    pub fr: &'static str,
    pub es: &'static str,
}

impl Language {
    /// The name in a language (`"en"`, `"fr"`, `"es"`); English for any other.
    pub fn name(&self, lang: &str) -> &'static str {
        match lang {
            "fr" => self.fr,
            "es" => self.es,
            _ => self.en,
        }
    }
}

/// The language of an ISO 639-2 terminology or bibliographic code or an ISO 639-1 code, in any
/// case, surrounding spaces ignored; failing a code, of its name in English, French or Spanish
/// (a person picks "Spanish" from a list, not `spa`). Callers store the canonical
/// [`Language::code`].
pub fn language(code: &str) -> Option<&'static Language> {
    let code = code.trim();
    let is = |c: Option<&str>| c.is_some_and(|c| c.eq_ignore_ascii_case(code));
    let by_code = match code.len() {
        2 => LANGUAGES.iter().find(|l| is(l.alpha2)),
        3 => LANGUAGES
            .iter()
            .find(|l| is(Some(l.code)) || is(l.bibliographic)),
        _ => None,
    };
    by_code.or_else(|| {
        let wanted = code.to_lowercase();
        // A name may list alternatives ("Spanish; Castilian"): each one names the language.
        LANGUAGES.iter().find(|l| {
            [l.en, l.fr, l.es].iter().any(|n| {
                n.to_lowercase() == wanted
                    || n.split(';').any(|a| a.trim().to_lowercase() == wanted)
            })
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    #[test]
    fn countries_are_sorted_and_unique() {
        assert!(COUNTRIES.len() >= 249);
        assert!(COUNTRIES.windows(2).all(|w| w[0].alpha2 < w[1].alpha2));
        let alpha3: BTreeSet<_> = COUNTRIES.iter().map(|c| c.alpha3).collect();
        assert_eq!(alpha3.len(), COUNTRIES.len());
        for c in COUNTRIES {
            assert!(c.alpha2.len() == 2 && c.alpha2.bytes().all(|b| b.is_ascii_uppercase()));
            assert!(c.alpha3.len() == 3 && c.alpha3.bytes().all(|b| b.is_ascii_uppercase()));
            assert!(!c.en.is_empty() && !c.fr.is_empty() && !c.es.is_empty());
        }
    }

    #[test]
    fn the_region_s_countries_are_found_by_both_codes() {
        for (a2, a3, en) in [
            ("GY", "GUY", "Guyana"),
            ("VE", "VEN", "Venezuela"),
            ("BR", "BRA", "Brazil"),
            ("CU", "CUB", "Cuba"),
            ("DO", "DOM", "Dominican Republic"),
        ] {
            let c = country(a2).unwrap();
            assert_eq!((c.alpha2, c.alpha3, c.en), (a2, a3, en));
            assert_eq!(country(a3), Some(c));
            assert_eq!(country(&a2.to_lowercase()), Some(c));
            assert_eq!(country(&format!(" {} ", a3.to_lowercase())), Some(c));
        }
        let br = country("BR").unwrap();
        assert_eq!(
            (br.name("en"), br.name("fr"), br.name("es")),
            ("Brazil", "Brésil", "Brasil")
        );
        assert_eq!(br.name("pt"), "Brazil");
        assert_ne!(country("DO").unwrap().fr, "Dominican Republic");
        assert_ne!(country("DO").unwrap().es, "Dominican Republic");
    }

    #[test]
    fn unknown_country_codes_are_none() {
        for code in [
            "", "X", "XX", "ZZ", "XXX", "GUYA", "G Y", "é", "ÉÉ", "GY\n1",
        ] {
            assert_eq!(country(code), None, "{code:?}");
        }
    }

    #[test]
    fn languages_are_sorted_and_unique() {
        assert!(LANGUAGES.windows(2).all(|w| w[0].code < w[1].code));
        let mut codes = BTreeSet::new();
        for l in LANGUAGES {
            assert!(l.code.len() == 3 && l.code.bytes().all(|b| b.is_ascii_lowercase()));
            assert!(codes.insert(l.code), "{}", l.code);
            if let Some(b) = l.bibliographic {
                assert!(codes.insert(b), "{b}");
            }
            if let Some(a2) = l.alpha2 {
                assert!(codes.insert(a2), "{a2}");
            }
            assert_eq!(language(l.code), Some(l));
        }
        for code in ["arw", "car", "cpe", "cpf", "cpp"] {
            assert!(language(code).is_some_and(|l| l.alpha2.is_none()), "{code}");
        }
    }

    #[test]
    fn languages_are_found_by_every_code() {
        for code in ["es", "spa", "ES", " Spa "] {
            assert_eq!(language(code).map(|l| l.code), Some("spa"), "{code}");
        }
        for code in ["fr", "fra", "fre", "FRE"] {
            assert_eq!(language(code).map(|l| l.code), Some("fra"), "{code}");
        }
        assert_eq!(language("en").map(|l| l.code), Some("eng"));
        assert_eq!(language("nl").unwrap().bibliographic, Some("dut"));
        let pt = language("pt").unwrap();
        assert_eq!(
            (pt.name("en"), pt.name("fr"), pt.name("es")),
            ("Portuguese", "portugais", "Portugués")
        );
        for code in ["", "x", "zz", "zzz", "qaa", "fren", "françai"] {
            assert_eq!(language(code), None, "{code:?}");
        }
    }

    #[test]
    fn languages_are_found_by_their_names_in_three_languages() {
        for name in [
            "Spanish",
            "castillan",
            "ESPAÑOL",
            " spanish ",
            "Español; Castellano",
        ] {
            assert_eq!(language(name).map(|l| l.code), Some("spa"), "{name}");
        }
        assert_eq!(language("français").map(|l| l.code), Some("fra"));
        assert_eq!(language("Arawak").map(|l| l.code), Some("arw"));
        // Every language's name in each of the three leads back to it, unless another language
        // bears the same name (then the first, as a list would show it).
        for l in LANGUAGES {
            for n in [l.en, l.fr, l.es] {
                let found = language(n).unwrap();
                let same_name = [found.en, found.fr, found.es]
                    .iter()
                    .any(|m| m.to_lowercase() == n.to_lowercase());
                assert!(found == l || same_name || n.len() <= 3, "{n}");
            }
        }
    }

    proptest! {
        #[test]
        fn country_never_panics(s in any::<String>(), short in "(?s).{0,4}") {
            for s in [&s, &short] {
                let _ = country(s);
                let _ = language(s);
            }
        }

        #[test]
        fn countries_round_trip_through_their_codes(i in 0..COUNTRIES.len()) {
            let c = &COUNTRIES[i];
            prop_assert_eq!(country(c.alpha2), Some(c));
            prop_assert_eq!(country(c.alpha3), Some(c));
            prop_assert_eq!(country(&c.alpha3.to_lowercase()), Some(c));
        }
    }
}

#[cfg(test)]
mod country_tests {
    use super::*;

    #[test]
    fn countries_by_code_or_name_in_three_languages() {
        for typed in ["VE", "ven", "Venezuela", " venezuela ", "VENEZUELA"] {
            assert_eq!(country(typed).map(|c| c.alpha2), Some("VE"), "{typed}");
        }
        assert_eq!(country("Pérou").map(|c| c.alpha2), Some("PE"));
        assert_eq!(country("peru").map(|c| c.alpha2), Some("PE"));
        assert_eq!(country("Brasil").map(|c| c.alpha2), Some("BR"));
        assert_eq!(country("Atlantis"), None);
        assert_eq!(country(""), None);
    }
}
