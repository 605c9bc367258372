//! The admin JSON API's sales lists (API.md §10): a shop's receipts of a cash day with cost
//! and margin, the delivery orders waiting, a shop's shifts, and the account's jobs — each
//! paged, over the services the sales pages show.

use axum::extract::{Query, State};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::caller::{AdminCaller, Caller};
use super::error::{ApiError, ApiResult, ErrorEnvelope};
use super::paging::{page, Page, Paging};
use super::{AppState, Envelope};
use crate::db::sales::ReceiptRow;
use crate::domain::ids::{EmployeeId, ShiftId, ShopId};
use crate::domain::sales::JobStatus;
use crate::domain::time;
use crate::service::{catalog_view, sales_view};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_receipts))
        .routes(routes!(list_waiting_orders))
        .routes(routes!(list_shifts))
        .routes(routes!(list_jobs))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct DayQuery {
    /// The shop. Default: the account's first.
    #[param(example = 1)]
    shop: Option<i64>,
    /// The cash day, `YYYY-MM-DD`. Default: today in the account's time zone.
    #[param(format = Date)]
    day: Option<String>,
}

/// A closed receipt, with what its lines wrote off the stock.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReceiptOut {
    /// The receipt's UUID.
    pub id: String,
    pub shift_id: Option<i64>,
    #[schema(format = Date)]
    pub shift_day: Option<String>,
    /// `closed`, or `annuled` (the vendor's spelling).
    #[schema(example = "closed")]
    pub status: &'static str,
    /// 1 a sale, −1 an annulment's counter-receipt.
    pub income: i64,
    /// RFC 3339 in the account's time zone.
    pub closed_at: Option<String>,
    #[schema(example = "16.80")]
    pub total_sum: String,
    pub discount_sum: String,
    /// What its lines wrote off the stock at average cost.
    pub cost: String,
    /// `total_sum` less `cost`.
    pub margin: String,
    pub client_id: Option<String>,
    pub employee_id: Option<i64>,
}

async fn shop(state: &AppState, caller: &Caller, asked: Option<i64>) -> ApiResult<ShopId> {
    let asked = asked.map(ShopId::new);
    let (_, shop) = catalog_view::shop_or_first(&state.db, caller.account_id, asked).await?;
    Ok(shop)
}

