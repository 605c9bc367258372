//! The body of `POST /storage/writeoffs` (API.md §11).

use serde::Deserialize;
use utoipa::ToSchema;

use super::invoices::StorageRefIn;
use super::moves::ProductAmountIn;
use super::vocab::{Instant, WriteOffReason};

/// A write-off act: stock taken off a storage's books for a reason.
#[derive(Debug, Deserialize, ToSchema)]
pub struct WriteOffIn {
    /// Document date; without an offset it is UTC, like invoices. Default: now.
    #[serde(default)]
    #[schema(value_type = Option<Instant>)]
    pub date: Option<String>,
    pub storage: StorageRefIn,
    #[schema(value_type = WriteOffReason)]
    pub reason: String,
    #[serde(default)]
    pub comment: Option<String>,
    #[schema(min_items = 1)]
    pub items: Vec<ProductAmountIn>,
}
