//! Minimum quantities per storage × product (API.md §11), and the products whose balance is
//! below theirs.

use super::{DbError, Query, Tx};
use crate::domain::decimal::{Money, Qty};
use crate::domain::ids::{AccountId, ProductId, StorageId};
use crate::{from_row, params};

/// Sets (`Some`) or removes (`None`) the minimum of a product in a storage.
pub async fn set(
    tx: &mut Tx,
    account_id: AccountId,
    storage_id: StorageId,
    product_id: ProductId,
    qty: Option<Qty>,
    now: i64,
) -> Result<(), DbError> {
    match qty {
        Some(qty) => {
            tx.run(
                "INSERT INTO stock_minimums (account_id, storage_id, product_id, qty, updated_at) \
                 VALUES (:account_id, :storage_id, :product_id, :qty, :now) \
                 ON CONFLICT (account_id, storage_id, product_id) DO UPDATE SET qty = excluded.qty, \
                 updated_at = excluded.updated_at",
                params! { account_id, storage_id, product_id, qty, now },
            )
            .await?;
        }
        None => {
            tx.run(
                "DELETE FROM stock_minimums WHERE account_id = :account_id AND storage_id = :storage_id \
                 AND product_id = :product_id",
                params! { account_id, storage_id, product_id },
            )
            .await?;
        }
    }
    Ok(())
}

/// A minimum with the product's card and its balance now.
#[derive(Debug, Clone)]
pub struct MinimumRow {
    pub storage_id: StorageId,
    pub product_id: ProductId,
    pub ref_code: String,
    pub name: String,
    pub measure: String,
    pub minimum: Qty,
    pub qty: Qty,
    pub value: Money,
}

from_row!(MinimumRow {
    storage_id,
    product_id,
    ref_code,
    name,
    measure,
    minimum,
    qty,
    value
});

/// The account's minimums (`below`: only those the balance is under), by storage and product.
pub async fn list(
    q: &mut impl Query,
    account_id: AccountId,
    below: bool,
) -> Result<Vec<MinimumRow>, DbError> {
    q.all(
        "SELECT m.storage_id, m.product_id, p.ref_code, p.name, p.measure, m.qty AS minimum, \
         COALESCE(b.qty, 0) AS qty, COALESCE(b.value, 0) AS value FROM stock_minimums m \
         JOIN products p ON p.account_id = m.account_id AND p.id = m.product_id \
         LEFT JOIN stock_balances b ON b.account_id = m.account_id AND b.storage_id = m.storage_id \
         AND b.product_id = m.product_id \
         WHERE m.account_id = :account_id AND (:below = 0 OR COALESCE(b.qty, 0) < m.qty) \
         ORDER BY m.storage_id, m.product_id",
        params! { account_id, below: i64::from(below) },
    )
    .await
}

/// What a document moved, per storage and product.
#[derive(Debug, Clone, Copy)]
pub struct Moved {
    pub storage_id: StorageId,
    pub product_id: ProductId,
    pub qty: Qty,
}

from_row!(Moved {
    storage_id,
    product_id,
    qty
});

/// The sums the movements of document `doc_type` `doc_id` moved, per storage and product.
pub async fn moved_by(
    tx: &mut Tx,
    account_id: AccountId,
    doc_type: &str,
    doc_id: i64,
) -> Result<Vec<Moved>, DbError> {
    tx.all(
        "SELECT storage_id, product_id, CAST(SUM(qty) AS BIGINT) AS qty FROM stock_movements \
         WHERE account_id = :account_id AND doc_type = :doc_type AND doc_id = :doc_id \
         GROUP BY storage_id, product_id",
        params! { account_id, doc_type, doc_id },
    )
    .await
}

/// A minimum and the balance now.
#[derive(Debug, Clone, Copy)]
pub struct Standing {
    pub minimum: Qty,
    pub balance: Qty,
}

from_row!(Standing { minimum, balance });

/// The minimum of a product in a storage, with its balance now; `None` when it has none.
pub async fn standing(
    tx: &mut Tx,
    account_id: AccountId,
    storage_id: StorageId,
    product_id: ProductId,
) -> Result<Option<Standing>, DbError> {
    tx.optional(
        "SELECT m.qty AS minimum, COALESCE(b.qty, 0) AS balance FROM stock_minimums m \
         LEFT JOIN stock_balances b ON b.account_id = m.account_id AND b.storage_id = m.storage_id \
         AND b.product_id = m.product_id \
         WHERE m.account_id = :account_id AND m.storage_id = :storage_id AND m.product_id = :product_id",
        params! { account_id, storage_id, product_id },
    )
    .await
}
