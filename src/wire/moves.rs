//! The body of `POST /storage/moves` (`reference/moves.md` §1).

use serde::Deserialize;
use utoipa::ToSchema;

use super::invoices::StorageRefIn;
use super::lenient;
use super::vocab::Instant;
use crate::domain::decimal::Qty;

/// A transfer of stock from one storage to another.
#[derive(Debug, Deserialize, ToSchema)]
pub struct MoveIn {
    #[serde(default)]
    pub comment: Option<String>,
    /// Document date; without an offset it is UTC, like invoices. Default: now.
    #[serde(default)]
    #[schema(value_type = Option<Instant>)]
    pub date: Option<String>,
    pub storage_from: StorageRefIn,
    pub storage_to: StorageRefIn,
    #[schema(min_items = 1)]
    pub items: Vec<ProductAmountIn>,
}

/// An amount of a product named by code: a transfer line, a tech map ingredient.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ProductAmountIn {
    /// Quantity in the product's base measure.
    pub amount: Qty,
    #[serde(deserialize_with = "lenient::string")]
    #[schema(value_type = super::vocab::Code)]
    pub product_code: String,
}
