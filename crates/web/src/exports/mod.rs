//! Case lists out: the export form and file (pages), the same in the JSON API, and the
//! coordinator's switch for personal fields.
pub(crate) mod api;
pub(crate) mod pages;
