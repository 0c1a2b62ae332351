//! Protection and follow-up of a case: risk assessments (the latest sets the case's risk level),
//! the reflection and recovery period, the individual assistance plan with its approval, services
//! delivered, follow-up tasks and their reminders, return and reintegration, proceedings.
//! Every change goes through the case's write gate (so a closed case is read-only) and is audited
//! in its transaction; free text is sealed to its row.
use crate::sealed::{self, Column};
use crate::support::cursor::PageRequest;
use haven_audit::{Action, Event};
use haven_authz::{CaseWriter, Principal};
use haven_domain::protection::{self as rules};
use haven_domain::record::parse_date;
use haven_domain::text::{self, Lines};
use haven_domain::{AgencyId, CaseId, UserId};
use haven_store::protection::{
    self as store, PlanRow, ProceedingsRow, ReflectionRow, ReturnRow, RiskRow, TaskRow,
};

use crate::support::{done, opt_id};
use crate::unit::CaseTx;
use crate::{CoreError, Haven, Origin, Result, actor};

const TEXT_MAX: usize = 4000;

fn date_or_today(
    today: time::Date,
    s: &str,
    field: &'static str,
    e: &mut Vec<(&'static str, &'static str)>,
) -> String {
    match s.trim() {
        "" => today.to_string(),
        v => match parse_date(v) {
            Some(d) => d.to_string(),
            None => {
                e.push((field, "error-date"));
                String::new()
            }
        },
    }
}

fn opt_date(
    s: &str,
    field: &'static str,
    e: &mut Vec<(&'static str, &'static str)>,
) -> Option<String> {
    match s.trim() {
        "" => None,
        v => match parse_date(v) {
            Some(d) => Some(d.to_string()),
            None => {
                e.push((field, "error-date"));
                None
            }
        },
    }
}

fn text(s: &str, field: &'static str, e: &mut Vec<(&'static str, &'static str)>) -> String {
    let s = s.trim();
    if let Err(t) = text::check(s, TEXT_MAX, Lines::Many) {
        e.push((field, t.key()));
    }
    s.to_string()
}

fn code(
    s: &str,
    list: &[&str],
    field: &'static str,
    e: &mut Vec<(&'static str, &'static str)>,
) -> String {
    let s = s.trim();
    if !list.contains(&s) {
        e.push((field, "error-required"));
    }
    s.to_string()
}

#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct RiskInput {
    pub kind: String,
    pub assessed_on: String,
    pub level: String,
    /// Level per area (`haven_domain::protection::RISK_AREAS`), empty when not assessed.
    pub areas: Vec<(String, String)>,
    pub safety_plan: String,
    pub notes: String,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, serde::Serialize)]
pub struct RiskView {
    pub id: String,
    pub kind: String,
    pub assessed_on: String,
    pub level: String,
    /// `[area, level]` pairs.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Vec<String>>))]
    pub areas: Vec<(String, String)>,
    pub safety_plan: String,
    pub notes: String,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, serde::Serialize)]
pub struct ReflectionView {
    pub started_on: String,
    pub days: i64,
    pub extended_days: i64,
    pub ends_on: String,
    /// `[on, days, reason]` triples.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Vec<Value>>))]
    pub extensions: Vec<(String, i64, String)>,
    /// Days from today to the end (negative once over).
    pub days_left: i64,
}

/// One goal of the assistance plan.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Goal {
    pub text: String,
    pub target_on: String,
    /// open, achieved, dropped
    pub status: String,
    /// Service types planned to reach it.
    pub services: Vec<String>,
    /// A referral through which another agency provides them.
    pub referral_id: String,
}

#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct PlanInput {
    pub goals: Vec<Goal>,
    pub review_on: String,
    /// The version the form was opened at (0: no plan yet).
    pub version: i64,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, serde::Serialize)]
pub struct PlanView {
    pub status: String,
    pub goals: Vec<Goal>,
    pub review_on: Option<String>,
    /// The approver's comments when returned.
    pub comments: String,
    pub version: i64,
    /// Whether this deployment asks for a coordinator's approval.
    pub needs_approval: bool,
}

#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct TaskInput {
    pub kind: String,
    pub title: String,
    pub due_on: String,
    /// A user id; empty: the creator.
    pub assigned_to: String,
    pub note: String,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, serde::Serialize)]
pub struct TaskView {
    pub id: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub case_id: CaseId,
    pub case_number: String,
    pub kind: String,
    pub title: String,
    pub due_on: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub assigned_to: Option<UserId>,
    pub assignee: String,
    pub status: String,
    pub note: String,
    pub overdue: bool,
}

#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ServiceInput {
    pub service_type: String,
    /// An agency of Haven, or a provider named freely.
    pub provider_agency_id: String,
    pub provider_name: String,
    pub status: String,
    pub started_on: String,
    pub ended_on: String,
    pub outcome: String,
    /// A decimal amount in the deployment's currency.
    pub cost: String,
    /// The person agreed to this service.
    pub consent: bool,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct ReturnInput {
    pub country: String,
    pub region: String,
    pub receiving_org: String,
    pub planned_on: String,
    pub returned_on: String,
    pub notes: String,
}

/// The sealed part of the proceedings.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct ProceedingsDetails {
    pub police_ref: String,
    pub prosecutor_ref: String,
    pub witness_protection: String,
    pub compensation_claimed: String,
    pub compensation_awarded: String,
    pub notes: String,
}

#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ProceedingsInput {
    pub cooperation: String,
    pub compensation: String,
    #[serde(flatten)]
    pub details: ProceedingsDetails,
}

