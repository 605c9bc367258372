//! Webhooks in the admin JSON API (API.md §12): subscriptions, their delivery log, replay of
//! a delivery, and a `ping` to test a receiver. Under `/admin/v1/`, for an `admin` key.

use axum::extract::{Query, State};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::caller::AdminCaller;
use super::error::{ApiResult, ErrorEnvelope};
use super::extract::{ApiJson, IdPath};
use super::{AppState, Envelope, Success};
use crate::db::webhooks::WebhookRow;
use crate::domain::ids::{DeliveryId, WebhookId};
use crate::domain::time::format_rfc3339;
use crate::service::webhooks::{self, Delivery, Spec};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_webhooks, create_webhook))
        .routes(routes!(get_webhook, delete_webhook))
        .routes(routes!(list_deliveries))
        .routes(routes!(replay_delivery))
        .routes(routes!(test_webhook))
}

/// A subscription to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookIn {
    /// Where deliveries are posted: `http://` or `https://`.
    pub url: String,
    /// The event types (API.md §12), e.g. `["receipt.closed", "invoice.wired"]`.
    pub events: Vec<String>,
    /// The signing secret; a random one is made when absent.
    #[serde(default)]
    pub secret: Option<String>,
}

/// A subscription (its secret is shown only when it is created).
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookOut {
    pub id: WebhookId,
    pub url: String,
    pub events: Vec<String>,
    /// `false` once it failed for 72 hours in a row (a replay enables it again).
    pub enabled: bool,
    /// Why it was disabled.
    pub disabled_reason: Option<String>,
    /// The first failure since the last delivery, if it is failing now (RFC 3339, UTC).
    pub failing_since: Option<String>,
    pub created_at: String,
}

/// A subscription just created, with its signing secret (shown this once).
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedWebhook {
    pub id: WebhookId,
    pub secret: String,
}

fn utc(seconds: i64) -> String {
    format_rfc3339(seconds, &jiff::tz::TimeZone::UTC)
}

fn webhook_out(w: WebhookRow) -> WebhookOut {
    WebhookOut {
        id: w.id,
        url: w.url,
        events: w.events.split(',').map(str::to_owned).collect(),
        enabled: w.enabled,
        disabled_reason: w.disabled_reason,
        failing_since: w.failing_since_ms.map(|ms| utc(ms.div_euclid(1000))),
        created_at: utc(w.created_at),
    }
}

/// The account's webhook subscriptions, by id.
#[utoipa::path(
    get, path = "/webhooks", tag = "webhooks",
    responses((status = 200, body = Envelope<Vec<WebhookOut>>), (status = 403, description = "not an admin key", body = ErrorEnvelope)),
    security(("api_key" = []), ("session" = []))
)]
async fn list_webhooks(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
) -> ApiResult<Json<Envelope<Vec<WebhookOut>>>> {
    let rows = webhooks::list(&state.db, caller.account_id).await?;
    Ok(Json(Envelope::ok(
        rows.into_iter().map(webhook_out).collect(),
    )))
}

/// Subscribes a URL to event types; answers the id and the signing secret (shown this once).
#[utoipa::path(
    post, path = "/webhooks", tag = "webhooks", request_body = WebhookIn,
    responses(
        (status = 200, body = Envelope<CreatedWebhook>),
        (status = 400, description = "the body is not a subscription", body = ErrorEnvelope),
        (status = 403, description = "not an admin key", body = ErrorEnvelope),
        (status = 422, description = "a bad or private `url`, an unknown event type in `events`, a blank `secret`; `field` names it", body = ErrorEnvelope),
    ),
    security(("api_key" = []), ("session" = []))
)]
async fn create_webhook(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
    ApiJson(input): ApiJson<WebhookIn>,
) -> ApiResult<Json<Envelope<CreatedWebhook>>> {
    let spec = Spec {
        url: &input.url,
        events: input.events.iter().map(String::as_str).collect(),
        secret: input.secret.as_deref(),
        allow_private: state.webhooks_allow_private,
    };
    let created = webhooks::create(&state.db, caller.account_id, &spec).await?;
    Ok(Json(Envelope::ok(CreatedWebhook {
        id: created.id,
        secret: created.secret,
    })))
}

/// One subscription.
#[utoipa::path(
    get, path = "/webhooks/{id}", tag = "webhooks",
    params(("id" = i64, Path, description = "webhook id")),
    responses(
        (status = 200, body = Envelope<WebhookOut>),
        (status = 403, description = "not an admin key", body = ErrorEnvelope),
        (status = 404, description = "no such webhook", body = ErrorEnvelope),
    ),
    security(("api_key" = []), ("session" = []))
)]
async fn get_webhook(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
    IdPath(id): IdPath,
) -> ApiResult<Json<Envelope<WebhookOut>>> {
    let row = webhooks::get(&state.db, caller.account_id, WebhookId::new(id)).await?;
    Ok(Json(Envelope::ok(webhook_out(row))))
}

