//! Ownership transfers and registration drafts.
//!
//! A transfer hands a case to another agency: the NRM coordinator asks, the receiving agency
//! (its coordinator or a case worker) accepts or declines. Until then the receiving agency sees
//! only that a transfer waits (case number, sender, reason), not the case.
//!
//! A draft is a registration form saved before it is complete: sealed, visible to its author only,
//! deleted when the case is opened from it or after `Policy::draft_max_age_secs`.
use crate::sealed::{self};
use crate::support::cursor::PageRequest;
use haven_audit::{Action, Event};
use haven_authz::{CaseCreate, Principal};
use haven_domain::record::CaseRecord;
use haven_domain::{AgencyId, CaseId};
use haven_store::case_parts::{self, DraftRow, TransferRow};
use haven_store::cases;

use crate::support::opt;
use crate::{CoreError, FieldError, Haven, Origin, Result, actor};

#[derive(Clone, Debug, serde::Serialize)]
pub struct TransferView {
    pub id: String,
    pub case_id: CaseId,
    pub case_number: String,
    pub from_agency_name: String,
    pub to_agency_id: AgencyId,
    pub to_agency_name: String,
    pub requested_at: i64,
    pub reason: Option<String>,
    pub status: String,
}

#[derive(Clone, Debug)]
pub struct DraftView {
    pub id: String,
    pub updated_at: i64,
    pub record: CaseRecord,
    /// Problems found when it was saved (shown, not enforced).
    pub problems: Vec<FieldError>,
}

impl Haven {
    pub(crate) fn transfer_view(&self, t: TransferRow) -> Result<TransferView> {
        Ok(TransferView {
            reason: self.cipher().decrypt_opt(
                t.reason.as_deref(),
                &sealed::CASE_TRANSFERS_REASON.of(&t.id),
            )?,
            id: t.id,
            case_id: t.case_id,
            case_number: t.case_number,
            from_agency_name: t.from_agency_name,
            to_agency_id: t.to_agency_id,
            to_agency_name: t.to_agency_name,
            requested_at: t.requested_at,
            status: t.status,
        })
    }

    /// Asks another agency to take the case over (coordinator only).
    #[tracing::instrument(skip_all, fields(user = %p.user_id, case = %id))]
    pub async fn request_transfer(
        &self,
        p: &Principal,
        id: CaseId,
        to: AgencyId,
        reason: &str,
        origin: &Origin,
    ) -> Result<String> {
        let reason = reason.trim();
        if reason.chars().count() > 4000 {
            return Err(CoreError::invalid("transfer_reason", "error-too-long"));
        }
        let tx = self.db.begin().await?;
        let mut tx = self.gate_write(tx, p, id, origin).await?;
        let w = tx.cap();
        if !w.may_transfer() {
            return tx.refuse(self, "transfer_denied").await;
        }
        let c = cases::get_case(&mut tx, id)
            .await?
            .ok_or(CoreError::NotFound)?;
        if c.owner_agency_id == to || haven_store::agencies::get(&mut tx, to).await?.is_none() {
            return Err(CoreError::invalid("to_agency", "error-transfer-agency"));
        }
        if case_parts::pending_transfer(&mut tx, id).await?.is_some() {
            return Err(CoreError::invalid("to_agency", "error-transfer-pending"));
        }
        let tid = uuid::Uuid::now_v7().to_string();
        let t = self.now();
        let row = TransferRow {
            reason: self
                .cipher()
                .encrypt_opt(opt(reason), &sealed::CASE_TRANSFERS_REASON.of(&tid)),
            id: tid.clone(),
            case_id: id,
            case_number: c.case_number,
            from_agency_id: c.owner_agency_id,
            from_agency_name: String::new(),
            to_agency_id: to,
            to_agency_name: String::new(),
            requested_by: p.user_id,
            requested_at: t,
            // A case worker's request waits for the coordinator; the coordinator's goes out.
            status: if p.transfer_approval().is_some() {
                "pending"
            } else {
                "awaiting_approval"
            }
            .into(),
            decided_by: None,
            decided_at: None,
            decision_note: None,
        };
        case_parts::insert_transfer(&mut tx, &row).await?;
        if row.status == "pending" {
            let staff = self
                .agency_staff(&mut tx, to, haven_authz::roles::manages_cases)
                .await?;
            self.notify(&mut tx, &staff, "transfer_new", &tid, t)
                .await?;
        } else {
            let coordinators = self.coordinators(&mut tx).await?;
            self.notify(&mut tx, &coordinators, "transfer_approval", &tid, t)
                .await?;
        }
        let ev = Event::new(Action::CaseTransferRequested)
            .target("case", id)
            .details(serde_json::json!({
                "transfer_id": tid,
                "to_agency_id": to.to_string(),
                "status": row.status,
            }));
        tx.commit(self, ev, t).await?;
        Ok(tid)
    }

