//! API section 6, orders from outside (`reference/delivery.md`): delivery orders accepted as
//! durable jobs (`POST /draft/storages`, alias `/draft/delivery`) or run at once
//! (`POST /draft/receipts`), job status, and an order's state.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::caller::ApiCaller;
use super::error::{ApiError, ApiResult, ErrorEnvelope};
use super::extract::{ApiJson, IdPath};
use super::{AppState, Envelope};
use crate::db::sales as sales_db;
use crate::domain::decimal::{as_number, Money};
use crate::domain::ids::{JobId, ShopId};
use crate::domain::sales::{JobStatus, OrderStatus};
use crate::service::delivery;
use crate::wire::delivery::DeliveryIn;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_order))
        .routes(routes!(create_delivery))
        .routes(routes!(run_order))
        .routes(routes!(job_status))
        .routes(routes!(receipt_info))
}

/// `{"job_id": N, "status": "pending"}`
#[derive(Debug, Serialize, ToSchema)]
pub struct Accepted {
    job_id: JobId,
    /// `pending`.
    status: JobStatus,
}

/// Accepts a delivery order as a job (the vendor's path; its doc's `GET` is a slip).
#[utoipa::path(
    post, path = "/draft/storages", tag = "delivery", request_body = DeliveryIn,
    responses(
        (status = 200, description = "accepted; the job runs in the background", body = Envelope<Accepted>),
        (status = 422, description = "negative sums or counts; `field` names it", body = ErrorEnvelope),
    ),
    security(("api_key" = []))
)]
async fn create_order(
    state: State<AppState>,
    caller: ApiCaller,
    input: ApiJson<DeliveryIn>,
) -> ApiResult<Json<Envelope<Accepted>>> {
    accept(state, caller, input).await
}

/// The same as `POST /draft/storages`, at a clearer path.
#[utoipa::path(
    post, path = "/draft/delivery", tag = "delivery", request_body = DeliveryIn,
    responses((status = 200, body = Envelope<Accepted>), (status = 422, body = ErrorEnvelope)),
    security(("api_key" = []))
)]
async fn create_delivery(
    state: State<AppState>,
    caller: ApiCaller,
    input: ApiJson<DeliveryIn>,
) -> ApiResult<Json<Envelope<Accepted>>> {
    accept(state, caller, input).await
}

async fn accept(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(input): ApiJson<DeliveryIn>,
) -> ApiResult<Json<Envelope<Accepted>>> {
    let job_id = delivery::accept(&state.db, &caller.actor(), &input.bill).await?;
    state.jobs.wake();
    Ok(Json(Envelope::ok(Accepted {
        job_id,
        status: JobStatus::Pending,
    })))
}

/// A job's outcome.
#[derive(Debug, Serialize, ToSchema)]
pub struct Outcome {
    job_id: JobId,
    /// `success` or `failed`.
    status: JobStatus,
    /// The order's receipt UUID, or why it failed.
    message: String,
    /// On failure, the reason again.
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// Runs a delivery order at once and answers its outcome: `success` with the order's UUID, or
/// `success: false` (422) with `status: failed` and the reason.
#[utoipa::path(
    post, path = "/draft/receipts", tag = "delivery", request_body = DeliveryIn,
    responses(
        (status = 200, body = Envelope<Outcome>),
        (status = 422, description = "the order failed (`data.status` `failed`, `data.error` and `data.message` the reason), or negative sums", body = ErrorEnvelope),
    ),
    security(("api_key" = []))
)]
async fn run_order(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(input): ApiJson<DeliveryIn>,
) -> ApiResult<Response> {
    let outcome = delivery::run_now(&state.db, &caller.actor(), &input.bill).await?;
    let failed = outcome.status == JobStatus::Failed;
    let body = Outcome {
        job_id: outcome.job_id,
        error: failed.then(|| outcome.message.clone()),
        status: outcome.status,
        message: outcome.message,
    };
    Ok(if failed {
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(Envelope {
                success: false,
                data: body,
            }),
        )
            .into_response()
    } else {
        Json(Envelope::ok(body)).into_response()
    })
}

/// `{"job_id": "N", "status": …, "message": …}` (the id as a string, as the vendor shows it).
#[derive(Debug, Serialize, ToSchema)]
pub struct JobState {
    job_id: String,
    /// `pending`, `success` or `failed`.
    status: JobStatus,
    /// The order's receipt UUID on success, why on failure.
    message: String,
}

/// A job's state.
#[utoipa::path(
    get, path = "/draft/get_job_status/{job_id}", tag = "delivery",
    params(("job_id" = i64, Path, description = "the id the order was accepted with")),
    responses((status = 200, body = Envelope<JobState>), (status = 404, body = ErrorEnvelope)),
    security(("api_key" = []))
)]
async fn job_status(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    IdPath(job_id): IdPath,
) -> ApiResult<Json<Envelope<JobState>>> {
    let job = delivery::status(&state.db, caller.account_id, JobId::new(job_id)).await?;
    Ok(Json(Envelope::ok(JobState {
        job_id: job.id.to_string(),
        status: job.status,
        message: job.message,
    })))
}

/// An order's or receipt's totals and state (a bare array, as the vendor shows it).
#[derive(Debug, Serialize, ToSchema)]
pub struct ReceiptInfo {
    id: String,
    #[serde(rename = "terminalNumber")]
    terminal_number: Option<ShopId>,
    /// Before discounts.
    #[serde(with = "as_number")]
    #[schema(value_type = crate::domain::decimal::JsonNumber)]
    total: Money,
    #[serde(rename = "totalSum", with = "as_number")]
    #[schema(value_type = crate::domain::decimal::JsonNumber)]
    total_sum: Money,
    #[serde(rename = "discountSum", with = "as_number")]
    #[schema(value_type = crate::domain::decimal::JsonNumber)]
    discount_sum: Money,
    /// `wait_cashier`, `active`, `cooking`, `cooked`, `packed`, `closed`, `cancel` or `annuled`.
    status: OrderStatus,
}

#[utoipa::path(
    get, path = "/draft/receipts/{uuid}/info", tag = "delivery",
    params(("uuid" = String, Path, description = "the order's or receipt's UUID")),
    responses((status = 200, body = Vec<ReceiptInfo>), (status = 404, body = ErrorEnvelope)),
    security(("api_key" = []))
)]
async fn receipt_info(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(uuid): Path<String>,
) -> ApiResult<Json<Vec<ReceiptInfo>>> {
    let receipt = sales_db::find(&state.db, caller.account_id, uuid.trim())
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no receipt {uuid}")))?;
    Ok(Json(vec![ReceiptInfo {
        id: receipt.uuid,
        terminal_number: receipt.shop_id,
        total: receipt.total,
        total_sum: receipt.total_sum,
        discount_sum: receipt.discount_sum,
        status: receipt.status,
    }]))
}
