//! Queries on inventory adjustments: documents that bring balances to counted quantities.

use super::batch;
use super::documents::Table;
use super::{Db, DbError, FromRow, Query, Row, Scalar, Tx};
use crate::domain::decimal::{Money, Qty, UnitCost};
use crate::domain::ids::{AccountId, AdjustmentId, ProductId, StorageId};
use crate::{from_row, params, record};

/// An adjustment header to insert; it is inserted wired (its movements are posted with it).
pub struct NewAdjustment {
    pub id: AdjustmentId,
    pub comment: String,
    pub doc_date: i64,
    pub by: i64,
}

/// A line: the counted `target`, the cost declared for stock found on an empty shelf, and
/// the movement (`qty`, `value`) that reached it when the adjustment was made.
#[derive(Debug, Clone)]
pub struct AdjustmentLine {
    pub line_no: i64,
    pub storage_id: StorageId,
    pub product_id: ProductId,
    pub target: Qty,
    pub cost: Option<UnitCost>,
    pub qty: Qty,
    pub value: Money,
}

from_row!(AdjustmentLine {
    line_no,
    storage_id,
    product_id,
    target,
    cost,
    qty,
    value
});

pub async fn insert(
    tx: &mut Tx,
    account_id: AccountId,
    doc: &NewAdjustment,
    lines: &[AdjustmentLine],
    now: i64,
) -> Result<(), DbError> {
    tx.run(
        "INSERT INTO adjustments (account_id, id, comment, doc_date, wired, created_at, created_by, updated_at, updated_by) \
         VALUES (:account_id, :id, :comment, :doc_date, 1, :now, :by, :now, :by)",
        params! {
            account_id,
            id: doc.id,
            comment: doc.comment.as_str(),
            doc_date: doc.doc_date,
            now,
            by: doc.by,
        },
    )
    .await?;
    let rows: Vec<batch::Record> = lines
        .iter()
        .map(|l| {
            record! {
                account_id,
                adjustment_id: doc.id,
                line_no: l.line_no,
                storage_id: l.storage_id,
                product_id: l.product_id,
                target: l.target,
                cost: l.cost,
                qty: l.qty,
                value: l.value,
            }
        })
        .collect();
    batch::insert(tx, "adjustment_items", &rows, "").await
}

/// An adjustment header.
#[derive(Debug, Clone)]
pub struct AdjustmentRow {
    pub id: AdjustmentId,
    pub comment: String,
    pub doc_date: i64,
    pub wired: bool,
    pub created_at: i64,
    pub created_by: i64,
    pub updated_at: i64,
    pub updated_by: i64,
}

from_row!(AdjustmentRow {
    id,
    comment,
    doc_date,
    wired,
    created_at,
    created_by,
    updated_at,
    updated_by
});

/// The adjustments' header table.
pub const TABLE: Table<AdjustmentRow> = Table::new("adjustments", HEADER_SELECT, "adjustments");

const HEADER_SELECT: &str = "SELECT id, comment, doc_date, wired, created_at, created_by, updated_at, updated_by FROM adjustments";

/// A line with its product, for reading.
#[derive(Debug, Clone)]
pub struct ShownLine {
    pub line: AdjustmentLine,
    pub ref_code: String,
    pub name: String,
    pub measure: String,
}

impl FromRow for ShownLine {
    fn from_row(r: &mut Row) -> Result<Self, DbError> {
        Ok(ShownLine {
            line: AdjustmentLine::from_row(r)?,
            ref_code: r.get("ref_code")?,
            name: r.get("name")?,
            measure: r.get("measure")?,
        })
    }
}

pub async fn lines(
    db: &Db,
    account_id: AccountId,
    id: AdjustmentId,
) -> Result<Vec<ShownLine>, DbError> {
    db.read()
        .await
        .all(
            "SELECT i.line_no, i.storage_id, i.product_id, i.target, i.cost, i.qty, i.value, p.ref_code, p.name, p.measure \
             FROM adjustment_items i JOIN products p ON p.account_id = i.account_id AND p.id = i.product_id \
             WHERE i.account_id = :account_id AND i.adjustment_id = :id ORDER BY i.line_no",
            params! { account_id, id },
        )
        .await
}

/// The recorded date and lines (for re-wiring); `None` when there is no such adjustment.
pub async fn recorded(
    q: &mut impl Query,
    account_id: AccountId,
    id: AdjustmentId,
) -> Result<Option<(i64, Vec<AdjustmentLine>)>, DbError> {
    let Some(Scalar(doc_date)) = q
        .optional::<Scalar<i64>>(
            "SELECT doc_date AS value FROM adjustments WHERE account_id = :account_id AND id = :id",
            params! { account_id, id },
        )
        .await?
    else {
        return Ok(None);
    };
    let lines = q
        .all(
            "SELECT line_no, storage_id, product_id, target, cost, qty, value FROM adjustment_items \
             WHERE account_id = :account_id AND adjustment_id = :id ORDER BY line_no",
            params! { account_id, id },
        )
        .await?;
    Ok(Some((doc_date, lines)))
}
