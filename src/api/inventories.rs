//! API.md §11, stocktakings (beyond the doc): create, wire/unwire, list and read, each line
//! with the book quantity as of the document's date, the count, the difference and its value.

use std::collections::HashSet;

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
use crate::db::inventories::InventoryRow;
use crate::db::posted::Posted;
use crate::domain::decimal::{Money, Qty};
use crate::domain::document::DocKind;
use crate::domain::ids::InventoryId;
use crate::domain::time::format_rfc3339;
use crate::service::inventories::{self, InventoryRead};
use crate::wire::inventories::InventoryIn;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_inventory, list_inventories))
        .routes(routes!(wire_inventory, get_inventory))
}

/// Creates a stocktaking (not wired).
#[utoipa::path(
    post, path = "/storage/inventories", tag = "inventories", request_body = InventoryIn,
    responses(
        (status = 200, body = Envelope<Created>),
        (status = 409, description = "dated on or before the account's lock date", body = ErrorEnvelope),
        (status = 422, description = "unknown storage or product, a product listed twice, a negative count, no items without `full`, bad date; `field` names it", body = ErrorEnvelope),
    ),
    security(("api_key" = []))
)]
async fn create_inventory(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(input): ApiJson<InventoryIn>,
) -> ApiResult<Json<Envelope<Created>>> {
    let id = inventories::create(&state.db, &caller.actor(), &input).await?;
    Ok(Json(Envelope::ok(Created { id: id.get() })))
}

/// Wires the stocktaking (each product's balance as of its date brought to the count: a
/// shortfall out at the average cost, a surplus in at it) or unwires it (its movements taken
/// back exactly); 409 when it already is in that state or is dated on or before the lock
/// date.
#[utoipa::path(
    put, path = "/storage/inventories/{id}", tag = "inventories", request_body = WireAction,
    params(("id" = i64, Path, description = "stocktaking id")),
    responses((status = 200, body = Success), (status = 404, body = ErrorEnvelope), (status = 409, body = ErrorEnvelope)),
    security(("api_key" = []))
)]
async fn wire_inventory(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<WireAction>,
) -> ApiResult<Json<Success>> {
    wire(&state, &caller, InventoryId::new(id), &body).await
}

/// Lists the stocktakings dated from `start` (to `end`, inclusive), by date.
#[utoipa::path(
    get, path = "/storage/inventories", tag = "inventories", params(DateRange),
    responses((status = 200, body = Envelope<Vec<InventoryOut>>), (status = 422, body = ErrorEnvelope)),
    security(("api_key" = []))
)]
async fn list_inventories(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Query(range): Query<DateRange>,
) -> ApiResult<Json<Envelope<Vec<InventoryOut>>>> {
    let found = list::<InventoryId, _>(&state, &caller, &range, InventoryOut::of).await?;
    Ok(Json(Envelope::ok(found)))
}

/// Reads one stocktaking: per line the book quantity as of its date, the count, the
/// difference and its value (while wired), and the total surplus and shortfall.
#[utoipa::path(
    get, path = "/storage/inventories/{id}", tag = "inventories",
    params(("id" = i64, Path, description = "stocktaking id")),
    responses((status = 200, body = Envelope<InventoryOut>), (status = 404, body = ErrorEnvelope)),
    security(("api_key" = []))
)]
async fn get_inventory(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    IdPath(id): IdPath,
) -> ApiResult<Json<Envelope<InventoryOut>>> {
    let read = inventories::read(&state.db, caller.account_id, InventoryId::new(id)).await?;
    Ok(Json(Envelope::ok(InventoryOut::read(
        &read,
        &caller.timezone,
    ))))
}

