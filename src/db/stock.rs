//! Queries on the stock ledger (movements) and the balances that follow from it.

use crate::domain::ids::AccountId;
use std::collections::BTreeMap;

use super::batch;
use super::ids::{self, Kind};
use super::{Db, DbError, Row, Tx, Value};

/// A movement to write (decimals in storage units).
pub struct NewMovement {
    pub storage_id: i64,
    pub product_id: i64,
    pub line_no: i64,
    pub doc_date: i64,
    pub qty: i64,
    pub value: i64,
}

/// Which document a movement belongs to.
#[derive(Debug, Clone, Copy)]
pub struct DocRef<'a> {
    pub doc_type: &'a str,
    pub doc_id: i64,
}

/// Writes the movements of a document and adds them to the balances, in one go.
pub async fn post(
    tx: &mut Tx,
    account_id: AccountId,
    doc: DocRef<'_>,
    movements: &[NewMovement],
    now: i64,
) -> Result<(), DbError> {
    if movements.is_empty() {
        return Ok(());
    }
    let first_id = ids::reserve(tx, account_id, Kind::Movement, movements.len() as i64).await?;
    let rows: Vec<Vec<Value>> = movements
        .iter()
        .enumerate()
        .map(|(n, m)| {
            vec![
                account_id.into(),
                (first_id + n as i64).into(),
                m.storage_id.into(),
                m.product_id.into(),
                doc.doc_type.into(),
                doc.doc_id.into(),
                m.line_no.into(),
                m.doc_date.into(),
                m.qty.into(),
                m.value.into(),
            ]
        })
        .collect();
    batch::legacy_insert(
        tx,
        "INSERT INTO stock_movements (account_id, id, storage_id, product_id, doc_type, doc_id, line_no, doc_date, qty, value)",
        &rows,
        "",
    )
    .await?;
    let mut deltas = BTreeMap::new();
    for m in movements {
        let entry = deltas
            .entry((m.storage_id, m.product_id))
            .or_insert((0i64, 0i64));
        entry.0 += m.qty;
        entry.1 += m.value;
    }
    add_to_balances(tx, account_id, &deltas, now).await
}

/// Removes every movement of a document and takes exactly their sums off the balances.
pub async fn unpost(
    tx: &mut Tx,
    account_id: AccountId,
    doc: DocRef<'_>,
    now: i64,
) -> Result<(), DbError> {
    let params: [Value; 3] = [account_id.into(), doc.doc_type.into(), doc.doc_id.into()];
    let rows = tx
        .fetch_all(
            "SELECT storage_id, product_id, CAST(SUM(qty) AS BIGINT), CAST(SUM(value) AS BIGINT) FROM stock_movements \
             WHERE account_id = $1 AND doc_type = $2 AND doc_id = $3 GROUP BY storage_id, product_id",
            &params,
        )
        .await?;
    let deltas = rows
        .iter()
        .map(|r| Ok(((r.int(0)?, r.int(1)?), (-r.int(2)?, -r.int(3)?))))
        .collect::<Result<BTreeMap<_, _>, DbError>>()?;
    add_to_balances(tx, account_id, &deltas, now).await?;
    tx.execute(
        "DELETE FROM stock_movements WHERE account_id = $1 AND doc_type = $2 AND doc_id = $3",
        &params,
    )
    .await?;
    Ok(())
}

/// The movements a document posted, in order.
pub async fn movements_of(
    tx: &mut Tx,
    account_id: AccountId,
    doc: DocRef<'_>,
) -> Result<Vec<NewMovement>, DbError> {
    let rows = tx
        .fetch_all(
            "SELECT storage_id, product_id, line_no, doc_date, qty, value FROM stock_movements \
             WHERE account_id = $1 AND doc_type = $2 AND doc_id = $3 ORDER BY id",
            &[account_id.into(), doc.doc_type.into(), doc.doc_id.into()],
        )
        .await?;
    rows.iter()
        .map(|r| {
            Ok(NewMovement {
                storage_id: r.int(0)?,
                product_id: r.int(1)?,
                line_no: r.int(2)?,
                doc_date: r.int(3)?,
                qty: r.int(4)?,
                value: r.int(5)?,
            })
        })
        .collect()
}

