//! The tamper-evident audit trail. Every event is chained to the previous one by a keyed hash
//! (HMAC-SHA256 under a key wrapped by the KEK), so editing, deleting or reordering events breaks
//! the chain, and nobody without the key file can forge a consistent one.
use haven_crypto::{FieldCipher, KeyMaterial};
use haven_domain::{AgencyId, Role, UserId};
use haven_store::audit::AuditRow;
use haven_store::{Conn, Db, StoreError};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// What happened. The string codes are stored and shown (translated) in the auditor's UI.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    LoginSucceeded,
    LoginFailed,
    LoginLocked,
    MfaSucceeded,
    MfaFailed,
    MfaEnrolled,
    Logout,
    LogoutEverywhere,
    PasswordChanged,
    PasswordReset,
    UserCreated,
    UserDisabled,
    UserEnabled,
    UserEmailChanged,
    UserRoleChanged,
    UserAgencyChanged,
    UserEnrolled,
    EnrolmentFailed,
    AgencyCreated,
    AgencyUpdated,
    TokenCreated,
    TokenRevoked,
    DeviceAdded,
    DeviceRevoked,
    /// An API request's kept answer sent again for its `Idempotency-Key`.
    RequestReplayed,
    CaseCreated,
    CaseImported,
    ImportPreviewed,
    ImportCommitted,
    CasesExported,
    ExportPolicyChanged,
    CaseViewed,
    CaseListed,
    CaseSearched,
    CaseUpdated,
    CaseEditConflict,
    CaseClosed,
    CaseReopened,
    CaseAssigned,
    CaseTransferRequested,
    CaseTransferAccepted,
    CaseTransferApproved,
    CaseAnonymised,
    PersonMerged,
    PersonUnmerged,
    DuplicateDismissed,
    DuplicatesScanned,
    DuplicatesViewed,
    MatchChecked,
    CaseTransferDeclined,
    CaseTransferCancelled,
    CaseHistoryViewed,
    SubjectAccessReport,
    NoteAdded,
    EventSaved,
    EventDeleted,
    PerpetratorSaved,
    PerpetratorDeleted,
    AttachmentAdded,
    AttachmentRejected,
    AttachmentDownloaded,
    AttachmentDeleted,
    DraftSaved,
    DraftOpened,
    DraftDeleted,
    PersonViewed,
    PersonUpdated,
    CaseAccessGranted,
    NamesReindexed,
    CaseAccessDenied,
    AggregatesViewed,
    /// A protected statistical release (aggregates, k-anonymised or synthetic CTDC data).
    ReleaseMade,
    /// A release refused by the release ledger (it could have been compared with an earlier one).
    ReleaseRefused,
    ScreeningRecorded,
    ScreeningViewed,
    ScreeningLinked,
    TipReceived,
    TipListed,
    TipViewed,
    TipTriaged,
    ReferralSaved,
    ReferralMoved,
    ReferralsListed,
    ReferralViewed,
    ReferralPrinted,
    ProtectionSaved,
    ConsentRecorded,
    ConsentWithdrawn,
    ServiceSaved,
    ServiceCapacityUpdated,
    ServicesMatched,
    TrainingWorkshopSaved,
    TrainingWorkshopViewed,
    TrainingParticipantSaved,
    TrainingParticipantRemoved,
    TrainingRegisterSaved,
    TrainingImported,
    TrainingCertificatesIssued,
    TrainingCertificateDownloaded,
    TrainingCertificateVerified,
    TrainingReportViewed,
    TrainingMaterialAdded,
    /// Raw CTDC-layout rows exported (coordinator only, sealed file).
    CtdcRawExported,
    AuditViewed,
    AuditExported,
    BackupCreated,
    BackupRestored,
    KeysRotated,
    DemoLoaded,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::LoginSucceeded => "login.succeeded",
            Action::LoginFailed => "login.failed",
            Action::LoginLocked => "login.locked",
            Action::MfaSucceeded => "mfa.succeeded",
            Action::MfaFailed => "mfa.failed",
            Action::MfaEnrolled => "mfa.enrolled",
            Action::Logout => "logout",
            Action::LogoutEverywhere => "logout.everywhere",
            Action::PasswordChanged => "password.changed",
            Action::PasswordReset => "password.reset",
            Action::UserCreated => "user.created",
            Action::UserDisabled => "user.disabled",
            Action::UserEnabled => "user.enabled",
            Action::UserEmailChanged => "user.email_changed",
            Action::UserRoleChanged => "user.role_changed",
            Action::UserAgencyChanged => "user.agency_changed",
            Action::UserEnrolled => "user.enrolled",
            Action::EnrolmentFailed => "user.enrolment_failed",
            Action::AgencyCreated => "agency.created",
            Action::AgencyUpdated => "agency.updated",
            Action::TokenCreated => "token.created",
            Action::TokenRevoked => "token.revoked",
            Action::DeviceAdded => "device.added",
            Action::DeviceRevoked => "device.revoked",
            Action::RequestReplayed => "api.replayed",
            Action::CaseCreated => "case.created",
            Action::CaseImported => "case.imported",
            Action::ImportPreviewed => "import.previewed",
            Action::ImportCommitted => "import.committed",
            Action::CasesExported => "cases.exported",
            Action::ExportPolicyChanged => "export.policy_changed",
            Action::CaseViewed => "case.viewed",
            Action::CaseListed => "case.listed",
            Action::CaseSearched => "case.searched",
            Action::CaseUpdated => "case.updated",
            Action::CaseEditConflict => "case.edit_conflict",
            Action::CaseClosed => "case.closed",
            Action::CaseReopened => "case.reopened",
            Action::CaseAssigned => "case.assigned",
            Action::CaseTransferRequested => "case.transfer_requested",
            Action::CaseTransferAccepted => "case.transfer_accepted",
            Action::CaseTransferApproved => "case.transfer_approved",
            Action::CaseAnonymised => "case.anonymised",
            Action::PersonMerged => "person.merged",
            Action::PersonUnmerged => "person.unmerged",
            Action::DuplicateDismissed => "duplicate.dismissed",
            Action::DuplicatesScanned => "duplicates.scanned",
            Action::DuplicatesViewed => "duplicates.viewed",
            Action::MatchChecked => "match.checked",
            Action::CaseTransferDeclined => "case.transfer_declined",
            Action::CaseTransferCancelled => "case.transfer_cancelled",
            Action::CaseHistoryViewed => "case.history_viewed",
            Action::SubjectAccessReport => "case.subject_access_report",
            Action::NoteAdded => "note.added",
            Action::EventSaved => "event.saved",
            Action::EventDeleted => "event.deleted",
            Action::PerpetratorSaved => "perpetrator.saved",
            Action::PerpetratorDeleted => "perpetrator.deleted",
            Action::AttachmentAdded => "attachment.added",
            Action::AttachmentRejected => "attachment.rejected",
            Action::AttachmentDownloaded => "attachment.downloaded",
            Action::AttachmentDeleted => "attachment.deleted",
            Action::DraftSaved => "draft.saved",
            Action::DraftOpened => "draft.opened",
            Action::DraftDeleted => "draft.deleted",
            Action::PersonViewed => "person.viewed",
            Action::PersonUpdated => "person.updated",
            Action::CaseAccessGranted => "case.access_granted",
            Action::NamesReindexed => "names.reindexed",
            Action::CaseAccessDenied => "case.access_denied",
            Action::AggregatesViewed => "aggregates.viewed",
            Action::ReleaseMade => "release.made",
            Action::ReleaseRefused => "release.refused",
            Action::ScreeningRecorded => "screening.recorded",
            Action::ScreeningViewed => "screening.viewed",
            Action::ScreeningLinked => "screening.linked",
            Action::TipReceived => "tip.received",
            Action::TipListed => "tip.listed",
            Action::TipViewed => "tip.viewed",
            Action::TipTriaged => "tip.triaged",
            Action::ReferralSaved => "referral.saved",
            Action::ReferralMoved => "referral.moved",
            Action::ReferralsListed => "referrals.listed",
            Action::ReferralViewed => "referral.viewed",
            Action::ReferralPrinted => "referral.printed",
            Action::ProtectionSaved => "protection.saved",
            Action::ConsentRecorded => "consent.recorded",
            Action::ConsentWithdrawn => "consent.withdrawn",
            Action::ServiceSaved => "service.saved",
            Action::ServiceCapacityUpdated => "service.capacity_updated",
            Action::ServicesMatched => "services.matched",
            Action::TrainingWorkshopSaved => "training.workshop_saved",
            Action::TrainingWorkshopViewed => "training.workshop_viewed",
            Action::TrainingParticipantSaved => "training.participant_saved",
            Action::TrainingParticipantRemoved => "training.participant_removed",
            Action::TrainingRegisterSaved => "training.register_saved",
            Action::TrainingImported => "training.imported",
            Action::TrainingCertificatesIssued => "training.certificates_issued",
            Action::TrainingCertificateDownloaded => "training.certificate_downloaded",
            Action::TrainingCertificateVerified => "training.certificate_verified",
            Action::TrainingReportViewed => "training.report_viewed",
            Action::TrainingMaterialAdded => "training.material_added",
            Action::CtdcRawExported => "ctdc.raw_exported",
            Action::AuditViewed => "audit.viewed",
            Action::AuditExported => "audit.exported",
            Action::BackupCreated => "backup.created",
            Action::BackupRestored => "backup.restored",
            Action::KeysRotated => "keys.rotated",
            Action::DemoLoaded => "demo.loaded",
        }
    }

    pub const ALL: &'static [Action] = &[
        Action::LoginSucceeded,
        Action::LoginFailed,
        Action::LoginLocked,
        Action::MfaSucceeded,
        Action::MfaFailed,
        Action::MfaEnrolled,
        Action::Logout,
        Action::LogoutEverywhere,
        Action::PasswordChanged,
        Action::PasswordReset,
        Action::UserCreated,
        Action::UserDisabled,
        Action::UserEnabled,
        Action::UserEmailChanged,
        Action::UserRoleChanged,
        Action::UserAgencyChanged,
        Action::UserEnrolled,
        Action::EnrolmentFailed,
        Action::AgencyCreated,
        Action::AgencyUpdated,
        Action::TokenCreated,
        Action::TokenRevoked,
        Action::DeviceAdded,
        Action::DeviceRevoked,
        Action::RequestReplayed,
        Action::CaseCreated,
        Action::CaseImported,
        Action::ImportPreviewed,
        Action::ImportCommitted,
        Action::CasesExported,
        Action::ExportPolicyChanged,
        Action::CaseViewed,
        Action::CaseListed,
        Action::CaseSearched,
        Action::CaseUpdated,
        Action::CaseEditConflict,
        Action::CaseClosed,
        Action::CaseReopened,
        Action::CaseAssigned,
        Action::CaseTransferRequested,
        Action::CaseTransferAccepted,
        Action::CaseTransferApproved,
        Action::CaseAnonymised,
        Action::PersonMerged,
        Action::PersonUnmerged,
        Action::DuplicateDismissed,
        Action::DuplicatesScanned,
        Action::DuplicatesViewed,
        Action::MatchChecked,
        Action::CaseTransferDeclined,
        Action::CaseTransferCancelled,
        Action::CaseHistoryViewed,
        Action::SubjectAccessReport,
        Action::NoteAdded,
        Action::EventSaved,
        Action::EventDeleted,
        Action::PerpetratorSaved,
        Action::PerpetratorDeleted,
        Action::AttachmentAdded,
        Action::AttachmentRejected,
        Action::AttachmentDownloaded,
        Action::AttachmentDeleted,
        Action::DraftSaved,
        Action::DraftOpened,
        Action::DraftDeleted,
        Action::PersonViewed,
        Action::PersonUpdated,
        Action::CaseAccessGranted,
        Action::NamesReindexed,
        Action::CaseAccessDenied,
        Action::AggregatesViewed,
        Action::ReleaseMade,
        Action::ReleaseRefused,
        Action::ScreeningRecorded,
        Action::ScreeningViewed,
        Action::ScreeningLinked,
        Action::TipReceived,
        Action::TipListed,
        Action::TipViewed,
        Action::TipTriaged,
        Action::ReferralSaved,
        Action::ReferralMoved,
        Action::ReferralsListed,
        Action::ReferralViewed,
        Action::ReferralPrinted,
        Action::ProtectionSaved,
        Action::ConsentRecorded,
        Action::ConsentWithdrawn,
        Action::ServiceSaved,
        Action::ServiceCapacityUpdated,
        Action::ServicesMatched,
        Action::TrainingWorkshopSaved,
        Action::TrainingWorkshopViewed,
        Action::TrainingParticipantSaved,
        Action::TrainingParticipantRemoved,
        Action::TrainingRegisterSaved,
        Action::TrainingImported,
        Action::TrainingCertificatesIssued,
        Action::TrainingCertificateDownloaded,
        Action::TrainingCertificateVerified,
        Action::TrainingReportViewed,
        Action::TrainingMaterialAdded,
        Action::CtdcRawExported,
        Action::AuditViewed,
        Action::AuditExported,
        Action::BackupCreated,
        Action::BackupRestored,
        Action::KeysRotated,
        Action::DemoLoaded,
    ];

    /// The kind of act, for an auditor's filter: "who read this case" is one group.
    pub fn group(self) -> ActionGroup {
        use Action::*;
        use ActionGroup as G;
        match self {
            LoginSucceeded | LoginFailed | LoginLocked | MfaSucceeded | MfaFailed | MfaEnrolled
            | Logout | LogoutEverywhere | PasswordChanged | PasswordReset => G::SignIn,
            UserCreated | UserDisabled | UserEnabled | UserEmailChanged | UserRoleChanged
            | UserAgencyChanged | UserEnrolled | EnrolmentFailed | AgencyCreated
            | AgencyUpdated | TokenCreated | TokenRevoked | DeviceAdded | DeviceRevoked
            | RequestReplayed => G::Accounts,
            CaseViewed | CaseListed | CaseSearched | CaseHistoryViewed | SubjectAccessReport
            | PersonViewed | AttachmentDownloaded | DraftOpened | ScreeningViewed | TipListed
            | TipViewed | ReferralsListed | ReferralViewed | ReferralPrinted | DuplicatesViewed
            | MatchChecked | CaseAccessDenied => G::Reads,
            CaseCreated
            | CaseUpdated
            | CaseEditConflict
            | CaseClosed
            | CaseReopened
            | CaseAssigned
            | CaseTransferRequested
            | CaseTransferAccepted
            | CaseTransferApproved
            | CaseTransferDeclined
            | CaseTransferCancelled
            | CaseAnonymised
            | NoteAdded
            | EventSaved
            | EventDeleted
            | PerpetratorSaved
            | PerpetratorDeleted
            | AttachmentAdded
            | AttachmentRejected
            | AttachmentDeleted
            | DraftSaved
            | DraftDeleted
            | PersonUpdated
            | CaseAccessGranted
            | ScreeningRecorded
            | ScreeningLinked
            | TipReceived
            | TipTriaged => G::Changes,
            ReferralSaved
            | ReferralMoved
            | ProtectionSaved
            | ConsentRecorded
            | ConsentWithdrawn
            | ServiceSaved
            | ServiceCapacityUpdated
            | ServicesMatched => G::Referrals,
            PersonMerged | PersonUnmerged | DuplicateDismissed | DuplicatesScanned
            | NamesReindexed => G::Duplicates,
            CaseImported | ImportPreviewed | ImportCommitted | CasesExported
            | ExportPolicyChanged | CtdcRawExported => G::DataInOut,
            AggregatesViewed | ReleaseMade | ReleaseRefused => G::Statistics,
            TrainingWorkshopSaved
            | TrainingWorkshopViewed
            | TrainingParticipantSaved
            | TrainingParticipantRemoved
            | TrainingRegisterSaved
            | TrainingImported
            | TrainingCertificatesIssued
            | TrainingCertificateDownloaded
            | TrainingCertificateVerified
            | TrainingReportViewed
            | TrainingMaterialAdded => G::Training,
            AuditViewed | AuditExported | BackupCreated | BackupRestored | KeysRotated
            | DemoLoaded => G::System,
        }
    }

    /// The action of this code (`case.viewed`), if there is one.
    pub fn from_code(code: &str) -> Option<Action> {
        Action::ALL.iter().copied().find(|a| a.as_str() == code)
    }
}

