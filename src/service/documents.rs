//! What stock documents (invoices, transfers) share: wiring flips a flag exactly once.

use crate::db::documents::{self, DocKind};
use crate::db::Tx;
use crate::domain::time;

use super::{Actor, ServiceError, ServiceResult};

/// Flips the document's wired flag to `wired` inside `tx`: 404 when it does not exist, 409
/// when it already is in that state. The caller then posts or unposts its movements.
pub async fn flip(
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
