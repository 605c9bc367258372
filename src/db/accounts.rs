//! Queries on accounts (the tenants).

use sqlx::{AnyPool, Row};

use super::{DbError, Tx};

/// An account row.
#[derive(Debug, Clone)]
pub struct Account {
    pub id: i64,
    pub name: String,
    pub timezone: String,
    pub stock_module: bool,
}

pub async fn insert(tx: &mut Tx, name: &str, timezone: &str, now: i64) -> Result<i64, DbError> {
    let id = sqlx::query_scalar(
        "INSERT INTO accounts (name, timezone, stock_module, created_at) VALUES ($1, $2, 1, $3) RETURNING id",
    )
    .bind(name)
    .bind(timezone)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}

pub async fn find_by_name(pool: &AnyPool, name: &str) -> Result<Option<Account>, DbError> {
    let row = sqlx::query("SELECT id, name, timezone, stock_module FROM accounts WHERE name = $1")
        .bind(name)
        .fetch_optional(pool)
        .await?;
    Ok(row.map(|row| Account {
        id: row.get(0),
        name: row.get(1),
        timezone: row.get(2),
        stock_module: row.get::<i64, _>(3) != 0,
    }))
}
