//! Referrals: a case's person sent, with their current consent, to another agency for services.
//! The recipient answers; once they accept, they see the shared sections of the case and nothing
//! else, until the referral is completed or revoked. Every move is checked against
//! `haven_domain::referral::next` and audited with the change.

pub mod consents;
use crate::sealed::{self, Column};
use haven_audit::{Action, Event};
use haven_authz::Principal;
use haven_domain::referral::{self, Move, SECTIONS, Side, Status, URGENCIES};
use haven_domain::text::{self, Lines};
use haven_domain::{AgencyId, CaseId, UserId};
use haven_store::notifications::CaseServiceRow;
use haven_store::referrals::{self as store, ReferralRow};

use crate::consents::SERVICE_TYPES;
use crate::support::{done, opt_id};
use crate::{CoreError, Haven, Origin, Result, actor};

const TEXT_MAX: usize = 2000;

/// A referral as the sender fills it in.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ReferralInput {
    pub to_agency_id: String,
    pub to_user: String,
    pub services: Vec<String>,
    pub urgency: String,
    pub reason: String,
    pub sections: Vec<String>,
    /// Send now (otherwise a draft).
    pub send: bool,
    /// Only for an emergency referral by the coordinator without a current consent.
    pub emergency_justification: String,
}

/// What the recipient sees of the case: the shared sections only.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct SharedCase {
    pub sections: Vec<String>,
    pub name: Option<String>,
    pub age: Option<i64>,
    pub gender: Option<String>,
    pub citizenship: Vec<String>,
    pub languages: Vec<String>,
    pub phone: Option<String>,
    pub exploitation: Vec<String>,
    pub trafficking_status: Option<String>,
    pub screening_outcome: Option<String>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, serde::Serialize)]
pub struct ReferralView {
    pub id: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub case_id: CaseId,
    /// The case's number (what sender and recipient call it by; on the printed referral too).
    pub case_number: String,
    /// The person's initials ("M. R."), where the viewer may see the person's name: the
    /// sender's side that may read the case, or the recipient once the identity is shared.
    pub initials: Option<String>,
    pub from_agency: String,
    pub to_agency: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub to_agency_id: AgencyId,
    pub services: Vec<String>,
    pub urgency: String,
    pub reason: String,
    pub sections: Vec<String>,
    /// `draft`, `sent`, `accepted`, `declined`, `in_progress`, `completed`, `revoked` or
    /// `redirected`.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub status: Status,
    pub flagged: bool,
    pub answer: String,
    pub due_at: Option<i64>,
    pub overdue: bool,
    pub sent_at: Option<i64>,
    /// Present for the recipient once accepted (and while in progress or completed).
    pub shared: Option<SharedCase>,
}

/// A service of the case, as requested through a referral and updated with its outcome.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, serde::Serialize)]
pub struct CaseServiceView {
    pub id: String,
    pub service_type: String,
    pub provider: String,
    pub referral_id: Option<String>,
    /// requested, in_progress, delivered, not_delivered
    pub status: String,
    pub started_at: Option<i64>,
    pub ended_at: Option<i64>,
    pub outcome: String,
    /// A provider outside Haven, named freely (services recorded by hand).
    pub provider_name: String,
    pub cost: String,
    pub consent: bool,
}

/// An answer or change of a referral.
#[derive(Clone, Debug)]
pub enum Decision {
    Send,
    Accept,
    Decline { reason: String },
    Start,
    Complete { outcome: String },
    Revoke { reason: String },
}

fn list(s: &str) -> Vec<String> {
    s.split(',')
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect()
}

impl Haven {
    /// Whether the case may be referred to `to` now: a current consent, or an emergency by the
    /// coordinator with a justification (flagged for review). Returns (consent id, flagged).
    async fn referral_consent(
        &self,
        tx: &mut haven_store::Conn,
        p: &Principal,
        case: CaseId,
        to: AgencyId,
        urgency: &str,
        justification: &str,
    ) -> Result<(Option<String>, bool)> {
        let doc_child = {
            let c = haven_store::cases::get_case(tx, case)
                .await?
                .ok_or(CoreError::NotFound)?;
            let person = haven_store::cases::get_person(tx, c.person_id)
                .await?
                .ok_or(CoreError::NotFound)?;
            // The record's own rule (birth date, assessed age, uncertain age).
            self.load_record(tx, &c, &person)
                .await?
                .person
                .is_child(self.today())
        };
        match self
            .consent_check(tx, case, "referral", Some(to), doc_child)
            .await?
        {
            Ok(()) => {
                let id = haven_store::consents::of_case(tx, case)
                    .await?
                    .into_iter()
                    .find(|c| c.purpose == "referral" && c.agency_id == Some(to))
                    .map(|c| c.id);
                Ok((id, false))
            }
            Err(missing) => {
                if p.emergency_referral().is_some()
                    && urgency == "emergency"
                    && !justification.trim().is_empty()
                {
                    Ok((None, true))
                } else {
                    Err(CoreError::invalid("consent", missing.key()))
                }
            }
        }
    }

