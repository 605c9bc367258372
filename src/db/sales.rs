//! Queries on cash shifts, receipts (and the orders that become receipts), their lines and
//! payments.

use std::collections::HashMap;

use super::batch;
use super::{Column, Db, DbError, FromRow, Query, Row, Tx, Value};
use crate::domain::client::DiscountKind;
use crate::domain::decimal::{Money, Qty, UnitCost};
use crate::domain::ids::{
    AccountId, EmployeeId, PaymentTypeId, ProductId, ReceiptId, ShiftId, ShopId,
};
use crate::domain::sales::{EmployeeRole, JobStatus, OrderStatus, PaymentKind, ReceiptSource};
use crate::{from_row, params, record};

/// The closed vocabularies of selling are stored as their words.
macro_rules! stored_as_word {
    ($($vocabulary:ident),+) => {$(
        impl Column for $vocabulary {
            fn read(row: &Row, name: &str) -> Result<Self, DbError> {
                let word: String = row.get(name)?;
                $vocabulary::parse(&word).ok_or(DbError::Corrupt {
                    column: stringify!($vocabulary),
                    value: word,
                })
            }
        }

        impl From<$vocabulary> for Value {
            fn from(value: $vocabulary) -> Self {
                Value::Text(value.as_str().to_owned())
            }
        }
    )+};
}

stored_as_word!(
    OrderStatus,
    ReceiptSource,
    PaymentKind,
    JobStatus,
    EmployeeRole,
    DiscountKind
);

/// Opens a shift; a second open shift of the same shop is a unique violation.
pub async fn open_shift(
    tx: &mut Tx,
    account_id: AccountId,
    shop_id: ShopId,
    shift: &OpenShift,
    now: i64,
) -> Result<(), DbError> {
    tx.run(
        "INSERT INTO shifts (account_id, id, shop_id, shift_day, employee_id, opened_at) \
         VALUES (:account_id, :id, :shop_id, :shift_day, :employee_id, :now)",
        params! {
            account_id,
            id: shift.id,
            shop_id,
            shift_day: &shift.shift_day,
            employee_id: shift.employee_id,
            now,
        },
    )
    .await?;
    Ok(())
}

/// An open shift: its id, cash day and the cashier who opened it.
#[derive(Debug, Clone)]
pub struct OpenShift {
    pub id: ShiftId,
    pub shift_day: String,
    pub employee_id: Option<EmployeeId>,
}

from_row!(OpenShift {
    id,
    shift_day,
    employee_id
});

/// Whether the account has a shift with this id at the shop (open or closed).
pub async fn shift_exists(
    tx: &mut Tx,
    account_id: AccountId,
    shop_id: ShopId,
    id: ShiftId,
) -> Result<bool, DbError> {
    tx.exists(
        "SELECT 1 FROM shifts WHERE account_id = :account_id AND shop_id = :shop_id AND id = :id",
        params! { account_id, shop_id, id },
    )
    .await
}

/// Closes the shop's shift `id`; false when it is not an open shift of that shop.
pub async fn close_shift(
    tx: &mut Tx,
    account_id: AccountId,
    shop_id: ShopId,
    id: ShiftId,
    now: i64,
) -> Result<bool, DbError> {
    let done = tx
        .run(
            "UPDATE shifts SET closed_at = :now \
             WHERE account_id = :account_id AND shop_id = :shop_id AND id = :id AND closed_at IS NULL",
            params! { account_id, shop_id, id, now },
        )
        .await?;
    Ok(done == 1)
}

/// The shop's open shift.
pub async fn open_shift_of(
    tx: &mut Tx,
    account_id: AccountId,
    shop_id: ShopId,
) -> Result<Option<OpenShift>, DbError> {
    tx.optional(
        "SELECT id, shift_day, employee_id FROM shifts \
         WHERE account_id = :account_id AND shop_id = :shop_id AND closed_at IS NULL",
        params! { account_id, shop_id },
    )
    .await
}

