//! The sync feeds (API.md §8): what a point of sale or an integration pages through, read
//! from the database and shaped by `crate::wire::feeds`.

use std::collections::HashMap;

use crate::db::feeds::{
    self, FeedBalance, FeedCategory, FeedClient, FeedProduct, FeedTax, FeedWorkspace, ProductPage,
    ShopData,
};
use crate::db::{marks, objects, Db};
use crate::domain::decimal::UnitCost;
use crate::domain::graph;
use crate::domain::ids::{AccountId, CategoryId, ProductId, ShopId, StorageId};
use crate::domain::stock::Balance;
use crate::domain::{sync, time};
use crate::wire::feeds::{CategoryOut, Updates};

use super::{ServiceError, ServiceResult};

/// The shop's default storage; not found for a shop that is not the account's.
pub async fn shop_storage(
    db: &Db,
    account_id: AccountId,
    shop_id: ShopId,
) -> ServiceResult<StorageId> {
    let mut tx = db.begin_snapshot().await?;
    objects::shop_storage(&mut tx, account_id, shop_id)
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("no shop {shop_id}")))
}

/// Per section, the last change as `get_updates` reports it.
#[tracing::instrument(skip_all, fields(account = %account_id))]
pub async fn updates(db: &Db, account_id: AccountId, shop_id: ShopId) -> ServiceResult<Updates> {
    let marks = marks::of_shop(db, account_id, shop_id)
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("no shop {shop_id}")))?;
    Ok(Updates::of(&marks, time::now_unix()))
}

/// A page of products at the shop (1,000, by id after `start_id`): `ts` 0 every live one,
/// else those changed since `ts`; `kind` an entity kind, already checked.
#[tracing::instrument(skip_all, fields(account = %account_id))]
pub async fn products(
    db: &Db,
    account_id: AccountId,
    shop_id: ShopId,
    start_id: ProductId,
    ts: i64,
    kind: Option<&str>,
) -> ServiceResult<Vec<FeedProduct>> {
    let storage_id = shop_storage(db, account_id, shop_id).await?;
    let page = ProductPage {
        shop_id,
        storage_id,
        start_id,
        since: sync::since(ts),
        entity_type: kind,
    };
    Ok(feeds::products(db, account_id, &page).await?)
}

/// The balances of the shop's storage: all (`ts` 0) or those changed since `ts`.
#[tracing::instrument(skip_all, fields(account = %account_id))]
pub async fn balances(
    db: &Db,
    account_id: AccountId,
    shop_id: ShopId,
    ts: i64,
) -> ServiceResult<Vec<FeedBalance>> {
    let storage_id = shop_storage(db, account_id, shop_id).await?;
    Ok(feeds::balances(db, account_id, storage_id, sync::since(ts)).await?)
}

/// Clients: all alive (`ts` 0) or changed since `ts`, deleted ones included.
#[tracing::instrument(skip_all, fields(account = %account_id))]
pub async fn clients(db: &Db, account_id: AccountId, ts: i64) -> ServiceResult<Vec<FeedClient>> {
    Ok(feeds::clients(db, account_id, sync::since(ts)).await?)
}

/// Live workspaces.
#[tracing::instrument(skip_all, fields(account = %account_id))]
pub async fn workspaces(db: &Db, account_id: AccountId) -> ServiceResult<Vec<FeedWorkspace>> {
    Ok(feeds::workspaces(db, account_id).await?)
}

/// Live taxes.
#[tracing::instrument(skip_all, fields(account = %account_id))]
pub async fn taxes(db: &Db, account_id: AccountId) -> ServiceResult<Vec<FeedTax>> {
    Ok(feeds::taxes(db, account_id).await?)
}

/// The shop's price, balance and availability of every product priced there: all (`ts` 0)
/// or changed since `ts`.
#[tracing::instrument(skip_all, fields(account = %account_id))]
pub async fn shop_data(
    db: &Db,
    account_id: AccountId,
    shop_id: ShopId,
    ts: i64,
) -> ServiceResult<Vec<ShopData>> {
    let storage_id = shop_storage(db, account_id, shop_id).await?;
    Ok(feeds::shop_data(db, account_id, shop_id, storage_id, sync::since(ts)).await?)
}

/// A product's self cost at a shop: the cost declared there, or else (the stock module keeps
/// costs) the moving average of the shop's storage.
pub fn self_cost(declared: Option<UnitCost>, balance: Balance) -> UnitCost {
    declared.unwrap_or_else(|| balance.cost())
}

/// Live categories with their depth (1 at the top; a category in a parent cycle counts as
/// top-level).
#[tracing::instrument(skip_all, fields(account = %account_id))]
pub async fn categories(db: &Db, account_id: AccountId) -> ServiceResult<Vec<CategoryOut>> {
    let rows = feeds::categories(db, account_id).await?;
    Ok(with_levels(&rows))
}

fn with_levels(rows: &[FeedCategory]) -> Vec<CategoryOut> {
    let parents: HashMap<CategoryId, CategoryId> = rows
        .iter()
        .filter_map(|c| c.parent_id.map(|p| (c.id, p)))
        .collect();
    let depth = graph::depths(&parents).unwrap_or_default();
    rows.iter()
        .map(|c| CategoryOut::of(c, depth.get(&c.id).copied().unwrap_or(1)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::decimal::{Money, Qty};

    #[test]
    fn the_declared_cost_wins_over_the_average() {
        let balance = Balance {
            qty: Qty::from_units(2_000),
            value: Money::from_units(500),
        };
        assert_eq!(self_cost(None, balance).to_string(), "2.500000");
        let declared = UnitCost::from_units(1_250_000);
        assert_eq!(self_cost(Some(declared), balance), declared);
        assert_eq!(self_cost(None, Balance::default()), UnitCost::ZERO);
    }

    #[test]
    fn levels_count_from_the_top() {
        let category = |id: i64, parent: Option<i64>| FeedCategory {
            id: CategoryId::new(id),
            name: format!("c{id}"),
            parent_id: parent.map(CategoryId::new),
        };
        let rows = [
            category(1, None),
            category(2, Some(1)),
            category(3, Some(2)),
        ];
        let levels: Vec<serde_json::Value> = with_levels(&rows)
            .iter()
            .map(|c| serde_json::to_value(c).expect("json")["lvl"].clone())
            .collect();
        assert_eq!(levels, [1, 2, 3].map(serde_json::Value::from));
    }
}
