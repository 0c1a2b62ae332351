//! The one rule for free text typed by a user (notes, reasons, evidence, descriptions, names of
//! things): at most so many characters, and no control characters other than line breaks and
//! tabs where several lines are allowed. One rule, one set of message keys, everywhere.

/// Whether a text may hold several lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lines {
    One,
    Many,
}

/// What is wrong with a text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextError {
    TooLong,
    /// A control character (or a line break where one line is expected).
    BadCharacters,
}

impl TextError {
    /// The message key shown next to the field.
    pub fn key(self) -> &'static str {
        match self {
            TextError::TooLong => "error-too-long",
            TextError::BadCharacters => "error-bad-characters",
        }
    }
}

/// Checks `s` (as given: trim first where surrounding blanks do not count) against the rule.
pub fn check(s: &str, max: usize, lines: Lines) -> Result<(), TextError> {
    if s.chars().count() > max {
        return Err(TextError::TooLong);
    }
    let allowed = |c: char| lines == Lines::Many && matches!(c, '\n' | '\r' | '\t');
    if s.chars().any(|c| c.is_control() && !allowed(c)) {
        return Err(TextError::BadCharacters);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn examples() {
        assert_eq!(check("Ana\nPérez", 20, Lines::Many), Ok(()));
        assert_eq!(
            check("Ana\nPérez", 20, Lines::One),
            Err(TextError::BadCharacters)
        );
        assert_eq!(
            check("a\u{0}b", 20, Lines::Many),
            Err(TextError::BadCharacters)
        );
        assert_eq!(check("ééé", 3, Lines::One), Ok(()));
        assert_eq!(check("éééé", 3, Lines::One), Err(TextError::TooLong));
        assert_eq!(TextError::BadCharacters.key(), "error-bad-characters");
    }

    proptest! {
        /// Any text: accepted exactly when short enough and free of control characters (line
        /// breaks and tabs aside when several lines are allowed).
        #[test]
        fn the_rule(s in "\\PC{0,30}|[\\x00-\\x1f a-z]{0,30}", max in 0usize..40) {
            let n = s.chars().count();
            let many = check(&s, max, Lines::Many);
            let bad = s.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'));
            prop_assert_eq!(many.is_ok(), n <= max && !bad);
            if n > max {
                prop_assert_eq!(many, Err(TextError::TooLong));
            }
        }
    }
}