/// A receipt header.
#[derive(Debug, Clone)]
pub struct ReceiptRow {
    pub id: ReceiptId,
    pub uuid: String,
    pub shop_id: Option<ShopId>,
    pub sent: bool,
    pub shift_id: Option<ShiftId>,
    pub shift_day: Option<String>,
    pub status: OrderStatus,
    /// 1 a sale, −1 an annulment's counter-receipt.
    pub income: i64,
    pub origin_id: Option<ReceiptId>,
    pub source: ReceiptSource,
    pub app_id: Option<i64>,
    pub delivery_type: Option<i64>,
    pub client_uuid: Option<String>,
    pub count_clients: i64,
    pub comment: String,
    pub delivery_address: String,
    /// Before discounts.
    pub total: Money,
    pub total_sum: Money,
    pub discount_sum: Money,
    pub bonus_accrued: Money,
    pub bonus_spent: Money,
    pub created_at: i64,
    pub started_at: Option<i64>,
    pub closed_at: Option<i64>,
    /// The cashier: the receipt's own, else its shift's.
    pub employee_id: Option<EmployeeId>,
}

from_row!(ReceiptRow {
    id,
    uuid,
    shop_id,
    sent,
    shift_id,
    shift_day,
    status,
    income,
    origin_id,
    source,
    app_id,
    delivery_type,
    client_uuid,
    count_clients,
    comment,
    delivery_address,
    total,
    total_sum,
    discount_sum,
    bonus_accrued,
    bonus_spent,
    created_at,
    started_at,
    closed_at,
    employee_id,
});

impl ReceiptRow {
    /// A sale (`income` 1) of one client, in `status`, made at `created_at`, with nothing
    /// else set yet: the base the services fill in.
    pub fn new(
        id: ReceiptId,
        uuid: String,
        source: ReceiptSource,
        status: OrderStatus,
        created_at: i64,
    ) -> ReceiptRow {
        ReceiptRow {
            id,
            uuid,
            shop_id: None,
            sent: false,
            shift_id: None,
            shift_day: None,
            status,
            income: 1,
            origin_id: None,
            source,
            app_id: None,
            delivery_type: None,
            client_uuid: None,
            count_clients: 1,
            comment: String::new(),
            delivery_address: String::new(),
            total: Money::ZERO,
            total_sum: Money::ZERO,
            discount_sum: Money::ZERO,
            bonus_accrued: Money::ZERO,
            bonus_spent: Money::ZERO,
            created_at,
            started_at: None,
            closed_at: None,
            employee_id: None,
        }
    }
}

/// A receipt line.
#[derive(Debug, Clone)]
pub struct LineRow {
    pub line_no: i64,
    pub uuid: String,
    pub product_id: ProductId,
    /// A modifier's line: the number of the line it modifies.
    pub parent_line: Option<i64>,
    pub title: String,
    pub count: Qty,
    pub price: UnitCost,
    pub origin_price: UnitCost,
    pub discount_sum: Money,
    pub total_sum: Money,
    /// What the line wrote off.
    pub self_cost_sum: Money,
}

from_row!(LineRow {
    line_no,
    uuid,
    product_id,
    parent_line,
    title,
    count,
    price,
    origin_price,
    discount_sum,
    total_sum,
    self_cost_sum,
});

/// A payment of a receipt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PaymentRow {
    pub payment_type_id: PaymentTypeId,
    pub value: Money,
}

from_row!(PaymentRow {
    payment_type_id,
    value
});

