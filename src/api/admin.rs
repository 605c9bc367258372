//! The admin JSON API (API.md §10), under `/admin/v1/` on the account's host, for an `admin`
//! key or session: employees, the stop list of any shop, the account's settings (lock date
//! included) and the minimums.
//! (Stock documents and reports answer an admin key on their `/a/v1.0/` paths.)

use axum::extract::State;
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::caller::{AdminCaller, Via};
use super::error::{ApiResult, ErrorEnvelope};
use super::extract::{ApiJson, IdPath};
use super::stop_list::{apply, stopped, Stopped};
use super::{AppState, Created, Envelope, Success};
use crate::domain::user::Role;
use crate::service::{admin, employees, ledger, minimums, stop_list};
use crate::wire::employees::EmployeeIn;
use crate::wire::settings::{MinimumIn, MinimumOut, SettingsIn, SettingsOut};
use crate::wire::stop_list::StopListIn;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_employees, create_employee))
        .routes(routes!(shop_stop_list, set_shop_stop_list))
        .routes(routes!(get_settings, put_settings))
        .routes(routes!(list_minimums, set_minimum))
        .routes(routes!(me))
        .routes(routes!(check))
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
    security(("api_key" = []), ("session" = []))
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
    security(("api_key" = []), ("session" = []))
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
    security(("api_key" = []), ("session" = []))
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
    security(("api_key" = []), ("session" = []))
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
    security(("api_key" = []), ("session" = []))
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
    security(("api_key" = []), ("session" = []))
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
    security(("api_key" = []), ("session" = []))
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
    security(("api_key" = []), ("session" = []))
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

/// Who is calling the admin API.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeOut {
    /// `key` or `session`.
    #[schema(example = "session")]
    pub via: &'static str,
    /// The signed-in user's login; `null` for a key.
    pub login: Option<String>,
    /// The user's role; a key acts as `owner`.
    #[schema(example = "manager")]
    pub role: &'static str,
    /// The token a session's writes carry in `X-CSRF-Token`; `null` for a key.
    pub csrf_token: Option<String>,
}

/// Who is calling: a key, or a session with its role and CSRF token.
#[utoipa::path(
    get, path = "/me", tag = "admin",
    responses(
        (status = 200, body = Envelope<MeOut>),
        (status = 401, description = "no API key or session", body = ErrorEnvelope),
        (status = 403, description = "not an admin key", body = ErrorEnvelope)
    ),
    security(("api_key" = []), ("session" = []))
)]
async fn me(AdminCaller(caller): AdminCaller) -> ApiResult<Json<Envelope<MeOut>>> {
    let out = match caller.via {
        Via::Key(_) => MeOut {
            via: "key",
            login: None,
            role: Role::Owner.as_str(),
            csrf_token: None,
        },
        Via::Session {
            login, role, csrf, ..
        } => MeOut {
            via: "session",
            login: Some(login),
            role: role.as_str(),
            csrf_token: Some(csrf),
        },
    };
    Ok(Json(Envelope::ok(out)))
}

/// What the ledger check found (`caffesta check`).
#[derive(Debug, Serialize, ToSchema)]
pub struct CheckOut {
    /// Both invariants hold.
    pub clean: bool,
    /// Balances compared with the sum of their movements.
    pub balances: usize,
    /// Movements compared with a replay of the ledger in date order.
    pub movements: usize,
    /// Balances that disagree with their movements.
    pub mismatches: Vec<String>,
    /// The first differences from the date-order replay.
    pub differences: Vec<String>,
}

/// Checks the stock ledger's invariants from one snapshot: every balance equals the sum of
/// its movements, and every movement, balance and receipt-line cost equals what replaying
/// the ledger in date order gives. Reads only; it can take seconds on a large ledger.
#[utoipa::path(
    get, path = "/check", tag = "admin",
    responses(
        (status = 200, body = Envelope<CheckOut>),
        (status = 401, description = "no API key or session", body = ErrorEnvelope),
        (status = 403, description = "not an admin key", body = ErrorEnvelope)
    ),
    security(("api_key" = []), ("session" = []))
)]
async fn check(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
) -> ApiResult<Json<Envelope<CheckOut>>> {
    let report = ledger::check(&state.db, caller.account_id).await?;
    Ok(Json(Envelope::ok(CheckOut {
        clean: report.is_clean(),
        balances: report.balances,
        movements: report.movements,
        mismatches: report.mismatches.iter().map(ToString::to_string).collect(),
        differences: report.differences,
    })))
}
