//! haven-authz
