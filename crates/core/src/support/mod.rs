//! What several features share, in named homes: the sealing labels of encrypted columns
//! (`sealed`), the case transaction every case use-case runs in (`unit`), and small helpers for
//! typed text and dates.
pub mod clock;
pub mod sealed;
pub(crate) mod unit;

/// The window of the rate limits kept in `rate_events` (public tips per address, possible-match
/// checks per user): one hour.
pub const RATE_WINDOW_SECS: i64 = 3600;

/// The trimmed text, or `None` when nothing is left.
pub(crate) fn opt(s: &str) -> Option<&str> {
    let s = s.trim();
    (!s.is_empty()).then_some(s)
}
