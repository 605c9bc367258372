//! The catalog as the back office shows it (API.md §10): products with their price and
//! stop-list state at a shop, searched by name or code; and what a dish costs, from its tech
//! map and its ingredients' average costs in a storage; a product's card with its prices; the
//! categories; the menus with their sections and items.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;

use crate::db::catalog_list::{self, Listed, ShopRow};
use crate::db::products::{Key, ProductRow};
use crate::db::tech_maps::{self, TechMap, TechMapLine};
use crate::db::{stock, Db};
use crate::domain::decimal::{Money, Qty, UnitCost};
use crate::domain::ids::{AccountId, ProductId, ShopId, StorageId};
use crate::domain::stock::Balance;

use super::{tech_maps as tech_map_service, ServiceError, ServiceResult};

/// The account's shops.
pub async fn shops(db: &Db, account_id: AccountId) -> ServiceResult<Vec<ShopRow>> {
    Ok(catalog_list::shops(&mut db.read().await, account_id).await?)
}

/// The account's taxes and payment types, for the settings page.
pub async fn taxes_and_payment_types(
    db: &Db,
    account_id: AccountId,
) -> ServiceResult<(
    Vec<crate::db::feeds::FeedTax>,
    Vec<catalog_list::PaymentTypeRow>,
)> {
    let taxes = crate::db::feeds::taxes(db, account_id).await?;
    let payment_types = catalog_list::payment_types(&mut db.read().await, account_id).await?;
    Ok((taxes, payment_types))
}

/// The account's shops and the one asked for, else the first: 404 when it has none, or not
/// the one asked for.
pub async fn shop_or_first(
    db: &Db,
    account_id: AccountId,
    asked: Option<ShopId>,
) -> ServiceResult<(Vec<ShopRow>, ShopId)> {
    let shops = shops(db, account_id).await?;
    let shop = match asked {
        Some(id) if shops.iter().any(|s| s.id == id) => id,
        Some(id) => return Err(ServiceError::NotFound(format!("no shop with id {id}"))),
        None => shops
            .first()
            .map(|s| s.id)
            .ok_or_else(|| ServiceError::NotFound("the account has no shop".into()))?,
    };
    Ok((shops, shop))
}

/// The live products' codes and names, by name (the document forms' product picker).
pub async fn names(db: &Db, account_id: AccountId) -> ServiceResult<Vec<catalog_list::Named>> {
    Ok(catalog_list::names(&mut db.read().await, account_id).await?)
}

/// The live products whose name or code contains `search` (any case), at `shop_id`.
pub async fn products(
    db: &Db,
    account_id: AccountId,
    shop_id: ShopId,
    search: &str,
) -> ServiceResult<Vec<Listed>> {
    let all = catalog_list::products_at(&mut db.read().await, account_id, shop_id).await?;
    let search = search.trim().to_lowercase();
    if search.is_empty() {
        return Ok(all);
    }
    // in Rust rather than SQL: SQLite folds the case of ASCII letters only
    Ok(all
        .into_iter()
        .filter(|p| {
            p.name.to_lowercase().contains(&search) || p.ref_code.to_lowercase().contains(&search)
        })
        .collect())
}

/// An ingredient of a costed dish.
#[derive(Debug, Clone)]
pub struct CostedLine {
    pub line: TechMapLine,
    /// The ingredient's cost per unit: its average cost in the storage, else (a sub-product
    /// without stock) the cost of its own tech map; `None` when neither is known.
    pub unit_cost: Option<UnitCost>,
    pub cost: Money,
}

/// A dish's tech map with what each ingredient and the whole cost.
#[derive(Debug, Clone)]
pub struct Costed {
    pub map: TechMap,
    pub lines: Vec<CostedLine>,
    /// The cost of the map's output quantity.
    pub total: Money,
    /// The cost of one unit of the dish.
    pub per_unit: UnitCost,
}

/// How deep nested sub-products are costed (deeper recipes are refused when saved).
const DEPTH: usize = 8;

type Averages = HashMap<ProductId, Balance>;

