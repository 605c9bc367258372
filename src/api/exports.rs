//! API section 9, sales exports (`reference/exports.md`): sales by terminal, product and
//! price; totals by workspace (and terminal); and the receipts of a terminal's cash day, whose
//! lines are `bill_dishes` under v1.0 and `order_dishes` (with cashless payment fields) under
//! v1.1.

use std::collections::HashMap;

use axum::extract::{OriginalUri, Query, State};
use axum::Json;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::caller::ApiCaller;
use super::error::{ApiError, ApiResult, ErrorEnvelope};
use super::extract::ObjectPath;
use super::AppState;
use crate::db::exports::{self as export_db, Sums};
use crate::db::{objects, sales as sales_db};
use crate::domain::decimal::{as_number, JsonNumber, Money, Qty, UnitCost};
use crate::domain::time::{self, format_rfc3339};
use crate::service::exports::{self, Range};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(export_sales))
        .routes(routes!(export_sales_totals))
        .routes(routes!(receipts_by_shift_day))
}

/// `{"data": …, "success": true}`
#[derive(Debug, Serialize, ToSchema)]
pub struct Export {
    #[schema(value_type = Vec<Object>)]
    data: Vec<Value>,
    success: bool,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ExportQuery {
    /// First day (`YYYY-MM-DD`, account time zone) or instant (`2018-11-05T05:00[+02:00]`).
    /// Give `start` or `shift_day`.
    #[param(value_type = Option<crate::wire::vocab::Instant>, inline)]
    start: Option<String>,
    /// Last day, inclusive, or an instant (exclusive).
    #[param(value_type = Option<crate::wire::vocab::Instant>, inline)]
    end: Option<String>,
    /// One cash day instead of a calendar range.
    #[param(format = Date)]
    shift_day: Option<String>,
    /// `product_id` (sales: by product only) or `terminal_id` (totals: by terminal too).
    add_gr_by: Option<String>,
}

impl ExportQuery {
    fn range(&self) -> Range<'_> {
        Range {
            start: self.start.as_deref(),
            end: self.end.as_deref(),
            shift_day: self.shift_day.as_deref(),
        }
    }

    fn groups_by(&self, what: &str) -> bool {
        self.add_gr_by
            .as_deref()
            .is_some_and(|g| g.split(',').any(|p| p.trim() == what))
    }
}

/// An exact decimal as text, without trailing zeros (`"17"`, `"0.5"`).
fn plain(value: Decimal) -> String {
    value.normalize().to_string()
}

fn money(units: i64) -> Decimal {
    Money::from_units(units).decimal()
}

/// Sales grouped by terminal, product and price (or `add_gr_by=product_id`: by product),
/// with the payment split; annulments subtract.
#[utoipa::path(
    get, path = "/product/export_sales", tag = "exports", params(ExportQuery),
    responses((status = 200, body = SalesExport), (status = 422, body = ErrorEnvelope)),
    security(("api_key" = []))
)]
async fn export_sales(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Query(query): Query<ExportQuery>,
) -> ApiResult<Json<SalesExport>> {
    let by_product = query.groups_by("product_id");
    let rows = exports::sales(
        &state.db,
        caller.account_id,
        &caller.timezone,
        &query.range(),
        by_product,
    )
    .await?;
    let names = export_db::product_names(&state.db, caller.account_id).await?;
    let data = rows.iter().map(|r| sales_row(r, &names)).collect();
    Ok(Json(SalesExport {
        data,
        success: true,
    }))
}

/// A line of `export_sales`, every value a string as the vendor shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct SalesOut {
    caf_terminal_id: Option<String>,
    caf_id: String,
    name: String,
    ref_code: String,
    price: String,
    qnt: String,
    deleted: &'static str,
    cash: String,
    card: String,
    cashless: String,
    bonus: String,
    credit: String,
    total_pay: String,
}

fn sales_row(r: &Sums, names: &HashMap<i64, (String, String, bool)>) -> SalesOut {
    let (name, ref_code, deleted) = names.get(&r.key).cloned().unwrap_or_default();
    let qty = Qty::from_units(r.qty).decimal();
    let price = match r.price {
        Some(price) => UnitCost::from_units(price).decimal(),
        None if !qty.is_zero() => money(r.total_sum) / qty,
        None => Decimal::ZERO,
    };
    let kind = |k: usize| plain(money(r.kinds[k]));
    SalesOut {
        caf_terminal_id: r.shop_id.map(|s| s.to_string()),
        caf_id: r.key.to_string(),
        name,
        ref_code,
        price: format!("{:.4}", price.round_dp(4)),
        qnt: plain(qty),
        deleted: if deleted { "1" } else { "0" },
        cash: kind(0),
        card: kind(1),
        cashless: kind(2),
        bonus: kind(3),
        credit: kind(4),
        total_pay: plain(money(r.total_sum)),
    }
}

/// `{"data": […], "success": true}` of `export_sales`.
#[derive(Debug, Serialize, ToSchema)]
pub struct SalesExport {
    data: Vec<SalesOut>,
    success: bool,
}

