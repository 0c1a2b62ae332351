//! Translations with Fluent: English, French and Spanish. The user's saved choice wins, else the
//! browser's Accept-Language, else English. Messages are compiled into the binary.
use std::collections::HashMap;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::LanguageIdentifier;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Lang {
    /// English when nothing else is known.
    #[default]
    En,
    Fr,
    Es,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::En, Lang::Fr, Lang::Es];

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
            Lang::Es => "es",
        }
    }

    /// The language's own name, as shown in the language menu.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Fr => "Français",
            Lang::Es => "Español",
        }
    }

    pub fn parse(code: &str) -> Option<Lang> {
        Lang::ALL
            .into_iter()
            .find(|l| l.code() == code.trim().to_ascii_lowercase())
    }

    /// The language's message files, as (file name, text): the interface's messages
    /// (`{lang}.ftl`), then the labels of reference data (`reference.{lang}.ftl`: picklist
    /// codes, form fields and sections), then the screening interview (`screening.{lang}.ftl`:
    /// the ILO/EC indicators' questions and labels, dimensions, profiles and outcomes). A key is
    /// defined in one file only (a test checks).
    fn sources(self) -> [(&'static str, &'static str); 3] {
        match self {
            Lang::En => [
                ("en.ftl", include_str!("../locales/en.ftl")),
                (
                    "reference.en.ftl",
                    include_str!("../locales/reference.en.ftl"),
                ),
                (
                    "screening.en.ftl",
                    include_str!("../locales/screening.en.ftl"),
                ),
            ],
            Lang::Fr => [
                ("fr.ftl", include_str!("../locales/fr.ftl")),
                (
                    "reference.fr.ftl",
                    include_str!("../locales/reference.fr.ftl"),
                ),
                (
                    "screening.fr.ftl",
                    include_str!("../locales/screening.fr.ftl"),
                ),
            ],
            Lang::Es => [
                ("es.ftl", include_str!("../locales/es.ftl")),
                (
                    "reference.es.ftl",
                    include_str!("../locales/reference.es.ftl"),
                ),
                (
                    "screening.es.ftl",
                    include_str!("../locales/screening.es.ftl"),
                ),
            ],
        }
    }
}

pub struct I18n {
    bundles: HashMap<Lang, FluentBundle<FluentResource>>,
}

impl std::fmt::Debug for I18n {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("I18n")
    }
}

#[derive(Debug, thiserror::Error)]
#[error("translation file {lang}: {message}")]
pub struct LoadError {
    pub lang: &'static str,
    pub message: String,
}

impl I18n {
    pub fn load() -> Result<Self, LoadError> {
        let mut bundles = HashMap::new();
        for lang in Lang::ALL {
            let err = |message: String| LoadError {
                lang: lang.code(),
                message,
            };
            let id: LanguageIdentifier = lang.code().parse().map_err(|e| err(format!("{e}")))?;
            let mut bundle = FluentBundle::new_concurrent(vec![id]);
            // Isolation marks would show up as stray characters in HTML and CSV.
            bundle.set_use_isolating(false);
            for (file, text) in lang.sources() {
                let res = FluentResource::try_new(text.to_string())
                    .map_err(|(_, errs)| err(format!("{file}: {errs:?}")))?;
                // Fails on a key already defined, in this file or the other one.
                bundle
                    .add_resource(res)
                    .map_err(|e| err(format!("{file}: {e:?}")))?;
            }
            bundles.insert(lang, bundle);
        }
        Ok(I18n { bundles })
    }

    /// The message, or the key itself in brackets when missing (a test keeps that from happening).
    pub fn t(&self, lang: Lang, key: &str) -> String {
        self.format(lang, key, None)
    }

