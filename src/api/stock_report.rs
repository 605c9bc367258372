//! The stock reports (API.md §11, beyond the doc): the movement report of a storage and a
//! product's ledger. (A storage's balance at an instant is `/draft/store/{id}?at=`, in
//! [`super::storage`].) All three answer on the admin API too (API.md §10), for an admin key
//! or a session.

use axum::extract::{Query, State};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::caller::{AdminCaller, ApiCaller, Caller};
use super::documents::day_bounds;
use super::error::{ApiResult, ErrorEnvelope};
use super::{AppState, Envelope};
use crate::domain::decimal::{Money, Qty};
use crate::domain::ids::{ProductId, StorageId};
use crate::domain::stock::Balance;
use crate::domain::time::format_rfc3339;
use crate::service::stock_report::{self, Flow, Heading, ReportLine};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(movement_report))
        .routes(routes!(product_ledger))
}

/// The same reports on the admin API (`/admin/v1/reports/…`), where a signed-in user's
/// session is a caller too, with a storage's balances at an instant beside them.
pub fn admin_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(admin_movement_report))
        .routes(routes!(admin_product_ledger))
        .routes(routes!(admin_balances))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct MovementQuery {
    /// The storage's id.
    storage: i64,
    /// First calendar day (account time zone), `YYYY-MM-DD`. Default: from the first movement.
    #[param(format = Date)]
    start: Option<String>,
    /// Last calendar day, inclusive. Default: up to now and beyond.
    #[param(format = Date)]
    end: Option<String>,
    /// Only this product.
    product_code: Option<String>,
}

/// A quantity (3 places) and a value (2 places).
#[derive(Debug, Serialize, ToSchema)]
pub struct Amount {
    #[schema(example = "12.500")]
    qty: String,
    #[schema(example = "131.25")]
    value: String,
}

impl Amount {
    fn of(flow: Flow) -> Amount {
        Amount {
            qty: Qty::from_units(flow.qty).to_string(),
            value: Money::from_units(flow.value).to_string(),
        }
    }

