//! Queries on cash shifts, receipts (and the orders that become receipts), their lines and
//! payments.

use super::batch;
use super::{Db, DbError, Row, Tx, Value};
use crate::domain::ids::AccountId;

/// Opens a shift; a second open shift of the same shop is a unique violation.
pub async fn open_shift(
    tx: &mut Tx,
    account_id: AccountId,
    shop_id: i64,
    shift: &OpenShift,
    now: i64,
) -> Result<(), DbError> {
    tx.execute(
        "INSERT INTO shifts (account_id, id, shop_id, shift_day, employee_id, opened_at) VALUES ($1, $2, $3, $4, $5, $6)",
        &[
            account_id.into(),
            shift.id.into(),
            shop_id.into(),
            shift.shift_day.as_str().into(),
            shift.employee_id.into(),
            now.into(),
        ],
    )
    .await?;
    Ok(())
}

/// An open shift: its id, cash day and the cashier who opened it.
#[derive(Debug, Clone)]
pub struct OpenShift {
    pub id: i64,
    pub shift_day: String,
    pub employee_id: Option<i64>,
}

/// Whether the account has a shift with this id at the shop (open or closed).
pub async fn shift_exists(
    tx: &mut Tx,
    account_id: AccountId,
    shop_id: i64,
    id: i64,
) -> Result<bool, DbError> {
    Ok(tx
        .fetch_optional(
            "SELECT 1 FROM shifts WHERE account_id = $1 AND shop_id = $2 AND id = $3",
            &[account_id.into(), shop_id.into(), id.into()],
        )
        .await?
        .is_some())
}

/// Closes the shop's shift `id`; false when it is not an open shift of that shop.
pub async fn close_shift(
    tx: &mut Tx,
    account_id: AccountId,
    shop_id: i64,
    id: i64,
    now: i64,
) -> Result<bool, DbError> {
    let done = tx
        .execute(
            "UPDATE shifts SET closed_at = $4 WHERE account_id = $1 AND shop_id = $2 AND id = $3 AND closed_at IS NULL",
            &[account_id.into(), shop_id.into(), id.into(), now.into()],
        )
        .await?;
    Ok(done == 1)
}

/// The shop's open shift.
pub async fn open_shift_of(
    tx: &mut Tx,
    account_id: AccountId,
    shop_id: i64,
) -> Result<Option<OpenShift>, DbError> {
    tx.fetch_optional(
        "SELECT id, shift_day, employee_id FROM shifts WHERE account_id = $1 AND shop_id = $2 AND closed_at IS NULL",
        &[account_id.into(), shop_id.into()],
    )
    .await?
    .map(|r| {
        Ok(OpenShift {
            id: r.int(0)?,
            shift_day: r.text(1)?,
            employee_id: r.opt_int(2)?,
        })
    })
    .transpose()
}

/// A receipt header (decimals in storage units).
#[derive(Debug, Clone, Default)]
pub struct ReceiptRow {
    pub id: i64,
    pub uuid: String,
    pub shop_id: Option<i64>,
    pub sent: bool,
    pub shift_id: Option<i64>,
    pub shift_day: Option<String>,
    pub status: String,
    pub income: i64,
    pub origin_id: Option<i64>,
    pub source: String,
    pub app_id: Option<i64>,
    pub delivery_type: Option<i64>,
    pub client_uuid: Option<String>,
    pub count_clients: i64,
    pub comment: String,
    pub delivery_address: String,
    pub total: i64,
    pub total_sum: i64,
    pub discount_sum: i64,
    pub bonus_accrued: i64,
    pub bonus_spent: i64,
    pub created_at: i64,
    pub started_at: Option<i64>,
    pub closed_at: Option<i64>,
    /// The cashier: the receipt's own, else its shift's.
    pub employee_id: Option<i64>,
}

/// A receipt line.
#[derive(Debug, Clone, Default)]
pub struct LineRow {
    pub line_no: i64,
    pub uuid: String,
    pub product_id: i64,
    pub parent_line: Option<i64>,
    pub title: String,
    pub count: i64,
    pub price: i64,
    pub origin_price: i64,
    pub discount_sum: i64,
    pub total_sum: i64,
    pub self_cost_sum: i64,
}

/// A payment: (payment type id, value).
pub type PaymentRow = (i64, i64);

