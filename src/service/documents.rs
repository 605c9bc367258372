//! Stock documents, generically: a kind of document (invoices, transfers, adjustments) is a
//! header table ([`StockDocument::TABLE`]) and a function that computes the movements it posts
//! ([`StockDocument::movements`]); everything else is here, written once. Wiring flips the
//! document's flag exactly once and posts its movements to the ledger; unwiring takes them
//! back exactly. Reading lists the headers of a date range or finds one.
//!
//! The kind is told by the id's type (an [`InvoiceId`](crate::domain::ids::InvoiceId) is an
//! invoice's), which implements [`StockDocument`] in the kind's own module; this module
//! depends on none of them.

use std::future::Future;

use crate::db::documents::Table;
use crate::db::stock::{self, NewMovement};
use crate::db::{self, accounts, minimums, Db, FromRow, Tx};
use crate::domain::decimal::Qty;
use crate::domain::document::{DocRef, DocumentId};
use crate::domain::ids::AccountId;
use crate::domain::time;
use crate::domain::webhook::{self, EventType};
use crate::wire::webhooks::DocumentEvent;

use super::webhooks::{self, Listeners};
use super::{Actor, ServiceError, ServiceResult};

/// A kind of stock document, implemented by its id type.
pub trait StockDocument: DocumentId {
    /// A header as the kind's table reads it.
    type Header: FromRow + Send + 'static;

    /// The kind's header table.
    const TABLE: Table<Self::Header>;

    /// The movements that wiring document `self` posts, computed inside `tx`.
    fn movements(
        self,
        tx: &mut Tx,
        account_id: AccountId,
    ) -> impl Future<Output = ServiceResult<Vec<NewMovement>>> + Send;
}

/// Wires (`true`) or unwires (`false`) a document: 404 when it does not exist, 409 when it is
/// already in that state or dated on or before the account's lock date.
#[tracing::instrument(skip_all, fields(account = %actor.account_id, kind = %D::KIND, id = %id))]
pub async fn set_wired<D: StockDocument>(
    db: &Db,
    actor: &Actor,
    id: D,
    wired: bool,
) -> ServiceResult<()> {
    let now = time::now_unix();
    let account_id = actor.account_id;
    let mut tx = db.begin_write().await?;
    let (date, lock) = D::TABLE
        .doc_date_and_lock(&mut tx, account_id, id)
        .await?
        .ok_or_else(|| not_found(id))?;
    refuse_locked(&lock, date)?;
    flip(&mut tx, actor, id, wired, now).await?;
    let doc = DocRef::of(id);
    // the subscriptions, read once; what the document moved only when someone listens for
    // minimums crossed
    let listeners = webhooks::listeners(&mut tx, account_id).await?;
    let watch = listeners.any(EventType::StockBelowMinimum);
    let moved = if wired {
        let movements = id.movements(&mut tx, account_id).await?;
        stock::post(
            &mut tx,
            account_id,
            doc,
            &movements,
            lock.counted_through,
            now,
        )
        .await?;
        moved(&mut tx, account_id, id, watch, 1).await?
    } else {
        let moved = moved(&mut tx, account_id, id, watch, -1).await?;
        stock::unpost(&mut tx, account_id, doc, now).await?;
        moved
    };
    let change = Change { id, wired, date };
    announce(&mut tx, actor, &listeners, &change, &moved).await?;
    db::commit(tx).await?;
    Ok(())
}

/// What document `id`'s movements move per storage and product, times `sign`; nothing when
/// no one `watch`es.
async fn moved<D: StockDocument>(
    tx: &mut Tx,
    account_id: AccountId,
    id: D,
    watch: bool,
    sign: i64,
) -> ServiceResult<Vec<minimums::Moved>> {
    if !watch {
        return Ok(Vec::new());
    }
    let mut moved = minimums::moved_by(tx, account_id, D::KIND.as_str(), id.get()).await?;
    for m in &mut moved {
        m.qty = Qty::from_units(sign * m.qty.units());
    }
    Ok(moved)
}

/// The webhook events of a wiring: the document's own, and any minimum it crossed.
async fn announce<D: StockDocument>(
    tx: &mut Tx,
    actor: &Actor,
    listeners: &Listeners,
    change: &Change<D>,
    moved: &[minimums::Moved],
) -> ServiceResult<()> {
    if let Some(event) = webhook::document_event(D::KIND, change.wired) {
        let shown = DocumentEvent {
            id: change.id.get(),
            status: if change.wired { "wired" } else { "not_wired" },
            doc_date: time::format_rfc3339(change.date, &actor.timezone),
        };
        webhooks::emit_to(tx, actor.account_id, listeners, event, &shown).await?;
    }
    super::minimums::emit_crossed(tx, actor.account_id, listeners, moved).await
}