    /// Creates a referral on a case (draft, or sent at once). Needs the right to change the case;
    /// sending needs the person's current consent for the receiving agency. Audited.
    #[tracing::instrument(skip_all, fields(user = %p.user_id, case = %case))]
    pub async fn create_referral(
        &self,
        p: &Principal,
        case: CaseId,
        i: &ReferralInput,
        origin: &Origin,
    ) -> Result<String> {
        let now = self.now();
        let mut e = Vec::new();
        let to = i.to_agency_id.trim().parse::<AgencyId>().ok();
        if to.is_none() {
            e.push(("referral_agency", "error-required"));
        }
        let to_user: Option<UserId> = opt_id(&i.to_user, "referral_user", &mut e);
        if i.services.is_empty()
            || i.services
                .iter()
                .any(|s| !SERVICE_TYPES.contains(&s.as_str()))
        {
            e.push(("referral_services", "error-required"));
        }
        if !URGENCIES.contains(&i.urgency.as_str()) {
            e.push(("referral_urgency", "error-required"));
        }
        if i.sections.iter().any(|s| !SECTIONS.contains(&s.as_str())) {
            e.push(("referral_sections", "error-unknown-code"));
        }
        if i.reason.trim().is_empty() {
            e.push(("referral_reason", "error-required"));
        }
        for (field, v) in [
            ("referral_reason", i.reason.trim()),
            ("referral_justification", i.emergency_justification.trim()),
        ] {
            if let Err(t) = text::check(v, TEXT_MAX, Lines::Many) {
                e.push((field, t.key()));
            }
        }
        let tx = self.db.begin().await?;
        // Gate first: outsiders learn nothing, not even that the form was wrong.
        let mut tx = self.gate_write(tx, p, case, origin).await?;
        done(e)?;
        let to = to.ok_or(CoreError::NotFound)?;
        if haven_store::agencies::get(&mut tx, to).await?.is_none() {
            return Err(CoreError::invalid("referral_agency", "error-unknown-code"));
        }
        let to_user = self
            .referral_user(
                &mut tx,
                to,
                &to_user.map(|u| u.to_string()).unwrap_or_default(),
            )
            .await?;
        let id = uuid::Uuid::now_v7().to_string();
        let (consent_id, flagged) = if i.send {
            self.referral_consent(&mut tx, p, case, to, &i.urgency, &i.emergency_justification)
                .await?
        } else {
            (None, false)
        };
        let c = self.cipher();
        let seal = |col: Column, v: &str| {
            (!v.trim().is_empty()).then(|| c.encrypt(v.trim(), &col.of(&id)))
        };
        let mut sections = i.sections.clone();
        sections.sort();
        sections.dedup();
        let row = ReferralRow {
            reason: seal(sealed::REFERRALS_REASON, &i.reason),
            emergency_justification: if flagged {
                seal(
                    sealed::REFERRALS_EMERGENCY_JUSTIFICATION,
                    &i.emergency_justification,
                )
            } else {
                None
            },
            id: id.clone(),
            case_id: Some(case),
            from_agency_id: Some(p.agency_id),
            from_user_id: Some(p.user_id),
            to_agency_id: Some(to),
            to_user_id: to_user,
            services: i.services.join(","),
            urgency: i.urgency.clone(),
            sections: sections.join(","),
            consent_id,
            flagged,
            status: if i.send { "sent" } else { "draft" }.into(),
            answer: None,
            redirected_from: None,
            created_at: now,
            sent_at: i.send.then_some(now),
            due_at: i.send.then(|| now + referral::answer_within(&i.urgency)),
            answered_at: None,
            completed_at: None,
            revoked_at: None,
            updated_at: now,
            reminded_at: None,
        };
        store::save(&mut tx, &row).await?;
        if i.send {
            self.referral_sent(&mut tx, &row, now).await?;
        }
        let ev = Event::new(Action::ReferralSaved)
            .target("case", case)
            .details(serde_json::json!({
                "referral_id": id,
                "status": row.status,
                "to_agency_id": to.to_string(),
                "urgency": row.urgency,
                "sections": sections,
                "emergency_without_consent": flagged,
            }));
        tx.commit(self, ev, now).await?;
        Ok(id)
    }

    /// Which side of a referral the user is on, for a move (the case's writers send and revoke;
    /// the receiving agency's staff answer; the coordinator may also revoke).
    async fn side(
        &self,
        tx: &mut haven_store::Conn,
        p: &Principal,
        r: &ReferralRow,
        m: Move,
    ) -> Result<Option<Side>> {
        let recipient = p
            .referral_handling()
            .is_some_and(|h| h.may_answer(r.to_agency_id, r.to_user_id));
        if matches!(
            m,
            Move::Accept | Move::Decline | Move::Start | Move::Complete
        ) {
            return Ok(recipient.then_some(Side::Recipient));
        }
        // The sending side acts on what it may change: the coordinator too, only on the cases
        // it may read.
        let case = r.case_id.ok_or(CoreError::NotFound)?;
        let facts = haven_store::cases::access_facts(tx, case).await?;
        let writer = facts
            .and_then(|f| p.read_case(case, &f).and_then(|rd| rd.writer().map(|_| ())))
            .is_some();
        Ok(writer.then_some(if p.emergency_referral().is_some() {
            Side::Coordinator
        } else {
            Side::Sender
        }))
    }

