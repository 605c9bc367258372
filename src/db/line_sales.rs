//! The rows of `export_sales_shift_day` (API.md §9): every line of the closed receipts of a
//! range of cash days, with its receipt, shop, cashier and product, and the payment kinds of
//! those receipts.

use super::{Db, DbError, Param, Query};
use crate::domain::decimal::{Money, Qty, UnitCost};
use crate::domain::ids::{AccountId, EmployeeId, ProductId, ReceiptId, ShopId};
use crate::domain::sales::PaymentKind;
use crate::{from_row, params};

/// Which receipts: cash days `from..=to` (`YYYY-MM-DD`), of one shop or all.
pub struct Filter<'a> {
    pub from: &'a str,
    pub to: &'a str,
    pub shop_id: Option<ShopId>,
}

impl Filter<'_> {
    /// The condition on receipts `r` (closed sales and annulled ones, in the days, of the
    /// shop if one is named) and its parameters with the account's.
    fn condition(&self, account_id: AccountId) -> (&'static str, Vec<Param>) {
        let (from, to) = (self.from, self.to);
        match self.shop_id {
            Some(shop_id) => (
                "r.account_id = :account_id AND r.shift_day >= :from AND r.shift_day <= :to \
                 AND r.shop_id = :shop_id AND r.status IN ('closed', 'annuled')",
                params! { account_id, from, to, shop_id }.to_vec(),
            ),
            None => (
                "r.account_id = :account_id AND r.shift_day >= :from AND r.shift_day <= :to \
                 AND r.status IN ('closed', 'annuled')",
                params! { account_id, from, to }.to_vec(),
            ),
        }
    }
}

/// One receipt line with what the export names beside it.
#[derive(Debug, Clone)]
pub struct LineSale {
    pub receipt_id: ReceiptId,
    pub receipt_uuid: String,
    pub shift_day: String,
    pub closed_at: i64,
    pub income: i64,
    pub shop_id: ShopId,
    pub shop_name: String,
    pub employee_id: Option<EmployeeId>,
    pub employee_name: Option<String>,
    pub product_id: ProductId,
    pub product_name: String,
    pub count: Qty,
    pub price: UnitCost,
    pub discount_sum: Money,
    pub total_sum: Money,
}

from_row!(LineSale {
    receipt_id,
    receipt_uuid,
    shift_day,
    closed_at,
    income,
    shop_id,
    shop_name,
    employee_id,
    employee_name,
    product_id,
    product_name,
    count,
    price,
    discount_sum,
    total_sum,
});

/// The closed receipts' lines, oldest receipt first, in line order.
pub async fn lines(
    db: &Db,
    account_id: AccountId,
    filter: &Filter<'_>,
) -> Result<Vec<LineSale>, DbError> {
    let (condition, params) = filter.condition(account_id);
    let sql = format!(
        "SELECT r.id AS receipt_id, r.uuid AS receipt_uuid, r.shift_day, r.closed_at, r.income, r.shop_id, \
         s.name AS shop_name, r.employee_id, e.name AS employee_name, l.product_id, p.name AS product_name, \
         l.count, l.price, l.discount_sum, l.total_sum \
         FROM receipts r \
         JOIN receipt_lines l ON l.account_id = r.account_id AND l.receipt_id = r.id \
         JOIN products p ON p.account_id = l.account_id AND p.id = l.product_id \
         JOIN shops s ON s.account_id = r.account_id AND s.id = r.shop_id \
         LEFT JOIN employees e ON e.account_id = r.account_id AND e.id = r.employee_id \
         WHERE {condition} \
         ORDER BY r.closed_at, r.id, l.line_no"
    );
    db.read().await.all(&sql, &params).await
}

/// The kind of one payment of a receipt.
#[derive(Debug, Clone, Copy)]
pub struct ReceiptPaymentKind {
    pub receipt_id: ReceiptId,
    pub kind: PaymentKind,
}

from_row!(ReceiptPaymentKind { receipt_id, kind });

/// The payment kinds of those receipts, one row per payment.
pub async fn payment_kinds(
    db: &Db,
    account_id: AccountId,
    filter: &Filter<'_>,
) -> Result<Vec<ReceiptPaymentKind>, DbError> {
    let (condition, params) = filter.condition(account_id);
    let sql = format!(
        "SELECT r.id AS receipt_id, t.kind FROM receipts r \
         JOIN receipt_payments rp ON rp.account_id = r.account_id AND rp.receipt_id = r.id \
         JOIN payment_types t ON t.account_id = rp.account_id AND t.id = rp.payment_type_id \
         WHERE {condition}"
    );
    db.read().await.all(&sql, &params).await
}
