//! The stock reports of API.md §11: a storage's balances at an instant, the movement report
//! (opening, in and out by kind, closing, per product) and a product's ledger with its
//! running balance and cost. All exact: each is a sum of movements whose values are those of
//! the dated ledger, so opening + in − out = closing to the unit.

use std::collections::BTreeMap;

use crate::db::stock_report::{self as report_db, Card, LedgerLine};
use crate::db::{objects, Db};
use crate::domain::decimal::{Money, Qty};
use crate::domain::ids::{AccountId, ProductId, StorageId};
use crate::domain::stock::{Balance, Movement};
use crate::domain::time;

use super::{ServiceError, ServiceResult};

/// How far back from now a balance is computed as the current one less what came since
/// (fewer rows) rather than summed from the start.
const RECENT: i64 = 183 * 86_400;

/// Whether `at` is within [`RECENT`] of now.
fn recent(at: i64) -> bool {
    at >= time::now_unix() - RECENT
}

/// A product's line at an instant: its name and measure, and its balance.
pub struct StoreAt {
    pub product_id: ProductId,
    pub name: String,
    pub measure: String,
    pub balance: Balance,
}

async fn require_storage(
    db: &Db,
    account_id: AccountId,
    storage_id: StorageId,
) -> ServiceResult<()> {
    if objects::storage_exists(db, account_id, storage_id).await? {
        Ok(())
    } else {
        Err(ServiceError::NotFound(format!(
            "no storage with id {storage_id}"
        )))
    }
}

/// The account's live storages, by id.
pub async fn storages(db: &Db, account_id: AccountId) -> ServiceResult<Vec<objects::StorageRow>> {
    Ok(objects::live_storages(db, account_id).await?)
}

/// The balances of a storage now, by product id.
#[tracing::instrument(skip_all, fields(account = %account_id, storage = %storage_id))]
pub async fn current(
    db: &Db,
    account_id: AccountId,
    storage_id: StorageId,
) -> ServiceResult<Vec<StoreAt>> {
    require_storage(db, account_id, storage_id).await?;
    let rows = crate::db::stock::store(db, account_id, storage_id).await?;
    Ok(rows
        .into_iter()
        .map(|r| StoreAt {
            product_id: r.product_id,
            name: r.name,
            measure: r.measure,
            balance: Balance {
                qty: r.qty,
                value: r.value,
            },
        })
        .collect())
}

/// The balances of a storage just before `at`: every product that had moved by then.
#[tracing::instrument(skip_all, fields(account = %account_id, storage = %storage_id))]
pub async fn store_at(
    db: &Db,
    account_id: AccountId,
    storage_id: StorageId,
    at: i64,
) -> ServiceResult<Vec<StoreAt>> {
    require_storage(db, account_id, storage_id).await?;
    let mut q = db.read().await;
    let way = report_db::way(&mut q, account_id, storage_id, recent(at)).await?;
    let sums = report_db::balances_at(&mut q, account_id, storage_id, at, way).await?;
    Ok(sums
        .into_iter()
        .map(|s| StoreAt {
            product_id: s.product_id,
            balance: Balance {
                qty: s.qty,
                value: s.value,
            },
            name: s.name,
            measure: s.measure,
        })
        .collect())
}

/// A quantity and a value moved.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Flow {
    pub qty: i64,
    pub value: i64,
}

impl Flow {
    fn add(&mut self, qty: Qty, value: Money) {
        self.qty += qty.units();
        self.value += value.units();
    }
}

/// Where a movement counts in the report: coming in, or going out, and under which heading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Heading {
    InInvoices,
    InTransfers,
    InSurplus,
    OutSales,
    OutTransfers,
    OutWriteoffs,
    OutReturns,
    OutShortfall,
}

/// The heading of a movement of document kind `doc_type` in direction `incoming`. Sales are
/// net: an annulment's movements come back in and reduce them; so are write-offs and returns
/// (their only movements go out).
pub fn heading(doc_type: &str, incoming: bool) -> Heading {
    match (doc_type, incoming) {
        ("invoice", _) => Heading::InInvoices,
        ("move", true) => Heading::InTransfers,
        ("move", false) => Heading::OutTransfers,
        ("receipt", _) => Heading::OutSales,
        ("writeoff", _) => Heading::OutWriteoffs,
        ("return", _) => Heading::OutReturns,
        (_, true) => Heading::InSurplus,
        (_, false) => Heading::OutShortfall,
    }
}

/// One product's line of the movement report: the in and out flows are positive amounts
/// (an out heading holds what went out), so opening + Σin − Σout = closing exactly.
pub struct ReportLine {
    pub product_id: ProductId,
    pub name: String,
    pub code: String,
    pub measure: String,
    pub opening: Flow,
    pub flows: BTreeMap<Heading, Flow>,
    pub closing: Flow,
}

