//! Rebuilding the blind name index when its recipe changes (`haven_crypto::blind::INDEX_VERSION`):
//! the names of every person and training participant are decrypted a batch at a time and their
//! digests written again. Resumable: each batch commits with the last id done, so a run that is
//! stopped continues where it was. `serve` refuses to start on an index of an older version.
use crate::sealed::{self, Column};
use haven_audit::{Action, Actor, Event};
use haven_crypto::blind::INDEX_VERSION;
use haven_store::{cases, settings, training};

use crate::{CoreError, Haven, Result};

const VERSION_KEY: &str = "name_index_version";
const PERSON_CURSOR: &str = "name_reindex_persons_after";
const TRAINEE_CURSOR: &str = "name_reindex_trainees_after";
/// Records decrypted and re-indexed per transaction.
const BATCH: i64 = 500;

/// Whether the stored name digests were built by this version's recipe.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IndexState {
    Current,
    /// Built by an older recipe: `persons` and `trainees` need new digests.
    Stale {
        persons: i64,
        trainees: i64,
    },
}

/// The state of a database's name index (no key needed). A database with no names yet is
/// current (its version is recorded now: every digest it will hold is built by this version);
/// one with names and no version was built before versions were kept.
pub async fn index_state(db: &haven_store::Db) -> Result<IndexState> {
    let mut conn = db.pool().acquire().await?;
    let version: i64 = settings::get(&mut conn, VERSION_KEY)
        .await?
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    if version >= INDEX_VERSION {
        return Ok(IndexState::Current);
    }
    let persons = cases::count_persons(&mut conn).await?;
    let trainees = training::count_trainees(&mut conn).await?;
    if persons + trainees == 0 {
        settings::set(&mut conn, VERSION_KEY, &INDEX_VERSION.to_string()).await?;
        return Ok(IndexState::Current);
    }
    Ok(IndexState::Stale { persons, trainees })
}

impl Haven {
    #[tracing::instrument(skip_all)]
    pub async fn name_index_state(&self) -> Result<IndexState> {
        index_state(&self.db).await
    }

    /// Rebuilds the name digests of every person and participant, `progress(done)` after each
    /// batch; returns how many records were re-indexed. Audited as `names.reindexed`.
    #[tracing::instrument(skip_all)]
    pub async fn reindex_names(&self, mut progress: impl FnMut(u64)) -> Result<u64> {
        let mut done = 0u64;
        loop {
            let mut tx = self.db.begin().await?;
            let after = settings::get(&mut tx, PERSON_CURSOR)
                .await?
                .unwrap_or_default();
            let ids = cases::person_ids_after(&mut tx, &after, BATCH).await?;
            let Some(last) = ids.last() else {
                tx.commit().await?;
                break;
            };
            for id in &ids {
                let Some(row) = cases::get_person(&mut tx, *id).await? else {
                    continue;
                };
                let citizenship = cases::get_citizenships(&mut tx, *id).await?;
                let person = self.person_data(&row, citizenship)?;
                self.write_name_index(&mut tx, *id, &person).await?;
            }
            settings::set(&mut tx, PERSON_CURSOR, &last.to_string()).await?;
            tx.commit().await?;
            done += ids.len() as u64;
            progress(done);
        }
        loop {
            let mut tx = self.db.begin().await?;
            let after = settings::get(&mut tx, TRAINEE_CURSOR)
                .await?
                .unwrap_or_default();
            let rows = training::trainees_after(&mut tx, &after, BATCH).await?;
            let Some(last) = rows.last().map(|t| t.id.clone()) else {
                tx.commit().await?;
                break;
            };
            let c = self.cipher();
            for t in &rows {
                let open = |col: Column, v: &Option<Vec<u8>>| -> Result<String> {
                    Ok(c.decrypt_opt(v.as_deref(), &col.of(&t.id))?
                        .unwrap_or_default())
                };
                let name = format!(
                    "{} {}",
                    open(sealed::TRAINEES_FIRST_NAME, &t.first_name)?,
                    open(sealed::TRAINEES_FAMILY_NAME, &t.family_name)?
                );
                let digests = self.blind.stored(&name).words;
                training::set_digests(&mut tx, &t.id, &digests).await?;
            }
            settings::set(&mut tx, TRAINEE_CURSOR, &last).await?;
            tx.commit().await?;
            done += rows.len() as u64;
            progress(done);
        }
        // Done: the version is recorded and the cursors cleared, with the audit event.
        let mut tx = self.db.begin().await?;
        settings::set(&mut tx, VERSION_KEY, &INDEX_VERSION.to_string()).await?;
        settings::set(&mut tx, PERSON_CURSOR, "").await?;
        settings::set(&mut tx, TRAINEE_CURSOR, "").await?;
        let ev = Event::new(Action::NamesReindexed)
            .details(serde_json::json!({"records": done, "version": INDEX_VERSION}));
        self.commit_audited(tx, &Actor::system(), ev, self.now())
            .await?;
        Ok(done)
    }

    /// Persons and training participants: what a rebuild goes through.
    #[tracing::instrument(skip_all)]
    pub async fn name_count(&self) -> Result<u64> {
        let mut conn = self.db.pool().acquire().await?;
        let n =
            cases::count_persons(&mut conn).await? + training::count_trainees(&mut conn).await?;
        Ok(n.max(0) as u64)
    }

    /// Refuses to go on with a stale index, naming the command that rebuilds it.
    #[tracing::instrument(skip_all)]
    pub async fn require_current_name_index(&self) -> Result<()> {
        match self.name_index_state().await? {
            IndexState::Current => Ok(()),
            IndexState::Stale { persons, trainees } => Err(CoreError::Internal(format!(
                "the name index of {persons} person(s) and {trainees} training participant(s) was built by an earlier version of Haven: run `haven reindex` (or `haven migrate`) first"
            ))),
        }
    }
}
