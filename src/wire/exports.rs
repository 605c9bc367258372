//! Answers of the sales exports (API.md §9, `reference/exports.md`), spelled as the vendor's:
//! `export_sales` and `export_sales_totals` write every amount as a string, the receipts of a
//! cash day as JSON numbers.

use serde::{Serialize, Serializer};
use utoipa::ToSchema;

use crate::domain::decimal::{as_number, JsonNumber, Money, Qty, UnitCost};
use crate::domain::ids::{PaymentTypeId, ProductId, ShopId};

/// `{"data": […], "success": true}`
#[derive(Debug, Serialize, ToSchema)]
pub struct Export<T> {
    pub data: Vec<T>,
    pub success: bool,
}

impl<T> Export<T> {
    pub fn ok(data: Vec<T>) -> Self {
        Export {
            data,
            success: true,
        }
    }
}

/// A line of `export_sales`, every value a string as the vendor shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct SalesOut {
    /// The shop; absent (`null`) when grouped by product only.
    pub caf_terminal_id: Option<String>,
    /// The product's id.
    pub caf_id: String,
    pub name: String,
    pub ref_code: String,
    /// The unit price with 4 places; by product only, the average price.
    pub price: String,
    /// The quantity, without trailing zeros.
    pub qnt: String,
    /// `"1"` a deleted product, else `"0"`.
    pub deleted: &'static str,
    pub cash: String,
    pub card: String,
    pub cashless: String,
    pub bonus: String,
    pub credit: String,
    pub total_pay: String,
}

/// A line of `export_sales_totals`: a workspace's (and terminal's) sales.
#[derive(Debug, Serialize, ToSchema)]
pub struct TotalsOut {
    /// The quantity, without trailing zeros.
    pub qnt: String,
    /// The shop, when grouped by terminal; else `null`.
    pub caf_terminal_id: Option<ShopId>,
    /// The workspace's id (`"0"`: products without one).
    pub cafe_workspace_id: String,
    pub cash: Money,
    pub card: Money,
    pub cashless: Money,
    pub credit: Money,
    /// The discounts given, negative (`"-1.50"`).
    pub discount: Money,
    pub total_pay: Money,
}

/// A receipt of `receipts_by_shift_day`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ShiftDayReceipt {
    /// The receipt's UUID.
    pub id: String,
    /// The terminal (shop) it was sold at.
    pub terminal_number: Option<ShopId>,
    /// Always `sale`.
    #[serde(rename = "type")]
    #[schema(value_type = String, example = "sale")]
    pub kind: &'static str,
    /// `1` a sale; `-1` an annulment's counter-receipt, with the sale's sums and payments.
    pub income: i64,
    /// Before discounts.
    #[serde(with = "as_number")]
    #[schema(value_type = JsonNumber)]
    pub total: Money,
    #[serde(with = "as_number")]
    #[schema(value_type = JsonNumber)]
    pub total_sum: Money,
    #[serde(with = "as_number")]
    #[schema(value_type = JsonNumber)]
    pub discount_sum: Money,
    pub created_at: String,
    /// When it was closed.
    pub updated_at: String,
    pub count_clients: i64,
    /// The cash **kept**: the cash tendered minus the change given back (`back_pay`), so
    /// `cash_pay + card_pay (+ cashless_pay) = total_sum` for every receipt. Sum it as cash
    /// revenue: it is the same cash as the `cash` of `export_sales_totals`. The cash tendered
    /// is `cash_pay + back_pay`.
    #[serde(with = "as_number")]
    #[schema(value_type = JsonNumber)]
    pub cash_pay: Money,
    /// Paid by card.
    #[serde(with = "as_number")]
    #[schema(value_type = JsonNumber)]
    pub card_pay: Money,
    /// The change given back: what was tendered beyond `total_sum`. It is **not** part of
    /// `cash_pay` (the cash tendered is `cash_pay + back_pay`).
    #[serde(with = "as_number")]
    #[schema(value_type = JsonNumber)]
    pub back_pay: Money,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client: Option<ClientRef>,
    /// The lines, under v1.0.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bill_dishes: Option<Vec<ShiftDayDish>>,
    /// The lines, under v1.1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_dishes: Option<Vec<ShiftDayDish>>,
    /// v1.1 only: paid cashless (part of `total_sum`, like `cash_pay` and `card_pay`).
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "some_number"
    )]
    #[schema(value_type = Option<JsonNumber>)]
    pub cashless_pay: Option<Money>,
    /// v1.1 only: the cashless payment type, `null` when there is none.
    #[serde(rename = "cashlessPayment_id", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<i64>)]
    pub cashless_payment_id: Option<Option<PaymentTypeId>>,
}

/// `{"id": "<client uuid>"}`
#[derive(Debug, Serialize, ToSchema)]
pub struct ClientRef {
    pub id: String,
}

/// A line of a receipt of `receipts_by_shift_day`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ShiftDayDish {
    /// The line's UUID.
    pub id: String,
    #[serde(with = "as_number")]
    #[schema(value_type = JsonNumber)]
    pub count: Qty,
    #[serde(with = "as_number")]
    #[schema(value_type = JsonNumber)]
    pub price: UnitCost,
    #[serde(with = "as_number")]
    #[schema(value_type = JsonNumber)]
    pub self_cost_sum: Money,
    /// Before the discount.
    #[serde(with = "as_number")]
    #[schema(value_type = JsonNumber)]
    pub total: Money,
    #[serde(with = "as_number")]
    #[schema(value_type = JsonNumber)]
    pub discount_sum: Money,
    #[serde(with = "as_number")]
    #[schema(value_type = JsonNumber)]
    pub total_sum: Money,
    pub dish: DishRef,
    /// A modifier's line: the UUID of the line it modifies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<String>,
}

/// `{"id": <product id>, "ref_code": "…"}`
#[derive(Debug, Serialize, ToSchema)]
pub struct DishRef {
    pub id: ProductId,
    pub ref_code: String,
}

/// An optional amount that is present (absent ones are skipped) as a JSON number.
#[expect(
    clippy::ref_option,
    reason = "a serde `serialize_with` function receives the field, an `&Option<_>`"
)]
fn some_number<S: Serializer>(value: &Option<Money>, serializer: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(money) => as_number::serialize(money, serializer),
        None => serializer.serialize_none(),
    }
}
