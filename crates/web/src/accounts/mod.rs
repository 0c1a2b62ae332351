//! Accounts: signing in, one's own account, administration (pages).
pub(crate) mod account;
pub(crate) mod admin;
pub(crate) mod api;
pub(crate) mod devices;
pub(crate) mod signin;
