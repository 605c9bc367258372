//! The body of `POST /storage/inventories` (API.md §11).

use serde::Deserialize;
use utoipa::ToSchema;

use super::invoices::StorageRefIn;
use super::lenient;
use super::vocab::Instant;
use crate::domain::decimal::Qty;

/// A stocktaking: what was counted in a storage, to be set against the book as of its date.
#[derive(Debug, Deserialize, ToSchema)]
pub struct InventoryIn {
    /// Document date (the instant the count stands for); without an offset it is UTC, like
    /// invoices. Default: now.
    #[serde(default)]
    #[schema(value_type = Option<Instant>)]
    pub date: Option<String>,
    pub storage: StorageRefIn,
    /// Every product with a non-zero book balance as of the date that is not listed counts
    /// as 0. Default: false.
    #[serde(default)]
    pub full: Option<bool>,
    #[serde(default)]
    pub comment: Option<String>,
    /// One line per product; may be empty only with `full`.
    pub items: Vec<CountIn>,
}

/// A counted quantity of a product.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CountIn {
    #[serde(deserialize_with = "lenient::string")]
    #[schema(value_type = super::vocab::Code)]
    pub product_code: String,
    /// Quantity found, in the product's base measure; not negative.
    pub counted: Qty,
}
