//! Validated values: constructed only by parsing, so the rest of the code never re-checks.
use std::fmt;

/// Why an input was refused. `key()` names the translated message shown to the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValidationError {
    #[error("{field} is required")]
    Required { field: &'static str },
    #[error("{field} is too long (at most {max} characters)")]
    TooLong { field: &'static str, max: usize },
    #[error("{field} is too short (at least {min} characters)")]
    TooShort { field: &'static str, min: usize },
    #[error("{field} has characters that are not allowed")]
    BadCharacters { field: &'static str },
    #[error("{code:?} is not a known {field} code")]
    UnknownCode { field: &'static str, code: String },
}

impl ValidationError {
    /// The Fluent message key for this error.
    pub fn key(&self) -> &'static str {
        match self {
            ValidationError::Required { .. } => "error-required",
            ValidationError::TooLong { .. } => "error-too-long",
            ValidationError::TooShort { .. } => "error-too-short",
            ValidationError::BadCharacters { .. } => "error-bad-characters",
            ValidationError::UnknownCode { .. } => "error-unknown-code",
        }
    }

    pub fn field(&self) -> &'static str {
        match self {
            ValidationError::Required { field }
            | ValidationError::TooLong { field, .. }
            | ValidationError::TooShort { field, .. }
            | ValidationError::BadCharacters { field }
            | ValidationError::UnknownCode { field, .. } => field,
        }
    }
}

fn clean_text(field: &'static str, raw: &str, max: usize) -> Result<String, ValidationError> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(ValidationError::Required { field });
    }
    if s.chars().count() > max {
        return Err(ValidationError::TooLong { field, max });
    }
    if s.chars().any(|c| c.is_control()) {
        return Err(ValidationError::BadCharacters { field });
    }
    Ok(s.to_string())
}

macro_rules! text_value {
    ($(#[$doc:meta])* $name:ident, $field:literal, $max:expr) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub fn parse(raw: &str) -> Result<Self, ValidationError> {
                clean_text($field, raw, $max).map(Self)
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

text_value!(
    /// An agency's name as shown to users.
    AgencyName, "name", 200
);
text_value!(
    /// A user's display name (staff, not a victim).
    DisplayName, "display_name", 120
);

/// A login name: lower-case letters, digits, `.`, `_` and `-`, 3 to 64 characters.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct Username(String);

impl Username {
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let s = raw.trim().to_lowercase();
        if s.is_empty() {
            return Err(ValidationError::Required { field: "username" });
        }
        if s.len() < 3 {
            return Err(ValidationError::TooShort {
                field: "username",
                min: 3,
            });
        }
        if s.len() > 64 {
            return Err(ValidationError::TooLong {
                field: "username",
                max: 64,
            });
        }
        if !s
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c))
        {
            return Err(ValidationError::BadCharacters { field: "username" });
        }
        Ok(Self(s))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A case number as shown on paper forms: `GY-2026-000123`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct CaseNumber(String);

impl CaseNumber {
    pub fn new(country: &str, year: i32, seq: u32) -> Self {
        Self(format!("{country}-{year}-{seq:06}"))
    }
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let s = raw.trim().to_ascii_uppercase();
        let parts: Vec<&str> = s.split('-').collect();
        let ok = parts.len() == 3
            && parts[0].len() == 2
            && parts[0].chars().all(|c| c.is_ascii_uppercase())
            && parts[1].len() == 4
            && parts[1].chars().all(|c| c.is_ascii_digit())
            && !parts[2].is_empty()
            && parts[2].chars().all(|c| c.is_ascii_digit());
        if ok {
            Ok(Self(s))
        } else {
            Err(ValidationError::BadCharacters {
                field: "case_number",
            })
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CaseNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_normalised_and_checked() {
        assert_eq!(Username::parse("  Alice.B ").unwrap().as_str(), "alice.b");
        assert!(matches!(
            Username::parse("ab"),
            Err(ValidationError::TooShort { .. })
        ));
        assert!(matches!(
            Username::parse("a b c"),
            Err(ValidationError::BadCharacters { .. })
        ));
        assert!(matches!(
            Username::parse(""),
            Err(ValidationError::Required { .. })
        ));
    }

    #[test]
    fn text_values_refuse_blank_long_and_control() {
        assert!(AgencyName::parse("  ").is_err());
        assert!(AgencyName::parse(&"x".repeat(201)).is_err());
        assert!(AgencyName::parse("Help\u{0}Shelter").is_err());
        assert_eq!(
            AgencyName::parse(" Help & Shelter ").unwrap().as_str(),
            "Help & Shelter"
        );
    }

    #[test]
    fn case_numbers_parse() {
        assert_eq!(CaseNumber::new("GY", 2026, 42).as_str(), "GY-2026-000042");
        assert!(CaseNumber::parse("gy-2026-000042").is_ok());
        assert!(CaseNumber::parse("GY-26-1").is_err());
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn parsers_never_panic(s in "\\PC{0,80}") {
            let _ = Username::parse(&s);
            let _ = CaseNumber::parse(&s);
            let _ = AgencyName::parse(&s);
            let _ = DisplayName::parse(&s);
        }

        #[test]
        fn case_numbers_round_trip(cc in "[A-Z]{2}", year in 1900i32..2100, seq in 0u32..1_000_000) {
            let n = CaseNumber::new(&cc, year, seq);
            prop_assert_eq!(CaseNumber::parse(n.as_str()).unwrap(), n.clone());
            prop_assert_eq!(CaseNumber::parse(&n.as_str().to_lowercase()).unwrap(), n);
        }

        #[test]
        fn accepted_usernames_are_canonical(s in "[a-zA-Z0-9._-]{3,64}") {
            let u = Username::parse(&s).unwrap();
            prop_assert_eq!(Username::parse(u.as_str()).unwrap(), u.clone());
            prop_assert!(u.as_str().chars().all(|c| !c.is_ascii_uppercase()));
        }

        #[test]
        fn accepted_text_has_no_control_characters_or_outer_spaces(s in "\\PC{0,250}") {
            if let Ok(v) = AgencyName::parse(&s) {
                prop_assert!(!v.as_str().chars().any(char::is_control));
                prop_assert_eq!(v.as_str().trim(), v.as_str());
                prop_assert!(v.as_str().chars().count() <= 200);
            }
        }
    }
}

/// A code typed by someone, folded the Crockford base-32 way: letters and digits only, upper
/// case, O read as 0 and I or L as 1 (the look-alikes a code never holds).
pub fn crockford_fold(raw: &str) -> String {
    raw.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        })
        .collect()
}
