//! Queries on the objects an administrator creates beforehand (API.md §0, `caf_*_id`
//! objects): storages, shops (points of sale), taxes and payment types.

use sqlx::{AnyPool, Row};

use super::ids::{self, Kind};
use super::{DbError, Tx};

pub async fn insert_storage(
    tx: &mut Tx,
    account_id: i64,
    name: &str,
    now: i64,
) -> Result<i64, DbError> {
    let id = ids::next(tx, account_id, Kind::Storage).await?;
    sqlx::query("INSERT INTO storages (account_id, id, name, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)")
        .bind(account_id)
        .bind(id)
        .bind(name)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(id)
}

pub async fn insert_shop(
    tx: &mut Tx,
    account_id: i64,
    name: &str,
    storage_id: i64,
    now: i64,
) -> Result<i64, DbError> {
    let id = ids::next(tx, account_id, Kind::Shop).await?;
    sqlx::query(
        "INSERT INTO shops (account_id, id, name, storage_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)",
    )
    .bind(account_id)
    .bind(id)
    .bind(name)
    .bind(storage_id)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

/// `rate_units`: the percentage in hundredths (20% = 2000).
pub async fn insert_tax(
    tx: &mut Tx,
    account_id: i64,
    name: &str,
    rate_units: i64,
    now: i64,
) -> Result<i64, DbError> {
    let id = ids::next(tx, account_id, Kind::Tax).await?;
    sqlx::query("INSERT INTO taxes (account_id, id, name, rate, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)")
        .bind(account_id)
        .bind(id)
        .bind(name)
        .bind(rate_units)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(id)
}

pub async fn insert_payment_type(
    tx: &mut Tx,
    account_id: i64,
    name: &str,
    kind: &str,
    now: i64,
) -> Result<i64, DbError> {
    let id = ids::next(tx, account_id, Kind::PaymentType).await?;
    sqlx::query(
        "INSERT INTO payment_types (account_id, id, name, kind, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)",
    )
    .bind(account_id)
    .bind(id)
    .bind(name)
    .bind(kind)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

/// A live storage or shop, for existence checks before a write refers to it.
#[derive(Debug, Clone, Copy)]
pub enum Table {
    Storages,
    Shops,
    Taxes,
}

impl Table {
    fn live_query(self) -> &'static str {
        match self {
            Table::Storages => {
                "SELECT 1 FROM storages WHERE account_id = $1 AND id = $2 AND deleted = 0"
            }
            Table::Shops => "SELECT 1 FROM shops WHERE account_id = $1 AND id = $2 AND deleted = 0",
            Table::Taxes => "SELECT 1 FROM taxes WHERE account_id = $1 AND id = $2 AND deleted = 0",
        }
    }
}

impl Table {
    pub(super) fn live_ids_query(self) -> &'static str {
        match self {
            Table::Storages => "SELECT id FROM storages WHERE account_id = $1 AND deleted = 0",
            Table::Shops => "SELECT id FROM shops WHERE account_id = $1 AND deleted = 0",
            Table::Taxes => "SELECT id FROM taxes WHERE account_id = $1 AND deleted = 0",
        }
    }
}

/// Whether the account has a live object with this id in `table`.
pub async fn exists(tx: &mut Tx, table: Table, account_id: i64, id: i64) -> Result<bool, DbError> {
    let row = sqlx::query(table.live_query())
        .bind(account_id)
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(row.is_some())
}

/// The account's live storages, by id.
pub async fn live_storages(pool: &AnyPool, account_id: i64) -> Result<Vec<(i64, String)>, DbError> {
    let rows = sqlx::query(
        "SELECT id, name FROM storages WHERE account_id = $1 AND deleted = 0 ORDER BY id",
    )
    .bind(account_id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| (row.get(0), row.get(1)))
        .collect())
}

/// Whether the account has a storage with this id (deleted or not).
pub async fn storage_exists(pool: &AnyPool, account_id: i64, id: i64) -> Result<bool, DbError> {
    let row = sqlx::query("SELECT 1 FROM storages WHERE account_id = $1 AND id = $2")
        .bind(account_id)
        .bind(id)
        .fetch_optional(pool)
        .await?;
    Ok(row.is_some())
}
