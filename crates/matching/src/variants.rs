//! The name-variant benchmark: registered names of the people this register meets (Spanish,
//! Portuguese, English/Caribbean, French/Haitian Creole, Indo-Guyanese, Amerindian, Slavic), each
//! typed again with one variation of a labelled kind (a sound spelt another way, or one
//! keystroke off), and names that must not be taken for each other. It measures what a name
//! search of the blind index finds: each query word must share a code with a word of the
//! registered name, as the index's digests do.
use crate::normalise::{ascii_word, key_neighbours, name_key, sound_code, spelling_neighbours};

/// A name: given, family.
pub type Name = (&'static str, &'static str);

/// Registered names, by origin.
pub const REGISTER: &[(&str, &[Name])] = &[
    (
        "spanish",
        &[
            ("Yolanda", "Rodríguez"),
            ("Ana", "Subero"),
            ("Marisol", "Castillo"),
            ("José", "Hernández"),
            ("Carlos", "Quintero"),
            ("Juan", "Jiménez"),
            ("Ximena", "Vásquez"),
            ("Guillermo", "Villalobos"),
            ("Cecilia", "Zambrano"),
            ("Héctor", "Muñoz"),
            ("Gabriela", "Chávez"),
            ("Luis", "Gutiérrez"),
            ("Roberto", "Valderrama"),
            ("Yesenia", "Barrios"),
            ("Jorge", "Velásquez"),
            ("Rocío", "Cabello"),
            ("Víctor", "Herrera"),
            ("Gisela", "Bolívar"),
            ("Génesis", "Quijada"),
            ("Yelitza", "Villarroel"),
        ],
    ),
    (
        "portuguese",
        &[
            ("João", "Gonçalves"),
            ("Conceição", "Silva"),
            ("Sebastião", "Magalhães"),
            ("Valéria", "Carvalho"),
            ("Jéssica", "Figueiredo"),
            ("Joaquim", "Queiroz"),
            ("Gilberto", "Assunção"),
            ("Vitória", "Barbosa"),
            ("Luzia", "Rocha"),
            ("Marcelo", "Coelho"),
            ("Thiago", "Nogueira"),
            ("Raimunda", "Bezerra"),
        ],
    ),
    (
        "english_caribbean",
        &[
            ("Sharon", "Williams"),
            ("Kevin", "Thompson"),
            ("Shaquille", "Phillips"),
            ("Keisha", "Johnson"),
            ("Tyrone", "Matthews"),
            ("Jennifer", "Henry"),
            ("Michelle", "Bovell"),
            ("Anthony", "Harris"),
            ("Shawnette", "Greaves"),
        ],
    ),
    (
        "french_creole",
        &[
            ("Philippe", "Beaulieu"),
            ("Jean-Louis", "Baptiste"),
            ("Marie-Claude", "Théodore"),
            ("Guerline", "Jean-Baptiste"),
            ("Ketly", "Duverger"),
            ("Rosemène", "Chéry"),
            ("Wilner", "Pierre-Louis"),
            ("Annabelle", "Desrosiers"),
        ],
    ),
    (
        "indo_guyanese",
        &[
            ("Deepak", "Persaud"),
            ("Shiva", "Ramdass"),
            ("Sunita", "Singh"),
            ("Bhagwandai", "Sookram"),
            ("Rajesh", "Bissoondyal"),
            ("Shanti", "Rampersaud"),
            ("Parbattie", "Jagnarine"),
            ("Vishnu", "Ramcharran"),
            ("Seeta", "Khan"),
            ("Roopnarine", "Bhagwan"),
        ],
    ),
    (
        "amerindian",
        &[
            ("Shirley", "Fredericks"),
            ("Damian", "Allicock"),
            ("Marlon", "Atkinson"),
            ("Joycelyn", "Andries"),
            ("Tessa", "Melville"),
            ("Lennox", "Shuffler"),
            ("Romel", "Xavier"),
        ],
    ),
    (
        "slavic",
        &[
            ("Stanisław", "Kowalski"),
            ("Łukasz", "Wójcik"),
            ("Jarosław", "Kaczmarek"),
            ("Zbigniew", "Szymański"),
            ("Małgorzata", "Lewandowska"),
            ("Wojciech", "Zieliński"),
        ],
    ),
];

