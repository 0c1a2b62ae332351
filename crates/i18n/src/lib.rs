//! haven-i18n
