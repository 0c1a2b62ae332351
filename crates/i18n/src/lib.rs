//! Translations with Fluent: English, French and Spanish. The user's saved choice wins, else the
//! browser's Accept-Language, else English. Messages are compiled into the binary.
use std::collections::HashMap;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::LanguageIdentifier;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Lang {
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

    fn source(self) -> &'static str {
        match self {
            Lang::En => include_str!("../locales/en.ftl"),
            Lang::Fr => include_str!("../locales/fr.ftl"),
            Lang::Es => include_str!("../locales/es.ftl"),
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
            let res = FluentResource::try_new(lang.source().to_string())
                .map_err(|(_, errs)| err(format!("{errs:?}")))?;
            let id: LanguageIdentifier = lang.code().parse().map_err(|e| err(format!("{e}")))?;
            let mut bundle = FluentBundle::new_concurrent(vec![id]);
            // Isolation marks would show up as stray characters in HTML and CSV.
            bundle.set_use_isolating(false);
            bundle
                .add_resource(res)
                .map_err(|e| err(format!("{e:?}")))?;
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

    /// Every message key of a language.
    pub fn keys(lang: Lang) -> Vec<String> {
        let res = FluentResource::try_new(lang.source().to_string()).unwrap_or_else(|(r, _)| r);
        res.entries()
            .filter_map(|e| match e {
                fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_string()),
                _ => None,
            })
            .collect()
    }
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
    use std::collections::BTreeSet;

    #[test]
    fn every_language_has_the_same_keys() {
        let en: BTreeSet<String> = I18n::keys(Lang::En).into_iter().collect();
        assert!(en.len() > 50, "English messages load");
        for lang in [Lang::Fr, Lang::Es] {
            let other: BTreeSet<String> = I18n::keys(lang).into_iter().collect();
            let missing: Vec<_> = en.difference(&other).collect();
            let extra: Vec<_> = other.difference(&en).collect();
            assert!(missing.is_empty(), "{} lacks {missing:?}", lang.code());
            assert!(
                extra.is_empty(),
                "{} has keys English lacks: {extra:?}",
                lang.code()
            );
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

    #[test]
    fn negotiation() {
        assert_eq!(negotiate("fr-FR,fr;q=0.9,en;q=0.8"), Lang::Fr);
        assert_eq!(negotiate("es-VE"), Lang::Es);
        assert_eq!(negotiate("pt-BR,es;q=0.5"), Lang::Es);
        assert_eq!(negotiate("de"), Lang::En);
        assert_eq!(negotiate(""), Lang::En);
    }
}
