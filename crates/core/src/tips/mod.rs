//! Tips: anonymous reports from the public form and calls entered by hotline operators, and their
//! triage by the coordinator (assign, link to a case, or close as not actionable with a reason).
//! What was reported is sealed; only codes (channel, region, suspected exploitation, status)
//! stay in clear for the queue and statistics. The public submitter's address is never stored:
//! only a keyed hash of it, for the rate limit, kept for an hour.
use crate::sealed::{self};
use haven_audit::{Action, Actor, Event};
use haven_authz::{Principal, TipTriage};
use haven_domain::text::{self, Lines};
use haven_domain::{CaseId, UserId};
use haven_store::tips::{self, TipQuery, TipRow};

use crate::support::done;
use crate::{CoreError, Haven, Origin, Result, actor};

pub use crate::support::RATE_WINDOW_SECS;
/// Longest description of the situation, and longest short field.
pub const WHAT_MAX: usize = 4000;
pub const SHORT_MAX: usize = 300;

/// Kinds of exploitation a tip may suspect.
pub const SUSPECTED: &[&str] = &[
    "labour", "sexual", "domestic", "begging", "criminal", "other",
];
/// Who called the hotline.
pub const CALLERS: &[&str] = &[
    "person_concerned",
    "relative",
    "witness",
    "professional",
    "anonymous",
];
/// Why a tip is not actionable.
pub const CLOSE_REASONS: &[&str] = &[
    "insufficient_information",
    "not_trafficking",
    "duplicate",
    "referred_elsewhere",
    "malicious",
    "other",
];
pub const STATUSES: &[&str] = &["new", "assigned", "linked", "not_actionable"];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Channel {
    Web,
    Hotline,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Web => "web",
            Channel::Hotline => "hotline",
        }
    }
}

/// A hotline call's details.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct CallDetails {
    /// One of [`CALLERS`].
    pub caller: String,
    /// ISO 639 code of the call's language.
    pub language: String,
    pub minutes: Option<u32>,
    /// How the caller heard of the hotline, or anything about the call (no names needed).
    pub note: String,
}

/// A tip as submitted.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct TipInput {
    /// What is happening. Required.
    pub what: String,
    /// ISO 3166-2 region code of the deployment's country, or empty.
    pub region: String,
    pub place: String,
    pub when: String,
    /// One of [`SUSPECTED`], or empty.
    pub suspected: String,
    /// How to reach the submitter again (optional).
    pub contact: String,
    pub call: Option<CallDetails>,
}

/// The sealed part of a tip.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
#[serde(default)]
struct Sealed {
    what: String,
    place: String,
    when: String,
    contact: String,
    call: Option<CallDetails>,
}

/// The sealed body of a tip with nothing in it (what retention leaves of a tip).
pub(crate) fn blank_body(h: &Haven, id: &str) -> Result<Vec<u8>> {
    let json = serde_json::to_string(&Sealed::default()).map_err(CoreError::internal)?;
    Ok(h.cipher().encrypt(&json, &sealed::TIPS_BODY.of(id)))
}

/// One line of the triage queue (nothing sealed).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, serde::Serialize)]
pub struct TipSummary {
    pub id: String,
    pub reference: String,
    pub channel: String,
    pub received_at: i64,
    pub region: Option<String>,
    pub suspected: Option<String>,
    pub status: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub assigned_to: Option<UserId>,
    pub assigned_name: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub case_id: Option<CaseId>,
}

/// A tip opened.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, serde::Serialize)]
pub struct TipView {
    #[serde(flatten)]
    pub summary: TipSummary,
    pub what: String,
    pub place: String,
    pub when: String,
    pub contact: String,
    pub call: Option<CallDetails>,
    pub closed_reason: Option<String>,
    pub triage_note: Option<String>,
    pub entered_by_name: Option<String>,
    /// What this user may do with it.
    pub may_triage: bool,
    pub may_assign: bool,
}