/// Everything of a case's protection, for its page.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, serde::Serialize)]
pub struct ProtectionDoc {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub case_id: CaseId,
    pub case_number: String,
    pub closed: bool,
    pub may_change: bool,
    /// The coordinator may approve or return a submitted plan.
    pub may_approve: bool,
    pub risks: Vec<RiskView>,
    pub reflection: Option<ReflectionView>,
    pub default_reflection_days: i64,
    pub plan: Option<PlanView>,
    pub tasks: Vec<TaskView>,
    pub services: Vec<crate::referrals::CaseServiceView>,
    pub return_plan: Option<ReturnInput>,
    pub return_consent: bool,
    pub cooperation: String,
    pub compensation: String,
    pub proceedings: Option<ProceedingsDetails>,
    /// Who tasks may be assigned to: `[id, name]` pairs.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Vec<String>>))]
    pub assignees: Vec<(UserId, String)>,
    /// The case's referrals a goal may rely on: `[id, receiving agency, [service types]]`.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Vec<Value>>))]
    pub referrals: Vec<(String, String, Vec<String>)>,
}

/// A decimal amount with at most two decimals, not negative.
fn valid_cost(s: &str) -> bool {
    let s = s.trim();
    if s.is_empty() {
        return true;
    }
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    !int.is_empty()
        && int.len() <= 12
        && int.chars().all(|c| c.is_ascii_digit())
        && frac.len() <= 2
        && frac.chars().all(|c| c.is_ascii_digit())
}

