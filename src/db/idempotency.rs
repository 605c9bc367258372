//! Stored answers of POST requests sent with an `Idempotency-Key` (API.md §0).
//!
//! A row is only ever written with its final answer, in the transaction of the write it
//! answers (see [`super::held`]): there is no "being served" row for a crash to strand.
//! Rows with status 0 were claims of the earlier design and count as absent.

use super::{Db, DbError, Query, Tx};
use crate::domain::ids::AccountId;
use crate::{from_row, params};

/// How long a key's answer is kept, in seconds (published in the README): a retry within this
/// time is answered from it, a key older than this is forgotten and may be used afresh.
pub const RETENTION_SECS: i64 = 24 * 60 * 60;

/// An answer as stored.
#[derive(Debug, Clone)]
pub struct Stored {
    /// Digest of the method, path and body of the request that got this answer.
    pub request_hash: String,
    pub status: u16,
    pub body: String,
}

/// The answer stored for `key`, if one younger than the retention is.
pub async fn find(
    db: &Db,
    account_id: AccountId,
    key: &str,
    now: i64,
) -> Result<Option<Stored>, DbError> {
    let since = now - RETENTION_SECS;
    let row: Option<StoredRow> = db
        .read()
        .await
        .optional(
            "SELECT request_hash, status, body FROM idempotency_keys \
             WHERE account_id = :account_id AND key = :key AND status > 0 AND created_at > :since",
            params! { account_id, key, since },
        )
        .await?;
    Ok(row.map(|row| Stored {
        request_hash: row.request_hash,
        status: u16::try_from(row.status).unwrap_or(500),
        body: row.body,
    }))
}

/// An answer's row as read (the status a plain integer column).
struct StoredRow {
    request_hash: String,
    status: i64,
    body: String,
}

from_row!(StoredRow {
    request_hash,
    status,
    body
});

/// Records the answer for `key` in `tx`. `false` when a live answer is already stored: another
/// server served the same key meanwhile, and the caller must roll its write back.
pub async fn record(
    tx: &mut Tx,
    account_id: AccountId,
    key: &str,
    answer: &Stored,
    now: i64,
) -> Result<bool, DbError> {
    let expired = now - RETENTION_SECS;
    let changed = tx
        .run(
            "INSERT INTO idempotency_keys (account_id, key, request_hash, status, body, created_at) \
             VALUES (:account_id, :key, :request_hash, :status, :body, :now) \
             ON CONFLICT (account_id, key) DO UPDATE SET request_hash = excluded.request_hash, \
             status = excluded.status, body = excluded.body, created_at = excluded.created_at \
             WHERE idempotency_keys.status = 0 OR idempotency_keys.created_at <= :expired",
            params! {
                account_id,
                key,
                request_hash: answer.request_hash.as_str(),
                status: i64::from(answer.status),
                body: answer.body.as_str(),
                now,
                expired,
            },
        )
        .await?;
    Ok(changed == 1)
}

/// Forgets the answers older than the retention; returns how many.
pub async fn purge(db: &Db, now: i64) -> Result<u64, DbError> {
    let mut tx = db.begin_write().await?;
    let expired = now - RETENTION_SECS;
    let purged = tx
        .run(
            "DELETE FROM idempotency_keys WHERE created_at <= :expired",
            params! { expired },
        )
        .await?;
    super::commit(tx).await?;
    Ok(purged)
}
