//! The stop-list request body (API.md §8), for the terminal and the admin API.

use serde::Deserialize;
use utoipa::ToSchema;

use crate::domain::ids::ProductId;

/// Puts a product on a shop's stop list or takes it off. The terminal names the product by
/// `product_id`; the admin API by `product_id` or `product_code` (its `ref_code`).
#[derive(Debug, Deserialize, ToSchema)]
pub struct StopListIn {
    #[serde(default)]
    pub product_id: Option<ProductId>,
    #[serde(default)]
    pub product_code: Option<String>,
    /// `true`: sold out for now; `false`: on sale again.
    pub in_stop_list: bool,
}
