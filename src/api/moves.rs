//! API section 4, transfers between storages (`reference/moves.md`): create, wire/unwire,
//! and (beyond the doc) list and read.

use axum::extract::{Query, State};
use axum::Json;
use jiff::tz::TimeZone;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::caller::ApiCaller;
use super::documents::{status, wire, DateRange, IdRef, StorageRef, WireAction};
use super::error::{ApiError, ApiResult, ErrorEnvelope};
use super::extract::{ApiJson, IdPath};
use super::{AppState, Created, Envelope, Success};
use crate::db::documents::DocKind;
use crate::db::moves::{self as move_db, MoveLine, MoveRow};
use crate::domain::decimal::{as_number, Qty};
use crate::domain::time::format_rfc3339;
use crate::service::moves;
use crate::wire::moves::MoveIn;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_move, list_moves))
        .routes(routes!(wire_move, get_move))
}

/// Creates a transfer (not wired) of products from one storage to another.
#[utoipa::path(
    post, path = "/storage/moves", tag = "moves", request_body = MoveIn,
    responses(
        (status = 200, body = Envelope<Created>),
        (status = 422, description = "unknown storage or product, same storage twice, amount not positive; `field` names it", body = ErrorEnvelope),
    ),
    security(("api_key" = []))
)]
async fn create_move(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(input): ApiJson<MoveIn>,
) -> ApiResult<Json<Envelope<Created>>> {
    let id = moves::create(&state.db, &caller.actor(), &input).await?;
    Ok(Json(Envelope::ok(Created { id })))
}

/// Wires the transfer (out of the source at its average cost, into the destination at that
/// value) or unwires it; 409 when it already is in that state.
#[utoipa::path(
    put, path = "/storage/moves/{id}", tag = "moves", request_body = WireAction,
    params(("id" = i64, Path, description = "transfer id")),
    responses((status = 200, body = Success), (status = 404, body = ErrorEnvelope), (status = 409, body = ErrorEnvelope)),
    security(("api_key" = []))
)]
async fn wire_move(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<WireAction>,
) -> ApiResult<Json<Success>> {
    wire(&state, &caller, DocKind::Move, id, &body).await
}

/// Lists the transfers dated from `start` (to `end`, inclusive), by date.
#[utoipa::path(
    get, path = "/storage/moves", tag = "moves", params(DateRange),
    responses((status = 200, body = Envelope<Vec<MoveOut>>), (status = 422, body = ErrorEnvelope)),
    security(("api_key" = []))
)]
async fn list_moves(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Query(range): Query<DateRange>,
) -> ApiResult<Json<Envelope<Vec<MoveOut>>>> {
    let (from, to) = range.bounds(&caller.timezone)?;
    let rows = move_db::HEADERS
        .list(&state.db, caller.account_id, from, to)
        .await?;
    Ok(Json(Envelope::ok(
        rows.iter()
            .map(|row| MoveOut::of(row, None, &caller.timezone))
            .collect(),
    )))
}

/// Reads one transfer with its lines.
#[utoipa::path(
    get, path = "/storage/moves/{id}", tag = "moves",
    params(("id" = i64, Path, description = "transfer id")),
    responses((status = 200, body = Envelope<MoveOut>), (status = 404, body = ErrorEnvelope)),
    security(("api_key" = []))
)]
async fn get_move(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    IdPath(id): IdPath,
) -> ApiResult<Json<Envelope<MoveOut>>> {
    let row = move_db::HEADERS
        .find(&state.db, caller.account_id, id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no move with id {id}")))?;
    let lines = move_db::lines(&state.db, caller.account_id, id).await?;
    Ok(Json(Envelope::ok(MoveOut::of(
        &row,
        Some(&lines),
        &caller.timezone,
    ))))
}

/// A transfer; `items` only when read one by one.
#[derive(Debug, Serialize, ToSchema)]
pub struct MoveOut {
    id: i64,
    /// Always `move`.
    #[serde(rename = "type")]
    kind: &'static str,
    comment: String,
    #[schema(format = DateTime)]
    doc_date: String,
    storage_from: StorageRef,
    storage_to: StorageRef,
    /// `wired` or `not_wired`.
    #[schema(value_type = crate::wire::vocab::DocumentStatus)]
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    items: Option<Vec<MoveItemOut>>,
    #[schema(format = DateTime)]
    created_at: String,
    created_by: IdRef,
    #[schema(format = DateTime)]
    updated_at: String,
    updated_by: IdRef,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MoveItemOut {
    /// Quantity in the product's base measure.
    #[serde(with = "as_number")]
    #[schema(value_type = crate::domain::decimal::JsonNumber)]
    amount: Qty,
    product: MovedProduct,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MovedProduct {
    pub id: i64,
    pub ref_code: String,
    pub name: String,
    pub measure: String,
}

impl MoveOut {
    fn of(row: &MoveRow, lines: Option<&[MoveLine]>, tz: &TimeZone) -> Self {
        let items = lines.map(|lines| {
            lines
                .iter()
                .map(|l| MoveItemOut {
                    amount: Qty::from_units(l.qty),
                    product: MovedProduct {
                        id: l.product_id,
                        ref_code: l.ref_code.clone(),
                        name: l.name.clone(),
                        measure: l.measure.clone(),
                    },
                })
                .collect()
        });
        MoveOut {
            id: row.id,
            kind: "move",
            comment: row.comment.clone(),
            doc_date: format_rfc3339(row.doc_date, tz),
            storage_from: StorageRef {
                id: row.from.0,
                name: row.from.1.clone(),
            },
            storage_to: StorageRef {
                id: row.to.0,
                name: row.to.1.clone(),
            },
            status: status(row.wired),
            items,
            created_at: format_rfc3339(row.created_at, tz),
            created_by: IdRef { id: row.created_by },
            updated_at: format_rfc3339(row.updated_at, tz),
            updated_by: IdRef { id: row.updated_by },
        }
    }
}
