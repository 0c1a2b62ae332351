//! Key management: creating the keyring of a new deployment, loading it at start, rotating the
//! key-encryption key (re-wrap only, no data rewritten) and starting a new data key.
use haven_audit::{Action, Actor, AuditKeys, Event};
use haven_crypto::{Kek, KeyMaterial, Keyring, WrappedKey};
use haven_store::Db;
use haven_store::keyring::{self as store_keys, KeyRow};

use crate::{CoreError, Result, now};

fn to_wrapped(rows: &[KeyRow]) -> Vec<WrappedKey> {
    rows.iter()
        .map(|r| WrappedKey {
            id: r.id as u32,
            purpose: r.purpose.clone(),
            wrapped: r.wrapped.clone(),
            kek_fingerprint: r.kek_fingerprint.clone(),
            active: r.active,
        })
        .collect()
}

/// Creates the keyring if the database has none; returns whether it did.
pub async fn ensure_keyring(db: &Db, kek: &Kek) -> Result<bool> {
    let mut tx = db.begin().await?;
    if !store_keys::list(&mut tx).await?.is_empty() {
        return Ok(false);
    }
    let t = now();
    for k in Keyring::generate(kek) {
        let row = KeyRow {
            id: k.id as i64,
            purpose: k.purpose,
            wrapped: k.wrapped,
            kek_fingerprint: k.kek_fingerprint,
            active: k.active,
        };
        store_keys::insert(&mut tx, &row, t).await?;
    }
    tx.commit().await?;
    Ok(true)
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("the database has no keys yet; run `haven init` first")]
    NoKeys,
    #[error(
        "the key file does not open this database's keys (the database expects the key with fingerprint {expected}, the file holds {given})"
    )]
    WrongKek { expected: String, given: String },
    #[error(transparent)]
    Core(#[from] CoreError),
}

pub async fn load_keyring(db: &Db, kek: &Kek) -> Result<Keyring, KeyError> {
    let mut conn = db.pool().acquire().await.map_err(CoreError::from)?;
    let rows = store_keys::list(&mut conn).await.map_err(CoreError::from)?;
    if rows.is_empty() {
        return Err(KeyError::NoKeys);
    }
    Keyring::unwrap_all(kek, &to_wrapped(&rows)).map_err(|_| KeyError::WrongKek {
        expected: rows[0].kek_fingerprint.clone(),
        given: kek.fingerprint(),
    })
}

pub(crate) fn audit_keys(ring: &Keyring) -> AuditKeys {
    AuditKeys {
        chain: ring.audit_key(),
        cipher: ring.cipher(),
    }
}

/// Re-wraps every key under `new`. Running servers keep working (they hold the unwrapped keys);
/// they need the new key file only when they restart.
pub async fn rotate_kek(db: &Db, old: &Kek, new: &Kek) -> Result<usize, KeyError> {
    let ring = load_keyring(db, old).await?;
    let mut tx = db.begin().await.map_err(CoreError::from)?;
    let rows = store_keys::list(&mut tx).await.map_err(CoreError::from)?;
    for r in &rows {
        let key: KeyMaterial = old
            .unwrap_key(&r.purpose, &r.wrapped)
            .map_err(CoreError::from)?;
        store_keys::rewrap(
            &mut tx,
            r.id,
            &new.wrap(&r.purpose, &key),
            &new.fingerprint(),
        )
        .await
        .map_err(CoreError::from)?;
    }
    let event = Event::new(Action::KeysRotated).details(
        serde_json::json!({"kind": "kek", "from": old.fingerprint(), "to": new.fingerprint()}),
    );
    haven_audit::record(&mut tx, &audit_keys(&ring), &Actor::system(), event, now())
        .await
        .map_err(CoreError::from)?;
    tx.commit().await.map_err(CoreError::from)?;
    Ok(rows.len())
}

/// Starts a new data key for new writes; old ciphertexts stay readable under their own key.
pub async fn new_data_key(db: &Db, kek: &Kek) -> Result<u32, KeyError> {
    let ring = load_keyring(db, kek).await?;
    let mut tx = db.begin().await.map_err(CoreError::from)?;
    let rows = store_keys::list(&mut tx).await.map_err(CoreError::from)?;
    let id = rows.iter().map(|r| r.id).max().unwrap_or(0) + 1;
    let row = KeyRow {
        id,
        purpose: "data".into(),
        wrapped: kek.wrap("data", &KeyMaterial::random()),
        kek_fingerprint: kek.fingerprint(),
        active: false,
    };
    store_keys::insert(&mut tx, &row, now())
        .await
        .map_err(CoreError::from)?;
    store_keys::activate_data_key(&mut tx, id)
        .await
        .map_err(CoreError::from)?;
    let event =
        Event::new(Action::KeysRotated).details(serde_json::json!({"kind": "data", "key_id": id}));
    haven_audit::record(&mut tx, &audit_keys(&ring), &Actor::system(), event, now())
        .await
        .map_err(CoreError::from)?;
    tx.commit().await.map_err(CoreError::from)?;
    Ok(id as u32)
}
