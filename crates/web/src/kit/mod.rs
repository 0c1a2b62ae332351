//! What every feature's pages and API handlers share: the layout and translation of a page
//! (`layout`), the request context and session extractors (`ctx`), form extraction (`extract`),
//! security headers (`security`).
pub(crate) mod ctx;
pub(crate) mod extract;
pub(crate) mod layout;
pub(crate) mod page;
pub(crate) mod problem;
pub(crate) mod security;
