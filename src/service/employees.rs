//! Employees (API.md §7): created by the administrator; a shift names the cashier who opened
//! it and a receipt its own cashier, or else its shift's.

use crate::db::employees::{self, EmployeeRow};
use crate::db::{self, Db, Tx};
use crate::domain::ids::{AccountId, EmployeeId};
use crate::domain::sales::EmployeeRole;
use crate::domain::{names, time};

use super::{ServiceError, ServiceResult};

/// The role a word names; 422 naming `role` otherwise.
pub fn parse_role(role: &str) -> ServiceResult<EmployeeRole> {
    EmployeeRole::parse(role).ok_or_else(|| {
        ServiceError::invalid(
            "role",
            format!("role {role:?} is not cashier, waiter or manager"),
        )
    })
}

/// Adds an employee; returns the new id.
#[tracing::instrument(skip_all, fields(account = %account_id))]
pub async fn create(
    db: &Db,
    account_id: AccountId,
    name: &str,
    role: &str,
) -> ServiceResult<EmployeeId> {
    let name = names::parse_object_name(name).map_err(|e| ServiceError::invalid("name", e))?;
    let role = parse_role(role)?;
    let mut tx = db.begin_write().await?;
    let id = employees::insert(&mut tx, account_id, &name, role, time::now_unix()).await?;
    db::commit(tx).await?;
    Ok(id)
}

/// The account's employees.
#[tracing::instrument(skip_all, fields(account = %account_id))]
pub async fn list(db: &Db, account_id: AccountId) -> ServiceResult<Vec<EmployeeRow>> {
    let mut tx = db.begin_snapshot().await?;
    Ok(employees::list(&mut tx, account_id).await?)
}

/// Checks that a named employee exists (422 naming `field` otherwise).
pub async fn require(
    tx: &mut Tx,
    account_id: AccountId,
    employee_id: Option<EmployeeId>,
    field: &str,
) -> ServiceResult<()> {
    match employee_id {
        Some(id) if !employees::exists(tx, account_id, id).await? => {
            Err(ServiceError::invalid(field, format!("no employee {id}")))
        }
        _ => Ok(()),
    }
}