/// A stocktaking; `items` only when read one by one.
#[derive(Debug, Serialize, ToSchema)]
pub struct InventoryOut {
    #[schema(value_type = i64)]
    id: InventoryId,
    /// Always `inventory`.
    #[serde(rename = "type")]
    kind: &'static str,
    comment: String,
    #[schema(format = DateTime)]
    doc_date: String,
    storage: StorageRef,
    /// Whether every unlisted product with a book balance counts as 0.
    full: bool,
    /// `wired` or `not_wired`.
    #[schema(value_type = crate::wire::vocab::DocumentStatus)]
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    items: Option<Vec<InventoryItemOut>>,
    /// What was found beyond the book: the sum of the positive differences and their value;
    /// `null` while it is not wired.
    surplus: Option<Total>,
    /// What was missing from the book: the sum of the negative differences and their value,
    /// as positive numbers; `null` while it is not wired.
    shortfall: Option<Total>,
    #[schema(format = DateTime)]
    created_at: String,
    created_by: IdRef,
    #[schema(format = DateTime)]
    updated_at: String,
    updated_by: IdRef,
}

/// A quantity (of mixed products: a count of units) and a value.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub struct Total {
    #[schema(value_type = String)]
    qty: Qty,
    #[schema(value_type = String)]
    value: Money,
}

/// A line; `book`, `difference` and `value` are `null` while the stocktaking is not wired.
#[derive(Debug, Serialize, ToSchema)]
pub struct InventoryItemOut {
    product: MovedProduct,
    /// The book quantity as of the stocktaking's date (`counted − difference`).
    #[schema(value_type = Option<String>)]
    book: Option<Qty>,
    #[schema(value_type = String)]
    counted: Qty,
    /// `counted − book`: positive a surplus, negative a shortfall.
    #[schema(value_type = Option<String>)]
    difference: Option<Qty>,
    /// The value of the difference (at the average cost as of the date, as the ledger now
    /// holds it).
    #[schema(value_type = Option<String>)]
    value: Option<Money>,
}

fn total(qty: Option<Qty>, value: Option<Money>) -> Option<Total> {
    Some(Total {
        qty: qty?,
        value: value?,
    })
}

impl InventoryOut {
    fn of(row: &InventoryRow, tz: &TimeZone) -> Self {
        InventoryOut {
            id: row.id,
            kind: DocKind::Inventory.as_str(),
            comment: row.comment.clone(),
            doc_date: format_rfc3339(row.doc_date, tz),
            storage: StorageRef {
                id: row.storage_id,
                name: row.storage_name.clone(),
            },
            full: row.full_count,
            status: status(row.wired),
            items: None,
            surplus: total(row.surplus_qty, row.surplus_value),
            shortfall: total(row.shortfall_qty, row.shortfall_value),
            created_at: format_rfc3339(row.created_at, tz),
            created_by: IdRef { id: row.created_by },
            updated_at: format_rfc3339(row.updated_at, tz),
            updated_by: IdRef { id: row.updated_by },
        }
    }

    fn read(read: &InventoryRead, tz: &TimeZone) -> Self {
        let moved = |posted: Option<&Posted>, counted: Qty| match posted {
            Some(m) => (
                Some(Qty::from_units(counted.units() - m.qty.units())),
                Some(m.qty),
                Some(m.value),
            ),
            None => (None, None, None),
        };
        let mut items: Vec<InventoryItemOut> = Vec::new();
        for l in &read.lines {
            let (book, difference, value) = moved(read.posted.get(&l.line_no), l.counted);
            items.push(InventoryItemOut {
                product: MovedProduct {
                    id: l.product_id,
                    ref_code: l.ref_code.clone(),
                    name: l.name.clone(),
                    measure: l.measure.clone(),
                },
                book,
                counted: l.counted,
                difference,
                value,
            });
        }
        // the products a full stocktaking counted as 0: movements beyond the listed lines
        let listed: HashSet<i64> = read.lines.iter().map(|l| l.line_no).collect();
        for (line_no, m) in &read.posted {
            if listed.contains(line_no) {
                continue;
            }
            let counted = m.target.unwrap_or(Qty::ZERO);
            let (book, difference, value) = moved(Some(m), counted);
            items.push(InventoryItemOut {
                product: MovedProduct {
                    id: m.product_id,
                    ref_code: m.ref_code.clone(),
                    name: m.name.clone(),
                    measure: m.measure.clone(),
                },
                book,
                counted,
                difference,
                value,
            });
        }
        InventoryOut {
            items: Some(items),
            ..InventoryOut::of(&read.header, tz)
        }
    }
}
