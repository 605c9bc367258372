//! The admin JSON API's back-office part (API.md §10), under `/admin/v1/` for an `admin`
//! key: the UI's users, the documents of every kind in one list, the catalog with prices and
//! stop list per shop (searched, paged), and the dashboard's figures — the same services the
//! admin web UI's pages show.

use axum::extract::{Query, State};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::caller::AdminCaller;
use super::documents::day_bounds;
use super::error::{ApiError, ApiResult, ErrorEnvelope};
use super::extract::{ApiJson, IdPath};
use super::paging::{page, Page, Paging};
use super::{AppState, Created, Envelope, Success};
use crate::domain::document::DocKind;
use crate::domain::ids::{ShopId, UserId};
use crate::domain::time;
use crate::domain::user::Role;
use crate::service::{catalog_view, dashboard, document_view, users};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_users, create_user))
        .routes(routes!(disable_user))
        .routes(routes!(list_documents))
        .routes(routes!(list_products))
        .routes(routes!(get_dashboard))
}

/// A user of the admin web UI.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserOut {
    pub id: UserId,
    pub login: String,
    /// `owner`, `manager`, `accountant` or `viewer`.
    #[schema(value_type = String, example = "manager")]
    pub role: &'static str,
    pub disabled: bool,
    /// When it was made, RFC 3339 in the account's time zone.
    pub created_at: String,
}

/// The account's users, by id.
#[utoipa::path(
    get, path = "/users", tag = "admin",
    responses((status = 200, body = Envelope<Vec<UserOut>>), (status = 403, description = "not an admin key", body = ErrorEnvelope)),
    security(("api_key" = []), ("session" = []))
)]
async fn list_users(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
) -> ApiResult<Json<Envelope<Vec<UserOut>>>> {
    let rows = users::list(&state.db, caller.account_id).await?;
    let out = rows
        .into_iter()
        .map(|u| UserOut {
            id: u.id,
            login: u.login,
            role: u.role.as_str(),
            disabled: u.disabled,
            created_at: time::format_rfc3339(u.created_at, &caller.timezone),
        })
        .collect();
    Ok(Json(Envelope::ok(out)))
}

/// A new user of the admin web UI.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserIn {
    /// 1 to 64 letters, digits, `.`, `_`, `-` or `@`; unique in the account.
    #[schema(example = "anna")]
    pub login: String,
    /// At least 8 characters; stored only as an Argon2id hash.
    #[schema(example = "correct horse battery")]
    pub password: String,
    /// `owner`, `manager`, `accountant` or `viewer` (default `viewer`).
    #[schema(example = "manager")]
    pub role: Option<String>,
}

/// Adds a user of the admin web UI.
#[utoipa::path(
    post, path = "/users", tag = "admin", request_body = UserIn,
    responses(
        (status = 200, body = Envelope<Created>),
        (status = 403, description = "not an admin key", body = ErrorEnvelope),
        (status = 409, description = "the login is taken", body = ErrorEnvelope),
        (status = 422, description = "a bad login, a short password or an unknown role", body = ErrorEnvelope)
    ),
    security(("api_key" = []), ("session" = []))
)]
async fn create_user(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
    ApiJson(input): ApiJson<UserIn>,
) -> ApiResult<Json<Envelope<Created>>> {
    let word = input.role.as_deref().unwrap_or("viewer");
    let role = Role::parse(word).ok_or_else(|| {
        ApiError::unprocessable(
            "role",
            format!("{word:?} is not one of {}", Role::WORDS.join(", ")),
        )
    })?;
    let id = users::create(
        &state.db,
        caller.account_id,
        &input.login,
        &input.password,
        role,
    )
    .await?;
    Ok(Json(Envelope::ok(Created { id: id.get() })))
}

