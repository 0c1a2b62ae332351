#![allow(clippy::unwrap_used)] // a failed unwrap in a test is a failed test
//! Integration tests: the real server over a fresh database per test. One binary with modules,
//! so it compiles once. Run against PostgreSQL with HAVEN_TEST_BACKEND=postgres.
mod harness;

mod api;
mod audit_chain;
mod auth;
mod authz_matrix;
mod backup;
mod browser;
mod cases;
mod cli;
mod client;
mod consents;
mod dashboards;
mod duplicates;
mod durability;
mod encryption;
mod exports;
mod idempotency;
mod imports;
mod names;
mod need_to_know;
mod need_to_know_model;
mod notifications;
mod openrosa;
mod paging;
mod protection;
mod records;
mod referrals;
mod release;
mod release_attacks;
mod retention;
mod schemathesis;
mod screening;
mod smtp_sink;
mod tips;
mod tls;
mod tokens;
mod training;
mod training_api;
