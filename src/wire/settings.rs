//! The admin API's account settings and minimums (API.md §10, §11).

use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;

use super::lenient;
use crate::domain::decimal::Qty;
use crate::domain::ids::{ProductId, StorageId};

/// A change to the account's settings; an absent field stays as it is.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SettingsIn {
    /// An IANA time zone, e.g. `Europe/Minsk`.
    #[serde(default)]
    pub timezone: Option<String>,
    /// `false`: sales cost the products' declared `self_cost` instead of the ledger.
    #[serde(default)]
    pub stock_module: Option<bool>,
    /// `YYYY-MM-DD`: no stock document dated on or before that day (account zone) can be
    /// created, wired or unwired; `null` lifts the lock.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, format = Date)]
    pub lock_date: Option<Option<String>>,
}

/// A field that is present (even as `null`) is `Some`.
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

/// The account's settings.
#[derive(Debug, Serialize, ToSchema)]
pub struct SettingsOut {
    #[schema(example = "Europe/Minsk")]
    pub timezone: String,
    pub stock_module: bool,
    #[schema(format = Date)]
    pub lock_date: Option<String>,
}

/// The minimum quantity of a product in a storage; `minimum: null` removes it.
#[derive(Debug, Deserialize, ToSchema)]
pub struct MinimumIn {
    #[schema(value_type = i64)]
    pub storage_id: StorageId,
    #[serde(deserialize_with = "lenient::string")]
    #[schema(value_type = super::vocab::Code)]
    pub product_code: String,
    pub minimum: Option<Qty>,
}

/// A minimum and the balance now.
#[derive(Debug, Serialize, ToSchema)]
pub struct MinimumOut {
    #[schema(value_type = i64)]
    pub storage_id: StorageId,
    #[schema(value_type = i64)]
    pub product_id: ProductId,
    pub product_code: String,
    pub name: String,
    pub measure: String,
    /// Quantity, 3 places.
    pub minimum: String,
    /// The balance now, 3 places.
    pub balance: String,
}
