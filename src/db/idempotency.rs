//! Stored answers of POST requests sent with an `Idempotency-Key`.

use super::{commit, Db, DbError};

/// What a key already stands for.
pub enum Claim {
    /// The key is new and now claimed by this request.
    New,
    /// Another request with this key is being served.
    InProgress { request_hash: String },
    /// A request with this key was answered.
    Done {
        request_hash: String,
        status: u16,
        body: String,
    },
}

/// Claims `key` for a request with `request_hash`, or says what it already stands for.
pub async fn claim(
    db: &Db,
    account_id: i64,
    key: &str,
    request_hash: &str,
    now: i64,
) -> Result<Claim, DbError> {
    let mut tx = db.begin_write().await?;
    let inserted = tx
        .execute(
            "INSERT INTO idempotency_keys (account_id, key, request_hash, status, created_at) VALUES ($1, $2, $3, 0, $4) \
             ON CONFLICT (account_id, key) DO NOTHING",
            &[account_id.into(), key.into(), request_hash.into(), now.into()],
        )
        .await?;
    if inserted == 1 {
        commit(tx).await?;
        return Ok(Claim::New);
    }
    let row = tx
        .fetch_one(
            "SELECT request_hash, status, body FROM idempotency_keys WHERE account_id = $1 AND key = $2",
            &[account_id.into(), key.into()],
        )
        .await?;
    let (request_hash, status) = (row.text(0)?, row.int(1)?);
    Ok(match status {
        0 => Claim::InProgress { request_hash },
        status => Claim::Done {
            request_hash,
            status: u16::try_from(status).unwrap_or(500),
            body: row.text(2)?,
        },
    })
}

/// Stores the answer of a claimed key.
pub async fn complete(
    db: &Db,
    account_id: i64,
    key: &str,
    status: u16,
    body: &str,
) -> Result<(), DbError> {
    let mut tx = db.begin_write().await?;
    tx.execute(
        "UPDATE idempotency_keys SET status = $3, body = $4 WHERE account_id = $1 AND key = $2",
        &[
            account_id.into(),
            key.into(),
            i64::from(status).into(),
            body.into(),
        ],
    )
    .await?;
    commit(tx).await
}

/// Gives a claimed key up (the request failed inside the server; a retry may run it).
pub async fn release(db: &Db, account_id: i64, key: &str) -> Result<(), DbError> {
    let mut tx = db.begin_write().await?;
    tx.execute(
        "DELETE FROM idempotency_keys WHERE account_id = $1 AND key = $2 AND status = 0",
        &[account_id.into(), key.into()],
    )
    .await?;
    commit(tx).await
}
