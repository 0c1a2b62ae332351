//! Statistics and statistical releases (pages; the API handlers are in `api.rs`).
pub(crate) mod api;
pub(crate) mod pages;
