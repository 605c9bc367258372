//! What the back-office stock documents (write-offs, stocktakings, returns) read back from the
//! ledger: the movements a document posted, as they now stand (a back-dated change re-values
//! them in place, so these are always current), and a storage's book as of a date.

use std::collections::BTreeMap;

use super::{DbError, Query};
use crate::domain::decimal::{Money, Qty};
use crate::domain::document::DocRef;
use crate::domain::ids::{AccountId, ProductId, StorageId};
use crate::{from_row, params};

/// A movement of a document: its line, product, quantity and value as they stand now, and
/// the counted quantity it brought the balance to (a stocktaking's).
#[derive(Debug, Clone)]
pub struct Posted {
    pub line_no: i64,
    pub product_id: ProductId,
    pub ref_code: String,
    pub name: String,
    pub measure: String,
    pub qty: Qty,
    pub value: Money,
    pub target: Option<Qty>,
}

from_row!(Posted {
    line_no,
    product_id,
    ref_code,
    name,
    measure,
    qty,
    value,
    target
});

/// The movements document `doc` posted, by line number (empty when it is not wired).
pub async fn by_line(
    q: &mut impl Query,
    account_id: AccountId,
    doc: DocRef,
) -> Result<BTreeMap<i64, Posted>, DbError> {
    let rows: Vec<Posted> = q
        .all(
            "SELECT m.line_no, m.product_id, p.ref_code, p.name, p.measure, m.qty, m.value, m.target \
             FROM stock_movements m JOIN products p ON p.account_id = m.account_id AND p.id = m.product_id \
             WHERE m.account_id = :account_id AND m.doc_type = :doc_type AND m.doc_id = :doc_id ORDER BY m.id",
            params! { account_id, doc_type: doc.kind.as_str(), doc_id: doc.id },
        )
        .await?;
    Ok(rows.into_iter().map(|p| (p.line_no, p)).collect())
}

/// A product's quantity in the book.
#[derive(Debug, Clone, Copy)]
pub struct Book {
    pub product_id: ProductId,
    pub qty: Qty,
}

from_row!(Book { product_id, qty });

/// Every product whose quantity or value in `storage_id` is not zero as of `date` (the sum of its
/// movements dated up to and including it), by product id.
pub async fn non_zero_book(
    q: &mut impl Query,
    account_id: AccountId,
    storage_id: StorageId,
    date: i64,
) -> Result<Vec<Book>, DbError> {
    q.all(
        "SELECT product_id, CAST(SUM(qty) AS BIGINT) AS qty FROM stock_movements \
         WHERE account_id = :account_id AND storage_id = :storage_id AND doc_date <= :date \
         GROUP BY product_id HAVING SUM(qty) <> 0 OR SUM(value) <> 0 ORDER BY product_id",
        params! { account_id, storage_id, date },
    )
    .await
}