pub async fn insert(
    tx: &mut Tx,
    account_id: AccountId,
    r: &ReceiptRow,
    lines: &[LineRow],
    payments: &[PaymentRow],
    now: i64,
) -> Result<(), DbError> {
    tx.execute(
        "INSERT INTO receipts (account_id, id, uuid, shop_id, sent, shift_id, shift_day, status, income, origin_id, source, \
         app_id, delivery_type, client_uuid, count_clients, comment, delivery_address, total, total_sum, discount_sum, \
         bonus_accrued, bonus_spent, created_at, started_at, closed_at, updated_at, employee_id) VALUES ($1, $2, $3, $4, $5, $6, $7, \
         $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27)",
        &[
            account_id.into(),
            r.id.into(),
            r.uuid.as_str().into(),
            r.shop_id.into(),
            i64::from(r.sent).into(),
            r.shift_id.into(),
            r.shift_day.clone().into(),
            r.status.as_str().into(),
            r.income.into(),
            r.origin_id.into(),
            r.source.as_str().into(),
            r.app_id.into(),
            r.delivery_type.into(),
            r.client_uuid.clone().into(),
            r.count_clients.into(),
            r.comment.as_str().into(),
            r.delivery_address.as_str().into(),
            r.total.into(),
            r.total_sum.into(),
            r.discount_sum.into(),
            r.bonus_accrued.into(),
            r.bonus_spent.into(),
            r.created_at.into(),
            r.started_at.into(),
            r.closed_at.into(),
            now.into(),
            r.employee_id.into(),
        ],
    )
    .await?;
    let line_rows: Vec<Vec<Value>> = lines
        .iter()
        .map(|l| {
            vec![
                account_id.into(),
                r.id.into(),
                l.line_no.into(),
                l.uuid.as_str().into(),
                l.product_id.into(),
                l.parent_line.into(),
                l.title.as_str().into(),
                l.count.into(),
                l.price.into(),
                l.origin_price.into(),
                l.discount_sum.into(),
                l.total_sum.into(),
                l.self_cost_sum.into(),
            ]
        })
        .collect();
    batch::legacy_insert(
        tx,
        "INSERT INTO receipt_lines (account_id, receipt_id, line_no, uuid, product_id, parent_line, title, count, price, \
         origin_price, discount_sum, total_sum, self_cost_sum)",
        &line_rows,
        "",
    )
    .await?;
    replace_payments(tx, account_id, r.id, payments).await
}

/// Sets the receipt's payments to exactly these.
pub async fn replace_payments(
    tx: &mut Tx,
    account_id: AccountId,
    id: i64,
    payments: &[PaymentRow],
) -> Result<(), DbError> {
    tx.execute(
        "DELETE FROM receipt_payments WHERE account_id = $1 AND receipt_id = $2",
        &[account_id.into(), id.into()],
    )
    .await?;
    let rows: Vec<Vec<Value>> = payments
        .iter()
        .enumerate()
        .map(|(n, &(payment_type, value))| {
            vec![
                account_id.into(),
                id.into(),
                (n as i64 + 1).into(),
                payment_type.into(),
                value.into(),
            ]
        })
        .collect();
    batch::legacy_insert(
        tx,
        "INSERT INTO receipt_payments (account_id, receipt_id, line_no, payment_type_id, value)",
        &rows,
        "",
    )
    .await
}

const SELECT: &str = "SELECT id, uuid, shop_id, sent, shift_id, shift_day, status, income, origin_id, source, app_id, \
     delivery_type, client_uuid, count_clients, comment, delivery_address, total, total_sum, discount_sum, bonus_accrued, \
     bonus_spent, created_at, started_at, closed_at, employee_id FROM receipts";

fn receipt(r: &Row) -> Result<ReceiptRow, DbError> {
    Ok(ReceiptRow {
        id: r.int(0)?,
        uuid: r.text(1)?,
        shop_id: r.opt_int(2)?,
        sent: r.flag(3)?,
        shift_id: r.opt_int(4)?,
        shift_day: r.opt_text(5)?,
        status: r.text(6)?,
        income: r.int(7)?,
        origin_id: r.opt_int(8)?,
        source: r.text(9)?,
        app_id: r.opt_int(10)?,
        delivery_type: r.opt_int(11)?,
        client_uuid: r.opt_text(12)?,
        count_clients: r.int(13)?,
        comment: r.text(14)?,
        delivery_address: r.text(15)?,
        total: r.int(16)?,
        total_sum: r.int(17)?,
        discount_sum: r.int(18)?,
        bonus_accrued: r.int(19)?,
        bonus_spent: r.int(20)?,
        created_at: r.int(21)?,
        started_at: r.opt_int(22)?,
        closed_at: r.opt_int(23)?,
        employee_id: r.opt_int(24)?,
    })
}

