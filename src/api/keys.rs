//! The admin JSON API's keys (API.md §10): what `caffesta key create|list|revoke` does, and
//! each key's own rate limit. A key is shown once, in the answer that creates it; the
//! database holds only its digest.

use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::caller::AdminCaller;
use super::error::{ApiResult, ErrorEnvelope};
use super::extract::{ApiJson, IdPath};
use super::{AppState, Envelope, Success};
use crate::db::keys::KeyRow;
use crate::domain::ids::{KeyId, ShopId};
use crate::domain::key::Scope;
use crate::domain::rate_limit::Budget;
use crate::domain::time;
use crate::service::admin;
use crate::wire::keys::KeyRateIn;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_keys, create_key))
        .routes(routes!(revoke_key))
        .routes(routes!(set_key_rate))
}

/// A key of the account (never the key itself).
#[derive(Debug, Serialize, ToSchema)]
pub struct KeyOut {
    pub id: KeyId,
    /// The key's first characters, to tell keys apart.
    pub prefix: String,
    pub scope: Scope,
    /// The shop a terminal key acts for.
    pub shop_id: Option<ShopId>,
    pub label: String,
    /// When it was made, in the account's time zone.
    pub created_at: String,
    pub revoked: bool,
    /// Its own rate limit in requests a second (0: not limited); null: the server's default.
    pub rate: Option<i64>,
    /// Requests it may make at once; null when `rate` is null or 0.
    pub burst: Option<i64>,
}

fn key_out(key: KeyRow, zone: &jiff::tz::TimeZone) -> KeyOut {
    let (rate, burst) = match key.budget.map(Budget::stored) {
        Some((rate, burst)) => (Some(rate), burst),
        None => (None, None),
    };
    KeyOut {
        id: key.id,
        prefix: key.prefix,
        scope: key.scope,
        shop_id: key.shop_id,
        label: key.label,
        created_at: time::format_rfc3339(key.created_at, zone),
        revoked: key.revoked_at.is_some(),
        rate,
        burst,
    }
}

/// The account's keys, revoked ones included, by id, with their rate limits.
#[utoipa::path(
    get, path = "/keys", tag = "admin",
    responses((status = 200, body = Envelope<Vec<KeyOut>>), (status = 403, description = "not an admin key", body = ErrorEnvelope)),
    security(("api_key" = []), ("session" = []))
)]
async fn list_keys(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
) -> ApiResult<Json<Envelope<Vec<KeyOut>>>> {
    let keys = admin::keys_of(&state.db, caller.account_id).await?;
    let out = keys
        .into_iter()
        .map(|key| key_out(key, &caller.timezone))
        .collect();
    Ok(Json(Envelope::ok(out)))
}

/// Sets a key's own rate limit: `{"rate": N, "burst": N}` (`rate` 0: not limited; `burst`
/// defaults to twice the rate), or `null` (or `{"rate": null}`) for the server's default. It
/// applies at once on this server, and on others once their key cache forgets the key
/// (`--key-cache-ttl`).
#[utoipa::path(
    put, path = "/keys/{id}/rate", tag = "admin",
    request_body(content = Option<KeyRateIn>, description = "The key's own limit, or `null` for the server's default"),
    params(("id" = i64, Path, description = "key id")),
    responses(
        (status = 200, body = Envelope<KeyOut>),
        (status = 403, description = "not an admin key", body = ErrorEnvelope),
        (status = 404, description = "no such key", body = ErrorEnvelope),
        (status = 422, description = "a rate or burst out of range, or a burst without a rate", body = ErrorEnvelope)
    ),
    security(("api_key" = []), ("session" = []))
)]
async fn set_key_rate(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
    IdPath(key_id): IdPath,
    ApiJson(input): ApiJson<Option<KeyRateIn>>,
) -> ApiResult<Json<Envelope<KeyOut>>> {
    let (rate, burst) = input.map_or((None, None), |i| (i.rate, i.burst));
    let budget = admin::parse_budget(rate, burst)?;
    let key =
        admin::set_key_budget(&state.db, caller.account_id, KeyId::new(key_id), budget).await?;
    // the callers cached here carry their budget: forget them so the new one applies now
    state.keys.clear();
    Ok(Json(Envelope::ok(key_out(key, &caller.timezone))))
}

/// A new key.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KeyIn {
    /// `api` (the integration API), `terminal` (a till, bound to `shop`) or `admin`.
    #[schema(example = "api")]
    pub scope: String,
    /// The shop a terminal key sells for; only terminal keys have one.
    pub shop: Option<i64>,
    /// What the key is for, shown in lists.
    #[serde(default)]
    #[schema(example = "1С: выгрузка продаж")]
    pub label: String,
    /// Its own rate limit in requests a second (0: not limited); absent: the server's default.
    pub rate: Option<i64>,
    /// Requests it may make at once (default twice the rate).
    pub burst: Option<i64>,
}

/// A key just made: the key itself, shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct KeyCreated {
    #[serde(flatten)]
    pub listed: KeyOut,
    /// The key to send in `X-API-KEY`. It is not stored and cannot be shown again.
    #[schema(example = "cfk_4f1c…")]
    pub key: String,
}

/// Makes a key; the answer is the only place the key itself is ever shown.
#[utoipa::path(
    post, path = "/keys", tag = "admin", request_body = KeyIn,
    responses(
        (status = 200, body = Envelope<KeyCreated>),
        (status = 401, description = "no API key or session", body = ErrorEnvelope),
        (status = 403, description = "neither an admin key nor an owner's session", body = ErrorEnvelope),
        (status = 422, description = "an unknown scope, a shop missing or not allowed, no such shop, a bad rate", body = ErrorEnvelope)
    ),
    security(("api_key" = []), ("session" = []))
)]
async fn create_key(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
    ApiJson(input): ApiJson<KeyIn>,
) -> ApiResult<Json<Envelope<KeyCreated>>> {
    let budget = admin::parse_budget(input.rate, input.burst)?;
    let spec = admin::KeySpec {
        scope: &input.scope,
        shop_id: input.shop.map(ShopId::new),
        label: input.label.trim(),
    };
    let (row, key) =
        admin::create_key_with_budget(&state.db, &caller.account_name, spec, budget).await?;
    let listed = key_out(row, &caller.timezone);
    Ok(Json(Envelope::ok(KeyCreated { listed, key })))
}

/// Revokes a key: it stops working at once on this server, and on others once their key
/// cache forgets it (`--key-cache-ttl`).
#[utoipa::path(
    post, path = "/keys/{id}/revoke", tag = "admin",
    params(("id" = i64, Path, description = "key id")),
    responses(
        (status = 200, body = Success),
        (status = 401, description = "no API key or session", body = ErrorEnvelope),
        (status = 403, description = "neither an admin key nor an owner's session", body = ErrorEnvelope),
        (status = 404, description = "no such key", body = ErrorEnvelope)
    ),
    security(("api_key" = []), ("session" = []))
)]
async fn revoke_key(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
    IdPath(id): IdPath,
) -> ApiResult<Json<Success>> {
    admin::revoke_key(&state.db, &caller.account_name, KeyId::new(id)).await?;
    state.keys.clear();
    Ok(Json(Success { success: true }))
}