    /// Transfers offered to the user's agency, with their reasons (sealed free text about the
    /// case): reading them is audited like a case list.
    #[tracing::instrument(skip_all, fields(user = %p.user_id))]
    pub async fn incoming_transfers(
        &self,
        p: &Principal,
        origin: &Origin,
    ) -> Result<Vec<TransferView>> {
        if !p.may_accept_transfers() {
            return Ok(Vec::new());
        }
        let rows = {
            let mut conn = self.db.pool().acquire().await?;
            case_parts::pending_for_agency(&mut conn, p.agency_id).await?
        };
        let views = rows
            .into_iter()
            .map(|t| self.transfer_view(t))
            .collect::<Result<Vec<_>>>()?;
        let ev = Event::new(Action::CaseListed).details(serde_json::json!({
            "transfers_offered": views.iter().map(|t| t.case_id.to_string()).collect::<Vec<_>>(),
        }));
        self.record_read(&actor(p, origin), ev).await?;
        Ok(views)
    }

    /// Transfers asked by case workers, waiting for the coordinator's approval (coordinator
    /// only; empty for others). Audited like a case list: the reasons are about the cases.
    #[tracing::instrument(skip_all, fields(user = %p.user_id))]
    pub async fn transfers_awaiting_approval(
        &self,
        p: &Principal,
        origin: &Origin,
    ) -> Result<Vec<TransferView>> {
        if p.transfer_approval().is_none() {
            return Ok(Vec::new());
        }
        let rows = {
            let mut conn = self.db.pool().acquire().await?;
            case_parts::awaiting_approval(&mut conn).await?
        };
        let views = rows
            .into_iter()
            .map(|t| self.transfer_view(t))
            .collect::<Result<Vec<_>>>()?;
        if !views.is_empty() {
            let ev = Event::new(Action::CaseListed).details(serde_json::json!({
                "transfers_awaiting_approval":
                    views.iter().map(|t| t.case_id.to_string()).collect::<Vec<_>>(),
            }));
            self.record_read(&actor(p, origin), ev).await?;
        }
        Ok(views)
    }

    /// The transfers the caller has to decide, in one list for the API, oldest request first
    /// (then by id): those offered to their agency, and for the coordinator the requests
    /// awaiting approval. Audited like a case list: the reasons are about the cases.
    #[tracing::instrument(skip_all, fields(user = %p.user_id))]
    pub async fn transfers_to_decide(
        &self,
        p: &Principal,
        page: &PageRequest,
        origin: &Origin,
    ) -> Result<(Vec<TransferView>, Option<String>)> {
        let mut rows = Vec::new();
        {
            let mut conn = self.db.pool().acquire().await?;
            if p.transfer_approval().is_some() {
                rows.extend(case_parts::awaiting_approval(&mut conn).await?);
            }
            if p.may_accept_transfers() {
                rows.extend(case_parts::pending_for_agency(&mut conn, p.agency_id).await?);
            }
        }
        let (rows, next) = page.cut(rows, |t| (t.requested_at, t.id.clone()));
        let views = rows
            .into_iter()
            .map(|t| self.transfer_view(t))
            .collect::<Result<Vec<_>>>()?;
        if !views.is_empty() {
            let of = |status: &str| {
                views
                    .iter()
                    .filter(|t| t.status == status)
                    .map(|t| t.case_id.to_string())
                    .collect::<Vec<_>>()
            };
            let ev = Event::new(Action::CaseListed).details(serde_json::json!({
                "transfers_awaiting_approval": of("awaiting_approval"),
                "transfers_offered": of("pending"),
            }));
            self.record_read(&actor(p, origin), ev).await?;
        }
        Ok((views, next))
    }