/// What the queue shows.
#[derive(Clone, Debug, Default)]
pub struct TipFilter {
    /// One of [`STATUSES`], `open` (new or assigned), or empty for all.
    pub status: String,
    pub reference: String,
    /// The next page's cursor from the page before (empty: the first page).
    pub cursor: String,
    /// Tips per page (1 to 1,000; 0: 200).
    pub limit: usize,
}

/// A triage decision.
#[derive(Clone, Debug)]
pub enum Triage {
    Assign(UserId),
    Link(CaseId),
    Close { reason: String, note: String },
}

/// The free-text rule (`haven_domain::text`): the message key of what is wrong, if anything.
fn bad_text(s: &str, max: usize) -> Option<&'static str> {
    text::check(s, max, Lines::Many).err().map(|e| e.key())
}

/// A reference code the submitter can quote: 8 characters of Crockford base32 (no I, L, O, U).
fn reference_code() -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let mut b = [0u8; 8];
    rand::fill(&mut b);
    let s: String = b
        .iter()
        .map(|x| ALPHABET[(*x as usize) % 32] as char)
        .collect();
    format!("T-{}-{}", &s[..4], &s[4..])
}

/// A reference that was never issued, for what a bot sees after filling the honeypot.
pub fn decoy_reference() -> String {
    reference_code()
}

/// Canonical form of a reference typed by someone (case, spaces, look-alike letters).
pub fn normalise_reference(raw: &str) -> String {
    let s = haven_domain::crockford_fold(raw);
    let s = s.strip_prefix('T').unwrap_or(&s);
    if s.len() == 8 {
        format!("T-{}-{}", &s[..4], &s[4..])
    } else {
        raw.trim().to_uppercase()
    }
}

fn validate(input: &TipInput) -> Result<()> {
    let mut errors = Vec::new();
    if input.what.trim().is_empty() {
        errors.push(("what", "error-required"));
    } else if let Some(k) = bad_text(&input.what, WHAT_MAX) {
        errors.push(("what", k));
    }
    for (field, v) in [
        ("place", &input.place),
        ("when", &input.when),
        ("contact", &input.contact),
    ] {
        if let Some(k) = bad_text(v, SHORT_MAX) {
            errors.push((field, k));
        }
    }
    let region = input.region.trim();
    if !region.is_empty() && haven_domain::Region::parse(region).is_err() {
        errors.push(("region", "error-unknown-code"));
    }
    let suspected = input.suspected.trim();
    if !suspected.is_empty() && !SUSPECTED.contains(&suspected) {
        errors.push(("suspected", "error-unknown-code"));
    }
    if let Some(call) = &input.call {
        if !call.caller.is_empty() && !CALLERS.contains(&call.caller.as_str()) {
            errors.push(("caller", "error-unknown-code"));
        }
        if !call.language.is_empty() && haven_domain::reference::language(&call.language).is_none()
        {
            errors.push(("language", "error-unknown-language"));
        }
        if call.minutes.is_some_and(|m| m > 600) {
            errors.push(("minutes", "error-number-range"));
        }
        if let Some(k) = bad_text(&call.note, SHORT_MAX) {
            errors.push(("call_note", k));
        }
    }
    done(errors)
}

fn opt(s: &str) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}

impl Haven {
    /// The public form: no account, rate-limited per address. Returns the reference code only.
    #[tracing::instrument(skip_all)]
    pub async fn submit_public_tip(&self, input: TipInput, origin: &Origin) -> Result<String> {
        let mut input = input;
        input.call = None;
        validate(&input)?;
        if let Some(ip) = &origin.ip {
            // Counted before anything is stored, in its own transaction, so refused attempts count.
            let key = haven_crypto::token::hash(&self.token_key, &format!("tip-rate:{ip}"));
            let t = self.now();
            let mut tx = self.db.begin().await?;
            let n = tips::rate_hit(&mut tx, "tip", &key, t, t - RATE_WINDOW_SECS).await?;
            tx.commit().await?;
            if n > self.policy.tips_per_hour {
                return Err(CoreError::RateLimited);
            }
        }
        // The audit names no actor and no address: the submitter stays anonymous.
        let (_, reference) = self
            .insert_tip(input, Channel::Web, None, &Actor::default())
            .await?;
        Ok(reference)
    }