/// The movement report of a storage for `[from, to)`, optionally for one product code.
#[tracing::instrument(skip_all, fields(account = %account_id, storage = %storage_id))]
pub async fn movements(
    db: &Db,
    account_id: AccountId,
    storage_id: StorageId,
    (from, to): (i64, i64),
    product_code: Option<&str>,
) -> ServiceResult<Vec<ReportLine>> {
    require_storage(db, account_id, storage_id).await?;
    let only = match product_code {
        Some(code) => Some(product_by_code(db, account_id, code).await?),
        None => None,
    };
    let mut q = db.read().await;
    let way = report_db::way(&mut q, account_id, storage_id, recent(from)).await?;
    let opening = report_db::balances_at(&mut q, account_id, storage_id, from, way).await?;
    let sums = report_db::period_sums(&mut q, account_id, storage_id, from, to).await?;
    let mut lines: BTreeMap<ProductId, (Flow, BTreeMap<Heading, Flow>)> = BTreeMap::new();
    let mut cards: std::collections::HashMap<ProductId, Card> = std::collections::HashMap::new();
    for o in opening {
        lines.entry(o.product_id).or_default().0.add(o.qty, o.value);
        let card = Card {
            product_id: o.product_id,
            ref_code: o.ref_code,
            name: o.name,
            measure: o.measure,
        };
        cards.insert(o.product_id, card);
    }
    for s in &sums {
        let flows = &mut lines.entry(s.product_id).or_default().1;
        let heading = heading(&s.doc_type, s.incoming);
        let flow = flows.entry(heading).or_default();
        if heading >= Heading::OutSales {
            flow.add(
                Qty::from_units(-s.qty.units()),
                Money::from_units(-s.value.units()),
            );
        } else {
            flow.add(s.qty, s.value);
        }
    }
    if let Some(id) = only {
        lines.retain(|p, _| *p == id);
    }
    let missing: Vec<ProductId> = lines
        .keys()
        .filter(|id| !cards.contains_key(id))
        .copied()
        .collect();
    cards.extend(report_db::cards(&mut q, account_id, &missing).await?);
    Ok(lines
        .into_iter()
        .filter_map(|(product_id, (opening, flows))| {
            let card = cards.get(&product_id)?;
            let mut closing = opening;
            for (heading, flow) in &flows {
                let sign = if *heading >= Heading::OutSales { -1 } else { 1 };
                closing.qty += sign * flow.qty;
                closing.value += sign * flow.value;
            }
            Some(ReportLine {
                product_id,
                name: card.name.clone(),
                code: card.ref_code.clone(),
                measure: card.measure.clone(),
                opening,
                flows,
                closing,
            })
        })
        .collect())
}

async fn product_by_code(db: &Db, account_id: AccountId, code: &str) -> ServiceResult<ProductId> {
    let found =
        crate::db::products::find(db, account_id, crate::db::products::Key::RefCode(code)).await?;
    found.map(|p| p.id).ok_or_else(|| {
        ServiceError::invalid(
            "product_code",
            format!("no product {code:?} in the account"),
        )
    })
}

/// A movement of a product's ledger and where it left the balance.
pub struct LedgerEntry {
    pub line: LedgerLine,
    pub after: Balance,
}

/// A product's ledger in a storage for `[from, to)`: the opening balance, and each movement
/// in ledger order with the running balance after it.
pub struct ProductLedger {
    pub product_id: ProductId,
    /// The product's card: its code, name and measure.
    pub card: Card,
    pub opening: Balance,
    pub entries: Vec<LedgerEntry>,
}

/// A product's ledger by its code (the API's way of naming it).
#[tracing::instrument(skip_all, fields(account = %account_id, storage = %storage_id))]
pub async fn product_ledger(
    db: &Db,
    account_id: AccountId,
    storage_id: StorageId,
    product_code: &str,
    range: (i64, i64),
) -> ServiceResult<ProductLedger> {
    require_storage(db, account_id, storage_id).await?;
    let product_id = product_by_code(db, account_id, product_code).await?;
    ledger_rows(db, account_id, storage_id, product_id, range).await
}

/// A product's ledger by its id (the admin UI's links).
#[tracing::instrument(skip_all, fields(account = %account_id, storage = %storage_id))]
pub async fn product_ledger_of(
    db: &Db,
    account_id: AccountId,
    storage_id: StorageId,
    product_id: ProductId,
    range: (i64, i64),
) -> ServiceResult<ProductLedger> {
    require_storage(db, account_id, storage_id).await?;
    ledger_rows(db, account_id, storage_id, product_id, range).await
}

async fn ledger_rows(
    db: &Db,
    account_id: AccountId,
    storage_id: StorageId,
    product_id: ProductId,
    (from, to): (i64, i64),
) -> ServiceResult<ProductLedger> {
    let mut q = db.read().await;
    let card = report_db::cards(&mut q, account_id, &[product_id])
        .await?
        .remove(&product_id)
        .ok_or_else(|| ServiceError::NotFound(format!("no product with id {product_id}")))?;
    let (qty, value) =
        report_db::product_before(&mut q, account_id, storage_id, product_id, from).await?;
    let opening = Balance { qty, value };
    let lines =
        report_db::product_movements(&mut q, account_id, storage_id, product_id, from, to).await?;
    let mut running = opening;
    let entries = lines
        .into_iter()
        .map(|line| {
            running = running.apply(Movement {
                qty: line.qty,
                value: line.value,
            });
            LedgerEntry {
                line,
                after: running,
            }
        })
        .collect();
    Ok(ProductLedger {
        product_id,
        card,
        opening,
        entries,
    })
}
