//! The stop list (API.md §8): a product sold out at a shop for now, set by the shop's
//! terminal, the admin API and the CLI. It shows in the products feeds, moves the products
//! section's mark, and fails delivery orders for the product at that shop.

use crate::db::objects;
use crate::db::products::{self, Key};
use crate::db::{self, stop_list, Db, Tx};
use crate::domain::ids::{AccountId, ProductId, ShopId};
use crate::domain::time;
use crate::domain::webhook::EventType;
use crate::wire::webhooks::StopListEvent;

use super::{webhooks, ServiceError, ServiceResult};

/// Puts a product on (`stopped`) or takes it off the stop list of a shop; `field` names the
/// input that named the product, for the error. Returns the product's id.
#[tracing::instrument(skip_all, fields(account = %account_id))]
pub async fn set(
    db: &Db,
    account_id: AccountId,
    shop_id: ShopId,
    product: (Key<'_>, &str),
    stopped: bool,
) -> ServiceResult<ProductId> {
    let mut tx = db.begin_write().await?;
    require_shop(&mut tx, account_id, shop_id).await?;
    let (key, field) = product;
    let product_id = products::find_in(&mut tx, account_id, key)
        .await?
        .filter(|p| !p.deleted)
        .map(|p| p.id)
        .ok_or_else(|| ServiceError::invalid(field, format!("no product {}", shown(key))))?;
    stop_list::set(
        &mut tx,
        account_id,
        shop_id,
        product_id,
        stopped,
        time::now_unix(),
    )
    .await?;
    let data = StopListEvent {
        terminal_id: shop_id,
        product_id,
        in_stop_list: stopped,
    };
    webhooks::emit(&mut tx, account_id, EventType::StopListChanged, &data).await?;
    db::commit(tx).await?;
    Ok(product_id)
}

/// The ids of the products on the stop list of a shop.
#[tracing::instrument(skip_all, fields(account = %account_id))]
pub async fn list(
    db: &Db,
    account_id: AccountId,
    shop_id: ShopId,
) -> ServiceResult<Vec<ProductId>> {
    let mut tx = db.begin_snapshot().await?;
    require_shop(&mut tx, account_id, shop_id).await?;
    Ok(stop_list::stopped(&mut tx, account_id, shop_id).await?)
}

/// Refuses an order with a product on the stop list of its shop.
pub async fn refuse_stopped(
    tx: &mut Tx,
    account_id: AccountId,
    shop_id: ShopId,
    product_ids: &[ProductId],
    field: &str,
) -> ServiceResult<()> {
    let stopped = stop_list::stopped_among(tx, account_id, shop_id, product_ids).await?;
    match stopped.first() {
        Some(id) => Err(ServiceError::invalid(
            field,
            format!("product {id} is in the stop list of shop {shop_id}"),
        )),
        None => Ok(()),
    }
}

async fn require_shop(tx: &mut Tx, account_id: AccountId, shop_id: ShopId) -> ServiceResult<()> {
    if objects::exists(tx, account_id, shop_id).await? {
        Ok(())
    } else {
        Err(ServiceError::NotFound(format!("no shop {shop_id}")))
    }
}

fn shown(key: Key<'_>) -> String {
    match key {
        Key::Id(id) => id.to_string(),
        Key::RefCode(code) => format!("with code {code:?}"),
    }
}
