//! Queries on the stock ledger (movements) and the balances that follow from it.

use std::collections::{BTreeMap, HashMap};

use super::ids::{self, Kind};
use super::{batch, recost};
use super::{Db, DbError, Query, Tx, Value};
use crate::domain::decimal::{Money, Qty, UnitCost};
use crate::domain::document::DocRef;
use crate::domain::ids::{AccountId, MovementId, ProductId, StorageId};
use crate::domain::ledger::{Key, Rule, State, Valuation};
use crate::domain::stock::{Balance, Movement};
use crate::{from_row, params, record};

/// A movement to write: where, for which line of its document, when, and how it is valued
/// (its quantity and value follow from the rule and the ledger as of its date).
#[derive(Debug, Clone)]
pub struct NewMovement {
    pub storage_id: StorageId,
    pub product_id: ProductId,
    pub line_no: i64,
    pub doc_date: i64,
    pub rule: Posting,
}

/// How a new movement is valued (see [`crate::domain::ledger`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Posting {
    /// This quantity at this value.
    Fixed { qty: Qty, value: Money },
    /// `qty` (negative) out at the average cost as of the date.
    Average { qty: Qty },
    /// The opposite of another movement.
    Mirror(Source),
    /// To `target` on hand (see [`Valuation::Count`]).
    Count {
        target: Qty,
        fallback: Option<UnitCost>,
    },
}

/// The movement a mirror mirrors: an earlier one of the same batch, or one already posted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Batch(usize),
    Posted(MovementId),
}

impl Posting {
    /// What a movement waiting for its re-valuation is written as: its own quantity where it
    /// has one, so that the balance stays the sum of the rows meanwhile.
    fn placeholder(self) -> Movement {
        match self {
            Posting::Fixed { qty, value } => Movement { qty, value },
            Posting::Average { qty } => Movement {
                qty,
                value: Money::ZERO,
            },
            _ => Movement {
                qty: Qty::ZERO,
                value: Money::ZERO,
            },
        }
    }

    fn rule(self) -> Rule {
        match self {
            Posting::Fixed { .. } => Rule::Fixed,
            Posting::Average { .. } => Rule::Average,
            Posting::Mirror(_) => Rule::Mirror,
            Posting::Count { .. } => Rule::Count,
        }
    }
}

/// A storage × product: the unit the ledger is ordered and valued in.
pub type Stream = (StorageId, ProductId);

/// What the ledger holds for a stream: its balance and the latest date of its movements (an
/// upper bound: unwiring leaves it), which tells whether a new movement is the latest.
#[derive(Debug, Clone, Copy, Default)]
struct Head {
    balance: Balance,
    last_date: i64,
}

