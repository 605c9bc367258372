//! The employee request body of the admin API (API.md §7, §10).

use serde::Deserialize;
use utoipa::ToSchema;

use super::vocab::EmployeeRole;

/// A new employee.
#[derive(Debug, Deserialize, ToSchema)]
pub struct EmployeeIn {
    #[schema(min_length = 1, pattern = "\\S")]
    pub name: String,
    /// Default `cashier`.
    #[serde(default)]
    #[schema(value_type = Option<EmployeeRole>, example = "cashier")]
    pub role: Option<String>,
}
