//! Import jobs, for the web page and the API: the uploaded file is kept sealed between its
//! preview and its commit, both of which run in the background (a large file takes longer
//! than a request may), while the page or the client polls the job. A job is its uploader's
//! alone: its preview holds the file's personal data.
use std::sync::Arc;

use haven_authz::{CaseImport, Principal};
use haven_i18n::Lang;
use haven_store::imports::{self as store, ImportJobRow};
use serde::{Deserialize, Serialize};

use super::{ErrorSheet, ImportCounts, ImportPreview, ImportSettings};
use crate::sealed::Column;
use crate::{CoreError, Haven, Origin, Result};

const FILE: Column = Column {
    table: "imports",
    column: "file",
};
const FILE_NAME: Column = Column {
    table: "imports",
    column: "file_name",
};
const PREVIEW: Column = Column {
    table: "imports",
    column: "preview",
};
const ERRORS: Column = Column {
    table: "imports",
    column: "errors",
};

/// Where a job stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    /// The file is being read for its preview.
    Uploaded,
    /// The preview is ready: the owner may commit, or change the mapping.
    Previewed,
    /// Cases are being written.
    Committing,
    Committed,
    /// The file could not be read, or the commit stopped (see `error`).
    Failed,
    /// Left at its preview too long: the file was dropped.
    Expired,
}

impl JobStatus {
    fn as_str(self) -> &'static str {
        match self {
            JobStatus::Uploaded => "uploaded",
            JobStatus::Previewed => "previewed",
            JobStatus::Committing => "committing",
            JobStatus::Committed => "committed",
            JobStatus::Failed => "failed",
            JobStatus::Expired => "expired",
        }
    }

    fn parse(s: &str) -> JobStatus {
        match s {
            "uploaded" => JobStatus::Uploaded,
            "previewed" => JobStatus::Previewed,
            "committing" => JobStatus::Committing,
            "committed" => JobStatus::Committed,
            "expired" => JobStatus::Expired,
            _ => JobStatus::Failed,
        }
    }
}

/// The outcome stored with a finished job (no personal data).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
struct Stored {
    counts: Option<ImportCounts>,
    /// The message key of a failure.
    error: Option<String>,
    import_id: Option<String>,
}

/// An import job as its owner sees it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ImportJob {
    pub id: String,
    pub status: JobStatus,
    pub file_name: String,
    pub created_at: i64,
    pub settings: ImportSettings,
    pub preview: Option<ImportPreview>,
    pub done_rows: i64,
    pub total_rows: Option<i64>,
    /// The counts of a finished commit.
    pub outcome: Option<ImportCounts>,
    /// The message key of a failure.
    pub error: Option<String>,
    /// The import's id in the audit trail, once committed.
    pub import_id: Option<String>,
    /// Rows were left out: the error file can be downloaded.
    pub has_errors: bool,
}

impl Haven {
    fn job_of(&self, row: ImportJobRow) -> Result<ImportJob> {
        let c = self.cipher();
        let stored: Stored = row
            .counts
            .as_deref()
            .map(serde_json::from_str)
            .transpose()
            .map_err(CoreError::internal)?
            .unwrap_or_default();
        let preview = match &row.preview {
            Some(b) => Some(
                serde_json::from_str(&c.decrypt(b, &PREVIEW.of(&row.id))?)
                    .map_err(CoreError::internal)?,
            ),
            None => None,
        };
        let file_name = match &row.file_name {
            Some(b) => c.decrypt(b, &FILE_NAME.of(&row.id))?,
            None => String::new(),
        };
        Ok(ImportJob {
            status: JobStatus::parse(&row.status),
            file_name,
            created_at: row.created_at,
            settings: serde_json::from_str(&row.settings).map_err(CoreError::internal)?,
            preview,
            done_rows: row.done_rows,
            total_rows: row.total_rows,
            outcome: stored.counts,
            error: stored.error,
            import_id: stored.import_id,
            has_errors: row.errors.is_some(),
            id: row.id,
        })
    }

    /// The job, if it is `p`'s; anyone else's is "not found".
    async fn own_job(&self, p: &Principal, id: &str) -> Result<ImportJobRow> {
        let mut conn = self.db.pool().acquire().await?;
        match store::get_job(&mut conn, id).await? {
            Some(j) if j.user_id == p.user_id && j.agency_id == p.agency_id => Ok(j),
            _ => Err(CoreError::NotFound),
        }
    }

