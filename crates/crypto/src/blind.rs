//! Keyed blind index for searching encrypted names. Each name token is stored as two keyed
//! digests: of the normalised token, and of its Double Metaphone code (computed on the token's
//! ASCII transliteration, so any script is coded and none can crash the encoder), so
//! "Maria Gonzales" finds "MARÍA GONZÁLEZ" without the database ever holding a name in clear.
use hmac::Mac;
use unicode_normalization::UnicodeNormalization;

/// The version of the digests' recipe. Stored digests of an older version must be rebuilt
/// (`haven reindex`) before searches can find them: 2 computes phonetic codes on ASCII
/// transliterations (1 coded the letters as typed, and crashed on some).
pub const INDEX_VERSION: i64 = 2;

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

/// The two kinds of digest stored per token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DigestKind {
    Exact,
    Phonetic,
}

impl DigestKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DigestKind::Exact => "e",
            DigestKind::Phonetic => "p",
        }
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

    /// The digests to store for a name: one (exact, phonetic) pair per distinct token.
    pub fn entries(&self, name: &str) -> Vec<(DigestKind, String)> {
        let mut out = Vec::new();
        for token in normalise_name(name).split(' ').filter(|t| !t.is_empty()) {
            out.push((DigestKind::Exact, self.digest(DigestKind::Exact, token)));
            let code = haven_matching::normalise::sound_code(token);
            let code = if code.is_empty() {
                token.to_string()
            } else {
                code
            };
            out.push((
                DigestKind::Phonetic,
                self.digest(DigestKind::Phonetic, &code),
            ));
        }
        out.sort_by(|a, b| a.1.cmp(&b.1));
        out.dedup();
        out
    }

    /// For a search text: per query token, the phonetic digest to look for (a record matches when
    /// it holds the digest of every query token).
    pub fn query(&self, text: &str) -> Vec<String> {
        self.entries(text)
            .into_iter()
            .filter(|(k, _)| *k == DigestKind::Phonetic)
            .map(|(_, d)| d)
            .collect()
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
        for q in idx().query("Maria Gonzales") {
            assert!(stored.contains(&q), "query token not found");
        }
        let other: Vec<String> = idx()
            .entries("Joseph Persaud")
            .into_iter()
            .map(|e| e.1)
            .collect();
        assert!(idx().query("Maria").iter().all(|q| !other.contains(q)));
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
        assert!(idx().query("Stanislaw").iter().all(|q| stored.contains(q)));
        let stored: Vec<String> = idx().entries("Иван").into_iter().map(|e| e.1).collect();
        assert!(idx().query("Ivan").iter().all(|q| stored.contains(q)));
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
            prop_assert!(entries.len() <= 2 * words);
            prop_assert_eq!(entries.is_empty(), words == 0);
        }

        #[test]
        fn index_is_case_and_accent_insensitive(s in "[a-zA-Z ]{1,30}") {
            prop_assert_eq!(idx().entries(&s), idx().entries(&s.to_uppercase()));
        }
    }
}
