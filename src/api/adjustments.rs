//! Inventory adjustments (beyond the doc): the stock documents a menu import with
//! `update_balances` posts, listed, read, and wired or unwired like invoices and transfers.

use axum::extract::{Query, State};
use axum::Json;
use jiff::tz::TimeZone;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::caller::ApiCaller;
use super::documents::{list, status, wire, DateRange, IdRef, WireAction};
use super::error::{ApiResult, ErrorEnvelope};
use super::extract::{ApiJson, IdPath};
use super::moves::MovedProduct;
use super::{AppState, Envelope, Success};
use crate::db::adjustments::{self as adjustment_db, AdjustmentRow, ShownLine};
use crate::domain::decimal::{as_number, Money, Qty};
use crate::domain::document::DocKind;
use crate::domain::ids::AdjustmentId;
use crate::domain::time::format_rfc3339;
use crate::service::documents;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_adjustments))
        .routes(routes!(wire_adjustment, get_adjustment))
}

/// Wires the adjustment (posts its recorded movements again) or unwires it (takes them back
/// exactly); 409 when it already is in that state.
#[utoipa::path(
    put, path = "/storage/adjustments/{id}", tag = "adjustments", request_body = WireAction,
    params(("id" = i64, Path, description = "adjustment id")),
    responses((status = 200, body = Success), (status = 404, body = ErrorEnvelope), (status = 409, body = ErrorEnvelope)),
    security(("api_key" = []))
)]
async fn wire_adjustment(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<WireAction>,
) -> ApiResult<Json<Success>> {
    wire(&state, &caller, AdjustmentId::new(id), &body).await
}

/// Lists the adjustments dated from `start` (to `end`, inclusive), by date.
#[utoipa::path(
    get, path = "/storage/adjustments", tag = "adjustments", params(DateRange),
    responses((status = 200, body = Envelope<Vec<AdjustmentOut>>), (status = 422, body = ErrorEnvelope)),
    security(("api_key" = []))
)]
async fn list_adjustments(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Query(range): Query<DateRange>,
) -> ApiResult<Json<Envelope<Vec<AdjustmentOut>>>> {
    let adjustments = list::<AdjustmentId, _>(&state, &caller, &range, |row, tz| {
        AdjustmentOut::of(row, None, tz)
    })
    .await?;
    Ok(Json(Envelope::ok(adjustments)))
}

/// Reads one adjustment with its lines.
#[utoipa::path(
    get, path = "/storage/adjustments/{id}", tag = "adjustments",
    params(("id" = i64, Path, description = "adjustment id")),
    responses((status = 200, body = Envelope<AdjustmentOut>), (status = 404, body = ErrorEnvelope)),
    security(("api_key" = []))
)]
async fn get_adjustment(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    IdPath(id): IdPath,
) -> ApiResult<Json<Envelope<AdjustmentOut>>> {
    let id = AdjustmentId::new(id);
    let row = documents::header(&state.db, caller.account_id, id).await?;
    let lines = adjustment_db::lines(&state.db, caller.account_id, id).await?;
    Ok(Json(Envelope::ok(AdjustmentOut::of(
        &row,
        Some(&lines),
        &caller.timezone,
    ))))
}

/// An adjustment; `items` only when read one by one.
#[derive(Debug, Serialize, ToSchema)]
pub struct AdjustmentOut {
    #[schema(value_type = i64)]
    id: AdjustmentId,
    /// Always `adjustment`.
    #[serde(rename = "type")]
    kind: &'static str,
    comment: String,
    #[schema(format = DateTime)]
    doc_date: String,
    /// `wired` or `not_wired`.
    #[schema(value_type = crate::wire::vocab::DocumentStatus)]
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    items: Option<Vec<AdjustmentItemOut>>,
    #[schema(format = DateTime)]
    created_at: String,
    created_by: IdRef,
    #[schema(format = DateTime)]
    updated_at: String,
    updated_by: IdRef,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AdjustmentItemOut {
    storage: IdRef,
    product: MovedProduct,
    /// The counted balance.
    #[serde(with = "as_number")]
    #[schema(value_type = crate::domain::decimal::JsonNumber)]
    balance: Qty,
    /// The change the adjustment made to the quantity.
    #[serde(with = "as_number")]
    #[schema(value_type = crate::domain::decimal::JsonNumber)]
    amount: Qty,
    /// The change it made to the value.
    #[schema(value_type = String)]
    summ: Money,
}

impl AdjustmentOut {
    fn of(row: &AdjustmentRow, lines: Option<&[ShownLine]>, tz: &TimeZone) -> Self {
        let items = lines.map(|lines| {
            lines
                .iter()
                .map(|l| AdjustmentItemOut {
                    storage: IdRef {
                        id: l.line.storage_id.get(),
                    },
                    product: MovedProduct {
                        id: l.line.product_id,
                        ref_code: l.ref_code.clone(),
                        name: l.name.clone(),
                        measure: l.measure.clone(),
                    },
                    balance: l.line.target,
                    amount: l.line.qty,
                    summ: l.line.value,
                })
                .collect()
        });
        AdjustmentOut {
            id: row.id,
            kind: DocKind::Adjustment.as_str(),
            comment: row.comment.clone(),
            doc_date: format_rfc3339(row.doc_date, tz),
            status: status(row.wired),
            items,
            created_at: format_rfc3339(row.created_at, tz),
            created_by: IdRef { id: row.created_by },
            updated_at: format_rfc3339(row.updated_at, tz),
            updated_by: IdRef { id: row.updated_by },
        }
    }
}
