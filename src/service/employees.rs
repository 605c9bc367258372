//! Employees (API.md §7): created by the administrator; a shift names the cashier who opened
//! it and a receipt its own cashier, or else its shift's.

use crate::db::employees::{self, EmployeeRow};
use crate::db::{self, Db, Tx};
use crate::domain::ids::AccountId;
use crate::domain::{names, time};

use super::{ServiceError, ServiceResult};

/// The roles an employee can have.
pub const ROLES: [&str; 3] = ["cashier", "waiter", "manager"];

/// Adds an employee; returns the new id.
pub async fn create(db: &Db, account_id: AccountId, name: &str, role: &str) -> ServiceResult<i64> {
    let name = names::parse_object_name(name).map_err(|e| ServiceError::invalid("name", e))?;
    if !ROLES.contains(&role) {
        return Err(ServiceError::invalid(
            "role",
            format!("role {role:?} is not cashier, waiter or manager"),
        ));
    }
    let mut tx = db.begin_write().await?;
    let id = employees::insert(&mut tx, account_id, &name, role, time::now_unix()).await?;
    db::commit(tx).await?;
    Ok(id)
}

/// The account's employees.
pub async fn list(db: &Db, account_id: AccountId) -> ServiceResult<Vec<EmployeeRow>> {
    let mut tx = db.begin_snapshot().await?;
    Ok(employees::list(&mut tx, account_id).await?)
}

/// Checks that a named employee exists (422 naming `field` otherwise).
pub async fn require(
    tx: &mut Tx,
    account_id: AccountId,
    employee_id: Option<i64>,
    field: &str,
) -> ServiceResult<()> {
    match employee_id {
        Some(id) if !employees::exists(tx, account_id, id).await? => {
            Err(ServiceError::invalid(field, format!("no employee {id}")))
        }
        _ => Ok(()),
    }
}
