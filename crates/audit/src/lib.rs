//! haven-audit
