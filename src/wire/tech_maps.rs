//! The body of `PUT /product/{id}/tech_map` (API.md §5, beyond the vendor's doc).

use serde::Deserialize;
use utoipa::ToSchema;

use super::moves::ProductAmountIn;
use crate::domain::decimal::Qty;

/// A recipe: `items` make `output` of the product (in its measure). Default output 1.
#[derive(Debug, Deserialize, ToSchema)]
pub struct TechMapIn {
    #[serde(default)]
    pub output: Option<Qty>,
    /// Ingredients (products, sub-products, other tech maps) with their amounts.
    #[schema(min_items = 1)]
    pub items: Vec<ProductAmountIn>,
}