    /// A hotline operator enters a call (any screener, case worker or coordinator).
    #[tracing::instrument(skip_all, fields(user = %p.user_id))]
    pub async fn record_hotline_tip(
        &self,
        p: &Principal,
        input: TipInput,
        origin: &Origin,
    ) -> Result<(String, String)> {
        if !p.tip_work() {
            return Err(CoreError::Forbidden);
        }
        let mut input = input;
        let call = input.call.get_or_insert_with(CallDetails::default);
        // Stored as its ISO 639-2 code, whether picked from the list or typed by name.
        if let Some(l) = haven_domain::reference::language(&call.language) {
            call.language = l.code.to_string();
        }
        validate(&input)?;
        self.insert_tip(input, Channel::Hotline, Some(p), &actor(p, origin))
            .await
    }

    async fn insert_tip(
        &self,
        input: TipInput,
        channel: Channel,
        by: Option<&Principal>,
        who: &Actor,
    ) -> Result<(String, String)> {
        let id = uuid::Uuid::now_v7().to_string();
        let sealed = Sealed {
            what: input.what.trim().to_string(),
            place: input.place.trim().to_string(),
            when: input.when.trim().to_string(),
            contact: input.contact.trim().to_string(),
            call: input.call,
        };
        let json = serde_json::to_string(&sealed).map_err(CoreError::internal)?;
        let t = self.now();
        let mut row = TipRow {
            body: self.cipher().encrypt(&json, &sealed::TIPS_BODY.of(&id)),
            id: id.clone(),
            reference: String::new(),
            channel: channel.as_str().into(),
            received_at: t,
            region: opt(&input.region)
                .and_then(|r| haven_domain::Region::parse(&r).ok())
                .map(|r| r.code.to_string()),
            suspected: opt(&input.suspected),
            status: "new".into(),
            entered_by: by.map(|p| p.user_id),
            agency_id: by.map(|p| p.agency_id),
            updated_at: t,
            ..Default::default()
        };
        // A reference is 40 random bits: a clash is rare, and simply drawn again.
        for attempt in 0.. {
            row.reference = reference_code();
            let mut tx = self.db.begin().await?;
            match tips::insert(&mut tx, &row).await {
                Ok(()) => {
                    let ev = Event::new(Action::TipReceived)
                        .target("tip", &id)
                        .details(serde_json::json!({"channel": channel.as_str()}));
                    self.commit_audited(tx, who, ev, t).await?;
                    break;
                }
                Err(haven_store::StoreError::Duplicate(_)) if attempt < 5 => {
                    tx.rollback().await?;
                }
                Err(e) => return Err(e.into()),
            }
        }
        Ok((id, row.reference))
    }

    /// The triage queue: every tip for the coordinator; for the others, the tips they entered or
    /// that were assigned to them. Audited (which tips were shown).
    #[tracing::instrument(skip_all, fields(user = %p.user_id))]
    pub async fn list_tips(
        &self,
        p: &Principal,
        f: &TipFilter,
        origin: &Origin,
    ) -> Result<Vec<TipSummary>> {
        Ok(self.tips_page(p, f, origin).await?.0)
    }