    pub fn t_args(&self, lang: Lang, key: &str, args: &[(&str, FluentValue<'_>)]) -> String {
        let mut fa = FluentArgs::new();
        for (k, v) in args {
            fa.set(*k, v.clone());
        }
        self.format(lang, key, Some(&fa))
    }

    fn format(&self, lang: Lang, key: &str, args: Option<&FluentArgs>) -> String {
        let bundle = &self.bundles[&lang];
        let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) else {
            return format!("[{key}]");
        };
        let mut errors = Vec::new();
        bundle
            .format_pattern(pattern, args, &mut errors)
            .into_owned()
    }

    pub fn has(&self, lang: Lang, key: &str) -> bool {
        self.bundles[&lang].has_message(key)
    }

    /// Every message key of a language, from all its files.
    pub fn keys(lang: Lang) -> Vec<String> {
        lang.sources()
            .into_iter()
            .flat_map(|(_, text)| file_keys(text))
            .collect()
    }
}

/// The message keys of one file, in order.
fn file_keys(text: &str) -> Vec<String> {
    let res = FluentResource::try_new(text.to_string()).unwrap_or_else(|(r, _)| r);
    res.entries()
        .filter_map(|e| match e {
            fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_string()),
            _ => None,
        })
        .collect()
}

/// Picks a language from an Accept-Language header.
pub fn negotiate(accept_language: &str) -> Lang {
    let requested = fluent_langneg::accepted_languages::parse(accept_language);
    let available: Vec<LanguageIdentifier> = Lang::ALL
        .iter()
        .filter_map(|l| l.code().parse().ok())
        .collect();
    let default: LanguageIdentifier = "en".parse().expect("valid");
    let chosen = fluent_langneg::negotiate_languages(
        &requested,
        &available,
        Some(&default),
        fluent_langneg::NegotiationStrategy::Lookup,
    );
    chosen
        .first()
        .and_then(|l| Lang::parse(l.language.as_str()))
        .unwrap_or(Lang::En)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};

    /// Compared file by file: French and Spanish define every English key, and no other, in
    /// the same file as English.
    #[test]
    fn every_language_has_the_same_keys() {
        assert!(I18n::keys(Lang::En).len() > 50, "English messages load");
        for (i, (en_file, en_text)) in Lang::En.sources().into_iter().enumerate() {
            let en: BTreeSet<String> = file_keys(en_text).into_iter().collect();
            assert!(!en.is_empty(), "{en_file} has messages");
            for lang in [Lang::Fr, Lang::Es] {
                let (file, text) = lang.sources()[i];
                let other: BTreeSet<String> = file_keys(text).into_iter().collect();
                let missing: Vec<_> = en.difference(&other).collect();
                let extra: Vec<_> = other.difference(&en).collect();
                assert!(missing.is_empty(), "{file} lacks {missing:?}");
                assert!(
                    extra.is_empty(),
                    "{file} has keys {en_file} lacks: {extra:?}"
                );
            }
        }
    }

    /// The messages of a language, placeables (`{ $n }`) replaced by "X": (key, text).
    fn messages(lang: Lang) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for (_, text) in lang.sources() {
            for line in text.lines() {
                let Some((key, value)) = line.split_once(" = ") else {
                    continue;
                };
                if key.starts_with('#') || key.starts_with(' ') {
                    continue;
                }
                let mut plain = String::new();
                let mut depth = 0;
                for c in value.chars() {
                    match c {
                        '{' => {
                            depth += 1;
                            if depth == 1 {
                                plain.push('X');
                            }
                        }
                        '}' => depth -= 1,
                        _ if depth == 0 => plain.push(c),
                        _ => {}
                    }
                }
                out.push((key.to_string(), plain));
            }
        }
        out
    }

    /// French typography: a space (plain or non-breaking) before ":", "?", "!" and ";", except
    /// in a time ("10:30") or an address.
    #[test]
    fn french_puts_a_space_before_double_punctuation() {
        let mut bad = Vec::new();
        for (key, text) in messages(Lang::Fr) {
            let chars: Vec<char> = text.chars().collect();
            for (i, c) in chars.iter().enumerate() {
                if !matches!(c, ':' | '?' | '!' | ';') || i == 0 {
                    continue;
                }
                let before = chars[i - 1];
                let after = chars.get(i + 1).copied().unwrap_or(' ');
                let spaced = before.is_whitespace() || before == '\u{a0}' || before == '\u{202f}';
                let time_or_address = after.is_ascii_digit() || after == '/';
                if !spaced && !time_or_address {
                    bad.push(format!("{key}: {text}"));
                    break;
                }
            }
        }
        assert!(
            bad.is_empty(),
            "French needs a space before : ? ! ; in {bad:#?}"
        );
    }

    /// Spanish opens what it asks and exclaims: "¿…?" and "¡…!".
    #[test]
    fn spanish_opens_questions_and_exclamations() {
        let mut bad = Vec::new();
        for (key, text) in messages(Lang::Es) {
            for sentence in text.split_inclusive(['.', '?', '!']) {
                let s = sentence.trim();
                if (s.ends_with('?') && !s.contains('¿')) || (s.ends_with('!') && !s.contains('¡'))
                {
                    bad.push(format!("{key}: {text}"));
                }
            }
        }
        assert!(bad.is_empty(), "{bad:#?}");
    }

    #[test]
    fn no_key_is_defined_twice() {
        for lang in Lang::ALL {
            let mut seen: BTreeMap<String, &str> = BTreeMap::new();
            for (file, text) in lang.sources() {
                for key in file_keys(text) {
                    if let Some(first) = seen.insert(key.clone(), file) {
                        panic!("{key} is in both {first} and {file}, or twice in {file}");
                    }
                }
            }
        }
    }

    #[test]
    fn reference_labels_format() {
        let i = I18n::load().unwrap();
        let expect = [
            (Lang::En, "Debt bondage"),
            (Lang::Fr, "Servitude pour dettes"),
            (Lang::Es, "Servidumbre por deudas"),
        ];
        for (lang, label) in expect {
            assert_eq!(i.t(lang, "code-vic_MethodsOfControl-DebtBondage"), label);
            assert!(!i.t(lang, "field-trafficking_status-help").starts_with('['));
            assert!(!i.t(lang, "section-route").starts_with('['));
        }
    }

    #[test]
    fn bundles_load_without_errors_and_format() {
        let i = I18n::load().unwrap();
        for lang in Lang::ALL {
            assert!(!i.t(lang, "app-name").starts_with('['));
        }
        assert_eq!(i.t(Lang::En, "no-such-key"), "[no-such-key]");
    }

    /// The forms' fields and sections, each with its messages in reference.{lang}.ftl.
    const FORM_FIELDS: &[&str] = &[
        "first_name",
        "middle_name",
        "second_name",
        "also_known_as",
        "birth_date",
        "assessed_age",
        "age_uncertain",
        "gender",
        "citizenship",
        "primary_language",
        "secondary_language",
        "marital_status",
        "number_of_children",
        "highest_level_of_education",
        "deceased",
        "identity_documents",
        "document_type",
        "document_number",
        "issuing_country",
        "email",
        "home_phone",
        "mobile_phone",
        "mailing_country",
        "mailing_state",
        "mailing_city",
        "mailing_street",
        "mailing_postal_code",
        "trafficking_status",
        "trafficking_status_decision_org",
        "relationship_to_trafficker",
        "age_when_trafficked",
        "method_of_recruitment",
        "recruitment_websites_and_apps",
        "methods_of_control",
        "type_of_exploitation",
        "forced_labour_industry",
        "type_of_sex_exploitation",
        "exploitation_websites_and_apps",
        "vulnerabilities",
        "perpetrator_name",
        "perpetrator_roles",
        "perpetrator_relation",
        "perpetrator_nationality",
        "perpetrator_details",
        "event_type",
        "event_country",
        "event_region",
        "event_place",
        "event_start_date",
        "event_end_date",
        "event_description",
        "status",
        "owner_agency",
        "assigned_user",
        "region",
        "risk_level",
        "referral_source",
        "referring_organisation",
        "referral_date",
        "reason_for_incoming_referral",
        "summary",
        "closure_reason",
        "closure_note",
        "note_body",
        "attachment_file",
    ];
    const SECTIONS: &[&str] = &[
        "person",
        "victim",
        "route",
        "perpetrators",
        "case",
        "notes",
        "attachments",
        "history",
        "contact",
        "identity",
        "address",
    ];

    #[test]
    fn every_form_field_has_a_label_and_help() {
        let i = I18n::load().unwrap();
        for lang in Lang::ALL {
            let reference: BTreeSet<String> = file_keys(lang.sources()[1].1).into_iter().collect();
            let keys = FORM_FIELDS
                .iter()
                .flat_map(|f| [format!("field-{f}"), format!("field-{f}-help")])
                .chain(SECTIONS.iter().map(|s| format!("section-{s}")));
            for key in keys {
                assert!(reference.contains(&key), "{} lacks {key}", lang.code());
                assert!(!i.t(lang, &key).trim().is_empty(), "{key}");
            }
        }
    }

    /// The shipped indicator set (the i18n crate does not depend on haven-domain: a line scan
    /// of the file is enough to find the ids).
    const INDICATORS: &str = include_str!("../../domain/data/ilo-indicators.toml");

    fn indicator_ids() -> Vec<&'static str> {
        INDICATORS
            .lines()
            .filter_map(|l| {
                l.trim()
                    .strip_prefix("id = \"")
                    .and_then(|rest| rest.strip_suffix('"'))
            })
            .collect()
    }

    /// Every indicator has a question and a label, and every dimension, profile, outcome and
    /// group of the screening engine its label, in screening.{lang}.ftl of every language; the
    /// three files have the same keys and no question or label of an unknown indicator.
    #[test]
    fn every_screening_indicator_has_a_question_and_a_label() {
        let ids = indicator_ids();
        assert!(ids.len() > 50, "the indicator ids are found: {}", ids.len());
        assert!(ids.contains(&"debt_bondage") && ids.contains(&"personal_characteristics"));
        let mut expected: BTreeSet<String> = ids
            .iter()
            .flat_map(|id| [format!("screen-q-{id}"), format!("screen-i-{id}")])
            .collect();
        assert_eq!(expected.len(), ids.len() * 2, "no indicator id twice");
        for d in 1..=6 {
            expected.insert(format!("screen-dim-{d}"));
            expected.insert(format!("screen-dim-{d}-help"));
        }
        for p in [
            "adult_labour",
            "adult_sexual",
            "child_labour",
            "child_sexual",
        ] {
            expected.insert(format!("screen-profile-{p}"));
        }
        for o in [
            "no_indicators",
            "exploitation_only",
            "possible_victim",
            "indicators_met",
        ] {
            expected.insert(format!("screen-outcome-{o}"));
            expected.insert(format!("screen-outcome-{o}-help"));
        }
        for k in [
            "screen-group-recruitment",
            "screen-group-exploitation",
            "screen-group-coercion",
            "screen-answer-present",
            "screen-answer-absent",
            "screen-answer-unknown",
            "screen-evidence",
            "screen-disclaimer",
            "screen-palermo",
            "screen-palermo-act",
            "screen-palermo-means",
            "screen-palermo-purpose",
        ] {
            expected.insert(k.to_string());
        }
        let i = I18n::load().unwrap();
        let mut key_sets = Vec::new();
        for lang in Lang::ALL {
            let (file, text) = lang.sources()[2];
            assert!(file.starts_with("screening."), "{file}");
            let keys: BTreeSet<String> = file_keys(text).into_iter().collect();
            let missing: Vec<_> = expected.difference(&keys).collect();
            assert!(missing.is_empty(), "{file} lacks {missing:?}");
            for key in &keys {
                let indicator = key
                    .strip_prefix("screen-q-")
                    .or_else(|| key.strip_prefix("screen-i-"));
                if let Some(id) = indicator {
                    assert!(ids.contains(&id), "{file}: {key} names no indicator");
                }
                assert!(key.starts_with("screen-"), "{file}: {key}");
                let value = i.t(lang, key);
                assert!(
                    !value.trim().is_empty() && !value.starts_with('['),
                    "{file}: {key} formats to {value:?}"
                );
            }
            key_sets.push((file, keys));
        }
        let (en_file, en) = &key_sets[0];
        for (file, keys) in &key_sets[1..] {
            assert_eq!(keys, en, "{file} and {en_file} have different keys");
        }
        assert_eq!(
            i.t(Lang::Fr, "screen-i-debt_bondage"),
            "Servitude pour dettes"
        );
        assert_eq!(i.t(Lang::Es, "screen-answer-unknown"), "No sé");
    }

    #[test]
    fn negotiation() {
        assert_eq!(negotiate("fr-FR,fr;q=0.9,en;q=0.8"), Lang::Fr);
        assert_eq!(negotiate("es-VE"), Lang::Es);
        assert_eq!(negotiate("pt-BR,es;q=0.5"), Lang::Es);
        assert_eq!(negotiate("de"), Lang::En);
        assert_eq!(negotiate(""), Lang::En);
    }
}