/// Adds (qty, value) deltas to balances, creating missing rows. The map is ordered, so
/// concurrent writers on PostgreSQL lock balance rows in the same order and cannot deadlock.
async fn add_to_balances(
    tx: &mut Tx,
    account_id: AccountId,
    deltas: &BTreeMap<(i64, i64), (i64, i64)>,
    now: i64,
) -> Result<(), DbError> {
    let rows: Vec<Vec<Value>> = deltas
        .iter()
        .map(|(&(storage_id, product_id), &(qty, value))| {
            vec![
                account_id.into(),
                storage_id.into(),
                product_id.into(),
                qty.into(),
                value.into(),
                now.into(),
            ]
        })
        .collect();
    batch::legacy_insert(
        tx,
        "INSERT INTO stock_balances (account_id, storage_id, product_id, qty, value, updated_at)",
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
    pub product_id: i64,
    pub name: String,
    pub measure: String,
    pub qty: i64,
    pub value: i64,
}

/// Every product that has ever moved in the storage, by product id.
pub async fn store(
    db: &Db,
    account_id: AccountId,
    storage_id: i64,
) -> Result<Vec<StoreRow>, DbError> {
    let rows = db
        .read()
        .await
        .fetch_all(
            "SELECT p.id, p.name, p.measure, b.qty, b.value FROM stock_balances b \
             JOIN products p ON p.account_id = b.account_id AND p.id = b.product_id \
             WHERE b.account_id = $1 AND b.storage_id = $2 ORDER BY b.product_id",
            &[account_id.into(), storage_id.into()],
        )
        .await?;
    rows.iter()
        .map(|r| {
            Ok(StoreRow {
                product_id: r.int(0)?,
                name: r.text(1)?,
                measure: r.text(2)?,
                qty: r.int(3)?,
                value: r.int(4)?,
            })
        })
        .collect()
}

/// (storage, product) → (qty, value), in storage units.
pub type Sums = BTreeMap<(i64, i64), (i64, i64)>;

/// The balances as stored, and as the sum of the ledger, for the invariant check.
/// Both come from one snapshot (`tx` from [`super::Db::begin_snapshot`]).
pub async fn balances_and_ledger(
    tx: &mut Tx,
    account_id: AccountId,
) -> Result<(Sums, Sums), DbError> {
    let balances = tx
        .fetch_all(
            "SELECT storage_id, product_id, qty, value FROM stock_balances WHERE account_id = $1",
            &[account_id.into()],
        )
        .await?;
    let ledger = tx
        .fetch_all(
            "SELECT storage_id, product_id, CAST(SUM(qty) AS BIGINT), CAST(SUM(value) AS BIGINT) FROM stock_movements \
             WHERE account_id = $1 GROUP BY storage_id, product_id",
            &[account_id.into()],
        )
        .await?;
    let collect = |rows: Vec<Row>| -> Result<Sums, DbError> {
        rows.iter()
            .map(|r| Ok(((r.int(0)?, r.int(1)?), (r.int(2)?, r.int(3)?))))
            .collect()
    };
    Ok((collect(balances)?, collect(ledger)?))
}

/// Current balances (qty, value in units) of these products in a storage; absent ones are zero.
pub async fn balances(
    tx: &mut Tx,
    account_id: AccountId,
    storage_id: i64,
    product_ids: &[i64],
) -> Result<BTreeMap<i64, (i64, i64)>, DbError> {
    let mut found = BTreeMap::new();
    let keys: Vec<Value> = product_ids.iter().map(|&id| Value::from(id)).collect();
    let query = batch::LegacyLookup {
        columns: "b.product_id, b.qty, b.value",
        from: "stock_balances b",
        condition: "b.account_id = $1 AND b.storage_id = $2",
        key: "b.product_id",
    };
    batch::legacy_lookup(
        tx,
        &query,
        &[account_id.into(), storage_id.into()],
        &keys,
        |r| {
            found.insert(r.int(0)?, (r.int(1)?, r.int(2)?));
            Ok(())
        },
    )
    .await?;
    Ok(found)
}
