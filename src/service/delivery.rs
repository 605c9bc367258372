//! Delivery orders (API.md §6): accepted at once as durable jobs, then turned into orders for
//! a shop, exactly once, by a worker; or run at once (`/a/v1.1/draft/receipts`). An order
//! links its client by UUID, else finds one by phone or card, else creates one. Without a
//! shop or a client the order waits in the back office and is not sent to a terminal.

use rust_decimal::Decimal;

use crate::db::clients::{self, Contact, NewClient};
use crate::db::ids::{self, Kind};
use crate::db::jobs::{self, JobRow};
use crate::db::objects;
use crate::db::sales::{self, LineRow, ReceiptRow};
use crate::db::{self, Db, Tx};
use crate::domain::client::{norm_phone, parse_birthday};
use crate::domain::decimal::Money;
use crate::domain::ids::{AccountId, JobId, ReceiptId};
use crate::domain::sales::{self as rules, JobStatus, OrderStatus, ReceiptSource};
use crate::domain::time;
use crate::wire::delivery::{BillIn, ClientIn};

use super::sales::{check_payments, parse_uuid, payment_kinds, require_products, unit_price};
use super::stop_list;
use super::webhooks;
use super::{Actor, ServiceError, ServiceResult};
use crate::domain::webhook::EventType;
use crate::wire::webhooks::{JobEvent, OrderEvent};

const KIND: &str = "delivery";

/// What a job came to.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub job_id: JobId,
    pub status: JobStatus,
    pub message: String,
}

/// Checks what can be checked at once and queues the order; returns the job id.
#[tracing::instrument(skip_all, fields(account = %actor.account_id))]
pub async fn accept(db: &Db, actor: &Actor, bill: &BillIn) -> ServiceResult<JobId> {
    check_bill(bill)?;
    let payload =
        serde_json::to_string(bill).map_err(|e| ServiceError::invalid("bill", e.to_string()))?;
    let mut tx = db.begin_write().await?;
    let id = JobId::new(ids::next(&mut tx, actor.account_id, Kind::Job).await?);
    let job = JobRow {
        id,
        status: JobStatus::Pending,
        message: String::new(),
    };
    jobs::insert(
        &mut tx,
        actor.account_id,
        &job,
        KIND,
        &payload,
        time::now_unix(),
    )
    .await?;
    db::commit(tx).await?;
    Ok(id)
}

/// Runs an order at once and records it as a finished job: its outcome is the answer.
#[tracing::instrument(skip_all, fields(account = %actor.account_id))]
pub async fn run_now(db: &Db, actor: &Actor, bill: &BillIn) -> ServiceResult<Outcome> {
    check_bill(bill)?;
    let payload =
        serde_json::to_string(bill).map_err(|e| ServiceError::invalid("bill", e.to_string()))?;
    let (account_id, now) = (actor.account_id, time::now_unix());
    let mut tx = db.begin_write().await?;
    let made = make_order(&mut tx, account_id, bill, now).await;
    let (mut tx, status, message) = settle(db, tx, made).await?;
    let id = JobId::new(ids::next(&mut tx, account_id, Kind::Job).await?);
    let job = JobRow {
        id,
        status,
        message,
    };
    jobs::insert(&mut tx, account_id, &job, KIND, &payload, now).await?;
    db::commit(tx).await?;
    Ok(Outcome {
        job_id: id,
        status,
        message: job.message,
    })
}

