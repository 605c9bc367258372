//! API section 9, sales by line per cash day (`export_sales_shift_day`; undocumented by the
//! vendor, called by real clients for "sales by cashier" pages).

use axum::extract::{Query, State};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::caller::ApiCaller;
use super::error::{ApiResult, ErrorEnvelope};
use super::{AppState, Envelope};
use crate::domain::decimal::{as_number, Money, Qty, UnitCost};
use crate::domain::ids::{EmployeeId, ProductId, ReceiptId, ShopId};
use crate::service::line_sales::{self, ShiftDayLine};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(export_sales_shift_day))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ShiftDayQuery {
    /// First cash day, `YYYY-MM-DD`.
    #[param(format = Date)]
    start: String,
    /// Last cash day, inclusive, `YYYY-MM-DD`.
    #[param(format = Date)]
    end: String,
    /// Only this terminal (shop).
    terminal_id: Option<ShopId>,
}

/// A receipt line, as real clients read it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ShiftDayLineOut {
    /// The receipt's cash day.
    #[schema(format = Date)]
    shift_day: String,
    /// Local calendar day the receipt was closed, `YYYY-MM-DD`.
    #[schema(format = Date)]
    date: String,
    /// Local time the receipt was closed, `HH:MM:SS`.
    time: String,
    /// The receipt's number, counted per account from 1 (its id).
    receipt_number: ReceiptId,
    receipt_uuid: String,
    /// 1 a sale, −1 an annulment's counter-receipt.
    income: i64,
    terminal_id: ShopId,
    terminal_title: String,
    /// The employee who opened the shift, or the one the receipt names.
    cashier_id: Option<EmployeeId>,
    cashier_name: Option<String>,
    product_id: ProductId,
    product_title: String,
    #[serde(with = "as_number")]
    #[schema(value_type = crate::domain::decimal::JsonNumber)]
    product_qty: Qty,
    #[serde(with = "as_number")]
    #[schema(value_type = crate::domain::decimal::JsonNumber)]
    product_price: UnitCost,
    #[serde(with = "as_number")]
    #[schema(value_type = crate::domain::decimal::JsonNumber)]
    discount_sum: Money,
    /// The line's sum after discount.
    #[serde(with = "as_number")]
    #[schema(value_type = crate::domain::decimal::JsonNumber)]
    product_sum: Money,
    /// How the receipt was paid: `cash`, `card`, `cashless`, `bonus`, `credit` or `mixed`.
    #[schema(example = "cash")]
    payment_type: &'static str,
}

impl From<ShiftDayLine> for ShiftDayLineOut {
    fn from(line: ShiftDayLine) -> Self {
        let s = line.sale;
        ShiftDayLineOut {
            shift_day: s.shift_day,
            date: line.date,
            time: line.time,
            receipt_number: s.receipt_id,
            receipt_uuid: s.receipt_uuid,
            income: s.income,
            terminal_id: s.shop_id,
            terminal_title: s.shop_name,
            cashier_id: s.employee_id,
            cashier_name: s.employee_name,
            product_id: s.product_id,
            product_title: s.product_name,
            product_qty: s.count,
            product_price: s.price,
            discount_sum: s.discount_sum,
            product_sum: s.total_sum,
            payment_type: line.payment_type,
        }
    }
}

/// Every line of the closed receipts of a range of cash days, oldest receipt first, with its
/// receipt's number, terminal, cashier and payment kind.
#[utoipa::path(
    get, path = "/product/export_sales_shift_day", tag = "exports", params(ShiftDayQuery),
    responses(
        (status = 200, body = Envelope<Vec<ShiftDayLineOut>>),
        (status = 404, description = "no such terminal", body = ErrorEnvelope),
        (status = 422, description = "a day is not YYYY-MM-DD", body = ErrorEnvelope)
    ),
    security(("api_key" = []))
)]
async fn export_sales_shift_day(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Query(query): Query<ShiftDayQuery>,
) -> ApiResult<Json<Envelope<Vec<ShiftDayLineOut>>>> {
    let lines = line_sales::lines(
        &state.db,
        caller.account_id,
        &caller.timezone,
        (&query.start, &query.end),
        query.terminal_id,
    )
    .await?;
    Ok(Json(Envelope::ok(
        lines.into_iter().map(Into::into).collect(),
    )))
}
