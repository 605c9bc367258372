//! The `data` of webhook events (API.md §12), in the field spellings of the API's own answers
//! for the same object: a receipt as `receipts_by_shift_day` shows it, a document by the
//! fields its `get` answer names them (`id`, `status`, `doc_date`), an order by its `uuid` and
//! `status`. Documents and products carry what identifies the change; the full object is one
//! `get` away, and a thin event cannot go stale between recording and delivery.

use serde::Serialize;

use crate::db::sales::{LineRow, PaymentRow, ReceiptRow};
use crate::domain::decimal::{as_number, Money, Qty, UnitCost};
use crate::domain::ids::{EmployeeId, PaymentTypeId, ProductId, ShiftId, ShopId, StorageId};
use crate::domain::time;

/// `invoice.wired`, `transfer.unwired`, …: which document, and its state now.
#[derive(Debug, Serialize)]
pub struct DocumentEvent {
    pub id: i64,
    /// `wired` or `not_wired`, as the document's `status`.
    pub status: &'static str,
    /// RFC 3339 in the account's zone, as the document's `doc_date`.
    pub doc_date: String,
}

/// `receipt.closed` and `receipt.annulled` (the counter-receipt, `income` −1, with
/// `origin_id` the annulled receipt's UUID).
#[derive(Debug, Serialize)]
pub struct ReceiptEvent {
    pub id: String,
    pub terminal_number: Option<ShopId>,
    pub shift_id: Option<ShiftId>,
    pub shift_day: Option<String>,
    pub income: i64,
    pub origin_id: Option<String>,
    #[serde(with = "as_number")]
    pub total: Money,
    #[serde(with = "as_number")]
    pub total_sum: Money,
    #[serde(with = "as_number")]
    pub discount_sum: Money,
    pub created_at: String,
    pub count_clients: i64,
    pub client: Option<ClientRef>,
    pub employee_id: Option<EmployeeId>,
    pub bill_dishes: Vec<DishLine>,
    pub payments: Vec<Payment>,
}

#[derive(Debug, Serialize)]
pub struct ClientRef {
    pub id: String,
}

#[derive(Debug, Serialize)]
pub struct DishLine {
    pub id: String,
    pub dish: DishRef,
    pub name: String,
    #[serde(with = "as_number")]
    pub count: Qty,
    #[serde(with = "as_number")]
    pub price: UnitCost,
    #[serde(with = "as_number")]
    pub discount_sum: Money,
    #[serde(with = "as_number")]
    pub total_sum: Money,
    #[serde(with = "as_number")]
    pub self_cost_sum: Money,
}

#[derive(Debug, Serialize)]
pub struct DishRef {
    pub id: ProductId,
}

#[derive(Debug, Serialize)]
pub struct Payment {
    pub payment_type_id: PaymentTypeId,
    #[serde(with = "as_number")]
    pub value: Money,
}

impl ReceiptEvent {
    pub fn new(
        receipt: &ReceiptRow,
        origin: Option<&str>,
        lines: &[LineRow],
        payments: &[PaymentRow],
        tz: &jiff::tz::TimeZone,
    ) -> ReceiptEvent {
        ReceiptEvent {
            id: receipt.uuid.clone(),
            terminal_number: receipt.shop_id,
            shift_id: receipt.shift_id,
            shift_day: receipt.shift_day.clone(),
            income: receipt.income,
            origin_id: origin.map(str::to_owned),
            total: receipt.total,
            total_sum: receipt.total_sum,
            discount_sum: receipt.discount_sum,
            created_at: time::format_rfc3339(receipt.closed_at.unwrap_or(receipt.created_at), tz),
            count_clients: receipt.count_clients,
            client: receipt.client_uuid.clone().map(|id| ClientRef { id }),
            employee_id: receipt.employee_id,
            bill_dishes: lines
                .iter()
                .map(|l| DishLine {
                    id: l.uuid.clone(),
                    dish: DishRef { id: l.product_id },
                    name: l.title.clone(),
                    count: l.count,
                    price: l.price,
                    discount_sum: l.discount_sum,
                    total_sum: l.total_sum,
                    self_cost_sum: l.self_cost_sum,
                })
                .collect(),
            payments: payments
                .iter()
                .map(|p| Payment {
                    payment_type_id: p.payment_type_id,
                    value: p.value,
                })
                .collect(),
        }
    }
}

/// `order.created` and `order.status_changed`.
#[derive(Debug, Serialize)]
pub struct OrderEvent {
    pub uuid: String,
    pub status: &'static str,
    pub terminal_number: Option<ShopId>,
    #[serde(with = "as_number")]
    pub total_sum: Money,
}

/// `job.finished`: a delivery job and how it ended, as `GET /delivery/job/{id}` spells it.
#[derive(Debug, Serialize)]
pub struct JobEvent {
    pub job_id: i64,
    pub status: String,
    pub order_uuid: Option<String>,
    pub error: Option<String>,
}

/// `product.changed`.
#[derive(Debug, Serialize)]
pub struct ProductEvent {
    pub id: ProductId,
    pub ref_code: String,
    pub name: String,
}

/// `stop_list.changed`.
#[derive(Debug, Serialize)]
pub struct StopListEvent {
    pub terminal_id: ShopId,
    pub product_id: ProductId,
    pub in_stop_list: bool,
}

/// `stock.below_minimum`: a balance that fell under its minimum.
#[derive(Debug, Serialize)]
pub struct BelowMinimumEvent {
    pub storage_id: StorageId,
    pub product_id: ProductId,
    #[serde(with = "as_number")]
    pub minimum: Qty,
    #[serde(with = "as_number")]
    pub balance: Qty,
}
