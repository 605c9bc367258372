//! The body of `POST /product/import` and `/product/import_part_menu` (`reference/items.md`
//! §1). Codes arrive as strings or numbers (`"parent": 1` next to `"id": "1"`), so every code
//! is read leniently.

use serde::Deserialize;
use utoipa::ToSchema;

use super::lenient;
use crate::domain::decimal::{Qty, UnitCost};
use crate::domain::ids::{MenuId, ShopId, StorageId, TaxId};
use crate::domain::product::Measure;

/// Categories, menu sections and items of the integration's menu.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ImportIn {
    /// Post an inventory adjustment so that each listed balance becomes exactly the given one.
    #[serde(default)]
    pub update_balances: Option<bool>,
    #[serde(default, deserialize_with = "lenient::list")]
    #[schema(nullable)]
    pub categories: Vec<ImportCategoryIn>,
    /// Sections of the custom menus. Absent: the sections stay as they are.
    #[serde(default)]
    pub menus: Option<Vec<ImportSectionIn>>,
    /// Accepted and ignored (taxes are the administrator's).
    #[serde(default)]
    #[schema(value_type = Option<super::vocab::AnyJson>)]
    pub taxes: Option<serde_json::Value>,
    /// Accepted and ignored (shops are the administrator's).
    #[serde(default)]
    #[schema(value_type = Option<super::vocab::AnyJson>)]
    pub shops: Option<serde_json::Value>,
    pub items: Vec<ImportItemIn>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ImportCategoryIn {
    /// The category's code in the integrating program.
    #[serde(deserialize_with = "lenient::string")]
    #[schema(value_type = super::vocab::Code)]
    pub id: String,
    #[schema(min_length = 1, pattern = "\\S")]
    pub name: String,
    #[serde(default)]
    pub level: Option<i64>,
    /// Code of the parent category (in this payload or the account).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    #[schema(value_type = Option<super::vocab::TextOrNumber>)]
    pub parent: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ImportSectionIn {
    /// The section's code in the integrating program.
    #[serde(deserialize_with = "lenient::string")]
    #[schema(value_type = super::vocab::Code)]
    pub id: String,
    #[schema(min_length = 1, pattern = "\\S")]
    pub name: String,
    #[serde(default)]
    pub level: Option<i64>,
    /// Code of the parent section, of the same menu.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    #[schema(value_type = Option<super::vocab::TextOrNumber>)]
    pub parent: Option<String>,
    /// Id of an existing menu.
    #[schema(value_type = i64)]
    pub caf_id: MenuId,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ImportItemIn {
    /// The product's code in the integrating program (its `ref_code`).
    #[serde(deserialize_with = "lenient::string")]
    #[schema(value_type = super::vocab::Code)]
    pub id: String,
    #[serde(default)]
    pub deleted: Option<bool>,
    #[schema(min_length = 1, pattern = "\\S")]
    pub name: String,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    #[schema(value_type = Option<super::vocab::TextOrNumber>)]
    pub barcode: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    #[schema(value_type = Option<super::vocab::TextOrNumber>)]
    pub country: Option<String>,
    /// Grams per piece, a whole number (string or number).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    #[schema(value_type = Option<super::vocab::TextOrNumber>)]
    pub weight_in_gram: Option<String>,
    #[serde(default)]
    pub for_sale: Option<bool>,
    #[schema(value_type = Measure)]
    pub measure: String,
    #[serde(default)]
    pub use_discounts: Option<bool>,
    #[serde(default, deserialize_with = "lenient::list")]
    #[schema(nullable)]
    pub prices: Vec<ImportPriceIn>,
    /// Counted balances; applied only with `update_balances: true`.
    #[serde(default, deserialize_with = "lenient::list")]
    #[schema(nullable)]
    pub balances: Vec<ImportBalanceIn>,
    /// Code of a category (in this payload or the account).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    #[schema(value_type = Option<super::vocab::TextOrNumber>)]
    pub category_id: Option<String>,
    /// Codes of the menu sections that show the item.
    #[serde(default, deserialize_with = "codes")]
    #[schema(value_type = Vec<super::vocab::TextOrNumber>, nullable)]
    pub menus: Vec<String>,
    /// Id of an existing tax.
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub tax_id: Option<TaxId>,
    /// Code of the workspace (found or created).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    #[schema(value_type = Option<super::vocab::TextOrNumber>)]
    pub work_space_code: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    #[schema(value_type = Option<super::vocab::LongTextOrNumber>)]
    pub description: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ImportPriceIn {
    /// Id of an existing shop.
    #[schema(value_type = i64)]
    pub shop_id: ShopId,
    /// Cost (used as the declared cost).
    #[serde(default)]
    pub value: Option<UnitCost>,
    /// Retail price.
    pub value_day: UnitCost,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ImportBalanceIn {
    /// Id of an existing storage.
    #[schema(value_type = i64)]
    pub storage_id: StorageId,
    /// The counted quantity, in the product's measure.
    pub balance: Qty,
}

/// A list of codes, each a string or a number; `null` is empty.
fn codes<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    struct Code(#[serde(deserialize_with = "lenient::string")] String);
    let list: Vec<Code> = lenient::list(deserializer)?;
    Ok(list.into_iter().map(|c| c.0).collect())
}