/// A wiring or unwiring of document `id`, dated `date`.
struct Change<D> {
    id: D,
    wired: bool,
    date: i64,
}

/// Flips the document's wired flag to `wired` inside `tx`: 404 when it does not exist, 409
/// when it already is in that state. The caller then posts or unposts its movements.
async fn flip<D: StockDocument>(
    tx: &mut Tx,
    actor: &Actor,
    id: D,
    wired: bool,
    now: i64,
) -> ServiceResult<()> {
    let account_id = actor.account_id;
    if D::TABLE
        .set_wired(tx, account_id, id, wired, actor.user_id, now)
        .await?
    {
        return Ok(());
    }
    Err(if D::TABLE.exists(tx, account_id, id).await? {
        ServiceError::Conflict(format!(
            "{} {id} is already {}",
            D::KIND,
            if wired { "wired" } else { "not wired" }
        ))
    } else {
        not_found(id)
    })
}

fn not_found<D: DocumentId>(id: D) -> ServiceError {
    ServiceError::NotFound(format!("no {} with id {id}", D::KIND))
}

/// Refuses (409, naming the lock date) a document dated `doc_date` when the account's lock
/// date is set and `doc_date` falls before the end of that day in the account's time zone.
/// Creating, wiring and unwiring a stock document call it inside their transaction; receipts
/// never do (they are facts). Returns what the ledger needs of the account, read once.
pub async fn require_unlocked(
    tx: &mut Tx,
    account_id: AccountId,
    doc_date: i64,
) -> ServiceResult<accounts::Lock> {
    let lock = accounts::lock(tx, account_id).await?;
    refuse_locked(&lock, doc_date)?;
    Ok(lock)
}

/// A conflict when `doc_date` is on or before the account's lock date.
fn refuse_locked(lock: &accounts::Lock, doc_date: i64) -> ServiceResult<()> {
    let (Some(end), Some(lock_date)) = (lock_end(lock)?, &lock.lock_date) else {
        return Ok(());
    };
    if doc_date < end {
        let zone = time::parse_timezone(&lock.timezone).unwrap_or(jiff::tz::TimeZone::UTC);
        return Err(ServiceError::Conflict(format!(
            "the account is locked up to {lock_date}; a document dated {} cannot be created, \
             wired or unwired",
            time::day_of(doc_date, &zone)
        )));
    }
    Ok(())
}

/// The header of document `id`: 404 when there is none.
#[tracing::instrument(skip_all, fields(account = %account_id, kind = %D::KIND, id = %id))]
pub async fn header<D: StockDocument>(
    db: &Db,
    account_id: AccountId,
    id: D,
) -> ServiceResult<D::Header> {
    D::TABLE
        .find(&mut db.read().await, account_id, id)
        .await?
        .ok_or_else(|| not_found(id))
}

/// The header of document `id` inside `tx` (for wiring, after [`flip`] found it).
pub async fn header_in<D: StockDocument>(
    tx: &mut Tx,
    account_id: AccountId,
    id: D,
) -> ServiceResult<D::Header> {
    D::TABLE
        .find(tx, account_id, id)
        .await?
        .ok_or_else(|| not_found(id))
}

/// The headers of the documents of a kind dated in `[from, to)`, by date then id.
#[tracing::instrument(skip_all, fields(account = %account_id, kind = %D::KIND))]
pub async fn list<D: StockDocument>(
    db: &Db,
    account_id: AccountId,
    from: i64,
    to: i64,
) -> ServiceResult<Vec<D::Header>> {
    Ok(D::TABLE.list(db, account_id, from, to).await?)
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

/// The instant the account's lock ends (the start of the day after its lock date, in its
/// zone), if it has one.
pub fn lock_end(lock: &accounts::Lock) -> ServiceResult<Option<i64>> {
    let Some(lock_date) = &lock.lock_date else {
        return Ok(None);
    };
    let zone = time::parse_timezone(&lock.timezone).unwrap_or(jiff::tz::TimeZone::UTC);
    time::day_end(lock_date, &zone).map(Some).map_err(|_| {
        ServiceError::Db(db::DbError::Corrupt {
            column: "accounts.lock_date",
            value: lock_date.clone(),
        })
    })
}