    /// The coordinator approves a case worker's transfer request (it goes to the receiving
    /// agency) or refuses it (with a note for the requester).
    #[tracing::instrument(skip_all, fields(user = %p.user_id))]
    pub async fn approve_transfer(
        &self,
        p: &Principal,
        transfer_id: &str,
        approve: bool,
        note: &str,
        origin: &Origin,
    ) -> Result<CaseId> {
        if note.chars().count() > 4000 {
            return Err(CoreError::invalid("decision_note", "error-too-long"));
        }
        if p.transfer_approval().is_none() {
            return Err(CoreError::NotFound);
        }
        let mut tx = self.db.begin().await?;
        let Some(t) = case_parts::get_transfer(&mut tx, transfer_id).await? else {
            return Err(CoreError::NotFound);
        };
        let tnow = self.now();
        let sealed = self.cipher().encrypt_opt(
            opt(note),
            &sealed::CASE_TRANSFERS_DECISION_NOTE.of(transfer_id),
        );
        if !case_parts::approve_transfer(
            &mut tx,
            transfer_id,
            approve,
            p.user_id,
            sealed.as_deref(),
            tnow,
        )
        .await?
        {
            return Err(CoreError::invalid("status", "error-transfer-not-waiting"));
        }
        if approve {
            let staff = self
                .agency_staff(&mut tx, t.to_agency_id, haven_authz::roles::manages_cases)
                .await?;
            self.notify(&mut tx, &staff, "transfer_new", transfer_id, tnow)
                .await?;
        } else {
            self.notify(
                &mut tx,
                &[t.requested_by],
                "transfer_declined",
                transfer_id,
                tnow,
            )
            .await?;
        }
        let ev = Event::new(Action::CaseTransferApproved)
            .target("case", t.case_id)
            .details(serde_json::json!({"transfer_id": transfer_id, "approved": approve}));
        self.commit_audited(tx, &actor(p, origin), ev, tnow).await?;
        Ok(t.case_id)
    }

    /// How many transfers wait for the user's agency: a number only, so not audited.
    /// How many transfer requests wait for the coordinator's approval (a count only).
    #[tracing::instrument(skip_all, fields(user = %p.user_id))]
    pub async fn transfer_approval_count(&self, p: &Principal) -> Result<usize> {
        if p.transfer_approval().is_none() {
            return Ok(0);
        }
        let mut conn = self.db.pool().acquire().await?;
        Ok(case_parts::awaiting_approval(&mut conn).await?.len())
    }

    #[tracing::instrument(skip_all, fields(user = %p.user_id))]
    pub async fn incoming_transfer_count(&self, p: &Principal) -> Result<usize> {
        if !p.may_accept_transfers() {
            return Ok(0);
        }
        let mut conn = self.db.pool().acquire().await?;
        Ok(case_parts::pending_for_agency(&mut conn, p.agency_id)
            .await?
            .len())
    }

