//! API section 7, the point of sale (beyond the vendor's doc): what a terminal key does for its
//! shop: shifts, the orders sent to it, receipts made at the till, annulments.

use axum::extract::{Path, Query, State};
use axum::Json;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::caller::TillCaller;
use super::error::{ApiResult, ErrorEnvelope};
use super::extract::{ApiJson, IdPath};
use super::{AppState, Created, Envelope, Success};
use crate::db::sales::{self as sales_db, LineRow, ReceiptRow};
use crate::domain::decimal::{as_number, Money, Qty, UnitCost};
use crate::domain::ids::{ProductId, ShiftId};
use crate::domain::sales::OrderStatus;
use crate::domain::time::format_rfc3339;
use crate::service::sales;
use crate::wire::sales::{CloseOrderIn, OrderStatusIn, ReceiptIn, ShiftOpenIn};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(open_shift))
        .routes(routes!(close_shift))
        .routes(routes!(list_orders))
        .routes(routes!(set_order_status))
        .routes(routes!(close_order))
        .routes(routes!(upload_receipt))
        .routes(routes!(annul_receipt))
}

/// `{"id": "<uuid>"}`: a receipt made or named.
#[derive(Debug, Serialize, ToSchema)]
pub struct UuidOut {
    pub id: String,
}

/// Opens the shop's cash shift; a second open shift is 409.
#[utoipa::path(
    post, path = "/pos/shifts/open", tag = "pos", request_body = ShiftOpenIn,
    responses((status = 200, body = Envelope<Created>), (status = 403, description = "not a terminal key", body = ErrorEnvelope), (status = 409, body = ErrorEnvelope)),
    security(("api_key" = []))
)]
async fn open_shift(
    State(state): State<AppState>,
    TillCaller(till): TillCaller,
    ApiJson(input): ApiJson<ShiftOpenIn>,
) -> ApiResult<Json<Envelope<Created>>> {
    let id = sales::open_shift(&state.db, &till, &input).await?;
    Ok(Json(Envelope::ok(Created { id: id.get() })))
}

/// Closes the shop's open shift.
#[utoipa::path(
    post, path = "/pos/shifts/{id}/close", tag = "pos",
    params(("id" = i64, Path, description = "shift id")),
    responses((status = 200, body = Success), (status = 404, description = "no such shift of this shop", body = ErrorEnvelope), (status = 409, description = "the shift is already closed", body = ErrorEnvelope)),
    security(("api_key" = []))
)]
async fn close_shift(
    State(state): State<AppState>,
    TillCaller(till): TillCaller,
    IdPath(id): IdPath,
) -> ApiResult<Json<Success>> {
    sales::close_shift(&state.db, &till, ShiftId::new(id)).await?;
    Ok(Json(Success { success: true }))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct StatusQuery {
    /// Default `wait_cashier`.
    #[param(value_type = Option<crate::wire::vocab::OrderStatus>, inline)]
    status: Option<String>,
}

/// The orders sent to this shop in a status, oldest first.
#[utoipa::path(
    get, path = "/pos/orders", tag = "pos", params(StatusQuery),
    responses((status = 200, body = Envelope<Vec<OrderOut>>), (status = 422, description = "not an order status", body = ErrorEnvelope)),
    security(("api_key" = []))
)]
async fn list_orders(
    State(state): State<AppState>,
    TillCaller(till): TillCaller,
    Query(query): Query<StatusQuery>,
) -> ApiResult<Json<Envelope<Vec<OrderOut>>>> {
    let status = match query.status.as_deref() {
        None => OrderStatus::WaitCashier,
        Some(word) => OrderStatus::parse(word).ok_or_else(|| {
            super::error::ApiError::unprocessable(
                "status",
                format!("{word:?} is not an order status"),
            )
        })?,
    };
    let orders = sales_db::orders(&state.db, till.actor.account_id, till.shop_id, status).await?;
    let mut out = Vec::with_capacity(orders.len());
    for order in &orders {
        let lines = sales_db::lines_of(&state.db, till.actor.account_id, order.id).await?;
        out.push(OrderOut::of(order, &lines, &till.actor.timezone));
    }
    Ok(Json(Envelope::ok(out)))
}

/// Moves an order along `wait_cashier → active → cooking → cooked → packed` (steps may be
/// skipped, never taken back), or cancels it; 409 otherwise.
#[utoipa::path(
    put, path = "/pos/orders/{uuid}", tag = "pos", request_body = OrderStatusIn,
    params(("uuid" = String, Path, description = "order UUID")),
    responses((status = 200, body = Success), (status = 404, body = ErrorEnvelope), (status = 409, description = "an illegal step", body = ErrorEnvelope)),
    security(("api_key" = []))
)]
async fn set_order_status(
    State(state): State<AppState>,
    TillCaller(till): TillCaller,
    Path(uuid): Path<String>,
    ApiJson(input): ApiJson<OrderStatusIn>,
) -> ApiResult<Json<Success>> {
    sales::set_order_status(&state.db, &till, &uuid, &input.status).await?;
    Ok(Json(Success { success: true }))
}

