//! Keyed blind index for searching encrypted names. Each name word is stored as keyed digests:
//! of the normalised word, and of its sound key (`haven_matching::normalise::name_key`: the
//! spellings by ear of Spanish, Portuguese, Creole and Indo-Guyanese names, on the word's ASCII
//! transliteration) and the keys one letter off it, so "Yolanda Rodriges" finds "YOLANDA
//! RODRÍGUEZ" and "Ivan" finds "Иван" without the database ever holding a name in clear. A search
//! finds a record when each typed word shares a digest with it.
use hmac::Mac;
use unicode_normalization::UnicodeNormalization;

/// The version of the digests' recipe. Stored digests of an older version must be rebuilt
/// (`haven reindex`) before searches can find them: 4 adds the spelling one letter off and the
/// word prefixes; 3 stored the sound key and its one-letter neighbours; 2 stored Double Metaphone
/// on ASCII transliterations; 1 coded the letters as typed, and crashed on some.
pub const INDEX_VERSION: i64 = 4;

/// Prefixes shorter than this are not indexed (too many names would share them).
pub const MIN_PREFIX: usize = 3;
/// Nor longer than this (a longer typed word is matched on its first letters).
const MAX_PREFIX: usize = 12;

use crate::KeyMaterial;

/// Lower case, accents removed, anything not a letter or digit turned into a space.
pub fn normalise_name(raw: &str) -> String {
    let folded: String = raw
        .nfkd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(|c| c.to_lowercase())
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The kinds of digest stored per word.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DigestKind {
    Exact,
    /// The sound key, and each key one letter off it.
    Sound,
    /// The ASCII spelling one inner letter off.
    Spelling,
    /// The first letters of a word's ASCII spelling (kept apart from the others: a typed "mari"
    /// finds Marisol, but sharing a prefix does not make two persons look alike).
    Prefix,
}

impl DigestKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DigestKind::Exact => "e",
            DigestKind::Sound => "k",
            DigestKind::Spelling => "s",
            DigestKind::Prefix => "p",
        }
    }
}

/// The digests stored for one name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StoredName {
    pub words: Vec<String>,
    pub prefixes: Vec<String>,
}

impl StoredName {
    /// Both lists, as a search sees them.
    pub fn all(&self) -> Vec<String> {
        self.words.iter().chain(&self.prefixes).cloned().collect()
    }
}

#[derive(Clone, Debug)]
pub struct BlindIndex {
    key: KeyMaterial,
}

impl BlindIndex {
    pub fn new(key: KeyMaterial) -> Self {
        Self { key }
    }

    fn digest(&self, kind: DigestKind, value: &str) -> String {
        let mut mac = self.key.mac();
        mac.update(kind.as_str().as_bytes());
        mac.update(b":");
        mac.update(value.as_bytes());
        // 16 bytes keep collisions negligible while the index stays small.
        hex::encode(&mac.finalize().into_bytes()[..16])
    }

    /// A keyed 64-bit tag of a released row and the case it came from (for the release ledger:
    /// two releases' data are compared by their tags, which tell nothing without the key).
    pub fn row_tag(&self, case_id: &str, cells: &[String]) -> u64 {
        let mut mac = self.key.mac();
        mac.update(b"r:");
        mac.update(case_id.as_bytes());
        for c in cells {
            // Length-prefixed, so that cells cannot run into each other.
            mac.update(&(c.len() as u64).to_be_bytes());
            mac.update(c.as_bytes());
        }
        let b = mac.finalize().into_bytes();
        u64::from_be_bytes(b[..8].try_into().expect("8 bytes"))
    }

    /// A keyed digest of an imported row's identity (its submission id or the digest of its
    /// cells): what makes a second import of the same row a no-op, without storing the row.
    pub fn import_key(&self, agency_id: &str, row_key: &str) -> String {
        let mut mac = self.key.mac();
        mac.update(b"i:");
        mac.update(agency_id.as_bytes());
        mac.update(b":");
        mac.update(row_key.as_bytes());
        hex::encode(&mac.finalize().into_bytes()[..16])
    }

    /// The digests of one word: exact, then its sound key and the keys one letter off it.
    fn word(&self, token: &str) -> Vec<(DigestKind, String)> {
        let mut out = vec![(DigestKind::Exact, self.digest(DigestKind::Exact, token))];
        let key = haven_matching::normalise::name_key(token);
        // A word with no letter to code (an emoji, a symbol) is its own key.
        let key = if key.is_empty() {
            token.to_string()
        } else {
            key
        };
        for k in haven_matching::normalise::key_neighbours(&key) {
            out.push((DigestKind::Sound, self.digest(DigestKind::Sound, &k)));
        }
        for k in haven_matching::normalise::spelling_neighbours(token) {
            out.push((DigestKind::Spelling, self.digest(DigestKind::Spelling, &k)));
        }
        out
    }

