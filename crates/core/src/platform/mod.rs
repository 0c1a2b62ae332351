//! What keeps a deployment running rather than a feature: keys and key rotation, encrypted
//! backups, notifications and the e-mail outbox, retention and anonymisation, idempotent API
//! retries; writing past records (the demo).
pub mod backup;
pub mod idempotency;
pub mod jobs;
pub mod keys;
pub mod notifications;
pub mod retention;
pub mod seed;
