//! API.md §11, returns to suppliers (beyond the doc): create, wire/unwire, list and read,
//! each line with the value it took off the books, the supplier's refund and the difference.

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
use crate::db::returns::ReturnRow;
use crate::domain::decimal::{Money, Qty, UnitCost};
use crate::domain::document::DocKind;
use crate::domain::ids::{InvoiceId, ReturnId, ShipperId};
use crate::domain::time::format_rfc3339;
use crate::service::returns::{self, refund, ReturnRead};
use crate::wire::returns::ReturnIn;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_return, list_returns))
        .routes(routes!(wire_return, get_return))
}

/// Creates a return to a supplier (not wired).
#[utoipa::path(
    post, path = "/storage/returns", tag = "returns", request_body = ReturnIn,
    responses(
        (status = 200, body = Envelope<Created>),
        (status = 409, description = "dated on or before the account's lock date", body = ErrorEnvelope),
        (status = 422, description = "unknown storage, shipper, invoice (or another shipper's) or product, amount not positive, price negative or missing without `invoice_id` (or not in the invoice), no items, bad date; `field` names it", body = ErrorEnvelope),
    ),
    security(("api_key" = []))
)]
async fn create_return(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(input): ApiJson<ReturnIn>,
) -> ApiResult<Json<Envelope<Created>>> {
    let id = returns::create(&state.db, &caller.actor(), &input).await?;
    Ok(Json(Envelope::ok(Created { id: id.get() })))
}

/// Wires the return (each line out at the storage's average cost as of its date) or unwires
/// it (its movements taken back exactly); 409 when it already is in that state or is dated
/// on or before the lock date.
#[utoipa::path(
    put, path = "/storage/returns/{id}", tag = "returns", request_body = WireAction,
    params(("id" = i64, Path, description = "return id")),
    responses((status = 200, body = Success), (status = 404, body = ErrorEnvelope), (status = 409, body = ErrorEnvelope)),
    security(("api_key" = []))
)]
async fn wire_return(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<WireAction>,
) -> ApiResult<Json<Success>> {
    wire(&state, &caller, ReturnId::new(id), &body).await
}

/// Lists the returns dated from `start` (to `end`, inclusive), by date.
#[utoipa::path(
    get, path = "/storage/returns", tag = "returns", params(DateRange),
    responses((status = 200, body = Envelope<Vec<ReturnOut>>), (status = 422, body = ErrorEnvelope)),
    security(("api_key" = []))
)]
async fn list_returns(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Query(range): Query<DateRange>,
) -> ApiResult<Json<Envelope<Vec<ReturnOut>>>> {
    let found = list::<ReturnId, _>(&state, &caller, &range, ReturnOut::of).await?;
    Ok(Json(Envelope::ok(found)))
}

/// Reads one return: per line the value taken off the books (while wired), the refund and
/// the difference, and their totals.
#[utoipa::path(
    get, path = "/storage/returns/{id}", tag = "returns",
    params(("id" = i64, Path, description = "return id")),
    responses((status = 200, body = Envelope<ReturnOut>), (status = 404, body = ErrorEnvelope)),
    security(("api_key" = []))
)]
async fn get_return(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    IdPath(id): IdPath,
) -> ApiResult<Json<Envelope<ReturnOut>>> {
    let read = returns::read(&state.db, caller.account_id, ReturnId::new(id)).await?;
    Ok(Json(Envelope::ok(ReturnOut::read(&read, &caller.timezone))))
}

/// A return; `items` and `totals` only when read one by one.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReturnOut {
    #[schema(value_type = i64)]
    id: ReturnId,
    /// Always `return`.
    #[serde(rename = "type")]
    kind: &'static str,
    comment: String,
    #[schema(format = DateTime)]
    doc_date: String,
    storage: StorageRef,
    shipper: ReturnShipperOut,
    /// The invoice the goods came with, when named.
    #[schema(value_type = Option<i64>)]
    invoice_id: Option<InvoiceId>,
    /// `wired` or `not_wired`.
    #[schema(value_type = crate::wire::vocab::DocumentStatus)]
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    items: Option<Vec<ReturnItemOut>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    totals: Option<ReturnTotals>,
    #[schema(format = DateTime)]
    created_at: String,
    created_by: IdRef,
    #[schema(format = DateTime)]
    updated_at: String,
    updated_by: IdRef,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReturnShipperOut {
    #[schema(value_type = i64)]
    id: ShipperId,
    ref_code: String,
    name: String,
}

/// A line; `value` and `difference` are `null` while the return is not wired.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReturnItemOut {
    product: MovedProduct,
    /// Quantity in the product's base measure.
    #[schema(value_type = String)]
    amount: Qty,
    /// What the supplier refunds per base unit.
    #[schema(value_type = String)]
    price: UnitCost,
    /// `amount × price`.
    #[schema(value_type = String)]
    refund: Money,
    /// The value the line took off the books (at the average cost as of the return's date,
    /// as the ledger now holds it).
    #[schema(value_type = Option<String>)]
    value: Option<Money>,
    /// `refund − value`: positive when the supplier refunds more than the goods cost.
    #[schema(value_type = Option<String>)]
    difference: Option<Money>,
}

/// The sums of the lines.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReturnTotals {
    #[schema(value_type = String)]
    refund: Money,
    #[schema(value_type = Option<String>)]
    value: Option<Money>,
    #[schema(value_type = Option<String>)]
    difference: Option<Money>,
}

impl ReturnOut {
    fn of(row: &ReturnRow, tz: &TimeZone) -> Self {
        ReturnOut {
            id: row.id,
            kind: DocKind::Return.as_str(),
            comment: row.comment.clone(),
            doc_date: format_rfc3339(row.doc_date, tz),
            storage: StorageRef {
                id: row.storage_id,
                name: row.storage_name.clone(),
            },
            shipper: ReturnShipperOut {
                id: row.shipper.id,
                ref_code: row.shipper.ref_code.clone(),
                name: row.shipper.name.clone(),
            },
            invoice_id: row.invoice_id,
            status: status(row.wired),
            items: None,
            totals: None,
            created_at: format_rfc3339(row.created_at, tz),
            created_by: IdRef { id: row.created_by },
            updated_at: format_rfc3339(row.updated_at, tz),
            updated_by: IdRef { id: row.updated_by },
        }
    }

    fn read(read: &ReturnRead, tz: &TimeZone) -> Self {
        let wired = read.header.wired;
        let items: Vec<ReturnItemOut> = read
            .lines
            .iter()
            .map(|l| {
                let refund = refund(l.qty, l.price);
                let value = read
                    .posted
                    .get(&l.line_no)
                    .map(|m| Money::from_units(-m.value.units()));
                ReturnItemOut {
                    product: MovedProduct {
                        id: l.product_id,
                        ref_code: l.ref_code.clone(),
                        name: l.name.clone(),
                        measure: l.measure.clone(),
                    },
                    amount: l.qty,
                    price: l.price,
                    refund,
                    value,
                    difference: value.map(|v| Money::from_units(refund.units() - v.units())),
                }
            })
            .collect();
        let sum = |pick: &dyn Fn(&ReturnItemOut) -> Option<Money>| {
            Money::from_units(items.iter().filter_map(pick).map(Money::units).sum())
        };
        let totals = ReturnTotals {
            refund: sum(&|i| Some(i.refund)),
            value: wired.then(|| sum(&|i| i.value)),
            difference: wired.then(|| sum(&|i| i.difference)),
        };
        ReturnOut {
            items: Some(items),
            totals: Some(totals),
            ..ReturnOut::of(&read.header, tz)
        }
    }
}