    /// Moves a referral on (send a draft, accept, decline, start, complete, revoke). Audited with
    /// the change; a user with no part in the referral gets "not found".
    #[tracing::instrument(skip_all, fields(user = %p.user_id))]
    pub async fn decide_referral(
        &self,
        p: &Principal,
        id: &str,
        d: Decision,
        origin: &Origin,
    ) -> Result<()> {
        let now = self.now();
        let m = match &d {
            Decision::Send => Move::Send,
            Decision::Accept => Move::Accept,
            Decision::Decline { .. } => Move::Decline,
            Decision::Start => Move::Start,
            Decision::Complete { .. } => Move::Complete,
            Decision::Revoke { .. } => Move::Revoke,
        };
        let mut tx = self.db.begin().await?;
        let mut r = store::get(&mut tx, id).await?.ok_or(CoreError::NotFound)?;
        let Some(side) = self.side(&mut tx, p, &r, m).await? else {
            return Err(CoreError::NotFound);
        };
        let from =
            Status::parse(&r.status).ok_or_else(|| CoreError::internal("referral status"))?;
        let Some(to) = referral::next(from, m, side) else {
            return Err(CoreError::invalid("status", "error-referral-move"));
        };
        let note = match &d {
            Decision::Decline { reason } => Some(reason.trim()),
            Decision::Complete { outcome } => Some(outcome.trim()),
            Decision::Revoke { reason } => Some(reason.trim()),
            _ => None,
        };
        // The field named as the form names it: the outcome, or the reason for the move.
        let field = match &d {
            Decision::Complete { .. } => "referral_outcome",
            Decision::Decline { .. } => "referral_decline_reason",
            _ => "referral_revoke_reason",
        };
        if matches!(d, Decision::Decline { .. } | Decision::Complete { .. })
            && note.is_none_or(str::is_empty)
        {
            return Err(CoreError::invalid(field, "error-required"));
        }
        if let Some(Err(t)) = note.map(|n| text::check(n, TEXT_MAX, Lines::Many)) {
            return Err(CoreError::invalid(field, t.key()));
        }
        if m == Move::Send {
            let case = r.case_id.ok_or(CoreError::NotFound)?;
            let to_agency = r.to_agency_id.ok_or(CoreError::NotFound)?;
            let (consent, flagged) = self
                .referral_consent(&mut tx, p, case, to_agency, &r.urgency, "")
                .await?;
            r.consent_id = consent;
            r.flagged = flagged;
            r.sent_at = Some(now);
            r.due_at = Some(now + referral::answer_within(&r.urgency));
        }
        if let Some(n) = note.filter(|n| !n.is_empty()) {
            r.answer = Some(
                self.cipher()
                    .encrypt(n, &sealed::REFERRALS_ANSWER.of(&r.id)),
            );
        }
        match to {
            Status::Accepted | Status::Declined => r.answered_at = Some(now),
            Status::Completed => r.completed_at = Some(now),
            Status::Revoked => r.revoked_at = Some(now),
            _ => {}
        }
        r.status = to.as_str().to_string();
        r.updated_at = now;
        store::save(&mut tx, &r).await?;
        self.after_move(&mut tx, &r, to, note, now).await?;
        let ev = Event::new(Action::ReferralMoved)
            .target("case", r.case_id.map(|c| c.to_string()).unwrap_or_default())
            .details(serde_json::json!({
                "referral_id": r.id,
                "from": from.as_str(),
                "to": to.as_str(),
            }));
        self.commit_audited(tx, &actor(p, origin), ev, now).await?;
        Ok(())
    }

    /// A referral has gone out: its services are requested on the case and the recipients told.
    async fn referral_sent(
        &self,
        tx: &mut haven_store::Conn,
        r: &ReferralRow,
        now: i64,
    ) -> Result<()> {
        let case = r.case_id.ok_or(CoreError::NotFound)?;
        for service in list(&r.services) {
            haven_store::notifications::insert_service(
                tx,
                &CaseServiceRow {
                    id: uuid::Uuid::now_v7().to_string(),
                    case_id: case,
                    service_type: service,
                    provider_agency_id: r.to_agency_id,
                    referral_id: Some(r.id.clone()),
                    status: "requested".into(),
                    started_at: None,
                    ended_at: None,
                    outcome: None,
                    created_at: now,
                    updated_at: now,
                },
            )
            .await?;
        }
        let to = self.referral_recipients(tx, r).await?;
        self.notify(tx, &to, "referral_new", &r.id, now).await
    }

    /// After a move: the case's service records follow the referral, and the other side is told.
    async fn after_move(
        &self,
        tx: &mut haven_store::Conn,
        r: &ReferralRow,
        to: Status,
        note: Option<&str>,
        now: i64,
    ) -> Result<()> {
        if to == Status::Sent {
            return self.referral_sent(tx, r, now).await;
        }
        let service_status = match to {
            Status::Accepted | Status::InProgress => Some("in_progress"),
            Status::Completed => Some("delivered"),
            Status::Declined | Status::Revoked | Status::Redirected => Some("not_delivered"),
            _ => None,
        };
        if let Some(st) = service_status {
            for mut sv in haven_store::notifications::services_of_referral(tx, &r.id).await? {
                sv.status = st.into();
                if to == Status::Accepted || (to == Status::InProgress && sv.started_at.is_none()) {
                    sv.started_at = Some(now);
                }
                if matches!(
                    to,
                    Status::Completed | Status::Declined | Status::Revoked | Status::Redirected
                ) {
                    sv.ended_at = Some(now);
                }
                if to == Status::Completed
                    && let Some(n) = note.filter(|n| !n.is_empty())
                {
                    sv.outcome = Some(
                        self.cipher()
                            .encrypt(n, &sealed::CASE_SERVICES_OUTCOME.of(&sv.id)),
                    );
                }
                sv.updated_at = now;
                haven_store::notifications::update_service(tx, &sv).await?;
            }
        }
        let sender: Vec<UserId> = r.from_user_id.into_iter().collect();
        match to {
            Status::Accepted => {
                self.notify(tx, &sender, "referral_accepted", &r.id, now)
                    .await
            }
            Status::Declined => {
                self.notify(tx, &sender, "referral_declined", &r.id, now)
                    .await
            }
            Status::Completed => {
                self.notify(tx, &sender, "referral_completed", &r.id, now)
                    .await
            }
            Status::Revoked => {
                let to = self.referral_recipients(tx, r).await?;
                self.notify(tx, &to, "referral_revoked", &r.id, now).await
            }
            _ => Ok(()),
        }
    }