/// The receipt with this UUID, inside a write transaction.
pub async fn by_uuid(
    tx: &mut Tx,
    account_id: AccountId,
    uuid: &str,
) -> Result<Option<ReceiptRow>, DbError> {
    let sql = format!("{SELECT} WHERE account_id = $1 AND uuid = $2");
    let row = tx
        .fetch_optional(&sql, &[account_id.into(), uuid.into()])
        .await?;
    row.as_ref().map(receipt).transpose()
}

/// Like [`by_uuid`], for reading.
pub async fn find(
    db: &Db,
    account_id: AccountId,
    uuid: &str,
) -> Result<Option<ReceiptRow>, DbError> {
    let sql = format!("{SELECT} WHERE account_id = $1 AND uuid = $2");
    let row = db
        .read()
        .await
        .fetch_optional(&sql, &[account_id.into(), uuid.into()])
        .await?;
    row.as_ref().map(receipt).transpose()
}

/// The orders sent to a shop in `status`, oldest first.
pub async fn orders(
    db: &Db,
    account_id: AccountId,
    shop_id: i64,
    status: &str,
) -> Result<Vec<ReceiptRow>, DbError> {
    let sql = format!(
        "{SELECT} WHERE account_id = $1 AND shop_id = $2 AND status = $3 AND sent = 1 AND source = 'delivery' ORDER BY id"
    );
    let rows = db
        .read()
        .await
        .fetch_all(&sql, &[account_id.into(), shop_id.into(), status.into()])
        .await?;
    rows.iter().map(receipt).collect()
}

const LINES: &str = "SELECT line_no, uuid, product_id, parent_line, title, count, price, origin_price, discount_sum, \
     total_sum, self_cost_sum FROM receipt_lines WHERE account_id = $1 AND receipt_id = $2 ORDER BY line_no";

fn line(r: &Row) -> Result<LineRow, DbError> {
    Ok(LineRow {
        line_no: r.int(0)?,
        uuid: r.text(1)?,
        product_id: r.int(2)?,
        parent_line: r.opt_int(3)?,
        title: r.text(4)?,
        count: r.int(5)?,
        price: r.int(6)?,
        origin_price: r.int(7)?,
        discount_sum: r.int(8)?,
        total_sum: r.int(9)?,
        self_cost_sum: r.int(10)?,
    })
}

pub async fn lines(tx: &mut Tx, account_id: AccountId, id: i64) -> Result<Vec<LineRow>, DbError> {
    let rows = tx.fetch_all(LINES, &[account_id.into(), id.into()]).await?;
    rows.iter().map(line).collect()
}

/// A receipt's lines, for reading.
pub async fn lines_of(db: &Db, account_id: AccountId, id: i64) -> Result<Vec<LineRow>, DbError> {
    let rows = db
        .read()
        .await
        .fetch_all(LINES, &[account_id.into(), id.into()])
        .await?;
    rows.iter().map(line).collect()
}

pub async fn payments(
    tx: &mut Tx,
    account_id: AccountId,
    id: i64,
) -> Result<Vec<PaymentRow>, DbError> {
    let rows = tx
        .fetch_all(
            "SELECT payment_type_id, value FROM receipt_payments WHERE account_id = $1 AND receipt_id = $2 ORDER BY line_no",
            &[account_id.into(), id.into()],
        )
        .await?;
    rows.iter().map(|r| Ok((r.int(0)?, r.int(1)?))).collect()
}

/// Moves the receipt from status `from` to `to`; false when it was not in `from`.
pub async fn set_status(
    tx: &mut Tx,
    account_id: AccountId,
    id: i64,
    from: &str,
    to: &str,
    now: i64,
) -> Result<bool, DbError> {
    let done = tx
        .execute(
            "UPDATE receipts SET status = $4, updated_at = $5 WHERE account_id = $1 AND id = $2 AND status = $3",
            &[account_id.into(), id.into(), from.into(), to.into(), now.into()],
        )
        .await?;
    Ok(done == 1)
}

/// What closing a receipt records.
pub struct Closing<'a> {
    pub shift_id: i64,
    pub employee_id: Option<i64>,
    pub shift_day: &'a str,
    pub closed_at: i64,
    pub bonus_accrued: i64,
    pub bonus_spent: i64,
}