/// What product `product_id` costs by its tech map in `storage_id`: 404 without a map.
#[tracing::instrument(skip_all, fields(account = %account_id, product = %product_id))]
pub async fn tech_map_cost(
    db: &Db,
    account_id: AccountId,
    product_id: ProductId,
    storage_id: StorageId,
) -> ServiceResult<Costed> {
    let map = tech_map_service::get(db, account_id, product_id).await?;
    let averages: Averages = stock::store(db, account_id, storage_id)
        .await?
        .into_iter()
        .map(|r| {
            (
                r.product_id,
                Balance {
                    qty: r.qty,
                    value: r.value,
                },
            )
        })
        .collect();
    cost_of(db, account_id, map, &averages, DEPTH).await
}

fn cost_of<'a>(
    db: &'a Db,
    account_id: AccountId,
    map: TechMap,
    averages: &'a Averages,
    depth: usize,
) -> Pin<Box<dyn Future<Output = ServiceResult<Costed>> + Send + 'a>> {
    Box::pin(async move {
        let mut lines = Vec::with_capacity(map.lines.len());
        for line in &map.lines {
            let unit_cost = unit_cost(db, account_id, line.product_id, averages, depth).await?;
            let cost = unit_cost.map_or(Money::ZERO, |c| {
                Money::round(c.decimal() * line.amount.decimal())
            });
            lines.push(CostedLine {
                line: line.clone(),
                unit_cost,
                cost,
            });
        }
        let total = Money::from_units(lines.iter().map(|l| l.cost.units()).sum());
        let per_unit = if map.output.units() > 0 {
            UnitCost::round(total.decimal() / map.output.decimal())
        } else {
            UnitCost::ZERO
        };
        Ok(Costed {
            map,
            lines,
            total,
            per_unit,
        })
    })
}

async fn unit_cost(
    db: &Db,
    account_id: AccountId,
    product_id: ProductId,
    averages: &Averages,
    depth: usize,
) -> ServiceResult<Option<UnitCost>> {
    if let Some(balance) = averages.get(&product_id).filter(|b| b.qty > Qty::ZERO) {
        return Ok(Some(balance.cost()));
    }
    if depth == 0 {
        return Err(ServiceError::Conflict(format!(
            "the tech maps under product {product_id} nest deeper than {DEPTH} levels"
        )));
    }
    match tech_maps::find(db, account_id, product_id).await? {
        Some(map) => Ok(Some(
            cost_of(db, account_id, map, averages, depth - 1)
                .await?
                .per_unit,
        )),
        None => Ok(None),
    }
}

/// A product's card as its edit form shows it: the row, its category's and workspace's codes,
/// and its prices by shop.
#[derive(Debug, Clone)]
pub struct Card {
    pub row: ProductRow,
    pub codes: catalog_list::CardCodes,
    pub prices: Vec<catalog_list::ShopPrice>,
}

/// Product `id`'s card: 404 when there is none.
pub async fn card(db: &Db, account_id: AccountId, id: ProductId) -> ServiceResult<Card> {
    let mut reader = db.read().await;
    let row = crate::db::products::find_with(&mut reader, account_id, Key::Id(id))
        .await?
        .ok_or_else(|| super::products::not_found(Key::Id(id)))?;
    let codes = catalog_list::card_codes(&mut reader, account_id, id)
        .await?
        .unwrap_or_default();
    let prices = catalog_list::prices_of(&mut reader, account_id, id).await?;
    Ok(Card { row, codes, prices })
}

/// The account's live categories by name, each with its parent's code and its products.
pub async fn categories(
    db: &Db,
    account_id: AccountId,
) -> ServiceResult<Vec<catalog_list::CategoryListed>> {
    Ok(catalog_list::categories(&mut db.read().await, account_id).await?)
}

/// The account's menus, their sections and the products each section shows.
#[derive(Debug, Clone, Default)]
pub struct Menus {
    pub menus: Vec<catalog_list::MenuListed>,
    pub sections: Vec<catalog_list::SectionListed>,
    pub items: Vec<catalog_list::SectionItem>,
}

/// The account's menus with their sections and items.
pub async fn menus(db: &Db, account_id: AccountId) -> ServiceResult<Menus> {
    let mut reader = db.read().await;
    Ok(Menus {
        menus: catalog_list::menus(&mut reader, account_id).await?,
        sections: catalog_list::sections(&mut reader, account_id).await?,
        items: catalog_list::section_items(&mut reader, account_id).await?,
    })
}