    /// Sends a declined referral on to another agency: the declined one becomes "redirected" and
    /// a new referral, with the same services, urgency, reason and shared sections, goes to the
    /// new agency under the person's consent for it. Returns the new referral's id.
    #[tracing::instrument(skip_all, fields(user = %p.user_id))]
    pub async fn redirect_referral(
        &self,
        p: &Principal,
        id: &str,
        to_agency: &str,
        to_user: &str,
        origin: &Origin,
    ) -> Result<String> {
        let now = self.now();
        let mut tx = self.db.begin().await?;
        let mut old = store::get(&mut tx, id).await?.ok_or(CoreError::NotFound)?;
        let Some(side) = self.side(&mut tx, p, &old, Move::Redirect).await? else {
            return Err(CoreError::NotFound);
        };
        let from =
            Status::parse(&old.status).ok_or_else(|| CoreError::internal("referral status"))?;
        if referral::next(from, Move::Redirect, side).is_none() {
            return Err(CoreError::invalid("status", "error-referral-move"));
        }
        let Some(to) = to_agency.trim().parse::<AgencyId>().ok() else {
            return Err(CoreError::invalid("referral_agency", "error-required"));
        };
        if Some(to) == old.to_agency_id || haven_store::agencies::get(&mut tx, to).await?.is_none()
        {
            return Err(CoreError::invalid("referral_agency", "error-unknown-code"));
        }
        let to_user = self.referral_user(&mut tx, to, to_user).await?;
        let case = old.case_id.ok_or(CoreError::NotFound)?;
        let (consent_id, flagged) = self
            .referral_consent(&mut tx, p, case, to, &old.urgency, "")
            .await?;
        let new_id = uuid::Uuid::now_v7().to_string();
        // The reason is sealed to its row: re-sealed under the new id.
        let reason = self
            .cipher()
            .decrypt_opt(old.reason.as_deref(), &sealed::REFERRALS_REASON.of(&old.id))?;
        let row = ReferralRow {
            id: new_id.clone(),
            from_agency_id: Some(p.agency_id),
            from_user_id: Some(p.user_id),
            to_agency_id: Some(to),
            to_user_id: to_user,
            reason: reason.as_deref().map(|t| {
                self.cipher()
                    .encrypt(t, &sealed::REFERRALS_REASON.of(&new_id))
            }),
            consent_id,
            flagged,
            emergency_justification: None,
            status: Status::Sent.as_str().into(),
            answer: None,
            redirected_from: Some(old.id.clone()),
            created_at: now,
            sent_at: Some(now),
            due_at: Some(now + referral::answer_within(&old.urgency)),
            answered_at: None,
            completed_at: None,
            revoked_at: None,
            updated_at: now,
            reminded_at: None,
            ..old.clone()
        };
        store::save(&mut tx, &row).await?;
        self.referral_sent(&mut tx, &row, now).await?;
        old.status = Status::Redirected.as_str().into();
        old.updated_at = now;
        store::save(&mut tx, &old).await?;
        self.after_move(&mut tx, &old, Status::Redirected, None, now)
            .await?;
        let a = actor(p, origin);
        let ev = Event::new(Action::ReferralMoved)
            .target("case", case)
            .details(serde_json::json!({
                "referral_id": old.id,
                "from": from.as_str(),
                "to": Status::Redirected.as_str(),
                "redirected_to": new_id,
            }));
        haven_audit::record(&mut tx, self.audit_keys(), &a, ev, now).await?;
        let ev = Event::new(Action::ReferralSaved)
            .target("case", case)
            .details(serde_json::json!({
                "referral_id": new_id,
                "status": row.status,
                "to_agency_id": to.to_string(),
                "urgency": row.urgency,
                "sections": list(&row.sections),
                "redirected_from": old.id,
            }));
        self.commit_audited(tx, &a, ev, now).await?;
        Ok(new_id)
    }

    /// A named user at the receiving agency: optional; must be active and of that agency.
    async fn referral_user(
        &self,
        tx: &mut haven_store::Conn,
        agency: AgencyId,
        user: &str,
    ) -> Result<Option<UserId>> {
        let user = user.trim();
        if user.is_empty() {
            return Ok(None);
        }
        let Ok(u) = user.parse::<UserId>() else {
            return Err(CoreError::invalid("referral_user", "error-unknown-code"));
        };
        match haven_store::users::by_id(tx, u).await? {
            Some(row)
                if row.agency_id == agency
                    && !row.disabled
                    && haven_authz::roles::answers_referrals(row.role) =>
            {
                Ok(Some(u))
            }
            _ => Err(CoreError::invalid("referral_user", "error-unknown-code")),
        }
    }

