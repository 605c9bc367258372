//! Queries on write-off acts and their lines.

use super::batch;
use super::documents::Table;
use super::{Column, DbError, Query, Row, Tx, Value};
use crate::domain::decimal::{Money, Qty};
use crate::domain::document::WriteOffReason;
use crate::domain::ids::{AccountId, ProductId, StorageId, WriteOffId};
use crate::{from_row, params, record};

/// Stored as its word.
impl Column for WriteOffReason {
    fn read(row: &Row, name: &str) -> Result<Self, DbError> {
        let word: String = row.get(name)?;
        WriteOffReason::parse(&word).ok_or(DbError::Corrupt {
            column: "writeoffs.reason",
            value: word,
        })
    }
}

impl From<WriteOffReason> for Value {
    fn from(reason: WriteOffReason) -> Self {
        Value::Text(reason.as_str().to_owned())
    }
}

/// A write-off header to insert.
pub struct NewWriteOff {
    pub id: WriteOffId,
    pub comment: String,
    pub doc_date: i64,
    pub storage_id: StorageId,
    pub reason: WriteOffReason,
    pub by: i64,
}

/// A write-off line to insert: a quantity of a product, in its base measure.
#[derive(Debug, Clone, Copy)]
pub struct NewWriteOffLine {
    pub product_id: ProductId,
    pub qty: Qty,
}

/// Inserts a write-off, not wired, and its lines (numbered from 1).
pub async fn insert(
    tx: &mut Tx,
    account_id: AccountId,
    doc: &NewWriteOff,
    lines: &[NewWriteOffLine],
    now: i64,
) -> Result<(), DbError> {
    tx.run(
        "INSERT INTO writeoffs (account_id, id, comment, doc_date, storage_id, reason, created_at, created_by, \
         updated_at, updated_by) VALUES (:account_id, :id, :comment, :doc_date, :storage_id, :reason, :now, :by, :now, :by)",
        params! {
            account_id,
            id: doc.id,
            comment: doc.comment.as_str(),
            doc_date: doc.doc_date,
            storage_id: doc.storage_id,
            reason: doc.reason,
            now,
            by: doc.by,
        },
    )
    .await?;
    let rows: Vec<batch::Record> = lines
        .iter()
        .enumerate()
        .map(|(n, line)| {
            record! {
                account_id,
                writeoff_id: doc.id,
                line_no: i64::try_from(n + 1).unwrap_or(i64::MAX),
                product_id: line.product_id,
                qty: line.qty,
            }
        })
        .collect();
    batch::insert(tx, "writeoff_items", &rows, "").await
}

/// A write-off header with its storage's name.
#[derive(Debug, Clone)]
pub struct WriteOffRow {
    pub id: WriteOffId,
    pub comment: String,
    pub doc_date: i64,
    pub storage_id: StorageId,
    pub storage_name: String,
    pub reason: WriteOffReason,
    pub wired: bool,
    /// The value its movements took off the books, as they now stand; `None` while it is not
    /// wired.
    pub value: Option<Money>,
    pub created_at: i64,
    pub created_by: i64,
    pub updated_at: i64,
    pub updated_by: i64,
}

from_row!(WriteOffRow {
    id,
    comment,
    doc_date,
    storage_id,
    storage_name,
    reason,
    wired,
    value,
    created_at,
    created_by,
    updated_at,
    updated_by
});

/// The write-offs' header table.
pub const TABLE: Table<WriteOffRow> = Table::new("writeoffs", HEADER_SELECT, "w");

const HEADER_SELECT: &str =
    "SELECT w.id, w.comment, w.doc_date, w.storage_id, s.name AS storage_name, w.reason, w.wired, \
     CASE WHEN w.wired = 1 THEN (SELECT CAST(COALESCE(-SUM(m.value), 0) AS BIGINT) FROM stock_movements m \
     WHERE m.account_id = w.account_id AND m.doc_type = 'writeoff' AND m.doc_id = w.id) END AS value, \
     w.created_at, w.created_by, w.updated_at, w.updated_by FROM writeoffs w \
     JOIN storages s ON s.account_id = w.account_id AND s.id = w.storage_id";

/// A write-off line with its product.
#[derive(Debug, Clone)]
pub struct WriteOffLine {
    pub line_no: i64,
    pub product_id: ProductId,
    pub ref_code: String,
    pub name: String,
    pub measure: String,
    pub qty: Qty,
}

from_row!(WriteOffLine {
    line_no,
    product_id,
    ref_code,
    name,
    measure,
    qty
});

/// The lines of write-off `id`, in order.
pub async fn lines(
    q: &mut impl Query,
    account_id: AccountId,
    id: WriteOffId,
) -> Result<Vec<WriteOffLine>, DbError> {
    q.all(
        "SELECT i.line_no, p.id AS product_id, p.ref_code, p.name, p.measure, i.qty FROM writeoff_items i \
         JOIN products p ON p.account_id = i.account_id AND p.id = i.product_id \
         WHERE i.account_id = :account_id AND i.writeoff_id = :id ORDER BY i.line_no",
        params! { account_id, id },
    )
    .await
}
