//! Re-valuing the ledger after a change in its past (API.md §11, the date rule): a movement
//! inserted or removed before later ones changes the balance every later movement of its
//! storage and product was valued from. Those are valued again in date order; a changed
//! transfer source changes its destination side in another storage (and so on down the
//! chain), a changed sale changes its annulment and the `self_cost_sum` of its receipt line.
//!
//! Only what is affected is read: each stream (storage × product) from the first changed
//! key on, with its opening balance taken as the stored balance less the rows read (the
//! balance is always the sum of the rows). Streams are taken in the order of their first
//! changed key, and a dependent always comes after its source, so each stream is usually
//! read once.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::stock::Stream;
use super::{batch, DbError, FromRow, Query, Tx, Value};
use crate::domain::decimal::{Money, Qty, UnitCost};
use crate::domain::document::DocKind;
use crate::domain::ids::{AccountId, MovementId, ReceiptId};
use crate::domain::ledger::{Key, Rule, State, Stored, Valuation};
use crate::domain::stock::{Balance, Movement};
use crate::{from_row, params, record};

/// A movement as the re-valuation reads it, with the movement it mirrors as now stored.
struct Row {
    id: MovementId,
    doc_type: String,
    doc_id: i64,
    line_no: i64,
    rule: String,
    qty: Qty,
    value: Money,
    source_id: Option<MovementId>,
    target: Option<Qty>,
    cost: Option<UnitCost>,
    source_qty: Option<Qty>,
    source_value: Option<Money>,
}

from_row!(Row {
    id,
    doc_type,
    doc_id,
    line_no,
    rule,
    qty,
    value,
    source_id,
    target,
    cost,
    source_qty,
    source_value
});

/// A movement whose quantity or value changed: what its document needs to follow.
struct Revalued {
    id: MovementId,
    doc_type: String,
    doc_id: i64,
    line_no: i64,
    rule: Rule,
    /// The change of value, in units.
    delta: i64,
}

/// A movement that depends on a changed one.
struct Dependent {
    id: MovementId,
    storage_id: crate::domain::ids::StorageId,
    product_id: crate::domain::ids::ProductId,
    doc_date: i64,
}

from_row!(Dependent {
    id,
    storage_id,
    product_id,
    doc_date
});

/// Where a run's time went, for its debug line: the size of a change in the past shows here.
#[derive(Debug, Default)]
struct Spent {
    read: std::time::Duration,
    written: std::time::Duration,
    dependents: std::time::Duration,
    receipt_lines: std::time::Duration,
}

/// Time from `started` on, added to `to`.
fn add_since(to: &mut std::time::Duration, started: std::time::Instant) {
    *to += started.elapsed();
}

/// Values again every stream of `dirty` from its key on, and whatever depends on what
/// changes; returns the movements whose quantity or value changed, as they now are.
pub async fn run(
    tx: &mut Tx,
    account_id: AccountId,
    dirty: impl IntoIterator<Item = (Stream, Key)>,
    now: i64,
) -> Result<HashMap<MovementId, Movement>, DbError> {
    let mut queue: BTreeSet<(Key, Stream)> = BTreeSet::new();
    let mut queued: HashMap<Stream, Key> = HashMap::new();
    for (stream, key) in dirty {
        enqueue(&mut queue, &mut queued, stream, key);
    }
    let mut changed: HashMap<MovementId, Movement> = HashMap::new();
    // (receipt, line) → the change of its `self_cost_sum`, in units; in key order, so the
    // lines are updated in the order they are stored
    let mut costs: BTreeMap<(ReceiptId, i64), i64> = BTreeMap::new();
    let (started, mut streams) = (std::time::Instant::now(), 0usize);
    let mut spent = Spent::default();
    while let Some((key, stream)) = queue.pop_first() {
        queued.remove(&stream);
        streams += 1;
        let newly = replay(tx, account_id, (stream, key), &mut changed, &mut spent, now).await?;
        let mut sources: Vec<Value> = Vec::new();
        for r in &newly {
            let is_receipt = r.doc_type == DocKind::Receipt.as_str();
            if is_receipt {
                // a sale's line shows what its movements take, an annulment's what they give back
                let sign = if r.rule == Rule::Mirror { 1 } else { -1 };
                *costs
                    .entry((ReceiptId::new(r.doc_id), r.line_no))
                    .or_default() += sign * r.delta;
            }
            // only what goes out at the average cost is mirrored: a transfer's source side in
            // another storage, a sale by its annulment — in the same stream and never before
            // the sale (`service::write_off::reverse`), so the replay under way values it
            if r.rule == Rule::Average && r.doc_type == DocKind::Move.as_str() {
                sources.push(Value::from(r.id));
            }
        }
        if sources.is_empty() {
            continue;
        }
        let looked = std::time::Instant::now();
        let found = dependents(tx, account_id, &sources).await?;
        add_since(&mut spent.dependents, looked);
        for d in found {
            enqueue(
                &mut queue,
                &mut queued,
                (d.storage_id, d.product_id),
                (d.doc_date, d.id.get()),
            );
        }
    }
    let set = std::time::Instant::now();
    set_receipt_costs(tx, account_id, &costs).await?;
    add_since(&mut spent.receipt_lines, set);
    // what a change in the past cost: the one place its size shows
    tracing::debug!(
        streams,
        movements = changed.len(),
        receipt_lines = costs.len(),
        took = ?started.elapsed(),
        ?spent,
        "re-valued the ledger"
    );
    Ok(changed)
}

