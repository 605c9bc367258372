//! Queries on accounts (the tenants).

use super::{Db, DbError, Tx};

/// An account row.
#[derive(Debug, Clone)]
pub struct Account {
    pub id: i64,
    pub name: String,
    pub timezone: String,
    pub stock_module: bool,
}

pub async fn insert(tx: &mut Tx, name: &str, timezone: &str, now: i64) -> Result<i64, DbError> {
    let row = tx
        .fetch_one(
            "INSERT INTO accounts (name, timezone, stock_module, created_at) VALUES ($1, $2, 1, $3) RETURNING id",
            &[name.into(), timezone.into(), now.into()],
        )
        .await?;
    row.int(0)
}

pub async fn find_by_name(db: &Db, name: &str) -> Result<Option<Account>, DbError> {
    let row = db
        .read()
        .await
        .fetch_optional(
            "SELECT id, name, timezone, stock_module FROM accounts WHERE name = $1",
            &[name.into()],
        )
        .await?;
    row.map(|row| {
        Ok(Account {
            id: row.int(0)?,
            name: row.text(1)?,
            timezone: row.text(2)?,
            stock_module: row.flag(3)?,
        })
    })
    .transpose()
}

/// Whether the account keeps stock (costs from the ledger) or takes declared costs.
pub async fn stock_module(tx: &mut Tx, account_id: i64) -> Result<bool, DbError> {
    tx.fetch_one(
        "SELECT stock_module FROM accounts WHERE id = $1",
        &[account_id.into()],
    )
    .await?
    .flag(0)
}

/// Changes the account's settings; `None` leaves one as it is.
pub async fn update_settings(
    tx: &mut Tx,
    account_id: i64,
    timezone: Option<&str>,
    stock_module: Option<bool>,
) -> Result<(), DbError> {
    super::marks::bump(tx, account_id, super::marks::Section::Settings);
    if let Some(timezone) = timezone {
        tx.execute(
            "UPDATE accounts SET timezone = $2 WHERE id = $1",
            &[account_id.into(), timezone.into()],
        )
        .await?;
    }
    if let Some(on) = stock_module {
        tx.execute(
            "UPDATE accounts SET stock_module = $2 WHERE id = $1",
            &[account_id.into(), i64::from(on).into()],
        )
        .await?;
    }
    Ok(())
}

/// Whether the account has any stock document or receipt yet (the demo cafe fills only an
/// account that has none).
pub async fn has_history(db: &Db, account_id: i64) -> Result<bool, DbError> {
    let row = db
        .read()
        .await
        .fetch_optional(
            "SELECT 1 FROM invoices WHERE account_id = $1 \
             UNION ALL SELECT 1 FROM receipts WHERE account_id = $1 LIMIT 1",
            &[account_id.into()],
        )
        .await?;
    Ok(row.is_some())
}
