//! The stop list (API.md §8): products sold out at a shop for now. A row stays when its
//! product comes off the list (`stopped` 0) so that feeds asked for changes since a time see
//! the change; the products section's mark moves with every change.

use super::marks::{self, Section};
use super::{DbError, Query, Scalar, Tx};
use crate::domain::ids::{AccountId, ProductId, ShopId};
use crate::params;

/// Puts `product_id` on or takes it off the stop list of `shop_id`. `false` when it already
/// was so (nothing changes, not even the feeds' stamps).
pub async fn set(
    tx: &mut Tx,
    account_id: AccountId,
    shop_id: ShopId,
    product_id: ProductId,
    stopped: bool,
    now: i64,
) -> Result<bool, DbError> {
    let params = params! { account_id, shop_id, product_id, now };
    let sql = if stopped {
        "INSERT INTO stop_list (account_id, shop_id, product_id, stopped, updated_at) \
         VALUES (:account_id, :shop_id, :product_id, 1, :now) \
         ON CONFLICT (account_id, shop_id, product_id) DO UPDATE \
         SET stopped = 1, updated_at = excluded.updated_at WHERE stop_list.stopped = 0"
    } else {
        // a product never on the list gets no row: taking it off changes nothing
        "UPDATE stop_list SET stopped = 0, updated_at = :now \
         WHERE account_id = :account_id AND shop_id = :shop_id AND product_id = :product_id AND stopped = 1"
    };
    let changed = tx.run(sql, params).await? == 1;
    if changed {
        marks::bump(tx, account_id, Section::Products);
    }
    Ok(changed)
}

/// The products on the stop list of `shop_id`, by id.
pub async fn stopped(
    tx: &mut Tx,
    account_id: AccountId,
    shop_id: ShopId,
) -> Result<Vec<ProductId>, DbError> {
    let ids: Vec<Scalar<ProductId>> = tx
        .all(
            "SELECT product_id AS value FROM stop_list \
             WHERE account_id = :account_id AND shop_id = :shop_id AND stopped = 1 ORDER BY product_id",
            params! { account_id, shop_id },
        )
        .await?;
    Ok(ids.into_iter().map(|Scalar(id)| id).collect())
}

/// Of `product_ids`, those on the stop list of `shop_id`.
pub async fn stopped_among(
    tx: &mut Tx,
    account_id: AccountId,
    shop_id: ShopId,
    product_ids: &[ProductId],
) -> Result<Vec<ProductId>, DbError> {
    let listed = stopped(tx, account_id, shop_id).await?;
    Ok(listed
        .into_iter()
        .filter(|id| product_ids.contains(id))
        .collect())
}