    fn balance(b: Balance) -> Amount {
        Amount {
            qty: b.qty.to_string(),
            value: b.value.to_string(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Incoming {
    invoices: Amount,
    transfers: Amount,
    surplus: Amount,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Outgoing {
    sales: Amount,
    transfers: Amount,
    writeoffs: Amount,
    returns: Amount,
    shortfall: Amount,
}

/// One product: opening + Σ`in` − Σ`out` = closing, exactly.
#[derive(Debug, Serialize, ToSchema)]
pub struct MovementLine {
    #[schema(value_type = i64)]
    product_id: ProductId,
    product_code: String,
    name: String,
    measure: String,
    opening: Amount,
    #[serde(rename = "in")]
    incoming: Incoming,
    /// What went out, as positive amounts; `sales` net of annulments.
    #[serde(rename = "out")]
    outgoing: Outgoing,
    closing: Amount,
}

impl MovementLine {
    fn of(line: ReportLine) -> MovementLine {
        let flow = |h: Heading| Amount::of(line.flows.get(&h).copied().unwrap_or_default());
        MovementLine {
            product_id: line.product_id,
            opening: Amount::of(line.opening),
            incoming: Incoming {
                invoices: flow(Heading::InInvoices),
                transfers: flow(Heading::InTransfers),
                surplus: flow(Heading::InSurplus),
            },
            outgoing: Outgoing {
                sales: flow(Heading::OutSales),
                transfers: flow(Heading::OutTransfers),
                writeoffs: flow(Heading::OutWriteoffs),
                returns: flow(Heading::OutReturns),
                shortfall: flow(Heading::OutShortfall),
            },
            closing: Amount::of(line.closing),
            product_code: line.code,
            name: line.name,
            measure: line.measure,
        }
    }
}

/// The movement report of a storage for a period: per product, the opening balance, what
/// came in and went out by kind, and the closing balance.
#[utoipa::path(
    get, path = "/storage/report/movements", tag = "storage", params(MovementQuery),
    responses(
        (status = 200, body = Envelope<Vec<MovementLine>>),
        (status = 400, description = "a parameter is missing or not a number", body = ErrorEnvelope),
        (status = 404, description = "no such storage", body = ErrorEnvelope),
        (status = 422, description = "a bad date or an unknown product code; `field` names it", body = ErrorEnvelope),
    ),
    security(("api_key" = []))
)]
async fn movement_report(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Query(query): Query<MovementQuery>,
) -> ApiResult<Json<Envelope<Vec<MovementLine>>>> {
    movements(&state, &caller, query).await
}

async fn movements(
    state: &AppState,
    caller: &Caller,
    query: MovementQuery,
) -> ApiResult<Json<Envelope<Vec<MovementLine>>>> {
    let bounds = day_bounds(
        query.start.as_deref(),
        query.end.as_deref(),
        &caller.timezone,
    )?;
    let lines = stock_report::movements(
        &state.db,
        caller.account_id,
        StorageId::new(query.storage),
        bounds,
        query.product_code.as_deref(),
    )
    .await?;
    Ok(Json(Envelope::ok(
        lines.into_iter().map(MovementLine::of).collect(),
    )))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct LedgerQuery {
    /// The storage's id.
    storage: i64,
    /// The product's code.
    product_code: String,
    /// First calendar day (account time zone), `YYYY-MM-DD`. Default: from the first movement.
    #[param(format = Date)]
    start: Option<String>,
    /// Last calendar day, inclusive. Default: up to now and beyond.
    #[param(format = Date)]
    end: Option<String>,
}

/// The document a movement belongs to.
#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentRef {
    /// `invoice`, `move`, `receipt`, `writeoff`, `inventory`, `return` or `adjustment`.
    kind: String,
    id: i64,
    /// The invoice's number; the id for the other kinds.
    number: String,
}

/// A movement with the balance and average cost after it.
#[derive(Debug, Serialize, ToSchema)]
pub struct LedgerMovement {
    #[schema(example = "2026-11-02T09:15:00+03:00")]
    date: String,
    document: DocumentRef,
    qty: String,
    value: String,
    balance: Amount,
    /// The average unit cost after it, 6 places.
    cost: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProductLedgerOut {
    #[schema(value_type = i64)]
    product_id: ProductId,
    opening: Amount,
    movements: Vec<LedgerMovement>,
    closing: Amount,
}

/// A product's ledger in a storage: every movement of the period in ledger order (date, then
/// posting order) with its document, and the running balance and average cost after it.
#[utoipa::path(
    get, path = "/storage/report/ledger", tag = "storage", params(LedgerQuery),
    responses(
        (status = 200, body = Envelope<ProductLedgerOut>),
        (status = 400, description = "a parameter is missing or not a number", body = ErrorEnvelope),
        (status = 404, description = "no such storage", body = ErrorEnvelope),
        (status = 422, description = "a bad date or an unknown product code; `field` names it", body = ErrorEnvelope),
    ),
    security(("api_key" = []))
)]
async fn product_ledger(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Query(query): Query<LedgerQuery>,
) -> ApiResult<Json<Envelope<ProductLedgerOut>>> {
    ledger(&state, &caller, query).await
}

async fn ledger(
    state: &AppState,
    caller: &Caller,
    query: LedgerQuery,
) -> ApiResult<Json<Envelope<ProductLedgerOut>>> {
    let bounds = day_bounds(
        query.start.as_deref(),
        query.end.as_deref(),
        &caller.timezone,
    )?;
    let ledger = stock_report::product_ledger(
        &state.db,
        caller.account_id,
        StorageId::new(query.storage),
        &query.product_code,
        bounds,
    )
    .await?;
    let closing = ledger.entries.last().map_or(ledger.opening, |e| e.after);
    let movements = ledger
        .entries
        .into_iter()
        .map(|e| LedgerMovement {
            date: format_rfc3339(e.line.doc_date, &caller.timezone),
            document: DocumentRef {
                number: e.line.number.unwrap_or_else(|| e.line.doc_id.to_string()),
                kind: e.line.doc_type,
                id: e.line.doc_id,
            },
            qty: e.line.qty.to_string(),
            value: e.line.value.to_string(),
            balance: Amount::balance(e.after),
            cost: e.after.cost().to_string(),
        })
        .collect();
    Ok(Json(Envelope::ok(ProductLedgerOut {
        product_id: ledger.product_id,
        opening: Amount::balance(ledger.opening),
        movements,
        closing: Amount::balance(closing),
    })))
}

/// The movement report, as `GET /a/v1.0/storage/report/movements` answers it.
#[utoipa::path(
    get, path = "/reports/movements", tag = "admin", params(MovementQuery),
    responses(
        (status = 200, body = Envelope<Vec<MovementLine>>),
        (status = 404, description = "no such storage", body = ErrorEnvelope),
        (status = 422, description = "a bad date or an unknown product code; `field` names it", body = ErrorEnvelope),
    ),
    security(("api_key" = []), ("session" = []))
)]
async fn admin_movement_report(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
    Query(query): Query<MovementQuery>,
) -> ApiResult<Json<Envelope<Vec<MovementLine>>>> {
    movements(&state, &caller, query).await
}

/// A product's ledger, as `GET /a/v1.0/storage/report/ledger` answers it.
#[utoipa::path(
    get, path = "/reports/ledger", tag = "admin", params(LedgerQuery),
    responses(
        (status = 200, body = Envelope<ProductLedgerOut>),
        (status = 404, description = "no such storage", body = ErrorEnvelope),
        (status = 422, description = "a bad date or an unknown product code; `field` names it", body = ErrorEnvelope),
    ),
    security(("api_key" = []), ("session" = []))
)]
async fn admin_product_ledger(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
    Query(query): Query<LedgerQuery>,
) -> ApiResult<Json<Envelope<ProductLedgerOut>>> {
    ledger(&state, &caller, query).await
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct BalancesQuery {
    /// The storage's id.
    storage: i64,
    /// The balances just before this instant: `2026-11-01T00:00`, or a date alone for the
    /// start of that day, in the account's time zone unless an offset is given. Default: now.
    #[param(example = "2026-11-01T00:00")]
    at: Option<String>,
}

/// A storage's balances now or at a past instant, as `GET /a/v1.0/draft/store/{id}?at=`
/// lists them, in the envelope.
#[utoipa::path(
    get, path = "/reports/balances", tag = "admin", params(BalancesQuery),
    responses(
        (status = 200, body = Envelope<Vec<super::storage::StoreLine>>),
        (status = 404, description = "no such storage", body = ErrorEnvelope),
        (status = 422, description = "`at` is not a date or an instant", body = ErrorEnvelope),
    ),
    security(("api_key" = []), ("session" = []))
)]
async fn admin_balances(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
    Query(query): Query<BalancesQuery>,
) -> ApiResult<Json<Envelope<Vec<super::storage::StoreLine>>>> {
    let storage = StorageId::new(query.storage);
    let lines = super::storage::store_lines(&state, &caller, storage, query.at.as_deref()).await?;
    Ok(Json(Envelope::ok(lines)))
}
