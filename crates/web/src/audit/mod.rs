//! The audit trail (pages).
pub(crate) mod api;
pub(crate) mod pages;
