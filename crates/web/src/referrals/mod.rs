//! Referrals, consents, the service directory and in-app notifications (pages and API).
pub(crate) mod api;
pub(crate) mod notifications;
pub(crate) mod pages;
pub(crate) mod services;
