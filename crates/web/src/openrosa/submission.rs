//! A submitted form instance (the XML a phone sends), read into its leaf values by path, as
//! ODK Central reads it: elements by local name, whatever their namespace. No DTD, no entity
//! but XML's own five and character references, bounded depth, size and count: the file comes
//! from a device in the field and is treated as hostile.
use std::collections::BTreeMap;

use quick_xml::events::Event;

/// The deepest nesting of elements read, and the most elements.
const MAX_DEPTH: usize = 8;
const MAX_ELEMENTS: usize = 5000;
/// The longest value of one element.
const MAX_VALUE: usize = 10_000;

/// A form instance: its form, version, and each leaf's value by its path below the root
/// (`consent`, `d1/a_deceived_nature_of_job`, `meta/instanceID`).
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Instance {
    pub(crate) form_id: String,
    pub(crate) version: String,
    pub(crate) fields: BTreeMap<String, String>,
}

/// Why a file is not a form instance (logged; the phone gets a general message).
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Unreadable {
    Xml,
    Doctype,
    Entity,
    TooDeep,
    TooLarge,
    NoRoot,
}

enum Kind {
    Empty,
    Other,
}

pub(crate) fn parse(xml: &str) -> Result<Instance, Unreadable> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out = Instance::default();
    let mut stack: Vec<String> = Vec::new();
    // Per open element: its text so far, and whether it has child elements.
    let mut texts: Vec<(String, bool)> = Vec::new();
    let mut root_seen = false;
    let mut elements = 0usize;
    loop {
        let ev = reader.read_event().map_err(|_| Unreadable::Xml)?;
        let ev_kind = match ev {
            Event::Empty(_) => Kind::Empty,
            _ => Kind::Other,
        };
        match ev {
            Event::Start(e) | Event::Empty(e) => {
                let empty = matches!(ev_kind, Kind::Empty);
                elements += 1;
                if elements > MAX_ELEMENTS {
                    return Err(Unreadable::TooLarge);
                }
                let name = e.local_name().as_ref().to_string();
                if !root_seen {
                    root_seen = true;
                    for a in e.attributes() {
                        let a = a.map_err(|_| Unreadable::Xml)?;
                        let v = a
                            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                            .map_err(|_| Unreadable::Entity)?;
                        match a.key.local_name().as_ref() {
                            "id" => out.form_id = v.into_owned(),
                            "version" => out.version = v.into_owned(),
                            _ => {}
                        }
                    }
                    texts.push((String::new(), true));
                    stack.push(String::new());
                } else {
                    if let Some(parent) = texts.last_mut() {
                        parent.1 = true;
                    }
                    stack.push(name);
                    texts.push((String::new(), false));
                    if stack.len() > MAX_DEPTH {
                        return Err(Unreadable::TooDeep);
                    }
                }
                if empty {
                    close(&mut stack, &mut texts, &mut out);
                }
            }
            Event::End(_) => {
                close(&mut stack, &mut texts, &mut out);
            }
            Event::Text(t) => {
                if let Some(cur) = texts.last_mut() {
                    cur.0.push_str(&t.xml10_content());
                    if cur.0.len() > MAX_VALUE {
                        return Err(Unreadable::TooLarge);
                    }
                }
            }
            Event::CData(t) => {
                if let Some(cur) = texts.last_mut() {
                    cur.0.push_str(&t.into_inner());
                }
            }
            Event::GeneralRef(r) => {
                let c = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    Ok(None) => quick_xml::escape::resolve_predefined_entity(&r)
                        .ok_or(Unreadable::Entity)?
                        .to_string(),
                    Err(_) => return Err(Unreadable::Entity),
                };
                if let Some(cur) = texts.last_mut() {
                    cur.0.push_str(&c);
                }
            }
            Event::DocType(_) => return Err(Unreadable::Doctype),
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
        }
    }
    if !root_seen || !stack.is_empty() {
        return Err(Unreadable::NoRoot);
    }
    Ok(out)
}

fn close(stack: &mut Vec<String>, texts: &mut Vec<(String, bool)>, out: &mut Instance) {
    let (text, has_children) = texts.pop().unwrap_or_default();
    if stack.len() > 1 && !has_children {
        let path = stack[1..].join("/");
        out.fields.insert(path, text.trim().to_string());
    }
    stack.pop();
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_collect_instance_is_read_by_local_names() {
        let xml = r#"<?xml version='1.0' ?><data id="haven_screening" version="v1" xmlns:orx="http://openrosa.org/xforms"><consent>yes</consent><place>Camp &amp; shop &#233;</place><kinds>labour sexual</kinds><age/><d1><a_x>present</a_x><e_x><![CDATA[a < b]]></e_x></d1><orx:meta><orx:instanceID>uuid:1</orx:instanceID></orx:meta></data>"#;
        let i = parse(xml).unwrap();
        assert_eq!(
            (i.form_id.as_str(), i.version.as_str()),
            ("haven_screening", "v1")
        );
        assert_eq!(i.fields["consent"], "yes");
        assert_eq!(i.fields["place"], "Camp & shop é");
        assert_eq!(i.fields["age"], "");
        assert_eq!(i.fields["d1/a_x"], "present");
        assert_eq!(i.fields["d1/e_x"], "a < b");
        assert_eq!(i.fields["meta/instanceID"], "uuid:1");
        assert!(!i.fields.contains_key("d1"), "groups are not values");
    }

    #[test]
    fn hostile_files_are_refused() {
        let bomb = r#"<!DOCTYPE d [<!ENTITY a "aaaa">]><data id="x"><c>&a;</c></data>"#;
        assert_eq!(parse(bomb), Err(Unreadable::Doctype));
        assert_eq!(
            parse(r#"<data id="x"><c>&a;</c></data>"#),
            Err(Unreadable::Entity)
        );
        let deep = format!(
            "<data id=\"x\">{}{}</data>",
            "<a>".repeat(20),
            "</a>".repeat(20)
        );
        assert_eq!(parse(&deep), Err(Unreadable::TooDeep));
        assert!(parse("<data id=\"x\"><a>").is_err());
        assert!(parse("").is_err());
        assert!(parse("not xml").is_err());
    }

    proptest! {
        /// Any text is read or refused, never a panic.
        #[test]
        fn any_text_is_read_or_refused(s in "\\PC{0,300}") {
            let _ = parse(&s);
            let _ = parse(&format!("<data id=\"x\"><c>{s}</c></data>"));
        }
    }
}
