//! List cursors: where a page ended in a list's order, as (a time, a tie-breaking key). Opaque
//! to clients (base64url of both); the key is an id or a case number, or for lists in
//! alphabetical order an agency's name or a user name with its id: never data about a person.
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
    (!key.is_empty() && key.len() <= 512).then(|| Some((at.parse().ok()?, key.to_string())))?
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

/// Which page of a list a caller asks for: the items after a cursor, at most `limit` of them.
/// For lists short enough to be read whole (one user's tokens, drafts or tasks, the agencies,
/// the workshops): the list is put in its order by each item's place, and the page cut from it.
#[derive(Clone, Debug)]
pub struct PageRequest {
    after: Option<(i64, String)>,
    limit: usize,
}

impl PageRequest {
    /// The largest page a client may ask for.
    pub const MAX: usize = 1000;

    /// The page after `cursor` (empty: the first), of `limit` (1 to [`Self::MAX`]) items:
    /// a cursor Haven did not make, or a limit out of range, is a field error.
    pub fn new(cursor: &str, limit: usize) -> crate::Result<Self> {
        if limit == 0 || limit > Self::MAX {
            return Err(crate::CoreError::invalid("limit", "error-number-range"));
        }
        Ok(Self {
            after: parse(cursor)?,
            limit,
        })
    }

    /// The first `limit` items (a page that shows a list's head).
    pub fn first(limit: usize) -> Self {
        Self {
            after: None,
            limit: limit.max(1),
        }
    }

    /// The whole list (the web pages, which show it at once).
    pub fn all() -> Self {
        Self {
            after: None,
            limit: usize::MAX - 1,
        }
    }

    /// Cuts this page from the whole list. `place` gives an item's place in the list's order
    /// (the list is sorted ascending by it; a time is negated for "newest first") and must be
    /// unique (the second part is an id). Items after the cursor's place follow it even when
    /// the item the cursor was made from is gone since.
    pub fn cut<T>(
        &self,
        mut items: Vec<T>,
        place: impl Fn(&T) -> (i64, String),
    ) -> (Vec<T>, Option<String>) {
        items.sort_by_cached_key(|i| place(i));
        if let Some(after) = &self.after {
            items.retain(|i| place(i) > *after);
        }
        page(items, self.limit, place)
    }

    /// The keyset bound for a query ordered by a (time, id) pair, and the number of rows to
    /// fetch (one more than the page, to know whether another follows).
    pub fn keyset(&self) -> (Option<(i64, &str)>, i64) {
        (
            self.after.as_ref().map(|(t, k)| (*t, k.as_str())),
            i64::try_from(self.limit.saturating_add(1)).unwrap_or(i64::MAX),
        )
    }

    /// Cuts a page from rows fetched with [`Self::keyset`]'s count.
    pub fn rest<T>(
        &self,
        rows: Vec<T>,
        place: impl Fn(&T) -> (i64, String),
    ) -> (Vec<T>, Option<String>) {
        page(rows, self.limit, place)
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

    #[test]
    fn a_cut_page_follows_the_cursor_even_when_its_item_is_gone() {
        let items = vec![(5, "e"), (1, "a"), (3, "c"), (2, "b"), (4, "d")];
        let place = |i: &(i64, &str)| (i.0, i.1.to_string());
        let first = PageRequest::new("", 2).unwrap();
        let (p, next) = first.cut(items.clone(), place);
        assert_eq!(p, vec![(1, "a"), (2, "b")]);
        let next = next.unwrap();
        // "b" is deleted before the next page is asked for: the page still starts at "c".
        let without_b: Vec<_> = items.into_iter().filter(|i| i.1 != "b").collect();
        let (p, next) = PageRequest::new(&next, 2)
            .unwrap()
            .cut(without_b.clone(), place);
        assert_eq!(p, vec![(3, "c"), (4, "d")]);
        let (p, last) = PageRequest::new(&next.unwrap(), 2)
            .unwrap()
            .cut(without_b, place);
        assert_eq!((p, last), (vec![(5, "e")], None));
    }

    #[test]
    fn limits_out_of_range_and_foreign_cursors_are_field_errors() {
        for (c, l) in [("", 0), ("", 1001), ("junk!", 10)] {
            assert!(PageRequest::new(c, l).is_err(), "{c} {l}");
        }
        assert_eq!(
            PageRequest::all()
                .cut(vec![(1, "x")], |i| (i.0, i.1.to_string()))
                .1,
            None
        );
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