/// Writes the movements of a document and values them as of their dates: a movement dated
/// after everything in its storage and product is valued from the balance at once; one dated
/// before later movements is inserted in its place and everything it affects after it is
/// valued again ([`recost`]), as is one dated before `counted_through`, the account's latest
/// wired full stocktaking (which may have to count it). Returns each movement as posted, in
/// the order given.
pub async fn post(
    tx: &mut Tx,
    account_id: AccountId,
    doc: DocRef,
    movements: &[NewMovement],
    counted_through: Option<i64>,
    now: i64,
) -> Result<Vec<Movement>, DbError> {
    if movements.is_empty() {
        return Ok(Vec::new());
    }
    let count = i64::try_from(movements.len()).unwrap_or(i64::MAX);
    let first_id = ids::reserve(tx, account_id, Kind::Movement, count).await?;
    let id_of = |n: usize| MovementId::new(first_id + i64::try_from(n).unwrap_or(i64::MAX));
    let streams: Vec<Stream> = movements
        .iter()
        .map(|m| (m.storage_id, m.product_id))
        .collect();
    let mut heads = heads(tx, account_id, &streams).await?;
    let posted_sources = posted_sources(tx, account_id, movements).await?;
    // streams whose new movements must wait for a re-valuation, from which key
    let mut dirty: BTreeMap<Stream, Key> = BTreeMap::new();
    let mut states: BTreeMap<Stream, State> = BTreeMap::new();
    let mut posted: Vec<Option<Movement>> = Vec::with_capacity(movements.len());
    for (n, m) in movements.iter().enumerate() {
        let stream = (m.storage_id, m.product_id);
        let head = heads.entry(stream).or_default();
        let source = match m.rule {
            Posting::Mirror(Source::Batch(i)) => Some(posted.get(i).copied().flatten()),
            Posting::Mirror(Source::Posted(id)) => Some(posted_sources.get(&id).copied()),
            _ => None,
        };
        // before a later movement of its stream, or before a full stocktaking (which counts
        // every product of its storage, perhaps this one)
        let counted_at = counted_through.unwrap_or(i64::MIN);
        let late = m.doc_date < head.last_date.max(counted_at) || dirty.contains_key(&stream);
        let waiting = matches!(source, Some(None));
        if late || waiting {
            dirty.entry(stream).or_insert((m.doc_date, id_of(n).get()));
            posted.push(None);
            continue;
        }
        let state = match states.entry(stream) {
            std::collections::btree_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::btree_map::Entry::Vacant(e) => {
                let last_cost = if matches!(m.rule, Posting::Count { fallback: None, .. }) {
                    last_cost(tx, account_id, stream, (m.doc_date, id_of(n).get())).await?
                } else {
                    None
                };
                e.insert(State {
                    balance: head.balance,
                    last_cost,
                })
            }
        };
        let valuation = match m.rule {
            Posting::Fixed { qty, value } => Valuation::Fixed { qty, value },
            Posting::Average { qty } => Valuation::Average { qty },
            Posting::Mirror(_) => Valuation::Mirror {
                of: source.flatten().unwrap_or(Movement {
                    qty: Qty::ZERO,
                    value: Money::ZERO,
                }),
            },
            Posting::Count { target, fallback } => Valuation::Count { target, fallback },
        };
        posted.push(Some(state.step(valuation)));
        head.last_date = head.last_date.max(m.doc_date);
    }
    let shown: Vec<Movement> = movements
        .iter()
        .zip(&posted)
        .map(|(m, done)| done.unwrap_or_else(|| m.rule.placeholder()))
        .collect();
    let rows = records(account_id, doc, movements, &shown, first_id);
    batch::insert(tx, "stock_movements", &rows, "").await?;
    let mut deltas = Deltas::new();
    for (m, shown) in movements.iter().zip(&shown) {
        let entry = deltas.entry((m.storage_id, m.product_id)).or_default();
        entry.qty += shown.qty.units();
        entry.value += shown.value.units();
        entry.last_date = entry.last_date.max(m.doc_date);
    }
    add_to_balances(tx, account_id, &deltas, now).await?;
    if dirty.is_empty() {
        return Ok(shown);
    }
    let changed = recost::run(tx, account_id, dirty, now).await?;
    let mut out = Vec::with_capacity(movements.len());
    for (n, done) in posted.into_iter().enumerate() {
        let placed = match done {
            Some(m) => m,
            None => match changed.get(&id_of(n)) {
                Some(m) => *m,
                None => stored(tx, account_id, id_of(n)).await?,
            },
        };
        out.push(placed);
    }
    Ok(out)
}

/// The rows of a document's movements, numbered from `first_id`, at the quantity and value
/// they are shown with until re-valued.
fn records(
    account_id: AccountId,
    doc: DocRef,
    movements: &[NewMovement],
    shown: &[Movement],
    first_id: i64,
) -> Vec<batch::Record> {
    let id_of = |n: usize| MovementId::new(first_id + i64::try_from(n).unwrap_or(i64::MAX));
    let doc_type = doc.kind.as_str();
    movements
        .iter()
        .zip(shown)
        .enumerate()
        .map(|(n, (m, shown))| {
            let (source_id, target, cost) = match m.rule {
                Posting::Mirror(Source::Batch(i)) => (Some(id_of(i)), None, None),
                Posting::Mirror(Source::Posted(id)) => (Some(id), None, None),
                Posting::Count { target, fallback } => (None, Some(target), fallback),
                _ => (None, None, None),
            };
            record! {
                account_id,
                id: id_of(n),
                storage_id: m.storage_id,
                product_id: m.product_id,
                doc_type,
                doc_id: doc.id,
                line_no: m.line_no,
                doc_date: m.doc_date,
                qty: shown.qty,
                value: shown.value,
                rule: m.rule.rule().as_str(),
                source_id,
                target,
                cost,
            }
        })
        .collect()
}

/// The balances and latest dates of these streams.
async fn heads(
    tx: &mut Tx,
    account_id: AccountId,
    streams: &[Stream],
) -> Result<BTreeMap<Stream, Head>, DbError> {
    let mut by_storage: BTreeMap<StorageId, Vec<ProductId>> = BTreeMap::new();
    for &(storage_id, product_id) in streams {
        by_storage.entry(storage_id).or_default().push(product_id);
    }
    let mut found = BTreeMap::new();
    for (storage_id, products) in by_storage {
        let keys: Vec<Value> = products.iter().map(|&id| Value::from(id)).collect();
        let query = batch::Lookup {
            columns: "b.product_id, b.qty, b.value, b.last_date",
            from: "stock_balances b",
            condition: "b.account_id = :account_id AND b.storage_id = :storage_id",
            key: "b.product_id",
        };
        batch::lookup(tx, &query, params! { account_id, storage_id }, &keys, |r| {
            let head = Head {
                balance: Balance {
                    qty: r.get("qty")?,
                    value: r.get("value")?,
                },
                last_date: r.get("last_date")?,
            };
            found.insert((storage_id, r.get("product_id")?), head);
            Ok(())
        })
        .await?;
    }
    Ok(found)
}

