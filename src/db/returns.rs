//! Queries on returns to suppliers and their lines, and on what a return reads of the invoice
//! it names.

use super::batch;
use super::documents::Table;
use super::{DbError, FromRow, Query, Row, Tx};
use crate::domain::decimal::{Qty, UnitCost};
use crate::domain::ids::{AccountId, InvoiceId, ProductId, ReturnId, ShipperId, StorageId};
use crate::{from_row, params, record};

/// A return header to insert.
pub struct NewReturn {
    pub id: ReturnId,
    pub comment: String,
    pub doc_date: i64,
    pub storage_id: StorageId,
    pub shipper_id: ShipperId,
    pub invoice_id: Option<InvoiceId>,
    pub by: i64,
}

/// A return line to insert: a quantity in the product's base measure and what the supplier
/// refunds per base unit.
#[derive(Debug, Clone, Copy)]
pub struct NewReturnLine {
    pub product_id: ProductId,
    pub qty: Qty,
    pub price: UnitCost,
}

/// Inserts a return, not wired, and its lines (numbered from 1).
pub async fn insert(
    tx: &mut Tx,
    account_id: AccountId,
    doc: &NewReturn,
    lines: &[NewReturnLine],
    now: i64,
) -> Result<(), DbError> {
    tx.run(
        "INSERT INTO supplier_returns (account_id, id, comment, doc_date, storage_id, shipper_id, invoice_id, \
         created_at, created_by, updated_at, updated_by) VALUES (:account_id, :id, :comment, :doc_date, \
         :storage_id, :shipper_id, :invoice_id, :now, :by, :now, :by)",
        params! {
            account_id,
            id: doc.id,
            comment: doc.comment.as_str(),
            doc_date: doc.doc_date,
            storage_id: doc.storage_id,
            shipper_id: doc.shipper_id,
            invoice_id: doc.invoice_id,
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
                return_id: doc.id,
                line_no: i64::try_from(n + 1).unwrap_or(i64::MAX),
                product_id: line.product_id,
                qty: line.qty,
                price: line.price,
            }
        })
        .collect();
    batch::insert(tx, "supplier_return_items", &rows, "").await
}

/// A shipper as a return names it.
#[derive(Debug, Clone)]
pub struct ShipperName {
    pub id: ShipperId,
    pub ref_code: String,
    pub name: String,
}

/// A return header with its storage's and shipper's names.
#[derive(Debug, Clone)]
pub struct ReturnRow {
    pub id: ReturnId,
    pub comment: String,
    pub doc_date: i64,
    pub storage_id: StorageId,
    pub storage_name: String,
    pub shipper: ShipperName,
    pub invoice_id: Option<InvoiceId>,
    pub wired: bool,
    pub created_at: i64,
    pub created_by: i64,
    pub updated_at: i64,
    pub updated_by: i64,
}

impl FromRow for ReturnRow {
    fn from_row(r: &mut Row) -> Result<Self, DbError> {
        Ok(ReturnRow {
            id: r.get("id")?,
            comment: r.get("comment")?,
            doc_date: r.get("doc_date")?,
            storage_id: r.get("storage_id")?,
            storage_name: r.get("storage_name")?,
            shipper: ShipperName {
                id: r.get("shipper_id")?,
                ref_code: r.get("shipper_ref_code")?,
                name: r.get("shipper_name")?,
            },
            invoice_id: r.get("invoice_id")?,
            wired: r.get("wired")?,
            created_at: r.get("created_at")?,
            created_by: r.get("created_by")?,
            updated_at: r.get("updated_at")?,
            updated_by: r.get("updated_by")?,
        })
    }
}

/// The returns' header table.
pub const TABLE: Table<ReturnRow> = Table::new("supplier_returns", HEADER_SELECT, "r");

const HEADER_SELECT: &str =
    "SELECT r.id, r.comment, r.doc_date, r.storage_id, s.name AS storage_name, r.shipper_id, \
     sh.ref_code AS shipper_ref_code, sh.name AS shipper_name, r.invoice_id, r.wired, \
     r.created_at, r.created_by, r.updated_at, r.updated_by FROM supplier_returns r \
     JOIN storages s ON s.account_id = r.account_id AND s.id = r.storage_id \
     JOIN shippers sh ON sh.account_id = r.account_id AND sh.id = r.shipper_id";

/// A return line with its product.
#[derive(Debug, Clone)]
pub struct ReturnLine {
    pub line_no: i64,
    pub product_id: ProductId,
    pub ref_code: String,
    pub name: String,
    pub measure: String,
    pub qty: Qty,
    pub price: UnitCost,
}

from_row!(ReturnLine {
    line_no,
    product_id,
    ref_code,
    name,
    measure,
    qty,
    price
});

/// The lines of return `id`, in order.
pub async fn lines(
    q: &mut impl Query,
    account_id: AccountId,
    id: ReturnId,
) -> Result<Vec<ReturnLine>, DbError> {
    q.all(
        "SELECT i.line_no, i.product_id, p.ref_code, p.name, p.measure, i.qty, i.price FROM supplier_return_items i \
         JOIN products p ON p.account_id = i.account_id AND p.id = i.product_id \
         WHERE i.account_id = :account_id AND i.return_id = :id ORDER BY i.line_no",
        params! { account_id, id },
    )
    .await
}

/// What an invoice says of the goods a return sends back: its shipper, and per line the
/// product, the price per package, the number of packages and the base quantity.
#[derive(Debug, Clone)]
pub struct InvoiceLine {
    pub product_id: ProductId,
    pub price: UnitCost,
    pub amount: Qty,
    pub qty: Qty,
}

from_row!(InvoiceLine {
    product_id,
    price,
    amount,
    qty
});

/// The shipper of invoice `id` (`None` when there is no such invoice; `Some(None)` when it
/// names none).
pub async fn invoice_shipper(
    q: &mut impl Query,
    account_id: AccountId,
    id: InvoiceId,
) -> Result<Option<Option<ShipperId>>, DbError> {
    let row: Option<ShipperOf> = q
        .optional(
            "SELECT shipper_id FROM invoices WHERE account_id = :account_id AND id = :id",
            params! { account_id, id },
        )
        .await?;
    Ok(row.map(|r| r.shipper_id))
}

struct ShipperOf {
    shipper_id: Option<ShipperId>,
}

from_row!(ShipperOf { shipper_id });

/// The lines of invoice `id`.
pub async fn invoice_lines(
    q: &mut impl Query,
    account_id: AccountId,
    id: InvoiceId,
) -> Result<Vec<InvoiceLine>, DbError> {
    q.all(
        "SELECT product_id, price, amount, qty FROM invoice_items \
         WHERE account_id = :account_id AND invoice_id = :id ORDER BY line_no",
        params! { account_id, id },
    )
    .await
}