    /// The prefix digests of one word: its first 3, 4, … letters (not the whole word).
    fn prefixes(&self, token: &str) -> Vec<String> {
        let ascii = haven_matching::normalise::ascii_word(token);
        (MIN_PREFIX..ascii.len().min(MAX_PREFIX + 1))
            .map(|n| self.digest(DigestKind::Prefix, &ascii[..n]))
            .collect()
    }

    /// The digest a typed word has as a prefix, if it is long enough to be one.
    fn typed_prefix(&self, token: &str) -> Option<String> {
        let ascii = haven_matching::normalise::ascii_word(token);
        (ascii.len() >= MIN_PREFIX)
            .then(|| self.digest(DigestKind::Prefix, &ascii[..ascii.len().min(MAX_PREFIX)]))
    }

    /// The digests to store for a name: those of each distinct word (never a prefix).
    pub fn entries(&self, name: &str) -> Vec<(DigestKind, String)> {
        let mut out: Vec<(DigestKind, String)> = normalise_name(name)
            .split(' ')
            .filter(|t| !t.is_empty())
            .flat_map(|t| self.word(t))
            .collect();
        out.sort_by(|a, b| a.1.cmp(&b.1));
        out.dedup();
        out
    }

    /// What to store for a name: the word digests (for searches, the duplicate check and the
    /// scan) and, apart, the prefix digests (for searches only).
    pub fn stored(&self, name: &str) -> StoredName {
        let words = self.entries(name).into_iter().map(|(_, d)| d).collect();
        let mut prefixes: Vec<String> = normalise_name(name)
            .split(' ')
            .filter(|t| !t.is_empty())
            .flat_map(|t| self.prefixes(t))
            .collect();
        prefixes.sort();
        prefixes.dedup();
        StoredName { words, prefixes }
    }

    /// For a search box: as `query_groups`, each typed word also finding the words it begins
    /// ("mari" finds Marisol). The prefix digest sits in the same group; it can only ever equal a
    /// stored prefix digest, as the kinds are keyed apart.
    pub fn search_groups(&self, text: &str) -> Vec<Vec<String>> {
        let mut groups: Vec<Vec<String>> = Vec::new();
        for token in normalise_name(text).split(' ').filter(|t| !t.is_empty()) {
            let mut g: Vec<String> = self.word(token).into_iter().map(|(_, d)| d).collect();
            g.extend(self.typed_prefix(token));
            if !groups.contains(&g) {
                groups.push(g);
            }
        }
        groups
    }

    /// For a search text: per typed word, the digests any of which it may share with a record
    /// (a record matches when it shares one with every typed word).
    pub fn query_groups(&self, text: &str) -> Vec<Vec<String>> {
        let mut groups: Vec<Vec<String>> = Vec::new();
        for token in normalise_name(text).split(' ').filter(|t| !t.is_empty()) {
            let g: Vec<String> = self.word(token).into_iter().map(|(_, d)| d).collect();
            if !groups.contains(&g) {
                groups.push(g);
            }
        }
        groups
    }

    /// Every digest a search text may share with a record (for "who shares most").
    pub fn query(&self, text: &str) -> Vec<String> {
        let mut all: Vec<String> = self.query_groups(text).into_iter().flatten().collect();
        all.sort();
        all.dedup();
        all
    }

