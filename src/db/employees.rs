//! Employees (API.md §7): the cashiers, waiters and managers who open shifts and sell.

use super::ids::{self, Kind};
use super::{DbError, Query, Tx};
use crate::domain::ids::{AccountId, EmployeeId};
use crate::domain::sales::EmployeeRole;
use crate::{from_row, params};

/// An employee as stored.
#[derive(Debug, Clone)]
pub struct EmployeeRow {
    pub id: EmployeeId,
    pub name: String,
    pub role: EmployeeRole,
}

from_row!(EmployeeRow { id, name, role });

/// Adds an employee; returns the new id.
pub async fn insert(
    tx: &mut Tx,
    account_id: AccountId,
    name: &str,
    role: EmployeeRole,
    now: i64,
) -> Result<EmployeeId, DbError> {
    let id = EmployeeId::new(ids::next(tx, account_id, Kind::Employee).await?);
    tx.run(
        "INSERT INTO employees (account_id, id, name, role, created_at, updated_at) \
         VALUES (:account_id, :id, :name, :role, :now, :now)",
        params! { account_id, id, name, role, now },
    )
    .await?;
    Ok(id)
}

/// Whether the account has a live employee with this id.
pub async fn exists(tx: &mut Tx, account_id: AccountId, id: EmployeeId) -> Result<bool, DbError> {
    tx.exists(
        "SELECT 1 FROM employees WHERE account_id = :account_id AND id = :id AND deleted = 0",
        params! { account_id, id },
    )
    .await
}

/// The account's live employees, by id.
pub async fn list(tx: &mut Tx, account_id: AccountId) -> Result<Vec<EmployeeRow>, DbError> {
    tx.all(
        "SELECT id, name, role FROM employees WHERE account_id = :account_id AND deleted = 0 ORDER BY id",
        params! { account_id },
    )
    .await
}
