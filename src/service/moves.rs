//! Transfers between storages (API.md §4): creation, and wiring that moves stock out of the
//! source at its current average cost and into the destination at that value.

use crate::domain::ids::AccountId;
use std::collections::BTreeMap;

use crate::db::ids::{self, Kind};
use crate::db::moves::{self as move_db, NewMove};
use crate::db::objects::{self, Table};
use crate::db::stock::{self, NewMovement};
use crate::db::{self, Db, Tx};
use crate::domain::decimal::{Money, Qty};
use crate::domain::stock::Balance;
use crate::domain::time;
use crate::wire::moves::MoveIn;

use super::catalog::{check_amounts, resolve_amounts};
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
    check_amounts(&input.items)?;
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
    let lines = resolve_amounts(&mut tx, actor.account_id, &input.items).await?;
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

/// What wiring the transfer posts: each line out of the source at the source's running
/// average cost, and into the destination at that value.
pub(super) async fn movements(
    tx: &mut Tx,
    account_id: AccountId,
    id: i64,
) -> ServiceResult<Vec<NewMovement>> {
    let (head, lines) = move_db::for_wiring(tx, account_id, id).await?;
    let product_ids: Vec<i64> = lines.iter().map(|l| l.product_id).collect();
    let on_hand = stock::balances(tx, account_id, head.from.0, &product_ids).await?;
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
    Ok(movements)
}
