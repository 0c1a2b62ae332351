//! List cursors: where a page ended in a list's order, as (a time, a tie-breaking key). Opaque
//! to clients (base64url of both); the key is an id or a case number, never personal data.
use base64::Engine;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;

pub fn encode(at: i64, key: &str) -> String {
    B64.encode(format!("{at}.{key}"))
}

/// A cursor Haven made, or `None`.
pub fn decode(cursor: &str) -> Option<(i64, String)> {
    let raw = B64.decode(cursor.trim()).ok()?;
    let text = String::from_utf8(raw).ok()?;
    let (at, key) = text.split_once('.')?;
    let key = key.trim();
    (!key.is_empty() && key.len() <= 64).then(|| Some((at.parse().ok()?, key.to_string())))?
}

/// The cursor typed by a client, checked: empty is the first page, anything Haven did not make
/// is a field error on `cursor`.
pub(crate) fn parse(cursor: &str) -> crate::Result<Option<(i64, String)>> {
    match cursor.trim() {
        "" => Ok(None),
        c => decode(c)
            .map(Some)
            .ok_or(crate::CoreError::invalid("cursor", "error-cursor")),
    }
}

/// A page of `limit` from rows fetched with one more: the rows, and the next page's cursor
/// when there was that one more.
pub(crate) fn page<T>(
    mut rows: Vec<T>,
    limit: usize,
    at: impl Fn(&T) -> (i64, String),
) -> (Vec<T>, Option<String>) {
    if rows.len() > limit {
        rows.truncate(limit);
        let next = rows.last().map(|r| {
            let (t, k) = at(r);
            encode(t, &k)
        });
        (rows, next)
    } else {
        (rows, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn round_trip_and_junk() {
        let c = encode(1_700_000_000, "GY-2026-000123");
        assert_eq!(decode(&c), Some((1_700_000_000, "GY-2026-000123".into())));
        for junk in ["", "not base64!", "MTIz", "eC5HWQ"] {
            assert_eq!(decode(junk), None, "{junk}");
        }
    }

    #[test]
    fn a_page_says_whether_more_follow() {
        let rows: Vec<(i64, &str)> = vec![(3, "c"), (2, "b"), (1, "a")];
        let (p, next) = page(rows.clone(), 2, |r| (r.0, r.1.to_string()));
        assert_eq!(p.len(), 2);
        assert_eq!(next.as_deref().and_then(decode), Some((2, "b".into())));
        let (p, next) = page(rows, 3, |r| (r.0, r.1.to_string()));
        assert_eq!((p.len(), next), (3, None));
    }

    proptest! {
        /// Any text is either a cursor Haven made or refused, never a panic.
        #[test]
        fn any_text_decodes_or_is_refused(s in ".{0,200}") {
            let _ = decode(&s);
        }

        #[test]
        fn cursors_round_trip(at in any::<i64>(), k in "[A-Za-z0-9-]{1,64}") {
            prop_assert_eq!(decode(&encode(at, &k)), Some((at, k)));
        }
    }
}
