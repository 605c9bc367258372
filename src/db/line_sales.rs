//! The rows of `export_sales_shift_day` (API.md §9): every line of the closed receipts of a
//! range of cash days, with its receipt, shop, cashier and product, and the payment kinds of
//! those receipts.

use super::{Db, DbError, Row, Value};
use crate::domain::ids::AccountId;

/// Which receipts: cash days `from..=to` (`YYYY-MM-DD`), of one shop or all.
pub struct Filter<'a> {
    pub from: &'a str,
    pub to: &'a str,
    pub shop_id: Option<i64>,
}

impl Filter<'_> {
    /// The condition on receipts `r` and its parameters after `$1` (the account).
    fn condition(&self) -> (&'static str, Vec<Value>) {
        let mut params = vec![self.from.into(), self.to.into()];
        let sql = match self.shop_id {
            Some(shop) => {
                params.push(shop.into());
                "r.shift_day >= $2 AND r.shift_day <= $3 AND r.shop_id = $4"
            }
            None => "r.shift_day >= $2 AND r.shift_day <= $3",
        };
        (sql, params)
    }
}

/// One receipt line with what the export names beside it (decimals in storage units).
#[derive(Debug, Clone)]
pub struct LineSale {
    pub receipt_id: i64,
    pub receipt_uuid: String,
    pub shift_day: String,
    pub closed_at: i64,
    pub income: i64,
    pub shop_id: i64,
    pub shop_name: String,
    pub employee_id: Option<i64>,
    pub employee_name: Option<String>,
    pub product_id: i64,
    pub product_name: String,
    pub count: i64,
    pub price: i64,
    pub discount_sum: i64,
    pub total_sum: i64,
}

fn line_sale(r: &Row) -> Result<LineSale, DbError> {
    Ok(LineSale {
        receipt_id: r.int(0)?,
        receipt_uuid: r.text(1)?,
        shift_day: r.text(2)?,
        closed_at: r.int(3)?,
        income: r.int(4)?,
        shop_id: r.int(5)?,
        shop_name: r.text(6)?,
        employee_id: r.opt_int(7)?,
        employee_name: r.opt_text(8)?,
        product_id: r.int(9)?,
        product_name: r.text(10)?,
        count: r.int(11)?,
        price: r.int(12)?,
        discount_sum: r.int(13)?,
        total_sum: r.int(14)?,
    })
}

/// The closed receipts' lines, oldest receipt first, in line order.
pub async fn lines(
    db: &Db,
    account_id: AccountId,
    filter: &Filter<'_>,
) -> Result<Vec<LineSale>, DbError> {
    let (condition, rest) = filter.condition();
    let sql = format!(
        "SELECT r.id, r.uuid, r.shift_day, r.closed_at, r.income, r.shop_id, s.name, r.employee_id, e.name, \
         l.product_id, p.name, l.count, l.price, l.discount_sum, l.total_sum \
         FROM receipts r \
         JOIN receipt_lines l ON l.account_id = r.account_id AND l.receipt_id = r.id \
         JOIN products p ON p.account_id = l.account_id AND p.id = l.product_id \
         JOIN shops s ON s.account_id = r.account_id AND s.id = r.shop_id \
         LEFT JOIN employees e ON e.account_id = r.account_id AND e.id = r.employee_id \
         WHERE r.account_id = $1 AND {condition} AND r.status IN ('closed', 'annuled') \
         ORDER BY r.closed_at, r.id, l.line_no"
    );
    let params: Vec<Value> = std::iter::once(account_id.into()).chain(rest).collect();
    let rows = db.read().await.fetch_all(&sql, &params).await?;
    rows.iter().map(line_sale).collect()
}

/// The payment kinds of those receipts: (receipt id, kind), one row per payment.
pub async fn payment_kinds(
    db: &Db,
    account_id: AccountId,
    filter: &Filter<'_>,
) -> Result<Vec<(i64, String)>, DbError> {
    let (condition, rest) = filter.condition();
    let sql = format!(
        "SELECT r.id, t.kind FROM receipts r \
         JOIN receipt_payments rp ON rp.account_id = r.account_id AND rp.receipt_id = r.id \
         JOIN payment_types t ON t.account_id = rp.account_id AND t.id = rp.payment_type_id \
         WHERE r.account_id = $1 AND {condition} AND r.status IN ('closed', 'annuled')"
    );
    let params: Vec<Value> = std::iter::once(account_id.into()).chain(rest).collect();
    let rows = db.read().await.fetch_all(&sql, &params).await?;
    rows.iter().map(|r| Ok((r.int(0)?, r.text(1)?))).collect()
}