/// The closed receipts of a shop's cash day, by closing time, paged.
#[utoipa::path(
    get, path = "/receipts", tag = "admin", params(DayQuery, Paging),
    responses(
        (status = 200, body = Envelope<Page<ReceiptOut>>),
        (status = 401, description = "no API key or session", body = ErrorEnvelope),
        (status = 403, description = "not an admin key", body = ErrorEnvelope),
        (status = 404, description = "no such shop", body = ErrorEnvelope),
        (status = 422, description = "a bad day or paging", body = ErrorEnvelope)
    ),
    security(("api_key" = []), ("session" = []))
)]
async fn list_receipts(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
    Query(query): Query<DayQuery>,
    Query(paging): Query<Paging>,
) -> ApiResult<Json<Envelope<Page<ReceiptOut>>>> {
    paging.window()?;
    let shop = shop(&state, &caller, query.shop).await?;
    let day = match query.day.as_deref() {
        Some(text) => time::parse_day(text).map_err(|e| ApiError::unprocessable("day", e))?,
        None => time::day_of(time::now_unix(), &caller.timezone),
    };
    let receipts = sales_view::day(&state.db, caller.account_id, shop, &day).await?;
    let zone = &caller.timezone;
    let out = receipts
        .into_iter()
        .map(|r| ReceiptOut {
            cost: r.cost().to_string(),
            margin: r.margin().to_string(),
            id: r.row.uuid,
            shift_id: r.row.shift_id.map(ShiftId::get),
            shift_day: r.row.shift_day,
            status: r.row.status.as_str(),
            income: r.row.income,
            closed_at: r.row.closed_at.map(|t| time::format_rfc3339(t, zone)),
            total_sum: r.row.total_sum.to_string(),
            discount_sum: r.row.discount_sum.to_string(),
            client_id: r.row.client_uuid,
            employee_id: r.row.employee_id.map(EmployeeId::get),
        })
        .collect();
    Ok(Json(Envelope::ok(page(out, &paging)?)))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ShopQuery {
    /// The shop. Default: the account's first.
    #[param(example = 1)]
    shop: Option<i64>,
}

/// A delivery order not yet closed or cancelled.
#[derive(Debug, Serialize, ToSchema)]
pub struct WaitingOrder {
    /// The order's UUID.
    pub id: String,
    /// Where it is in its flow: `wait_cashier`, `active`, `cooking`, `cooked` or `packed`.
    #[schema(example = "cooking")]
    pub status: &'static str,
    /// RFC 3339 in the account's time zone.
    pub created_at: String,
    #[schema(example = "24.50")]
    pub total_sum: String,
    pub delivery_address: String,
    pub comment: String,
    pub client_id: Option<String>,
}

fn order_out(row: ReceiptRow, zone: &jiff::tz::TimeZone) -> WaitingOrder {
    WaitingOrder {
        status: row.status.as_str(),
        created_at: time::format_rfc3339(row.created_at, zone),
        total_sum: row.total_sum.to_string(),
        id: row.uuid,
        delivery_address: row.delivery_address,
        comment: row.comment,
        client_id: row.client_uuid,
    }
}

/// The delivery orders waiting at a shop, in the order of their flow, then oldest first.
#[utoipa::path(
    get, path = "/orders", tag = "admin", params(ShopQuery, Paging),
    responses(
        (status = 200, body = Envelope<Page<WaitingOrder>>),
        (status = 401, description = "no API key or session", body = ErrorEnvelope),
        (status = 403, description = "not an admin key", body = ErrorEnvelope),
        (status = 404, description = "no such shop", body = ErrorEnvelope),
        (status = 422, description = "bad paging", body = ErrorEnvelope)
    ),
    security(("api_key" = []), ("session" = []))
)]
async fn list_waiting_orders(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
    Query(query): Query<ShopQuery>,
    Query(paging): Query<Paging>,
) -> ApiResult<Json<Envelope<Page<WaitingOrder>>>> {
    paging.window()?;
    let shop = shop(&state, &caller, query.shop).await?;
    let orders = sales_view::orders(&state.db, caller.account_id, shop).await?;
    let out = orders
        .into_iter()
        .map(|o| order_out(o, &caller.timezone))
        .collect();
    Ok(Json(Envelope::ok(page(out, &paging)?)))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ShiftsQuery {
    /// The shop. Default: the account's first.
    #[param(example = 1)]
    shop: Option<i64>,
    /// The first cash day, `YYYY-MM-DD`. Default: 30 days before `end`.
    #[param(format = Date)]
    start: Option<String>,
    /// The last cash day, inclusive. Default: today in the account's time zone.
    #[param(format = Date)]
    end: Option<String>,
}

/// A cash shift with its cashier and takings.
#[derive(Debug, Serialize, ToSchema)]
pub struct ShiftOut {
    pub id: i64,
    pub shop_id: i64,
    #[schema(format = Date)]
    pub shift_day: String,
    /// RFC 3339 in the account's time zone.
    pub opened_at: String,
    /// `null` while it is open.
    pub closed_at: Option<String>,
    /// The employee who opened it.
    pub cashier: Option<String>,
    /// Sales less annulments.
    pub receipts: i64,
    #[schema(example = "1520.40")]
    pub revenue: String,
}

/// A shop's shifts over a range of cash days (at most 31), newest first, paged.
#[utoipa::path(
    get, path = "/shifts", tag = "admin", params(ShiftsQuery, Paging),
    responses(
        (status = 200, body = Envelope<Page<ShiftOut>>),
        (status = 401, description = "no API key or session", body = ErrorEnvelope),
        (status = 403, description = "not an admin key", body = ErrorEnvelope),
        (status = 404, description = "no such shop", body = ErrorEnvelope),
        (status = 422, description = "a bad day, a range backwards or over 31 days, bad paging", body = ErrorEnvelope)
    ),
    security(("api_key" = []), ("session" = []))
)]
async fn list_shifts(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
    Query(query): Query<ShiftsQuery>,
    Query(paging): Query<Paging>,
) -> ApiResult<Json<Envelope<Page<ShiftOut>>>> {
    paging.window()?;
    let shop = shop(&state, &caller, query.shop).await?;
    let range = (query.start.as_deref(), query.end.as_deref());
    let (_, rows) =
        sales_view::shifts(&state.db, caller.account_id, shop, range, &caller.timezone).await?;
    let zone = &caller.timezone;
    let out = rows
        .into_iter()
        .map(|s| ShiftOut {
            id: s.id.get(),
            shop_id: s.shop_id.get(),
            shift_day: s.shift_day,
            opened_at: time::format_rfc3339(s.opened_at, zone),
            closed_at: s.closed_at.map(|t| time::format_rfc3339(t, zone)),
            cashier: s.cashier,
            receipts: s.receipts,
            revenue: s.revenue.to_string(),
        })
        .collect();
    Ok(Json(Envelope::ok(page(out, &paging)?)))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct JobsQuery {
    /// Only jobs in this status: `pending`, `success` or `failed`.
    status: Option<String>,
}

/// A queued job (a delivery order being accepted, a menu being imported).
#[derive(Debug, Serialize, ToSchema)]
pub struct JobOut {
    pub id: i64,
    #[schema(example = "delivery")]
    pub kind: String,
    #[schema(example = "success")]
    pub status: &'static str,
    /// Why it failed, or what it made.
    pub message: String,
    /// RFC 3339 in the account's time zone.
    pub created_at: String,
    pub updated_at: String,
}

/// The account's jobs, newest first, paged.
#[utoipa::path(
    get, path = "/jobs", tag = "admin", params(JobsQuery, Paging),
    responses(
        (status = 200, body = Envelope<Page<JobOut>>),
        (status = 401, description = "no API key or session", body = ErrorEnvelope),
        (status = 403, description = "not an admin key", body = ErrorEnvelope),
        (status = 422, description = "an unknown status, bad paging", body = ErrorEnvelope)
    ),
    security(("api_key" = []), ("session" = []))
)]
async fn list_jobs(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
    Query(query): Query<JobsQuery>,
    Query(paging): Query<Paging>,
) -> ApiResult<Json<Envelope<Page<JobOut>>>> {
    let (limit, offset) = paging.sql()?;
    let status = match query.status.as_deref() {
        Some(word) => Some(JobStatus::parse(word).ok_or_else(|| {
            ApiError::unprocessable("status", "status is pending, success or failed")
        })?),
        None => None,
    };
    let (total, rows) =
        sales_view::jobs(&state.db, caller.account_id, status, limit, offset).await?;
    let zone = &caller.timezone;
    let items = rows
        .into_iter()
        .map(|j| JobOut {
            id: j.id.get(),
            kind: j.kind,
            status: j.status.as_str(),
            message: j.message,
            created_at: time::format_rfc3339(j.created_at, zone),
            updated_at: time::format_rfc3339(j.updated_at, zone),
        })
        .collect();
    let total = usize::try_from(total).unwrap_or_default();
    Ok(Json(Envelope::ok(Page { total, items })))
}