/// Names that must not be found for each other (also in the register, so they count as false
/// hits when they are).
pub const NOT_VARIANTS: &[(Name, Name)] = &[
    (("José", "Hernández"), ("José", "Fernández")),
    (("Mario", "Castillo"), ("María", "Castillo")),
    (("Ana", "Subero"), ("Ada", "Subero")),
    (("Luis", "Gutiérrez"), ("Lucas", "Gutiérrez")),
    (("Marisol", "Castillo"), ("Maribel", "Castillo")),
    (("Sunita", "Singh"), ("Sunil", "Singh")),
    (("Kevin", "Thompson"), ("Calvin", "Thompson")),
    (("Carla", "Rocha"), ("Carlos", "Rocha")),
    (("Pedro", "Silva"), ("Pablo", "Silva")),
    (("Rosa", "Barrios"), ("Rita", "Barrios")),
];

/// The kinds of variation, with whether each is one sound spelt another way (`true`) or one
/// keystroke off (`false`).
pub const KINDS: &[(&str, bool)] = &[
    ("accents_dropped", true),
    ("b_v", true),
    ("ll_y", true),
    ("z_s_c", true),
    ("silent_h", true),
    ("qu_k", true),
    ("g_j", true),
    ("cedilla_s", true),
    ("x_j", true),
    ("sh_s", true),
    ("ph_f", true),
    ("double_letter", true),
    ("ee_oo", true),
    ("typo_deletion", false),
    ("typo_transposition", false),
    ("typo_substitution", false),
    ("typo_insertion", false),
];

fn replace_first(s: &str, from: &str, to: &str) -> Option<String> {
    s.find(from)
        .map(|i| format!("{}{to}{}", &s[..i], &s[i + from.len()..]))
}

/// One variation of `word` (lower case), if it applies.
pub fn vary(kind: &str, word: &str) -> Option<String> {
    let w = word.to_lowercase();
    let chars: Vec<char> = w.chars().collect();
    let mid = 1 + chars.len().saturating_sub(2) / 2;
    let v = match kind {
        "accents_dropped" => (!w.is_ascii()).then(|| {
            w.chars()
                .map(|c| {
                    let a = ascii_word(&c.to_string());
                    if c.is_alphabetic() && !a.is_empty() {
                        a
                    } else {
                        c.to_string()
                    }
                })
                .collect()
        }),
        "b_v" => replace_first(&w, "v", "b").or_else(|| replace_first(&w, "b", "v")),
        "ll_y" => replace_first(&w, "ll", "y"),
        "z_s_c" => replace_first(&w, "z", "s")
            .or_else(|| replace_first(&w, "ce", "se"))
            .or_else(|| replace_first(&w, "ci", "si")),
        "silent_h" => match w.strip_prefix('h') {
            Some(rest) => Some(rest.to_string()),
            None => w
                .starts_with(['a', 'e', 'i', 'o', 'u'])
                .then(|| format!("h{w}")),
        },
        "qu_k" => replace_first(&w, "qu", "k"),
        "g_j" => replace_first(&w, "ge", "je")
            .or_else(|| replace_first(&w, "gi", "ji"))
            .or_else(|| replace_first(&w, "je", "ge"))
            .or_else(|| replace_first(&w, "ji", "gi")),
        "cedilla_s" => replace_first(&w, "ç", "s"),
        "x_j" => ["xa", "xe", "xi", "xo", "xu"]
            .iter()
            .find_map(|x| replace_first(&w, x, &x.replace('x', "j"))),
        "sh_s" => replace_first(&w, "sh", "s"),
        "ph_f" => replace_first(&w, "ph", "f"),
        "double_letter" => (1..chars.len())
            .find(|i| chars[*i] == chars[*i - 1])
            .map(|i| {
                chars
                    .iter()
                    .enumerate()
                    .filter(|(k, _)| *k != i)
                    .map(|(_, c)| c)
                    .collect()
            }),
        "ee_oo" => replace_first(&w, "ee", "i").or_else(|| replace_first(&w, "oo", "u")),
        "typo_deletion" => (chars.len() > 3).then(|| {
            chars
                .iter()
                .enumerate()
                .filter(|(k, _)| *k != mid)
                .map(|(_, c)| c)
                .collect()
        }),
        "typo_transposition" => (chars.len() > 3 && chars[mid] != chars[mid - 1]).then(|| {
            let mut c = chars.clone();
            c.swap(mid - 1, mid);
            c.into_iter().collect()
        }),
        "typo_substitution" => (chars.len() > 3).then(|| {
            let mut c = chars.clone();
            // A neighbouring key: the vowel next to it on a keyboard, else the next letter.
            c[mid] = match c[mid] {
                'a' => 's',
                'e' => 'r',
                'i' => 'o',
                'o' => 'p',
                'u' => 'y',
                x if x.is_ascii_lowercase() && x != 'z' => (x as u8 + 1) as char,
                _ => 'a',
            };
            c.into_iter().collect()
        }),
        "typo_insertion" => (chars.len() > 3).then(|| {
            let mut c = chars.clone();
            c.insert(mid, c[mid]);
            c.into_iter().collect()
        }),
        _ => None,
    };
    v.filter(|v: &String| *v != w)
}

