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
use super::documents::{list, status, wire, DateRange, IdRef, StorageRef, WireAction};
use super::error::{ApiResult, ErrorEnvelope};
use super::extract::{ApiJson, IdPath};
use super::{AppState, Created, Envelope, Success};
use crate::db::moves::{self as move_db, MoveLine, MoveRow};
use crate::domain::decimal::{as_number, Qty};
use crate::domain::document::DocKind;
use crate::domain::ids::{MoveId, ProductId};
use crate::domain::time::format_rfc3339;
use crate::service::{documents, moves};
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
        (status = 409, description = "dated on or before the account's lock date", body = ErrorEnvelope),
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
    Ok(Json(Envelope::ok(Created { id: id.get() })))
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
    wire(&state, &caller, MoveId::new(id), &body).await
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
    let moves = list::<MoveId, _>(&state, &caller, &range, |row, tz| {
        MoveOut::of(row, None, tz)
    })
    .await?;
    Ok(Json(Envelope::ok(moves)))
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
    let id = MoveId::new(id);
    let row = documents::header(&state.db, caller.account_id, id).await?;
    let lines = move_db::read_lines(&state.db, caller.account_id, id).await?;
    Ok(Json(Envelope::ok(MoveOut::of(
        &row,
        Some(&lines),
        &caller.timezone,
    ))))
}

/// A transfer; `items` only when read one by one.
#[derive(Debug, Serialize, ToSchema)]
pub struct MoveOut {
    #[schema(value_type = i64)]
    id: MoveId,
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
    #[schema(value_type = i64)]
    pub id: ProductId,
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
                    amount: l.qty,
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
            kind: DocKind::Move.as_str(),
            comment: row.comment.clone(),
            doc_date: format_rfc3339(row.doc_date, tz),
            storage_from: StorageRef {
                id: row.from.id,
                name: row.from.name.clone(),
            },
            storage_to: StorageRef {
                id: row.to.id,
                name: row.to.name.clone(),
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