    /// Accepts or declines a transfer offered to the user's agency; the coordinator who asked
    /// may also cancel it (`accept = false` from the sending side).
    #[tracing::instrument(skip_all, fields(user = %p.user_id))]
    pub async fn decide_transfer(
        &self,
        p: &Principal,
        transfer_id: &str,
        accept: bool,
        note: &str,
        origin: &Origin,
    ) -> Result<CaseId> {
        if note.chars().count() > 4000 {
            return Err(CoreError::invalid("decision_note", "error-too-long"));
        }
        let mut tx = self.db.begin().await?;
        let Some(t) = case_parts::get_transfer(&mut tx, transfer_id).await? else {
            return Err(CoreError::NotFound);
        };
        let acceptance = p
            .transfer_acceptance(t.case_id, t.to_agency_id)
            .filter(|_| t.status == "pending");
        let receiving = acceptance.is_some();
        let cancelling = !accept
            && t.requested_by == p.user_id
            && matches!(t.status.as_str(), "pending" | "awaiting_approval");
        if !(receiving || cancelling) {
            tx.rollback().await?;
            let ev = Event::new(Action::CaseAccessDenied)
                .outcome("transfer_denied")
                .target("case", t.case_id);
            self.record_read(&actor(p, origin), ev).await?;
            return Err(CoreError::NotFound);
        }
        let tnow = self.now();
        let status = match (accept, receiving) {
            (true, _) => "accepted",
            (false, true) => "declined",
            (false, false) => "cancelled",
        };
        let sealed = self.cipher().encrypt_opt(
            opt(note),
            &sealed::CASE_TRANSFERS_DECISION_NOTE.of(transfer_id),
        );
        if !case_parts::decide_transfer(
            &mut tx,
            transfer_id,
            status,
            p.user_id,
            sealed.as_deref(),
            tnow,
        )
        .await?
        {
            return Err(CoreError::NotFound);
        }
        if let (true, Some(a)) = (accept, acceptance) {
            let c = cases::get_case(&mut tx, t.case_id)
                .await?
                .ok_or(CoreError::NotFound)?;
            cases::set_owner(&mut tx, &a, c.owner_agency_id, t.to_agency_id, tnow).await?;
            cases::bump_version(&mut tx, &a, c.version, tnow).await?;
            self.record_change(
                &mut tx,
                &a,
                c.version + 1,
                tnow,
                Some(p.user_id),
                "owner_agency",
                &t.from_agency_name,
                &t.to_agency_name,
            )
            .await?;
        }
        match status {
            "accepted" => {
                self.notify(
                    &mut tx,
                    &[t.requested_by],
                    "transfer_accepted",
                    transfer_id,
                    tnow,
                )
                .await?
            }
            "declined" => {
                self.notify(
                    &mut tx,
                    &[t.requested_by],
                    "transfer_declined",
                    transfer_id,
                    tnow,
                )
                .await?
            }
            _ => {}
        }
        let action = match status {
            "accepted" => Action::CaseTransferAccepted,
            "declined" => Action::CaseTransferDeclined,
            _ => Action::CaseTransferCancelled,
        };
        let ev = Event::new(action)
            .target("case", t.case_id)
            .details(serde_json::json!({"transfer_id": transfer_id}));
        self.commit_audited(tx, &actor(p, origin), ev, tnow).await?;
        Ok(t.case_id)
    }

    // ---- drafts ----

    /// Saves a registration form as it is (nothing required); returns the draft id.
    #[tracing::instrument(skip_all, fields(user = %cap.principal().user_id))]
    pub async fn save_draft(
        &self,
        cap: CaseCreate<'_>,
        id: Option<&str>,
        mut record: CaseRecord,
        origin: &Origin,
    ) -> Result<String> {
        let problems = record.normalise_draft(self.today());
        // A draft keeps what was typed, even a date not yet right; but not what no form can
        // give and the end would refuse anyway: over-long text, codes of no list, control
        // characters, too many entries.
        let refused: Vec<_> = problems
            .into_iter()
            .filter(|e| {
                matches!(
                    e.key,
                    "error-too-long"
                        | "error-unknown-code"
                        | "error-bad-characters"
                        | "error-too-many-entries"
                )
            })
            .collect();
        if !refused.is_empty() {
            return Err(CoreError::Invalid(refused));
        }
        let p = cap.principal();
        let did = id
            .map(str::to_string)
            .unwrap_or_else(|| uuid::Uuid::now_v7().to_string());
        let json = serde_json::to_string(&record).map_err(CoreError::internal)?;
        let t = self.now();
        let row = DraftRow {
            data: self
                .cipher()
                .encrypt(&json, &sealed::CASE_DRAFTS_DATA.of(&did)),
            id: did.clone(),
            user_id: p.user_id,
            created_at: t,
            updated_at: t,
        };
        let mut tx = self.db.begin().await?;
        if !case_parts::save_draft(&mut tx, &row).await? {
            return Err(CoreError::NotFound);
        }
        let ev = Event::new(Action::DraftSaved).details(serde_json::json!({"draft_id": did}));
        self.commit_audited(tx, &actor(p, origin), ev, t).await?;
        Ok(did)
    }