/// Disables a user and ends its sessions.
#[utoipa::path(
    post, path = "/users/{id}/disable", tag = "admin",
    params(("id" = i64, Path, description = "user id")),
    responses(
        (status = 200, body = Success),
        (status = 403, description = "not an admin key", body = ErrorEnvelope),
        (status = 404, description = "no such user", body = ErrorEnvelope)
    ),
    security(("api_key" = []), ("session" = []))
)]
async fn disable_user(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
    IdPath(id): IdPath,
) -> ApiResult<Json<Success>> {
    users::disable(&state.db, caller.account_id, UserId::new(id)).await?;
    Ok(Json(Success { success: true }))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct DocumentsQuery {
    /// Only this kind: `invoice`, `move`, `writeoff`, `inventory`, `return` or `adjustment`.
    kind: Option<String>,
    /// Only `wired` or `not_wired` documents.
    status: Option<String>,
    /// Only documents whose storage's name contains this (any case).
    q: Option<String>,
    /// First calendar day (account time zone), `YYYY-MM-DD`. Default: no start.
    #[param(format = Date)]
    start: Option<String>,
    /// Last calendar day, inclusive. Default: no end.
    #[param(format = Date)]
    end: Option<String>,
}

/// A stock document of any kind, as lists show it.
#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentOut {
    /// `invoice`, `move`, `writeoff`, `inventory`, `return` or `adjustment`.
    #[schema(value_type = String, example = "invoice")]
    pub kind: &'static str,
    pub id: i64,
    /// RFC 3339 in the account's time zone.
    pub date: String,
    pub wired: bool,
    /// Its storage, or `from → to`.
    pub storage: String,
    /// Its number and supplier, reason or comment.
    pub note: String,
}

/// The stock documents of every kind (or one), newest first, filtered and paged.
#[utoipa::path(
    get, path = "/documents", tag = "admin", params(DocumentsQuery, Paging),
    responses(
        (status = 200, body = Envelope<Page<DocumentOut>>),
        (status = 403, description = "not an admin key", body = ErrorEnvelope),
        (status = 422, description = "an unknown kind or status, a bad date or paging", body = ErrorEnvelope)
    ),
    security(("api_key" = []), ("session" = []))
)]
async fn list_documents(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
    Query(query): Query<DocumentsQuery>,
    Query(paging): Query<Paging>,
) -> ApiResult<Json<Envelope<Page<DocumentOut>>>> {
    let kinds: Vec<DocKind> = match query.kind.as_deref() {
        Some(word) => vec![document_view::kind(word)
            .map_err(|e| ApiError::unprocessable("kind", e.to_string()))?],
        None => document_view::KINDS.to_vec(),
    };
    let wired = document_view::wired_filter(query.status.as_deref())?;
    let range = day_bounds(
        query.start.as_deref(),
        query.end.as_deref(),
        &caller.timezone,
    )?;
    let filter = document_view::Filter {
        kinds: &kinds,
        range,
        wired,
        place: query.q.as_deref().unwrap_or(""),
    };
    let docs: Vec<DocumentOut> = document_view::list(&state.db, caller.account_id, &filter)
        .await?
        .into_iter()
        .map(|d| DocumentOut {
            kind: d.kind.as_str(),
            id: d.id,
            date: time::format_rfc3339(d.doc_date, &caller.timezone),
            wired: d.wired,
            storage: d.place,
            note: d.note,
        })
        .collect();
    Ok(Json(Envelope::ok(page(docs, &paging)?)))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ProductsQuery {
    /// The shop whose prices and stop list are shown. Default: the account's first.
    #[param(example = 1)]
    shop: Option<i64>,
    /// Only products whose name or code contains this (any case).
    q: Option<String>,
}

/// A product with its price and stop-list state at a shop.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProductListed {
    pub id: i64,
    pub ref_code: String,
    pub name: String,
    pub measure: String,
    /// The price at the shop, a decimal string; `null` when it has none.
    #[schema(example = "4.50")]
    pub price: Option<String>,
    pub in_stop_list: bool,
    pub has_tech_map: bool,
}

