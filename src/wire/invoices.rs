//! The body of `POST /storage/invoices` (`reference/incomes.md` §1).

use serde::Deserialize;
use utoipa::ToSchema;

use super::lenient;
use super::vocab::Instant;
use crate::domain::decimal::{Money, Qty, UnitCost};
use crate::domain::ids::{ShopId, StorageId, TaxId};
use crate::domain::product::{CancellationType, EntityType, Measure};

/// An incoming invoice with the catalog objects it may bring along.
#[derive(Debug, Deserialize, ToSchema)]
pub struct InvoiceIn {
    /// Number or name of the invoice.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    #[schema(value_type = Option<super::vocab::TextOrNumber>)]
    pub number: Option<String>,
    /// Document date; without an offset it is UTC, as the vendor documents it. Default: now.
    #[serde(default)]
    #[schema(value_type = Option<Instant>)]
    pub date: Option<String>,
    /// The total the supplier states (kept as given).
    #[serde(default)]
    pub sum: Option<Money>,
    #[serde(default)]
    pub comment: Option<String>,
    #[serde(default)]
    pub shipper: Option<ShipperIn>,
    pub storage: StorageRefIn,
    #[schema(min_items = 1)]
    pub items: Vec<InvoiceItemIn>,
    #[serde(default, deserialize_with = "lenient::list")]
    #[schema(nullable)]
    pub categories: Vec<CategoryIn>,
    #[serde(default, deserialize_with = "lenient::list")]
    #[schema(nullable)]
    pub workspaces: Vec<WorkspaceIn>,
    #[serde(default, deserialize_with = "lenient::list")]
    #[schema(nullable)]
    pub packages: Vec<PackageIn>,
    #[serde(default, deserialize_with = "lenient::list")]
    #[schema(nullable)]
    pub products: Vec<ProductIn>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ShipperIn {
    #[serde(deserialize_with = "lenient::string")]
    #[schema(value_type = super::vocab::TextOrNumber)]
    pub ref_code: String,
    #[serde(default)]
    pub name: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct StorageRefIn {
    /// Id of an existing storage.
    #[schema(value_type = i64)]
    pub caf_id: StorageId,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct InvoiceItemIn {
    /// Number of packages.
    pub amount: Qty,
    /// `pcs`, `kg`, `l` or a package of the payload or of the account. Default: the product's
    /// measure.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    #[schema(value_type = Option<super::vocab::TextOrNumber>)]
    pub package_code: Option<String>,
    #[serde(deserialize_with = "lenient::string")]
    #[schema(value_type = super::vocab::Code)]
    pub product_code: String,
    /// Price per package without tax.
    #[serde(default)]
    pub price: Option<UnitCost>,
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub caf_tax_id: Option<TaxId>,
    #[serde(default)]
    pub price_with_tax: Option<UnitCost>,
    /// Line value without tax; default `amount × price`. This is the value the stock receives.
    #[serde(default)]
    pub cost: Option<Money>,
    /// Line value with tax; default `cost` plus the tax rate.
    #[serde(default)]
    pub cost_with_tax: Option<Money>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CategoryIn {
    #[serde(deserialize_with = "lenient::string")]
    #[schema(value_type = super::vocab::TextOrNumber)]
    pub ref_code: String,
    pub name: String,
    /// `ref_code` of a category earlier in this list or already in the account.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    #[schema(value_type = Option<super::vocab::TextOrNumber>)]
    pub parent: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct WorkspaceIn {
    #[serde(deserialize_with = "lenient::string")]
    #[schema(value_type = super::vocab::TextOrNumber)]
    pub ref_code: String,
    pub name: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PackageIn {
    #[serde(deserialize_with = "lenient::string")]
    #[schema(value_type = super::vocab::TextOrNumber)]
    pub ref_code: String,
    #[serde(default)]
    pub name: Option<String>,
    /// The base measure the package holds.
    #[serde(default)]
    #[schema(value_type = Option<Measure>)]
    pub measure: Option<String>,
    /// Base units per package.
    #[serde(default)]
    pub value: Option<Qty>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ProductIn {
    #[serde(deserialize_with = "lenient::string")]
    #[schema(value_type = super::vocab::Code)]
    pub ref_code: String,
    /// Entity kind. Default `product`.
    #[serde(default, rename = "type")]
    #[schema(value_type = Option<EntityType>)]
    pub entity_type: Option<String>,
    /// Default `1` (`cancel_dish`).
    #[serde(default)]
    pub cancellation_type: Option<CancellationType>,
    #[serde(default)]
    pub for_sale: Option<bool>,
    #[schema(min_length = 1, pattern = "\\S")]
    pub name: String,
    /// Default `pcs`.
    #[serde(default)]
    #[schema(value_type = Option<Measure>)]
    pub measure: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    #[schema(value_type = Option<super::vocab::TextOrNumber>)]
    pub barcode: Option<String>,
    #[serde(default)]
    pub country: Option<String>,
    #[serde(default)]
    pub weight_in_gram: Option<i64>,
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub caf_tax_id: Option<TaxId>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    #[schema(value_type = Option<super::vocab::TextOrNumber>)]
    pub category_ref_code: Option<String>,
    #[serde(default)]
    pub use_discounts: Option<bool>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    #[schema(value_type = Option<super::vocab::TextOrNumber>)]
    pub workspace_ref_code: Option<String>,
    #[serde(default, deserialize_with = "lenient::list")]
    #[schema(nullable)]
    pub prices: Vec<PriceIn>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PriceIn {
    #[schema(value_type = i64)]
    pub caf_shop_id: ShopId,
    /// The storage sales at that shop write the product off from. Default: the shop's.
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub caf_storage_id: Option<StorageId>,
    /// Selling price at the shop.
    pub price: UnitCost,
    /// Declared cost: used only while the account's stock module is off.
    #[serde(default)]
    pub self_cost: Option<UnitCost>,
}
