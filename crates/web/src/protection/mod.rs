//! Protection and follow-up: risk, reflection period, plans, tasks (pages and API).
pub(crate) mod api;
pub(crate) mod pages;
