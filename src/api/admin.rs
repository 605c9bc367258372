//! The admin JSON API (API.md §10), under `/admin/v1/` on the account's host, for an `admin`
//! key: what the CLI does for one account. So far: employees, the stop list of any shop, the
//! account's keys with their rate limits, its settings (lock date included) and the minimums.
//! (Stock documents and reports answer an admin key on their `/a/v1.0/` paths.)

use axum::extract::State;
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::caller::AdminCaller;
use super::error::{ApiResult, ErrorEnvelope};
use super::extract::{ApiJson, IdPath};
use super::stop_list::{apply, stopped, Stopped};
use super::{AppState, Created, Envelope, Success};
use crate::db::keys::KeyRow;
use crate::domain::ids::{KeyId, ShopId};
use crate::domain::key::Scope;
use crate::domain::rate_limit::Budget;
use crate::domain::time;
use crate::service::{admin, employees, minimums, stop_list};
use crate::wire::employees::EmployeeIn;
use crate::wire::keys::KeyRateIn;
use crate::wire::settings::{MinimumIn, MinimumOut, SettingsIn, SettingsOut};
use crate::wire::stop_list::StopListIn;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_employees, create_employee))
        .routes(routes!(shop_stop_list, set_shop_stop_list))
        .routes(routes!(list_keys))
        .routes(routes!(set_key_rate))
        .routes(routes!(get_settings, put_settings))
        .routes(routes!(list_minimums, set_minimum))
}

fn settings_out(s: crate::db::accounts::Settings) -> SettingsOut {
    SettingsOut {
        timezone: s.timezone,
        stock_module: s.stock_module,
        lock_date: s.lock_date,
    }
}

/// The account's settings: time zone, stock module, lock date.
#[utoipa::path(
    get, path = "/settings", tag = "admin",
    responses((status = 200, body = Envelope<SettingsOut>), (status = 403, description = "not an admin key", body = ErrorEnvelope)),
    security(("api_key" = []))
)]
async fn get_settings(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
) -> ApiResult<Json<Envelope<SettingsOut>>> {
    let settings = admin::settings(&state.db, caller.account_id).await?;
    Ok(Json(Envelope::ok(settings_out(settings))))
}

/// Changes the account's settings (absent fields stay); answers them as they now are.
#[utoipa::path(
    put, path = "/settings", tag = "admin", request_body = SettingsIn,
    responses(
        (status = 200, body = Envelope<SettingsOut>),
        (status = 403, description = "not an admin key", body = ErrorEnvelope),
        (status = 422, description = "an unknown time zone or a bad lock date; `field` names it", body = ErrorEnvelope),
    ),
    security(("api_key" = []))
)]
async fn put_settings(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
    ApiJson(input): ApiJson<SettingsIn>,
) -> ApiResult<Json<Envelope<SettingsOut>>> {
    let change = admin::SettingsChange {
        timezone: input.timezone.as_deref(),
        stock_module: input.stock_module,
        lock_date: input.lock_date.as_ref().map(Option::as_deref),
    };
    let settings = admin::update_settings(&state.db, caller.account_id, &change).await?;
    // the callers cached here carry the time zone: forget them so a new one applies now
    state.keys.clear();
    Ok(Json(Envelope::ok(settings_out(settings))))
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
pub struct MinimumsQuery {
    /// `true`: only the products whose balance is below their minimum.
    #[serde(default)]
    below: bool,
}

/// The minimums per storage and product, with the balances now.
#[utoipa::path(
    get, path = "/minimums", tag = "admin", params(MinimumsQuery),
    responses(
        (status = 200, body = Envelope<Vec<MinimumOut>>),
        (status = 400, description = "`below` is not true or false", body = ErrorEnvelope),
        (status = 403, description = "not an admin key", body = ErrorEnvelope),
    ),
    security(("api_key" = []))
)]
async fn list_minimums(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
    axum::extract::Query(query): axum::extract::Query<MinimumsQuery>,
) -> ApiResult<Json<Envelope<Vec<MinimumOut>>>> {
    let rows = minimums::list(&state.db, caller.account_id, query.below).await?;
    let out = rows
        .into_iter()
        .map(|r| MinimumOut {
            storage_id: r.storage_id,
            product_id: r.product_id,
            product_code: r.ref_code,
            name: r.name,
            measure: r.measure,
            minimum: r.minimum.to_string(),
            balance: r.qty.to_string(),
        })
        .collect();
    Ok(Json(Envelope::ok(out)))
}