/// Sales totals by workspace (`add_gr_by=terminal_id`: by terminal and workspace).
#[utoipa::path(
    get, path = "/product/export_sales_totals", tag = "exports", params(ExportQuery),
    responses((status = 200, body = Export), (status = 422, body = ErrorEnvelope)),
    security(("api_key" = []))
)]
async fn export_sales_totals(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Query(query): Query<ExportQuery>,
) -> ApiResult<Json<Export>> {
    let by_terminal = query.groups_by("terminal_id");
    let rows = exports::totals(
        &state.db,
        caller.account_id,
        &caller.timezone,
        &query.range(),
        by_terminal,
    )
    .await?;
    let fixed = |units: i64| Money::from_units(units).to_string();
    let data = rows
        .iter()
        .map(|r| {
            json!({
                "qnt": plain(Qty::from_units(r.qty).decimal()), "caf_terminal_id": r.shop_id,
                "cafe_workspace_id": r.key.to_string(), "cash": fixed(r.kinds[0]), "card": fixed(r.kinds[1]),
                "cashless": fixed(r.kinds[2]), "credit": fixed(r.kinds[4]), "discount": fixed(-r.discount),
                "total_pay": fixed(r.total_sum)
            })
        })
        .collect();
    Ok(Json(Export {
        data,
        success: true,
    }))
}

/// The closed receipts (sales, and annulments' counter-receipts with `income` −1) of a
/// terminal's cash day, with their lines and payments.
#[utoipa::path(
    get, path = "/draft/receipts_by_shift_day/{terminal_id}/{date}", tag = "exports",
    params(("terminal_id" = i64, Path, description = "shop id"), ("date" = String, Path, format = Date, description = "cash day YYYY-MM-DD")),
    responses((status = 200, body = Vec<ShiftDayReceipt>), (status = 404, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)),
    security(("api_key" = []))
)]
async fn receipts_by_shift_day(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    OriginalUri(uri): OriginalUri,
    ObjectPath((shop_id, date)): ObjectPath<(i64, String)>,
) -> ApiResult<Json<Vec<ShiftDayReceipt>>> {
    let v1_1 = uri.path().starts_with("/a/v1.1/");
    let day = time::parse_day(&date).map_err(|e| ApiError::unprocessable("date", e))?;
    let mut tx = state.db.begin_snapshot().await?;
    objects::shop_storage(&mut tx, caller.account_id, shop_id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no terminal {shop_id}")))?;
    let kinds = objects::payment_kinds(&mut tx, caller.account_id).await?;
    drop(tx);
    let receipts = sales_db::of_shift_day(&state.db, caller.account_id, shop_id, &day).await?;
    let ids: Vec<i64> = receipts.iter().map(|r| r.id).collect();
    let mut details = sales_db::details(&state.db, caller.account_id, &ids).await?;
    let tz = &caller.timezone;
    let out = receipts
        .iter()
        .map(|r| {
            let (lines, payments) = details.remove(&r.id).unwrap_or_default();
            shift_day_receipt(r, &lines, &payments, &kinds, tz, v1_1)
        })
        .collect();
    Ok(Json(out))
}

/// A receipt of `receipts_by_shift_day`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ShiftDayReceipt {
    /// The receipt's UUID.
    id: String,
    /// The terminal (shop) it was sold at.
    terminal_number: Option<i64>,
    /// Always `sale`.
    #[serde(rename = "type")]
    kind: &'static str,
    /// `1` a sale; `-1` an annulment's counter-receipt, with the sale's sums and payments.
    income: i64,
    /// Before discounts.
    #[serde(with = "as_number")]
    #[schema(value_type = JsonNumber)]
    total: Money,
    #[serde(with = "as_number")]
    #[schema(value_type = JsonNumber)]
    total_sum: Money,
    #[serde(with = "as_number")]
    #[schema(value_type = JsonNumber)]
    discount_sum: Money,
    created_at: String,
    /// When it was closed.
    updated_at: String,
    count_clients: i64,
    /// The cash **kept**: the cash tendered minus the change given back (`back_pay`), so
    /// `cash_pay + card_pay (+ cashless_pay) = total_sum` for every receipt. Sum it as cash
    /// revenue: it is the same cash as the `cash` of `export_sales_totals`. The cash tendered
    /// is `cash_pay + back_pay`.
    #[serde(with = "as_number")]
    #[schema(value_type = JsonNumber)]
    cash_pay: Money,
    /// Paid by card.
    #[serde(with = "as_number")]
    #[schema(value_type = JsonNumber)]
    card_pay: Money,
    /// The change given back: what was tendered beyond `total_sum`. It is **not** part of
    /// `cash_pay` (the cash tendered is `cash_pay + back_pay`).
    #[serde(with = "as_number")]
    #[schema(value_type = JsonNumber)]
    back_pay: Money,
    #[serde(skip_serializing_if = "Option::is_none")]
    client: Option<ClientRef>,
    /// The lines, under v1.0.
    #[serde(skip_serializing_if = "Option::is_none")]
    bill_dishes: Option<Vec<ShiftDayDish>>,
    /// The lines, under v1.1.
    #[serde(skip_serializing_if = "Option::is_none")]
    order_dishes: Option<Vec<ShiftDayDish>>,
    /// v1.1 only: paid cashless (part of `total_sum`, like `cash_pay` and `card_pay`).
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "some_number"
    )]
    #[schema(value_type = Option<JsonNumber>)]
    cashless_pay: Option<Money>,
    /// v1.1 only: the cashless payment type, `null` when there is none.
    #[serde(rename = "cashlessPayment_id", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<i64>)]
    cashless_payment_id: Option<Option<i64>>,
}

