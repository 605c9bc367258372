//! Webhook subscriptions, and the outbox that is also the delivery log (API.md §12).
//!
//! An event's deliveries (one per subscription, each carrying the event) are inserted by the
//! transaction of the change they describe;
//! the sender later takes a subscription's queue under a lease (so two servers never send the
//! same attempt at once), sends it in id order, and records the attempts in one transaction.

use super::{batch, DbError, Query, Scalar, Tx};
use crate::domain::ids::{AccountId, DeliveryId, WebhookId};
use crate::domain::webhook::DeliveryStatus;
use crate::{from_row, params, record};

/// A subscription as listed (never its secret).
#[derive(Debug, Clone)]
pub struct WebhookRow {
    pub id: WebhookId,
    pub url: String,
    pub events: String,
    pub enabled: bool,
    pub disabled_reason: Option<String>,
    pub failing_since_ms: Option<i64>,
    pub created_at: i64,
}

from_row!(WebhookRow {
    id,
    url,
    events,
    enabled,
    disabled_reason,
    failing_since_ms,
    created_at
});

const COLUMNS: &str = "id, url, events, enabled, disabled_reason, failing_since_ms, created_at";

pub async fn insert(
    tx: &mut Tx,
    account_id: AccountId,
    id: WebhookId,
    url: &str,
    events: &str,
    secret: &str,
    now: i64,
) -> Result<(), DbError> {
    tx.run(
        "INSERT INTO webhooks (account_id, id, url, events, secret, created_at) \
         VALUES (:account_id, :id, :url, :events, :secret, :now)",
        params! { account_id, id, url, events, secret, now },
    )
    .await?;
    Ok(())
}

pub async fn list(q: &mut impl Query, account_id: AccountId) -> Result<Vec<WebhookRow>, DbError> {
    let sql = format!("SELECT {COLUMNS} FROM webhooks WHERE account_id = :account_id ORDER BY id");
    q.all(&sql, params! { account_id }).await
}

pub async fn get(
    q: &mut impl Query,
    account_id: AccountId,
    id: WebhookId,
) -> Result<Option<WebhookRow>, DbError> {
    let sql = format!("SELECT {COLUMNS} FROM webhooks WHERE account_id = :account_id AND id = :id");
    q.optional(&sql, params! { account_id, id }).await
}

/// Deletes a subscription with its deliveries and their attempts; `false` when there is none.
pub async fn delete(tx: &mut Tx, account_id: AccountId, id: WebhookId) -> Result<bool, DbError> {
    Ok(tx
        .run(
            "DELETE FROM webhooks WHERE account_id = :account_id AND id = :id",
            params! { account_id, id },
        )
        .await?
        > 0)
}

/// An enabled subscription: its id and the types it lists (comma-separated).
#[derive(Debug, Clone)]
pub struct Listener {
    pub id: WebhookId,
    pub events: String,
}

from_row!(Listener { id, events });

/// The account's enabled subscriptions, in id order.
pub async fn enabled(tx: &mut Tx, account_id: AccountId) -> Result<Vec<Listener>, DbError> {
    tx.all(
        "SELECT id, events FROM webhooks WHERE account_id = :account_id AND enabled = 1 ORDER BY id",
        params! { account_id },
    )
    .await
}

/// An event to record: its `data` goes out as recorded.
#[derive(Debug)]
pub struct NewEvent<'a> {
    pub uuid: &'a str,
    pub event_type: &'a str,
    pub data: &'a str,
}

/// Records `event` as one pending delivery per subscription, `to` naming each delivery's id and
/// subscription, due at `now_ms`.
pub async fn record_event(
    tx: &mut Tx,
    account_id: AccountId,
    event: &NewEvent<'_>,
    to: &[(DeliveryId, WebhookId)],
    now_ms: i64,
) -> Result<(), DbError> {
    let now = now_ms.div_euclid(1000);
    let rows: Vec<batch::Record> = to
        .iter()
        .map(|&(id, webhook_id)| {
            record! {
                account_id,
                id,
                webhook_id,
                event_uuid: event.uuid,
                event_type: event.event_type,
                data: event.data,
                next_at_ms: now_ms,
                created_at: now,
            }
        })
        .collect();
    batch::insert(tx, "webhook_deliveries", &rows, "").await
}

/// A subscription with a delivery due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Due {
    pub account_id: AccountId,
    pub webhook_id: WebhookId,
}

from_row!(Due {
    account_id,
    webhook_id
});

