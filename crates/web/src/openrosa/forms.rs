//! The forms Haven serves to phones, generated as ODK XForms (the JavaRosa profile ODK
//! Collect, KoboCollect and Enketo read): the ILO/EC screening interview from the indicator
//! set in use, in English, French and Spanish (itext; the phone's language picks one), with
//! the web form's consent question, context and the profiles' relevance (a question shows only
//! when it is an indicator for a profile the answers so far make possible).
use haven_domain::codes::GUYANA_REGIONS;
use haven_domain::screening::{DIMENSIONS, IndicatorSet, Profile};
use haven_i18n::{I18n, Lang};

/// The screening form's id (the instance root's `id`, the OpenRosa `formID`).
pub(crate) const SCREENING: &str = "haven_screening";

/// The layout of the generated form: bumped when the questions change shape, so that a phone
/// holding an older form gets the new one.
const LAYOUT: &str = "f1";

/// A generated form.
pub(crate) struct Form {
    pub(crate) id: &'static str,
    /// The OpenRosa version: the indicator set's version, and the layout's.
    pub(crate) version: String,
    pub(crate) title: String,
    pub(crate) xml: String,
    /// `md5:` and the hex MD5 of `xml`.
    pub(crate) hash: String,
}

/// `md5:` and the lower-case hex MD5 of the bytes served (what the form list announces).
fn md5_of(xml: &str) -> String {
    use md5::{Digest, Md5};
    format!("md5:{}", hex::encode(Md5::digest(xml.as_bytes())))
}

/// Text or an attribute value, escaped for XML.
pub(crate) fn esc(s: &str) -> String {
    quick_xml::escape::escape(s).into_owned()
}

/// A form version: the indicator set's version in the characters every client keeps as is.
pub(crate) fn version_of(set: &IndicatorSet) -> String {
    let v: String = set
        .version
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    format!("{}-{LAYOUT}", if v.is_empty() { "set" } else { &v })
}

/// The texts of one language, by itext id.
struct Texts(Vec<(String, String)>);

/// The XPath condition that a profile is among those the answers make possible (as
/// `haven_domain::screening::profiles_for`: a child under 18, with an uncertain or unknown age;
/// both kinds of exploitation when none is ticked).
fn profile_possible(p: Profile) -> &'static str {
    match p {
        Profile::AdultLabour => {
            "(not(/data/age_uncertain = 'yes') and string-length(/data/age) > 0 and /data/age >= 18) and (selected(/data/kinds, 'labour') or count-selected(/data/kinds) = 0)"
        }
        Profile::AdultSexual => {
            "(not(/data/age_uncertain = 'yes') and string-length(/data/age) > 0 and /data/age >= 18) and (selected(/data/kinds, 'sexual') or count-selected(/data/kinds) = 0)"
        }
        Profile::ChildLabour => {
            "(/data/age_uncertain = 'yes' or string-length(/data/age) = 0 or /data/age < 18) and (selected(/data/kinds, 'labour') or count-selected(/data/kinds) = 0)"
        }
        Profile::ChildSexual => {
            "(/data/age_uncertain = 'yes' or string-length(/data/age) = 0 or /data/age < 18) and (selected(/data/kinds, 'sexual') or count-selected(/data/kinds) = 0)"
        }
    }
}

