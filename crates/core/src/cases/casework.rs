//! The parts of a case beside its record: notes, the route (trafficking events), perpetrators and
//! attachments. Adding to a list does not conflict with someone editing the record, so these
//! carry no version check; each change is audited in its own transaction.
use crate::sealed::{self, Column};
use haven_audit::{Action, Event};
use haven_authz::Principal;
use haven_domain::CaseId;
use haven_domain::record::{EventData, PerpetratorData};
use haven_domain::text::{self, Lines};
use haven_store::case_parts::{self, AttachmentRow, EventRow, PerpetratorRow};

use crate::files::{self, ScanVerdict, Scanner};
use crate::support::opt;
use crate::{CoreError, Haven, Origin, Result, actor};

#[derive(Clone, Debug, serde::Serialize)]
pub struct NoteView {
    pub id: String,
    pub author_name: String,
    pub created_at: i64,
    pub body: String,
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct EventView {
    pub id: String,
    #[serde(flatten)]
    pub data: EventData,
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct PerpetratorView {
    pub id: String,
    #[serde(flatten)]
    pub data: PerpetratorData,
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct AttachmentView {
    pub id: String,
    pub name: String,
    pub content_type: String,
    pub size: i64,
    /// `clean`, `not_scanned`.
    pub scan: String,
    pub uploader_name: String,
    pub created_at: i64,
}

/// Everything beside the record, for the case page and the subject access report.
#[derive(Clone, Debug, Default)]
pub struct CaseParts {
    pub notes: Vec<NoteView>,
    pub events: Vec<EventView>,
    pub perpetrators: Vec<PerpetratorView>,
    pub attachments: Vec<AttachmentView>,
}

/// A downloaded attachment.
pub struct AttachmentFile {
    pub name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

const NOTE_MAX: usize = 20_000;

fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

impl Haven {
    pub(crate) async fn read_parts(
        &self,
        tx: &mut haven_store::Conn,
        case: &impl haven_authz::CaseAccess,
    ) -> Result<CaseParts> {
        let c = self.cipher();
        let notes = case_parts::list_notes(tx, case)
            .await?
            .into_iter()
            .map(|n| {
                Ok(NoteView {
                    body: c.decrypt(&n.body, &sealed::CASE_NOTES_BODY.of(&n.id))?,
                    id: n.id,
                    author_name: n.author_name,
                    created_at: n.created_at,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let events = case_parts::list_events(tx, case)
            .await?
            .into_iter()
            .map(|e| {
                let f = |col: Column, v: &Option<Vec<u8>>| -> Result<String> {
                    Ok(c.decrypt_opt(v.as_deref(), &col.of(&e.id))?
                        .unwrap_or_default())
                };
                Ok(EventView {
                    data: EventData {
                        event_type: e.event_type.clone(),
                        country: e.country.clone().unwrap_or_default(),
                        region: e.region.clone().unwrap_or_default(),
                        place: f(sealed::CASE_EVENTS_PLACE, &e.place)?,
                        start_date: e.start_date.clone().unwrap_or_default(),
                        end_date: e.end_date.clone().unwrap_or_default(),
                        description: f(sealed::CASE_EVENTS_DESCRIPTION, &e.description)?,
                    },
                    id: e.id,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let perpetrators = case_parts::list_perpetrators(tx, case)
            .await?
            .into_iter()
            .map(|p| {
                let json = c.decrypt(&p.details, &sealed::CASE_PERPETRATORS_DETAILS.of(&p.id))?;
                Ok(PerpetratorView {
                    data: serde_json::from_str(&json).map_err(CoreError::internal)?,
                    id: p.id,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let attachments = case_parts::list_attachments(tx, case)
            .await?
            .into_iter()
            .map(|a| {
                Ok(AttachmentView {
                    name: c.decrypt(&a.name, &sealed::CASE_ATTACHMENTS_NAME.of(&a.id))?,
                    id: a.id,
                    content_type: a.content_type,
                    size: a.size,
                    scan: a.scan,
                    uploader_name: a.uploader_name,
                    created_at: a.created_at,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(CaseParts {
            notes,
            events,
            perpetrators,
            attachments,
        })
    }

    /// Adds a note (sealed) under the author's name and the current time.
    #[tracing::instrument(skip_all, fields(user = %p.user_id, case = %id))]
    pub async fn add_note(
        &self,
        p: &Principal,
        id: CaseId,
        body: &str,
        origin: &Origin,
    ) -> Result<String> {
        let body = body.trim();
        if body.is_empty() {
            return Err(CoreError::invalid("note_body", "error-required"));
        }
        if let Err(e) = text::check(body, NOTE_MAX, Lines::Many) {
            return Err(CoreError::invalid("note_body", e.key()));
        }
        let tx = self.db.begin().await?;
        let mut tx = self.gate_write(tx, p, id, origin).await?;
        let w = tx.cap();
        let t = self.now();
        let note = self.insert_note(&mut tx, &w, p.user_id, body, t).await?;
        let ev = Event::new(Action::NoteAdded).details(serde_json::json!({"note_id": note}));
        tx.commit(self, ev, t).await?;
        Ok(note)
    }

    /// Adds (no `event_id`) or replaces one step of the route.
    #[tracing::instrument(skip_all, fields(user = %p.user_id, case = %id))]
    pub async fn save_event(
        &self,
        p: &Principal,
        id: CaseId,
        event_id: Option<&str>,
        mut data: EventData,
        origin: &Origin,
    ) -> Result<String> {
        data.normalise(self.today()).map_err(CoreError::Invalid)?;
        let tx = self.db.begin().await?;
        let mut tx = self.gate_write(tx, p, id, origin).await?;
        let w = tx.cap();
        let t = self.now();
        let (eid, created_at) = match event_id {
            Some(e) => {
                let old = case_parts::get_event(&mut tx, &w, e)
                    .await?
                    .ok_or(CoreError::NotFound)?;
                (old.id, old.created_at)
            }
            None => (new_id(), t),
        };
        let c = self.cipher();
        let text = |v: &str| opt(v).map(str::to_string);
        let row = EventRow {
            case_id: id,
            event_type: data.event_type.clone(),
            country: text(&data.country),
            region: text(&data.region),
            start_date: text(&data.start_date),
            end_date: text(&data.end_date),
            place: c.encrypt_opt(opt(&data.place), &sealed::CASE_EVENTS_PLACE.of(&eid)),
            description: c.encrypt_opt(
                opt(&data.description),
                &sealed::CASE_EVENTS_DESCRIPTION.of(&eid),
            ),
            id: eid.clone(),
            created_at,
            updated_at: t,
        };
        case_parts::upsert_event(&mut tx, &w, &row).await?;
        let ev = Event::new(Action::EventSaved)
            .details(serde_json::json!({"event_id": eid, "type": data.event_type}));
        tx.commit(self, ev, t).await?;
        Ok(eid)
    }

    #[tracing::instrument(skip_all, fields(user = %p.user_id, case = %id))]
    pub async fn delete_event(
        &self,
        p: &Principal,
        id: CaseId,
        event_id: &str,
        origin: &Origin,
    ) -> Result<()> {
        let tx = self.db.begin().await?;
        let mut tx = self.gate_write(tx, p, id, origin).await?;
        let w = tx.cap();
        if !case_parts::delete_event(&mut tx, &w, event_id).await? {
            return Err(CoreError::NotFound);
        }
        let ev =
            Event::new(Action::EventDeleted).details(serde_json::json!({"event_id": event_id}));
        tx.commit(self, ev, self.now()).await?;
        Ok(())
    }

    /// Adds (no `perpetrator_id`) or replaces a perpetrator, sealed as one document.
    #[tracing::instrument(skip_all, fields(user = %p.user_id, case = %id))]
    pub async fn save_perpetrator(
        &self,
        p: &Principal,
        id: CaseId,
        perpetrator_id: Option<&str>,
        mut data: PerpetratorData,
        origin: &Origin,
    ) -> Result<String> {
        data.normalise().map_err(CoreError::Invalid)?;
        let tx = self.db.begin().await?;
        let mut tx = self.gate_write(tx, p, id, origin).await?;
        let w = tx.cap();
        let t = self.now();
        let (pid, created_at) = match perpetrator_id {
            Some(x) => {
                let existing = case_parts::list_perpetrators(&mut tx, &w)
                    .await?
                    .into_iter()
                    .find(|r| r.id == x)
                    .ok_or(CoreError::NotFound)?;
                (existing.id, existing.created_at)
            }
            None => (new_id(), t),
        };
        let json = serde_json::to_string(&data).map_err(CoreError::internal)?;
        let row = PerpetratorRow {
            details: self
                .cipher()
                .encrypt(&json, &sealed::CASE_PERPETRATORS_DETAILS.of(&pid)),
            id: pid.clone(),
            case_id: id,
            created_at,
            updated_at: t,
        };
        case_parts::upsert_perpetrator(&mut tx, &w, &row).await?;
        let ev = Event::new(Action::PerpetratorSaved)
            .details(serde_json::json!({"perpetrator_id": pid}));
        tx.commit(self, ev, t).await?;
        Ok(pid)
    }

    #[tracing::instrument(skip_all, fields(user = %p.user_id, case = %id))]
    pub async fn delete_perpetrator(
        &self,
        p: &Principal,
        id: CaseId,
        perpetrator_id: &str,
        origin: &Origin,
    ) -> Result<()> {
        let tx = self.db.begin().await?;
        let mut tx = self.gate_write(tx, p, id, origin).await?;
        let w = tx.cap();
        if !case_parts::delete_perpetrator(&mut tx, &w, perpetrator_id).await? {
            return Err(CoreError::NotFound);
        }
        let ev = Event::new(Action::PerpetratorDeleted)
            .details(serde_json::json!({"perpetrator_id": perpetrator_id}));
        tx.commit(self, ev, self.now()).await?;
        Ok(())
    }

    /// Checks, scans, seals and stores an attachment. Refused files are audited (type and size
    /// only, never the name) and nothing is stored.
    #[tracing::instrument(skip_all, fields(user = %p.user_id, case = %id))]
    pub async fn add_attachment(
        &self,
        p: &Principal,
        id: CaseId,
        name: &str,
        declared_type: Option<&str>,
        bytes: Vec<u8>,
        origin: &Origin,
    ) -> Result<String> {
        // Access first, so a refused user learns nothing about the file checks.
        {
            let tx = self.db.begin_snapshot().await?;
            self.gate_write(tx, p, id, origin).await?.rollback().await?;
        }
        let refuse = |reason: &str, e: files::FileError| {
            let ev = Event::new(Action::AttachmentRejected)
                .outcome("refused")
                .target("case", id)
                .details(serde_json::json!({"reason": reason, "size": bytes.len()}));
            (ev, e)
        };
        let checked = match files::check(
            name,
            declared_type,
            &bytes,
            self.policy.attachment_max_bytes,
        ) {
            Ok(c) => c,
            Err(e) => {
                let (ev, e) = refuse("check", e);
                self.record_read(&actor(p, origin), ev).await?;
                return Err(CoreError::File(e));
            }
        };
        let scanner = Scanner::from_config(&self.policy.scan_command);
        let scan = match scanner.scan(&bytes).await {
            Ok(ScanVerdict::Clean) => "clean",
            Ok(ScanVerdict::NotScanned) => "not_scanned",
            Ok(ScanVerdict::Infected { signature }) => {
                tracing::warn!(%signature, "an uploaded attachment was refused by the virus scanner");
                let (ev, e) = refuse(
                    "infected",
                    files::FileError::Infected {
                        signature: signature.clone(),
                    },
                );
                self.record_read(&actor(p, origin), ev).await?;
                return Err(CoreError::File(e));
            }
            Err(e) => {
                tracing::error!(error = %e, "virus scan failed");
                let (ev, e) = refuse("scan_failed", e);
                self.record_read(&actor(p, origin), ev).await?;
                return Err(CoreError::File(e));
            }
        };
        let tx = self.db.begin().await?;
        let mut tx = self.gate_write(tx, p, id, origin).await?;
        let w = tx.cap();
        let aid = new_id();
        let c = self.cipher();
        let row = AttachmentRow {
            id: aid.clone(),
            case_id: id,
            uploaded_by: p.user_id,
            uploader_name: String::new(),
            created_at: self.now(),
            name: c.encrypt(&checked.safe_name, &sealed::CASE_ATTACHMENTS_NAME.of(&aid)),
            content_type: checked.kind.content_type().to_string(),
            size: checked.size as i64,
            scan: scan.to_string(),
        };
        let sealed = c.encrypt_bytes(&bytes, &sealed::CASE_ATTACHMENTS_DATA.of(&aid));
        case_parts::insert_attachment(&mut tx, &w, &row, &sealed).await?;
        let ev = Event::new(Action::AttachmentAdded).details(serde_json::json!({
            "attachment_id": aid,
            "content_type": row.content_type,
            "size": row.size,
            "scan": scan,
        }));
        tx.commit(self, ev, self.now()).await?;
        Ok(aid)
    }

    /// Opens an attachment for download (audited like any read of the case).
    #[tracing::instrument(skip_all, fields(user = %p.user_id, case = %id))]
    pub async fn get_attachment(
        &self,
        p: &Principal,
        id: CaseId,
        attachment_id: &str,
        origin: &Origin,
    ) -> Result<AttachmentFile> {
        let tx = self.db.begin_snapshot().await?;
        let mut tx = self.gate(tx, p, id, origin).await?;
        let r = tx.cap();
        let (row, sealed) = case_parts::get_attachment(&mut tx, &r, attachment_id)
            .await?
            .ok_or(CoreError::NotFound)?;
        let c = self.cipher();
        let file = AttachmentFile {
            name: c.decrypt(&row.name, &sealed::CASE_ATTACHMENTS_NAME.of(&row.id))?,
            content_type: row.content_type,
            bytes: c.decrypt_bytes(&sealed, &sealed::CASE_ATTACHMENTS_DATA.of(&row.id))?,
        };
        let ev = Event::new(Action::AttachmentDownloaded)
            .details(serde_json::json!({"attachment_id": attachment_id}));
        tx.finish(self, ev).await?;
        Ok(file)
    }

    #[tracing::instrument(skip_all, fields(user = %p.user_id, case = %id))]
    pub async fn delete_attachment(
        &self,
        p: &Principal,
        id: CaseId,
        attachment_id: &str,
        origin: &Origin,
    ) -> Result<()> {
        let tx = self.db.begin().await?;
        let mut tx = self.gate_write(tx, p, id, origin).await?;
        let w = tx.cap();
        if !case_parts::delete_attachment(&mut tx, &w, attachment_id).await? {
            return Err(CoreError::NotFound);
        }
        let ev = Event::new(Action::AttachmentDeleted)
            .details(serde_json::json!({"attachment_id": attachment_id}));
        tx.commit(self, ev, self.now()).await?;
        Ok(())
    }
}
