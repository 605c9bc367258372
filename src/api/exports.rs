//! API section 9, sales exports (`reference/exports.md`): sales by terminal, product and
//! price; totals by workspace (and terminal); and the receipts of a terminal's cash day, whose
//! lines are `bill_dishes` under v1.0 and `order_dishes` (with cashless payment fields) under
//! v1.1.

use std::collections::HashMap;

use axum::extract::{OriginalUri, Query, State};
use axum::Json;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::caller::ApiCaller;
use super::error::{ApiResult, ErrorEnvelope};
use super::extract::ObjectPath;
use super::AppState;
use crate::db::exports::{self as export_db, ProductName, Sums};
use crate::db::sales::{Details, ReceiptRow};
use crate::domain::ids::{ProductId, ShopId};
use crate::domain::sales::{totals as line_totals, PaymentKind};
use crate::domain::time::format_rfc3339;
use crate::service::exports::{self, Range};
use crate::service::sales::PaymentKinds;
use crate::wire::exports::{
    ClientRef, DishRef, Export, SalesOut, ShiftDayDish, ShiftDayReceipt, TotalsOut,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(export_sales))
        .routes(routes!(export_sales_totals))
        .routes(routes!(receipts_by_shift_day))
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
/// Sales grouped by terminal, product and price (or `add_gr_by=product_id`: by product),
/// with the payment split; annulments subtract.
#[utoipa::path(
    get, path = "/product/export_sales", tag = "exports", params(ExportQuery),
    responses((status = 200, body = Export<SalesOut>), (status = 422, body = ErrorEnvelope)),
    security(("api_key" = []))
)]
async fn export_sales(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Query(query): Query<ExportQuery>,
) -> ApiResult<Json<Export<SalesOut>>> {
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
    Ok(Json(Export::ok(
        rows.iter().map(|r| sales_row(r, &names)).collect(),
    )))
}

fn sales_row(r: &Sums, names: &HashMap<ProductId, ProductName>) -> SalesOut {
    let product = names.get(&ProductId::new(r.key));
    let kind = |k: usize| r.kinds[k].plain();
    SalesOut {
        caf_terminal_id: r.shop_id.map(|s| s.to_string()),
        caf_id: r.key.to_string(),
        name: product.map(|p| p.name.clone()).unwrap_or_default(),
        ref_code: product.map(|p| p.ref_code.clone()).unwrap_or_default(),
        price: exports::sale_price(r).to_string(),
        qnt: r.qty.plain(),
        deleted: if product.is_some_and(|p| p.deleted) {
            "1"
        } else {
            "0"
        },
        cash: kind(0),
        card: kind(1),
        cashless: kind(2),
        bonus: kind(3),
        credit: kind(4),
        total_pay: r.total_sum.plain(),
    }
}

/// Sales totals by workspace (`add_gr_by=terminal_id`: by terminal and workspace).
#[utoipa::path(
    get, path = "/product/export_sales_totals", tag = "exports", params(ExportQuery),
    responses((status = 200, body = Export<TotalsOut>), (status = 422, body = ErrorEnvelope)),
    security(("api_key" = []))
)]
async fn export_sales_totals(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Query(query): Query<ExportQuery>,
) -> ApiResult<Json<Export<TotalsOut>>> {
    let by_terminal = query.groups_by("terminal_id");
    let rows = exports::totals(
        &state.db,
        caller.account_id,
        &caller.timezone,
        &query.range(),
        by_terminal,
    )
    .await?;
    Ok(Json(Export::ok(
        rows.iter()
            .map(|r| TotalsOut {
                qnt: r.qty.plain(),
                caf_terminal_id: r.shop_id,
                cafe_workspace_id: r.key.to_string(),
                cash: r.kinds[0],
                card: r.kinds[1],
                cashless: r.kinds[2],
                credit: r.kinds[4],
                discount: exports::given_discount(r),
                total_pay: r.total_sum,
            })
            .collect(),
    )))
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
    let day = exports::shift_day(&state.db, caller.account_id, ShopId::new(shop_id), &date).await?;
    let tz = &caller.timezone;
    Ok(Json(
        day.receipts
            .iter()
            .map(|(r, details)| shift_day_receipt(r, details, &day.kinds, tz, v1_1))
            .collect(),
    ))
}

/// One receipt of a cash day as the version of the path shows it.
fn shift_day_receipt(
    r: &ReceiptRow,
    details: &Details,
    kinds: &PaymentKinds,
    tz: &jiff::tz::TimeZone,
    v1_1: bool,
) -> ShiftDayReceipt {
    let uuid_of: HashMap<i64, &str> = details
        .lines
        .iter()
        .map(|l| (l.line.line_no, l.line.uuid.as_str()))
        .collect();
    let dishes: Vec<ShiftDayDish> = details
        .lines
        .iter()
        .map(|coded| {
            let l = &coded.line;
            ShiftDayDish {
                id: l.uuid.clone(),
                count: l.count,
                price: l.price,
                self_cost_sum: l.self_cost_sum,
                total: line_totals([(l.total_sum, l.discount_sum)]).total,
                discount_sum: l.discount_sum,
                total_sum: l.total_sum,
                dish: DishRef {
                    id: l.product_id,
                    ref_code: coded.ref_code.clone(),
                },
                parent_id: l
                    .parent_line
                    .and_then(|p| uuid_of.get(&p))
                    .map(|uuid| (*uuid).to_owned()),
            }
        })
        .collect();
    // kept, not tendered: the change comes off cash first, as in the totals export
    let (paid, change) = exports::paid_and_change(&details.payments, kinds, r.total_sum);
    let (bill_dishes, order_dishes) = if v1_1 {
        (None, Some(dishes))
    } else {
        (Some(dishes), None)
    };
    ShiftDayReceipt {
        id: r.uuid.clone(),
        terminal_number: r.shop_id,
        kind: "sale",
        income: r.income,
        total: r.total,
        total_sum: r.total_sum,
        discount_sum: r.discount_sum,
        created_at: format_rfc3339(r.created_at, tz),
        updated_at: format_rfc3339(r.closed_at.unwrap_or(r.created_at), tz),
        count_clients: r.count_clients,
        cash_pay: paid.money(PaymentKind::Cash),
        card_pay: paid.money(PaymentKind::Card),
        back_pay: change,
        client: r.client_uuid.clone().map(|id| ClientRef { id }),
        bill_dishes,
        order_dishes,
        cashless_pay: v1_1.then(|| paid.money(PaymentKind::Cashless)),
        cashless_payment_id: v1_1.then(|| exports::cashless_type(&details.payments, kinds)),
    }
}
