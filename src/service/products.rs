//! Products (API.md §5): create, update by id or `ref_code`, read. A product's category and
//! workspace are found by code or created with the code as their name; taxes, shops and
//! storages must exist.

use crate::db::catalog;
use crate::db::ids::{self, Kind};
use crate::db::products::{self, Key, ProductRow};
use crate::db::{self, accounts, Db, DbError, Tx};
use crate::domain::ids::{AccountId, CategoryId, ProductId, WorkspaceId};
use crate::domain::time;
use crate::domain::webhook::EventType;
use crate::wire::invoices::ProductIn;
use crate::wire::webhooks::ProductEvent;

use super::catalog::{check_product, ensure_coded, CatalogRefs, Known, ProductSpec};
use super::{webhooks, Actor, ServiceError, ServiceResult};

/// Creates a product; 409 when its `ref_code` is taken.
#[tracing::instrument(skip_all, fields(account = %actor.account_id))]
pub async fn create(db: &Db, actor: &Actor, input: &ProductIn) -> ServiceResult<ProductId> {
    let spec = check_product(input, String::new())?;
    let mut tx = db.begin_write().await?;
    refuse_taken_code(&mut tx, actor.account_id, &input.ref_code, None).await?;
    let id = write(&mut tx, actor, &spec, None).await?;
    changed(&mut tx, actor.account_id, id, input).await?;
    db::commit(tx).await?;
    Ok(id)
}

/// Overwrites the card of the product `key` names (404 when none) with `input`; prices are set
/// for the shops listed, other shops' prices stay. 409 when `input` renames it to a taken code.
#[tracing::instrument(skip_all, fields(account = %actor.account_id))]
pub async fn update(
    db: &Db,
    actor: &Actor,
    key: Key<'_>,
    input: &ProductIn,
) -> ServiceResult<ProductId> {
    let spec = check_product(input, String::new())?;
    let mut tx = db.begin_write().await?;
    let current = products::find_in(&mut tx, actor.account_id, key)
        .await?
        .ok_or_else(|| not_found(key))?;
    refuse_taken_code(&mut tx, actor.account_id, &input.ref_code, Some(current.id)).await?;
    write(&mut tx, actor, &spec, Some(&current)).await?;
    changed(&mut tx, actor.account_id, current.id, input).await?;
    db::commit(tx).await?;
    Ok(current.id)
}

/// Emits `product.changed` for product `id`, now as `input` says.
async fn changed(
    tx: &mut Tx,
    account_id: AccountId,
    id: ProductId,
    input: &ProductIn,
) -> ServiceResult<()> {
    let data = ProductEvent {
        id,
        ref_code: input.ref_code.clone(),
        name: input.name.clone(),
    };
    webhooks::emit(tx, account_id, EventType::ProductChanged, &data).await
}

#[tracing::instrument(skip_all, fields(account = %account_id))]
pub async fn get(db: &Db, account_id: AccountId, key: Key<'_>) -> ServiceResult<ProductRow> {
    products::find(db, account_id, key)
        .await?
        .ok_or_else(|| not_found(key))
}

pub fn not_found(key: Key<'_>) -> ServiceError {
    ServiceError::NotFound(match key {
        Key::Id(id) => format!("no product with id {id}"),
        Key::RefCode(code) => format!("no product with ref_code {code:?}"),
    })
}

async fn refuse_taken_code(
    tx: &mut Tx,
    account_id: AccountId,
    code: &str,
    owner: Option<ProductId>,
) -> ServiceResult<()> {
    match products::find_in(tx, account_id, Key::RefCode(code)).await? {
        Some(other) if Some(other.id) != owner => Err(ServiceError::Conflict(format!(
            "product with ref_code {code:?} already exists (id {})",
            other.id
        ))),
        _ => Ok(()),
    }
}

/// Writes the card over `current`, or as a new product; returns its id.
async fn write(
    tx: &mut Tx,
    actor: &Actor,
    spec: &ProductSpec<'_>,
    current: Option<&ProductRow>,
) -> ServiceResult<ProductId> {
    let (account_id, now) = (actor.account_id, time::now_unix());
    let known = Known::load(tx, account_id).await?;
    let codes = |code: &Option<String>| code.iter().cloned().collect::<Vec<_>>();
    let categories =
        ensure_coded::<CategoryId>(tx, account_id, &codes(&spec.input.category_ref_code), now)
            .await?;
    let workspaces =
        ensure_coded::<WorkspaceId>(tx, account_id, &codes(&spec.input.workspace_ref_code), now)
            .await?;
    let refs = CatalogRefs {
        categories: &categories,
        workspaces: &workspaces,
        known: &known,
    };
    spec.check_refs(&refs)?;
    // a new product's id only now: the category and workspace counters come before the
    // product's, in the order every writer takes them (see `db::ids`)
    let id = match current {
        Some(current) => current.id,
        None => ProductId::new(ids::next(tx, account_id, Kind::Product).await?),
    };
    let mut row = spec.row(id, &refs);
    if let Some(current) = current {
        row.description = current.description.clone();
        row.deleted = current.deleted;
    }
    let written = if current.is_some() {
        products::upsert(tx, account_id, &[row], now).await
    } else {
        products::insert(tx, account_id, &[row], now).await
    };
    match written {
        // a concurrent create of the same code on PostgreSQL
        Err(DbError::UniqueViolation(_)) => {
            return Err(ServiceError::Conflict(format!(
                "product with ref_code {:?} already exists",
                spec.input.ref_code
            )))
        }
        other => other?,
    }
    let keep_self_cost = !accounts::stock_module(tx, account_id).await?;
    catalog::upsert_prices(tx, account_id, &spec.prices(id, keep_self_cost), now).await?;
    Ok(id)
}
