//! Encrypted, consistent online backups and their restore. The logical dump (see
//! `haven-store::dump`) is taken in one snapshot transaction while the server keeps running, then
//! sealed with a key derived from the KEK; restore needs the same key file.
use std::io::{BufReader, Write};
use std::path::Path;

use haven_audit::{Action, Actor, Event};
use haven_crypto::Kek;
use haven_store::Db;

use crate::{CoreError, Haven, Result, now};

/// Writes an encrypted backup to `path` (via a temporary file, renamed when complete, so a crash
/// never leaves a half backup under the final name). Returns the number of rows.
pub async fn backup(h: &Haven, kek: &Kek, path: &Path, progress: impl FnMut(u64)) -> Result<u64> {
    // The audit event goes in first, so the backup records that it was taken.
    let mut tx = h.db.begin().await?;
    haven_audit::record(
        &mut tx,
        h.audit_keys(),
        &Actor::system(),
        Event::new(Action::BackupCreated),
        now(),
    )
    .await?;
    tx.commit().await?;

    let mut plain = Vec::new();
    let rows = haven_store::dump::dump(&h.db, &mut plain, progress).await?;
    let tmp = path.with_extension("partial");
    let kek = kek.clone();
    let final_path = path.to_path_buf();
    tokio::task::spawn_blocking(move || -> Result<()> {
        let mut f = std::fs::File::create(&tmp).map_err(CoreError::internal)?;
        haven_crypto::backup::seal(&kek, &plain[..], &mut f)?;
        f.flush().map_err(CoreError::internal)?;
        f.sync_all().map_err(CoreError::internal)?;
        std::fs::rename(&tmp, &final_path).map_err(CoreError::internal)?;
        Ok(())
    })
    .await
    .map_err(CoreError::internal)??;
    Ok(rows)
}

/// Restores a backup into an empty, migrated database.
pub async fn restore(db: &Db, kek: &Kek, path: &Path, progress: impl FnMut(u64)) -> Result<u64> {
    let kek2 = kek.clone();
    let p = path.to_path_buf();
    let plain = tokio::task::spawn_blocking(move || -> Result<Vec<u8>> {
        let f = std::fs::File::open(&p)
            .map_err(|e| CoreError::Internal(format!("{}: {e}", p.display())))?;
        let mut out = Vec::new();
        haven_crypto::backup::open(&kek2, BufReader::new(f), &mut out)?;
        Ok(out)
    })
    .await
    .map_err(CoreError::internal)??;
    let rows = haven_store::dump::restore(db, &plain[..], progress).await?;
    // Record the restore in the restored trail, with the restored keys.
    let ring = crate::keys::load_keyring(db, kek)
        .await
        .map_err(CoreError::internal)?;
    let h = Haven::new(db.clone(), &ring, crate::Policy::default())?;
    let mut tx = db.begin().await?;
    let ev = Event::new(Action::BackupRestored).details(serde_json::json!({"rows": rows}));
    haven_audit::record(&mut tx, h.audit_keys(), &Actor::system(), ev, now()).await?;
    tx.commit().await?;
    Ok(rows)
}