impl Haven {
    /// Opens a case for a change to its protection: the write gate first (outsiders learn
    /// nothing, not even that the form was wrong), then the form's errors `e`.
    async fn open_form<'p>(
        &self,
        p: &'p Principal,
        case: CaseId,
        origin: &Origin,
        e: Vec<(&'static str, &'static str)>,
    ) -> Result<CaseTx<CaseWriter<'p>>> {
        let tx = self.db.begin().await?;
        let tx = self.gate_write(tx, p, case, origin).await?;
        done(e)?;
        Ok(tx)
    }

    /// Commits a change to one section of a case's protection with its audit event.
    async fn commit_section(
        &self,
        tx: CaseTx<CaseWriter<'_>>,
        section: &str,
        details: serde_json::Value,
        now: i64,
    ) -> Result<()> {
        let mut d = serde_json::json!({ "section": section });
        if let (Some(m), serde_json::Value::Object(extra)) = (d.as_object_mut(), details) {
            m.extend(extra);
        }
        let ev = Event::new(Action::ProtectionSaved)
            .target("case", tx.case())
            .details(d);
        tx.commit(self, ev, now).await
    }

    /// Records a risk assessment; its overall level becomes the case's risk level (a change in
    /// the history). The overall level may not be below an area's; high or critical risk needs
    /// a safety plan.
    #[tracing::instrument(skip_all, fields(user = %p.user_id, case = %case))]
    pub async fn record_risk(
        &self,
        p: &Principal,
        case: CaseId,
        i: &RiskInput,
        origin: &Origin,
    ) -> Result<String> {
        let now = self.now();
        let mut e = Vec::new();
        let kind = code(&i.kind, rules::ASSESSMENT_KINDS, "risk_kind", &mut e);
        let on = date_or_today(self.today(), &i.assessed_on, "risk_assessed_on", &mut e);
        let level = code(&i.level, rules::RISK_LEVELS, "risk_overall", &mut e);
        let mut areas = Vec::new();
        for (area, l) in &i.areas {
            let l = l.trim();
            if l.is_empty() {
                continue;
            }
            if !rules::RISK_AREAS.contains(&area.as_str()) || !rules::RISK_LEVELS.contains(&l) {
                e.push(("risk_areas", "error-unknown-code"));
            } else {
                areas.push((area.clone(), l.to_string()));
            }
        }
        if let Some(h) = rules::highest(areas.iter().map(|(_, l)| l.as_str()))
            && rules::risk_rank(&level) < rules::risk_rank(h)
        {
            e.push(("risk_overall", "error-risk-below-area"));
        }
        let plan = text(&i.safety_plan, "risk_safety_plan", &mut e);
        let notes = text(&i.notes, "risk_notes", &mut e);
        if rules::is_high(&level) && plan.is_empty() {
            e.push(("risk_safety_plan", "error-safety-plan"));
        }
        let mut tx = self.open_form(p, case, origin, e).await?;
        let w = tx.cap();
        let id = uuid::Uuid::now_v7().to_string();
        let c = self.cipher();
        let seal = |col: Column, v: &str| (!v.is_empty()).then(|| c.encrypt(v, &col.of(&id)));
        store::insert_risk(
            &mut tx,
            &w,
            &RiskRow {
                safety_plan: seal(sealed::RISK_ASSESSMENTS_SAFETY_PLAN, &plan),
                notes: seal(sealed::RISK_ASSESSMENTS_NOTES, &notes),
                id: id.clone(),
                case_id: case,
                kind: kind.clone(),
                assessed_on: on,
                level: level.clone(),
                areas: areas
                    .iter()
                    .map(|(a, l)| format!("{a}:{l}"))
                    .collect::<Vec<_>>()
                    .join(","),
                assessed_by: Some(p.user_id),
                created_at: now,
            },
        )
        .await?;
        let before = haven_store::cases::get_case(&mut tx, case)
            .await?
            .ok_or(CoreError::NotFound)?;
        let old = before.risk_level.clone().unwrap_or_default();
        if old != level {
            store::set_case_risk(&mut tx, &w, &level, now).await?;
            haven_store::cases::bump_version(&mut tx, &w, before.version, now).await?;
            self.record_change(
                &mut tx,
                &w,
                before.version + 1,
                now,
                Some(p.user_id),
                "risk_level",
                &old,
                &level,
            )
            .await?;
        }
        self.commit_section(
            tx,
            "risk",
            serde_json::json!({"kind": kind, "level": level}),
            now,
        )
        .await?;
        Ok(id)
    }

    /// Starts the reflection and recovery period (one per case); `days` empty takes the
    /// deployment's length.
    #[tracing::instrument(skip_all, fields(user = %p.user_id, case = %case))]
    pub async fn start_reflection(
        &self,
        p: &Principal,
        case: CaseId,
        started_on: &str,
        days: &str,
        origin: &Origin,
    ) -> Result<()> {
        let now = self.now();
        let mut e = Vec::new();
        let start = date_or_today(self.today(), started_on, "reflection_started_on", &mut e);
        let days = match days.trim() {
            "" => self.policy.reflection_days,
            d => match d.parse::<i64>() {
                Ok(n) if (1..=365).contains(&n) => n,
                _ => {
                    e.push(("reflection_days", "error-number-range"));
                    0
                }
            },
        };
        let mut tx = self.open_form(p, case, origin, e).await?;
        let w = tx.cap();
        if store::reflection_of_case(&mut tx, &w).await?.is_some() {
            return Err(CoreError::invalid(
                "reflection_started_on",
                "error-reflection-exists",
            ));
        }
        let start_d = parse_date(&start).ok_or(CoreError::internal("date"))?;
        let row = ReflectionRow {
            id: uuid::Uuid::now_v7().to_string(),
            case_id: case,
            started_on: start.clone(),
            days,
            extended_days: 0,
            extensions: None,
            ends_on: rules::reflection_ends(start_d, days, 0).to_string(),
            reminded_on: None,
            created_by: Some(p.user_id),
            created_at: now,
            updated_at: now,
        };
        store::save_reflection(&mut tx, &w, &row).await?;
        self.commit_section(
            tx,
            "reflection",
            serde_json::json!({"started_on": start, "days": days, "ends_on": row.ends_on}),
            now,
        )
        .await?;
        Ok(())
    }

    /// Extends the reflection period by `days`, with a reason (required).
    #[tracing::instrument(skip_all, fields(user = %p.user_id, case = %case))]
    pub async fn extend_reflection(
        &self,
        p: &Principal,
        case: CaseId,
        days: &str,
        reason: &str,
        origin: &Origin,
    ) -> Result<()> {
        let now = self.now();
        let mut e = Vec::new();
        let days = match days.trim().parse::<i64>() {
            Ok(n) if (1..=365).contains(&n) => n,
            _ => {
                e.push(("reflection_extend_days", "error-number-range"));
                0
            }
        };
        let reason = text(reason, "reflection_reason", &mut e);
        if reason.is_empty() {
            e.push(("reflection_reason", "error-required"));
        }
        let mut tx = self.open_form(p, case, origin, e).await?;
        let w = tx.cap();
        let mut r = store::reflection_of_case(&mut tx, &w)
            .await?
            .ok_or(CoreError::invalid(
                "reflection_started_on",
                "error-reflection-none",
            ))?;
        let c = self.cipher();
        let col = sealed::REFLECTION_PERIODS_EXTENSIONS.of(&r.id);
        let mut list: Vec<(String, i64, String)> = match &r.extensions {
            Some(b) => serde_json::from_str(&c.decrypt(b, &col)?).map_err(CoreError::internal)?,
            None => vec![],
        };
        list.push((self.today().to_string(), days, reason));
        r.extensions = Some(c.encrypt(
            &serde_json::to_string(&list).map_err(CoreError::internal)?,
            &col,
        ));
        r.extended_days += days;
        let start = parse_date(&r.started_on).ok_or(CoreError::internal("date"))?;
        r.ends_on = rules::reflection_ends(start, r.days, r.extended_days).to_string();
        // The new end gets its own reminder.
        r.reminded_on = None;
        r.updated_at = now;
        store::save_reflection(&mut tx, &w, &r).await?;
        self.commit_section(
            tx,
            "reflection",
            serde_json::json!({"extended_by": days, "ends_on": r.ends_on}),
            now,
        )
        .await?;
        Ok(())
    }

    /// Saves the assistance plan (goals, review date). Stale versions are refused. Where the
    /// deployment asks for approval the saved plan is a draft until a coordinator approves it.
    #[tracing::instrument(skip_all, fields(user = %p.user_id, case = %case))]
    pub async fn save_plan(
        &self,
        p: &Principal,
        case: CaseId,
        i: &PlanInput,
        origin: &Origin,
    ) -> Result<()> {
        let now = self.now();
        let mut e = Vec::new();
        let mut goals = Vec::new();
        for g in &i.goals {
            let t = text(&g.text, "plan_goal", &mut e);
            if t.is_empty() {
                continue;
            }
            let target = opt_date(&g.target_on, "plan_target_on", &mut e).unwrap_or_default();
            let status = if g.status.is_empty() {
                "open".to_string()
            } else {
                code(&g.status, rules::GOAL_STATUSES, "plan_goal_status", &mut e)
            };
            if g.services
                .iter()
                .any(|s| !crate::consents::SERVICE_TYPES.contains(&s.as_str()))
            {
                e.push(("plan_services", "error-unknown-code"));
            }
            goals.push(Goal {
                text: t,
                target_on: target,
                status,
                services: g.services.clone(),
                referral_id: g.referral_id.trim().to_string(),
            });
        }
        if goals.is_empty() {
            e.push(("plan_goal", "error-required"));
        }
        let review = opt_date(&i.review_on, "plan_review_on", &mut e);
        let mut tx = self.open_form(p, case, origin, e).await?;
        let w = tx.cap();
        for g in &goals {
            if !g.referral_id.is_empty()
                && haven_store::referrals::get(&mut tx, &g.referral_id)
                    .await?
                    .is_none_or(|r| r.case_id != Some(case))
            {
                return Err(CoreError::invalid("plan_referral", "error-unknown-code"));
            }
        }
        let old = store::plan_of_case(&mut tx, &w).await?;
        let current = old.as_ref().map_or(0, |o| o.version);
        if current != i.version {
            return Err(CoreError::invalid("plan_goal", "error-plan-stale"));
        }
        if old
            .as_ref()
            .is_some_and(|o| !rules::plan_editable(&o.status))
        {
            return Err(CoreError::invalid("plan_goal", "error-plan-submitted"));
        }
        let status = if self.policy.plan_approval {
            "draft"
        } else {
            "approved"
        };
        let json = serde_json::to_string(&goals).map_err(CoreError::internal)?;
        let row = PlanRow {
            case_id: case,
            status: status.into(),
            goals: Some(
                self.cipher()
                    .encrypt(&json, &sealed::ASSISTANCE_PLANS_GOALS.of(case)),
            ),
            review_on: review,
            comments: old.as_ref().and_then(|o| o.comments.clone()),
            updated_by: Some(p.user_id),
            submitted_by: None,
            decided_by: None,
            decided_at: None,
            created_at: old.as_ref().map_or(now, |o| o.created_at),
            updated_at: now,
            version: current + 1,
        };
        if !store::save_plan(&mut tx, &w, &row, current).await? {
            return Err(CoreError::invalid("plan_goal", "error-plan-stale"));
        }
        self.commit_section(
            tx,
            "plan",
            serde_json::json!({"goals": goals.len(), "status": status}),
            now,
        )
        .await?;
        Ok(())
    }

    /// The plan's approval: `submit` (the case's writers, a draft or returned plan), `approve`
    /// or `return` (a coordinator other than the one who submitted it; returning needs
    /// comments).
    #[tracing::instrument(skip_all, fields(user = %p.user_id, case = %case))]
    pub async fn decide_plan(
        &self,
        p: &Principal,
        case: CaseId,
        action: &str,
        comments: &str,
        origin: &Origin,
    ) -> Result<()> {
        let now = self.now();
        let mut e = Vec::new();
        let comments = text(comments, "plan_comments", &mut e);
        let mut tx = self.open_form(p, case, origin, e).await?;
        let w = tx.cap();
        let mut plan = store::plan_of_case(&mut tx, &w)
            .await?
            .ok_or(CoreError::invalid("plan_goal", "error-required"))?;
        let expected = plan.version;
        let (to, notify_kind) = match (action, plan.status.as_str()) {
            ("submit", "draft" | "returned") if self.policy.plan_approval => {
                plan.submitted_by = Some(p.user_id);
                ("submitted", "plan_submitted")
            }
            ("approve", "submitted")
                if p.plan_approval()
                    .is_some_and(|a| a.may_decide(plan.submitted_by)) =>
            {
                ("approved", "plan_approved")
            }
            ("return", "submitted")
                if p.plan_approval()
                    .is_some_and(|a| a.may_decide(plan.submitted_by)) =>
            {
                if comments.is_empty() {
                    return Err(CoreError::invalid("plan_comments", "error-required"));
                }
                ("returned", "plan_returned")
            }
            _ => return Err(CoreError::invalid("plan_status", "error-plan-move")),
        };
        if to != "submitted" {
            plan.decided_by = Some(p.user_id);
            plan.decided_at = Some(now);
            plan.comments = (!comments.is_empty()).then(|| {
                self.cipher()
                    .encrypt(&comments, &sealed::ASSISTANCE_PLANS_COMMENTS.of(case))
            });
        }
        plan.status = to.into();
        plan.updated_at = now;
        plan.version += 1;
        if !store::save_plan(&mut tx, &w, &plan, expected).await? {
            return Err(CoreError::invalid("plan_goal", "error-plan-stale"));
        }
        let who: Vec<UserId> = if to == "submitted" {
            // The coordinators who may read the case.
            let mut out = Vec::new();
            for u in self.coordinators(&mut tx).await? {
                let q = self.principal_of_user_in(&mut tx, u).await?;
                let facts = haven_store::cases::access_facts(&mut tx, case).await?;
                if facts.and_then(|f| q.read_case(case, &f)).is_some() {
                    out.push(u);
                }
            }
            out
        } else {
            plan.submitted_by.into_iter().collect()
        };
        self.notify(&mut tx, &who, notify_kind, &case.to_string(), now)
            .await?;
        self.commit_section(tx, "plan", serde_json::json!({"status": to}), now)
            .await?;
        Ok(())
    }

    /// Records a service delivered (or being delivered) to the person, by an agency of Haven or
    /// a provider named freely.
    #[tracing::instrument(skip_all, fields(user = %p.user_id, case = %case))]
    pub async fn record_service(
        &self,
        p: &Principal,
        case: CaseId,
        i: &ServiceInput,
        origin: &Origin,
    ) -> Result<String> {
        let now = self.now();
        let mut e = Vec::new();
        let kind = code(
            &i.service_type,
            crate::consents::SERVICE_TYPES,
            "service_type",
            &mut e,
        );
        let status = if i.status.trim().is_empty() {
            "delivered".to_string()
        } else {
            code(&i.status, rules::SERVICE_STATUSES, "service_status", &mut e)
        };
        let agency: Option<AgencyId> = opt_id(&i.provider_agency_id, "service_provider", &mut e);
        let name = text(&i.provider_name, "service_provider", &mut e);
        if agency.is_none() && name.is_empty() {
            e.push(("service_provider", "error-required"));
        }
        let start = opt_date(&i.started_on, "service_started_on", &mut e);
        let end = opt_date(&i.ended_on, "service_ended_on", &mut e);
        if let (Some(s), Some(t)) = (&start, &end)
            && t < s
        {
            e.push(("service_ended_on", "error-date-order"));
        }
        let outcome = text(&i.outcome, "service_outcome", &mut e);
        if !valid_cost(&i.cost) {
            e.push(("service_cost", "error-cost"));
        }
        let mut tx = self.open_form(p, case, origin, e).await?;
        if let Some(a) = agency
            && haven_store::agencies::get(&mut tx, a).await?.is_none()
        {
            return Err(CoreError::invalid("service_provider", "error-unknown-code"));
        }
        let id = uuid::Uuid::now_v7().to_string();
        let ts = |d: &Option<String>| {
            d.as_deref()
                .and_then(parse_date)
                .map(|d| d.midnight().assume_utc().unix_timestamp())
        };
        haven_store::notifications::insert_service(
            &mut tx,
            &haven_store::notifications::CaseServiceRow {
                outcome: (!outcome.is_empty()).then(|| {
                    self.cipher()
                        .encrypt(&outcome, &sealed::CASE_SERVICES_OUTCOME.of(&id))
                }),
                id: id.clone(),
                case_id: case,
                service_type: kind.clone(),
                provider_agency_id: agency,
                referral_id: None,
                status,
                started_at: ts(&start),
                ended_at: ts(&end),
                created_at: now,
                updated_at: now,
            },
        )
        .await?;
        haven_store::notifications::set_service_extra(
            &mut tx,
            &id,
            (!name.is_empty()).then_some(name.as_str()),
            Some(i.cost.trim()).filter(|c| !c.is_empty()),
            i.consent,
            p.user_id,
        )
        .await?;
        self.commit_section(
            tx,
            "service",
            serde_json::json!({"service_type": kind}),
            now,
        )
        .await?;
        Ok(id)
    }

    /// Schedules a follow-up (visit, call, review …) for someone who may read the case.
    #[tracing::instrument(skip_all, fields(user = %p.user_id, case = %case))]
    pub async fn create_task(
        &self,
        p: &Principal,
        case: CaseId,
        i: &TaskInput,
        origin: &Origin,
    ) -> Result<String> {
        let now = self.now();
        let mut e = Vec::new();
        let kind = code(&i.kind, rules::TASK_KINDS, "task_kind", &mut e);
        let title = text(&i.title, "task_title", &mut e);
        if title.is_empty() {
            e.push(("task_title", "error-required"));
        }
        let due = match i.due_on.trim() {
            "" => {
                e.push(("task_due_on", "error-required"));
                String::new()
            }
            d => opt_date(d, "task_due_on", &mut e).unwrap_or_default(),
        };
        let note = text(&i.note, "task_note", &mut e);
        let assignee = match i.assigned_to.trim() {
            "" => Some(p.user_id),
            u => opt_id(u, "task_assigned_to", &mut e),
        };
        let mut tx = self.open_form(p, case, origin, e).await?;
        let w = tx.cap();
        if let Some(u) = assignee
            && !self.user_may_read(&mut tx, u, case).await?
        {
            return Err(CoreError::invalid("task_assigned_to", "error-unknown-code"));
        }
        let id = uuid::Uuid::now_v7().to_string();
        let c = self.cipher();
        let seal = |col: Column, v: &str| (!v.is_empty()).then(|| c.encrypt(v, &col.of(&id)));
        store::save_task(
            &mut tx,
            &w,
            &TaskRow {
                title: seal(sealed::TASKS_TITLE, &title),
                note: seal(sealed::TASKS_NOTE, &note),
                id: id.clone(),
                case_id: case,
                kind: kind.clone(),
                due_on: due.clone(),
                assigned_to: assignee,
                status: "open".into(),
                created_by: Some(p.user_id),
                created_at: now,
                done_at: None,
                reminded_on: None,
                updated_at: now,
            },
        )
        .await?;
        self.commit_section(
            tx,
            "task",
            serde_json::json!({"task_id": id, "kind": kind, "due_on": due}),
            now,
        )
        .await?;
        Ok(id)
    }

    /// Marks a task done (or cancelled), with an optional note: the case's writers or the
    /// assignee.
    #[tracing::instrument(skip_all, fields(user = %p.user_id))]
    pub async fn finish_task(
        &self,
        p: &Principal,
        task: &str,
        status: &str,
        note: &str,
        origin: &Origin,
    ) -> Result<CaseId> {
        let now = self.now();
        let case = {
            let mut conn = self.db.pool().acquire().await?;
            store::get_task(&mut conn, task)
                .await?
                .ok_or(CoreError::NotFound)?
                .case_id
        };
        let tx = self.db.begin().await?;
        let mut tx = self.gate_write(tx, p, case, origin).await?;
        let w = tx.cap();
        // Checked behind the gate: someone who may not see the case learns nothing.
        let mut e = Vec::new();
        let note = text(note, "task_note", &mut e);
        if !matches!(status, "done" | "cancelled") {
            e.push(("task_status", "error-required"));
        }
        done(e)?;
        let mut t = store::get_task(&mut tx, task)
            .await?
            .ok_or(CoreError::NotFound)?;
        if t.status != "open" {
            return Err(CoreError::invalid("task_status", "error-task-closed"));
        }
        t.status = status.into();
        t.done_at = Some(now);
        if !note.is_empty() {
            t.note = Some(self.cipher().encrypt(&note, &sealed::TASKS_NOTE.of(&t.id)));
        }
        t.updated_at = now;
        store::save_task(&mut tx, &w, &t).await?;
        self.commit_section(
            tx,
            "task",
            serde_json::json!({"task_id": t.id, "status": status}),
            now,
        )
        .await?;
        Ok(case)
    }

    /// Return and reintegration: where to, who receives the person, when. A planned or actual
    /// return needs the person's current consent to a voluntary return.
    #[tracing::instrument(skip_all, fields(user = %p.user_id, case = %case))]
    pub async fn save_return(
        &self,
        p: &Principal,
        case: CaseId,
        i: &ReturnInput,
        origin: &Origin,
    ) -> Result<()> {
        let now = self.now();
        let mut e = Vec::new();
        let country = match i.country.trim() {
            "" => None,
            c => match haven_domain::reference::country(c) {
                Some(k) => Some(k.alpha2.to_string()),
                None => {
                    e.push(("return_country", "error-unknown-code"));
                    None
                }
            },
        };
        let region = text(&i.region, "return_region", &mut e);
        let org = text(&i.receiving_org, "return_receiving_org", &mut e);
        let planned = opt_date(&i.planned_on, "return_planned_on", &mut e);
        let returned = opt_date(&i.returned_on, "return_returned_on", &mut e);
        let notes = text(&i.notes, "return_notes", &mut e);
        let mut tx = self.open_form(p, case, origin, e).await?;
        let w = tx.cap();
        if planned.is_some() || returned.is_some() {
            let child = self.case_is_child(&mut tx, case).await?;
            if let Err(m) = self
                .consent_check(&mut tx, case, "return", None, child)
                .await?
            {
                return Err(CoreError::invalid("return_consent", m.key()));
            }
        }
        store::save_return(
            &mut tx,
            &w,
            &ReturnRow {
                case_id: Some(case),
                country,
                region: Some(region).filter(|r| !r.is_empty()),
                receiving_org: Some(org).filter(|r| !r.is_empty()),
                planned_on: planned,
                returned_on: returned.clone(),
                notes: (!notes.is_empty()).then(|| {
                    self.cipher()
                        .encrypt(&notes, &sealed::CASE_RETURNS_NOTES.of(case))
                }),
                updated_by: Some(p.user_id),
                updated_at: now,
            },
        )
        .await?;
        self.commit_section(
            tx,
            "return",
            serde_json::json!({"returned": returned.is_some()}),
            now,
        )
        .await?;
        Ok(())
    }

    /// Criminal and civil proceedings: cooperation with the authorities (never a condition of
    /// assistance), references, witness protection, compensation.
    #[tracing::instrument(skip_all, fields(user = %p.user_id, case = %case))]
    pub async fn save_proceedings(
        &self,
        p: &Principal,
        case: CaseId,
        i: &ProceedingsInput,
        origin: &Origin,
    ) -> Result<()> {
        let now = self.now();
        let mut e = Vec::new();
        let cooperation = code(
            &i.cooperation,
            rules::COOPERATION,
            "proceedings_cooperation",
            &mut e,
        );
        let compensation = code(
            &i.compensation,
            rules::COMPENSATION,
            "proceedings_compensation",
            &mut e,
        );
        let d = &i.details;
        for (field, v) in [
            ("proceedings_police_ref", &d.police_ref),
            ("proceedings_prosecutor_ref", &d.prosecutor_ref),
            ("proceedings_witness_protection", &d.witness_protection),
            ("proceedings_notes", &d.notes),
        ] {
            text(v, field, &mut e);
        }
        for (field, v) in [
            ("proceedings_claimed", &d.compensation_claimed),
            ("proceedings_awarded", &d.compensation_awarded),
        ] {
            if !valid_cost(v) {
                e.push((field, "error-cost"));
            }
        }
        let mut tx = self.open_form(p, case, origin, e).await?;
        let w = tx.cap();
        let trimmed = ProceedingsDetails {
            police_ref: d.police_ref.trim().into(),
            prosecutor_ref: d.prosecutor_ref.trim().into(),
            witness_protection: d.witness_protection.trim().into(),
            compensation_claimed: d.compensation_claimed.trim().into(),
            compensation_awarded: d.compensation_awarded.trim().into(),
            notes: d.notes.trim().into(),
        };
        let json = serde_json::to_string(&trimmed).map_err(CoreError::internal)?;
        store::save_proceedings(
            &mut tx,
            &w,
            &ProceedingsRow {
                case_id: case,
                cooperation: cooperation.clone(),
                compensation: compensation.clone(),
                details: Some(
                    self.cipher()
                        .encrypt(&json, &sealed::CASE_PROCEEDINGS_DETAILS.of(case)),
                ),
                updated_by: Some(p.user_id),
                updated_at: now,
            },
        )
        .await?;
        self.commit_section(
            tx,
            "proceedings",
            serde_json::json!({"cooperation": cooperation, "compensation": compensation}),
            now,
        )
        .await?;
        Ok(())
    }

    async fn case_is_child(&self, tx: &mut haven_store::Conn, case: CaseId) -> Result<bool> {
        let c = haven_store::cases::get_case(tx, case)
            .await?
            .ok_or(CoreError::NotFound)?;
        let person = haven_store::cases::get_person(tx, c.person_id)
            .await?
            .ok_or(CoreError::NotFound)?;
        Ok(self
            .load_record(tx, &c, &person)
            .await?
            .person
            .is_child(self.today()))
    }

    /// Whether a user (active) may read a case: who tasks may be given to.
    async fn user_may_read(
        &self,
        tx: &mut haven_store::Conn,
        user: UserId,
        case: CaseId,
    ) -> Result<bool> {
        let Some(u) = haven_store::users::by_id(tx, user).await? else {
            return Ok(false);
        };
        if u.disabled {
            return Ok(false);
        }
        let q = self.principal_of_user_in(tx, user).await?;
        let facts = haven_store::cases::access_facts(tx, case).await?;
        Ok(facts.and_then(|f| q.read_case(case, &f)).is_some())
    }

    fn task_view(
        &self,
        t: TaskRow,
        number: String,
        names: &std::collections::BTreeMap<UserId, String>,
        today: &str,
    ) -> Result<TaskView> {
        let c = self.cipher();
        let open = |col: Column, v: &Option<Vec<u8>>| -> Result<String> {
            Ok(c.decrypt_opt(v.as_deref(), &col.of(&t.id))?
                .unwrap_or_default())
        };
        Ok(TaskView {
            title: open(sealed::TASKS_TITLE, &t.title)?,
            note: open(sealed::TASKS_NOTE, &t.note)?,
            overdue: t.status == "open" && t.due_on.as_str() < today,
            assignee: t
                .assigned_to
                .and_then(|u| names.get(&u).cloned())
                .unwrap_or_default(),
            id: t.id,
            case_id: t.case_id,
            case_number: number,
            kind: t.kind,
            due_on: t.due_on,
            assigned_to: t.assigned_to,
            status: t.status,
        })
    }

    async fn staff_names(
        &self,
        tx: &mut haven_store::Conn,
    ) -> Result<std::collections::BTreeMap<UserId, String>> {
        Ok(haven_store::users::list(tx)
            .await?
            .into_iter()
            .map(|u| (u.id, u.display_name))
            .collect())
    }

    /// The protection of a case, for its page: needs read access; audited as a read of the case.
    #[tracing::instrument(skip_all, fields(user = %p.user_id, case = %case))]
    pub async fn protection(
        &self,
        p: &Principal,
        case: CaseId,
        origin: &Origin,
    ) -> Result<ProtectionDoc> {
        let tx = self.db.begin_snapshot().await?;
        let mut tx = self.gate(tx, p, case, origin).await?;
        let reader = tx.cap();
        let c = haven_store::cases::get_case(&mut tx, case)
            .await?
            .ok_or(CoreError::NotFound)?;
        let closed = haven_domain::record::may_reopen(c.status);
        let may_change = reader.writer().is_some() && !closed;
        let cipher = self.cipher();
        let risks = store::risks_of_case(&mut tx, &reader)
            .await?
            .into_iter()
            .map(|r| {
                let open = |col: Column, v: &Option<Vec<u8>>| -> Result<String> {
                    Ok(cipher
                        .decrypt_opt(v.as_deref(), &col.of(&r.id))?
                        .unwrap_or_default())
                };
                Ok(RiskView {
                    safety_plan: open(sealed::RISK_ASSESSMENTS_SAFETY_PLAN, &r.safety_plan)?,
                    notes: open(sealed::RISK_ASSESSMENTS_NOTES, &r.notes)?,
                    areas: r
                        .areas
                        .split(',')
                        .filter_map(|x| x.split_once(':'))
                        .map(|(a, l)| (a.to_string(), l.to_string()))
                        .collect(),
                    id: r.id,
                    kind: r.kind,
                    assessed_on: r.assessed_on,
                    level: r.level,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let today_d = self.today();
        let reflection = match store::reflection_of_case(&mut tx, &reader).await? {
            Some(r) => {
                let extensions: Vec<(String, i64, String)> = match &r.extensions {
                    Some(b) => serde_json::from_str(
                        &cipher.decrypt(b, &sealed::REFLECTION_PERIODS_EXTENSIONS.of(&r.id))?,
                    )
                    .map_err(CoreError::internal)?,
                    None => vec![],
                };
                let end = parse_date(&r.ends_on).ok_or(CoreError::internal("date"))?;
                Some(ReflectionView {
                    days_left: (end - today_d).whole_days(),
                    started_on: r.started_on,
                    days: r.days,
                    extended_days: r.extended_days,
                    ends_on: r.ends_on,
                    extensions,
                })
            }
            None => None,
        };
        let plan = match store::plan_of_case(&mut tx, &reader).await? {
            Some(pl) => {
                let goals: Vec<Goal> = match &pl.goals {
                    Some(b) => serde_json::from_str(
                        &cipher.decrypt(b, &sealed::ASSISTANCE_PLANS_GOALS.of(case))?,
                    )
                    .map_err(CoreError::internal)?,
                    None => vec![],
                };
                Some(PlanView {
                    comments: cipher
                        .decrypt_opt(
                            pl.comments.as_deref(),
                            &sealed::ASSISTANCE_PLANS_COMMENTS.of(case),
                        )?
                        .unwrap_or_default(),
                    status: pl.status,
                    goals,
                    review_on: pl.review_on,
                    version: pl.version,
                    needs_approval: self.policy.plan_approval,
                })
            }
            None => None,
        };
        let names = self.staff_names(&mut tx).await?;
        let today_s = today_d.to_string();
        let tasks = store::tasks_of_case(&mut tx, &reader)
            .await?
            .into_iter()
            .map(|t| self.task_view(t, c.case_number.clone(), &names, &today_s))
            .collect::<Result<Vec<_>>>()?;
        let (referral_views, services) = self.case_referrals(&mut tx, case).await?;
        let referrals = referral_views
            .into_iter()
            .filter(|r| r.status != haven_domain::referral::Status::Draft)
            .map(|r| (r.id, r.to_agency, r.services))
            .collect();
        let return_plan = match store::return_of_case(&mut tx, &reader).await? {
            Some(r) => Some(ReturnInput {
                notes: cipher
                    .decrypt_opt(r.notes.as_deref(), &sealed::CASE_RETURNS_NOTES.of(case))?
                    .unwrap_or_default(),
                country: r.country.unwrap_or_default(),
                region: r.region.unwrap_or_default(),
                receiving_org: r.receiving_org.unwrap_or_default(),
                planned_on: r.planned_on.unwrap_or_default(),
                returned_on: r.returned_on.unwrap_or_default(),
            }),
            None => None,
        };
        let child = self.case_is_child(&mut tx, case).await?;
        let return_consent = self
            .consent_check(&mut tx, case, "return", None, child)
            .await?
            .is_ok();
        let (cooperation, compensation, proceedings) =
            match store::proceedings_of_case(&mut tx, &reader).await? {
                Some(r) => {
                    let d: ProceedingsDetails = match &r.details {
                        Some(b) => serde_json::from_str(
                            &cipher.decrypt(b, &sealed::CASE_PROCEEDINGS_DETAILS.of(case))?,
                        )
                        .map_err(CoreError::internal)?,
                        None => ProceedingsDetails::default(),
                    };
                    (r.cooperation, r.compensation, Some(d))
                }
                None => (String::new(), String::new(), None),
            };
        // Who tasks may go to: active staff who may read the case.
        let mut assignees = Vec::new();
        if may_change {
            for u in haven_store::users::list(&mut tx).await? {
                if !u.disabled
                    && haven_authz::roles::manages_cases(u.role)
                    && self.user_may_read(&mut tx, u.id, case).await?
                {
                    assignees.push((u.id, u.display_name));
                }
            }
        }
        tx.finish(
            self,
            Event::new(Action::CaseViewed).details(serde_json::json!({"part": "protection"})),
        )
        .await?;
        Ok(ProtectionDoc {
            case_id: case,
            case_number: c.case_number,
            closed,
            may_change,
            may_approve: p.plan_approval().is_some() && !closed,
            risks,
            reflection,
            default_reflection_days: self.policy.reflection_days,
            plan,
            tasks,
            services,
            return_plan,
            return_consent,
            cooperation,
            compensation,
            proceedings,
            assignees,
            referrals,
        })
    }

    /// The user's open tasks (soonest first) across the cases they may still read. Audited as a
    /// case list (task titles are about the person).
    #[tracing::instrument(skip_all, fields(user = %p.user_id))]
    pub async fn my_tasks(
        &self,
        p: &Principal,
        page: &PageRequest,
        origin: &Origin,
    ) -> Result<(Vec<TaskView>, Option<String>)> {
        let mut conn = self.db.pool().acquire().await?;
        let rows = store::open_tasks_of(&mut conn, p.user_id).await?;
        self.visible_tasks(&mut conn, p, rows, page, origin, "my")
            .await
    }

    /// Overdue open tasks of the cases the user may read (supervisors: coordinators and case
    /// workers). Audited as a case list.
    #[tracing::instrument(skip_all, fields(user = %p.user_id))]
    pub async fn overdue_tasks(&self, p: &Principal, origin: &Origin) -> Result<Vec<TaskView>> {
        if p.task_supervision().is_none() {
            return Err(CoreError::Forbidden);
        }
        let mut conn = self.db.pool().acquire().await?;
        let rows = store::overdue_tasks(&mut conn, &self.today().to_string()).await?;
        let all = PageRequest::all();
        Ok(self
            .visible_tasks(&mut conn, p, rows, &all, origin, "overdue")
            .await?
            .0)
    }

    async fn visible_tasks(
        &self,
        conn: &mut haven_store::Conn,
        p: &Principal,
        rows: Vec<TaskRow>,
        page: &PageRequest,
        origin: &Origin,
        which: &str,
    ) -> Result<(Vec<TaskView>, Option<String>)> {
        let names = self.staff_names(conn).await?;
        let today_s = self.today().to_string();
        let mut out = Vec::new();
        for t in rows {
            let Some(facts) = haven_store::cases::access_facts(conn, t.case_id).await? else {
                continue;
            };
            if p.read_case(t.case_id, &facts).is_none() {
                continue;
            }
            let number = haven_store::cases::get_case(conn, t.case_id)
                .await?
                .map(|c| c.case_number)
                .unwrap_or_default();
            out.push(self.task_view(t, number, &names, &today_s)?);
        }
        // Soonest due first (the day as a number: 2026-12-08 is 20261208), then by id.
        let (out, next) = page.cut(out, |t| {
            let day = t.due_on.replace('-', "").parse().unwrap_or(0);
            (day, t.id.clone())
        });
        if !out.is_empty() {
            self.record_read(
                &actor(p, origin),
                Event::new(Action::CaseListed).details(serde_json::json!({
                    "tasks": which,
                    "case_ids": out.iter().map(|t| t.case_id.to_string()).collect::<Vec<_>>(),
                })),
            )
            .await?;
        }
        Ok((out, next))
    }

    /// Counts for the dashboard: (open tasks of the user, of which overdue).
    #[tracing::instrument(skip_all, fields(user = %p.user_id))]
    pub async fn task_counts(&self, p: &Principal) -> Result<(usize, usize)> {
        let mut conn = self.db.pool().acquire().await?;
        let rows = store::open_tasks_of(&mut conn, p.user_id).await?;
        let today_s = self.today().to_string();
        let overdue = rows.iter().filter(|t| t.due_on < today_s).count();
        Ok((rows.len(), overdue))
    }

    /// Reminders of protection: tasks due (to the assignee), reflection periods ending within
    /// two days (to the assigned case worker, else the owning agency's case workers). Each once.
    #[tracing::instrument(skip_all)]
    pub async fn send_protection_reminders(&self) -> Result<usize> {
        let now = self.now();
        let day = time::OffsetDateTime::from_unix_timestamp(now)
            .map(|t| t.date())
            .map_err(CoreError::internal)?;
        let today_s = day.to_string();
        let soon = (day + time::Duration::days(2)).to_string();
        let (tasks, periods) = {
            let mut conn = self.db.pool().acquire().await?;
            (
                store::tasks_to_remind(&mut conn, &today_s).await?,
                store::reflections_ending(&mut conn, &soon).await?,
            )
        };
        let mut sent = 0;
        for t in tasks {
            let mut tx = self.db.begin().await?;
            if !store::claim_task_reminder(&mut tx, &t.id, &today_s).await? {
                continue;
            }
            let to: Vec<UserId> = t.assigned_to.or(t.created_by).into_iter().collect();
            self.notify(&mut tx, &to, "task_due", &t.case_id.to_string(), now)
                .await?;
            tx.commit().await?;
            sent += 1;
        }
        for r in periods {
            let mut tx = self.db.begin().await?;
            if !store::claim_reflection_reminder(&mut tx, &r.id, &today_s).await? {
                continue;
            }
            let Some(c) = haven_store::cases::get_case(&mut tx, r.case_id).await? else {
                continue;
            };
            let to = match c.assigned_user_id {
                Some(u) => vec![u],
                None => {
                    self.agency_staff(
                        &mut tx,
                        c.owner_agency_id,
                        haven_authz::roles::follows_agency_cases,
                    )
                    .await?
                }
            };
            self.notify(
                &mut tx,
                &to,
                "reflection_ending",
                &r.case_id.to_string(),
                now,
            )
            .await?;
            tx.commit().await?;
            sent += 1;
        }
        Ok(sent)
    }
}
