//! Webhooks (API.md §12): subscriptions, emitting events inside the transaction of the change
//! they describe, and the delivery log with replay. Sending is
//! [`webhook_delivery`](super::webhook_delivery)'s.

use rand::RngCore;
use serde::Serialize;

use crate::db::ids::{self, Kind};
use crate::db::webhooks::{self, AttemptRow, DeliveryRow, NewEvent, WebhookRow};
use crate::db::{self, Db, DbError, Tx};
use crate::domain::ids::{AccountId, DeliveryId, WebhookId};
use crate::domain::time;
use crate::domain::webhook::{self, EventType};

use super::{ServiceError, ServiceResult};

/// The account's enabled subscriptions, read once by an emitter that may emit several events
/// (or build costly `data` only when someone listens).
#[derive(Debug, Clone, Default)]
pub struct Listeners(Vec<webhooks::Listener>);

impl Listeners {
    /// The subscriptions that list `event`.
    pub fn of(&self, event: EventType) -> Vec<WebhookId> {
        self.0
            .iter()
            .filter(|l| l.events.split(',').any(|t| t == event.as_str()))
            .map(|l| l.id)
            .collect()
    }

    pub fn any(&self, event: EventType) -> bool {
        !self.of(event).is_empty()
    }
}

/// The account's enabled subscriptions, as of `tx`.
pub async fn listeners(tx: &mut Tx, account_id: AccountId) -> ServiceResult<Listeners> {
    Ok(Listeners(webhooks::enabled(tx, account_id).await?))
}

/// Records `event` with `data` for every subscription of the account that lists its type,
/// inside `tx`: it commits with the change or not at all. Nothing is written when no
/// subscription listens, so an account without webhooks pays one indexed lookup.
pub async fn emit<T: Serialize + ?Sized>(
    tx: &mut Tx,
    account_id: AccountId,
    event: EventType,
    data: &T,
) -> ServiceResult<()> {
    let listeners = listeners(tx, account_id).await?;
    emit_to(tx, account_id, &listeners, event, data).await
}

/// [`emit`] to the `listeners` already read.
pub async fn emit_to<T: Serialize + ?Sized>(
    tx: &mut Tx,
    account_id: AccountId,
    listeners: &Listeners,
    event: EventType,
    data: &T,
) -> ServiceResult<()> {
    let to = listeners.of(event);
    if to.is_empty() {
        return Ok(());
    }
    record(tx, account_id, event, data, &to).await
}

async fn record<T: Serialize + ?Sized>(
    tx: &mut Tx,
    account_id: AccountId,
    event: EventType,
    data: &T,
    to: &[WebhookId],
) -> ServiceResult<()> {
    let data = serde_json::to_string(data).map_err(|e| {
        ServiceError::Db(DbError::Corrupt {
            column: "webhook_deliveries.data",
            value: e.to_string(),
        })
    })?;
    let count = i64::try_from(to.len()).unwrap_or(i64::MAX);
    let first = ids::reserve(tx, account_id, Kind::WebhookEvent, count).await?;
    let deliveries: Vec<(DeliveryId, WebhookId)> = (first..)
        .zip(to)
        .map(|(id, &webhook)| (DeliveryId::new(id), webhook))
        .collect();
    let uuid = uuid::Uuid::new_v4().to_string();
    let new = NewEvent {
        uuid: &uuid,
        event_type: event.as_str(),
        data: &data,
    };
    webhooks::record_event(tx, account_id, &new, &deliveries, time::now_millis()).await?;
    tx.mark_events();
    Ok(())
}

/// A new subscription: its id and the signing secret (shown this once).
#[derive(Debug, Clone)]
pub struct Created {
    pub id: WebhookId,
    pub secret: String,
}

/// What a subscription is made from.
#[derive(Debug, Clone)]
pub struct Spec<'a> {
    pub url: &'a str,
    pub events: Vec<&'a str>,
    /// `None`: a random one is made.
    pub secret: Option<&'a str>,
    /// Whether the URL may name a private, loopback or link-local address (the CLI, run by
    /// the operator, may; the admin API unless the server allows it may not).
    pub allow_private: bool,
}

/// Creates a subscription: 422 naming `url` (not `http(s)://host…`, or private when not
/// allowed), `events` (unknown or none) or `secret` (blank).
pub async fn create(db: &Db, account_id: AccountId, spec: &Spec<'_>) -> ServiceResult<Created> {
    let url = check_url(spec.url, spec.allow_private).await?;
    let events = webhook::parse_events(spec.events.iter().copied())
        .map_err(|message| ServiceError::invalid("events", message))?;
    let events = events
        .iter()
        .map(|t| t.as_str())
        .collect::<Vec<_>>()
        .join(",");
    let secret = match spec.secret {
        Some(s) if s.trim().is_empty() => {
            return Err(ServiceError::invalid(
                "secret",
                "the secret may not be blank",
            ))
        }
        Some(s) => s.to_owned(),
        None => new_secret(),
    };
    let mut tx = db.begin_write().await?;
    let id = WebhookId::new(ids::next(&mut tx, account_id, Kind::Webhook).await?);
    webhooks::insert(
        &mut tx,
        account_id,
        id,
        &url,
        &events,
        &secret,
        time::now_unix(),
    )
    .await?;
    db::commit(tx).await?;
    Ok(Created { id, secret })
}