pub async fn insert(
    tx: &mut Tx,
    account_id: AccountId,
    r: &ReceiptRow,
    lines: &[LineRow],
    payments: &[PaymentRow],
    now: i64,
) -> Result<(), DbError> {
    tx.run(
        "INSERT INTO receipts (account_id, id, uuid, shop_id, sent, shift_id, shift_day, status, income, origin_id, \
         source, app_id, delivery_type, client_uuid, count_clients, comment, delivery_address, total, total_sum, \
         discount_sum, bonus_accrued, bonus_spent, created_at, started_at, closed_at, updated_at, employee_id) \
         VALUES (:account_id, :id, :uuid, :shop_id, :sent, :shift_id, :shift_day, :status, :income, :origin_id, \
         :source, :app_id, :delivery_type, :client_uuid, :count_clients, :comment, :delivery_address, :total, :total_sum, \
         :discount_sum, :bonus_accrued, :bonus_spent, :created_at, :started_at, :closed_at, :now, :employee_id)",
        params! {
            account_id,
            id: r.id,
            uuid: &r.uuid,
            shop_id: r.shop_id,
            sent: r.sent,
            shift_id: r.shift_id,
            shift_day: r.shift_day.clone(),
            status: r.status,
            income: r.income,
            origin_id: r.origin_id,
            source: r.source,
            app_id: r.app_id,
            delivery_type: r.delivery_type,
            client_uuid: r.client_uuid.clone(),
            count_clients: r.count_clients,
            comment: &r.comment,
            delivery_address: &r.delivery_address,
            total: r.total,
            total_sum: r.total_sum,
            discount_sum: r.discount_sum,
            bonus_accrued: r.bonus_accrued,
            bonus_spent: r.bonus_spent,
            created_at: r.created_at,
            started_at: r.started_at,
            closed_at: r.closed_at,
            now,
            employee_id: r.employee_id,
        },
    )
    .await?;
    let records: Vec<batch::Record> = lines
        .iter()
        .map(|l| {
            record! {
                account_id,
                receipt_id: r.id,
                line_no: l.line_no,
                uuid: &l.uuid,
                product_id: l.product_id,
                parent_line: l.parent_line,
                title: &l.title,
                count: l.count,
                price: l.price,
                origin_price: l.origin_price,
                discount_sum: l.discount_sum,
                total_sum: l.total_sum,
                self_cost_sum: l.self_cost_sum,
            }
        })
        .collect();
    batch::insert(tx, "receipt_lines", &records, "").await?;
    replace_payments(tx, account_id, r.id, payments).await
}

/// Sets the receipt's payments to exactly these.
pub async fn replace_payments(
    tx: &mut Tx,
    account_id: AccountId,
    id: ReceiptId,
    payments: &[PaymentRow],
) -> Result<(), DbError> {
    tx.run(
        "DELETE FROM receipt_payments WHERE account_id = :account_id AND receipt_id = :id",
        params! { account_id, id },
    )
    .await?;
    let records: Vec<batch::Record> = payments
        .iter()
        .zip(1i64..)
        .map(|(p, line_no)| {
            record! {
                account_id,
                receipt_id: id,
                line_no,
                payment_type_id: p.payment_type_id,
                value: p.value,
            }
        })
        .collect();
    batch::insert(tx, "receipt_payments", &records, "").await
}

/// `SELECT` of every column of [`ReceiptRow`] `FROM receipts`, as a literal to `concat!`.
macro_rules! select_receipts {
    () => {
        "SELECT id, uuid, shop_id, sent, shift_id, shift_day, status, income, origin_id, source, app_id, \
         delivery_type, client_uuid, count_clients, comment, delivery_address, total, total_sum, discount_sum, \
         bonus_accrued, bonus_spent, created_at, started_at, closed_at, employee_id FROM receipts"
    };
}

/// The receipt with this UUID, inside a transaction or not.
pub async fn by_uuid(
    q: &mut impl Query,
    account_id: AccountId,
    uuid: &str,
) -> Result<Option<ReceiptRow>, DbError> {
    q.optional(
        concat!(
            select_receipts!(),
            " WHERE account_id = :account_id AND uuid = :uuid"
        ),
        params! { account_id, uuid },
    )
    .await
}

/// Like [`by_uuid`], for reading.
pub async fn find(
    db: &Db,
    account_id: AccountId,
    uuid: &str,
) -> Result<Option<ReceiptRow>, DbError> {
    by_uuid(&mut db.read().await, account_id, uuid).await
}

/// The orders sent to a shop in `status`, oldest first.
pub async fn orders(
    db: &Db,
    account_id: AccountId,
    shop_id: ShopId,
    status: OrderStatus,
) -> Result<Vec<ReceiptRow>, DbError> {
    db.read()
        .await
        .all(
            concat!(
                select_receipts!(),
                " WHERE account_id = :account_id AND shop_id = :shop_id AND status = :status AND sent = 1 \
                 AND source = 'delivery' ORDER BY id"
            ),
            params! { account_id, shop_id, status },
        )
        .await
}

const LINES: &str = "SELECT line_no, uuid, product_id, parent_line, title, count, price, origin_price, discount_sum, \
     total_sum, self_cost_sum FROM receipt_lines WHERE account_id = :account_id AND receipt_id = :id ORDER BY line_no";

