//! Jobs: a long operation asked for through the API (a statistical release) runs in the
//! background and is polled by its owner, from any app server (the job is in the database).
//! Its result waits sealed for one download; a job nobody finished (its server stopped) fails
//! after a while, and an unclaimed result is dropped after a day.
use std::future::Future;

use haven_authz::Principal;
use haven_store::jobs::{self as store, JobRow};

use crate::sealed::Column;
use crate::{CoreError, Haven, Result};

/// The result of a job, sealed to its row.
const RESULT: Column = Column {
    table: "jobs",
    column: "result",
};

/// A job still running after this long lost its server.
const STUCK_SECS: i64 = 6 * 3600;
/// An unclaimed result is dropped after this long.
const UNCLAIMED_SECS: i64 = 24 * 3600;
/// Finished jobs are listed this long, then forgotten.
const KEPT_SECS: i64 = 30 * 24 * 3600;

/// Where a job stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    Running,
    /// The result waits to be downloaded.
    Done,
    /// See the error.
    Failed,
    /// The result was downloaded (once).
    Downloaded,
    /// The result was not downloaded in time and was dropped.
    Expired,
}

impl JobState {
    fn parse(s: &str) -> JobState {
        match s {
            "running" => JobState::Running,
            "done" => JobState::Done,
            "downloaded" => JobState::Downloaded,
            "expired" => JobState::Expired,
            _ => JobState::Failed,
        }
    }
}

/// A job as its owner sees it.
#[derive(Clone, Debug)]
pub struct JobView {
    pub id: String,
    pub kind: String,
    pub state: JobState,
    /// The message key of a failure.
    pub error: Option<String>,
    pub created_at: i64,
    pub finished_at: Option<i64>,
    pub file_name: Option<String>,
    pub content_type: Option<String>,
}

impl From<JobRow> for JobView {
    fn from(r: JobRow) -> Self {
        JobView {
            state: JobState::parse(&r.status),
            id: r.id,
            kind: r.kind,
            error: r.error,
            created_at: r.created_at,
            finished_at: r.finished_at,
            file_name: r.file_name,
            content_type: r.content_type,
        }
    }
}

/// A job's file.
#[derive(Clone, Debug)]
pub struct JobFile {
    pub file_name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// What the work of a job gives: its file, or the error that stopped it.
pub(crate) type JobOutcome = Result<JobFile>;

impl Haven {
    /// Records a new running job of `p`'s and starts `work` in the background; returns the
    /// job's id at once.
    pub(crate) async fn start_job<F>(&self, p: &Principal, kind: &str, work: F) -> Result<String>
    where
        F: Future<Output = JobOutcome> + Send + 'static,
    {
        let id = uuid::Uuid::now_v7().to_string();
        {
            let mut conn = self.db.pool().acquire().await?;
            store::insert(&mut conn, &id, kind, p.user_id, self.now()).await?;
        }
        let h = self.clone();
        let job = id.clone();
        tokio::spawn(async move {
            let outcome = work.await;
            if let Err(e) = h.finish_job(&job, outcome).await {
                tracing::error!(error = %e, job = %job, "could not record a job's end");
            }
        });
        Ok(id)
    }

    async fn finish_job(&self, id: &str, outcome: JobOutcome) -> Result<()> {
        let mut conn = self.db.pool().acquire().await?;
        match outcome {
            Ok(f) => {
                let sealed = self.cipher().encrypt_bytes(&f.bytes, &RESULT.of(id));
                store::done(
                    &mut conn,
                    id,
                    &f.file_name,
                    &f.content_type,
                    &sealed,
                    self.now(),
                )
                .await?;
            }
            Err(e) => {
                let key = match &e {
                    CoreError::Invalid(errors) => {
                        errors.first().map(|f| f.key).unwrap_or("error-form")
                    }
                    e => e.user_key(),
                };
                if matches!(e, CoreError::Internal(_) | CoreError::Store(_)) {
                    tracing::error!(error = %e, job = %id, "a job failed");
                }
                store::failed(&mut conn, id, key, self.now()).await?;
            }
        }
        Ok(())
    }

    /// A job of `p`'s; anyone else's is "not found".
    #[tracing::instrument(skip_all, fields(user = %p.user_id))]
    pub async fn job(&self, p: &Principal, id: &str) -> Result<JobView> {
        let mut conn = self.db.pool().acquire().await?;
        match store::get(&mut conn, id).await? {
            Some(j) if j.user_id == p.user_id => Ok(j.into()),
            _ => Err(CoreError::NotFound),
        }
    }

    /// `p`'s jobs (forgotten 30 days after they end), newest first; at most 5,000, far more
    /// than anyone starts in 30 days.
    #[tracing::instrument(skip_all, fields(user = %p.user_id))]
    pub async fn jobs(&self, p: &Principal) -> Result<Vec<JobView>> {
        let mut conn = self.db.pool().acquire().await?;
        Ok(store::of_user(&mut conn, p.user_id, 5000)
            .await?
            .into_iter()
            .map(JobView::from)
            .collect())
    }

    /// Takes the result of a done job of `p`'s of this `kind`: it can be downloaded once.
    /// `Err(state)` when there is none to take: still running, failed, or gone (downloaded, or
    /// not in time); another's job, or another kind, is "not found".
    #[tracing::instrument(skip_all, fields(user = %p.user_id))]
    pub async fn take_job_result(
        &self,
        p: &Principal,
        id: &str,
        kind: &str,
    ) -> Result<std::result::Result<JobFile, JobState>> {
        let job = self.job(p, id).await?;
        if job.kind != kind {
            return Err(CoreError::NotFound);
        }
        if job.state != JobState::Done {
            return Ok(Err(job.state));
        }
        let mut conn = self.db.pool().acquire().await?;
        // Taken by another download meanwhile: gone.
        let Some(sealed) = store::take_result(&mut conn, id, self.now()).await? else {
            return Ok(Err(JobState::Downloaded));
        };
        let bytes = self.cipher().decrypt_bytes(&sealed, &RESULT.of(id))?;
        Ok(Ok(JobFile {
            file_name: job.file_name.unwrap_or_default(),
            content_type: job
                .content_type
                .unwrap_or_else(|| "application/octet-stream".into()),
            bytes,
        }))
    }

    /// Fails jobs whose server stopped, drops unclaimed results, forgets old jobs (run
    /// periodically by `serve`).
    #[tracing::instrument(skip_all)]
    pub async fn tidy_jobs(&self) -> Result<u64> {
        let now = self.now();
        let mut conn = self.db.pool().acquire().await?;
        Ok(store::tidy(
            &mut conn,
            now - STUCK_SECS,
            now - UNCLAIMED_SECS,
            now - KEPT_SECS,
            now,
        )
        .await?)
    }
}
