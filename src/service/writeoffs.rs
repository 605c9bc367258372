//! Write-off acts (API.md §11): stock taken off a storage's books for a reason (spoilage, a
//! staff meal, a tasting, breakage). Created not wired; wiring takes each line out at the
//! storage's average cost as of the act's date; reading shows the value each line took, as
//! the ledger holds it now (a back-dated document re-values it in place).

use std::collections::BTreeMap;

use crate::db::documents::Table;
use crate::db::ids::{self, Kind};
use crate::db::objects;
use crate::db::posted::{self, Posted};
use crate::db::stock::{NewMovement, Posting};
use crate::db::writeoffs::{
    self as writeoff_db, NewWriteOff, NewWriteOffLine, WriteOffLine, WriteOffRow,
};
use crate::db::{self, Db, Tx};
use crate::domain::decimal::Qty;
use crate::domain::document::{DocRef, WriteOffReason};
use crate::domain::ids::{AccountId, StorageId, WriteOffId};
use crate::domain::time;
use crate::wire::writeoffs::WriteOffIn;

use super::catalog::{check_amounts, resolve_amounts};
use super::documents::{doc_date, header_in, require_unlocked, StockDocument};
use super::{Actor, ServiceError, ServiceResult};

/// Creates a write-off, not wired, and returns its id.
#[tracing::instrument(skip_all, fields(account = %actor.account_id))]
pub async fn create(db: &Db, actor: &Actor, input: &WriteOffIn) -> ServiceResult<WriteOffId> {
    let doc_date = doc_date(input.date.as_deref())?;
    let reason = WriteOffReason::parse(&input.reason).ok_or_else(|| {
        ServiceError::invalid(
            "reason",
            format!(
                "reason {:?} is not spoilage, staff_meal, tasting, breakage or other",
                input.reason
            ),
        )
    })?;
    if input.items.is_empty() {
        return Err(ServiceError::invalid(
            "items",
            "a write-off needs at least one item",
        ));
    }
    check_amounts(&input.items)?;
    let mut tx = db.begin_write().await?;
    require_unlocked(&mut tx, actor.account_id, doc_date).await?;
    let storage_id = input.storage.caf_id;
    require_storage(&mut tx, actor.account_id, storage_id, "storage.caf_id").await?;
    let lines: Vec<NewWriteOffLine> = resolve_amounts(&mut tx, actor.account_id, &input.items)
        .await?
        .into_iter()
        .map(|(product_id, qty)| NewWriteOffLine { product_id, qty })
        .collect();
    let id = WriteOffId::new(ids::next(&mut tx, actor.account_id, Kind::WriteOff).await?);
    let doc = NewWriteOff {
        id,
        comment: input.comment.clone().unwrap_or_default(),
        doc_date,
        storage_id,
        reason,
        by: actor.user_id,
    };
    writeoff_db::insert(&mut tx, actor.account_id, &doc, &lines, time::now_unix()).await?;
    db::commit(tx).await?;
    Ok(id)
}

/// 422 naming `field` unless `storage_id` is a live storage of the account.
pub(super) async fn require_storage(
    tx: &mut Tx,
    account_id: AccountId,
    storage_id: StorageId,
    field: &str,
) -> ServiceResult<()> {
    if objects::live_ids::<StorageId>(tx, account_id)
        .await?
        .contains(&storage_id)
    {
        return Ok(());
    }
    Err(ServiceError::invalid(
        field,
        format!("storage {storage_id} does not exist in this account"),
    ))
}

/// A write-off as read: its header, its lines, and what each line's movement took (by line
/// number; none while it is not wired).
pub struct WriteOffRead {
    pub header: WriteOffRow,
    pub lines: Vec<WriteOffLine>,
    pub posted: BTreeMap<i64, Posted>,
}

/// Reads write-off `id`: 404 when there is none.
#[tracing::instrument(skip_all, fields(account = %account_id, id = %id))]
pub async fn read(db: &Db, account_id: AccountId, id: WriteOffId) -> ServiceResult<WriteOffRead> {
    let mut q = db.read().await;
    let header = writeoff_db::TABLE
        .find(&mut q, account_id, id)
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("no writeoff with id {id}")))?;
    let lines = writeoff_db::lines(&mut q, account_id, id).await?;
    let posted = posted::by_line(&mut q, account_id, DocRef::of(id)).await?;
    Ok(WriteOffRead {
        header,
        lines,
        posted,
    })
}

/// Write-offs as stock documents: wiring takes each line out of the storage at its average
/// cost as of the act's date.
impl StockDocument for WriteOffId {
    type Header = WriteOffRow;

    const TABLE: Table<WriteOffRow> = writeoff_db::TABLE;

    async fn movements(
        self,
        tx: &mut Tx,
        account_id: AccountId,
    ) -> ServiceResult<Vec<NewMovement>> {
        let head = header_in(tx, account_id, self).await?;
        let lines = writeoff_db::lines(tx, account_id, self).await?;
        Ok(lines
            .iter()
            .map(|line| NewMovement {
                storage_id: head.storage_id,
                product_id: line.product_id,
                line_no: line.line_no,
                doc_date: head.doc_date,
                rule: Posting::Average {
                    qty: Qty::from_units(-line.qty.units()),
                },
            })
            .collect())
    }
}
