//! What an API token may be used for, whatever its owner's role allows: least privilege for an
//! integration. A token holds the scopes chosen when it was made; the pages (a session) hold
//! them all. The role still decides: a scope never grants what the role does not.

/// One power a token may be given.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    /// Read cases, persons, screenings, tips, tasks, protection, notifications; search; export.
    CasesRead,
    /// Register and change cases, persons, screenings, tips, protection; import; duplicates.
    CasesWrite,
    /// Make, read and answer referrals; the services of a case.
    Referrals,
    /// Aggregates and statistical releases.
    Statistics,
    /// Workshops, participants, certificates.
    Training,
    /// Users, agencies and the audit trail.
    Admin,
}

impl Scope {
    pub const ALL: [Scope; 6] = [
        Scope::CasesRead,
        Scope::CasesWrite,
        Scope::Referrals,
        Scope::Statistics,
        Scope::Training,
        Scope::Admin,
    ];

    /// The name a client sends and the OpenAPI document lists.
    pub fn code(self) -> &'static str {
        match self {
            Scope::CasesRead => "cases:read",
            Scope::CasesWrite => "cases:write",
            Scope::Referrals => "referrals",
            Scope::Statistics => "statistics",
            Scope::Training => "training",
            Scope::Admin => "admin",
        }
    }

    pub fn parse(code: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|s| s.code() == code)
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// A set of scopes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Scopes(u8);

impl Scopes {
    /// Every scope: a session, and tokens made before scopes existed.
    pub fn all() -> Scopes {
        Scope::ALL.into_iter().collect()
    }

    pub fn none() -> Scopes {
        Scopes(0)
    }

    pub fn has(self, s: Scope) -> bool {
        self.0 & s.bit() != 0
    }

    /// Whether every scope of `other` is in `self` (a token may only make a token with less).
    pub fn covers(self, other: Scopes) -> bool {
        other.0 & !self.0 == 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn iter(self) -> impl Iterator<Item = Scope> {
        Scope::ALL.into_iter().filter(move |s| self.has(*s))
    }

    /// The codes, space-separated, as stored and as in OAuth's `scope`.
    pub fn to_text(self) -> String {
        self.iter().map(Scope::code).collect::<Vec<_>>().join(" ")
    }

    /// Codes separated by spaces or commas; an unknown one is returned as the error.
    pub fn parse(text: &str) -> Result<Scopes, String> {
        text.split([' ', ','])
            .filter(|c| !c.is_empty())
            .map(|c| Scope::parse(c).ok_or_else(|| c.to_string()))
            .collect()
    }
}

impl FromIterator<Scope> for Scopes {
    fn from_iter<I: IntoIterator<Item = Scope>>(iter: I) -> Scopes {
        Scopes(iter.into_iter().fold(0, |acc, s| acc | s.bit()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn codes_round_trip_and_unknown_codes_are_named() {
        for s in Scope::ALL {
            assert_eq!(Scope::parse(s.code()), Some(s));
        }
        assert_eq!(
            Scopes::parse("cases:read, referrals"),
            Ok([Scope::CasesRead, Scope::Referrals].into_iter().collect())
        );
        assert_eq!(
            Scopes::parse("cases:read cases:delete"),
            Err("cases:delete".into())
        );
        assert_eq!(Scopes::parse(""), Ok(Scopes::none()));
        assert_eq!(Scopes::parse(&Scopes::all().to_text()), Ok(Scopes::all()));
    }

    proptest! {
        /// `covers` is the subset relation, and text round-trips for every set.
        #[test]
        fn covers_is_subset(a in 0u8..64, b in 0u8..64) {
            let (sa, sb) = (Scopes(a), Scopes(b));
            let subset = sb.iter().all(|s| sa.has(s));
            prop_assert_eq!(sa.covers(sb), subset);
            prop_assert_eq!(Scopes::parse(&sa.to_text()), Ok(sa));
            prop_assert!(Scopes::all().covers(sa));
        }
    }
}