    fn draft_view(&self, d: DraftRow) -> Result<DraftView> {
        let json = self
            .cipher()
            .decrypt(&d.data, &sealed::CASE_DRAFTS_DATA.of(&d.id))?;
        let mut record: CaseRecord = serde_json::from_str(&json).map_err(CoreError::internal)?;
        let problems = record.normalise_draft(self.today());
        Ok(DraftView {
            id: d.id,
            updated_at: d.updated_at,
            record,
            problems,
        })
    }

    #[tracing::instrument(skip_all, fields(user = %cap.principal().user_id))]
    pub async fn open_draft(
        &self,
        cap: CaseCreate<'_>,
        id: &str,
        origin: &Origin,
    ) -> Result<DraftView> {
        let p = cap.principal();
        let d = {
            let mut conn = self.db.pool().acquire().await?;
            case_parts::get_draft(&mut conn, p.user_id, id).await?
        }
        .ok_or(CoreError::NotFound)?;
        let ev = Event::new(Action::DraftOpened).details(serde_json::json!({"draft_id": id}));
        self.record_read(&actor(p, origin), ev).await?;
        self.draft_view(d)
    }

    /// Whether the user has this draft (nothing unsealed: not audited).
    pub async fn has_draft(&self, cap: CaseCreate<'_>, id: &str) -> Result<bool> {
        let mut conn = self.db.pool().acquire().await?;
        Ok(
            case_parts::get_draft(&mut conn, cap.principal().user_id, id)
                .await?
                .is_some(),
        )
    }

    /// The user's own drafts, newest first (names shown so they can be recognised). Their
    /// records are unsealed: audited as drafts opened.
    #[tracing::instrument(skip_all, fields(user = %cap.principal().user_id))]
    pub async fn list_drafts(
        &self,
        cap: CaseCreate<'_>,
        page: &PageRequest,
        origin: &Origin,
    ) -> Result<(Vec<DraftView>, Option<String>)> {
        let rows = {
            let mut conn = self.db.pool().acquire().await?;
            case_parts::list_drafts(&mut conn, cap.principal().user_id).await?
        };
        // Last saved first, then by id.
        let (rows, next) = page.cut(rows, |d| (-d.updated_at, d.id.clone()));
        let drafts = rows
            .into_iter()
            .map(|d| self.draft_view(d))
            .collect::<Result<Vec<_>>>()?;
        if !drafts.is_empty() {
            let ids: Vec<&str> = drafts.iter().map(|d| d.id.as_str()).collect();
            let ev = Event::new(Action::DraftOpened)
                .details(serde_json::json!({"draft_ids": ids, "listed": true}));
            self.record_read(&actor(cap.principal(), origin), ev)
                .await?;
        }
        Ok((drafts, next))
    }

    #[tracing::instrument(skip_all, fields(user = %cap.principal().user_id))]
    pub async fn delete_draft(&self, cap: CaseCreate<'_>, id: &str, origin: &Origin) -> Result<()> {
        let p = cap.principal();
        let mut tx = self.db.begin().await?;
        if !case_parts::delete_draft(&mut tx, p.user_id, id).await? {
            return Err(CoreError::NotFound);
        }
        let ev = Event::new(Action::DraftDeleted).details(serde_json::json!({"draft_id": id}));
        self.commit_audited(tx, &actor(p, origin), ev, self.now())
            .await?;
        Ok(())
    }

    /// Deletes abandoned drafts (run periodically by `serve`).
    #[tracing::instrument(skip_all)]
    pub async fn purge_drafts(&self) -> Result<u64> {
        let mut conn = self.db.pool().acquire().await?;
        Ok(
            case_parts::purge_drafts(&mut conn, self.now() - self.policy.draft_max_age_secs)
                .await?,
        )
    }
}
