//! Possible existing records and the coordinator's duplicate review (pages and API).
pub(crate) mod api;
pub(crate) mod pages;