/// Groups of actions, as an auditor asks about them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActionGroup {
    SignIn,
    Accounts,
    /// Every reading of a case or of part of one (and refusals to).
    Reads,
    /// Every change to a case, its person, screening or tip.
    Changes,
    Referrals,
    Duplicates,
    DataInOut,
    Statistics,
    Training,
    System,
}

impl ActionGroup {
    pub const ALL: &'static [ActionGroup] = &[
        ActionGroup::SignIn,
        ActionGroup::Accounts,
        ActionGroup::Reads,
        ActionGroup::Changes,
        ActionGroup::Referrals,
        ActionGroup::Duplicates,
        ActionGroup::DataInOut,
        ActionGroup::Statistics,
        ActionGroup::Training,
        ActionGroup::System,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ActionGroup::SignIn => "sign-in",
            ActionGroup::Accounts => "accounts",
            ActionGroup::Reads => "reads",
            ActionGroup::Changes => "changes",
            ActionGroup::Referrals => "referrals",
            ActionGroup::Duplicates => "duplicates",
            ActionGroup::DataInOut => "data",
            ActionGroup::Statistics => "statistics",
            ActionGroup::Training => "training",
            ActionGroup::System => "system",
        }
    }

    pub fn from_code(code: &str) -> Option<ActionGroup> {
        ActionGroup::ALL
            .iter()
            .copied()
            .find(|g| g.as_str() == code)
    }

    /// Its actions, in the order of [`Action::ALL`].
    pub fn actions(self) -> impl Iterator<Item = Action> {
        Action::ALL
            .iter()
            .copied()
            .filter(move |a| a.group() == self)
    }
}

