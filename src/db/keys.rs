//! Queries on API keys. Keys are found by digest only; the key itself never reaches the database.

use super::{ids, Db, DbError, Row, Tx};
use crate::domain::ids::AccountId;
use crate::domain::rate_limit::Budget;

/// What a key grants, as the authentication layer needs it.
#[derive(Debug, Clone)]
pub struct KeyGrant {
    pub account_id: AccountId,
    pub account_name: String,
    pub timezone: String,
    pub key_id: i64,
    pub scope: String,
    pub shop_id: Option<i64>,
    /// The key's own rate limit; `None`: the server's default.
    pub budget: Option<Budget>,
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
    /// The key's own rate limit; `None`: the server's default.
    pub budget: Option<Budget>,
}

/// A key to insert.
pub struct NewKey<'a> {
    pub account_id: AccountId,
    pub digest: &'a str,
    pub prefix: &'a str,
    pub scope: &'a str,
    pub shop_id: Option<i64>,
    pub label: &'a str,
    pub now: i64,
    /// Its own rate limit; `None`: the server's default.
    pub budget: Option<Budget>,
}

pub async fn insert(tx: &mut Tx, key: NewKey<'_>) -> Result<i64, DbError> {
    let id = ids::next(tx, key.account_id, ids::Kind::ApiKey).await?;
    let (rate, burst) = stored(key.budget);
    tx.execute(
        "INSERT INTO api_keys (account_id, id, key_hash, key_prefix, scope, shop_id, label, created_at, \
         rate_limit, rate_burst) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        &[
            key.account_id.into(),
            id.into(),
            key.digest.into(),
            key.prefix.into(),
            key.scope.into(),
            key.shop_id.into(),
            key.label.into(),
            key.now.into(),
            rate.into(),
            burst.into(),
        ],
    )
    .await?;
    Ok(id)
}

/// The grant of a live (not revoked) key with this digest.
pub async fn find_live_by_digest(db: &Db, digest: &str) -> Result<Option<KeyGrant>, DbError> {
    let row = db
        .read()
        .await
        .fetch_optional(
            "SELECT k.account_id, a.name, a.timezone, k.id, k.scope, k.shop_id, k.rate_limit, \
             k.rate_burst FROM api_keys k JOIN accounts a ON a.id = k.account_id \
             WHERE k.key_hash = $1 AND k.revoked_at IS NULL",
            &[digest.into()],
        )
        .await?;
    row.map(|row| {
        Ok(KeyGrant {
            account_id: AccountId::new(row.int(0)?),
            account_name: row.text(1)?,
            timezone: row.text(2)?,
            key_id: row.int(3)?,
            scope: row.text(4)?,
            shop_id: row.opt_int(5)?,
            budget: Budget::from_stored(row.opt_int(6)?, row.opt_int(7)?),
        })
    })
    .transpose()
}

fn key_row(row: &Row) -> Result<KeyRow, DbError> {
    Ok(KeyRow {
        id: row.int(0)?,
        prefix: row.text(1)?,
        scope: row.text(2)?,
        shop_id: row.opt_int(3)?,
        label: row.text(4)?,
        created_at: row.int(5)?,
        revoked_at: row.opt_int(6)?,
        budget: Budget::from_stored(row.opt_int(7)?, row.opt_int(8)?),
    })
}

pub async fn list(db: &Db, account_id: AccountId) -> Result<Vec<KeyRow>, DbError> {
    let rows = db
        .read()
        .await
        .fetch_all(
            "SELECT id, key_prefix, scope, shop_id, label, created_at, revoked_at, rate_limit, \
             rate_burst FROM api_keys WHERE account_id = $1 ORDER BY id",
            &[account_id.into()],
        )
        .await?;
    rows.iter().map(key_row).collect()
}

/// Revokes a key; false when the account has no live key with that id.
pub async fn revoke(
    tx: &mut Tx,
    account_id: AccountId,
    key_id: i64,
    now: i64,
) -> Result<bool, DbError> {
    let changed = tx
        .execute(
            "UPDATE api_keys SET revoked_at = $3 WHERE account_id = $1 AND id = $2 AND revoked_at IS NULL",
            &[account_id.into(), key_id.into(), now.into()],
        )
        .await?;
    Ok(changed == 1)
}

/// Sets a key's own rate limit (`None`: back to the server's default) and returns the key;
/// `None` when the account has no key with that id.
pub async fn set_budget(
    tx: &mut Tx,
    account_id: AccountId,
    key_id: i64,
    budget: Option<Budget>,
) -> Result<Option<KeyRow>, DbError> {
    let (rate, burst) = stored(budget);
    let row = tx
        .fetch_optional(
            "UPDATE api_keys SET rate_limit = $3, rate_burst = $4 WHERE account_id = $1 AND id = $2 \
             RETURNING id, key_prefix, scope, shop_id, label, created_at, revoked_at, rate_limit, \
             rate_burst",
            &[account_id.into(), key_id.into(), rate.into(), burst.into()],
        )
        .await?;
    row.as_ref().map(key_row).transpose()
}

/// The columns of a budget: both NULL for the server's default.
fn stored(budget: Option<Budget>) -> (Option<i64>, Option<i64>) {
    match budget.map(Budget::stored) {
        Some((rate, burst)) => (Some(rate), burst),
        None => (None, None),
    }
}
