//! What stock documents (invoices, transfers, adjustments) share: wiring flips a flag exactly
//! once and posts the document's movements to the ledger; unwiring takes them back exactly.

use crate::db::documents::{self, DocKind};
use crate::db::stock::{self, DocRef};
use crate::db::{self, Db, Tx};
use crate::domain::time;

use super::{Actor, ServiceError, ServiceResult};

/// Wires (`true`) or unwires (`false`) a document: 404 when it does not exist, 409 when it is
/// already in that state.
pub async fn set_wired(
    db: &Db,
    actor: &Actor,
    kind: DocKind,
    id: i64,
    wired: bool,
) -> ServiceResult<()> {
    let now = time::now_unix();
    let mut tx = db.begin_write().await?;
    flip(&mut tx, kind, actor, id, wired, now).await?;
    let doc = DocRef {
        doc_type: kind.name(),
        doc_id: id,
    };
    if wired {
        let account_id = actor.account_id;
        let movements = match kind {
            DocKind::Invoice => super::invoices::movements(&mut tx, account_id, id).await?,
            DocKind::Move => super::moves::movements(&mut tx, account_id, id).await?,
            DocKind::Adjustment => super::adjustments::movements(&mut tx, account_id, id).await?,
        };
        stock::post(&mut tx, account_id, doc, &movements, now).await?;
    } else {
        stock::unpost(&mut tx, actor.account_id, doc, now).await?;
    }
    db::commit(tx).await?;
    Ok(())
}

/// Flips the document's wired flag to `wired` inside `tx`: 404 when it does not exist, 409
/// when it already is in that state. The caller then posts or unposts its movements.
async fn flip(
    tx: &mut Tx,
    kind: DocKind,
    actor: &Actor,
    id: i64,
    wired: bool,
    now: i64,
) -> ServiceResult<()> {
    if documents::set_wired(tx, kind, actor.account_id, id, wired, actor.user_id, now).await? {
        return Ok(());
    }
    let name = kind.name();
    Err(
        if documents::exists(tx, kind, actor.account_id, id).await? {
            ServiceError::Conflict(format!(
                "{name} {id} is already {}",
                if wired { "wired" } else { "not wired" }
            ))
        } else {
            ServiceError::NotFound(format!("no {name} with id {id}"))
        },
    )
}

/// A document's date: as given (without an offset it is UTC, as the vendor documents invoice
/// dates), or now.
pub fn doc_date(date: Option<&str>) -> ServiceResult<i64> {
    match date {
        Some(text) => time::parse_instant(text, &jiff::tz::TimeZone::UTC)
            .map_err(|e| ServiceError::invalid("date", e)),
        None => Ok(time::now_unix()),
    }
}
