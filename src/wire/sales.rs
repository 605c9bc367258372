//! Bodies of the point-of-sale API (API.md §7): shifts, order status, payments, receipts.

use serde::Deserialize;
use utoipa::ToSchema;

use super::lenient;
use crate::domain::decimal::{Money, Qty, UnitCost};

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct ShiftOpenIn {
    /// The cash day, `YYYY-MM-DD`. Default: today in the account's time zone.
    #[serde(default)]
    pub shift_day: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct OrderStatusIn {
    /// `active`, `cooking`, `cooked`, `packed` or `cancel`.
    pub status: String,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize, ToSchema)]
pub struct PaymentIn {
    /// Id of a payment type.
    pub payment_id: i64,
    pub value: Money,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct CloseOrderIn {
    /// Default: the payments the order came with.
    #[serde(default, deserialize_with = "lenient::list")]
    pub payments: Vec<PaymentIn>,
}

/// A receipt made at the till.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ReceiptIn {
    /// Default: a new UUID. A known UUID answers the receipt already made.
    #[serde(default)]
    pub uuid: Option<String>,
    /// `sale` (the only type a till uploads; returns are annulments).
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    /// When it was closed; default now.
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub client_uuid: Option<String>,
    #[serde(default)]
    pub count_clients: Option<i64>,
    pub lines: Vec<ReceiptLineIn>,
    #[serde(default, deserialize_with = "lenient::list")]
    pub payments: Vec<PaymentIn>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ReceiptLineIn {
    #[serde(default)]
    pub uuid: Option<String>,
    pub product_id: i64,
    pub count: Qty,
    /// Price per unit, with modifiers.
    pub price: UnitCost,
    /// Price per unit without modifiers; default `price`.
    #[serde(default)]
    pub origin_price: Option<UnitCost>,
    #[serde(default)]
    pub discount_sum: Option<Money>,
    pub total_sum: Money,
    /// A modifier line names its parent: the parent line's `uuid`, or its 1-based position.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub parent_id: Option<String>,
}
