//! Queries on the stock ledger (movements) and the balances that follow from it.

use std::collections::BTreeMap;

use super::batch;
use super::ids::{self, Kind};
use super::{Db, DbError, Query, Tx, Value};
use crate::domain::decimal::{Money, Qty};
use crate::domain::document::DocRef;
use crate::domain::ids::{AccountId, MovementId, ProductId, StorageId};
use crate::domain::stock::Balance;
use crate::{from_row, params, record};

/// A movement to write.
#[derive(Debug, Clone)]
pub struct NewMovement {
    pub storage_id: StorageId,
    pub product_id: ProductId,
    pub line_no: i64,
    pub doc_date: i64,
    pub qty: Qty,
    pub value: Money,
}

from_row!(NewMovement {
    storage_id,
    product_id,
    line_no,
    doc_date,
    qty,
    value
});

/// Writes the movements of a document and adds them to the balances, in one go.
pub async fn post(
    tx: &mut Tx,
    account_id: AccountId,
    doc: DocRef,
    movements: &[NewMovement],
    now: i64,
) -> Result<(), DbError> {
    if movements.is_empty() {
        return Ok(());
    }
    let first_id = ids::reserve(
        tx,
        account_id,
        Kind::Movement,
        i64::try_from(movements.len()).unwrap_or(i64::MAX),
    )
    .await?;
    let doc_type = doc.kind.as_str();
    let rows: Vec<batch::Record> = movements
        .iter()
        .enumerate()
        .map(|(n, m)| {
            record! {
                account_id,
                id: MovementId::new(first_id + i64::try_from(n).unwrap_or(i64::MAX)),
                storage_id: m.storage_id,
                product_id: m.product_id,
                doc_type,
                doc_id: doc.id,
                line_no: m.line_no,
                doc_date: m.doc_date,
                qty: m.qty,
                value: m.value,
            }
        })
        .collect();
    batch::insert(tx, "stock_movements", &rows, "").await?;
    let mut deltas = Deltas::new();
    for m in movements {
        let entry = deltas.entry((m.storage_id, m.product_id)).or_default();
        entry.0 += m.qty.units();
        entry.1 += m.value.units();
    }
    add_to_balances(tx, account_id, &deltas, now).await
}

/// A (storage, product) pair and a quantity and value: a balance, or a sum of movements.
struct Sum {
    storage_id: StorageId,
    product_id: ProductId,
    qty: Qty,
    value: Money,
}

from_row!(Sum {
    storage_id,
    product_id,
    qty,
    value
});

/// Removes every movement of a document and takes exactly their sums off the balances.
pub async fn unpost(
    tx: &mut Tx,
    account_id: AccountId,
    doc: DocRef,
    now: i64,
) -> Result<(), DbError> {
    let doc_type = doc.kind.as_str();
    let sums: Vec<Sum> = tx
        .all(
            "SELECT storage_id, product_id, CAST(SUM(qty) AS BIGINT) AS qty, CAST(SUM(value) AS BIGINT) AS value \
             FROM stock_movements WHERE account_id = :account_id AND doc_type = :doc_type AND doc_id = :doc_id \
             GROUP BY storage_id, product_id",
            params! { account_id, doc_type, doc_id: doc.id },
        )
        .await?;
    let deltas = sums
        .iter()
        .map(|s| {
            (
                (s.storage_id, s.product_id),
                (-s.qty.units(), -s.value.units()),
            )
        })
        .collect();
    add_to_balances(tx, account_id, &deltas, now).await?;
    tx.run(
        "DELETE FROM stock_movements WHERE account_id = :account_id AND doc_type = :doc_type AND doc_id = :doc_id",
        params! { account_id, doc_type, doc_id: doc.id },
    )
    .await?;
    Ok(())
}

/// The movements a document posted, in order.
pub async fn movements_of(
    tx: &mut Tx,
    account_id: AccountId,
    doc: DocRef,
) -> Result<Vec<NewMovement>, DbError> {
    tx.all(
        "SELECT storage_id, product_id, line_no, doc_date, qty, value FROM stock_movements \
         WHERE account_id = :account_id AND doc_type = :doc_type AND doc_id = :doc_id ORDER BY id",
        params! { account_id, doc_type: doc.kind.as_str(), doc_id: doc.id },
    )
    .await
}