/// Does a pending job, exactly once: the order is made in the transaction that takes the job
/// off `pending`. `None` when the job is not pending (done, or being done elsewhere).
#[tracing::instrument(skip_all, fields(account = %account_id))]
pub async fn process(
    db: &Db,
    account_id: AccountId,
    job_id: JobId,
) -> ServiceResult<Option<Outcome>> {
    let now = time::now_unix();
    let mut tx = db.begin_write().await?;
    let Some(payload) = jobs::claim(&mut tx, account_id, job_id, now).await? else {
        return Ok(None);
    };
    let made = match serde_json::from_str::<BillIn>(&payload) {
        Ok(bill) => make_order(&mut tx, account_id, &bill, now).await,
        Err(e) => Err(ServiceError::invalid("bill", e.to_string())),
    };
    let (mut tx, status, message) = settle(db, tx, made).await?;
    if !jobs::finish(&mut tx, account_id, job_id, status, &message, now).await? {
        return Ok(None);
    }
    let data = JobEvent {
        job_id: job_id.get(),
        status: status.as_str().to_owned(),
        order_uuid: (status == JobStatus::Success).then(|| message.clone()),
        error: (status != JobStatus::Success).then(|| message.clone()),
    };
    webhooks::emit(&mut tx, account_id, EventType::JobFinished, &data).await?;
    db::commit(tx).await?;
    Ok(Some(Outcome {
        job_id,
        status,
        message,
    }))
}

/// The job's status and message, and the transaction to record them in: the order's own on
/// success; on failure a fresh one, the order's writes gone (the old one is dropped first: on
/// SQLite it holds the only writer).
async fn settle(
    db: &Db,
    tx: Tx,
    made: ServiceResult<String>,
) -> ServiceResult<(Tx, JobStatus, String)> {
    match made {
        Ok(uuid) => Ok((tx, JobStatus::Success, uuid)),
        Err(e) => {
            let reason = failure(e)?;
            drop(tx);
            Ok((db.begin_write().await?, JobStatus::Failed, reason))
        }
    }
}

/// The reason a job failed, for a refusal; a database error is no reason (the job stays).
fn failure(error: ServiceError) -> ServiceResult<String> {
    match error {
        ServiceError::Db(e) => Err(ServiceError::Db(e)),
        ServiceError::Invalid {
            field: Some(field),
            message,
        } => Ok(format!("{field}: {message}")),
        other => Ok(other.to_string()),
    }
}

/// A job's state.
#[tracing::instrument(skip_all, fields(account = %account_id))]
pub async fn status(db: &Db, account_id: AccountId, job_id: JobId) -> ServiceResult<JobRow> {
    jobs::find(db, account_id, job_id)
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("no job {job_id}")))
}

/// Sums and counts must not be negative (the vendor's rule); an item needs a positive count.
fn check_bill(bill: &BillIn) -> ServiceResult<()> {
    if bill.total_sum.is_negative() {
        return Err(ServiceError::invalid(
            "bill.total_sum",
            "total_sum must not be negative",
        ));
    }
    check_payments(&bill.payments).map_err(|e| prefixed(e, "bill."))?;
    for (i, item) in bill.items.iter().enumerate() {
        let field = |name: &str| format!("bill.items[{i}].{name}");
        if item.count.decimal() <= Decimal::ZERO {
            return Err(ServiceError::invalid(
                field("count"),
                "count must be positive",
            ));
        }
        for (name, negative) in [
            (
                "price",
                item.price
                    .is_some_and(super::super::domain::decimal::Fixed::is_negative),
            ),
            (
                "origin_price",
                item.origin_price
                    .is_some_and(super::super::domain::decimal::Fixed::is_negative),
            ),
            (
                "discount_sum",
                item.discount_sum
                    .is_some_and(super::super::domain::decimal::Fixed::is_negative),
            ),
            ("total_sum", item.total_sum.is_negative()),
        ] {
            if negative {
                return Err(ServiceError::invalid(
                    field(name),
                    format!("{name} must not be negative"),
                ));
            }
        }
    }
    if bill.items.is_empty() && bill.client.is_none() {
        return Err(ServiceError::invalid(
            "bill.items",
            "an order needs items, or a client to register",
        ));
    }
    Ok(())
}

fn prefixed(error: ServiceError, prefix: &str) -> ServiceError {
    match error {
        ServiceError::Invalid {
            field: Some(field),
            message,
        } => ServiceError::invalid(format!("{prefix}{field}"), message),
        other => other,
    }
}

