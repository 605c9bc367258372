//! Operations shared by every face of the server (HTTP API, CLI, later the admin API), each
//! one transaction, and the service layer's one error type.

pub mod adjustments;
pub mod admin;
pub mod catalog;
pub mod catalog_view;
pub mod dashboard;
pub mod delivery;
pub mod demo;
pub mod demo_cafe;
pub mod document_view;
pub mod documents;
pub mod employees;
pub mod exports;
pub mod feeds;
pub mod inventories;
pub mod invoices;
pub mod ledger;
pub mod line_sales;
pub mod loyalty;
pub mod menu_import;
pub mod menus;
pub mod minimums;
pub mod moves;
pub mod products;
pub mod returns;
pub mod sales;
pub mod sales_view;
pub mod seed;
pub mod seed_ledger;
pub mod stock_report;
pub mod stop_list;
pub mod tech_maps;
pub mod users;
pub mod webhook_delivery;
pub mod webhooks;
pub mod write_off;
pub mod writeoffs;

use crate::db::DbError;
use crate::domain::ids::AccountId;

/// Why an operation did not happen. Nothing was written in any of these cases.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The named object does not exist in this account.
    #[error("{0}")]
    NotFound(String),
    /// The request is well-formed but cannot be carried out; `field` names the culprit.
    #[error("{message}")]
    Invalid {
        field: Option<String>,
        message: String,
    },
    /// The object's state forbids the action (already exists, already wired…).
    #[error("{0}")]
    Conflict(String),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl ServiceError {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        ServiceError::Invalid {
            field: Some(field.into()),
            message: message.into(),
        }
    }
}

pub type ServiceResult<T> = Result<T, ServiceError>;

/// On whose behalf an operation runs: the account, the acting user (the API key's id, shown
/// as `created_by`/`updated_by`), and the account's time zone.
#[derive(Debug, Clone)]
pub struct Actor {
    pub account_id: AccountId,
    pub user_id: i64,
    pub timezone: jiff::tz::TimeZone,
}