/// Who acted, from where. `system` actors (CLI jobs) have no user.
#[derive(Clone, Debug, Default)]
pub struct Actor {
    pub user_id: Option<UserId>,
    pub agency_id: Option<AgencyId>,
    pub role: Option<Role>,
    pub ip: Option<String>,
}

impl Actor {
    pub fn system() -> Self {
        Actor {
            ip: Some("cli".into()),
            ..Default::default()
        }
    }
}

/// One event to record. `details` must never hold personal data (it is stored in clear);
/// `reason` may, and is encrypted.
#[derive(Clone, Debug)]
pub struct Event {
    pub action: Action,
    pub outcome: &'static str,
    pub target_kind: Option<&'static str>,
    pub target_id: Option<String>,
    pub reason: Option<String>,
    pub details: Option<serde_json::Value>,
}

impl Event {
    pub fn new(action: Action) -> Self {
        Event {
            action,
            outcome: "ok",
            target_kind: None,
            target_id: None,
            reason: None,
            details: None,
        }
    }
    pub fn target(mut self, kind: &'static str, id: impl ToString) -> Self {
        self.target_kind = Some(kind);
        self.target_id = Some(id.to_string());
        self
    }
    pub fn outcome(mut self, outcome: &'static str) -> Self {
        self.outcome = outcome;
        self
    }
    pub fn reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(reason.into());
        self
    }
    pub fn details(mut self, details: serde_json::Value) -> Self {
        self.details = Some(details);
        self
    }
}