    /// The people a referral may name, by agency (id, name, agency): staff who handle referrals,
    /// of every agency but the user's own.
    #[tracing::instrument(skip_all, fields(user = %p.user_id))]
    pub async fn referral_contacts(
        &self,
        p: &Principal,
    ) -> Result<Vec<(UserId, String, AgencyId)>> {
        let mut conn = self.db.pool().acquire().await?;
        Ok(haven_store::users::list(&mut conn)
            .await?
            .into_iter()
            .filter(|u| {
                !u.disabled
                    && u.agency_id != p.agency_id
                    && haven_authz::roles::answers_referrals(u.role)
            })
            .map(|u| (u.id, u.display_name, u.agency_id))
            .collect())
    }

    /// The services of a case (requested through referrals, with their outcome). Needs read
    /// access to the case; audited as a read of the case.
    #[tracing::instrument(skip_all, fields(user = %p.user_id, case = %case))]
    pub async fn case_services(
        &self,
        p: &Principal,
        case: CaseId,
        origin: &Origin,
    ) -> Result<Vec<CaseServiceView>> {
        let mut tx = self.db.begin_snapshot().await?;
        let facts = haven_store::cases::access_facts(&mut tx, case).await?;
        if facts.and_then(|f| p.read_case(case, &f)).is_none() {
            return Err(CoreError::NotFound);
        }
        let (_, services) = self.case_referrals(&mut tx, case).await?;
        tx.commit().await?;
        self.record_read(
            &actor(p, origin),
            Event::new(Action::CaseViewed)
                .target("case", case)
                .details(serde_json::json!({"part": "services"})),
        )
        .await?;
        Ok(services)
    }