/// A labelled pair: the registered name, the name as typed, the kind and the origin.
#[derive(Clone, Debug)]
pub struct Variant {
    pub registered: String,
    pub typed: String,
    pub kind: &'static str,
    pub origin: &'static str,
}

/// Every variant of every registered name: each kind applied to the given name, then to the
/// family name when it does not apply to the given one.
pub fn variants() -> Vec<Variant> {
    let mut out = Vec::new();
    for (origin, names) in REGISTER {
        for (given, family) in *names {
            for (kind, _) in KINDS {
                let typed = if let Some(g) = vary(kind, given) {
                    Some(format!("{g} {family}"))
                } else {
                    vary(kind, family).map(|f| format!("{given} {f}"))
                };
                if let Some(typed) = typed {
                    out.push(Variant {
                        registered: format!("{given} {family}"),
                        typed,
                        kind,
                        origin,
                    });
                }
            }
        }
    }
    out
}

/// How a search compares names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// Double Metaphone of each word alone (the index before issue 18).
    DoubleMetaphone,
    /// The word as written, its Double Metaphone code, or its sound key (`name_key`).
    WithSoundKey,
    /// The word as written, its sound key, or its sound key one letter off (`key_neighbours`):
    /// what the blind index stored in version 3.
    SoundKeyOneOff,
    /// As `SoundKeyOneOff`, and the word's spelling one inner letter off (`spelling_neighbours`):
    /// what the blind index stores since version 4 for the duplicate check and scan.
    SoundAndSpellingOneOff,
    /// As `SoundAndSpellingOneOff`, a typed word also finding the words it begins (3 letters
    /// or more): what the case search box does since version 4.
    WithPrefixes,
}

/// Prefixes shorter than this are not indexed, nor longer than `MAX_PREFIX` (as in the index).
const MIN_PREFIX: usize = 3;
const MAX_PREFIX: usize = 12;

fn codes(m: Method, word: &str) -> Vec<String> {
    let dm = sound_code(word);
    match m {
        Method::DoubleMetaphone => vec![format!("p:{dm}")],
        Method::WithSoundKey => vec![
            format!("e:{}", ascii_word(word)),
            format!("p:{dm}"),
            format!("k:{}", name_key(word)),
        ],
        Method::SoundKeyOneOff => {
            let mut c = vec![format!("e:{}", ascii_word(word))];
            c.extend(
                key_neighbours(&name_key(word))
                    .into_iter()
                    .map(|k| format!("k:{k}")),
            );
            c
        }
        Method::WithPrefixes => codes(Method::SoundAndSpellingOneOff, word),
        Method::SoundAndSpellingOneOff => {
            let mut c = codes(Method::SoundKeyOneOff, word);
            c.extend(
                spelling_neighbours(word)
                    .into_iter()
                    .map(|k| format!("s:{k}")),
            );
            c
        }
    }
}