/// Queues `stream` from `key`, or from an earlier key already queued.
fn enqueue(
    queue: &mut BTreeSet<(Key, Stream)>,
    queued: &mut HashMap<Stream, Key>,
    stream: Stream,
    key: Key,
) {
    if let Some(&earlier) = queued.get(&stream) {
        if earlier <= key {
            return;
        }
        queue.remove(&(earlier, stream));
    }
    queued.insert(stream, key);
    queue.insert((key, stream));
}

/// Values `stream` again from `key` on, writes what changed and the balance; returns the
/// changed movements with their document kind and id.
async fn replay(
    tx: &mut Tx,
    account_id: AccountId,
    (stream, key): (Stream, Key),
    changed: &mut HashMap<MovementId, Movement>,
    spent: &mut Spent,
    now: i64,
) -> Result<Vec<Revalued>, DbError> {
    let (storage_id, product_id) = stream;
    let (date, id) = key;
    let read = std::time::Instant::now();
    count_in_full_stocktakings(tx, account_id, stream, date).await?;
    let rows: Vec<Row> = tx
        .all(
            "SELECT m.id, m.doc_type, m.doc_id, m.line_no, m.rule, m.qty, m.value, m.source_id, \
             m.target, m.cost, s.qty AS source_qty, s.value AS source_value \
             FROM stock_movements m LEFT JOIN stock_movements s \
             ON s.account_id = m.account_id AND s.id = m.source_id \
             WHERE m.account_id = :account_id AND m.storage_id = :storage_id \
             AND m.product_id = :product_id AND (m.doc_date > :date OR (m.doc_date = :date AND m.id >= :id)) \
             ORDER BY m.doc_date, m.id",
            params! { account_id, storage_id, product_id, date, id },
        )
        .await?;
    if rows.is_empty() {
        add_since(&mut spent.read, read);
        return Ok(Vec::new());
    }
    let stored: Option<Balance> = balance(tx, account_id, stream).await?;
    let stored = stored.unwrap_or_default();
    let (mut qty, mut value) = (stored.qty.units(), stored.value.units());
    for r in &rows {
        qty -= r.qty.units();
        value -= r.value.units();
    }
    let needs_last_cost = rows
        .iter()
        .any(|r| r.rule == Rule::Count.as_str() && r.cost.is_none());
    let last_cost = if needs_last_cost {
        super::stock::last_cost(tx, account_id, stream, key).await?
    } else {
        None
    };
    let mut state = State {
        balance: Balance {
            qty: Qty::from_units(qty),
            value: Money::from_units(value),
        },
        last_cost,
    };
    add_since(&mut spent.read, read);
    let mut newly = Vec::new();
    let mut updates: Vec<batch::Record> = Vec::new();
    for r in rows {
        let (rule, valuation) = valuation(&r, changed)?;
        let movement = state.step(valuation);
        if movement.qty != r.qty || movement.value != r.value {
            changed.insert(r.id, movement);
            updates.push(record! { id: r.id, qty: movement.qty, value: movement.value });
            newly.push(Revalued {
                id: r.id,
                doc_type: r.doc_type,
                doc_id: r.doc_id,
                line_no: r.line_no,
                rule,
                delta: movement.value.units() - r.value.units(),
            });
        }
    }
    let written = std::time::Instant::now();
    batch::update_by(
        tx,
        "stock_movements",
        account_id,
        1,
        "qty = v.qty, value = v.value",
        &updates,
    )
    .await?;
    if !newly.is_empty() {
        tx.run(
            "UPDATE stock_balances SET qty = :qty, value = :value, updated_at = :now \
             WHERE account_id = :account_id AND storage_id = :storage_id AND product_id = :product_id",
            params! {
                account_id,
                storage_id,
                product_id,
                qty: state.balance.qty,
                value: state.balance.value,
                now,
            },
        )
        .await?;
        super::marks::bump(tx, account_id, super::marks::Section::Balances);
    }
    add_since(&mut spent.written, written);
    Ok(newly)
}