/// A receipt's lines, inside a transaction or not.
pub async fn lines(
    q: &mut impl Query,
    account_id: AccountId,
    id: ReceiptId,
) -> Result<Vec<LineRow>, DbError> {
    q.all(LINES, params! { account_id, id }).await
}

/// A receipt's lines, for reading.
pub async fn lines_of(
    db: &Db,
    account_id: AccountId,
    id: ReceiptId,
) -> Result<Vec<LineRow>, DbError> {
    lines(&mut db.read().await, account_id, id).await
}

pub async fn payments(
    q: &mut impl Query,
    account_id: AccountId,
    id: ReceiptId,
) -> Result<Vec<PaymentRow>, DbError> {
    q.all(
        "SELECT payment_type_id, value FROM receipt_payments \
         WHERE account_id = :account_id AND receipt_id = :id ORDER BY line_no",
        params! { account_id, id },
    )
    .await
}

/// Moves the receipt from status `from` to `to`; false when it was not in `from`.
pub async fn set_status(
    tx: &mut Tx,
    account_id: AccountId,
    id: ReceiptId,
    from: OrderStatus,
    to: OrderStatus,
    now: i64,
) -> Result<bool, DbError> {
    let done = tx
        .run(
            "UPDATE receipts SET status = :to, updated_at = :now \
             WHERE account_id = :account_id AND id = :id AND status = :from",
            params! { account_id, id, from, to, now },
        )
        .await?;
    Ok(done == 1)
}

/// What closing a receipt records.
pub struct Closing<'a> {
    pub shift_id: ShiftId,
    pub employee_id: Option<EmployeeId>,
    pub shift_day: &'a str,
    pub closed_at: i64,
    pub bonus_accrued: Money,
    pub bonus_spent: Money,
}

/// Marks an order closed in a shift (it must be in status `from`); false otherwise.
pub async fn close(
    tx: &mut Tx,
    account_id: AccountId,
    id: ReceiptId,
    from: OrderStatus,
    c: &Closing<'_>,
    now: i64,
) -> Result<bool, DbError> {
    let done = tx
        .run(
            "UPDATE receipts SET status = 'closed', shift_id = :shift_id, shift_day = :shift_day, \
             closed_at = :closed_at, bonus_accrued = :bonus_accrued, bonus_spent = :bonus_spent, \
             updated_at = :now, employee_id = :employee_id \
             WHERE account_id = :account_id AND id = :id AND status = :from",
            params! {
                account_id,
                id,
                from,
                shift_id: c.shift_id,
                shift_day: c.shift_day,
                closed_at: c.closed_at,
                bonus_accrued: c.bonus_accrued,
                bonus_spent: c.bonus_spent,
                now,
                employee_id: c.employee_id,
            },
        )
        .await?;
    Ok(done == 1)
}

/// What a line wrote off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineCost {
    pub line_no: i64,
    pub cost: Money,
}

