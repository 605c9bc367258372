//! Queries on transfers between storages and their lines.

use super::batch;
use super::documents::Table;
use super::{Db, DbError, FromRow, Query, Row, Tx};
use crate::domain::decimal::Qty;
use crate::domain::ids::{AccountId, MoveId, ProductId, StorageId};
use crate::{from_row, params, record};

/// A transfer header to insert.
pub struct NewMove {
    pub id: MoveId,
    pub comment: String,
    pub doc_date: i64,
    pub from: StorageId,
    pub to: StorageId,
    pub by: i64,
}

/// A transfer line to insert: a quantity of a product, in its base measure.
#[derive(Debug, Clone, Copy)]
pub struct NewMoveLine {
    pub product_id: ProductId,
    pub qty: Qty,
}

/// Inserts a transfer and its lines.
pub async fn insert(
    tx: &mut Tx,
    account_id: AccountId,
    doc: &NewMove,
    lines: &[NewMoveLine],
    now: i64,
) -> Result<(), DbError> {
    tx.run(
        "INSERT INTO moves (account_id, id, comment, doc_date, storage_from_id, storage_to_id, created_at, created_by, \
         updated_at, updated_by) VALUES (:account_id, :id, :comment, :doc_date, :from, :to, :now, :by, :now, :by)",
        params! {
            account_id,
            id: doc.id,
            comment: doc.comment.as_str(),
            doc_date: doc.doc_date,
            from: doc.from,
            to: doc.to,
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
                move_id: doc.id,
                line_no: i64::try_from(n + 1).unwrap_or(i64::MAX),
                product_id: line.product_id,
                qty: line.qty,
            }
        })
        .collect();
    batch::insert(tx, "move_items", &rows, "").await
}

/// A storage as a document names it.
#[derive(Debug, Clone)]
pub struct StorageName {
    pub id: StorageId,
    pub name: String,
}

/// A transfer header with its storages' names.
#[derive(Debug, Clone)]
pub struct MoveRow {
    pub id: MoveId,
    pub comment: String,
    pub doc_date: i64,
    pub from: StorageName,
    pub to: StorageName,
    pub wired: bool,
    pub created_at: i64,
    pub created_by: i64,
    pub updated_at: i64,
    pub updated_by: i64,
}

/// The transfers' header table.
pub const TABLE: Table<MoveRow> = Table::new("moves", HEADER_SELECT, "m");

const HEADER_SELECT: &str =
    "SELECT m.id, m.comment, m.doc_date, m.storage_from_id, f.name AS storage_from_name, \
     m.storage_to_id, t.name AS storage_to_name, \
     m.wired, m.created_at, m.created_by, m.updated_at, m.updated_by FROM moves m \
     JOIN storages f ON f.account_id = m.account_id AND f.id = m.storage_from_id \
     JOIN storages t ON t.account_id = m.account_id AND t.id = m.storage_to_id";

impl FromRow for MoveRow {
    fn from_row(r: &mut Row) -> Result<Self, DbError> {
        Ok(MoveRow {
            id: r.get("id")?,
            comment: r.get("comment")?,
            doc_date: r.get("doc_date")?,
            from: StorageName {
                id: r.get("storage_from_id")?,
                name: r.get("storage_from_name")?,
            },
            to: StorageName {
                id: r.get("storage_to_id")?,
                name: r.get("storage_to_name")?,
            },
            wired: r.get("wired")?,
            created_at: r.get("created_at")?,
            created_by: r.get("created_by")?,
            updated_at: r.get("updated_at")?,
            updated_by: r.get("updated_by")?,
        })
    }
}

/// A transfer line with its product.
#[derive(Debug, Clone)]
pub struct MoveLine {
    pub line_no: i64,
    pub product_id: ProductId,
    pub ref_code: String,
    pub name: String,
    pub measure: String,
    pub qty: Qty,
}

from_row!(MoveLine {
    line_no,
    product_id,
    ref_code,
    name,
    measure,
    qty
});

/// The lines of transfer `id`, in order.
pub async fn lines(
    q: &mut impl Query,
    account_id: AccountId,
    id: MoveId,
) -> Result<Vec<MoveLine>, DbError> {
    q.all(
        "SELECT i.line_no, p.id AS product_id, p.ref_code, p.name, p.measure, i.qty FROM move_items i \
         JOIN products p ON p.account_id = i.account_id AND p.id = i.product_id \
         WHERE i.account_id = :account_id AND i.move_id = :id ORDER BY i.line_no",
        params! { account_id, id },
    )
    .await
}

/// The lines of transfer `id`, read outside a transaction.
pub async fn read_lines(
    db: &Db,
    account_id: AccountId,
    id: MoveId,
) -> Result<Vec<MoveLine>, DbError> {
    lines(&mut db.read().await, account_id, id).await
}