/// The current quantity and value of the posted movements that new mirrors mirror.
async fn posted_sources(
    tx: &mut Tx,
    account_id: AccountId,
    movements: &[NewMovement],
) -> Result<HashMap<MovementId, Movement>, DbError> {
    let keys: Vec<Value> = movements
        .iter()
        .filter_map(|m| match m.rule {
            Posting::Mirror(Source::Posted(id)) => Some(Value::from(id)),
            _ => None,
        })
        .collect();
    let mut found = HashMap::new();
    if keys.is_empty() {
        return Ok(found);
    }
    let query = batch::Lookup {
        columns: "m.id, m.qty, m.value",
        from: "stock_movements m",
        condition: "m.account_id = :account_id",
        key: "m.id",
    };
    batch::lookup(tx, &query, params! { account_id }, &keys, |r| {
        let movement = Movement {
            qty: r.get("qty")?,
            value: r.get("value")?,
        };
        found.insert(r.get("id")?, movement);
        Ok(())
    })
    .await?;
    Ok(found)
}

/// The unit cost of the last stock that came into `stream` before `key`, if any did.
pub(super) async fn last_cost(
    q: &mut impl Query,
    account_id: AccountId,
    stream: Stream,
    key: Key,
) -> Result<Option<UnitCost>, DbError> {
    let (storage_id, product_id) = stream;
    let (date, id) = key;
    let last: Option<Sum> = q
        .optional(
            "SELECT storage_id, product_id, qty, value FROM stock_movements \
             WHERE account_id = :account_id AND storage_id = :storage_id AND product_id = :product_id \
             AND (doc_date < :date OR (doc_date = :date AND id < :id)) AND qty > 0 AND value > 0 \
             ORDER BY doc_date DESC, id DESC LIMIT 1",
            params! { account_id, storage_id, product_id, date, id },
        )
        .await?;
    Ok(last.map(|s| UnitCost::round(s.value.decimal() / s.qty.decimal())))
}

