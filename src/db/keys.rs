//! Queries on API keys. Keys are found by digest only; the key itself never reaches the database.

use sqlx::{AnyPool, Row};

use super::{ids, DbError, Tx};

/// What a key grants, as the authentication layer needs it.
#[derive(Debug, Clone)]
pub struct KeyGrant {
    pub account_id: i64,
    pub account_name: String,
    pub timezone: String,
    pub key_id: i64,
    pub scope: String,
    pub shop_id: Option<i64>,
}

/// A key as `key list` shows it.
#[derive(Debug, Clone)]
pub struct KeyRow {
    pub id: i64,
    pub prefix: String,
    pub scope: String,
    pub shop_id: Option<i64>,
    pub label: String,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

/// A key to insert.
pub struct NewKey<'a> {
    pub account_id: i64,
    pub digest: &'a str,
    pub prefix: &'a str,
    pub scope: &'a str,
    pub shop_id: Option<i64>,
    pub label: &'a str,
    pub now: i64,
}

pub async fn insert(tx: &mut Tx, key: NewKey<'_>) -> Result<i64, DbError> {
    let id = ids::next(tx, key.account_id, ids::Kind::ApiKey).await?;
    sqlx::query(
        "INSERT INTO api_keys (account_id, id, key_hash, key_prefix, scope, shop_id, label, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(key.account_id)
    .bind(id)
    .bind(key.digest)
    .bind(key.prefix)
    .bind(key.scope)
    .bind(key.shop_id)
    .bind(key.label)
    .bind(key.now)
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

/// The grant of a live (not revoked) key with this digest.
pub async fn find_live_by_digest(
    pool: &AnyPool,
    digest: &str,
) -> Result<Option<KeyGrant>, DbError> {
    let row = sqlx::query(
        "SELECT k.account_id, a.name, a.timezone, k.id, k.scope, k.shop_id \
         FROM api_keys k JOIN accounts a ON a.id = k.account_id \
         WHERE k.key_hash = $1 AND k.revoked_at IS NULL",
    )
    .bind(digest)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|row| KeyGrant {
        account_id: row.get(0),
        account_name: row.get(1),
        timezone: row.get(2),
        key_id: row.get(3),
        scope: row.get(4),
        shop_id: row.get(5),
    }))
}

pub async fn list(pool: &AnyPool, account_id: i64) -> Result<Vec<KeyRow>, DbError> {
    let rows = sqlx::query(
        "SELECT id, key_prefix, scope, shop_id, label, created_at, revoked_at FROM api_keys \
         WHERE account_id = $1 ORDER BY id",
    )
    .bind(account_id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| KeyRow {
            id: row.get(0),
            prefix: row.get(1),
            scope: row.get(2),
            shop_id: row.get(3),
            label: row.get(4),
            created_at: row.get(5),
            revoked_at: row.get(6),
        })
        .collect())
}

/// Revokes a key; false when the account has no live key with that id.
pub async fn revoke(tx: &mut Tx, account_id: i64, key_id: i64, now: i64) -> Result<bool, DbError> {
    let done = sqlx::query(
        "UPDATE api_keys SET revoked_at = $3 WHERE account_id = $1 AND id = $2 AND revoked_at IS NULL",
    )
    .bind(account_id)
    .bind(key_id)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}
