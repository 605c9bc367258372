//! Employees (API.md §7): the cashiers, waiters and managers who open shifts and sell.

use super::ids::{self, Kind};
use super::{DbError, Tx};
use crate::domain::ids::AccountId;

/// An employee as stored.
#[derive(Debug, Clone)]
pub struct EmployeeRow {
    pub id: i64,
    pub name: String,
    pub role: String,
}

/// Adds an employee; returns the new id.
pub async fn insert(
    tx: &mut Tx,
    account_id: AccountId,
    name: &str,
    role: &str,
    now: i64,
) -> Result<i64, DbError> {
    let id = ids::next(tx, account_id, Kind::Employee).await?;
    tx.execute(
        "INSERT INTO employees (account_id, id, name, role, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $5)",
        &[
            account_id.into(),
            id.into(),
            name.into(),
            role.into(),
            now.into(),
        ],
    )
    .await?;
    Ok(id)
}

/// Whether the account has a live employee with this id.
pub async fn exists(tx: &mut Tx, account_id: AccountId, id: i64) -> Result<bool, DbError> {
    Ok(tx
        .fetch_optional(
            "SELECT 1 FROM employees WHERE account_id = $1 AND id = $2 AND deleted = 0",
            &[account_id.into(), id.into()],
        )
        .await?
        .is_some())
}

/// The account's live employees, by id.
pub async fn list(tx: &mut Tx, account_id: AccountId) -> Result<Vec<EmployeeRow>, DbError> {
    tx.fetch_all(
        "SELECT id, name, role FROM employees WHERE account_id = $1 AND deleted = 0 ORDER BY id",
        &[account_id.into()],
    )
    .await?
    .iter()
    .map(|r| {
        Ok(EmployeeRow {
            id: r.int(0)?,
            name: r.text(1)?,
            role: r.text(2)?,
        })
    })
    .collect()
}