/// Closes an order as a receipt of the open shift: writes off its stock, updates its client.
#[utoipa::path(
    post, path = "/pos/orders/{uuid}/close", tag = "pos", request_body = CloseOrderIn,
    params(("uuid" = String, Path, description = "order UUID")),
    responses(
        (status = 200, body = Envelope<UuidOut>),
        (status = 404, body = ErrorEnvelope),
        (status = 409, description = "no open shift, or the order is closed or cancelled", body = ErrorEnvelope),
        (status = 422, description = "payments do not cover the order, unknown payment type, bonus overspent", body = ErrorEnvelope),
    ),
    security(("api_key" = []))
)]
async fn close_order(
    State(state): State<AppState>,
    TillCaller(till): TillCaller,
    Path(uuid): Path<String>,
    ApiJson(input): ApiJson<CloseOrderIn>,
) -> ApiResult<Json<Envelope<UuidOut>>> {
    let id = sales::close_order(&state.db, &till, &uuid, &input).await?;
    Ok(Json(Envelope::ok(UuidOut { id })))
}

/// Records a receipt closed at the till and writes off its stock; re-sending a known `uuid`
/// changes nothing and answers the same.
#[utoipa::path(
    post, path = "/pos/receipts", tag = "pos", request_body = ReceiptIn,
    responses(
        (status = 200, body = Envelope<UuidOut>),
        (status = 409, description = "no open shift", body = ErrorEnvelope),
        (status = 422, description = "negative sums, unknown product or payment type or client, bonus overspent; `field` names it", body = ErrorEnvelope),
    ),
    security(("api_key" = []))
)]
async fn upload_receipt(
    State(state): State<AppState>,
    TillCaller(till): TillCaller,
    ApiJson(input): ApiJson<ReceiptIn>,
) -> ApiResult<Json<Envelope<UuidOut>>> {
    let id = sales::upload(&state.db, &till, &input).await?;
    Ok(Json(Envelope::ok(UuidOut { id })))
}

/// Annuls a closed receipt: a counter-receipt (`income` −1) takes back its stock and its
/// effect on the client exactly; answers the counter-receipt's UUID.
#[utoipa::path(
    post, path = "/pos/receipts/{uuid}/annul", tag = "pos",
    params(("uuid" = String, Path, description = "receipt UUID")),
    responses((status = 200, body = Envelope<UuidOut>), (status = 404, body = ErrorEnvelope), (status = 409, description = "not a closed sale, or no open shift", body = ErrorEnvelope)),
    security(("api_key" = []))
)]
async fn annul_receipt(
    State(state): State<AppState>,
    TillCaller(till): TillCaller,
    Path(uuid): Path<String>,
) -> ApiResult<Json<Envelope<UuidOut>>> {
    let id = sales::annul(&state.db, &till, &uuid).await?;
    Ok(Json(Envelope::ok(UuidOut { id })))
}

/// An order sent to the shop, spelled like the delivery bill it came as.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderOut {
    uuid: String,
    status: OrderStatus,
    app_id: Option<i64>,
    delivery_type: Option<i64>,
    #[serde(with = "as_number")]
    #[schema(value_type = crate::domain::decimal::JsonNumber)]
    total_sum: Money,
    #[serde(with = "as_number")]
    #[schema(value_type = crate::domain::decimal::JsonNumber)]
    discount_sum: Money,
    comment: String,
    delivery_address: String,
    client_uuid: Option<String>,
    created_at: String,
    started_at: Option<String>,
    items: Vec<OrderItemOut>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrderItemOut {
    product_id: ProductId,
    title: String,
    #[serde(with = "as_number")]
    #[schema(value_type = crate::domain::decimal::JsonNumber)]
    count: Qty,
    #[serde(with = "as_number")]
    #[schema(value_type = crate::domain::decimal::JsonNumber)]
    price: UnitCost,
    #[serde(with = "as_number")]
    #[schema(value_type = crate::domain::decimal::JsonNumber)]
    discount_sum: Money,
    #[serde(with = "as_number")]
    #[schema(value_type = crate::domain::decimal::JsonNumber)]
    total_sum: Money,
}

impl OrderOut {
    fn of(order: &ReceiptRow, lines: &[LineRow], tz: &TimeZone) -> Self {
        OrderOut {
            uuid: order.uuid.clone(),
            status: order.status,
            app_id: order.app_id,
            delivery_type: order.delivery_type,
            total_sum: order.total_sum,
            discount_sum: order.discount_sum,
            comment: order.comment.clone(),
            delivery_address: order.delivery_address.clone(),
            client_uuid: order.client_uuid.clone(),
            created_at: format_rfc3339(order.created_at, tz),
            started_at: order.started_at.map(|t| format_rfc3339(t, tz)),
            items: lines
                .iter()
                .map(|l| OrderItemOut {
                    product_id: l.product_id,
                    title: l.title.clone(),
                    count: l.count,
                    price: l.price,
                    discount_sum: l.discount_sum,
                    total_sum: l.total_sum,
                })
                .collect(),
        }
    }
}