/// Deletes a subscription and its delivery log.
#[utoipa::path(
    delete, path = "/webhooks/{id}", tag = "webhooks",
    params(("id" = i64, Path, description = "webhook id")),
    responses(
        (status = 200, body = Success),
        (status = 403, description = "not an admin key", body = ErrorEnvelope),
        (status = 404, description = "no such webhook", body = ErrorEnvelope),
    ),
    security(("api_key" = []), ("session" = []))
)]
async fn delete_webhook(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
    IdPath(id): IdPath,
) -> ApiResult<Json<Success>> {
    webhooks::delete(&state.db, caller.account_id, WebhookId::new(id)).await?;
    Ok(Json(Success { success: true }))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct DeliveriesQuery {
    /// Only deliveries older than this one (the `id` of the last one of a page).
    before: Option<i64>,
    /// How many, 1 to 500 (default 50).
    limit: Option<i64>,
}

/// One attempt of a delivery.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttemptOut {
    /// When it was made (RFC 3339, UTC, milliseconds).
    pub at: String,
    /// The receiver's answer; null when none came.
    pub status_code: Option<i64>,
    /// Why no answer came (timeout, refused connection, private address).
    pub error: Option<String>,
}

/// A delivery of one event to one subscription.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryOut {
    pub id: DeliveryId,
    /// The event's id: the `id` of the body and `Caffesta-Event-Id`.
    pub event_id: String,
    #[serde(rename = "type")]
    pub event_type: String,
    /// `pending`, `delivered` or `failed`.
    pub status: String,
    pub created_at: String,
    pub attempts: Vec<AttemptOut>,
}

fn delivery_out(d: Delivery) -> DeliveryOut {
    let millis = |ms: i64| {
        jiff::Timestamp::from_millisecond(ms).map_or_else(|_| ms.to_string(), |t| format!("{t:.3}"))
    };
    DeliveryOut {
        id: d.row.id,
        event_id: d.row.uuid,
        event_type: d.row.event_type,
        status: d.row.status,
        created_at: utc(d.row.created_at),
        attempts: d
            .attempts
            .into_iter()
            .map(|a| AttemptOut {
                at: millis(a.at_ms),
                status_code: a.status_code,
                error: a.error,
            })
            .collect(),
    }
}

/// A subscription's deliveries, newest first, each with its attempts.
#[utoipa::path(
    get, path = "/webhooks/{id}/deliveries", tag = "webhooks",
    params(("id" = i64, Path, description = "webhook id"), DeliveriesQuery),
    responses(
        (status = 200, body = Envelope<Vec<DeliveryOut>>),
        (status = 400, description = "`before` or `limit` is not a whole number", body = ErrorEnvelope),
        (status = 403, description = "not an admin key", body = ErrorEnvelope),
        (status = 404, description = "no such webhook", body = ErrorEnvelope),
        (status = 422, description = "`limit` is outside 1 to 500", body = ErrorEnvelope),
    ),
    security(("api_key" = []), ("session" = []))
)]
async fn list_deliveries(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
    IdPath(id): IdPath,
    Query(query): Query<DeliveriesQuery>,
) -> ApiResult<Json<Envelope<Vec<DeliveryOut>>>> {
    let limit = query.limit.unwrap_or(50);
    if !(1..=500).contains(&limit) {
        return Err(super::error::ApiError::Unprocessable {
            message: "limit is from 1 to 500".into(),
            field: Some("limit".into()),
        });
    }
    let before = query.before.map(DeliveryId::new);
    let rows = webhooks::deliveries(
        &state.db,
        caller.account_id,
        WebhookId::new(id),
        before,
        limit,
    )
    .await?;
    Ok(Json(Envelope::ok(
        rows.into_iter().map(delivery_out).collect(),
    )))
}

/// Sends a delivery again: it goes back in its subscription's queue, due now (a disabled
/// subscription is enabled again).
#[utoipa::path(
    post, path = "/webhooks/deliveries/{id}/replay", tag = "webhooks",
    params(("id" = i64, Path, description = "delivery id")),
    responses(
        (status = 200, body = Success),
        (status = 403, description = "not an admin key", body = ErrorEnvelope),
        (status = 404, description = "no such delivery", body = ErrorEnvelope),
    ),
    security(("api_key" = []), ("session" = []))
)]
async fn replay_delivery(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
    IdPath(id): IdPath,
) -> ApiResult<Json<Success>> {
    webhooks::replay(&state.db, caller.account_id, DeliveryId::new(id)).await?;
    Ok(Json(Success { success: true }))
}

/// Sends a `ping` event to the subscription, whatever types it lists.
#[utoipa::path(
    post, path = "/webhooks/{id}/test", tag = "webhooks",
    params(("id" = i64, Path, description = "webhook id")),
    responses(
        (status = 200, body = Success),
        (status = 403, description = "not an admin key", body = ErrorEnvelope),
        (status = 404, description = "no such webhook", body = ErrorEnvelope),
    ),
    security(("api_key" = []), ("session" = []))
)]
async fn test_webhook(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
    IdPath(id): IdPath,
) -> ApiResult<Json<Success>> {
    webhooks::test(&state.db, caller.account_id, WebhookId::new(id)).await?;
    Ok(Json(Success { success: true }))
}
