//! The body of `POST /storage/returns` (API.md §11).

use serde::Deserialize;
use utoipa::ToSchema;

use super::invoices::StorageRefIn;
use super::lenient;
use super::vocab::Instant;
use crate::domain::decimal::{Qty, UnitCost};
use crate::domain::ids::InvoiceId;

/// A return of goods to their supplier.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ReturnIn {
    /// Document date; without an offset it is UTC, like invoices. Default: now.
    #[serde(default)]
    #[schema(value_type = Option<Instant>)]
    pub date: Option<String>,
    pub storage: StorageRefIn,
    /// An existing shipper.
    pub shipper: ShipperRefIn,
    /// The invoice the goods came with (of the same shipper): the default of each line's
    /// `price`.
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub invoice_id: Option<InvoiceId>,
    #[serde(default)]
    pub comment: Option<String>,
    #[schema(min_items = 1)]
    pub items: Vec<ReturnItemIn>,
}

/// A shipper named by its code.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ShipperRefIn {
    #[serde(deserialize_with = "lenient::string")]
    #[schema(value_type = super::vocab::TextOrNumber)]
    pub ref_code: String,
}

/// A returned quantity of a product and what the supplier refunds for it.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ReturnItemIn {
    #[serde(deserialize_with = "lenient::string")]
    #[schema(value_type = super::vocab::Code)]
    pub product_code: String,
    /// Quantity in the product's base measure.
    pub amount: Qty,
    /// Refund per base unit. Default: the invoice's price of the product, when `invoice_id`
    /// is given; required otherwise.
    #[serde(default)]
    pub price: Option<UnitCost>,
}
