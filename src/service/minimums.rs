//! Minimum quantities per storage × product (API.md §11): set by the admin API and the UI,
//! read by the dashboard's "below minimum" list.

use crate::db::minimums::{self, MinimumRow};
use crate::db::products::{self, Key};
use crate::db::{self, objects, Db};
use crate::domain::decimal::Qty;
use crate::domain::ids::{AccountId, StorageId};
use crate::domain::time;

use super::{webhooks, ServiceError, ServiceResult};

/// Sets the minimum of product `product_code` in `storage_id` (`None`: removes it); 422
/// naming `storage_id`, `product_code` or `minimum`.
#[tracing::instrument(skip_all, fields(account = %account_id))]
pub async fn set(
    db: &Db,
    account_id: AccountId,
    storage_id: StorageId,
    product_code: &str,
    minimum: Option<Qty>,
) -> ServiceResult<()> {
    if minimum.is_some_and(Qty::is_negative) {
        return Err(ServiceError::invalid(
            "minimum",
            "a minimum is not negative",
        ));
    }
    let mut tx = db.begin_write().await?;
    if !objects::live_ids::<StorageId>(&mut tx, account_id)
        .await?
        .contains(&storage_id)
    {
        return Err(ServiceError::invalid(
            "storage_id",
            format!("storage {storage_id} does not exist in this account"),
        ));
    }
    let product = products::find_in(&mut tx, account_id, Key::RefCode(product_code))
        .await?
        .filter(|p| !p.deleted)
        .ok_or_else(|| {
            ServiceError::invalid("product_code", format!("no product {product_code:?}"))
        })?;
    minimums::set(
        &mut tx,
        account_id,
        storage_id,
        product.id,
        minimum,
        time::now_unix(),
    )
    .await?;
    db::commit(tx).await?;
    Ok(())
}

/// The account's minimums with the balances now; `below`: only those under their minimum.
#[tracing::instrument(skip_all, fields(account = %account_id))]
pub async fn list(db: &Db, account_id: AccountId, below: bool) -> ServiceResult<Vec<MinimumRow>> {
    Ok(minimums::list(&mut db.read().await, account_id, below).await?)
}

/// Emits `stock.below_minimum` for every balance that `moved` (what a change just did to the
/// balances) took from at or above its minimum to below it, to the `listeners` read in the
/// same transaction. Callers gather `moved` only when one of them listens for the event,
/// sparing the lookups otherwise.
pub async fn emit_crossed(
    tx: &mut crate::db::Tx,
    account_id: AccountId,
    listeners: &webhooks::Listeners,
    moved: &[minimums::Moved],
) -> ServiceResult<()> {
    use crate::domain::webhook::EventType;
    for m in moved {
        let Some(s) = minimums::standing(tx, account_id, m.storage_id, m.product_id).await? else {
            continue;
        };
        let before = s.balance.units() - m.qty.units();
        if s.balance < s.minimum && before >= s.minimum.units() {
            let data = crate::wire::webhooks::BelowMinimumEvent {
                storage_id: m.storage_id,
                product_id: m.product_id,
                minimum: s.minimum,
                balance: s.balance,
            };
            webhooks::emit_to(
                tx,
                account_id,
                listeners,
                EventType::StockBelowMinimum,
                &data,
            )
            .await?;
        }
    }
    Ok(())
}
