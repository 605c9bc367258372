//! Transfers between storages (API.md §4): creation, and wiring that moves stock out of the
//! source at its average cost as of the transfer's date and into the destination at that
//! value.

use crate::db::documents::Table;
use crate::db::ids::{self, Kind};
use crate::db::moves::{self as move_db, MoveRow, NewMove, NewMoveLine};
use crate::db::objects;
use crate::db::stock::{NewMovement, Posting, Source};
use crate::db::{self, Db, Tx};
use crate::domain::decimal::Qty;
use crate::domain::ids::{AccountId, MoveId, StorageId};
use crate::domain::time;
use crate::wire::moves::MoveIn;

use super::catalog::{check_amounts, resolve_amounts};
use super::documents::{doc_date, header_in, require_unlocked, StockDocument};
use super::{Actor, ServiceError, ServiceResult};

/// Creates a transfer, not wired, and returns its id.
#[tracing::instrument(skip_all, fields(account = %actor.account_id))]
pub async fn create(db: &Db, actor: &Actor, input: &MoveIn) -> ServiceResult<MoveId> {
    let doc_date = doc_date(input.date.as_deref())?;
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
    require_unlocked(&mut tx, actor.account_id, doc_date).await?;
    let storages = objects::live_ids::<StorageId>(&mut tx, actor.account_id).await?;
    for (field, id) in [("storage_from.caf_id", from), ("storage_to.caf_id", to)] {
        if !storages.contains(&id) {
            return Err(ServiceError::invalid(
                field,
                format!("storage {id} does not exist in this account"),
            ));
        }
    }
    let lines: Vec<NewMoveLine> = resolve_amounts(&mut tx, actor.account_id, &input.items)
        .await?
        .into_iter()
        .map(|(product_id, qty)| NewMoveLine { product_id, qty })
        .collect();
    let id = MoveId::new(ids::next(&mut tx, actor.account_id, Kind::Move).await?);
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

/// Transfers as stock documents: wiring posts each line out of the source at the source's
/// average cost as of the date, and into the destination as its mirror.
impl StockDocument for MoveId {
    type Header = MoveRow;

    const TABLE: Table<MoveRow> = move_db::TABLE;

    async fn movements(
        self,
        tx: &mut Tx,
        account_id: AccountId,
    ) -> ServiceResult<Vec<NewMovement>> {
        let head = header_in(tx, account_id, self).await?;
        let lines = move_db::lines(tx, account_id, self).await?;
        let mut movements = Vec::with_capacity(lines.len() * 2);
        for line in &lines {
            let out = NewMovement {
                storage_id: head.from.id,
                product_id: line.product_id,
                line_no: line.line_no,
                doc_date: head.doc_date,
                rule: Posting::Average {
                    qty: Qty::from_units(-line.qty.units()),
                },
            };
            let into = NewMovement {
                storage_id: head.to.id,
                rule: Posting::Mirror(Source::Batch(movements.len())),
                ..out.clone()
            };
            movements.extend([out, into]);
        }
        Ok(movements)
    }
}