    /// Whether a record with `stored` digests is found by `groups` (as the database query does).
    pub fn found(groups: &[Vec<String>], stored: &[String]) -> bool {
        !groups.is_empty() && groups.iter().all(|g| g.iter().any(|d| stored.contains(d)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn idx() -> BlindIndex {
        BlindIndex::new(KeyMaterial::from_bytes([7; 32]))
    }

    #[test]
    fn accents_case_and_spelling_variants_match() {
        let stored: Vec<String> = idx()
            .entries("MARÍA GONZÁLEZ")
            .into_iter()
            .map(|e| e.1)
            .collect();
        assert!(BlindIndex::found(
            &idx().query_groups("Maria Gonzales"),
            &stored
        ));
        let other: Vec<String> = idx()
            .entries("Joseph Persaud")
            .into_iter()
            .map(|e| e.1)
            .collect();
        assert!(!BlindIndex::found(&idx().query_groups("Maria"), &other));
    }

    #[test]
    fn a_typed_prefix_finds_the_word_in_a_search_only() {
        let stored = idx().stored("Marisol Castillo");
        let all = stored.all();
        for typed in ["mari", "Mar", "MARISO", "maris castil"] {
            assert!(
                BlindIndex::found(&idx().search_groups(typed), &all),
                "{typed}"
            );
        }
        // Too short to be a prefix, or not one.
        for typed in ["ma", "arisol", "marisela"] {
            assert!(
                !BlindIndex::found(&idx().search_groups(typed), &all),
                "{typed}"
            );
        }
        // The duplicate check and the scan compare whole words: a prefix is not a name.
        assert!(!BlindIndex::found(
            &idx().query_groups("mari"),
            &stored.words
        ));
        assert!(stored.prefixes.iter().all(|p| !stored.words.contains(p)));
        // Prefixes are of the ASCII spelling, whatever was typed.
        let all = idx().stored("María José").all();
        assert!(BlindIndex::found(&idx().search_groups("mari jos"), &all));
    }

    #[test]
    fn a_slip_of_one_inner_letter_is_found_where_the_sound_key_changes() {
        let stored: Vec<String> = idx().stored("Cecilia Zambrano").words;
        for typed in ["Ceclia", "Cecolia", "Cecillia"] {
            assert!(
                BlindIndex::found(&idx().query_groups(typed), &stored),
                "{typed}"
            );
        }
        // The first and last letters are not tolerated: other names.
        let stored = idx().stored("José Hernández").words;
        assert!(!BlindIndex::found(
            &idx().query_groups("José Fernández"),
            &stored
        ));
        let stored = idx().stored("Mario Castillo").words;
        assert!(!BlindIndex::found(
            &idx().query_groups("Maria Castillo"),
            &stored
        ));
    }

    #[test]
    fn digests_depend_on_the_key() {
        let a = idx().query("Maria");
        let b = BlindIndex::new(KeyMaterial::from_bytes([8; 32])).query("Maria");
        assert_ne!(a, b);
    }

    /// Names outside Latin-1 used to crash the encoder (a letter split across bytes).
    #[test]
    fn names_in_any_script_are_coded() {
        for name in [
            "Stanisław",
            "Ωmega",
            "Łukasz",
            "Đặng Văn Lâm",
            "Иван Петров",
            "李小龙",
            "محمد",
            "देवनागरी",
            "Nguyễn",
            "Øyvind",
            "Þór",
            "ß",
            "🙂 Ana",
        ] {
            let e = idx().entries(name);
            assert!(!e.is_empty(), "{name}");
            assert!(!idx().query(name).is_empty(), "{name}");
        }
        // A transliteration and the original sound alike.
        let stored: Vec<String> = idx()
            .entries("Stanisław")
            .into_iter()
            .map(|e| e.1)
            .collect();
        assert!(BlindIndex::found(&idx().query_groups("Stanislaw"), &stored));
        let stored: Vec<String> = idx().entries("Иван").into_iter().map(|e| e.1).collect();
        assert!(BlindIndex::found(&idx().query_groups("Ivan"), &stored));
    }

    #[test]
    fn normalisation_examples() {
        assert_eq!(normalise_name("  José-Luis  d'Ávila "), "jose luis d avila");
        assert_eq!(normalise_name("ÇAĞLAR"), "caglar");
    }

    proptest! {
        #[test]
        fn normalise_is_idempotent(s in "\\PC{0,40}") {
            let once = normalise_name(&s);
            prop_assert_eq!(normalise_name(&once), once);
        }

        /// Any text at all (every code point, combining and right-to-left marks, emoji, long
        /// names) is indexed without a panic, and every word gets its two digests.
        #[test]
        fn any_text_is_indexed(s in "\\PC{0,1000}") {
            let entries = idx().entries(&s);
            let words = normalise_name(&s).split(' ').filter(|t| !t.is_empty()).count();
            prop_assert_eq!(entries.is_empty(), words == 0);
            let stored: Vec<String> = entries.into_iter().map(|e| e.1).collect();
            prop_assert_eq!(BlindIndex::found(&idx().query_groups(&s), &stored), words > 0);
        }

        #[test]
        fn index_is_case_and_accent_insensitive(s in "[a-zA-Z ]{1,30}") {
            prop_assert_eq!(idx().entries(&s), idx().entries(&s.to_uppercase()));
        }
    }
}
