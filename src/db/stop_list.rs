//! The stop list (API.md §8): products sold out at a shop for now. A row stays when its
//! product comes off the list (`stopped` 0) so that feeds asked for changes since a time see
//! the change; the products section's mark moves with every change.

use super::marks::{self, Section};
use super::{DbError, Tx};
use crate::domain::ids::AccountId;

/// Puts `product_id` on or takes it off the stop list of `shop_id`. `false` when it already
/// was so (nothing changes, not even the feeds' stamps).
pub async fn set(
    tx: &mut Tx,
    account_id: AccountId,
    shop_id: i64,
    product_id: i64,
    stopped: bool,
    now: i64,
) -> Result<bool, DbError> {
    let params = [
        account_id.into(),
        shop_id.into(),
        product_id.into(),
        now.into(),
    ];
    let sql = if stopped {
        "INSERT INTO stop_list (account_id, shop_id, product_id, stopped, updated_at) \
         VALUES ($1, $2, $3, 1, $4) \
         ON CONFLICT (account_id, shop_id, product_id) DO UPDATE \
         SET stopped = 1, updated_at = excluded.updated_at WHERE stop_list.stopped = 0"
    } else {
        // a product never on the list gets no row: taking it off changes nothing
        "UPDATE stop_list SET stopped = 0, updated_at = $4 \
         WHERE account_id = $1 AND shop_id = $2 AND product_id = $3 AND stopped = 1"
    };
    let changed = tx.execute(sql, &params).await? == 1;
    if changed {
        marks::bump(tx, account_id, Section::Products);
    }
    Ok(changed)
}

/// The products on the stop list of `shop_id`, by id.
pub async fn stopped(
    tx: &mut Tx,
    account_id: AccountId,
    shop_id: i64,
) -> Result<Vec<i64>, DbError> {
    tx.fetch_all(
        "SELECT product_id FROM stop_list WHERE account_id = $1 AND shop_id = $2 AND stopped = 1 \
         ORDER BY product_id",
        &[account_id.into(), shop_id.into()],
    )
    .await?
    .iter()
    .map(|r| r.int(0))
    .collect()
}

/// Of `product_ids`, those on the stop list of `shop_id`.
pub async fn stopped_among(
    tx: &mut Tx,
    account_id: AccountId,
    shop_id: i64,
    product_ids: &[i64],
) -> Result<Vec<i64>, DbError> {
    let listed = stopped(tx, account_id, shop_id).await?;
    Ok(listed
        .into_iter()
        .filter(|id| product_ids.contains(id))
        .collect())
}
