//! Training: workshops, participants, sheets, certificates and reports (pages).
pub(crate) mod api;
pub(crate) mod pages;
