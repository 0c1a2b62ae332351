//! Encrypted, consistent online backups and their restore. The logical dump (see
//! `haven-store::dump`) is taken in one snapshot transaction while the server keeps running, then
//! sealed with a key derived from the KEK; restore needs the same key file.
use std::io::{BufReader, BufWriter, Write};
use std::path::Path;

use haven_audit::{Action, Actor, Event};
use haven_crypto::Kek;
use haven_store::Db;

use crate::{CoreError, Haven, Result, now};

/// Writes an encrypted backup to `path` (via a temporary file, renamed when complete, so a crash
/// never leaves a half backup under the final name). Returns the number of rows. The dump streams
/// through a pipe into the sealing thread: memory use does not grow with the database.
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

    let tmp = path.with_extension("partial");
    let (reader, writer) = std::io::pipe().map_err(CoreError::internal)?;
    let sealer = {
        let (kek, tmp) = (kek.clone(), tmp.clone());
        std::thread::spawn(move || -> Result<()> {
            let f = std::fs::File::create(&tmp)
                .map_err(|e| CoreError::Internal(format!("{}: {e}", tmp.display())))?;
            let mut out = BufWriter::new(f);
            haven_crypto::backup::seal(&kek, BufReader::new(reader), &mut out)?;
            let f = out
                .into_inner()
                .map_err(|e| CoreError::internal(e.error()))?;
            f.sync_all().map_err(CoreError::internal)?;
            Ok(())
        })
    };
    let mut pipe = BufWriter::with_capacity(1 << 16, writer);
    let dumped = haven_store::dump::dump(&h.db, &mut pipe, progress).await;
    let flushed = pipe.flush();
    drop(pipe); // end of input for the sealer
    let sealed = sealer
        .join()
        .map_err(|_| CoreError::Internal("the backup thread panicked".into()))?;
    let finished = dumped.map_err(CoreError::from).and_then(|rows| {
        flushed.map_err(CoreError::internal)?;
        sealed?;
        std::fs::rename(&tmp, path).map_err(CoreError::internal)?;
        Ok(rows)
    });
    if finished.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    finished
}

/// Restores a backup into an empty, migrated database, in one transaction: a damaged or
/// tampered file leaves the database untouched.
pub async fn restore(db: &Db, kek: &Kek, path: &Path, progress: impl FnMut(u64)) -> Result<u64> {
    let f = std::fs::File::open(path)
        .map_err(|e| CoreError::Internal(format!("{}: {e}", path.display())))?;
    let (reader, writer) = std::io::pipe().map_err(CoreError::internal)?;
    let opener = {
        let kek = kek.clone();
        std::thread::spawn(move || -> Result<(), haven_crypto::CryptoError> {
            let mut out = BufWriter::new(writer);
            haven_crypto::backup::open(&kek, BufReader::new(f), &mut out)?;
            out.flush()?;
            Ok(())
        })
    };
    let loaded = haven_store::dump::restore(db, BufReader::new(reader), progress).await;
    let opened = opener
        .join()
        .map_err(|_| CoreError::Internal("the restore thread panicked".into()))?;
    let rows = match (opened, loaded) {
        (Ok(()), loaded) => loaded?,
        // The loader stopped first (e.g. the database is not empty): the writer's broken pipe
        // is only a consequence.
        (Err(haven_crypto::CryptoError::Io(_)), Err(e)) => return Err(e.into()),
        // A decryption failure explains a truncated stream better than the truncation itself.
        (Err(e), _) => return Err(e.into()),
    };
    // Record the restore in the restored trail, with the restored keys.
    let ring = crate::keys::load_keyring(db, kek)
        .await
        .map_err(CoreError::internal)?;
    let mut tx = db.begin().await?;
    let ev = Event::new(Action::BackupRestored).details(serde_json::json!({"rows": rows}));
    let keys = crate::keys::audit_keys(&ring);
    haven_audit::record(&mut tx, &keys, &Actor::system(), ev, now()).await?;
    tx.commit().await?;
    Ok(rows)
}