/// A wired full stocktaking counts every product of its storage as of its date: one dated at
/// or after `date` that has no count for this product yet (the product had nothing in the
/// book when it was wired, and something placed before it changes that) gets a count to 0,
/// numbered after its lines, for the replay to value.
async fn count_in_full_stocktakings(
    tx: &mut Tx,
    account_id: AccountId,
    stream: Stream,
    date: i64,
) -> Result<(), DbError> {
    struct Uncounted {
        id: i64,
        doc_date: i64,
        line_no: i64,
    }
    from_row!(Uncounted {
        id,
        doc_date,
        line_no
    });
    let (storage_id, product_id) = stream;
    let doc_type = DocKind::Inventory.as_str();
    let uncounted: Vec<Uncounted> = tx
        .all(
            "SELECT i.id, i.doc_date, COALESCE((SELECT MAX(m.line_no) FROM stock_movements m \
             WHERE m.account_id = i.account_id AND m.doc_type = :doc_type AND m.doc_id = i.id), 0) + 1 AS line_no \
             FROM inventories i WHERE i.account_id = :account_id AND i.storage_id = :storage_id \
             AND i.full_count = 1 AND i.wired = 1 AND i.doc_date >= :date \
             AND NOT EXISTS (SELECT 1 FROM stock_movements m WHERE m.account_id = i.account_id \
             AND m.doc_type = :doc_type AND m.doc_id = i.id AND m.product_id = :product_id)",
            params! { account_id, storage_id, product_id, date, doc_type },
        )
        .await?;
    for u in uncounted {
        let id =
            MovementId::new(super::ids::next(tx, account_id, super::ids::Kind::Movement).await?);
        let row = record! {
            account_id,
            id,
            storage_id,
            product_id,
            doc_type,
            doc_id: u.id,
            line_no: u.line_no,
            doc_date: u.doc_date,
            qty: Qty::ZERO,
            value: Money::ZERO,
            rule: Rule::Count.as_str(),
            target: Qty::ZERO,
        };
        batch::insert(tx, "stock_movements", &[row], "").await?;
    }
    Ok(())
}

/// How a stored movement is valued, its source's changes in this run seen first.
fn valuation(
    r: &Row,
    changed: &HashMap<MovementId, Movement>,
) -> Result<(Rule, Valuation), DbError> {
    let rule = Rule::parse(&r.rule).ok_or_else(|| DbError::Corrupt {
        column: "stock_movements.rule",
        value: r.rule.clone(),
    })?;
    let source = r
        .source_id
        .and_then(|s| changed.get(&s).copied())
        .or_else(|| {
            Some(Movement {
                qty: r.source_qty?,
                value: r.source_value?,
            })
        });
    let stored = Stored {
        rule,
        qty: r.qty,
        value: r.value,
        target: r.target,
        cost: r.cost,
        source,
    };
    let valuation = stored.valuation().ok_or_else(|| DbError::Corrupt {
        column: "stock_movements.source_id",
        value: format!("movement {} mirrors a missing movement", r.id),
    })?;
    Ok((rule, valuation))
}

/// The stored balance of a stream.
async fn balance(
    tx: &mut Tx,
    account_id: AccountId,
    stream: Stream,
) -> Result<Option<Balance>, DbError> {
    struct Held {
        qty: Qty,
        value: Money,
    }
    from_row!(Held { qty, value });
    let (storage_id, product_id) = stream;
    let found: Option<Held> = tx
        .optional(
            "SELECT qty, value FROM stock_balances WHERE account_id = :account_id \
             AND storage_id = :storage_id AND product_id = :product_id",
            params! { account_id, storage_id, product_id },
        )
        .await?;
    Ok(found.map(|s| Balance {
        qty: s.qty,
        value: s.value,
    }))
}

/// The movements that mirror any of `ids`.
async fn dependents(
    tx: &mut Tx,
    account_id: AccountId,
    ids: &[Value],
) -> Result<Vec<Dependent>, DbError> {
    let mut found = Vec::new();
    let query = batch::Lookup {
        columns: "m.id, m.storage_id, m.product_id, m.doc_date",
        from: "stock_movements m",
        // says what the partial index of sources holds, so both planners take it
        condition: "m.account_id = :account_id AND m.source_id IS NOT NULL",
        key: "m.source_id",
    };
    batch::lookup(tx, &query, params! { account_id }, ids, |r| {
        found.push(Dependent::from_row(r)?);
        Ok(())
    })
    .await?;
    Ok(found)
}

/// Moves each receipt line's `self_cost_sum` by the change of its movements' values (lines not
/// written yet, of a receipt being recorded, are left to their writer).
async fn set_receipt_costs(
    tx: &mut Tx,
    account_id: AccountId,
    costs: &BTreeMap<(ReceiptId, i64), i64>,
) -> Result<(), DbError> {
    let rows: Vec<batch::Record> = costs
        .iter()
        .filter(|(_, delta)| **delta != 0)
        .map(|(&(receipt_id, line_no), &delta)| record! { receipt_id, line_no, delta })
        .collect();
    batch::update_by(
        tx,
        "receipt_lines",
        account_id,
        2,
        "self_cost_sum = receipt_lines.self_cost_sum + v.delta",
        &rows,
    )
    .await
}