/// Makes the order a bill describes (or, for a bill without items, registers its client);
/// returns the order's UUID (or the client's).
async fn make_order(
    tx: &mut Tx,
    account_id: AccountId,
    bill: &BillIn,
    now: i64,
) -> ServiceResult<String> {
    if let Some(shop) = bill.pos_id {
        if objects::shop_storage(tx, account_id, shop).await?.is_none() {
            return Err(ServiceError::invalid(
                "bill.pos_id",
                format!("no shop {shop} in this account"),
            ));
        }
    }
    require_products(
        tx,
        account_id,
        bill.items.iter().map(|i| i.product_id),
        "bill.items",
    )
    .await?;
    if let Some(shop) = bill.pos_id {
        let products: Vec<_> = bill.items.iter().map(|i| i.product_id).collect();
        stop_list::refuse_stopped(tx, account_id, shop, &products, "bill.items").await?;
    }
    let payments = check_payments(&bill.payments)?;
    payment_kinds(tx, account_id, &payments)
        .await
        .map_err(|e| prefixed(e, "bill."))?;
    let registering = bill.items.is_empty();
    let client = match &bill.client {
        Some(c) => Some(client_for(tx, account_id, c, registering, now).await?),
        None => None,
    };
    if registering {
        return client
            .ok_or_else(|| ServiceError::invalid("bill.client", "nothing to order and no client"));
    }
    let created_at = match bill.created_at.as_deref().or(bill.date.as_deref()) {
        Some(text) => instant(text, "bill.created_at")?,
        None => now,
    };
    let started_at = bill
        .started_at
        .as_deref()
        .map(|t| instant(t, "bill.started_at"))
        .transpose()?;
    let lines = order_lines(bill);
    let totals = rules::bill_totals(
        bill.total_sum,
        lines.iter().map(|l| (l.total_sum, l.discount_sum)),
    );
    let id = ReceiptId::new(ids::next(tx, account_id, Kind::Receipt).await?);
    let uuid = uuid::Uuid::new_v4().to_string();
    let order = ReceiptRow {
        shop_id: bill.pos_id,
        sent: bill.pos_id.is_some() && client.is_some(),
        app_id: bill.app_id,
        delivery_type: bill.delivery_type,
        client_uuid: client,
        count_clients: 1,
        comment: bill.comment.clone().unwrap_or_default(),
        delivery_address: bill
            .delivery
            .as_ref()
            .and_then(|d| d.address.clone())
            .unwrap_or_default(),
        total: totals.total,
        total_sum: totals.total_sum,
        discount_sum: totals.discount_sum,
        started_at,
        ..ReceiptRow::new(
            id,
            uuid.clone(),
            ReceiptSource::Delivery,
            OrderStatus::WaitCashier,
            created_at,
        )
    };
    sales::insert(tx, account_id, &order, &lines, &payments, now).await?;
    created(tx, account_id, &order).await?;
    Ok(uuid)
}

/// The lines of a delivery order as its bill lists them (a price missing is the line's
/// total over its count).
fn order_lines(bill: &BillIn) -> Vec<LineRow> {
    bill.items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let price = item
                .price
                .or(item.origin_price)
                .unwrap_or_else(|| unit_price(item.total_sum, item.count));
            LineRow {
                line_no: i64::try_from(i + 1).unwrap_or(i64::MAX),
                uuid: uuid::Uuid::new_v4().to_string(),
                product_id: item.product_id,
                parent_line: None,
                title: item.title.clone().unwrap_or_default(),
                count: item.count,
                price,
                origin_price: item.origin_price.unwrap_or(price),
                discount_sum: item.discount_sum.unwrap_or(Money::ZERO),
                total_sum: item.total_sum,
                self_cost_sum: Money::ZERO,
            }
        })
        .collect()
}

/// Emits `order.created` for an order just made.
async fn created(tx: &mut Tx, account_id: AccountId, order: &ReceiptRow) -> ServiceResult<()> {
    let data = OrderEvent {
        uuid: order.uuid.clone(),
        status: order.status.as_str(),
        terminal_number: order.shop_id,
        total_sum: order.total_sum,
    };
    webhooks::emit(tx, account_id, EventType::OrderCreated, &data).await
}