/// Subscriptions with a pending delivery due by `now_ms` (up to `limit`).
pub async fn due(q: &mut impl Query, now_ms: i64, limit: i64) -> Result<Vec<Due>, DbError> {
    q.all(
        "SELECT DISTINCT account_id, webhook_id FROM webhook_deliveries \
         WHERE status = 'pending' AND next_at_ms <= :now_ms LIMIT :limit",
        params! { now_ms, limit },
    )
    .await
}

/// What a lease on a subscription hands the sender.
#[derive(Debug, Clone)]
pub struct Leased {
    pub url: String,
    pub secret: String,
    pub account: String,
    pub failing_since_ms: Option<i64>,
}

from_row!(Leased {
    url,
    secret,
    account,
    failing_since_ms
});

/// Takes the subscription's queue for `owner` until `until_ms`, unless another owner holds an
/// unexpired lease or the subscription is disabled.
pub async fn lease(
    tx: &mut Tx,
    due: Due,
    owner: &str,
    now_ms: i64,
    until_ms: i64,
) -> Result<Option<Leased>, DbError> {
    let Due {
        account_id,
        webhook_id,
    } = due;
    let taken = tx
        .run(
            "UPDATE webhooks SET lease_owner = :owner, lease_until_ms = :until_ms \
             WHERE account_id = :account_id AND id = :webhook_id AND enabled = 1 \
             AND (lease_until_ms IS NULL OR lease_until_ms < :now_ms OR lease_owner = :owner)",
            params! { owner, until_ms, account_id, webhook_id, now_ms },
        )
        .await?;
    if taken == 0 {
        return Ok(None);
    }
    tx.optional(
        "SELECT w.url, w.secret, a.name AS account, w.failing_since_ms FROM webhooks w \
         JOIN accounts a ON a.id = w.account_id \
         WHERE w.account_id = :account_id AND w.id = :webhook_id",
        params! { account_id, webhook_id },
    )
    .await
}

/// A pending delivery with its event, as the sender needs it.
#[derive(Debug, Clone)]
pub struct Queued {
    pub id: DeliveryId,
    pub attempts: i64,
    pub next_at_ms: i64,
    pub created_at: i64,
    pub uuid: String,
    pub event_type: String,
    pub event_at: i64,
    pub data: String,
}

from_row!(Queued {
    id,
    attempts,
    next_at_ms,
    created_at,
    uuid,
    event_type,
    event_at,
    data
});

/// The oldest pending deliveries of a subscription, in recorded order.
pub async fn queue(q: &mut impl Query, due: Due, limit: i64) -> Result<Vec<Queued>, DbError> {
    let Due {
        account_id,
        webhook_id,
    } = due;
    q.all(
        "SELECT id, attempts, next_at_ms, created_at, event_uuid AS uuid, event_type, \
         created_at AS event_at, data FROM webhook_deliveries \
         WHERE account_id = :account_id AND webhook_id = :webhook_id AND status = 'pending' \
         ORDER BY id LIMIT :limit",
        params! { account_id, webhook_id, limit },
    )
    .await
}

/// One attempt and where it leaves its delivery.
#[derive(Debug, Clone)]
pub struct Attempted {
    pub delivery_id: DeliveryId,
    /// Its number among the delivery's attempts, from 1.
    pub no: i64,
    pub at_ms: i64,
    pub status_code: Option<i64>,
    pub error: Option<String>,
    pub status: DeliveryStatus,
    pub next_at_ms: i64,
}

/// Records attempts on a subscription's deliveries and the subscription's state after them,
/// and lets go of its lease: three statements for a round of any size.
pub async fn record_attempts(
    tx: &mut Tx,
    due: Due,
    attempts: &[Attempted],
    after: &Standing,
) -> Result<(), DbError> {
    let Due {
        account_id,
        webhook_id,
    } = due;
    let moved: Vec<batch::Record> = attempts
        .iter()
        .map(|a| record! { id: a.delivery_id, status: a.status.as_str(), next_at_ms: a.next_at_ms })
        .collect();
    batch::update_by(
        tx,
        "webhook_deliveries",
        account_id,
        1,
        "attempts = webhook_deliveries.attempts + 1, status = v.status, next_at_ms = v.next_at_ms",
        &moved,
    )
    .await?;
    let rows: Vec<batch::Record> = attempts
        .iter()
        .map(|a| {
            record! {
                account_id,
                delivery_id: a.delivery_id,
                no: a.no,
                at_ms: a.at_ms,
                status_code: a.status_code,
                error: a.error.clone(),
            }
        })
        .collect();
    batch::insert(tx, "webhook_attempts", &rows, "").await?;
    tx.run(
        "UPDATE webhooks SET lease_owner = NULL, lease_until_ms = NULL, \
         failing_since_ms = :failing_since_ms, enabled = :enabled, disabled_reason = :reason \
         WHERE account_id = :account_id AND id = :webhook_id",
        params! {
            failing_since_ms: after.failing_since_ms,
            enabled: after.disabled_reason.is_none(),
            reason: after.disabled_reason.clone(),
            account_id,
            webhook_id,
        },
    )
    .await?;
    Ok(())
}