/// The live products with their price and stop-list state at a shop, by id, searched and paged.
#[utoipa::path(
    get, path = "/products", tag = "admin", params(ProductsQuery, Paging),
    responses(
        (status = 200, body = Envelope<Page<ProductListed>>),
        (status = 403, description = "not an admin key", body = ErrorEnvelope),
        (status = 404, description = "no such shop", body = ErrorEnvelope),
        (status = 422, description = "bad paging", body = ErrorEnvelope)
    ),
    security(("api_key" = []), ("session" = []))
)]
async fn list_products(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
    Query(query): Query<ProductsQuery>,
    Query(paging): Query<Paging>,
) -> ApiResult<Json<Envelope<Page<ProductListed>>>> {
    let asked = query.shop.map(ShopId::new);
    let (_, shop) = catalog_view::shop_or_first(&state.db, caller.account_id, asked).await?;
    let search = query.q.as_deref().unwrap_or("");
    let found = catalog_view::products(&state.db, caller.account_id, shop, search).await?;
    let out = found
        .into_iter()
        .map(|p| ProductListed {
            id: p.id.get(),
            ref_code: p.ref_code,
            name: p.name,
            measure: p.measure,
            price: p
                .price
                .map(|c| crate::domain::decimal::Money::round(c.decimal()).to_string()),
            in_stop_list: p.stopped,
            has_tech_map: p.has_map,
        })
        .collect();
    Ok(Json(Envelope::ok(page(out, &paging)?)))
}

/// A period's figures.
#[derive(Debug, Serialize, ToSchema)]
pub struct PeriodOut {
    #[schema(example = "1234.50")]
    pub revenue: String,
    /// Sales less annulments.
    pub receipts: i64,
    #[schema(example = "12.30")]
    pub average_bill: String,
}

/// A day's revenue.
#[derive(Debug, Serialize, ToSchema)]
pub struct DayOut {
    #[schema(format = Date)]
    pub day: String,
    pub revenue: String,
}

/// What the dashboard shows.
#[derive(Debug, Serialize, ToSchema)]
pub struct DashboardOut {
    #[schema(format = Date)]
    pub today: String,
    pub today_figures: PeriodOut,
    pub month: PeriodOut,
    /// The last 30 days, oldest first.
    pub days: Vec<DayOut>,
    /// Today's revenue per hour, 0–23.
    pub hours: Vec<String>,
    /// Products below their minimum.
    pub below_minimum: usize,
    /// Delivery orders not yet closed or cancelled.
    pub orders_waiting: i64,
}

fn period(p: &dashboard::Period) -> PeriodOut {
    PeriodOut {
        revenue: p.total.revenue.to_string(),
        receipts: p.total.receipts,
        average_bill: p.total.average_bill().to_string(),
    }
}

/// The dashboard's figures, as of now.
#[utoipa::path(
    get, path = "/dashboard", tag = "admin",
    responses((status = 200, body = Envelope<DashboardOut>), (status = 403, description = "not an admin key", body = ErrorEnvelope)),
    security(("api_key" = []), ("session" = []))
)]
async fn get_dashboard(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
) -> ApiResult<Json<Envelope<DashboardOut>>> {
    let o = dashboard::overview(
        &state.db,
        caller.account_id,
        &caller.timezone,
        time::now_unix(),
    )
    .await?;
    Ok(Json(Envelope::ok(DashboardOut {
        today_figures: period(&o.today_figures),
        month: period(&o.month),
        days: o
            .days
            .iter()
            .map(|d| DayOut {
                day: d.day.clone(),
                revenue: d.revenue.to_string(),
            })
            .collect(),
        hours: o.hours.iter().map(ToString::to_string).collect(),
        below_minimum: o.below_minimum.len(),
        orders_waiting: o.orders_waiting.iter().map(|w| w.orders).sum(),
        today: o.today,
    })))
}
