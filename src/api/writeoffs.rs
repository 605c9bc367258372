//! API.md §11, write-off acts (beyond the doc): create, wire/unwire, list and read, each line
//! with the value it took off the books.

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
use super::moves::MovedProduct;
use super::{AppState, Created, Envelope, Success};
use crate::db::writeoffs::WriteOffRow;
use crate::domain::decimal::{Money, Qty};
use crate::domain::document::DocKind;
use crate::domain::ids::WriteOffId;
use crate::domain::time::format_rfc3339;
use crate::service::writeoffs::{self, WriteOffRead};
use crate::wire::writeoffs::WriteOffIn;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_writeoff, list_writeoffs))
        .routes(routes!(wire_writeoff, get_writeoff))
}

/// Creates a write-off act (not wired).
#[utoipa::path(
    post, path = "/storage/writeoffs", tag = "writeoffs", request_body = WriteOffIn,
    responses(
        (status = 200, body = Envelope<Created>),
        (status = 409, description = "dated on or before the account's lock date", body = ErrorEnvelope),
        (status = 422, description = "unknown storage or product, unknown reason, amount not positive, no items, bad date; `field` names it", body = ErrorEnvelope),
    ),
    security(("api_key" = []))
)]
async fn create_writeoff(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(input): ApiJson<WriteOffIn>,
) -> ApiResult<Json<Envelope<Created>>> {
    let id = writeoffs::create(&state.db, &caller.actor(), &input).await?;
    Ok(Json(Envelope::ok(Created { id: id.get() })))
}

/// Wires the write-off (each line out at the storage's average cost as of its date) or
/// unwires it (its movements taken back exactly); 409 when it already is in that state or is
/// dated on or before the lock date.
#[utoipa::path(
    put, path = "/storage/writeoffs/{id}", tag = "writeoffs", request_body = WireAction,
    params(("id" = i64, Path, description = "write-off id")),
    responses((status = 200, body = Success), (status = 404, body = ErrorEnvelope), (status = 409, body = ErrorEnvelope)),
    security(("api_key" = []))
)]
async fn wire_writeoff(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<WireAction>,
) -> ApiResult<Json<Success>> {
    wire(&state, &caller, WriteOffId::new(id), &body).await
}

/// Lists the write-offs dated from `start` (to `end`, inclusive), by date.
#[utoipa::path(
    get, path = "/storage/writeoffs", tag = "writeoffs", params(DateRange),
    responses((status = 200, body = Envelope<Vec<WriteOffOut>>), (status = 422, body = ErrorEnvelope)),
    security(("api_key" = []))
)]
async fn list_writeoffs(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Query(range): Query<DateRange>,
) -> ApiResult<Json<Envelope<Vec<WriteOffOut>>>> {
    let found = list::<WriteOffId, _>(&state, &caller, &range, WriteOffOut::of).await?;
    Ok(Json(Envelope::ok(found)))
}

/// Reads one write-off with its lines and the value each took (while wired).
#[utoipa::path(
    get, path = "/storage/writeoffs/{id}", tag = "writeoffs",
    params(("id" = i64, Path, description = "write-off id")),
    responses((status = 200, body = Envelope<WriteOffOut>), (status = 404, body = ErrorEnvelope)),
    security(("api_key" = []))
)]
async fn get_writeoff(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    IdPath(id): IdPath,
) -> ApiResult<Json<Envelope<WriteOffOut>>> {
    let read = writeoffs::read(&state.db, caller.account_id, WriteOffId::new(id)).await?;
    Ok(Json(Envelope::ok(WriteOffOut::read(
        &read,
        &caller.timezone,
    ))))
}

/// A write-off; `items` only when read one by one.
#[derive(Debug, Serialize, ToSchema)]
pub struct WriteOffOut {
    #[schema(value_type = i64)]
    id: WriteOffId,
    /// Always `writeoff`.
    #[serde(rename = "type")]
    kind: &'static str,
    comment: String,
    #[schema(format = DateTime)]
    doc_date: String,
    storage: StorageRef,
    #[schema(value_type = crate::wire::vocab::WriteOffReason)]
    reason: &'static str,
    /// `wired` or `not_wired`.
    #[schema(value_type = crate::wire::vocab::DocumentStatus)]
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    items: Option<Vec<WriteOffItemOut>>,
    /// The value the act took off the books, its lines' sum; `null` while it is not wired.
    #[schema(value_type = Option<String>)]
    value: Option<Money>,
    #[schema(format = DateTime)]
    created_at: String,
    created_by: IdRef,
    #[schema(format = DateTime)]
    updated_at: String,
    updated_by: IdRef,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WriteOffItemOut {
    /// Quantity in the product's base measure.
    #[schema(value_type = String)]
    amount: Qty,
    product: MovedProduct,
    /// The value the line took off the books (at the average cost as of the act's date, as
    /// the ledger now holds it); `null` while the act is not wired.
    #[schema(value_type = Option<String>)]
    value: Option<Money>,
}

impl WriteOffOut {
    fn of(row: &WriteOffRow, tz: &TimeZone) -> Self {
        WriteOffOut {
            id: row.id,
            kind: DocKind::WriteOff.as_str(),
            comment: row.comment.clone(),
            doc_date: format_rfc3339(row.doc_date, tz),
            storage: StorageRef {
                id: row.storage_id,
                name: row.storage_name.clone(),
            },
            reason: row.reason.as_str(),
            status: status(row.wired),
            items: None,
            value: row.value,
            created_at: format_rfc3339(row.created_at, tz),
            created_by: IdRef { id: row.created_by },
            updated_at: format_rfc3339(row.updated_at, tz),
            updated_by: IdRef { id: row.updated_by },
        }
    }

    fn read(read: &WriteOffRead, tz: &TimeZone) -> Self {
        let items: Vec<WriteOffItemOut> = read
            .lines
            .iter()
            .map(|l| WriteOffItemOut {
                amount: l.qty,
                product: MovedProduct {
                    id: l.product_id,
                    ref_code: l.ref_code.clone(),
                    name: l.name.clone(),
                    measure: l.measure.clone(),
                },
                value: read
                    .posted
                    .get(&l.line_no)
                    .map(|m| Money::from_units(-m.value.units())),
            })
            .collect();
        WriteOffOut {
            items: Some(items),
            ..WriteOffOut::of(&read.header, tz)
        }
    }
}
