//! Protection and follow-up: risk assessments, the reflection and recovery period, the individual
//! assistance plan and its approval, tasks, return and reintegration, proceedings. The codes and
//! the rules; no I/O.
use time::Date;

/// Areas of a risk assessment, each with its own level.
pub const RISK_AREAS: &[&str] = &["traffickers", "health", "self_harm", "family"];
/// Levels, lowest first (the `hvn_RiskLevel` codes).
pub const RISK_LEVELS: &[&str] = &["Low", "Medium", "High", "Critical"];
/// When an assessment is made.
pub const ASSESSMENT_KINDS: &[&str] = &["intake", "review", "pre_return"];

/// The rank of a level (0 for an unknown one).
pub fn risk_rank(level: &str) -> usize {
    RISK_LEVELS
        .iter()
        .position(|l| *l == level)
        .map_or(0, |i| i + 1)
}

/// The highest of some levels: what the overall level may not go below.
pub fn highest<'a>(levels: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    levels
        .into_iter()
        .filter(|l| risk_rank(l) > 0)
        .max_by_key(|l| risk_rank(l))
}

/// High and critical risk are shown on the case header and counted on dashboards.
pub fn is_high(level: &str) -> bool {
    risk_rank(level) >= 3
}

/// The reflection period a country grants by default, in days: Guyana applies 10; elsewhere the
/// Council of Europe Convention's minimum of 30. A deployment may set its own.
pub fn default_reflection_days(country: &str) -> i64 {
    if country.eq_ignore_ascii_case("GY") {
        10
    } else {
        30
    }
}

/// The last day of a reflection period that starts on `start`, lasts `days` and was extended by
/// `extended` days.
pub fn reflection_ends(start: Date, days: i64, extended: i64) -> Date {
    start.saturating_add(time::Duration::days((days + extended - 1).max(0)))
}

/// Follow-up tasks.
pub const TASK_KINDS: &[&str] = &[
    "visit",
    "call",
    "follow_up",
    "review",
    "post_return_visit",
    "other",
];
pub const TASK_STATUSES: &[&str] = &["open", "done", "cancelled"];

/// The assistance plan's life: drafted and changed by the case's writers; where the deployment
/// asks for approval, submitted to a coordinator who approves it or returns it with comments.
pub const PLAN_STATUSES: &[&str] = &["draft", "submitted", "approved", "returned"];
pub const GOAL_STATUSES: &[&str] = &["open", "achieved", "dropped"];

/// Whether the plan may be edited in this status (a submitted plan waits for its answer).
pub fn plan_editable(status: &str) -> bool {
    matches!(status, "draft" | "returned" | "approved")
}

/// Cooperation with the authorities. Assistance never depends on it.
pub const COOPERATION: &[&str] = &[
    "not_asked",
    "considering",
    "cooperating",
    "declined",
    "unable",
];
pub const COMPENSATION: &[&str] = &["none", "claimed", "awarded", "paid", "refused"];

/// Where a service delivered comes from.
pub const SERVICE_STATUSES: &[&str] = &["requested", "in_progress", "delivered", "not_delivered"];

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn risk_levels_order_and_the_highest_wins() {
        assert!(risk_rank("Critical") > risk_rank("High"));
        assert_eq!(risk_rank("nonsense"), 0);
        assert_eq!(highest(["Low", "High", "Medium"]), Some("High"));
        assert_eq!(highest(["", "x"]), None);
        assert!(is_high("High") && is_high("Critical") && !is_high("Medium"));
    }

    #[test]
    fn reflection_periods_count_the_first_day() {
        assert_eq!(default_reflection_days("GY"), 10);
        assert_eq!(default_reflection_days("FR"), 30);
        assert_eq!(
            reflection_ends(date!(2026 - 03 - 01), 10, 0),
            date!(2026 - 03 - 10)
        );
        assert_eq!(
            reflection_ends(date!(2026 - 03 - 01), 10, 5),
            date!(2026 - 03 - 15)
        );
        assert_eq!(
            reflection_ends(date!(2026 - 12 - 25), 30, 0),
            date!(2027 - 01 - 23)
        );
    }

    #[test]
    fn a_submitted_plan_waits() {
        assert!(!plan_editable("submitted"));
        assert!(plan_editable("returned") && plan_editable("draft"));
    }
}