/// The screening interview as an XForm.
pub(crate) fn screening(set: &IndicatorSet, i18n: &I18n) -> Form {
    let version = version_of(set);
    let title = "Haven: screening interview (ILO/EC indicators)".to_string();
    // Every itext id, with a message key (translated) or a text said the same in every language.
    enum Text {
        Key(String),
        Same(String),
    }
    let mut ids: Vec<(String, Text)> = Vec::new();
    for (id, k) in [
        ("consent", "screen-consent"),
        ("consent:constraint", "error-screening-consent"),
        ("screened_on", "screen-date"),
        ("screened_on:constraint", "error-date"),
        ("region", "screen-region"),
        ("place", "screen-place"),
        ("language", "screen-language"),
        ("interpreter", "screen-interpreter"),
        ("person_present", "screen-person-present"),
        ("age", "screen-age"),
        ("age:hint", "screen-age-help"),
        ("age:constraint", "error-number-range"),
        ("age_uncertain", "screen-age-uncertain"),
        ("kinds", "screen-kinds"),
        ("kinds/labour", "screen-kind-labour"),
        ("kinds/sexual", "screen-kind-sexual"),
        ("act", "screen-act"),
        ("yes", "screen-answer-present"),
        ("no", "screen-answer-absent"),
        ("unknown", "screen-answer-unknown"),
        ("evidence", "screen-evidence"),
        ("context", "screen-context"),
        ("intro", "screen-intro"),
        ("disclaimer", "screen-disclaimer"),
    ] {
        ids.push((id.to_string(), Text::Key(k.to_string())));
    }
    for r in GUYANA_REGIONS {
        let label = format!("{} ({})", r.name, r.number);
        ids.push((format!("region/{}", r.code), Text::Same(label)));
    }
    for d in 1..=DIMENSIONS {
        ids.push((format!("d{d}"), Text::Key(format!("screen-dim-{d}"))));
        ids.push((
            format!("d{d}:hint"),
            Text::Key(format!("screen-dim-{d}-help")),
        ));
    }
    for i in &set.indicators {
        let text = if i.local {
            // Local indicators carry no translation of ours: their id, readable (as on the web).
            Text::Same(i.id.replace('_', " "))
        } else {
            Text::Key(format!("screen-q-{}", i.id))
        };
        ids.push((format!("a_{}", i.id), text));
    }
    let translations: Vec<(Lang, Texts)> = Lang::ALL
        .iter()
        .map(|&l| {
            let texts = ids
                .iter()
                .map(|(id, t)| {
                    let text = match t {
                        Text::Key(k) => i18n.t(l, k),
                        Text::Same(s) => s.clone(),
                    };
                    (id.clone(), text)
                })
                .collect();
            (l, Texts(texts))
        })
        .collect();

    let mut x = String::with_capacity(256 * 1024);
    x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    x.push_str(
        "<h:html xmlns=\"http://www.w3.org/2002/xforms\" xmlns:h=\"http://www.w3.org/1999/xhtml\" \
         xmlns:jr=\"http://openrosa.org/javarosa\" xmlns:orx=\"http://openrosa.org/xforms\" \
         xmlns:odk=\"http://www.opendatakit.org/xforms\">\n<h:head>\n",
    );
    x.push_str(&format!("<h:title>{}</h:title>\n", esc(&title)));
    x.push_str("<model odk:xforms-version=\"1.0.0\">\n<itext>\n");
    for (l, texts) in &translations {
        let name = match l {
            Lang::En => "English (en)",
            Lang::Fr => "French (fr)",
            Lang::Es => "Spanish (es)",
        };
        let default = if *l == Lang::En {
            " default=\"true()\""
        } else {
            ""
        };
        x.push_str(&format!("<translation lang=\"{name}\"{default}>\n"));
        for (id, text) in &texts.0 {
            x.push_str(&format!(
                "<text id=\"{}\"><value>{}</value></text>\n",
                esc(id),
                esc(text)
            ));
        }
        x.push_str("</translation>\n");
    }
    x.push_str("</itext>\n");

    // The instance: the context, then one group per dimension.
    x.push_str(&format!(
        "<instance>\n<data id=\"{SCREENING}\" version=\"{}\">\n<indicator_set>{}</indicator_set>\n\
         <consent/><screened_on/><region/><place/><language/><interpreter/>\
         <person_present>yes</person_present><age/><age_uncertain/><kinds/><act/>\n",
        esc(&version),
        esc(&set.version)
    ));
    for d in 1..=DIMENSIONS {
        x.push_str(&format!("<d{d}>"));
        for i in set
            .indicators
            .iter()
            .filter(|i| usize::from(i.dimension) == d)
        {
            x.push_str(&format!("<a_{0}>unknown</a_{0}><e_{0}/>", i.id));
        }
        x.push_str(&format!("</d{d}>\n"));
    }
    x.push_str("<meta><instanceID/></meta>\n</data>\n</instance>\n");

    // Binds: types, requirements, constraints, relevance.
    let consented = "/data/consent = 'yes'";
    let mut bind = |nodeset: &str, attrs: &str| {
        x.push_str(&format!("<bind nodeset=\"{nodeset}\" {attrs}/>\n"));
    };
    bind("/data/indicator_set", "type=\"string\" readonly=\"true()\"");
    bind(
        "/data/consent",
        "type=\"string\" required=\"true()\" constraint=\". = 'yes'\" jr:constraintMsg=\"jr:itext('consent:constraint')\"",
    );
    let after_consent = format!("relevant=\"{consented}\"");
    bind(
        "/data/screened_on",
        &format!(
            "type=\"date\" required=\"true()\" constraint=\". &lt;= today()\" jr:constraintMsg=\"jr:itext('screened_on:constraint')\" {after_consent}"
        ),
    );
    bind("/data/region", &format!("type=\"string\" {after_consent}"));
    bind(
        "/data/place",
        &format!("type=\"string\" constraint=\"string-length(.) &lt;= 1000\" {after_consent}"),
    );
    bind(
        "/data/language",
        &format!("type=\"string\" constraint=\"string-length(.) &lt;= 100\" {after_consent}"),
    );
    for n in ["interpreter", "person_present", "age_uncertain", "act"] {
        bind(
            &format!("/data/{n}"),
            &format!("type=\"string\" {after_consent}"),
        );
    }
    bind(
        "/data/age",
        &format!(
            "type=\"int\" constraint=\". &gt;= 0 and . &lt; 130\" jr:constraintMsg=\"jr:itext('age:constraint')\" {after_consent}"
        ),
    );
    bind("/data/kinds", &format!("type=\"string\" {after_consent}"));
    for d in 1..=DIMENSIONS {
        bind(&format!("/data/d{d}"), &after_consent);
        for i in set
            .indicators
            .iter()
            .filter(|i| usize::from(i.dimension) == d)
        {
            let profiles: Vec<Profile> = Profile::ALL
                .into_iter()
                .filter(|p| i.strength[*p as usize].is_some())
                .collect();
            let relevant = if profiles.len() == Profile::ALL.len() {
                String::new()
            } else if profiles.is_empty() {
                // An indicator for no profile (a deployment's adjustment): never asked.
                " relevant=\"false()\"".to_string()
            } else {
                let any: Vec<String> = profiles
                    .iter()
                    .map(|p| format!("({})", profile_possible(*p)))
                    .collect();
                format!(" relevant=\"{}\"", esc(&any.join(" or ")))
            };
            bind(
                &format!("/data/d{d}/a_{}", i.id),
                &format!("type=\"string\" required=\"true()\"{relevant}"),
            );
            bind(
                &format!("/data/d{d}/e_{}", i.id),
                &format!("type=\"string\" constraint=\"string-length(.) &lt;= 1000\"{relevant}"),
            );
        }
    }
    bind(
        "/data/meta/instanceID",
        "type=\"string\" readonly=\"true()\" jr:preload=\"uid\"",
    );
    x.push_str(
        "<setvalue event=\"odk-instance-first-load\" ref=\"/data/screened_on\" value=\"today()\"/>\n",
    );
    x.push_str("</model>\n</h:head>\n<h:body>\n");

    // The body: the context, then the dimensions.
    let label = |id: &str| format!("<label ref=\"jr:itext('{id}')\"/>");
    let yes_no = format!(
        "<item>{}<value>yes</value></item><item>{}<value>no</value></item>",
        label("yes"),
        label("no")
    );
    x.push_str(&format!(
        "<group appearance=\"field-list\">{}<hint ref=\"jr:itext('intro')\"/>\n",
        label("context")
    ));
    x.push_str(&format!(
        "<select1 ref=\"/data/consent\">{}<hint ref=\"jr:itext('disclaimer')\"/>{yes_no}</select1>\n",
        label("consent")
    ));
    x.push_str(&format!(
        "<input ref=\"/data/screened_on\">{}</input>\n",
        label("screened_on")
    ));
    x.push_str(&format!(
        "<select1 ref=\"/data/region\">{}",
        label("region")
    ));
    for r in GUYANA_REGIONS {
        x.push_str(&format!(
            "<item>{}<value>{}</value></item>",
            label(&format!("region/{}", r.code)),
            r.code
        ));
    }
    x.push_str("</select1>\n");
    x.push_str(&format!(
        "<input ref=\"/data/place\">{}</input>\n",
        label("place")
    ));
    x.push_str(&format!(
        "<input ref=\"/data/language\">{}</input>\n",
        label("language")
    ));
    for n in ["interpreter", "person_present"] {
        x.push_str(&format!(
            "<select1 ref=\"/data/{n}\">{}{yes_no}</select1>\n",
            label(n)
        ));
    }
    x.push_str(&format!(
        "<input ref=\"/data/age\">{}<hint ref=\"jr:itext('age:hint')\"/></input>\n",
        label("age")
    ));
    x.push_str(&format!(
        "<select1 ref=\"/data/age_uncertain\">{}{yes_no}</select1>\n",
        label("age_uncertain")
    ));
    x.push_str(&format!(
        "<select ref=\"/data/kinds\">{}<item>{}<value>labour</value></item><item>{}<value>sexual</value></item></select>\n",
        label("kinds"),
        label("kinds/labour"),
        label("kinds/sexual")
    ));
    x.push_str(&format!(
        "<select1 ref=\"/data/act\">{}{yes_no}</select1>\n</group>\n",
        label("act")
    ));
    let answers = format!(
        "<item>{}<value>present</value></item><item>{}<value>absent</value></item><item>{}<value>unknown</value></item>",
        label("yes"),
        label("no"),
        label("unknown")
    );
    for d in 1..=DIMENSIONS {
        x.push_str(&format!(
            "<group ref=\"/data/d{d}\" appearance=\"field-list\">{}<hint ref=\"jr:itext('d{d}:hint')\"/>\n",
            label(&format!("d{d}"))
        ));
        for i in set
            .indicators
            .iter()
            .filter(|i| usize::from(i.dimension) == d)
        {
            x.push_str(&format!(
                "<select1 ref=\"/data/d{d}/a_{0}\">{1}{answers}</select1>\n\
                 <input ref=\"/data/d{d}/e_{0}\">{2}</input>\n",
                i.id,
                label(&format!("a_{}", i.id)),
                label("evidence")
            ));
        }
        x.push_str("</group>\n");
    }
    x.push_str("</h:body>\n</h:html>\n");
    Form {
        id: SCREENING,
        version,
        title,
        hash: md5_of(&x),
        xml: x,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_screening_form_asks_every_indicator_in_three_languages() {
        let i18n = I18n::load().unwrap();
        let set = IndicatorSet::ilo();
        let f = screening(&set, &i18n);
        assert!(f.hash.starts_with("md5:") && f.hash.len() == 36);
        for i in &set.indicators {
            assert!(
                f.xml
                    .contains(&format!("ref=\"/data/d{}/a_{}\"", i.dimension, i.id))
            );
        }
        for lang in ["English (en)", "French (fr)", "Spanish (es)"] {
            assert!(f.xml.contains(lang), "{lang}");
        }
        // A missing translation would show its key on the phone.
        assert!(!f.xml.contains("<value>screen-"), "every text translated");
        assert_eq!(f.version, "ilo-ec-2009-haven-1-f1");
    }
}
