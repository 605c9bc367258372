//! Bodies of the point-of-sale API (API.md §7): shifts, order status, payments, receipts.

use serde::Deserialize;
use utoipa::ToSchema;

use super::lenient;
use super::vocab::{Day, Instant, OrderStep, ReceiptKind};
use crate::domain::decimal::{Money, Qty, UnitCost};
use crate::domain::ids::{EmployeeId, PaymentTypeId, ProductId};

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct ShiftOpenIn {
    /// The cash day. Default: today in the account's time zone.
    #[serde(default)]
    #[schema(value_type = Option<Day>)]
    pub shift_day: Option<String>,
    /// The cashier who opens the shift (an employee's id); the cashier of its receipts that
    /// name none of their own.
    #[serde(default)]
    pub employee_id: Option<EmployeeId>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct OrderStatusIn {
    #[schema(value_type = OrderStep)]
    pub status: String,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize, ToSchema)]
pub struct PaymentIn {
    /// Id of a payment type.
    pub payment_id: PaymentTypeId,
    pub value: Money,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct CloseOrderIn {
    /// Default: the payments the order came with.
    #[serde(default, deserialize_with = "lenient::list")]
    #[schema(nullable)]
    pub payments: Vec<PaymentIn>,
}

/// A receipt made at the till.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ReceiptIn {
    /// Default: a new UUID. A known UUID answers the receipt already made.
    #[serde(default)]
    #[schema(format = "uuid")]
    pub uuid: Option<String>,
    /// Default `sale`.
    #[serde(default, rename = "type")]
    #[schema(value_type = Option<ReceiptKind>)]
    pub kind: Option<String>,
    /// When it was closed (without an offset: in the account's time zone); default now.
    #[serde(default)]
    #[schema(value_type = Option<Instant>)]
    pub created_at: Option<String>,
    #[serde(default)]
    #[schema(format = "uuid")]
    pub client_uuid: Option<String>,
    #[serde(default)]
    pub count_clients: Option<i64>,
    /// The cashier of this receipt (an employee's id); default: the shift's.
    #[serde(default)]
    pub employee_id: Option<EmployeeId>,
    #[schema(min_items = 1)]
    pub lines: Vec<ReceiptLineIn>,
    #[serde(default, deserialize_with = "lenient::list")]
    #[schema(nullable)]
    pub payments: Vec<PaymentIn>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ReceiptLineIn {
    #[serde(default)]
    pub uuid: Option<String>,
    pub product_id: ProductId,
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
    #[schema(value_type = Option<super::vocab::TextOrNumber>)]
    pub parent_id: Option<String>,
}