/// Unix seconds, or a date-time (UTC unless it says otherwise).
fn instant(text: &str, field: &str) -> ServiceResult<i64> {
    if let Ok(seconds) = text.trim().parse::<i64>() {
        return Ok(seconds);
    }
    time::parse_instant(text, &jiff::tz::TimeZone::UTC).map_err(|e| ServiceError::invalid(field, e))
}

/// The order's client: by UUID (which must exist), else by phone or card, else a new one. A
/// registration (a bill without items) of a client who exists is refused as a duplicate, and so
/// is a phone and a card that belong to two different clients.
async fn client_for(
    tx: &mut Tx,
    account_id: AccountId,
    c: &ClientIn,
    registering: bool,
    now: i64,
) -> ServiceResult<String> {
    if let Some(text) = &c.uuid {
        let uuid = parse_uuid(text, "bill.client.uuid")?;
        return match clients::find(tx, account_id, &uuid).await? {
            Some(found) => Ok(found.uuid),
            None => Err(ServiceError::invalid(
                "bill.client.uuid",
                format!("unknown client uuid {uuid}"),
            )),
        };
    }
    let phone = c.phone.as_deref().map(norm_phone).filter(|p| !p.is_empty());
    let card = c
        .card_number
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_owned);
    let by_phone = match &phone {
        Some(p) => clients::find_by(tx, account_id, Contact::Phone, p)
            .await?
            .into_iter()
            .next(),
        None => None,
    };
    let by_card = match &card {
        Some(k) => clients::find_by(tx, account_id, Contact::Card, k)
            .await?
            .into_iter()
            .next(),
        None => None,
    };
    match (by_phone, by_card) {
        (Some(a), Some(b)) if a.uuid != b.uuid => Err(ServiceError::invalid(
            "bill.client",
            format!(
                "duplicate client: the phone is client {}'s, the card client {}'s",
                a.uuid, b.uuid
            ),
        )),
        (Some(found), _) | (None, Some(found)) if registering => Err(ServiceError::invalid(
            "bill.client",
            format!("duplicate client: already registered as {}", found.uuid),
        )),
        (Some(found), _) | (None, Some(found)) => Ok(found.uuid),
        (None, None) => create_client(tx, account_id, c, card, now).await,
    }
}

async fn create_client(
    tx: &mut Tx,
    account_id: AccountId,
    c: &ClientIn,
    card: Option<String>,
    now: i64,
) -> ServiceResult<String> {
    let name = c.name.clone().unwrap_or_default();
    if name.trim().is_empty() && c.phone.is_none() && card.is_none() {
        return Err(ServiceError::invalid(
            "bill.client",
            "a new client needs a name, a phone or a card",
        ));
    }
    let group_id = match &c.discount_group {
        Some(g) => match clients::group(tx, account_id, g.id).await? {
            Some(group) => Some(group.id),
            None => {
                return Err(ServiceError::invalid(
                    "bill.client.discount_group.id",
                    format!("no discount group {}", g.id),
                ))
            }
        },
        None => None,
    };
    let birthday = c
        .birthday()
        .map(|(field, text)| {
            parse_birthday(text)
                .map_err(|e| ServiceError::invalid(format!("bill.client.{field}"), e))
        })
        .transpose()?;
    let client = NewClient {
        uuid: uuid::Uuid::new_v4().to_string(),
        name: name.trim().to_owned(),
        last_name: c.last_name.clone().unwrap_or_default().trim().to_owned(),
        phone: c.phone.clone().unwrap_or_default(),
        address: c.address.clone().unwrap_or_default(),
        email: c.email.clone().filter(|e| !e.trim().is_empty()),
        card_number: card.unwrap_or_default(),
        birthday,
        sex: c.sex.clone(),
        group_id,
    };
    clients::insert(tx, account_id, &client, now).await?;
    super::loyalty::announce(tx, account_id, EventType::ClientCreated, &client.uuid).await?;
    Ok(client.uuid)
}