/// The keys the trail needs: the chain key and the cipher for reasons.
#[derive(Clone, Debug)]
pub struct AuditKeys {
    pub chain: KeyMaterial,
    pub cipher: FieldCipher,
}

fn put(mac: &mut Hmac<Sha256>, field: Option<&[u8]>) {
    // Length-prefixed, with a distinct marker for NULL, so no two events encode alike.
    match field {
        None => mac.update(&u64::MAX.to_be_bytes()),
        Some(b) => {
            mac.update(&(b.len() as u64).to_be_bytes());
            mac.update(b);
        }
    }
}

/// The seal of the chain head (last number and hash).
pub fn head_mac(key: &KeyMaterial, seq: i64, hash: &str) -> String {
    let mut mac = key.mac();
    put(&mut mac, Some(b"audit-head"));
    put(&mut mac, Some(&seq.to_be_bytes()));
    put(&mut mac, Some(hash.as_bytes()));
    hex::encode(mac.finalize().into_bytes())
}

/// The chain hash of an event (its `hash` field is ignored).
pub fn chain_hash(key: &KeyMaterial, e: &AuditRow) -> String {
    let mut mac = key.mac();
    let uid = e.actor_user_id.map(|u| u.to_string());
    let aid = e.actor_agency_id.map(|a| a.to_string());
    put(&mut mac, Some(e.prev_hash.as_bytes()));
    put(&mut mac, Some(&e.seq.to_be_bytes()));
    put(&mut mac, Some(&e.at.to_be_bytes()));
    put(&mut mac, uid.as_deref().map(str::as_bytes));
    put(&mut mac, aid.as_deref().map(str::as_bytes));
    put(&mut mac, e.actor_role.as_deref().map(str::as_bytes));
    put(&mut mac, Some(e.action.as_bytes()));
    put(&mut mac, Some(e.outcome.as_bytes()));
    put(&mut mac, e.target_kind.as_deref().map(str::as_bytes));
    put(&mut mac, e.target_id.as_deref().map(str::as_bytes));
    put(&mut mac, e.ip.as_deref().map(str::as_bytes));
    put(&mut mac, e.reason.as_deref());
    put(&mut mac, e.details.as_deref().map(str::as_bytes));
    hex::encode(mac.finalize().into_bytes())
}