    /// Keeps an uploaded file (sealed) and starts reading it for its preview. Returns the
    /// job's id.
    #[tracing::instrument(skip_all, fields(user = %cap.principal().user_id))]
    pub async fn start_import(
        &self,
        cap: CaseImport<'_>,
        file_name: &str,
        bytes: Vec<u8>,
        settings: ImportSettings,
        origin: &Origin,
    ) -> Result<String> {
        settings.check()?;
        if bytes.is_empty() {
            return Err(CoreError::invalid("file", "error-required"));
        }
        if bytes.len() > self.policy.import_max_bytes {
            return Err(CoreError::invalid("file", "error-case-import-too-large"));
        }
        let p = cap.principal();
        let id = uuid::Uuid::now_v7().to_string();
        let c = self.cipher();
        let name: String = file_name
            .chars()
            .filter(|c| !c.is_control())
            .take(200)
            .collect();
        let row = ImportJobRow {
            id: id.clone(),
            agency_id: p.agency_id,
            user_id: p.user_id,
            created_at: self.now(),
            status: JobStatus::Uploaded.as_str().into(),
            file_name: Some(c.encrypt(&name, &FILE_NAME.of(&id))),
            file: Some(c.encrypt_bytes(&bytes, &FILE.of(&id))),
            settings: serde_json::to_string(&settings).map_err(CoreError::internal)?,
            preview: None,
            done_rows: 0,
            total_rows: None,
            counts: None,
            errors: None,
            finished_at: None,
        };
        let mut conn = self.db.pool().acquire().await?;
        store::insert_job(&mut conn, &row).await?;
        drop(conn);
        self.spawn_preview(
            p.clone(),
            id.clone(),
            Arc::new(bytes),
            settings,
            origin.clone(),
        );
        Ok(id)
    }

    fn spawn_preview(
        &self,
        p: Principal,
        id: String,
        bytes: Arc<Vec<u8>>,
        settings: ImportSettings,
        origin: Origin,
    ) {
        let h = self.clone();
        tokio::spawn(async move {
            if let Err(e) = h.run_preview(&p, &id, bytes, &settings, &origin).await {
                tracing::warn!(error = %e, import = %id, "import preview failed");
            }
        });
    }

    async fn run_preview(
        &self,
        p: &Principal,
        id: &str,
        bytes: Arc<Vec<u8>>,
        settings: &ImportSettings,
        origin: &Origin,
    ) -> Result<()> {
        let cap = p.case_import().ok_or(CoreError::Forbidden)?;
        let json = serde_json::to_string(settings).map_err(CoreError::internal)?;
        match self.preview_import(cap, bytes, settings, origin).await {
            Ok(preview) => {
                let body = serde_json::to_string(&preview).map_err(CoreError::internal)?;
                let sealed = self.cipher().encrypt(&body, &PREVIEW.of(id));
                let mut conn = self.db.pool().acquire().await?;
                store::set_preview(
                    &mut conn,
                    id,
                    JobStatus::Uploaded.as_str(),
                    &sealed,
                    preview.counts.rows as i64,
                    &json,
                )
                .await?;
                Ok(())
            }
            Err(e) => {
                let key = match &e {
                    CoreError::Invalid(errors) => errors
                        .first()
                        .map(|f| f.key)
                        .unwrap_or("error-case-import-unreadable"),
                    e => e.user_key(),
                };
                self.fail_job(id, key).await?;
                Err(e)
            }
        }
    }

    async fn fail_job(&self, id: &str, key: &str) -> Result<()> {
        let stored = Stored {
            error: Some(key.to_string()),
            ..Stored::default()
        };
        let mut conn = self.db.pool().acquire().await?;
        store::finish(
            &mut conn,
            id,
            JobStatus::Failed.as_str(),
            &serde_json::to_string(&stored).map_err(CoreError::internal)?,
            None,
            self.now(),
        )
        .await?;
        Ok(())
    }

    /// An import job of `p`'s, with its preview or outcome.
    #[tracing::instrument(skip_all, fields(user = %p.user_id))]
    pub async fn import_job(&self, p: &Principal, id: &str) -> Result<ImportJob> {
        let row = self.own_job(p, id).await?;
        self.job_of(row)
    }

    /// A page of `p`'s import jobs for their agency, newest first, then by id (without
    /// previews).
    #[tracing::instrument(skip_all, fields(user = %p.user_id))]
    pub async fn import_jobs(
        &self,
        p: &Principal,
        page: &crate::support::cursor::PageRequest,
    ) -> Result<(Vec<ImportJob>, Option<String>)> {
        let mut conn = self.db.pool().acquire().await?;
        let (after, fetch) = page.keyset();
        let rows = store::jobs_of_user(&mut conn, p.agency_id, p.user_id, after, fetch).await?;
        drop(conn);
        let (rows, next) = page.rest(rows, |r| (r.created_at, r.id.clone()));
        let jobs = rows
            .into_iter()
            .map(|r| self.job_of(r))
            .collect::<Result<Vec<_>>>()?;
        Ok((jobs, next))
    }

    /// Reads the job's file again with other settings (a column mapping, a region).
    #[tracing::instrument(skip_all, fields(user = %cap.principal().user_id))]
    pub async fn remap_import(
        &self,
        cap: CaseImport<'_>,
        id: &str,
        settings: ImportSettings,
        origin: &Origin,
    ) -> Result<()> {
        settings.check()?;
        let p = cap.principal();
        let row = self.own_job(p, id).await?;
        let file = row
            .file
            .as_ref()
            .ok_or(CoreError::invalid("file", "error-case-import-gone"))?;
        let bytes = self.cipher().decrypt_bytes(file, &FILE.of(id))?;
        let mut conn = self.db.pool().acquire().await?;
        if !store::move_status(&mut conn, id, "previewed", "uploaded").await? {
            return Err(CoreError::invalid("file", "error-case-import-busy"));
        }
        drop(conn);
        self.spawn_preview(
            p.clone(),
            id.to_string(),
            Arc::new(bytes),
            settings,
            origin.clone(),
        );
        Ok(())
    }

