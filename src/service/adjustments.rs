//! Inventory adjustments: a stock document whose lines bring balances to counted quantities.
//! The menu import posts one, wired; like every stock document it can be unwired (its
//! movements taken back exactly) and wired again (the same movements posted again), through
//! [`super::documents::set_wired`].

use std::collections::BTreeMap;

use crate::db::accounts;
use crate::db::adjustments::{self as adjustment_db, AdjustmentLine, AdjustmentRow, NewAdjustment};
use crate::db::documents::Table;
use crate::db::ids::{self, Kind};
use crate::db::stock::{self, NewMovement, Posting};
use crate::db::Tx;
use crate::domain::decimal::{Qty, UnitCost};
use crate::domain::document::DocRef;
use crate::domain::ids::{AccountId, AdjustmentId, ProductId, StorageId};
use crate::domain::stock::Balance;

use super::documents::StockDocument;
use super::{Actor, ServiceError, ServiceResult};

/// A counted balance: what `storage_id` holds of `product_id`, and the cost to value stock
/// found on an empty shelf at.
#[derive(Debug, Clone, Copy)]
pub struct Count {
    pub storage_id: StorageId,
    pub product_id: ProductId,
    pub target: Qty,
    pub fallback_cost: UnitCost,
}

/// Posts, inside `tx`, a wired adjustment for the counts that differ from the balances; no
/// document when none differs. Returns its id.
#[tracing::instrument(skip_all, fields(account = %actor.account_id))]
pub async fn post_counts(
    tx: &mut Tx,
    actor: &Actor,
    comment: &str,
    counts: &[Count],
    now: i64,
) -> ServiceResult<Option<AdjustmentId>> {
    let account_id = actor.account_id;
    let mut by_storage: BTreeMap<StorageId, Vec<ProductId>> = BTreeMap::new();
    for c in counts {
        by_storage
            .entry(c.storage_id)
            .or_default()
            .push(c.product_id);
    }
    let mut current: BTreeMap<(StorageId, ProductId), Balance> = BTreeMap::new();
    for (storage_id, products) in by_storage {
        for (product_id, balance) in stock::balances(tx, account_id, storage_id, &products).await? {
            current.insert((storage_id, product_id), balance);
        }
    }
    let mut lines = Vec::new();
    for c in counts {
        let balance = current.entry((c.storage_id, c.product_id)).or_default();
        let movement = balance.adjust_to(c.target, c.fallback_cost);
        if movement.qty.is_zero() && movement.value.is_zero() {
            continue;
        }
        *balance = balance.apply(movement);
        lines.push(AdjustmentLine {
            line_no: i64::try_from(lines.len() + 1).unwrap_or(i64::MAX),
            storage_id: c.storage_id,
            product_id: c.product_id,
            target: c.target,
            cost: Some(c.fallback_cost),
            qty: movement.qty,
            value: movement.value,
        });
    }
    if lines.is_empty() {
        return Ok(None);
    }
    let id = AdjustmentId::new(ids::next(tx, account_id, Kind::Adjustment).await?);
    let doc = NewAdjustment {
        id,
        comment: comment.to_owned(),
        doc_date: now,
        by: actor.user_id,
    };
    let counted_through = accounts::lock(tx, account_id).await?.counted_through;
    let recorded = recorded(now, &lines);
    let posted = stock::post(
        tx,
        account_id,
        DocRef::of(id),
        &recorded,
        counted_through,
        now,
    )
    .await?;
    let lines: Vec<AdjustmentLine> = lines
        .into_iter()
        .zip(posted)
        .map(|(line, m)| AdjustmentLine {
            qty: m.qty,
            value: m.value,
            ..line
        })
        .collect();
    adjustment_db::insert(tx, account_id, &doc, &lines, now).await?;
    Ok(Some(id))
}

/// Adjustments as stock documents: wiring brings each line's balance to its counted quantity
/// as of the adjustment's date.
impl StockDocument for AdjustmentId {
    type Header = AdjustmentRow;

    const TABLE: Table<AdjustmentRow> = adjustment_db::TABLE;

    async fn movements(
        self,
        tx: &mut Tx,
        account_id: AccountId,
    ) -> ServiceResult<Vec<NewMovement>> {
        let (doc_date, lines) = adjustment_db::recorded(tx, account_id, self)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("no adjustment with id {self}")))?;
        Ok(recorded(doc_date, &lines))
    }
}

fn recorded(doc_date: i64, lines: &[AdjustmentLine]) -> Vec<NewMovement> {
    lines
        .iter()
        .map(|l| NewMovement {
            storage_id: l.storage_id,
            product_id: l.product_id,
            line_no: l.line_no,
            doc_date,
            rule: Posting::Count {
                target: l.target,
                fallback: l.cost,
            },
        })
        .collect()
}
