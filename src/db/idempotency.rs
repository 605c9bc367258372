//! Stored answers of POST requests sent with an `Idempotency-Key`.

use sqlx::Row;

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
    let inserted = sqlx::query(
        "INSERT INTO idempotency_keys (account_id, key, request_hash, status, created_at) VALUES ($1, $2, $3, 0, $4) \
         ON CONFLICT (account_id, key) DO NOTHING",
    )
    .bind(account_id)
    .bind(key)
    .bind(request_hash)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    if inserted.rows_affected() == 1 {
        commit(tx).await?;
        return Ok(Claim::New);
    }
    let row = sqlx::query("SELECT request_hash, status, body FROM idempotency_keys WHERE account_id = $1 AND key = $2")
        .bind(account_id)
        .bind(key)
        .fetch_one(&mut *tx)
        .await?;
    let (request_hash, status): (String, i64) = (row.get(0), row.get(1));
    Ok(match status {
        0 => Claim::InProgress { request_hash },
        status => Claim::Done {
            request_hash,
            status: u16::try_from(status).unwrap_or(500),
            body: row.get(2),
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
    sqlx::query(
        "UPDATE idempotency_keys SET status = $3, body = $4 WHERE account_id = $1 AND key = $2",
    )
    .bind(account_id)
    .bind(key)
    .bind(i64::from(status))
    .bind(body)
    .execute(&mut *tx)
    .await?;
    commit(tx).await
}

/// Gives a claimed key up (the request failed inside the server; a retry may run it).
pub async fn release(db: &Db, account_id: i64, key: &str) -> Result<(), DbError> {
    let mut tx = db.begin_write().await?;
    sqlx::query("DELETE FROM idempotency_keys WHERE account_id = $1 AND key = $2 AND status = 0")
        .bind(account_id)
        .bind(key)
        .execute(&mut *tx)
        .await?;
    commit(tx).await
}