    /// A page of the queue, newest first, and the next page's cursor (`None` on the last).
    #[tracing::instrument(skip_all, fields(user = %p.user_id))]
    pub async fn tips_page(
        &self,
        p: &Principal,
        f: &TipFilter,
        origin: &Origin,
    ) -> Result<(Vec<TipSummary>, Option<String>)> {
        if !p.tip_work() {
            return Err(CoreError::Forbidden);
        }
        let limit = match f.limit {
            0 => 200,
            n => n.min(1000),
        };
        let statuses = match f.status.as_str() {
            "" | "all" => vec![],
            "open" => vec!["new".to_string(), "assigned".to_string()],
            s if STATUSES.contains(&s) => vec![s.to_string()],
            _ => return Err(CoreError::invalid("status", "error-unknown-code")),
        };
        let q = TipQuery {
            statuses,
            mine: p.tip_triage().is_none().then_some(p.user_id),
            reference: opt(&f.reference).map(|r| normalise_reference(&r)),
            after: crate::support::cursor::parse(&f.cursor)?,
            // One more, to know whether another page follows.
            limit: limit as i64 + 1,
        };
        let rows = {
            let mut conn = self.db.pool().acquire().await?;
            tips::list(&mut conn, &q).await?
        };
        let (rows, next) =
            crate::support::cursor::page(rows, limit, |r| (r.received_at, r.id.clone()));
        let names = self.user_names().await?;
        let items: Vec<TipSummary> = rows.iter().map(|r| summary(r, &names)).collect();
        let ev = Event::new(Action::TipListed).details(serde_json::json!({
            "status": f.status,
            "by_reference": q.reference.is_some(),
            "tip_ids": items.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(),
        }));
        self.record_read(&actor(p, origin), ev).await?;
        Ok((items, next))
    }

    /// Open tips per status for the dashboard (a number, nothing of any tip: not audited).
    #[tracing::instrument(skip_all, fields(user = %p.user_id))]
    pub async fn tip_counts(&self, p: &Principal) -> Result<Vec<(String, i64)>> {
        if !p.tip_work() {
            return Ok(vec![]);
        }
        let mut conn = self.db.pool().acquire().await?;
        let mine = p.tip_triage().is_none().then_some(p.user_id);
        Ok(tips::count_by_status(&mut conn, mine).await?)
    }

    async fn user_names(&self) -> Result<std::collections::HashMap<UserId, String>> {
        let mut conn = self.db.pool().acquire().await?;
        Ok(haven_store::users::list(&mut conn)
            .await?
            .into_iter()
            .map(|u| (u.id, u.display_name))
            .collect())
    }

    /// Who a tip may be assigned to: active coordinators, case workers and screeners, with their
    /// agency.
    #[tracing::instrument(skip_all)]
    pub async fn tip_assignees(&self, _cap: TipTriage<'_>) -> Result<Vec<(UserId, String)>> {
        let mut conn = self.db.pool().acquire().await?;
        let agencies: std::collections::HashMap<_, _> = haven_store::agencies::list(&mut conn)
            .await?
            .into_iter()
            .map(|a| (a.id, a.name))
            .collect();
        Ok(haven_store::users::list(&mut conn)
            .await?
            .into_iter()
            .filter(|u| !u.disabled && haven_authz::roles::takes_tips(u.role))
            .map(|u| {
                let agency = agencies.get(&u.agency_id).cloned().unwrap_or_default();
                (u.id, format!("{} ({agency})", u.display_name))
            })
            .collect())
    }

    fn may_see_tip(p: &Principal, row: &TipRow) -> bool {
        p.tip_triage().is_some()
            || (p.tip_work()
                && (row.assigned_to == Some(p.user_id) || row.entered_by == Some(p.user_id)))
    }

    /// A case named by its id or its number, among the cases the user may see (for linking).
    #[tracing::instrument(skip_all, fields(user = %p.user_id))]
    pub async fn case_by_ref(&self, p: &Principal, raw: &str) -> Result<CaseId> {
        let raw = raw.trim();
        if let Ok(id) = raw.parse::<CaseId>() {
            return Ok(id);
        }
        let Some(cap) = p.case_list() else {
            return Err(CoreError::NotFound);
        };
        let q = haven_store::cases::CaseQuery {
            case_number: opt(&raw.to_uppercase()),
            limit: 2,
            ..Default::default()
        };
        let mut conn = self.db.pool().acquire().await?;
        let (rows, _) = haven_store::cases::list(&mut conn, cap.scope(), &q).await?;
        match rows.as_slice() {
            [one] => Ok(one.id),
            _ => Err(CoreError::invalid("case", "error-case-not-found")),
        }
    }