/// Records an event inside the caller's transaction; call it last, just before commit.
pub async fn record(
    conn: &mut Conn,
    keys: &AuditKeys,
    actor: &Actor,
    event: Event,
    now: i64,
) -> Result<AuditRow, StoreError> {
    haven_store::audit::append(
        conn,
        unsealed(keys, actor, event, now),
        |e| chain_hash(&keys.chain, e),
        |seq, hash| head_mac(&keys.chain, seq, hash),
    )
    .await
}

/// Records several events of one actor, in order, inside the caller's transaction: the trail
/// is the same as that many [`record`]s would leave (numbers, links, hashes), written in a
/// few statements. Call it last, just before commit.
pub async fn record_many(
    conn: &mut Conn,
    keys: &AuditKeys,
    actor: &Actor,
    events: Vec<Event>,
    now: i64,
) -> Result<Vec<AuditRow>, StoreError> {
    let rows = events
        .into_iter()
        .map(|e| unsealed(keys, actor, e, now))
        .collect();
    haven_store::audit::append_many(
        conn,
        rows,
        |e| chain_hash(&keys.chain, e),
        |seq, hash| head_mac(&keys.chain, seq, hash),
    )
    .await
}

/// An event as stored, before the chain gives it its number and hash.
fn unsealed(keys: &AuditKeys, actor: &Actor, event: Event, now: i64) -> AuditRow {
    AuditRow {
        seq: 0,
        at: now,
        actor_user_id: actor.user_id,
        actor_agency_id: actor.agency_id,
        actor_role: actor.role.map(|r| r.as_str().to_string()),
        action: event.action.as_str().to_string(),
        outcome: event.outcome.to_string(),
        target_kind: event.target_kind.map(str::to_string),
        target_id: event.target_id,
        ip: actor.ip.clone(),
        reason: event
            .reason
            .map(|r| keys.cipher.encrypt(&r, "audit.reason")),
        details: event.details.map(|d| d.to_string()),
        prev_hash: String::new(),
        hash: String::new(),
    }
}