    /// The referrals and services of a case, for its page (the caller has checked read access
    /// and audits the read of the case).
    pub(crate) async fn case_referrals(
        &self,
        tx: &mut haven_store::Conn,
        case: CaseId,
    ) -> Result<(Vec<ReferralView>, Vec<CaseServiceView>)> {
        let names: std::collections::BTreeMap<AgencyId, String> = haven_store::agencies::list(tx)
            .await?
            .into_iter()
            .map(|a| (a.id, a.name))
            .collect();
        let now = self.now();
        let referrals = store::of_case(tx, case)
            .await?
            .iter()
            .map(|r| self.referral_view(r, &names, now))
            .collect::<Result<Vec<_>>>()?;
        let services = haven_store::notifications::services_of_case(tx, case)
            .await?
            .into_iter()
            .map(|(s, extra)| {
                Ok(CaseServiceView {
                    provider_name: extra.provider_name.unwrap_or_default(),
                    cost: extra.cost.unwrap_or_default(),
                    consent: extra.consent,
                    outcome: self
                        .cipher()
                        .decrypt_opt(
                            s.outcome.as_deref(),
                            &sealed::CASE_SERVICES_OUTCOME.of(&s.id),
                        )?
                        .unwrap_or_default(),
                    provider: s
                        .provider_agency_id
                        .and_then(|a| names.get(&a).cloned())
                        .unwrap_or_default(),
                    id: s.id,
                    service_type: s.service_type,
                    referral_id: s.referral_id,
                    status: s.status,
                    started_at: s.started_at,
                    ended_at: s.ended_at,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok((referrals, services))
    }

    fn referral_view(
        &self,
        r: &ReferralRow,
        names: &std::collections::BTreeMap<AgencyId, String>,
        now: i64,
    ) -> Result<ReferralView> {
        let c = self.cipher();
        let open = |col: Column, v: &Option<Vec<u8>>| -> Result<String> {
            Ok(c.decrypt_opt(v.as_deref(), &col.of(&r.id))?
                .unwrap_or_default())
        };
        let status =
            Status::parse(&r.status).ok_or_else(|| CoreError::internal("referral status"))?;
        let name = |a: Option<AgencyId>| a.and_then(|a| names.get(&a).cloned()).unwrap_or_default();
        Ok(ReferralView {
            id: r.id.clone(),
            case_id: r.case_id.ok_or(CoreError::NotFound)?,
            case_number: String::new(),
            initials: None,
            from_agency: name(r.from_agency_id),
            to_agency: name(r.to_agency_id),
            to_agency_id: r.to_agency_id.ok_or(CoreError::NotFound)?,
            services: list(&r.services),
            urgency: r.urgency.clone(),
            reason: open(sealed::REFERRALS_REASON, &r.reason)?,
            sections: list(&r.sections),
            status,
            flagged: r.flagged,
            answer: open(sealed::REFERRALS_ANSWER, &r.answer)?,
            due_at: r.due_at,
            overdue: status.awaits_answer() && r.due_at.is_some_and(|d| d < now),
            sent_at: r.sent_at,
            shared: None,
        })
    }

    /// The referrals to the user's agency (inbox) or from it: coded facts and the reason, no
    /// part of any case. Audited.
    #[tracing::instrument(skip_all, fields(user = %p.user_id))]
    pub async fn referrals_of_agency(
        &self,
        p: &Principal,
        incoming: bool,
        origin: &Origin,
    ) -> Result<Vec<ReferralView>> {
        Ok(self.referrals_page(p, incoming, "", 500, origin).await?.0)
    }

    /// A page of `limit` (1 to 1,000) of the inbox or the sent referrals, newest first, after
    /// `cursor` (empty: the first page); and the next page's cursor (`None` on the last).
    /// Audited.
    #[tracing::instrument(skip_all, fields(user = %p.user_id))]
    pub async fn referrals_page(
        &self,
        p: &Principal,
        incoming: bool,
        cursor: &str,
        limit: usize,
        origin: &Origin,
    ) -> Result<(Vec<ReferralView>, Option<String>)> {
        let now = self.now();
        if !p.referral_work() {
            return Err(CoreError::Forbidden);
        }
        let limit = limit.clamp(1, 1000);
        let after = crate::support::cursor::parse(cursor)?;
        let names = self.agency_map().await?;
        let rows = {
            let mut conn = self.db.pool().acquire().await?;
            let after = after.as_ref().map(|(t, id)| (*t, id.as_str()));
            store::of_agency(&mut conn, p.agency_id, incoming, after, limit as i64 + 1).await?
        };
        let (rows, next) =
            crate::support::cursor::page(rows, limit, |r| (r.created_at, r.id.clone()));
        let mut views = rows
            .iter()
            .map(|r| self.referral_view(r, &names, now))
            .collect::<Result<Vec<_>>>()?;
        self.name_referrals(p, &mut views, true).await?;
        self.record_read(
            &actor(p, origin),
            Event::new(Action::ReferralsListed).details(serde_json::json!({
                "incoming": incoming,
                "referral_ids": views.iter().map(|v| v.id.as_str()).collect::<Vec<_>>(),
                // The cases whose person's initials were shown.
                "initials_of": views
                    .iter()
                    .filter(|v| v.initials.is_some())
                    .map(|v| v.case_id.to_string())
                    .collect::<Vec<_>>(),
            })),
        )
        .await?;
        Ok((views, next))
    }

    /// Sent referrals past their deadline: all for the coordinator, the agency's own (sent or
    /// received) for others. Counts and coded facts only.
    #[tracing::instrument(skip_all, fields(user = %p.user_id))]
    pub async fn overdue_referrals(&self, p: &Principal) -> Result<Vec<ReferralView>> {
        let now = self.now();
        let rows = self.overdue_rows(p, now).await?;
        let names = self.agency_map().await?;
        let mut views = rows
            .iter()
            .map(|r| self.referral_view(r, &names, now))
            .collect::<Result<Vec<_>>>()?;
        // Case numbers only: this list is not audited, so it shows nothing of a person.
        self.name_referrals(p, &mut views, false).await?;
        Ok(views)
    }

    /// How many referrals [`Self::overdue_referrals`] would list, without building their views
    /// (a dashboard figure).
    #[tracing::instrument(skip_all, fields(user = %p.user_id))]
    pub async fn overdue_referral_count(&self, p: &Principal) -> Result<usize> {
        Ok(self.overdue_rows(p, self.now()).await?.len())
    }

    /// The overdue referrals `p` may count: all for the coordinator, else the agency's own.
    async fn overdue_rows(&self, p: &Principal, now: i64) -> Result<Vec<store::ReferralRow>> {
        if !p.referral_work() {
            return Err(CoreError::Forbidden);
        }
        let mut conn = self.db.pool().acquire().await?;
        let mut rows = store::overdue(&mut conn, now).await?;
        rows.retain(|r| {
            p.sees_all_overdue_referrals()
                || r.from_agency_id == Some(p.agency_id)
                || r.to_agency_id == Some(p.agency_id)
        });
        Ok(rows)
    }

    /// One referral. The sender's side (anyone who may read the case) sees it with the case;
    /// the receiving agency sees the shared sections once it has accepted, and never the rest.
    /// Audited.
    #[tracing::instrument(skip_all, fields(user = %p.user_id))]
    pub async fn open_referral(
        &self,
        p: &Principal,
        id: &str,
        origin: &Origin,
    ) -> Result<ReferralView> {
        let now = self.now();
        let names = self.agency_map().await?;
        let r = {
            let mut conn = self.db.pool().acquire().await?;
            store::get(&mut conn, id)
                .await?
                .ok_or(CoreError::NotFound)?
        };
        let mut view = self.referral_view(&r, &names, now)?;
        self.name_referrals(p, std::slice::from_mut(&mut view), true)
            .await?;
        let recipient = r.to_agency_id == Some(p.agency_id)
            && p.referral_handling().is_some()
            && view.status != Status::Draft;
        if recipient {
            if view.status.recipient_sees_case() {
                view.shared = Some(self.shared_case(&r, &view.sections).await?);
            }
        } else {
            // The sender's side: reading the referral is reading the case.
            let mut conn = self.db.pool().acquire().await?;
            let facts = haven_store::cases::access_facts(&mut conn, view.case_id).await?;
            if facts.and_then(|f| p.read_case(view.case_id, &f)).is_none() {
                return Err(CoreError::NotFound);
            }
        }
        self.record_read(
            &actor(p, origin),
            Event::new(Action::ReferralViewed)
                .target("case", view.case_id)
                .details(serde_json::json!({
                    "referral_id": view.id,
                    "as_recipient": recipient,
                    "sections": if view.shared.is_some() { view.sections.clone() } else { vec![] },
                })),
        )
        .await?;
        // Opening the referral reads the notifications about it.
        let mut conn = self.db.pool().acquire().await?;
        haven_store::notifications::mark_subject_read(&mut conn, p.user_id, &view.id, now).await?;
        Ok(view)
    }

    /// Sets each referral's case number, and the person's initials where `p` may see the
    /// person's name (see [`ReferralView::initials`]).
    /// Without `initials`, numbers only (for a list that is not audited).
    async fn name_referrals(
        &self,
        p: &Principal,
        views: &mut [ReferralView],
        initials_too: bool,
    ) -> Result<()> {
        let mut tx = self.db.begin_snapshot().await?;
        let mut seen: std::collections::HashMap<CaseId, (String, Option<String>, bool)> =
            std::collections::HashMap::new();
        for v in views.iter_mut() {
            if let std::collections::hash_map::Entry::Vacant(slot) = seen.entry(v.case_id) {
                let Some(c) = haven_store::cases::get_case(&mut tx, v.case_id).await? else {
                    continue;
                };
                let reads = haven_store::cases::access_facts(&mut tx, v.case_id)
                    .await?
                    .is_some_and(|f| p.read_case(v.case_id, &f).is_some());
                let person = if initials_too {
                    haven_store::cases::get_person(&mut tx, c.person_id).await?
                } else {
                    None
                };
                let initials = match person {
                    Some(row) => Some(initials(&self.person_data(&row, Vec::new())?)),
                    None => None,
                };
                slot.insert((c.case_number, initials.flatten(), reads));
            }
            let Some((number, initials, reads)) = seen.get(&v.case_id) else {
                continue;
            };
            v.case_number = number.clone();
            let shared_identity = v.to_agency_id == p.agency_id
                && p.referral_handling().is_some()
                && v.status.recipient_sees_case()
                && v.sections.iter().any(|s| s == "identity");
            if *reads || shared_identity {
                v.initials = initials.clone();
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// The shared sections of the referral's case, read without the case's need-to-know (the
    /// referral is the recipient's need to know).
    async fn shared_case(&self, r: &ReferralRow, sections: &[String]) -> Result<SharedCase> {
        let case = r.case_id.ok_or(CoreError::NotFound)?;
        let mut tx = self.db.begin_snapshot().await?;
        let c = haven_store::cases::get_case(&mut tx, case)
            .await?
            .ok_or(CoreError::NotFound)?;
        let person = haven_store::cases::get_person(&mut tx, c.person_id)
            .await?
            .ok_or(CoreError::NotFound)?;
        let record = self.load_record(&mut tx, &c, &person).await?;
        let screening = haven_store::screenings::of_case(&mut tx, case)
            .await?
            .first()
            .map(|s| s.outcome.clone());
        tx.commit().await?;
        let has = |k: &str| sections.iter().any(|s| s == k);
        let pd = &record.person;
        let mut out = SharedCase {
            sections: sections.to_vec(),
            ..Default::default()
        };
        if has("identity") {
            out.name = Some(
                [pd.first_name.as_str(), pd.second_name.as_str()]
                    .into_iter()
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join(" "),
            );
            out.age = record.age(self.today());
            out.gender = Some(pd.gender.clone()).filter(|g| !g.is_empty());
        }
        if has("languages") {
            out.citizenship = pd.citizenship.clone();
            out.languages = [&pd.primary_language, &pd.secondary_language]
                .into_iter()
                .filter(|l| !l.is_empty())
                .cloned()
                .collect();
        }
        if has("contact") {
            out.phone = Some(pd.mobile_phone.clone())
                .filter(|p| !p.is_empty())
                .or(Some(pd.home_phone.clone()).filter(|p| !p.is_empty()));
        }
        if has("exploitation") {
            out.exploitation = record.victim.type_of_exploitation.clone();
            out.trafficking_status =
                Some(record.victim.trafficking_status.clone()).filter(|s| !s.is_empty());
        }
        if has("screening") {
            out.screening_outcome = screening;
        }
        Ok(out)
    }
}

impl Haven {
    /// The printable referral for an agency without Haven: the shared sections only, the consent
    /// behind it and the sender's contact, watermarked "confidential", in `lang`. The sender's
    /// side only (who may read the case); the download is audited with what it contained.
    #[tracing::instrument(skip_all, fields(user = %p.user_id))]
    pub async fn referral_pdf(
        &self,
        p: &Principal,
        id: &str,
        i18n: &haven_i18n::I18n,
        lang: haven_i18n::Lang,
        origin: &Origin,
    ) -> Result<Vec<u8>> {
        let now = self.now();
        let names = self.agency_map().await?;
        let mut conn = self.db.pool().acquire().await?;
        let r = store::get(&mut conn, id)
            .await?
            .ok_or(CoreError::NotFound)?;
        let view = self.referral_view(&r, &names, now)?;
        let facts = haven_store::cases::access_facts(&mut conn, view.case_id).await?;
        if view.status == Status::Draft
            || facts.and_then(|f| p.read_case(view.case_id, &f)).is_none()
        {
            return Err(CoreError::NotFound);
        }
        let case_number = haven_store::cases::get_case(&mut conn, view.case_id)
            .await?
            .map(|c| c.case_number)
            .unwrap_or_default();
        let from = match r.from_agency_id {
            Some(a) => haven_store::agencies::get(&mut conn, a).await?,
            None => None,
        };
        let sender = match r.from_user_id {
            Some(u) => haven_store::users::by_id(&mut conn, u).await?,
            None => None,
        };
        let to_user = match r.to_user_id {
            Some(u) => haven_store::users::by_id(&mut conn, u).await?,
            None => None,
        };
        let consent = match &r.consent_id {
            Some(cid) => haven_store::consents::of_case(&mut conn, view.case_id)
                .await?
                .into_iter()
                .find(|c| &c.id == cid),
            None => None,
        };
        drop(conn);
        let shared = self.shared_case(&r, &view.sections).await?;
        let t = |k: &str| i18n.t(lang, k);
        let date = |ts: i64| {
            time::OffsetDateTime::from_unix_timestamp(ts)
                .map(|d| d.date().to_string())
                .unwrap_or_default()
        };
        let mut doc = haven_documents::pdf::Doc::new(
            Some(&t("referral-pdf-watermark")),
            &t("referral-pdf-footer"),
        );
        doc.title(&format!("{}: {}", t("referral-title"), case_number));
        doc.field(&t("referral-pdf-from"), &view.from_agency);
        if let Some(a) = &from {
            let contact = [a.phone.as_deref(), a.email.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" · ");
            if !contact.is_empty() {
                doc.field(&t("referral-pdf-agency-contact"), &contact);
            }
        }
        if let Some(u) = &sender {
            let who = match &u.email {
                Some(e) => format!("{} <{e}>", u.display_name),
                None => u.display_name.clone(),
            };
            doc.field(&t("referral-pdf-sender"), &who);
        }
        let to = match &to_user {
            Some(u) => format!("{} ({})", view.to_agency, u.display_name),
            None => view.to_agency.clone(),
        };
        doc.field(&t("referral-pdf-to"), &to);
        if let Some(s) = view.sent_at {
            doc.field(&t("referral-pdf-sent"), &date(s));
        }
        doc.field(
            &t("field-referral_urgency"),
            &t(&format!("referral-urgency-{}", view.urgency)),
        );
        doc.field(
            &t("field-referral_services"),
            &view
                .services
                .iter()
                .map(|s| t(&format!("service-type-{s}")))
                .collect::<Vec<_>>()
                .join(", "),
        );
        doc.field(
            &t("referral-status"),
            &t(&format!("referral-status-{}", view.status.as_str())),
        );
        doc.heading(&t("field-referral_reason"));
        doc.para(&view.reason);
        doc.heading(&t("referral-shared"));
        use haven_domain::reference;
        let label = |list: &reference::Picklist, code: &str| t(&list.label_key(code));
        let labels = |list: &reference::Picklist, codes: &[String]| {
            codes
                .iter()
                .map(|c| label(list, c))
                .collect::<Vec<_>>()
                .join(", ")
        };
        if view.sections.is_empty() {
            doc.para(&t("referral-pdf-no-sections"));
        }
        if let Some(n) = &shared.name {
            let mut v = n.clone();
            if let Some(a) = shared.age {
                v.push_str(&format!(" · {a}"));
            }
            if let Some(g) = &shared.gender {
                v.push_str(&format!(" · {}", label(&reference::PRS_GENDER, g)));
            }
            doc.field(&t("referral-section-identity"), &v);
        }
        if !shared.languages.is_empty() || !shared.citizenship.is_empty() {
            doc.field(
                &t("referral-section-languages"),
                &format!(
                    "{} · {}",
                    shared
                        .citizenship
                        .iter()
                        .map(|c| reference::country(c)
                            .map(|c| c.name(lang.code()).to_string())
                            .unwrap_or_else(|| c.clone()))
                        .collect::<Vec<_>>()
                        .join(", "),
                    shared.languages.join(", ")
                ),
            );
        }
        if let Some(ph) = &shared.phone {
            doc.field(&t("referral-section-contact"), ph);
        }
        if !shared.exploitation.is_empty() {
            let mut v = labels(&reference::VIC_TYPE_OF_EXPLOITATION, &shared.exploitation);
            if let Some(st) = &shared.trafficking_status {
                v.push_str(&format!(
                    " · {}",
                    label(&reference::VIC_TRAFFICKING_STATUS, st)
                ));
            }
            doc.field(&t("referral-section-exploitation"), &v);
        }
        if let Some(o) = &shared.screening_outcome {
            doc.field(
                &t("referral-section-screening"),
                &t(&format!("screen-outcome-{o}")),
            );
        }
        doc.heading(&t("referral-pdf-consent"));
        match &consent {
            Some(c) => doc.para(&i18n.t_args(
                lang,
                "referral-pdf-consent-given",
                &[
                    ("by", t(&format!("consent-by-{}", c.given_by)).into()),
                    ("form", t(&format!("consent-form-{}", c.form)).into()),
                    ("date", c.given_on.clone().into()),
                    ("agency", view.to_agency.clone().into()),
                ],
            )),
            None if view.flagged => doc.para(&t("referral-pdf-consent-emergency")),
            None => doc.para(&t("referral-pdf-consent-none")),
        }
        let bytes = doc.finish(&t("referral-title"));
        self.record_read(
            &actor(p, origin),
            Event::new(Action::ReferralPrinted)
                .target("case", view.case_id)
                .details(serde_json::json!({
                    "referral_id": view.id,
                    "sections": view.sections,
                })),
        )
        .await?;
        Ok(bytes)
    }
}

/// "M. R." from a person's given and family names (none if both are empty).
fn initials(p: &haven_domain::record::PersonData) -> Option<String> {
    let parts: Vec<String> = [&p.first_name, &p.second_name]
        .iter()
        .filter_map(|n| n.trim().chars().next())
        .map(|c| format!("{}.", c.to_uppercase()))
        .collect();
    (!parts.is_empty()).then(|| parts.join(" "))
}