/// Sets the minimum of a product in a storage (`minimum: null` removes it).
#[utoipa::path(
    put, path = "/minimums", tag = "admin", request_body = MinimumIn,
    responses(
        (status = 200, body = Success),
        (status = 403, description = "not an admin key", body = ErrorEnvelope),
        (status = 422, description = "unknown storage or product, a negative minimum; `field` names it", body = ErrorEnvelope),
    ),
    security(("api_key" = []))
)]
async fn set_minimum(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
    ApiJson(input): ApiJson<MinimumIn>,
) -> ApiResult<Json<Success>> {
    minimums::set(
        &state.db,
        caller.account_id,
        input.storage_id,
        &input.product_code,
        input.minimum,
    )
    .await?;
    Ok(Json(Success { success: true }))
}

/// An employee.
#[derive(Debug, Serialize, ToSchema)]
pub struct EmployeeOut {
    pub id: crate::domain::ids::EmployeeId,
    pub name: String,
    /// `cashier`, `waiter` or `manager`.
    pub role: crate::domain::sales::EmployeeRole,
}

/// The account's employees, by id.
#[utoipa::path(
    get, path = "/employees", tag = "admin",
    responses((status = 200, body = Envelope<Vec<EmployeeOut>>), (status = 403, description = "not an admin key", body = ErrorEnvelope)),
    security(("api_key" = []))
)]
async fn list_employees(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
) -> ApiResult<Json<Envelope<Vec<EmployeeOut>>>> {
    let rows = employees::list(&state.db, caller.account_id).await?;
    let out = rows
        .into_iter()
        .map(|e| EmployeeOut {
            id: e.id,
            name: e.name,
            role: e.role,
        })
        .collect();
    Ok(Json(Envelope::ok(out)))
}

/// Adds an employee (a cashier, waiter or manager) who can open shifts and sell.
#[utoipa::path(
    post, path = "/employees", tag = "admin", request_body = EmployeeIn,
    responses(
        (status = 200, body = Envelope<Created>),
        (status = 403, description = "not an admin key", body = ErrorEnvelope),
        (status = 422, description = "empty name or unknown role", body = ErrorEnvelope)
    ),
    security(("api_key" = []))
)]
async fn create_employee(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
    ApiJson(input): ApiJson<EmployeeIn>,
) -> ApiResult<Json<Envelope<Created>>> {
    let role = input.role.as_deref().unwrap_or("cashier");
    let id = employees::create(&state.db, caller.account_id, &input.name, role).await?;
    Ok(Json(Envelope::ok(Created { id: id.get() })))
}

/// The products on a shop's stop list.
#[utoipa::path(
    get, path = "/shops/{shop_id}/stop_list", tag = "admin",
    params(("shop_id" = i64, Path, description = "shop id")),
    responses(
        (status = 200, body = Envelope<Vec<Stopped>>),
        (status = 403, description = "not an admin key", body = ErrorEnvelope),
        (status = 404, description = "no such shop", body = ErrorEnvelope)
    ),
    security(("api_key" = []))
)]
async fn shop_stop_list(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
    IdPath(shop_id): IdPath,
) -> ApiResult<Json<Envelope<Vec<Stopped>>>> {
    let shop_id = crate::domain::ids::ShopId::new(shop_id);
    let ids = stop_list::list(&state.db, caller.account_id, shop_id).await?;
    Ok(stopped(ids))
}

/// Puts a product on a shop's stop list or takes it off.
#[utoipa::path(
    put, path = "/shops/{shop_id}/stop_list", tag = "admin", request_body = StopListIn,
    params(("shop_id" = i64, Path, description = "shop id")),
    responses(
        (status = 200, body = Success),
        (status = 403, description = "not an admin key", body = ErrorEnvelope),
        (status = 404, description = "no such shop", body = ErrorEnvelope),
        (status = 422, description = "no such product", body = ErrorEnvelope)
    ),
    security(("api_key" = []))
)]
async fn set_shop_stop_list(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
    IdPath(shop_id): IdPath,
    ApiJson(input): ApiJson<StopListIn>,
) -> ApiResult<Json<Success>> {
    let shop_id = crate::domain::ids::ShopId::new(shop_id);
    apply(&state, caller.account_id, shop_id, &input).await
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
    security(("api_key" = []))
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
    security(("api_key" = []))
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