/// A movement's quantity and value as stored.
async fn stored(tx: &mut Tx, account_id: AccountId, id: MovementId) -> Result<Movement, DbError> {
    let row: Sum = tx
        .one(
            "SELECT storage_id, product_id, qty, value FROM stock_movements \
             WHERE account_id = :account_id AND id = :id",
            params! { account_id, id },
        )
        .await?;
    Ok(Movement {
        qty: row.qty,
        value: row.value,
    })
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

/// A movement as it leaves the ledger.
struct Removed {
    storage_id: StorageId,
    product_id: ProductId,
    id: MovementId,
    doc_date: i64,
    qty: Qty,
    value: Money,
}

from_row!(Removed {
    storage_id,
    product_id,
    id,
    doc_date,
    qty,
    value
});

/// Removes every movement of a document, takes exactly them off the balances, and values
/// again what came after them.
pub async fn unpost(
    tx: &mut Tx,
    account_id: AccountId,
    doc: DocRef,
    now: i64,
) -> Result<(), DbError> {
    let doc_type = doc.kind.as_str();
    let removed: Vec<Removed> = tx
        .all(
            "SELECT storage_id, product_id, id, doc_date, qty, value \
             FROM stock_movements WHERE account_id = :account_id AND doc_type = :doc_type AND doc_id = :doc_id",
            params! { account_id, doc_type, doc_id: doc.id },
        )
        .await?;
    let mut deltas = Deltas::new();
    let mut dirty: BTreeMap<Stream, Key> = BTreeMap::new();
    for r in &removed {
        let stream = (r.storage_id, r.product_id);
        let entry = deltas.entry(stream).or_default();
        entry.qty -= r.qty.units();
        entry.value -= r.value.units();
        let key = (r.doc_date, r.id.get());
        let start = dirty.entry(stream).or_insert(key);
        *start = (*start).min(key);
    }
    add_to_balances(tx, account_id, &deltas, now).await?;
    tx.run(
        "DELETE FROM stock_movements WHERE account_id = :account_id AND doc_type = :doc_type AND doc_id = :doc_id",
        params! { account_id, doc_type, doc_id: doc.id },
    )
    .await?;
    recost::run(tx, account_id, dirty, now).await?;
    Ok(())
}

/// A movement a document posted: where, and for which line.
#[derive(Debug, Clone, Copy)]
pub struct PostedMovement {
    pub id: MovementId,
    pub storage_id: StorageId,
    pub product_id: ProductId,
    pub line_no: i64,
    pub doc_date: i64,
}

from_row!(PostedMovement {
    id,
    storage_id,
    product_id,
    line_no,
    doc_date
});

/// The movements a document posted, in posting order.
pub async fn movements_of(
    tx: &mut Tx,
    account_id: AccountId,
    doc: DocRef,
) -> Result<Vec<PostedMovement>, DbError> {
    tx.all(
        "SELECT id, storage_id, product_id, line_no, doc_date FROM stock_movements \
         WHERE account_id = :account_id AND doc_type = :doc_type AND doc_id = :doc_id ORDER BY id",
        params! { account_id, doc_type: doc.kind.as_str(), doc_id: doc.id },
    )
    .await
}

/// A change to one balance, in units, and the latest date it brings.
#[derive(Debug, Clone, Copy, Default)]
struct Delta {
    qty: i64,
    value: i64,
    last_date: i64,
}

/// Changes by stream. Ordered, so that concurrent writers on PostgreSQL lock balance rows in
/// the same order and cannot deadlock.
type Deltas = BTreeMap<Stream, Delta>;

/// Adds deltas to balances, creating missing rows; a balance's latest date only grows.
async fn add_to_balances(
    tx: &mut Tx,
    account_id: AccountId,
    deltas: &Deltas,
    now: i64,
) -> Result<(), DbError> {
    let rows: Vec<batch::Record> = deltas
        .iter()
        .map(|(&(storage_id, product_id), d)| {
            record! {
                account_id,
                storage_id,
                product_id,
                qty: d.qty,
                value: d.value,
                last_date: d.last_date,
                updated_at: now,
            }
        })
        .collect();
    batch::insert(
        tx,
        "stock_balances",
        &rows,
        "ON CONFLICT (account_id, storage_id, product_id) DO UPDATE SET qty = stock_balances.qty + excluded.qty, \
         value = stock_balances.value + excluded.value, updated_at = excluded.updated_at, \
         last_date = CASE WHEN excluded.last_date > stock_balances.last_date THEN excluded.last_date \
         ELSE stock_balances.last_date END",
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

/// A movement as the date-order check replays it.
#[derive(Debug, Clone)]
pub struct LedgerRow {
    pub id: MovementId,
    pub storage_id: StorageId,
    pub product_id: ProductId,
    pub doc_type: String,
    pub doc_id: i64,
    pub line_no: i64,
    pub doc_date: i64,
    pub rule: String,
    pub qty: Qty,
    pub value: Money,
    pub source_id: Option<MovementId>,
    pub target: Option<Qty>,
    pub cost: Option<UnitCost>,
}

from_row!(LedgerRow {
    id,
    storage_id,
    product_id,
    doc_type,
    doc_id,
    line_no,
    doc_date,
    rule,
    qty,
    value,
    source_id,
    target,
    cost
});

/// Every movement of the account in ledger order (date, then posting order).
pub async fn in_date_order(tx: &mut Tx, account_id: AccountId) -> Result<Vec<LedgerRow>, DbError> {
    tx.all(
        "SELECT id, storage_id, product_id, doc_type, doc_id, line_no, doc_date, rule, qty, value, \
         source_id, target, cost FROM stock_movements WHERE account_id = :account_id \
         ORDER BY doc_date, id",
        params! { account_id },
    )
    .await
}

/// A receipt line's recorded cost.
#[derive(Debug, Clone, Copy)]
pub struct LineCost {
    pub receipt_id: i64,
    pub line_no: i64,
    pub self_cost_sum: Money,
}

from_row!(LineCost {
    receipt_id,
    line_no,
    self_cost_sum
});

/// The recorded cost of every receipt line that moved stock.
pub async fn receipt_line_costs(
    tx: &mut Tx,
    account_id: AccountId,
) -> Result<Vec<LineCost>, DbError> {
    tx.all(
        "SELECT l.receipt_id, l.line_no, l.self_cost_sum FROM receipt_lines l \
         WHERE l.account_id = :account_id AND EXISTS (SELECT 1 FROM stock_movements m \
         WHERE m.account_id = l.account_id AND m.doc_type = 'receipt' AND m.doc_id = l.receipt_id \
         AND m.line_no = l.line_no)",
        params! { account_id },
    )
    .await
}
