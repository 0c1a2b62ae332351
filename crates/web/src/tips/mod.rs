//! Tips: the public form, the hotline queue and triage (pages and API).
pub(crate) mod api;
pub(crate) mod pages;
