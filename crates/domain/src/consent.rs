//! Consent, recorded per purpose and, for referrals and data sharing, per receiving
//! organisation; it can expire and be withdrawn. For a child, it is the guardian's. The rule that
//! decides whether a consent is current is here, without I/O, so referrals and data sharing apply
//! the same one.
use time::Date;

use crate::AgencyId;

/// What a consent is for.
pub const PURPOSES: &[&str] = &["assistance", "referral", "data_sharing", "return"];
/// Who gave it.
pub const GIVEN_BY: &[&str] = &["person", "guardian"];
/// How it was given.
pub const FORMS: &[&str] = &["written", "oral"];

/// A recorded consent, as the rule needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Consent {
    pub purpose: String,
    /// The organisation it names (referral, data sharing); none for assistance.
    pub agency: Option<AgencyId>,
    pub given_by: String,
    pub given_on: Date,
    pub expires_on: Option<Date>,
    pub withdrawn_on: Option<Date>,
}

/// Why no consent is current.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Missing {
    /// Nothing recorded for this purpose and organisation.
    None,
    /// The last one was withdrawn.
    Withdrawn,
    /// The last one expired.
    Expired,
    /// Given by the person, but the person is a child: the guardian's is needed.
    NeedsGuardian,
}

impl Missing {
    pub fn key(self) -> &'static str {
        match self {
            Missing::None => "error-consent-missing",
            Missing::Withdrawn => "error-consent-withdrawn",
            Missing::Expired => "error-consent-expired",
            Missing::NeedsGuardian => "error-consent-guardian",
        }
    }
}

/// Whether one of `consents` covers `purpose` for `agency` on `today`. The reason given when none
/// does is the most telling of those that came close.
pub fn current(
    consents: &[Consent],
    purpose: &str,
    agency: Option<AgencyId>,
    today: Date,
    child: bool,
) -> Result<(), Missing> {
    let mut why = Missing::None;
    // Of the reasons met, the one the user most needs to hear: a withdrawal (the person's own
    // latest decision) first, then a missing guardian, then expiry.
    let rank = |m: Missing| match m {
        Missing::None => 0,
        Missing::Expired => 1,
        Missing::NeedsGuardian => 2,
        Missing::Withdrawn => 3,
    };
    let mut note = |m: Missing| {
        if rank(m) > rank(why) {
            why = m;
        }
    };
    for c in consents
        .iter()
        .filter(|c| c.purpose == purpose && (agency.is_none() || c.agency == agency))
    {
        if c.given_on > today {
            continue;
        }
        if c.withdrawn_on.is_some_and(|w| w <= today) {
            note(Missing::Withdrawn);
            continue;
        }
        if c.expires_on.is_some_and(|e| e < today) {
            note(Missing::Expired);
            continue;
        }
        if child && c.given_by != "guardian" {
            note(Missing::NeedsGuardian);
            continue;
        }
        return Ok(());
    }
    Err(why)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    fn c(agency: AgencyId, by: &str, exp: Option<Date>, wd: Option<Date>) -> Consent {
        Consent {
            purpose: "referral".into(),
            agency: Some(agency),
            given_by: by.into(),
            given_on: date!(2026 - 03 - 01),
            expires_on: exp,
            withdrawn_on: wd,
        }
    }

    #[test]
    fn each_reason_is_named() {
        let a = AgencyId::new();
        let b = AgencyId::new();
        let today = date!(2026 - 06 - 01);
        assert_eq!(
            current(&[], "referral", Some(a), today, false),
            Err(Missing::None)
        );
        assert_eq!(
            current(
                &[c(b, "person", None, None)],
                "referral",
                Some(a),
                today,
                false
            ),
            Err(Missing::None),
            "another agency"
        );
        assert_eq!(
            current(
                &[c(a, "person", None, None)],
                "referral",
                Some(a),
                today,
                false
            ),
            Ok(())
        );
        assert_eq!(
            current(
                &[c(a, "person", None, Some(date!(2026 - 05 - 01)))],
                "referral",
                Some(a),
                today,
                false
            ),
            Err(Missing::Withdrawn)
        );
        assert_eq!(
            current(
                &[c(a, "person", Some(date!(2026 - 05 - 31)), None)],
                "referral",
                Some(a),
                today,
                false
            ),
            Err(Missing::Expired)
        );
        assert_eq!(
            current(
                &[c(a, "person", Some(today), None)],
                "referral",
                Some(a),
                today,
                false
            ),
            Ok(()),
            "valid through its last day"
        );
        assert_eq!(
            current(
                &[c(a, "person", None, None)],
                "referral",
                Some(a),
                today,
                true
            ),
            Err(Missing::NeedsGuardian)
        );
        assert_eq!(
            current(
                &[c(a, "guardian", None, None)],
                "referral",
                Some(a),
                today,
                true
            ),
            Ok(())
        );
        // A new consent after a withdrawn one counts.
        let mut again = c(a, "person", None, None);
        again.given_on = date!(2026 - 05 - 15);
        assert_eq!(
            current(
                &[c(a, "person", None, Some(date!(2026 - 05 - 01))), again],
                "referral",
                Some(a),
                today,
                false
            ),
            Ok(())
        );
    }

    proptest! {
        #[test]
        fn withdrawing_or_expiring_never_creates_consent(
            days_given in 0i64..200, days_wd in 0i64..200, days_exp in 0i64..200, child: bool, guardian: bool,
        ) {
            let a = AgencyId::new();
            let today = date!(2026 - 06 - 01);
            let base = date!(2026 - 01 - 01);
            let mut k = c(a, if guardian { "guardian" } else { "person" }, None, None);
            k.given_on = base + time::Duration::days(days_given);
            let before = current(std::slice::from_ref(&k), "referral", Some(a), today, child).is_ok();
            let mut w = k.clone();
            w.withdrawn_on = Some(base + time::Duration::days(days_wd));
            let mut e = k.clone();
            e.expires_on = Some(base + time::Duration::days(days_exp));
            if !before {
                prop_assert!(current(&[w], "referral", Some(a), today, child).is_err());
                prop_assert!(current(&[e], "referral", Some(a), today, child).is_err());
            }
        }
    }
}
