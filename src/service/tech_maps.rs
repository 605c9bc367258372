//! Tech maps (recipes, API.md §5): what a dish or sub-product is made of, per output
//! quantity. Recipes nest (a sub-product in a dish); one that would contain itself, directly
//! or through others, is refused with the path that closes the loop.

use rust_decimal::Decimal;

use crate::db::products::{self, Key};
use crate::db::tech_maps::{self, Ingredient, TechMap};
use crate::db::{self, Db, Tx};
use crate::domain::decimal::Qty;
use crate::domain::graph;
use crate::domain::ids::{AccountId, ProductId};
use crate::domain::time;
use crate::wire::tech_maps::TechMapIn;

use super::catalog::{check_amounts, resolve_amounts};
use super::products::not_found;
use super::{Actor, ServiceError, ServiceResult};

/// Replaces the recipe of product `product_id`.
#[tracing::instrument(skip_all, fields(account = %actor.account_id, product = %product_id))]
pub async fn set(
    db: &Db,
    actor: &Actor,
    product_id: ProductId,
    input: &TechMapIn,
) -> ServiceResult<()> {
    let output = input.output.unwrap_or(Qty::from_units(1000));
    if output.decimal() <= Decimal::ZERO {
        return Err(ServiceError::invalid("output", "output must be positive"));
    }
    if input.items.is_empty() {
        return Err(ServiceError::invalid(
            "items",
            "a tech map needs at least one ingredient",
        ));
    }
    check_amounts(&input.items)?;
    let account_id = actor.account_id;
    let mut tx = db.begin_write().await?;
    products::find_in(&mut tx, account_id, Key::Id(product_id))
        .await?
        .ok_or_else(|| not_found(Key::Id(product_id)))?;
    let lines: Vec<Ingredient> = resolve_amounts(&mut tx, account_id, &input.items)
        .await?
        .into_iter()
        .map(|(product_id, amount)| Ingredient { product_id, amount })
        .collect();
    refuse_cycle(&mut tx, account_id, product_id, &lines).await?;
    tech_maps::save(
        &mut tx,
        account_id,
        product_id,
        output,
        &lines,
        time::now_unix(),
    )
    .await?;
    db::commit(tx).await?;
    Ok(())
}

/// The recipe of product `product_id`: 404 when the product or its recipe does not exist.
#[tracing::instrument(skip_all, fields(account = %account_id, product = %product_id))]
pub async fn get(db: &Db, account_id: AccountId, product_id: ProductId) -> ServiceResult<TechMap> {
    if let Some(map) = tech_maps::find(db, account_id, product_id).await? {
        Ok(map)
    } else {
        products::find(db, account_id, Key::Id(product_id))
            .await?
            .ok_or_else(|| not_found(Key::Id(product_id)))?;
        Err(ServiceError::NotFound(format!(
            "product {product_id} has no tech map"
        )))
    }
}

/// 422 naming the ingredient through which the new recipe would reach its own product.
async fn refuse_cycle(
    tx: &mut Tx,
    account_id: AccountId,
    product_id: ProductId,
    lines: &[Ingredient],
) -> ServiceResult<()> {
    let mut graph = tech_maps::edges(tx, account_id).await?;
    graph.insert(product_id, lines.iter().map(|l| l.product_id).collect());
    let Some(path) =
        graph::cycle_through(&product_id, |p| graph.get(p).cloned().unwrap_or_default())
    else {
        return Ok(());
    };
    let mut names = Vec::with_capacity(path.len());
    for id in &path {
        let code = products::find_in(tx, account_id, Key::Id(*id))
            .await?
            .map_or_else(|| id.to_string(), |p| p.ref_code);
        names.push(code);
    }
    let first = path.get(1).copied().unwrap_or(product_id);
    let i = lines
        .iter()
        .position(|l| l.product_id == first)
        .unwrap_or(0);
    Err(ServiceError::invalid(
        format!("items[{i}].product_code"),
        format!("the tech map would contain itself: {}", names.join(" → ")),
    ))
}
