//! The delivery order of `reference/delivery.md`, read as leniently as real integrations send
//! it (API.md §6): times as text or Unix seconds, `app_id` any integer, birthdays under three
//! names and two formats.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::lenient;
use super::sales::PaymentIn;
use crate::domain::decimal::{Money, Qty, UnitCost};

#[derive(Debug, Deserialize, ToSchema)]
pub struct DeliveryIn {
    pub bill: BillIn,
}

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
pub struct BillIn {
    /// The shop that gets the order; absent: the order waits in the back office.
    #[serde(default)]
    pub pos_id: Option<i64>,
    /// The order's number (`-1`: the shop numbers it).
    #[serde(default)]
    pub app_id: Option<i64>,
    /// `0` on the spot, `1` pick-up, `2` delivery.
    #[serde(default)]
    pub delivery_type: Option<i64>,
    pub total_sum: Money,
    /// Absent or `null`: not paid.
    #[serde(default, deserialize_with = "lenient::list")]
    pub payments: Vec<PaymentIn>,
    #[serde(default, deserialize_with = "lenient::list")]
    pub items: Vec<BillItemIn>,
    /// Absent or `null`: the order is not sent to a shop.
    #[serde(default)]
    pub client: Option<ClientIn>,
    /// UTC; default now.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub created_at: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub started_at: Option<String>,
    /// Unix seconds or a date-time; stands for `created_at` when that is absent.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub date: Option<String>,
    #[serde(default)]
    pub comment: Option<String>,
    #[serde(default)]
    pub delivery: Option<DeliveryAddressIn>,
}

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
pub struct BillItemIn {
    /// Replaces the product's name for this order only.
    #[serde(default)]
    pub title: Option<String>,
    pub count: Qty,
    #[serde(default)]
    pub price: Option<UnitCost>,
    #[serde(default)]
    pub discount_sum: Option<Money>,
    #[serde(default)]
    pub origin_price: Option<UnitCost>,
    pub total_sum: Money,
    pub product_id: i64,
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub data: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
pub struct ClientIn {
    /// An existing client; otherwise the client is found by phone or card, or created.
    #[serde(default)]
    pub uuid: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
    /// `YYYY-MM-DD` or `DD.MM.YYYY`; also read from `birth_date` and `birthDate`.
    #[serde(default, alias = "birth_date", alias = "birthDate")]
    pub birthday: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub card_number: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub sex: Option<String>,
    #[serde(default)]
    pub discount_group: Option<GroupRefIn>,
}

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
pub struct GroupRefIn {
    pub id: i64,
}

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
pub struct DeliveryAddressIn {
    #[serde(default)]
    pub address: Option<String>,
}