fn words(name: &str) -> Vec<String> {
    name.split(|c: char| c.is_whitespace() || c == '-')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// The codes of each word of a name as typed in a search.
fn name_codes(m: Method, name: &str) -> Vec<Vec<String>> {
    words(name)
        .iter()
        .map(|w| {
            let mut c = codes(m, w);
            let a = ascii_word(w);
            if m == Method::WithPrefixes && a.len() >= MIN_PREFIX {
                c.push(format!("p:{}", &a[..a.len().min(MAX_PREFIX)]));
            }
            c
        })
        .collect()
}

/// The codes stored for a registered name.
fn stored_codes(m: Method, name: &str) -> Vec<String> {
    let mut out = Vec::new();
    for w in words(name) {
        out.extend(codes(m, &w));
        let a = ascii_word(&w);
        if m == Method::WithPrefixes {
            out.extend((MIN_PREFIX..a.len().min(MAX_PREFIX + 1)).map(|n| format!("p:{}", &a[..n])));
        }
    }
    out
}

/// Whether a name whose words carry `stored` codes is found by a query with `typed` word codes:
/// each typed word shares a code with one of the registered name's words.
fn found(typed: &[Vec<String>], stored: &[String]) -> bool {
    !typed.is_empty() && typed.iter().all(|w| w.iter().any(|c| stored.contains(c)))
}

/// Whether a search for `typed` finds `registered`: each typed word shares a code with one of
/// the registered name's words.
pub fn finds(m: Method, typed: &str, registered: &str) -> bool {
    found(&name_codes(m, typed), &stored_codes(m, registered))
}

/// The benchmark's figures for one method.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// Per kind: (pairs, found).
    pub by_kind: Vec<(&'static str, usize, usize)>,
    pub sound_recall: f64,
    pub edit_recall: f64,
    /// Other registered names found per query, on average.
    pub false_hits_per_query: f64,
    /// Other names found per query, on average, in the crossed register (every given name with
    /// every family name: thousands of names, most sharing one word with the one looked for).
    pub crossed_false_hits_per_query: f64,
    /// Names that must not be taken for each other, taken for each other.
    pub confused: usize,
}

/// The registered names, and those of the non-variants.
pub fn register() -> Vec<String> {
    let mut register: Vec<String> = REGISTER
        .iter()
        .flat_map(|(_, names)| names.iter().map(|(g, f)| format!("{g} {f}")))
        .collect();
    for (a, b) in NOT_VARIANTS {
        for (g, f) in [a, b] {
            let n = format!("{g} {f}");
            if !register.contains(&n) {
                register.push(n);
            }
        }
    }
    register
}

/// Every given name of the register with every family name.
pub fn crossed_register() -> Vec<String> {
    let all: Vec<Name> = REGISTER
        .iter()
        .flat_map(|(_, names)| names.iter().copied())
        .chain(NOT_VARIANTS.iter().flat_map(|(a, b)| [*a, *b]))
        .collect();
    let mut given: Vec<&str> = all.iter().map(|n| n.0).collect();
    let mut family: Vec<&str> = all.iter().map(|n| n.1).collect();
    given.sort_unstable();
    given.dedup();
    family.sort_unstable();
    family.dedup();
    given
        .iter()
        .flat_map(|g| family.iter().map(move |f| format!("{g} {f}")))
        .collect()
}

/// Names typed by their first letters: for each registered name, the first `n` letters of each
/// word (n = 3, 4, 5; a shorter word whole).
pub fn prefix_queries() -> Vec<Variant> {
    let mut out = Vec::new();
    for (origin, names) in REGISTER {
        for (given, family) in *names {
            for n in [3, 4, 5] {
                let cut = |w: &str| -> String {
                    w.split('-')
                        .map(|p| p.chars().take(n).collect::<String>())
                        .collect::<Vec<_>>()
                        .join("-")
                };
                out.push(Variant {
                    registered: format!("{given} {family}"),
                    typed: format!("{} {}", cut(given), cut(family)),
                    kind: "prefix",
                    origin,
                });
            }
        }
    }
    out
}

/// Share of `queries` finding their name, and other names of the crossed register found per
/// query.
pub fn evaluate_queries(m: Method, queries: &[Variant]) -> (f64, f64) {
    let crossed: Vec<(String, Vec<String>)> = crossed_register()
        .into_iter()
        .map(|n| {
            let c = stored_codes(m, &n);
            (n, c)
        })
        .collect();
    let mut found_n = 0;
    let mut others = 0;
    for q in queries {
        let typed = name_codes(m, &q.typed);
        if found(&typed, &stored_codes(m, &q.registered)) {
            found_n += 1;
        }
        others += crossed
            .iter()
            .filter(|(n, c)| *n != q.registered && found(&typed, c))
            .count();
    }
    let n = queries.len().max(1) as f64;
    (found_n as f64 / n, others as f64 / n)
}

pub fn evaluate(m: Method, pairs: &[Variant]) -> Report {
    let coded = |names: Vec<String>| -> Vec<(String, Vec<String>)> {
        names
            .into_iter()
            .map(|n| {
                let c = stored_codes(m, &n);
                (n, c)
            })
            .collect()
    };
    let register = coded(register());
    let crossed = coded(crossed_register());
    let mut r = Report::default();
    let (mut sound, mut sound_found, mut edit, mut edit_found) = (0, 0, 0, 0);
    let (mut false_hits, mut crossed_hits) = (0, 0);
    for (kind, is_sound) in KINDS {
        let of_kind: Vec<&Variant> = pairs.iter().filter(|p| p.kind == *kind).collect();
        let found_n = of_kind
            .iter()
            .filter(|p| finds(m, &p.typed, &p.registered))
            .count();
        r.by_kind.push((kind, of_kind.len(), found_n));
        if *is_sound {
            (sound, sound_found) = (sound + of_kind.len(), sound_found + found_n);
        } else {
            (edit, edit_found) = (edit + of_kind.len(), edit_found + found_n);
        }
        for p in of_kind {
            let typed = name_codes(m, &p.typed);
            false_hits += register
                .iter()
                .filter(|(n, c)| *n != p.registered && found(&typed, c))
                .count();
            crossed_hits += crossed
                .iter()
                .filter(|(n, c)| *n != p.registered && found(&typed, c))
                .count();
        }
    }
    r.sound_recall = sound_found as f64 / sound.max(1) as f64;
    r.edit_recall = edit_found as f64 / edit.max(1) as f64;
    r.false_hits_per_query = false_hits as f64 / pairs.len().max(1) as f64;
    r.crossed_false_hits_per_query = crossed_hits as f64 / pairs.len().max(1) as f64;
    r.confused = NOT_VARIANTS
        .iter()
        .filter(|((ag, af), (bg, bf))| {
            let (a, b) = (format!("{ag} {af}"), format!("{bg} {bf}"));
            finds(m, &a, &b) || finds(m, &b, &a)
        })
        .count();
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_benchmark_has_enough_labelled_pairs() {
        let v = variants();
        assert!(v.len() >= 300, "{} pairs", v.len());
        for (origin, _) in REGISTER {
            assert!(
                v.iter().filter(|p| p.origin == *origin).count() >= 20,
                "{origin}"
            );
        }
    }

    #[test]
    fn the_first_letters_find_a_name_in_the_search_only() {
        let q = prefix_queries();
        let (found, _) = evaluate_queries(Method::WithPrefixes, &q);
        assert!(found >= 0.99, "{found}");
        let (found, _) = evaluate_queries(Method::SoundAndSpellingOneOff, &q);
        assert!(found < 0.5, "{found}");
    }

    #[test]
    fn the_sound_key_finds_what_double_metaphone_misses() {
        let v = variants();
        let before = evaluate(Method::DoubleMetaphone, &v);
        let with = evaluate(Method::WithSoundKey, &v);
        let after = evaluate(Method::SoundAndSpellingOneOff, &v);
        eprintln!("before {before:?}\nwith {with:?}\nafter {after:?}");
        assert!(after.sound_recall >= 0.95, "{after:?}");
        assert!(after.sound_recall > before.sound_recall);
        assert!(after.edit_recall >= 0.95, "{after:?}");
        assert_eq!(after.confused, 0, "{after:?}");
        // Tolerating more spellings may not flood a register with other names.
        assert!(
            after.crossed_false_hits_per_query <= before.crossed_false_hits_per_query,
            "{before:?}\n{after:?}"
        );
    }
}