/// `{"id": "<client uuid>"}`
#[derive(Debug, Serialize, ToSchema)]
pub struct ClientRef {
    id: String,
}

/// A line of a receipt of `receipts_by_shift_day`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ShiftDayDish {
    /// The line's UUID.
    id: String,
    #[serde(with = "as_number")]
    #[schema(value_type = JsonNumber)]
    count: Qty,
    #[serde(with = "as_number")]
    #[schema(value_type = JsonNumber)]
    price: UnitCost,
    #[serde(with = "as_number")]
    #[schema(value_type = JsonNumber)]
    self_cost_sum: Money,
    /// Before the discount.
    #[serde(with = "as_number")]
    #[schema(value_type = JsonNumber)]
    total: Money,
    #[serde(with = "as_number")]
    #[schema(value_type = JsonNumber)]
    discount_sum: Money,
    #[serde(with = "as_number")]
    #[schema(value_type = JsonNumber)]
    total_sum: Money,
    dish: DishRef,
    /// A modifier's line: the UUID of the line it modifies.
    #[serde(skip_serializing_if = "Option::is_none")]
    parent_id: Option<String>,
}

/// `{"id": <product id>, "ref_code": "…"}`
#[derive(Debug, Serialize, ToSchema)]
pub struct DishRef {
    id: i64,
    ref_code: String,
}

/// An optional amount that is present (absent ones are skipped) as a JSON number.
fn some_number<S: serde::Serializer>(
    value: &Option<Money>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(money) => as_number::serialize(money, serializer),
        None => serializer.serialize_none(),
    }
}

/// One receipt of a cash day as the version of the path shows it.
fn shift_day_receipt(
    r: &sales_db::ReceiptRow,
    lines: &[(sales_db::LineRow, String)],
    payments: &[sales_db::PaymentRow],
    kinds: &HashMap<i64, String>,
    tz: &jiff::tz::TimeZone,
    v1_1: bool,
) -> ShiftDayReceipt {
    let uuid_of: HashMap<i64, &str> = lines
        .iter()
        .map(|(l, _)| (l.line_no, l.uuid.as_str()))
        .collect();
    let dishes: Vec<ShiftDayDish> = lines
        .iter()
        .map(|(l, ref_code)| ShiftDayDish {
            id: l.uuid.clone(),
            count: Qty::from_units(l.count),
            price: UnitCost::from_units(l.price),
            self_cost_sum: Money::from_units(l.self_cost_sum),
            total: Money::from_units(l.total_sum + l.discount_sum),
            discount_sum: Money::from_units(l.discount_sum),
            total_sum: Money::from_units(l.total_sum),
            dish: DishRef {
                id: l.product_id,
                ref_code: ref_code.clone(),
            },
            parent_id: l
                .parent_line
                .and_then(|p| uuid_of.get(&p))
                .map(|uuid| (*uuid).to_owned()),
        })
        .collect();
    // kept, not tendered: the change comes off cash first, as in the totals export
    let (paid, change) = exports::paid_and_change(payments, kinds, r.total_sum);
    let cashless = payments
        .iter()
        .find(|(id, _)| kinds.get(id).is_some_and(|k| k == "cashless"))
        .map(|p| p.0);
    let (bill_dishes, order_dishes) = match v1_1 {
        false => (Some(dishes), None),
        true => (None, Some(dishes)),
    };
    ShiftDayReceipt {
        id: r.uuid.clone(),
        terminal_number: r.shop_id,
        kind: "sale",
        income: r.income,
        total: Money::from_units(r.total),
        total_sum: Money::from_units(r.total_sum),
        discount_sum: Money::from_units(r.discount_sum),
        created_at: format_rfc3339(r.created_at, tz),
        updated_at: format_rfc3339(r.closed_at.unwrap_or(r.created_at), tz),
        count_clients: r.count_clients,
        cash_pay: Money::from_units(paid[0]),
        card_pay: Money::from_units(paid[1]),
        back_pay: Money::from_units(change),
        client: r.client_uuid.clone().map(|id| ClientRef { id }),
        bill_dishes,
        order_dishes,
        cashless_pay: v1_1.then(|| Money::from_units(paid[2])),
        cashless_payment_id: v1_1.then_some(cashless),
    }
}
