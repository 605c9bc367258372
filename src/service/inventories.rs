//! Stocktakings (API.md §11): what was counted in a storage, set against the book **as of the
//! document's date**. Created not wired; wiring posts, per product, a count that brings the
//! balance as of that date to what was counted (a shortfall out at the average cost, a
//! surplus in at it, or at the last cost stock came in at when there is none on hand). A
//! full stocktaking also counts as 0 every product with a non-zero book balance as of the
//! date that it does not list, found when it is wired. Reading shows, per line, the book,
//! the count, the difference and its value, as the ledger holds them now.

use std::collections::{BTreeMap, HashSet};

use crate::db::documents::Table;
use crate::db::ids::{self, Kind};
use crate::db::inventories::{
    self as inventory_db, CountLine, InventoryRow, NewCount, NewInventory,
};
use crate::db::posted::{self, Posted};
use crate::db::stock::{NewMovement, Posting};
use crate::db::{self, accounts, catalog, Db, Tx};
use crate::domain::decimal::Qty;
use crate::domain::document::DocRef;
use crate::domain::ids::{AccountId, InventoryId};
use crate::domain::time;
use crate::wire::inventories::{CountIn, InventoryIn};

use super::documents::{doc_date, header_in, require_unlocked, StockDocument};
use super::writeoffs::require_storage;
use super::{Actor, ServiceError, ServiceResult};

/// Creates a stocktaking, not wired, and returns its id.
#[tracing::instrument(skip_all, fields(account = %actor.account_id))]
pub async fn create(db: &Db, actor: &Actor, input: &InventoryIn) -> ServiceResult<InventoryId> {
    let doc_date = doc_date(input.date.as_deref())?;
    let full = input.full.unwrap_or(false);
    if input.items.is_empty() && !full {
        return Err(ServiceError::invalid(
            "items",
            "a stocktaking that is not full needs at least one item",
        ));
    }
    check_counts(&input.items)?;
    let mut tx = db.begin_write().await?;
    require_unlocked(&mut tx, actor.account_id, doc_date).await?;
    let storage_id = input.storage.caf_id;
    require_storage(&mut tx, actor.account_id, storage_id, "storage.caf_id").await?;
    let lines = resolve_counts(&mut tx, actor.account_id, &input.items).await?;
    let id = InventoryId::new(ids::next(&mut tx, actor.account_id, Kind::Inventory).await?);
    let doc = NewInventory {
        id,
        comment: input.comment.clone().unwrap_or_default(),
        doc_date,
        storage_id,
        full,
        by: actor.user_id,
    };
    inventory_db::insert(&mut tx, actor.account_id, &doc, &lines, time::now_unix()).await?;
    db::commit(tx).await?;
    Ok(id)
}

/// 422 naming the first negative count or the second line of a product code listed twice.
fn check_counts(items: &[CountIn]) -> ServiceResult<()> {
    let mut seen = HashSet::new();
    for (i, item) in items.iter().enumerate() {
        if item.counted.is_negative() {
            return Err(ServiceError::invalid(
                format!("items[{i}].counted"),
                "counted must not be negative",
            ));
        }
        if !seen.insert(item.product_code.as_str()) {
            return Err(ServiceError::invalid(
                format!("items[{i}].product_code"),
                format!("product {:?} is listed twice", item.product_code),
            ));
        }
    }
    Ok(())
}

/// The counted lines by product id; 422 naming the first unknown product code.
async fn resolve_counts(
    tx: &mut Tx,
    account_id: AccountId,
    items: &[CountIn],
) -> ServiceResult<Vec<NewCount>> {
    let codes: Vec<String> = items.iter().map(|i| i.product_code.clone()).collect();
    let found = catalog::products_by_code(tx, account_id, &codes).await?;
    items
        .iter()
        .enumerate()
        .map(|(i, item)| match found.get(&item.product_code) {
            Some(product) => Ok(NewCount {
                product_id: product.id,
                counted: item.counted,
            }),
            None => Err(ServiceError::invalid(
                format!("items[{i}].product_code"),
                format!("no product {:?} in the account", item.product_code),
            )),
        })
        .collect()
}

/// A stocktaking as read: its header, its counted lines, and its movements by line number
/// (the listed lines first, then, for a full one, the products it counted as 0; none while
/// it is not wired).
pub struct InventoryRead {
    pub header: InventoryRow,
    pub lines: Vec<CountLine>,
    pub posted: BTreeMap<i64, Posted>,
}

/// Reads stocktaking `id`: 404 when there is none.
#[tracing::instrument(skip_all, fields(account = %account_id, id = %id))]
pub async fn read(db: &Db, account_id: AccountId, id: InventoryId) -> ServiceResult<InventoryRead> {
    let mut q = db.read().await;
    let header = inventory_db::TABLE
        .find(&mut q, account_id, id)
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("no inventory with id {id}")))?;
    let lines = inventory_db::lines(&mut q, account_id, id).await?;
    let posted = posted::by_line(&mut q, account_id, DocRef::of(id)).await?;
    Ok(InventoryRead {
        header,
        lines,
        posted,
    })
}

/// Stocktakings as stock documents: wiring brings each counted product's balance as of the
/// date to its count; a full one also brings every other product with a non-zero book
/// balance as of the date to 0 (numbered after the listed lines, by product id).
impl StockDocument for InventoryId {
    type Header = InventoryRow;

    const TABLE: Table<InventoryRow> = inventory_db::TABLE;

    async fn movements(
        self,
        tx: &mut Tx,
        account_id: AccountId,
    ) -> ServiceResult<Vec<NewMovement>> {
        let head = header_in(tx, account_id, self).await?;
        let lines = inventory_db::lines(tx, account_id, self).await?;
        let count = |line_no: i64, product_id, target| NewMovement {
            storage_id: head.storage_id,
            product_id,
            line_no,
            doc_date: head.doc_date,
            rule: Posting::Count {
                target,
                fallback: None,
            },
        };
        let mut movements: Vec<NewMovement> = lines
            .iter()
            .map(|l| count(l.line_no, l.product_id, l.counted))
            .collect();
        if head.full_count {
            // later movements dated before it must look at it (see `stock::post`)
            accounts::note_full_count(tx, account_id, head.doc_date).await?;
            let listed: HashSet<_> = lines.iter().map(|l| l.product_id).collect();
            let mut line_no = lines.iter().map(|l| l.line_no).max().unwrap_or(0);
            for book in
                posted::non_zero_book(tx, account_id, head.storage_id, head.doc_date).await?
            {
                if listed.contains(&book.product_id) {
                    continue;
                }
                line_no += 1;
                movements.push(count(line_no, book.product_id, Qty::ZERO));
            }
        }
        Ok(movements)
    }
}