/// `whsec_` and 32 random bytes in hex.
fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    format!("whsec_{}", hex::encode(bytes))
}

/// The URL as it will be called: `http` or `https`, a host, no user or password in it; when
/// private receivers are not allowed, a host that is (or resolves only to) a private,
/// loopback or link-local address is refused. The sender checks again when it connects.
async fn check_url(text: &str, allow_private: bool) -> ServiceResult<String> {
    let bad = |message: &str| ServiceError::invalid("url", message);
    let url = reqwest::Url::parse(text.trim()).map_err(|e| bad(&format!("not a URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad("the URL must start with http:// or https://"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad(
            "the URL may not carry a user or password; the signature authenticates",
        ));
    }
    let Some(host) = url.host_str() else {
        return Err(bad("the URL names no host"));
    };
    if !allow_private {
        let host = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        let port = url.port_or_known_default().unwrap_or(443);
        let addrs: Vec<std::net::IpAddr> =
            match tokio::net::lookup_host((host.as_str(), port)).await {
                Ok(found) => found.map(|a| a.ip()).collect(),
                // a name that does not resolve yet may later; the sender checks at each connection
                Err(_) => Vec::new(),
            };
        if !addrs.is_empty() && addrs.iter().all(|ip| webhook::is_private(*ip)) {
            return Err(bad(&format!(
                "{host} is a private, loopback or link-local address; this server delivers only \
                 to public ones (serve --webhooks-allow-private allows them)"
            )));
        }
    }
    Ok(url.to_string())
}

pub async fn list(db: &Db, account_id: AccountId) -> ServiceResult<Vec<WebhookRow>> {
    Ok(webhooks::list(&mut db.read().await, account_id).await?)
}

pub async fn get(db: &Db, account_id: AccountId, id: WebhookId) -> ServiceResult<WebhookRow> {
    webhooks::get(&mut db.read().await, account_id, id)
        .await?
        .ok_or_else(|| not_found(id))
}

fn not_found(id: WebhookId) -> ServiceError {
    ServiceError::NotFound(format!("no webhook with id {id}"))
}

/// Deletes a subscription and its delivery log: 404 when there is none.
pub async fn delete(db: &Db, account_id: AccountId, id: WebhookId) -> ServiceResult<()> {
    let mut tx = db.begin_write().await?;
    if !webhooks::delete(&mut tx, account_id, id).await? {
        return Err(not_found(id));
    }
    db::commit(tx).await?;
    Ok(())
}

/// Sends a `ping` event to one subscription (whatever types it lists): 404 when there is none.
pub async fn test(db: &Db, account_id: AccountId, id: WebhookId) -> ServiceResult<()> {
    let mut tx = db.begin_write().await?;
    if webhooks::get(&mut tx, account_id, id).await?.is_none() {
        return Err(not_found(id));
    }
    let data = serde_json::json!({ "webhook_id": id });
    record(&mut tx, account_id, EventType::Ping, &data, &[id]).await?;
    db::commit(tx).await?;
    Ok(())
}

/// A delivery with its attempts, as the log shows it.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub row: DeliveryRow,
    pub attempts: Vec<AttemptRow>,
}

/// A subscription's deliveries, newest first (older than `before` when given), each with its
/// attempts: 404 when there is no such subscription.
pub async fn deliveries(
    db: &Db,
    account_id: AccountId,
    id: WebhookId,
    before: Option<DeliveryId>,
    limit: i64,
) -> ServiceResult<Vec<Delivery>> {
    let mut q = db.begin_snapshot().await?;
    if webhooks::get(&mut q, account_id, id).await?.is_none() {
        return Err(not_found(id));
    }
    let rows = webhooks::deliveries(&mut q, account_id, id, before, limit).await?;
    let (Some(high), Some(low)) = (rows.first(), rows.last()) else {
        return Ok(Vec::new());
    };
    let mut attempts = webhooks::attempts(&mut q, account_id, id, low.id, high.id)
        .await?
        .into_iter()
        .peekable();
    // attempts come oldest delivery first: match them walking the rows the same way
    let mut out: Vec<Delivery> = rows
        .into_iter()
        .rev()
        .map(|row| {
            let mut mine = Vec::new();
            while let Some(a) = attempts.next_if(|a| a.delivery_id == row.id) {
                mine.push(a);
            }
            Delivery {
                row,
                attempts: mine,
            }
        })
        .collect();
    out.reverse();
    Ok(out)
}

/// Puts a delivery back in its subscription's queue, due now, and enables the subscription
/// again if it was disabled (a replay is the owner saying "try again"): 404 when there is no
/// such delivery.
pub async fn replay(db: &Db, account_id: AccountId, id: DeliveryId) -> ServiceResult<WebhookId> {
    let mut tx = db.begin_write().await?;
    let Some(webhook_id) = webhooks::replay(&mut tx, account_id, id, time::now_millis()).await?
    else {
        return Err(ServiceError::NotFound(format!(
            "no webhook delivery with id {}",
            id.get()
        )));
    };
    webhooks::enable(&mut tx, account_id, webhook_id).await?;
    tx.mark_events();
    db::commit(tx).await?;
    Ok(webhook_id)
}
