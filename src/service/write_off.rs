//! Writing a sale off the stock ledger (API.md §7): each line by its product's cancellation
//! type, through tech maps and sub-products, from the storage set for the line's product at
//! the shop (else the shop's default storage), at the running average cost. Lines of one
//! receipt that take the same stock see each other's takings.

use crate::domain::ids::AccountId;
use std::collections::{BTreeMap, HashMap, HashSet};

use crate::db::catalog;
use crate::db::objects;
use crate::db::products;
use crate::db::stock::{self, DocRef, NewMovement};
use crate::db::tech_maps;
use crate::db::Tx;
use crate::domain::decimal::{Money, Qty};
use crate::domain::product::CancellationType;
use crate::domain::recipe::{self, Recipe};
use crate::domain::stock::Balance;

use super::{ServiceError, ServiceResult};

/// A sold line: its number, product and quantity.
#[derive(Debug, Clone, Copy)]
pub struct Sold {
    pub line_no: i64,
    pub product_id: i64,
    pub count: Qty,
}

/// How deep tech maps are followed when loading them.
const MAX_LEVELS: usize = 33;

/// Posts the movements of `lines` sold at `shop_id` as document `doc`; returns what each line
/// took off the ledger (money units, positive), by line number.
pub async fn post(
    tx: &mut Tx,
    account_id: AccountId,
    shop_id: i64,
    doc: DocRef<'_>,
    doc_date: i64,
    lines: &[Sold],
    now: i64,
) -> ServiceResult<HashMap<i64, i64>> {
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
    let sold: Vec<i64> = lines.iter().map(|l| l.product_id).collect();
    let chosen = catalog::sale_storages(tx, account_id, shop_id, &sold).await?;
    let default = objects::shop_storage(tx, account_id, shop_id)
        .await?
        .ok_or_else(|| ServiceError::Conflict(format!("shop {shop_id} no longer exists")))?;
    // what each line takes: (line, storage, product, qty)
    let mut takes: Vec<(i64, i64, i64, Qty)> = Vec::new();
    for line in lines {
        let storage = chosen.get(&line.product_id).copied().unwrap_or(default);
        let leaves = recipe::write_off(line.product_id, line.count, &cancellation, &recipes)
            .map_err(|e| ServiceError::Conflict(e.to_string()))?;
        takes.extend(
            leaves
                .into_iter()
                .map(|(product, qty)| (line.line_no, storage, product, qty)),
        );
    }
    let mut by_storage: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for &(_, storage, product, _) in &takes {
        by_storage.entry(storage).or_default().push(product);
    }
    let mut running: HashMap<(i64, i64), Balance> = HashMap::new();
    for (storage, products) in by_storage {
        for (product, (qty, value)) in stock::balances(tx, account_id, storage, &products).await? {
            let balance = Balance {
                qty: Qty::from_units(qty),
                value: Money::from_units(value),
            };
            running.insert((storage, product), balance);
        }
    }
    let mut costs: HashMap<i64, i64> = lines.iter().map(|l| (l.line_no, 0)).collect();
    let mut movements = Vec::with_capacity(takes.len());
    for (line_no, storage_id, product_id, qty) in takes {
        let balance = running.entry((storage_id, product_id)).or_default();
        let out = balance.take(qty);
        *balance = balance.apply(out);
        *costs.entry(line_no).or_default() -= out.value.units();
        movements.push(NewMovement {
            storage_id,
            product_id,
            line_no,
            doc_date,
            qty: out.qty.units(),
            value: out.value.units(),
        });
    }
    stock::post(tx, account_id, doc, &movements, now).await?;
    Ok(costs)
}

/// Takes back exactly what document `original` posted, as document `counter`.
pub async fn reverse(
    tx: &mut Tx,
    account_id: AccountId,
    original: DocRef<'_>,
    counter: DocRef<'_>,
    doc_date: i64,
    now: i64,
) -> ServiceResult<()> {
    let movements: Vec<NewMovement> = stock::movements_of(tx, account_id, original)
        .await?
        .into_iter()
        .map(|m| NewMovement {
            qty: -m.qty,
            value: -m.value,
            doc_date,
            ..m
        })
        .collect();
    stock::post(tx, account_id, counter, &movements, now).await?;
    Ok(())
}

/// The cancellation types of the sold products and, level by level, the recipes and
/// ingredients of those sold by ingredients.
async fn load_recipes(
    tx: &mut Tx,
    account_id: AccountId,
    lines: &[Sold],
) -> ServiceResult<(HashMap<i64, CancellationType>, HashMap<i64, Recipe>)> {
    let mut cancellation: HashMap<i64, CancellationType> = HashMap::new();
    let mut recipes: HashMap<i64, Recipe> = HashMap::new();
    let mut frontier: Vec<i64> = lines
        .iter()
        .map(|l| l.product_id)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    for _ in 0..MAX_LEVELS {
        if frontier.is_empty() {
            break;
        }
        for (id, code) in products::cancellations(tx, account_id, &frontier).await? {
            let kind = CancellationType::from_code(code).unwrap_or(CancellationType::CancelDish);
            cancellation.insert(id, kind);
        }
        let by_ingredients: Vec<i64> = frontier
            .iter()
            .copied()
            .filter(|id| cancellation.get(id) == Some(&CancellationType::CancelIngredients))
            .collect();
        let mut next = HashSet::new();
        for (id, (output, items)) in tech_maps::recipes_of(tx, account_id, &by_ingredients).await? {
            next.extend(
                items
                    .iter()
                    .map(|i| i.0)
                    .filter(|i| !cancellation.contains_key(i)),
            );
            let recipe = Recipe {
                output: Qty::from_units(output),
                items: items
                    .into_iter()
                    .map(|(i, a)| (i, Qty::from_units(a)))
                    .collect(),
            };
            recipes.insert(id, recipe);
        }
        frontier = next.into_iter().collect();
    }
    Ok((cancellation, recipes))
}
