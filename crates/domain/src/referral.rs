//! Referrals between agencies: the statuses, who may move a referral from one to the next, the
//! deadlines by urgency and the sections of a case a referral may share. No I/O.

/// How soon the receiving agency must answer.
pub const URGENCIES: &[&str] = &["emergency", "within_24h", "routine"];

/// What a referral may share with the recipient: the recipient sees these sections only.
pub const SECTIONS: &[&str] = &[
    "identity",
    "languages",
    "contact",
    "exploitation",
    "screening",
];

/// Seconds the receiving agency has to answer, by urgency.
pub fn answer_within(urgency: &str) -> i64 {
    match urgency {
        "emergency" => 2 * 3600,
        "within_24h" => 24 * 3600,
        _ => 7 * 86_400,
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Draft,
    Sent,
    Accepted,
    Declined,
    InProgress,
    Completed,
    Revoked,
    /// Declined, then sent on to another agency (a new referral carries it on).
    Redirected,
}

impl Status {
    pub const ALL: [Status; 8] = [
        Status::Draft,
        Status::Sent,
        Status::Accepted,
        Status::Declined,
        Status::InProgress,
        Status::Completed,
        Status::Revoked,
        Status::Redirected,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Sent => "sent",
            Status::Accepted => "accepted",
            Status::Declined => "declined",
            Status::InProgress => "in_progress",
            Status::Completed => "completed",
            Status::Revoked => "revoked",
            Status::Redirected => "redirected",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Whether the recipient sees the shared sections in this status.
    pub fn recipient_sees_case(self) -> bool {
        matches!(
            self,
            Status::Accepted | Status::InProgress | Status::Completed
        )
    }

    /// Waiting for the recipient's answer (what can become overdue).
    pub fn awaits_answer(self) -> bool {
        self == Status::Sent
    }
}

/// Who acts on a referral.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// The referring side: someone who may change the case.
    Sender,
    /// Staff of the receiving agency.
    Recipient,
    /// The NRM coordinator (may also revoke).
    Coordinator,
}

/// A change of status someone asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Move {
    Send,
    Accept,
    Decline,
    Start,
    Complete,
    Revoke,
    Redirect,
}

/// The status a move leads to from `from`, if `side` may make it.
pub fn next(from: Status, m: Move, side: Side) -> Option<Status> {
    use Move as M;
    use Side as S;
    use Status as St;
    let to = match (from, m) {
        (St::Draft, M::Send) => St::Sent,
        (St::Sent, M::Accept) => St::Accepted,
        (St::Sent, M::Decline) => St::Declined,
        (St::Accepted, M::Start) => St::InProgress,
        (St::Accepted | St::InProgress, M::Complete) => St::Completed,
        (St::Sent | St::Accepted, M::Revoke) => St::Revoked,
        (St::Declined, M::Redirect) => St::Redirected,
        _ => return None,
    };
    let allowed = match m {
        M::Send | M::Redirect => matches!(side, S::Sender | S::Coordinator),
        M::Accept | M::Decline | M::Start | M::Complete => side == S::Recipient,
        M::Revoke => matches!(side, S::Sender | S::Coordinator),
    };
    allowed.then_some(to)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MOVES: [Move; 7] = [
        Move::Send,
        Move::Accept,
        Move::Decline,
        Move::Start,
        Move::Complete,
        Move::Revoke,
        Move::Redirect,
    ];
    const SIDES: [Side; 3] = [Side::Sender, Side::Recipient, Side::Coordinator];

    #[test]
    fn every_transition_allowed_and_forbidden() {
        let allowed: Vec<(Status, Move, Side, Status)> = Status::ALL
            .iter()
            .flat_map(|s| {
                MOVES
                    .iter()
                    .flat_map(move |m| SIDES.iter().map(move |d| (*s, *m, *d)))
            })
            .filter_map(|(s, m, d)| next(s, m, d).map(|t| (s, m, d, t)))
            .collect();
        use Move as M;
        use Side as S;
        use Status as St;
        let expected = vec![
            (St::Draft, M::Send, S::Sender, St::Sent),
            (St::Draft, M::Send, S::Coordinator, St::Sent),
            (St::Sent, M::Accept, S::Recipient, St::Accepted),
            (St::Sent, M::Decline, S::Recipient, St::Declined),
            (St::Sent, M::Revoke, S::Sender, St::Revoked),
            (St::Sent, M::Revoke, S::Coordinator, St::Revoked),
            (St::Accepted, M::Start, S::Recipient, St::InProgress),
            (St::Accepted, M::Complete, S::Recipient, St::Completed),
            (St::Accepted, M::Revoke, S::Sender, St::Revoked),
            (St::Accepted, M::Revoke, S::Coordinator, St::Revoked),
            (St::Declined, M::Redirect, S::Sender, St::Redirected),
            (St::Declined, M::Redirect, S::Coordinator, St::Redirected),
            (St::InProgress, M::Complete, S::Recipient, St::Completed),
        ];
        assert_eq!(allowed, expected);
        // Final states go nowhere.
        for s in [St::Completed, St::Revoked, St::Redirected] {
            assert!(
                MOVES
                    .iter()
                    .all(|m| SIDES.iter().all(|d| next(s, *m, *d).is_none()))
            );
        }
    }

    #[test]
    fn visibility_and_deadlines() {
        assert!(!Status::Sent.recipient_sees_case());
        assert!(Status::Accepted.recipient_sees_case());
        assert!(!Status::Revoked.recipient_sees_case());
        assert!(answer_within("emergency") < answer_within("within_24h"));
        assert!(answer_within("within_24h") < answer_within("routine"));
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
        }
    }
}