/// Records what each line wrote off.
pub async fn set_self_costs(
    tx: &mut Tx,
    account_id: AccountId,
    id: ReceiptId,
    costs: &[LineCost],
) -> Result<(), DbError> {
    for c in costs {
        tx.run(
            "UPDATE receipt_lines SET self_cost_sum = :cost \
             WHERE account_id = :account_id AND receipt_id = :id AND line_no = :line_no",
            params! { account_id, id, line_no: c.line_no, cost: c.cost },
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
    db.read()
        .await
        .all(
            concat!(
                select_receipts!(),
                " WHERE account_id = :account_id AND closed_at >= :from AND closed_at < :to \
                 ORDER BY closed_at, id"
            ),
            params! { account_id, from, to },
        )
        .await
}

/// The closed receipts of a shop's cash day, by closing time.
pub async fn of_shift_day(
    db: &Db,
    account_id: AccountId,
    shop_id: ShopId,
    shift_day: &str,
) -> Result<Vec<ReceiptRow>, DbError> {
    db.read()
        .await
        .all(
            concat!(
                select_receipts!(),
                " WHERE account_id = :account_id AND shift_day = :shift_day AND shop_id = :shop_id \
                 AND closed_at IS NOT NULL ORDER BY closed_at, id"
            ),
            params! { account_id, shift_day, shop_id },
        )
        .await
}

/// A receipt line with its product's `ref_code`.
#[derive(Debug, Clone)]
pub struct CodedLine {
    pub line: LineRow,
    pub ref_code: String,
}

/// A receipt's lines (each with its product's `ref_code`) and payments.
#[derive(Debug, Clone, Default)]
pub struct Details {
    pub lines: Vec<CodedLine>,
    pub payments: Vec<PaymentRow>,
}

/// Lines and payments of many receipts at once, by receipt id.
pub async fn details(
    db: &Db,
    account_id: AccountId,
    ids: &[ReceiptId],
) -> Result<HashMap<ReceiptId, Details>, DbError> {
    let mut out: HashMap<ReceiptId, Details> = HashMap::with_capacity(ids.len());
    let keys: Vec<Value> = ids.iter().map(|&id| Value::from(id)).collect();
    let mut reader = db.read().await;
    let lines = batch::keyed(
        &mut reader,
        "SELECT l.receipt_id, l.line_no, l.uuid, l.product_id, l.parent_line, l.title, l.count, l.price, \
         l.origin_price, l.discount_sum, l.total_sum, l.self_cost_sum, p.ref_code \
         FROM {wanted} CROSS JOIN receipt_lines l \
         JOIN products p ON p.account_id = l.account_id AND p.id = l.product_id \
         WHERE l.account_id = :account_id AND l.receipt_id = wanted.column1 ORDER BY l.receipt_id, l.line_no",
        params! { account_id },
        &keys,
    )
    .await?;
    for mut row in lines {
        let receipt: ReceiptId = row.get("receipt_id")?;
        let line = CodedLine {
            line: LineRow::from_row(&mut row)?,
            ref_code: row.get("ref_code")?,
        };
        out.entry(receipt).or_default().lines.push(line);
    }
    let payments = batch::keyed(
        &mut reader,
        "SELECT p.receipt_id, p.payment_type_id, p.value FROM {wanted} CROSS JOIN receipt_payments p \
         WHERE p.account_id = :account_id AND p.receipt_id = wanted.column1 ORDER BY p.receipt_id, p.line_no",
        params! { account_id },
        &keys,
    )
    .await?;
    for mut row in payments {
        let receipt: ReceiptId = row.get("receipt_id")?;
        out.entry(receipt)
            .or_default()
            .payments
            .push(PaymentRow::from_row(&mut row)?);
    }
    Ok(out)
}

/// A shift with its cashier and what it sold (sales less annulments).
#[derive(Debug, Clone)]
pub struct ShiftRow {
    pub id: ShiftId,
    pub shop_id: ShopId,
    pub shift_day: String,
    pub opened_at: i64,
    pub closed_at: Option<i64>,
    pub cashier: Option<String>,
    pub receipts: i64,
    pub revenue: Money,
}

from_row!(ShiftRow {
    id,
    shop_id,
    shift_day,
    opened_at,
    closed_at,
    cashier,
    receipts,
    revenue
});

/// A shop's shifts whose cash day is in `[first, last]` (`YYYY-MM-DD`), newest first. The
/// receipts are summed over the cash-day index, once for the whole range.
pub async fn shifts(
    db: &Db,
    account_id: AccountId,
    shop_id: ShopId,
    first: &str,
    last: &str,
) -> Result<Vec<ShiftRow>, DbError> {
    db.read()
        .await
        .all(
            "SELECT s.id, s.shop_id, s.shift_day, s.opened_at, s.closed_at, e.name AS cashier, \
             COALESCE(t.receipts, 0) AS receipts, COALESCE(t.revenue, 0) AS revenue \
             FROM shifts s \
             LEFT JOIN employees e ON e.account_id = s.account_id AND e.id = s.employee_id \
             LEFT JOIN (SELECT shift_id, CAST(SUM(income) AS BIGINT) AS receipts, \
                        CAST(SUM(total_sum * income) AS BIGINT) AS revenue FROM receipts \
                        WHERE account_id = :account_id AND shift_day >= :first AND shift_day <= :last \
                        AND shop_id = :shop_id AND status IN ('closed', 'annuled') \
                        GROUP BY shift_id) t ON t.shift_id = s.id \
             WHERE s.account_id = :account_id AND s.shop_id = :shop_id \
             AND s.shift_day >= :first AND s.shift_day <= :last \
             ORDER BY s.opened_at DESC, s.id DESC",
            params! { account_id, shop_id, first, last },
        )
        .await
}
