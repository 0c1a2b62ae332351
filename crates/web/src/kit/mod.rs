//! What every feature's pages and API handlers share: the layout and translation of a page
//! (`layout`), the request context and session extractors (`ctx`), form extraction (`extract`),
//! security headers (`security`), the "are you sure?" page (`confirm`), the API's problem
//! documents and token extractor (`problem`) and the scope each API operation needs (`scopes`), idempotent retries (`idempotency`), requests per minute per token (`ratelimit`).
pub(crate) mod confirm;
pub(crate) mod ctx;
pub(crate) mod extract;
pub(crate) mod idempotency;
pub(crate) mod layout;
pub(crate) mod page;
pub(crate) mod paging;
pub(crate) mod problem;
pub(crate) mod ratelimit;
pub(crate) mod scopes;
pub(crate) mod security;
