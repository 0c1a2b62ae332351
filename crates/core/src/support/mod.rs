//! What several features share, in named homes: the sealing labels of encrypted columns
//! (`sealed`), the case transaction every case use-case runs in (`unit`), and small helpers for
//! typed text and dates.
pub mod clock;
pub mod sealed;
pub(crate) mod unit;

use crate::now;

/// The window of the rate limits kept in `rate_events` (public tips per address, possible-match
/// checks per user): one hour.
pub const RATE_WINDOW_SECS: i64 = 3600;

/// The trimmed text, or `None` when nothing is left.
pub(crate) fn opt(s: &str) -> Option<&str> {
    let s = s.trim();
    (!s.is_empty()).then_some(s)
}

/// Today's date (UTC), for age and date checks.
pub fn today() -> time::Date {
    time::OffsetDateTime::from_unix_timestamp(now())
        .map(|t| t.date())
        .unwrap_or(time::macros::date!(2026 - 01 - 01))
}
