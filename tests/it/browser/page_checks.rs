//! What every page a browser test arrives on is checked for, whatever the journey: axe-core's
//! WCAG 2.1 AA rules (no violation of impact "serious" or "critical"), no sideways scroll, and no
//! raw code of a reference list where a person reads (a code must reach people as its label).
use std::collections::HashSet;
use std::path::PathBuf;

use haven_domain::reference::{ALL_PICKLISTS, LANGUAGES};

/// Where `npm ci --prefix tools/axe` puts axe-core.
pub(super) fn axe_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tools/axe/node_modules/axe-core/axe.min.js")
}

/// axe-core's source, or a message saying how to install it.
pub(super) fn axe_source() -> String {
    let path = axe_path();
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "the browser tests check every page with axe-core, but {} cannot be read ({e}): \
             run `npm ci --prefix tools/axe`",
            path.display()
        )
    })
}

/// The script run on each page after axe-core's source: axe's WCAG 2.1 A/AA rules, then the
/// page's language, visible text and widths. Calls back with one object.
pub(super) const CHECK_SCRIPT: &str = r#"
var done = arguments[arguments.length - 1];
function check() {
  var page = {
    type: document.contentType,
    lang: document.documentElement.lang,
    text: document.title + '\n' + (document.body ? document.body.innerText : ''),
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
    violations: []
  };
  if (document.contentType !== 'text/html') { done(page); return; }
  axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    resultTypes: ['violations']
  }).then(function (r) {
    page.violations = r.violations
      .filter(function (v) { return v.impact === 'serious' || v.impact === 'critical'; })
      .map(function (v) {
        return v.id + ' (' + v.impact + '): ' + v.help + ' at ' + v.nodes.slice(0, 3)
          .map(function (n) { return n.target.join(' ') + ' ' + n.html.slice(0, 120); }).join(' | ');
      });
    done(page);
  }).catch(function (e) { page.violations = ['axe failed: ' + e]; done(page); });
}
// A page arrived on by a click may still be loading its style sheet: measure it once loaded.
if (document.readyState === 'complete') { check(); } else { window.addEventListener('load', check); }
"#;

/// The codes a person must never read as such.
pub(super) struct RawCodes {
    /// HTCDS picklist codes written in CamelCase (`DebtBondage`, `ClosedReferred`).
    camel: HashSet<&'static str>,
    /// ISO 639-2 language codes (`spa`): raw when two or more stand in a row ("eng spa por").
    languages: HashSet<&'static str>,
    /// Language codes that are words in none of the three languages: raw even alone.
    language_alone: HashSet<&'static str>,
    /// Haven's own status and kind codes that are English words (`sent`, `written`): raw on a
    /// French or Spanish page.
    english_words: HashSet<&'static str>,
}

impl RawCodes {
    pub(super) fn new() -> RawCodes {
        // A code whose English label is the code itself is a name ("WhatsApp"), not a code.
        let labels = std::fs::read_to_string(
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("crates/i18n/locales/reference.en.ftl"),
        )
        .expect("reference.en.ftl");
        let named_as_is: HashSet<&str> = labels
            .lines()
            .filter_map(|line| {
                let (key, label) = line.split_once(" = ")?;
                key.ends_with(&format!("-{label}")).then_some(label)
            })
            .collect();
        let camel = ALL_PICKLISTS
            .iter()
            .flat_map(|p| p.codes.iter().copied())
            .filter(|c| {
                c.as_bytes()
                    .windows(2)
                    .any(|w| w[0].is_ascii_lowercase() && w[1].is_ascii_uppercase())
                    && !named_as_is.contains(c)
            })
            .collect();
        RawCodes {
            camel,
            languages: LANGUAGES.iter().map(|l| l.code).collect(),
            language_alone: [
                "eng", "spa", "fra", "fre", "deu", "ger", "nld", "dut", "hin", "zho", "chi", "rus",
                "jpn", "arw",
            ]
            .into_iter()
            .collect(),
            english_words: [
                "draft",
                "sent",
                "accepted",
                "declined",
                "completed",
                "revoked",
                "redirected",
                "expired",
                "failed",
                "committed",
                "previewed",
                "uploaded",
                "cancelled",
                "denied",
                "pending",
                "approved",
                "rejected",
                "submitted",
                "returned",
                "achieved",
                "dropped",
                "claimed",
                "awarded",
                "paid",
                "refused",
                "requested",
                "delivered",
                "written",
                "valid",
                "anonymized",
                "synthetic",
                "aggregates",
                "open",
                "done",
                "intake",
                "review",
            ]
            .into_iter()
            .collect(),
        }
    }

