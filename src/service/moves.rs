//! Transfers between storages (API.md §4): creation, and wiring that moves stock out of the
//! source at its current average cost and into the destination at that value.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use crate::db::catalog;
use crate::db::documents::DocKind;
use crate::db::ids::{self, Kind};
use crate::db::moves::{self as move_db, NewMove};
use crate::db::objects::{self, Table};
use crate::db::stock::{self, DocRef, NewMovement};
use crate::db::{self, Db};
use crate::domain::decimal::{Money, Qty};
use crate::domain::stock::Balance;
use crate::domain::time;
use crate::wire::moves::MoveIn;

use super::{Actor, ServiceError, ServiceResult};

/// Creates a transfer, not wired, and returns its id.
pub async fn create(db: &Db, actor: &Actor, input: &MoveIn) -> ServiceResult<i64> {
    let doc_date = super::documents::doc_date(input.date.as_deref())?;
    if input.items.is_empty() {
        return Err(ServiceError::invalid(
            "items",
            "a transfer needs at least one item",
        ));
    }
    if let Some(i) = input
        .items
        .iter()
        .position(|item| item.amount.decimal() <= Decimal::ZERO)
    {
        return Err(ServiceError::invalid(
            format!("items[{i}].amount"),
            "amount must be positive",
        ));
    }
    let (from, to) = (input.storage_from.caf_id, input.storage_to.caf_id);
    if from == to {
        return Err(ServiceError::invalid(
            "storage_to.caf_id",
            "a transfer goes to another storage",
        ));
    }
    let mut tx = db.begin_write().await?;
    let storages = objects::live_ids(&mut tx, Table::Storages, actor.account_id).await?;
    for (field, id) in [("storage_from.caf_id", from), ("storage_to.caf_id", to)] {
        if !storages.contains(&id) {
            return Err(ServiceError::invalid(
                field,
                format!("storage {id} does not exist in this account"),
            ));
        }
    }
    let codes: Vec<String> = input.items.iter().map(|i| i.product_code.clone()).collect();
    let products = catalog::products_by_code(&mut tx, actor.account_id, &codes).await?;
    let lines = input
        .items
        .iter()
        .enumerate()
        .map(|(i, item)| match products.get(&item.product_code) {
            Some(product) => Ok((product.id, item.amount.units())),
            None => Err(ServiceError::invalid(
                format!("items[{i}].product_code"),
                format!("no product {:?} in the account", item.product_code),
            )),
        })
        .collect::<ServiceResult<Vec<_>>>()?;
    let id = ids::next(&mut tx, actor.account_id, Kind::Move).await?;
    let doc = NewMove {
        id,
        comment: input.comment.clone().unwrap_or_default(),
        doc_date,
        from,
        to,
        by: actor.user_id,
    };
    move_db::insert(&mut tx, actor.account_id, &doc, &lines, time::now_unix()).await?;
    db::commit(tx).await?;
    Ok(id)
}

/// Wires (`true`) or unwires (`false`) a transfer: 404 when it does not exist, 409 when it is
/// already in that state.
pub async fn set_wired(db: &Db, actor: &Actor, id: i64, wired: bool) -> ServiceResult<()> {
    let now = time::now_unix();
    let mut tx = db.begin_write().await?;
    super::documents::flip(&mut tx, DocKind::Move, actor, id, wired, now).await?;
    let doc = DocRef {
        doc_type: DocKind::Move.name(),
        doc_id: id,
    };
    if !wired {
        stock::unpost(&mut tx, actor.account_id, doc, now).await?;
        db::commit(tx).await?;
        return Ok(());
    }
    let (head, lines) = move_db::for_wiring(&mut tx, actor.account_id, id).await?;
    let product_ids: Vec<i64> = lines.iter().map(|l| l.product_id).collect();
    let on_hand = stock::balances(&mut tx, actor.account_id, head.from.0, &product_ids).await?;
    let mut running: BTreeMap<i64, Balance> = on_hand
        .into_iter()
        .map(|(product, (qty, value))| {
            (
                product,
                Balance {
                    qty: Qty::from_units(qty),
                    value: Money::from_units(value),
                },
            )
        })
        .collect();
    let mut movements = Vec::with_capacity(lines.len() * 2);
    for line in &lines {
        let balance = running.entry(line.product_id).or_default();
        let out = balance.take(Qty::from_units(line.qty));
        *balance = balance.apply(out);
        let (qty, value) = (out.qty.units(), out.value.units());
        for (storage_id, sign) in [(head.from.0, 1), (head.to.0, -1)] {
            movements.push(NewMovement {
                storage_id,
                product_id: line.product_id,
                line_no: line.line_no,
                doc_date: head.doc_date,
                qty: sign * qty,
                value: sign * value,
            });
        }
    }
    stock::post(&mut tx, actor.account_id, doc, &movements, now).await?;
    db::commit(tx).await?;
    Ok(())
}
