//! What every feature's pages and API handlers share: the layout and translation of a page
//! (`layout`), the request context and session extractors (`ctx`), form extraction (`extract`),
//! security headers (`security`), the "are you sure?" page (`confirm`).
pub(crate) mod confirm;
pub(crate) mod ctx;
pub(crate) mod extract;
pub(crate) mod layout;
pub(crate) mod page;
pub(crate) mod problem;
pub(crate) mod security;