    /// Starts writing the cases of a previewed job, in the background.
    #[tracing::instrument(skip_all, fields(user = %cap.principal().user_id))]
    pub async fn start_commit(&self, cap: CaseImport<'_>, id: &str, origin: &Origin) -> Result<()> {
        let p = cap.principal();
        let row = self.own_job(p, id).await?;
        let file = row
            .file
            .as_ref()
            .ok_or(CoreError::invalid("file", "error-case-import-gone"))?;
        let bytes = self.cipher().decrypt_bytes(file, &FILE.of(id))?;
        let settings: ImportSettings =
            serde_json::from_str(&row.settings).map_err(CoreError::internal)?;
        let mut conn = self.db.pool().acquire().await?;
        // Once: a second click, or two clients, find it no longer previewed.
        if !store::move_status(&mut conn, id, "previewed", "committing").await? {
            return Err(CoreError::invalid("file", "error-case-import-busy"));
        }
        drop(conn);
        let (h, p, id, origin) = (self.clone(), p.clone(), id.to_string(), origin.clone());
        tokio::spawn(async move {
            if let Err(e) = h
                .run_commit(&p, &id, Arc::new(bytes), &settings, &origin)
                .await
            {
                tracing::warn!(error = %e, import = %id, "import commit failed");
            }
        });
        Ok(())
    }

    async fn run_commit(
        &self,
        p: &Principal,
        id: &str,
        bytes: Arc<Vec<u8>>,
        settings: &ImportSettings,
        origin: &Origin,
    ) -> Result<()> {
        let cap = p.case_import().ok_or(CoreError::Forbidden)?;
        let (progress_tx, mut progress_rx) = tokio::sync::watch::channel(0usize);
        let h = self.clone();
        let job = id.to_string();
        // Progress is written by its own task, so the commit never waits on it.
        let writer = tokio::spawn(async move {
            while progress_rx.changed().await.is_ok() {
                let done = *progress_rx.borrow_and_update() as i64;
                if let Ok(mut conn) = h.db.pool().acquire().await {
                    let _ = store::set_progress(&mut conn, &job, done).await;
                }
            }
        });
        let result = self
            .commit_import(cap, bytes, settings, origin, &move |done| {
                let _ = progress_tx.send(done);
            })
            .await;
        let _ = writer.await;
        match result {
            Ok(outcome) => {
                let errors = if outcome.errors.rows.is_empty() {
                    None
                } else {
                    let body =
                        serde_json::to_string(&outcome.errors).map_err(CoreError::internal)?;
                    Some(self.cipher().encrypt(&body, &ERRORS.of(id)))
                };
                let stored = Stored {
                    counts: Some(outcome.counts.clone()),
                    error: None,
                    import_id: Some(outcome.import_id.clone()),
                };
                let mut conn = self.db.pool().acquire().await?;
                store::set_progress(&mut conn, id, outcome.counts.rows as i64).await?;
                store::finish(
                    &mut conn,
                    id,
                    JobStatus::Committed.as_str(),
                    &serde_json::to_string(&stored).map_err(CoreError::internal)?,
                    errors.as_deref(),
                    self.now(),
                )
                .await?;
                Ok(())
            }
            Err(e) => {
                let key = match &e {
                    CoreError::Invalid(errors) => {
                        errors.first().map(|f| f.key).unwrap_or("error-internal")
                    }
                    e => e.user_key(),
                };
                self.fail_job(id, key).await?;
                Err(e)
            }
        }
    }

    /// The rows a committed job left out, as a file in the source's layout with a column of
    /// problems in `lang`: (bytes, extension).
    #[tracing::instrument(skip_all, fields(user = %p.user_id))]
    pub async fn import_job_errors(
        &self,
        p: &Principal,
        id: &str,
        lang: Lang,
    ) -> Result<(Vec<u8>, &'static str)> {
        let row = self.own_job(p, id).await?;
        let blob = row.errors.as_ref().ok_or(CoreError::NotFound)?;
        let sheet: ErrorSheet = serde_json::from_str(&self.cipher().decrypt(blob, &ERRORS.of(id))?)
            .map_err(CoreError::internal)?;
        self.import_error_file(&sheet, lang)
    }

    /// Drops the sealed files of jobs left unfinished for a day (run by the janitor).
    pub async fn expire_import_jobs(&self) -> Result<u64> {
        let mut conn = self.db.pool().acquire().await?;
        Ok(store::drop_stale(&mut conn, self.now() - 24 * 3600).await?)
    }
}