    /// Opens a tip (coordinator, assignee, or the operator who entered it). Audited.
    #[tracing::instrument(skip_all, fields(user = %p.user_id))]
    pub async fn open_tip(&self, p: &Principal, id: &str, origin: &Origin) -> Result<TipView> {
        let row = {
            let mut conn = self.db.pool().acquire().await?;
            tips::get(&mut conn, id).await?
        };
        let Some(row) = row.filter(|r| Self::may_see_tip(p, r)) else {
            return Err(CoreError::NotFound);
        };
        let sealed: Sealed = serde_json::from_str(
            &self
                .cipher()
                .decrypt(&row.body, &sealed::TIPS_BODY.of(&row.id))?,
        )
        .map_err(CoreError::internal)?;
        let triage_note = self.cipher().decrypt_opt(
            row.triage_note.as_deref(),
            &sealed::TIPS_TRIAGE_NOTE.of(&row.id),
        )?;
        let names = self.user_names().await?;
        self.record_read(
            &actor(p, origin),
            Event::new(Action::TipViewed).target("tip", &row.id),
        )
        .await?;
        let open = matches!(row.status.as_str(), "new" | "assigned");
        Ok(TipView {
            may_triage: open && (p.tip_triage().is_some() || row.assigned_to == Some(p.user_id)),
            may_assign: row.status != "linked" && p.tip_triage().is_some(),
            entered_by_name: row.entered_by.and_then(|u| names.get(&u).cloned()),
            closed_reason: row.closed_reason.clone(),
            summary: summary(&row, &names),
            what: sealed.what,
            place: sealed.place,
            when: sealed.when,
            contact: sealed.contact,
            call: sealed.call,
            triage_note,
        })
    }

    /// Assigns, links or closes a tip. Assigning is the coordinator's; linking and closing are
    /// also the assignee's. Linking needs the right to write to the case. Audited with the change.
    #[tracing::instrument(skip_all, fields(user = %p.user_id))]
    pub async fn triage_tip(
        &self,
        p: &Principal,
        id: &str,
        decision: Triage,
        origin: &Origin,
    ) -> Result<()> {
        let mut tx = self.db.begin().await?;
        let Some(mut row) = tips::get(&mut tx, id)
            .await?
            .filter(|r| Self::may_see_tip(p, r))
        else {
            tx.rollback().await?;
            return Err(CoreError::NotFound);
        };
        let triager = p.tip_triage().is_some();
        let assignee = row.assigned_to == Some(p.user_id);
        let details;
        match decision {
            Triage::Assign(user) => {
                if !triager {
                    return Err(CoreError::Forbidden);
                }
                if row.status == "linked" {
                    return Err(CoreError::invalid("status", "error-tip-closed"));
                }
                let ok = haven_store::users::by_id(&mut tx, user)
                    .await?
                    .is_some_and(|u| !u.disabled && haven_authz::roles::takes_tips(u.role));
                if !ok {
                    return Err(CoreError::invalid("user", "error-unknown-code"));
                }
                row.assigned_to = Some(user);
                row.status = "assigned".into();
                row.closed_reason = None;
                details = serde_json::json!({"decision": "assigned", "user_id": user.to_string()});
            }
            Triage::Link(case) => {
                if !(triager || assignee) {
                    return Err(CoreError::Forbidden);
                }
                if !matches!(row.status.as_str(), "new" | "assigned") {
                    return Err(CoreError::invalid("status", "error-tip-closed"));
                }
                // The triage's own event records the link, in this transaction.
                tx = self.gate_write(tx, p, case, origin).await?.into_tx();
                row.case_id = Some(case);
                row.status = "linked".into();
                details = serde_json::json!({"decision": "linked", "case_id": case.to_string()});
            }
            Triage::Close { reason, note } => {
                if !(triager || assignee) {
                    return Err(CoreError::Forbidden);
                }
                if !matches!(row.status.as_str(), "new" | "assigned") {
                    return Err(CoreError::invalid("status", "error-tip-closed"));
                }
                if !CLOSE_REASONS.contains(&reason.as_str()) {
                    return Err(CoreError::invalid("reason", "error-required"));
                }
                let note = note.trim();
                if reason == "other" && note.is_empty() {
                    return Err(CoreError::invalid("note", "error-required"));
                }
                if let Some(k) = bad_text(note, SHORT_MAX) {
                    return Err(CoreError::invalid("note", k));
                }
                row.triage_note = opt(note).map(|n| {
                    self.cipher()
                        .encrypt(&n, &sealed::TIPS_TRIAGE_NOTE.of(&row.id))
                });
                row.status = "not_actionable".into();
                details = serde_json::json!({"decision": "not_actionable", "reason": reason});
                row.closed_reason = Some(reason);
            }
        }
        row.updated_at = self.now();
        tips::update_triage(&mut tx, &row).await?;
        let ev = Event::new(Action::TipTriaged)
            .target("tip", &row.id)
            .details(details);
        self.commit_audited(tx, &actor(p, origin), ev, row.updated_at)
            .await?;
        Ok(())
    }
}

