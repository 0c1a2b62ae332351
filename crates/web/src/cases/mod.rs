//! Cases: the list and search, the case page and record form, transfers, people (pages and API).
pub(crate) mod api;
pub(crate) mod drafts;
pub(crate) mod forms;
pub(crate) mod pages;