/// Why verification failed, naming the first bad event.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreak {
    #[error("event {seq}: its content was changed after it was written (hash does not match)")]
    Edited { seq: i64 },
    #[error(
        "event {seq}: events before it are missing or were reordered (expected number {expected})"
    )]
    Gap { seq: i64, expected: i64 },
    #[error(
        "event {seq}: it does not follow the event before it (deleted, inserted or reordered events)"
    )]
    Unlinked { seq: i64 },
    #[error(
        "the trail ends at event {last} but {head} events were written: events at the end were deleted"
    )]
    Truncated { last: i64, head: i64 },
    #[error(
        "the record of the last event was changed without the key: events at the end were probably deleted"
    )]
    HeadForged,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyReport {
    pub events: i64,
    pub last_hash: String,
}

#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("{0}")]
    Broken(ChainBreak),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Walks the whole chain in batches. `progress(done, total)` is called after each batch.
pub async fn verify(
    db: &Db,
    key: &KeyMaterial,
    mut progress: impl FnMut(i64, i64),
) -> Result<VerifyReport, VerifyError> {
    let mut tx = db.begin_snapshot().await?;
    let (head_seq, head_hash, head_seal) = haven_store::audit::head(&mut tx).await?;
    // An empty trail has an unsealed head; any other head must carry its seal.
    if head_seq > 0 && head_seal != head_mac(key, head_seq, &head_hash) {
        return Err(VerifyError::Broken(ChainBreak::HeadForged));
    }
    let mut expected_seq = 1;
    let mut prev = String::new();
    loop {
        let batch = haven_store::audit::batch_after(&mut tx, expected_seq - 1, 5000).await?;
        if batch.is_empty() {
            break;
        }
        for e in &batch {
            if e.seq != expected_seq {
                return Err(VerifyError::Broken(ChainBreak::Gap {
                    seq: e.seq,
                    expected: expected_seq,
                }));
            }
            if e.prev_hash != prev {
                return Err(VerifyError::Broken(ChainBreak::Unlinked { seq: e.seq }));
            }
            if chain_hash(key, e) != e.hash {
                return Err(VerifyError::Broken(ChainBreak::Edited { seq: e.seq }));
            }
            prev = e.hash.clone();
            expected_seq += 1;
        }
        progress(expected_seq - 1, head_seq);
    }
    let last = expected_seq - 1;
    if last != head_seq || prev != head_hash {
        return Err(VerifyError::Broken(ChainBreak::Truncated {
            last,
            head: head_seq,
        }));
    }
    tx.commit().await.map_err(StoreError::from)?;
    Ok(VerifyReport {
        events: last,
        last_hash: prev,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_codes_are_unique() {
        let mut codes: Vec<&str> = Action::ALL.iter().map(|a| a.as_str()).collect();
        let n = codes.len();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), n);
    }

    #[test]
    fn every_group_has_actions_and_every_code_reads_back() {
        for g in ActionGroup::ALL {
            assert!(g.actions().count() > 0, "{g:?}");
            assert_eq!(ActionGroup::from_code(g.as_str()), Some(*g));
        }
        let grouped: usize = ActionGroup::ALL.iter().map(|g| g.actions().count()).sum();
        assert_eq!(
            grouped,
            Action::ALL.len(),
            "each action in exactly one group"
        );
        for a in Action::ALL {
            assert_eq!(Action::from_code(a.as_str()), Some(*a));
        }
        assert_eq!(Action::from_code("case.opened"), None);
        assert_eq!(Action::CaseViewed.group(), ActionGroup::Reads);
    }

    #[test]
    fn hash_covers_every_field() {
        let key = KeyMaterial::from_bytes([3; 32]);
        let base = AuditRow {
            seq: 1,
            at: 100,
            actor_user_id: Some(UserId::new()),
            actor_agency_id: Some(AgencyId::new()),
            actor_role: Some("case_worker".into()),
            action: "case.viewed".into(),
            outcome: "ok".into(),
            target_kind: Some("case".into()),
            target_id: Some("x".into()),
            ip: Some("127.0.0.1".into()),
            reason: Some(vec![1, 2]),
            details: Some("{}".into()),
            prev_hash: "abc".into(),
            hash: String::new(),
        };
        let h = chain_hash(&key, &base);
        let variants = [
            AuditRow {
                seq: 2,
                ..base.clone()
            },
            AuditRow {
                at: 101,
                ..base.clone()
            },
            AuditRow {
                actor_user_id: None,
                ..base.clone()
            },
            AuditRow {
                actor_agency_id: None,
                ..base.clone()
            },
            AuditRow {
                actor_role: None,
                ..base.clone()
            },
            AuditRow {
                action: "case.updated".into(),
                ..base.clone()
            },
            AuditRow {
                outcome: "denied".into(),
                ..base.clone()
            },
            AuditRow {
                target_kind: None,
                ..base.clone()
            },
            AuditRow {
                target_id: Some("y".into()),
                ..base.clone()
            },
            AuditRow {
                ip: None,
                ..base.clone()
            },
            AuditRow {
                reason: None,
                ..base.clone()
            },
            AuditRow {
                details: None,
                ..base.clone()
            },
            AuditRow {
                prev_hash: "abd".into(),
                ..base.clone()
            },
        ];
        for v in &variants {
            assert_ne!(chain_hash(&key, v), h, "{v:?}");
        }
        assert_ne!(chain_hash(&KeyMaterial::from_bytes([4; 32]), &base), h);
    }
}
