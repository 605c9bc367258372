//! Queries on API keys. Keys are found by digest only; the key itself never reaches the database.

use super::{ids, Column, Db, DbError, Query, Row, Tx};
use crate::domain::ids::{AccountId, KeyId, ShopId};
use crate::domain::key::Scope;
use crate::domain::rate_limit::Budget;
use crate::{from_row, params};

/// A scope is stored as its word (`api`, `terminal`, `admin`); another word is corrupt.
impl Column for Scope {
    fn read(row: &Row, name: &str) -> Result<Self, DbError> {
        let word: String = row.get(name)?;
        Scope::parse(&word).ok_or(DbError::Corrupt {
            column: "api_keys.scope",
            value: word,
        })
    }
}

/// What a key grants, as the authentication layer needs it.
#[derive(Debug, Clone)]
pub struct KeyGrant {
    pub account_id: AccountId,
    pub account_name: String,
    pub timezone: String,
    pub key_id: KeyId,
    pub scope: Scope,
    pub shop_id: Option<ShopId>,
    /// The key's own rate limit; `None`: the server's default.
    pub budget: Option<Budget>,
}

/// A grant's row as read: the budget as its two columns.
struct GrantRow {
    account_id: AccountId,
    account_name: String,
    timezone: String,
    key_id: KeyId,
    scope: Scope,
    shop_id: Option<ShopId>,
    rate_limit: Option<i64>,
    rate_burst: Option<i64>,
}

from_row!(GrantRow {
    account_id,
    account_name,
    timezone,
    key_id,
    scope,
    shop_id,
    rate_limit,
    rate_burst
});

/// A key as `key list` shows it.
#[derive(Debug, Clone)]
pub struct KeyRow {
    pub id: KeyId,
    pub prefix: String,
    pub scope: Scope,
    pub shop_id: Option<ShopId>,
    pub label: String,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
    /// The key's own rate limit; `None`: the server's default.
    pub budget: Option<Budget>,
}

/// A key's row as read: the budget as its two columns.
struct StoredKey {
    id: KeyId,
    prefix: String,
    scope: Scope,
    shop_id: Option<ShopId>,
    label: String,
    created_at: i64,
    revoked_at: Option<i64>,
    rate_limit: Option<i64>,
    rate_burst: Option<i64>,
}

from_row!(StoredKey {
    id,
    prefix,
    scope,
    shop_id,
    label,
    created_at,
    revoked_at,
    rate_limit,
    rate_burst
});

impl From<StoredKey> for KeyRow {
    fn from(k: StoredKey) -> KeyRow {
        KeyRow {
            id: k.id,
            prefix: k.prefix,
            scope: k.scope,
            shop_id: k.shop_id,
            label: k.label,
            created_at: k.created_at,
            revoked_at: k.revoked_at,
            budget: Budget::from_stored(k.rate_limit, k.rate_burst),
        }
    }
}

/// The columns of a [`StoredKey`].
const KEY_COLUMNS: &str = "id, key_prefix AS prefix, scope, shop_id, label, created_at, \
     revoked_at, rate_limit, rate_burst";

/// A key to insert.
pub struct NewKey<'a> {
    pub account_id: AccountId,
    pub digest: &'a str,
    pub prefix: &'a str,
    pub scope: Scope,
    pub shop_id: Option<ShopId>,
    pub label: &'a str,
    pub now: i64,
    /// Its own rate limit; `None`: the server's default.
    pub budget: Option<Budget>,
}

pub async fn insert(tx: &mut Tx, key: NewKey<'_>) -> Result<KeyId, DbError> {
    let id = KeyId::new(ids::next(tx, key.account_id, ids::Kind::ApiKey).await?);
    let (rate, burst) = stored(key.budget);
    tx.run(
        "INSERT INTO api_keys (account_id, id, key_hash, key_prefix, scope, shop_id, label, created_at, \
         rate_limit, rate_burst) VALUES (:account_id, :id, :digest, :prefix, :scope, :shop_id, :label, \
         :now, :rate, :burst)",
        params! {
            account_id: key.account_id,
            id,
            digest: key.digest,
            prefix: key.prefix,
            scope: key.scope.as_str(),
            shop_id: key.shop_id,
            label: key.label,
            now: key.now,
            rate,
            burst,
        },
    )
    .await?;
    Ok(id)
}

/// The grant of a live (not revoked) key with this digest.
pub async fn find_live_by_digest(db: &Db, digest: &str) -> Result<Option<KeyGrant>, DbError> {
    let row: Option<GrantRow> = db
        .read()
        .await
        .optional(
            "SELECT k.account_id, a.name AS account_name, a.timezone, k.id AS key_id, k.scope, \
             k.shop_id, k.rate_limit, k.rate_burst FROM api_keys k JOIN accounts a ON a.id = k.account_id \
             WHERE k.key_hash = :digest AND k.revoked_at IS NULL",
            params! { digest },
        )
        .await?;
    Ok(row.map(|row| KeyGrant {
        account_id: row.account_id,
        account_name: row.account_name,
        timezone: row.timezone,
        key_id: row.key_id,
        scope: row.scope,
        shop_id: row.shop_id,
        budget: Budget::from_stored(row.rate_limit, row.rate_burst),
    }))
}

pub async fn list(db: &Db, account_id: AccountId) -> Result<Vec<KeyRow>, DbError> {
    let sql =
        format!("SELECT {KEY_COLUMNS} FROM api_keys WHERE account_id = :account_id ORDER BY id");
    let rows: Vec<StoredKey> = db.read().await.all(&sql, params! { account_id }).await?;
    Ok(rows.into_iter().map(KeyRow::from).collect())
}

/// Revokes a key; false when the account has no live key with that id.
pub async fn revoke(
    tx: &mut Tx,
    account_id: AccountId,
    key_id: KeyId,
    now: i64,
) -> Result<bool, DbError> {
    let changed = tx
        .run(
            "UPDATE api_keys SET revoked_at = :now WHERE account_id = :account_id AND id = :key_id \
             AND revoked_at IS NULL",
            params! { account_id, key_id, now },
        )
        .await?;
    Ok(changed == 1)
}

/// Sets a key's own rate limit (`None`: back to the server's default) and returns the key;
/// `None` when the account has no key with that id.
pub async fn set_budget(
    tx: &mut Tx,
    account_id: AccountId,
    key_id: KeyId,
    budget: Option<Budget>,
) -> Result<Option<KeyRow>, DbError> {
    let (rate, burst) = stored(budget);
    let sql = format!(
        "UPDATE api_keys SET rate_limit = :rate, rate_burst = :burst \
         WHERE account_id = :account_id AND id = :key_id RETURNING {KEY_COLUMNS}"
    );
    let row: Option<StoredKey> = tx
        .optional(&sql, params! { account_id, key_id, rate, burst })
        .await?;
    Ok(row.map(KeyRow::from))
}

/// The columns of a budget: both NULL for the server's default.
fn stored(budget: Option<Budget>) -> (Option<i64>, Option<i64>) {
    match budget.map(Budget::stored) {
        Some((rate, burst)) => (Some(rate), burst),
        None => (None, None),
    }
}
