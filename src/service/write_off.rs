//! Writing a sale off the stock ledger (API.md §7): each line by its product's cancellation
//! type, through tech maps and sub-products, from the storage set for the line's product at
//! the shop (else the shop's default storage), at the running average cost. Lines of one
//! receipt that take the same stock see each other's takings.

use std::collections::{HashMap, HashSet};

use crate::db::accounts;
use crate::db::catalog;
use crate::db::products;
use crate::db::stock::{self, NewMovement, Posting, Source};
use crate::db::tech_maps;
use crate::db::Tx;
use crate::domain::decimal::{Money, Qty};
use crate::domain::document::DocRef;
use crate::domain::ids::{AccountId, ProductId, ShopId, StorageId};
use crate::domain::product::CancellationType;
use crate::domain::recipe::{self, Recipe};

use super::{ServiceError, ServiceResult};

/// A sold line: its number, product and quantity.
#[derive(Debug, Clone, Copy)]
pub struct Sold {
    pub line_no: i64,
    pub product_id: ProductId,
    pub count: Qty,
}

/// How deep tech maps are followed when loading them.
const MAX_LEVELS: usize = 33;

/// Posts the movements of `lines` sold at `shop_id` as document `doc`; returns what each line
/// took off the ledger (positive), by line number.
#[tracing::instrument(skip_all, fields(account = %account_id, doc = %doc.id))]
pub async fn post(
    tx: &mut Tx,
    account_id: AccountId,
    shop_id: ShopId,
    doc: DocRef,
    doc_date: i64,
    lines: &[Sold],
    now: i64,
) -> ServiceResult<HashMap<i64, Money>> {
    let (cancellation, recipes) = load_recipes(tx, account_id, lines).await?;
    // the cards just loaded say which products exist; lines are numbered from 1 in order
    if let Some(line) = lines
        .iter()
        .find(|l| !cancellation.contains_key(&l.product_id))
    {
        return Err(ServiceError::invalid(
            format!("lines[{}].product_id", line.line_no - 1),
            format!("unknown product_id {}", line.product_id),
        ));
    }
    let (default, lock) = accounts::shop_storage_and_lock(tx, account_id, shop_id)
        .await?
        .ok_or_else(|| ServiceError::Conflict(format!("shop {shop_id} no longer exists")))?;
    let doc_date = after_lock(&lock, doc_date)?;
    let sold: Vec<ProductId> = lines.iter().map(|l| l.product_id).collect();
    let chosen = catalog::sale_storages(tx, account_id, shop_id, &sold).await?;
    // what each line takes
    let mut takes: Vec<Take> = Vec::new();
    for line in lines {
        let product = line.product_id;
        let storage_id = chosen.get(&product).copied().unwrap_or(default);
        let leaves = recipe::write_off(product, line.count, &cancellation, &recipes)
            .map_err(|e| ServiceError::Conflict(e.to_string()))?;
        takes.extend(leaves.into_iter().map(|(product, qty)| Take {
            line_no: line.line_no,
            storage_id,
            product_id: product,
            qty,
        }));
    }
    let movements: Vec<NewMovement> = takes
        .iter()
        .map(|take| NewMovement {
            storage_id: take.storage_id,
            product_id: take.product_id,
            line_no: take.line_no,
            doc_date,
            rule: Posting::Average {
                qty: Qty::from_units(-take.qty.units()),
            },
        })
        .collect();
    let posted = stock::post(tx, account_id, doc, &movements, lock.counted_through, now).await?;
    let mut costs: HashMap<i64, Money> = lines.iter().map(|l| (l.line_no, Money::ZERO)).collect();
    for (take, out) in takes.iter().zip(posted) {
        let cost = costs.entry(take.line_no).or_default();
        *cost = Money::from_units(cost.units() - out.value.units());
    }
    Ok(costs)
}

/// What a sold line takes off one storage's balance of one product.
struct Take {
    line_no: i64,
    storage_id: StorageId,
    product_id: ProductId,
    qty: Qty,
}

/// Takes back exactly what document `original` posted, as document `counter`, dated
/// `doc_date` or, for a movement dated later than that, with it: a take-back is never placed
/// before what it takes back, so that re-valuing finds it later in the same stream
/// (`db::recost`).
#[tracing::instrument(skip_all, fields(account = %account_id, doc = %original.id))]
pub async fn reverse(
    tx: &mut Tx,
    account_id: AccountId,
    original: DocRef,
    counter: DocRef,
    doc_date: i64,
    now: i64,
) -> ServiceResult<()> {
    let lock = accounts::lock(tx, account_id).await?;
    let doc_date = after_lock(&lock, doc_date)?;
    let movements: Vec<NewMovement> = stock::movements_of(tx, account_id, original)
        .await?
        .into_iter()
        .map(|m| NewMovement {
            storage_id: m.storage_id,
            product_id: m.product_id,
            line_no: m.line_no,
            doc_date: doc_date.max(m.doc_date),
            rule: Posting::Mirror(Source::Posted(m.id)),
        })
        .collect();
    stock::post(
        tx,
        account_id,
        counter,
        &movements,
        lock.counted_through,
        now,
    )
    .await?;
    Ok(())
}

/// The date a receipt enters the ledger at: its own, or the end of the account's lock when
/// it is older (a receipt is a fact and is never refused, but nothing before the lock moves).
fn after_lock(lock: &accounts::Lock, doc_date: i64) -> ServiceResult<i64> {
    Ok(match super::documents::lock_end(lock)? {
        Some(end) if doc_date < end => end,
        _ => doc_date,
    })
}

/// The cancellation types of the sold products and, level by level, the recipes and
/// ingredients of those sold by ingredients.
async fn load_recipes(
    tx: &mut Tx,
    account_id: AccountId,
    lines: &[Sold],
) -> ServiceResult<(
    HashMap<ProductId, CancellationType>,
    HashMap<ProductId, Recipe>,
)> {
    let mut cancellation: HashMap<ProductId, CancellationType> = HashMap::new();
    let mut recipes: HashMap<ProductId, Recipe> = HashMap::new();
    let mut frontier: Vec<ProductId> = lines
        .iter()
        .map(|l| l.product_id)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    for _ in 0..MAX_LEVELS {
        if frontier.is_empty() {
            break;
        }
        cancellation.extend(products::cancellations(tx, account_id, &frontier).await?);
        let by_ingredients: Vec<ProductId> = frontier
            .iter()
            .copied()
            .filter(|id| cancellation.get(id) == Some(&CancellationType::CancelIngredients))
            .collect();
        let mut next = HashSet::new();
        for (id, recipe) in tech_maps::recipes_of(tx, account_id, &by_ingredients).await? {
            next.extend(
                recipe
                    .items
                    .iter()
                    .map(|i| i.0)
                    .filter(|i| !cancellation.contains_key(i)),
            );
            recipes.insert(id, recipe);
        }
        frontier = next.into_iter().collect();
    }
    Ok((cancellation, recipes))
}