/// A subscription's standing after a round of attempts.
#[derive(Debug, Clone, Default)]
pub struct Standing {
    pub failing_since_ms: Option<i64>,
    /// `Some`: disabled, for this reason.
    pub disabled_reason: Option<String>,
}

/// A delivery as the log lists it.
#[derive(Debug, Clone)]
pub struct DeliveryRow {
    pub id: DeliveryId,
    pub webhook_id: WebhookId,
    pub uuid: String,
    pub event_type: String,
    pub status: String,
    pub created_at: i64,
}

from_row!(DeliveryRow {
    id,
    webhook_id,
    uuid,
    event_type,
    status,
    created_at
});

/// A subscription's deliveries, newest first, older than `before` when given.
pub async fn deliveries(
    q: &mut impl Query,
    account_id: AccountId,
    webhook_id: WebhookId,
    before: Option<DeliveryId>,
    limit: i64,
) -> Result<Vec<DeliveryRow>, DbError> {
    q.all(
        "SELECT id, webhook_id, event_uuid AS uuid, event_type, status, created_at \
         FROM webhook_deliveries WHERE account_id = :account_id AND webhook_id = :webhook_id \
         AND (:before IS NULL OR id < :before) ORDER BY id DESC LIMIT :limit",
        params! { account_id, webhook_id, before, limit },
    )
    .await
}

/// One attempt as the log lists it.
#[derive(Debug, Clone)]
pub struct AttemptRow {
    pub delivery_id: DeliveryId,
    pub at_ms: i64,
    pub status_code: Option<i64>,
    pub error: Option<String>,
}

from_row!(AttemptRow {
    delivery_id,
    at_ms,
    status_code,
    error
});

/// The attempts of the deliveries from `low` to `high` of a subscription, in order.
pub async fn attempts(
    q: &mut impl Query,
    account_id: AccountId,
    webhook_id: WebhookId,
    low: DeliveryId,
    high: DeliveryId,
) -> Result<Vec<AttemptRow>, DbError> {
    q.all(
        "SELECT a.delivery_id, a.at_ms, a.status_code, a.error FROM webhook_attempts a \
         JOIN webhook_deliveries d ON d.account_id = a.account_id AND d.id = a.delivery_id \
         WHERE a.account_id = :account_id AND d.webhook_id = :webhook_id \
         AND a.delivery_id BETWEEN :low AND :high ORDER BY a.delivery_id, a.no",
        params! { account_id, webhook_id, low, high },
    )
    .await
}

/// Puts a delivery back in its queue, due at `now_ms` (its attempts stay in the log); the
/// subscription it belongs to, or `None` when there is no such delivery.
pub async fn replay(
    tx: &mut Tx,
    account_id: AccountId,
    id: DeliveryId,
    now_ms: i64,
) -> Result<Option<WebhookId>, DbError> {
    let row: Option<Scalar<WebhookId>> = tx
        .optional(
            "UPDATE webhook_deliveries SET status = 'pending', next_at_ms = :now_ms \
             WHERE account_id = :account_id AND id = :id RETURNING webhook_id AS value",
            params! { now_ms, account_id, id },
        )
        .await?;
    Ok(row.map(|Scalar(id)| id))
}

/// Enables a subscription again, as if it had never failed.
pub async fn enable(tx: &mut Tx, account_id: AccountId, id: WebhookId) -> Result<(), DbError> {
    tx.run(
        "UPDATE webhooks SET enabled = 1, disabled_reason = NULL, failing_since_ms = NULL \
         WHERE account_id = :account_id AND id = :id",
        params! { account_id, id },
    )
    .await?;
    Ok(())
}

/// Wakes the senders of this process when a transaction that recorded events commits.
pub static OUTBOX: tokio::sync::Notify = tokio::sync::Notify::const_new();

/// Forgets deliveries that ended (delivered or failed) before `before` (Unix seconds), with
/// their attempts; answers how many.
pub async fn purge(tx: &mut Tx, before: i64) -> Result<u64, DbError> {
    tx.run(
        "DELETE FROM webhook_deliveries WHERE status <> 'pending' AND created_at < :before",
        params! { before },
    )
    .await
}