/// Marks an order closed in a shift (it must be in status `from`); false otherwise.
pub async fn close(
    tx: &mut Tx,
    account_id: AccountId,
    id: i64,
    from: &str,
    c: &Closing<'_>,
    now: i64,
) -> Result<bool, DbError> {
    let done = tx
        .execute(
            "UPDATE receipts SET status = 'closed', shift_id = $4, shift_day = $5, closed_at = $6, bonus_accrued = $7, \
             bonus_spent = $8, updated_at = $9, employee_id = $10 WHERE account_id = $1 AND id = $2 AND status = $3",
            &[
                account_id.into(),
                id.into(),
                from.into(),
                c.shift_id.into(),
                c.shift_day.into(),
                c.closed_at.into(),
                c.bonus_accrued.into(),
                c.bonus_spent.into(),
                now.into(),
                c.employee_id.into(),
            ],
        )
        .await?;
    Ok(done == 1)
}

/// Records what each line wrote off: (line number, value in money units).
pub async fn set_self_costs(
    tx: &mut Tx,
    account_id: AccountId,
    id: i64,
    costs: &[(i64, i64)],
) -> Result<(), DbError> {
    for &(line_no, cost) in costs {
        tx.execute(
            "UPDATE receipt_lines SET self_cost_sum = $4 WHERE account_id = $1 AND receipt_id = $2 AND line_no = $3",
            &[account_id.into(), id.into(), line_no.into(), cost.into()],
        )
        .await?;
    }
    Ok(())
}

/// Closed receipts (sales and counter-receipts) in `[from, to)` by closing time.
pub async fn closed_between(
    db: &Db,
    account_id: AccountId,
    from: i64,
    to: i64,
) -> Result<Vec<ReceiptRow>, DbError> {
    let sql = format!("{SELECT} WHERE account_id = $1 AND closed_at >= $2 AND closed_at < $3 ORDER BY closed_at, id");
    let rows = db
        .read()
        .await
        .fetch_all(&sql, &[account_id.into(), from.into(), to.into()])
        .await?;
    rows.iter().map(receipt).collect()
}

/// The closed receipts of a shop's cash day, by closing time.
pub async fn of_shift_day(
    db: &Db,
    account_id: AccountId,
    shop_id: i64,
    shift_day: &str,
) -> Result<Vec<ReceiptRow>, DbError> {
    let sql = format!(
        "{SELECT} WHERE account_id = $1 AND shift_day = $2 AND shop_id = $3 AND closed_at IS NOT NULL ORDER BY closed_at, id"
    );
    let rows = db
        .read()
        .await
        .fetch_all(&sql, &[account_id.into(), shift_day.into(), shop_id.into()])
        .await?;
    rows.iter().map(receipt).collect()
}

/// A receipt's lines (each with its product's ref_code) and payments.
pub type Details = (Vec<(LineRow, String)>, Vec<PaymentRow>);

/// Lines and payments of many receipts at once, by receipt id.
pub async fn details(
    db: &Db,
    account_id: AccountId,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, Details>, DbError> {
    let mut out: std::collections::HashMap<i64, Details> = Default::default();
    let mut reader = db.read().await;
    for chunk in ids.chunks(500) {
        let wanted = batch::wanted(chunk.len(), 2);
        let mut params: Vec<Value> = vec![account_id.into()];
        params.extend(chunk.iter().map(|&id| Value::from(id)));
        let sql = format!(
            "SELECT l.receipt_id, l.line_no, l.uuid, l.product_id, l.parent_line, l.title, l.count, l.price, l.origin_price, \
             l.discount_sum, l.total_sum, l.self_cost_sum, p.ref_code FROM {wanted} CROSS JOIN receipt_lines l \
             JOIN products p ON p.account_id = l.account_id AND p.id = l.product_id \
             WHERE l.account_id = $1 AND l.receipt_id = wanted.column1 ORDER BY l.receipt_id, l.line_no"
        );
        for r in reader.fetch_all(&sql, &params).await? {
            let line = LineRow {
                line_no: r.int(1)?,
                uuid: r.text(2)?,
                product_id: r.int(3)?,
                parent_line: r.opt_int(4)?,
                title: r.text(5)?,
                count: r.int(6)?,
                price: r.int(7)?,
                origin_price: r.int(8)?,
                discount_sum: r.int(9)?,
                total_sum: r.int(10)?,
                self_cost_sum: r.int(11)?,
            };
            out.entry(r.int(0)?)
                .or_default()
                .0
                .push((line, r.text(12)?));
        }
        let sql = format!(
            "SELECT p.receipt_id, p.payment_type_id, p.value FROM {wanted} CROSS JOIN receipt_payments p \
             WHERE p.account_id = $1 AND p.receipt_id = wanted.column1 ORDER BY p.receipt_id, p.line_no"
        );
        for r in reader.fetch_all(&sql, &params).await? {
            out.entry(r.int(0)?)
                .or_default()
                .1
                .push((r.int(1)?, r.int(2)?));
        }
    }
    Ok(out)
}