/// (storage, product) → (qty, value) changes, in units. Ordered, so that concurrent writers on
/// PostgreSQL lock balance rows in the same order and cannot deadlock.
type Deltas = BTreeMap<(StorageId, ProductId), (i64, i64)>;

/// Adds (qty, value) deltas to balances, creating missing rows.
async fn add_to_balances(
    tx: &mut Tx,
    account_id: AccountId,
    deltas: &Deltas,
    now: i64,
) -> Result<(), DbError> {
    let rows: Vec<batch::Record> = deltas
        .iter()
        .map(|(&(storage_id, product_id), &(qty, value))| {
            record! { account_id, storage_id, product_id, qty, value, updated_at: now }
        })
        .collect();
    batch::insert(
        tx,
        "stock_balances",
        &rows,
        "ON CONFLICT (account_id, storage_id, product_id) DO UPDATE SET qty = stock_balances.qty + excluded.qty, \
         value = stock_balances.value + excluded.value, updated_at = excluded.updated_at",
    )
    .await?;
    if !rows.is_empty() {
        super::marks::bump(tx, account_id, super::marks::Section::Balances);
    }
    Ok(())
}

/// A product's balance in a storage, as `/draft/store` lists it.
pub struct StoreRow {
    pub product_id: ProductId,
    pub name: String,
    pub measure: String,
    pub qty: Qty,
    pub value: Money,
}

from_row!(StoreRow {
    product_id,
    name,
    measure,
    qty,
    value
});

/// Every product that has ever moved in the storage, by product id.
pub async fn store(
    db: &Db,
    account_id: AccountId,
    storage_id: StorageId,
) -> Result<Vec<StoreRow>, DbError> {
    db.read()
        .await
        .all(
            "SELECT p.id AS product_id, p.name, p.measure, b.qty, b.value FROM stock_balances b \
             JOIN products p ON p.account_id = b.account_id AND p.id = b.product_id \
             WHERE b.account_id = :account_id AND b.storage_id = :storage_id ORDER BY b.product_id",
            params! { account_id, storage_id },
        )
        .await
}

/// (storage, product) → balance.
pub type Sums = BTreeMap<(StorageId, ProductId), Balance>;

/// The balances as stored, and as the sum of the ledger, for the invariant check.
/// Both come from one snapshot (`tx` from [`super::Db::begin_snapshot`]).
pub async fn balances_and_ledger(
    tx: &mut Tx,
    account_id: AccountId,
) -> Result<(Sums, Sums), DbError> {
    let balances: Vec<Sum> = tx
        .all(
            "SELECT storage_id, product_id, qty, value FROM stock_balances WHERE account_id = :account_id",
            params! { account_id },
        )
        .await?;
    let ledger: Vec<Sum> = tx
        .all(
            "SELECT storage_id, product_id, CAST(SUM(qty) AS BIGINT) AS qty, CAST(SUM(value) AS BIGINT) AS value \
             FROM stock_movements WHERE account_id = :account_id GROUP BY storage_id, product_id",
            params! { account_id },
        )
        .await?;
    let collect = |sums: Vec<Sum>| -> Sums {
        sums.into_iter()
            .map(|s| {
                let balance = Balance {
                    qty: s.qty,
                    value: s.value,
                };
                ((s.storage_id, s.product_id), balance)
            })
            .collect()
    };
    Ok((collect(balances), collect(ledger)))
}

/// Current balances of these products in a storage; absent ones are zero.
pub async fn balances(
    q: &mut impl Query,
    account_id: AccountId,
    storage_id: StorageId,
    product_ids: &[ProductId],
) -> Result<BTreeMap<ProductId, Balance>, DbError> {
    let mut found = BTreeMap::new();
    let keys: Vec<Value> = product_ids.iter().map(|&id| Value::from(id)).collect();
    let query = batch::Lookup {
        columns: "b.product_id, b.qty, b.value",
        from: "stock_balances b",
        condition: "b.account_id = :account_id AND b.storage_id = :storage_id",
        key: "b.product_id",
    };
    batch::lookup(q, &query, params! { account_id, storage_id }, &keys, |r| {
        let balance = Balance {
            qty: r.get("qty")?,
            value: r.get("value")?,
        };
        found.insert(r.get("product_id")?, balance);
        Ok(())
    })
    .await?;
    Ok(found)
}
