//! Screening interviews by the ILO/EC indicators and linking them to cases (pages).
pub(crate) mod api;
pub(crate) mod pages;
