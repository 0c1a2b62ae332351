//! The auditor's view of the audit trail, and its verification.
use haven_audit::{Action, Event};
use haven_authz::AuditRead;
use haven_store::audit::{self, AuditFilter, AuditRow};

use crate::{Haven, Origin, Result, actor};

/// An event as shown to an auditor, with its reason decrypted.
#[derive(Clone, Debug, serde::Serialize)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: i64,
    pub actor_user_id: Option<String>,
    pub actor_agency_id: Option<String>,
    pub actor_role: Option<String>,
    pub action: String,
    pub outcome: String,
    pub target_kind: Option<String>,
    pub target_id: Option<String>,
    pub ip: Option<String>,
    pub reason: Option<String>,
    pub details: Option<String>,
    pub hash: String,
}

impl Haven {
    fn entry(&self, r: AuditRow) -> AuditEntry {
        let reason = r.reason.as_deref().map(|b| {
            self.cipher()
                .decrypt(b, "audit.reason")
                .unwrap_or_else(|_| "(unreadable)".into())
        });
        AuditEntry {
            seq: r.seq,
            at: r.at,
            actor_user_id: r.actor_user_id.map(|u| u.to_string()),
            actor_agency_id: r.actor_agency_id.map(|a| a.to_string()),
            actor_role: r.actor_role,
            action: r.action,
            outcome: r.outcome,
            target_kind: r.target_kind,
            target_id: r.target_id,
            ip: r.ip,
            reason,
            details: r.details,
            hash: r.hash,
        }
    }

    /// Reading the trail is itself recorded; `export` marks a download.
    #[tracing::instrument(skip_all, fields(user = %cap.principal().user_id))]
    pub async fn audit_events(
        &self,
        cap: AuditRead<'_>,
        f: &AuditFilter,
        export: bool,
        origin: &Origin,
    ) -> Result<Vec<AuditEntry>> {
        let rows = {
            let mut conn = self.db.pool().acquire().await?;
            audit::search(&mut conn, f).await?
        };
        let action = if export {
            Action::AuditExported
        } else {
            Action::AuditViewed
        };
        let ev = Event::new(action).details(serde_json::json!({"rows": rows.len()}));
        self.record_read(&actor(cap.principal(), origin), ev)
            .await?;
        Ok(rows.into_iter().map(|r| self.entry(r)).collect())
    }

    #[tracing::instrument(skip_all)]
    pub async fn verify_audit(
        &self,
        progress: impl FnMut(i64, i64),
    ) -> Result<haven_audit::VerifyReport, haven_audit::VerifyError> {
        haven_audit::verify(&self.db, &self.audit_keys().chain, progress).await
    }
}