    /// The raw codes in a page's visible text (`lang` is the page's language).
    pub(super) fn find(&self, lang: &str, text: &str) -> Vec<String> {
        let mut found = Vec::new();
        for line in text.lines() {
            let words: Vec<&str> = line
                .split(|c: char| c.is_whitespace() || c == ',' || c == ';' || c == '·')
                .map(|w| {
                    w.trim_matches(|c: char| {
                        matches!(
                            c,
                            '.' | ':' | '(' | ')' | '[' | ']' | '«' | '»' | '"' | '\'' | '!' | '?'
                        )
                    })
                })
                .filter(|w| !w.is_empty())
                .collect();
            let mut run = 0;
            for (i, w) in words.iter().enumerate() {
                let mut why = None;
                if is_snake_case(w) {
                    why = Some("snake_case code");
                } else if self.camel.contains(w) {
                    why = Some("picklist code");
                } else if w.contains("ilo-ec-") {
                    why = Some("indicator set code");
                } else if is_open_range(w) {
                    why = Some("age range written as a code");
                } else if self.language_alone.contains(w) {
                    why = Some("language code");
                } else if lang != "en" && self.english_words.contains(w) {
                    why = Some("English status code on a translated page");
                }
                if self.languages.contains(w) {
                    run += 1;
                    if run == 2 {
                        why = Some("language codes in a row");
                    }
                } else {
                    run = 0;
                }
                if let Some(why) = why {
                    let context: String = words[i.saturating_sub(3)..(i + 4).min(words.len())]
                        .join(" ")
                        .chars()
                        .take(100)
                        .collect();
                    found.push(format!("{w:?} ({why}) in \"{context}\""));
                }
            }
        }
        found.sort();
        found.dedup();
        found
    }
}

/// `in_progress`, `deceived_nature_of_job`: lower-case letters and digits joined by underscores.
fn is_snake_case(w: &str) -> bool {
    w.contains('_')
        && !w.starts_with('_')
        && !w.ends_with('_')
        && w.starts_with(|c: char| c.is_ascii_lowercase())
        && w.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// `–17` or `60–`: a range with an open end, as stored, not "under 18" or "60 and over".
fn is_open_range(w: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.len() <= 3 && s.chars().all(|c| c.is_ascii_digit());
    ['–', '-']
        .iter()
        .any(|d| w.strip_prefix(*d).is_some_and(digits) || w.strip_suffix(*d).is_some_and(digits))
}

#[test]
fn raw_codes_are_found_and_words_are_not() {
    let codes = RawCodes::new();
    let found = |lang: &str, text: &str| codes.find(lang, text);
    assert_eq!(
        found("en", "Speaks eng spa por").len(),
        2,
        "a run of languages"
    );
    assert!(found("en", "Speaks English, Spanish").is_empty());
    assert!(!found("en", "Control: DebtBondage").is_empty());
    assert!(
        found("en", "Recruited through WhatsApp").is_empty(),
        "a name, not a code"
    );
    assert!(found("en", "Control: debt bondage").is_empty());
    assert!(!found("en", "Status: in_progress").is_empty());
    assert!(!found("en", "Age –17").is_empty());
    assert!(!found("en", "Age 60–").is_empty());
    assert!(found("en", "Age 18–24, on 9–10 July").is_empty());
    assert!(!found("fr", "Statut : sent").is_empty());
    assert!(found("en", "The referral was sent").is_empty());
    assert!(!found("en", "Indicators ilo-ec-2009/haven-1").is_empty());
    assert!(
        found("es", "Remitido por la agencia").is_empty(),
        "por alone is Spanish"
    );
    assert!(found("en", "mail: ana_maria@example.org").is_empty());
}
