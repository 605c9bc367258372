//! Queries on stocktakings and their counted lines.

use super::batch;
use super::documents::Table;
use super::{DbError, Query, Tx};
use crate::domain::decimal::{Money, Qty};
use crate::domain::ids::{AccountId, InventoryId, ProductId, StorageId};
use crate::{from_row, params, record};

/// A stocktaking header to insert.
pub struct NewInventory {
    pub id: InventoryId,
    pub comment: String,
    pub doc_date: i64,
    pub storage_id: StorageId,
    /// Every product with a book balance that is not listed counts as 0.
    pub full: bool,
    pub by: i64,
}

/// A counted line to insert.
#[derive(Debug, Clone, Copy)]
pub struct NewCount {
    pub product_id: ProductId,
    pub counted: Qty,
}

/// Inserts a stocktaking, not wired, and its counted lines (numbered from 1).
pub async fn insert(
    tx: &mut Tx,
    account_id: AccountId,
    doc: &NewInventory,
    lines: &[NewCount],
    now: i64,
) -> Result<(), DbError> {
    tx.run(
        "INSERT INTO inventories (account_id, id, comment, doc_date, storage_id, full_count, created_at, created_by, \
         updated_at, updated_by) VALUES (:account_id, :id, :comment, :doc_date, :storage_id, :full, :now, :by, :now, :by)",
        params! {
            account_id,
            id: doc.id,
            comment: doc.comment.as_str(),
            doc_date: doc.doc_date,
            storage_id: doc.storage_id,
            full: doc.full,
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
                inventory_id: doc.id,
                line_no: i64::try_from(n + 1).unwrap_or(i64::MAX),
                product_id: line.product_id,
                counted: line.counted,
            }
        })
        .collect();
    batch::insert(tx, "inventory_items", &rows, "").await
}

/// A stocktaking header with its storage's name.
#[derive(Debug, Clone)]
pub struct InventoryRow {
    pub id: InventoryId,
    pub comment: String,
    pub doc_date: i64,
    pub storage_id: StorageId,
    pub storage_name: String,
    pub full_count: bool,
    pub wired: bool,
    /// The sums of its surpluses and of its shortfalls (as positive numbers), as its
    /// movements now stand; `None` while it is not wired.
    pub surplus_qty: Option<Qty>,
    pub surplus_value: Option<Money>,
    pub shortfall_qty: Option<Qty>,
    pub shortfall_value: Option<Money>,
    pub created_at: i64,
    pub created_by: i64,
    pub updated_at: i64,
    pub updated_by: i64,
}

from_row!(InventoryRow {
    id,
    comment,
    doc_date,
    storage_id,
    storage_name,
    full_count,
    wired,
    surplus_qty,
    surplus_value,
    shortfall_qty,
    shortfall_value,
    created_at,
    created_by,
    updated_at,
    updated_by
});

/// `{sum}` over the movements of the stocktaking `n` that match `{which}`, as column
/// `{name}`: 0 when none does, NULL while it is not wired.
macro_rules! movement_sum {
    ($sum:literal, $which:literal, $name:literal) => {
        concat!(
            "CASE WHEN n.wired = 1 THEN (SELECT CAST(COALESCE(",
            $sum,
            ", 0) AS BIGINT) FROM stock_movements m WHERE m.account_id = n.account_id \
             AND m.doc_type = 'inventory' AND m.doc_id = n.id AND (",
            $which,
            ")) END AS ",
            $name,
            ", "
        )
    };
}

/// The stocktakings' header table.
pub const TABLE: Table<InventoryRow> = Table::new("inventories", HEADER_SELECT, "n");

const HEADER_SELECT: &str = concat!(
    "SELECT n.id, n.comment, n.doc_date, n.storage_id, s.name AS storage_name, n.full_count, n.wired, ",
    movement_sum!("SUM(m.qty)", "m.qty > 0 OR (m.qty = 0 AND m.value > 0)", "surplus_qty"),
    movement_sum!("SUM(m.value)", "m.qty > 0 OR (m.qty = 0 AND m.value > 0)", "surplus_value"),
    movement_sum!("-SUM(m.qty)", "m.qty < 0 OR (m.qty = 0 AND m.value < 0)", "shortfall_qty"),
    movement_sum!("-SUM(m.value)", "m.qty < 0 OR (m.qty = 0 AND m.value < 0)", "shortfall_value"),
    "n.created_at, n.created_by, n.updated_at, n.updated_by FROM inventories n \
     JOIN storages s ON s.account_id = n.account_id AND s.id = n.storage_id"
);

/// A counted line with its product.
#[derive(Debug, Clone)]
pub struct CountLine {
    pub line_no: i64,
    pub product_id: ProductId,
    pub ref_code: String,
    pub name: String,
    pub measure: String,
    pub counted: Qty,
}

from_row!(CountLine {
    line_no,
    product_id,
    ref_code,
    name,
    measure,
    counted
});

/// The counted lines of stocktaking `id`, in order.
pub async fn lines(
    q: &mut impl Query,
    account_id: AccountId,
    id: InventoryId,
) -> Result<Vec<CountLine>, DbError> {
    q.all(
        "SELECT i.line_no, i.product_id, p.ref_code, p.name, p.measure, i.counted FROM inventory_items i \
         JOIN products p ON p.account_id = i.account_id AND p.id = i.product_id \
         WHERE i.account_id = :account_id AND i.inventory_id = :id ORDER BY i.line_no",
        params! { account_id, id },
    )
    .await
}