fn summary(r: &TipRow, names: &std::collections::HashMap<UserId, String>) -> TipSummary {
    TipSummary {
        id: r.id.clone(),
        reference: r.reference.clone(),
        channel: r.channel.clone(),
        received_at: r.received_at,
        region: r.region.clone(),
        suspected: r.suspected.clone(),
        status: r.status.clone(),
        assigned_to: r.assigned_to,
        assigned_name: r.assigned_to.and_then(|u| names.get(&u).cloned()),
        case_id: r.case_id,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_well_formed_and_read_back_forgivingly() {
        for _ in 0..200 {
            let r = reference_code();
            assert_eq!(r.len(), 11);
            assert!(r.starts_with("T-"));
            assert!(!r[2..].contains(['I', 'L', 'O', 'U']), "{r}");
            assert_eq!(normalise_reference(&r), r);
            assert_eq!(normalise_reference(&r.to_lowercase().replace('-', " ")), r);
        }
        assert_eq!(normalise_reference("t-abco-1234"), "T-ABC0-1234");
        assert_eq!(normalise_reference(" bad "), "BAD");
    }

    #[test]
    fn a_tip_needs_a_description_and_known_codes() {
        let ok = TipInput {
            what: "Girls kept in a bar".into(),
            ..Default::default()
        };
        assert!(validate(&ok).is_ok());
        let e = |i: TipInput| match validate(&i) {
            Err(CoreError::Invalid(v)) => v.iter().map(|f| f.field).collect::<Vec<_>>(),
            _ => vec![],
        };
        assert_eq!(e(TipInput::default()), vec!["what"]);
        assert_eq!(
            e(TipInput {
                what: "x".repeat(WHAT_MAX + 1),
                ..Default::default()
            }),
            vec!["what"]
        );
        assert_eq!(
            e(TipInput {
                suspected: "aliens".into(),
                region: "XX-99".into(),
                contact: "a\u{0}b".into(),
                ..ok.clone()
            }),
            vec!["contact", "region", "suspected"]
        );
        assert_eq!(
            e(TipInput {
                call: Some(CallDetails {
                    caller: "cat".into(),
                    minutes: Some(10_000),
                    ..Default::default()
                }),
                ..ok
            }),
            vec!["caller", "minutes"]
        );
    }
}
