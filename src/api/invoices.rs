//! API section 3, incoming invoices (`reference/incomes.md`): create, wire/unwire, list, read.

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
use crate::db::invoices::{self as invoice_db, InvoiceRow, ItemRow, PackageOut, ProductOut};
use crate::domain::decimal::{as_number, Money, Qty, UnitCost};
use crate::domain::ids::{InvoiceId, PackageId, ProductId, ShipperId};
use crate::domain::product::{CancellationType, Measure};
use crate::domain::time::format_rfc3339;
use crate::service::{documents, invoices};
use crate::wire::invoices::InvoiceIn;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_invoice, list_invoices))
        .routes(routes!(wire_invoice, get_invoice))
}

/// Creates an incoming invoice (not wired), finding or creating the packages, categories,
/// workspaces, shipper and products it brings, all in one transaction.
#[utoipa::path(
    post, path = "/storage/invoices", tag = "invoices", request_body = InvoiceIn,
    params(("Idempotency-Key" = Option<String>, Header, description = "a retry with the same key and body gets the first answer")),
    responses(
        (status = 200, body = Envelope<Created>),
        (status = 400, description = "malformed JSON or a value of the wrong type", body = ErrorEnvelope),
        (status = 409, description = "dated on or before the account's lock date", body = ErrorEnvelope),
        (status = 422, description = "a reference or value is invalid; `field` names it; nothing was written", body = ErrorEnvelope),
    ),
    security(("api_key" = []))
)]
async fn create_invoice(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(input): ApiJson<InvoiceIn>,
) -> ApiResult<Json<Envelope<Created>>> {
    let id = invoices::create(&state.db, &caller.actor(), &input).await?;
    Ok(Json(Envelope::ok(Created { id: id.get() })))
}

/// Wires the invoice to the stock ledger or unwires it; 409 when it already is in that state.
#[utoipa::path(
    put, path = "/storage/invoices/{id}", tag = "invoices", request_body = WireAction,
    params(("id" = i64, Path, description = "invoice id")),
    responses(
        (status = 200, body = Success),
        (status = 404, body = ErrorEnvelope),
        (status = 409, description = "already wired / not wired, or dated on or before the lock date", body = ErrorEnvelope),
        (status = 422, description = "unknown action", body = ErrorEnvelope),
    ),
    security(("api_key" = []))
)]
async fn wire_invoice(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<WireAction>,
) -> ApiResult<Json<Success>> {
    wire(&state, &caller, InvoiceId::new(id), &body).await
}

/// Lists the invoices dated from `start` (to `end`, inclusive), by date.
#[utoipa::path(
    get, path = "/storage/invoices", tag = "invoices", params(DateRange),
    responses((status = 200, body = Envelope<Vec<InvoiceSummary>>), (status = 422, body = ErrorEnvelope)),
    security(("api_key" = []))
)]
async fn list_invoices(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Query(range): Query<DateRange>,
) -> ApiResult<Json<Envelope<Vec<InvoiceSummary>>>> {
    let invoices = list::<InvoiceId, _>(&state, &caller, &range, InvoiceSummary::of).await?;
    Ok(Json(Envelope::ok(invoices)))
}

/// Reads one invoice with its lines.
#[utoipa::path(
    get, path = "/storage/invoices/{id}", tag = "invoices",
    params(("id" = i64, Path, description = "invoice id")),
    responses((status = 200, body = Envelope<InvoiceDetail>), (status = 404, body = ErrorEnvelope)),
    security(("api_key" = []))
)]
async fn get_invoice(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    IdPath(id): IdPath,
) -> ApiResult<Json<Envelope<InvoiceDetail>>> {
    let id = InvoiceId::new(id);
    let row = documents::header(&state.db, caller.account_id, id).await?;
    let items = invoice_db::items(&state.db, caller.account_id, id).await?;
    Ok(Json(Envelope::ok(InvoiceDetail::of(
        &row,
        &items,
        &caller.timezone,
    ))))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ShipperOut {
    #[schema(value_type = i64)]
    id: ShipperId,
    #[serde(skip_serializing_if = "Option::is_none")]
    ref_code: Option<String>,
    name: String,
    #[schema(format = DateTime)]
    created_at: String,
    deleted: bool,
}

/// An invoice in the list (`reference/incomes.md` §3).
#[derive(Debug, Serialize, ToSchema)]
pub struct InvoiceSummary {
    #[schema(value_type = i64)]
    id: InvoiceId,
    name: String,
    #[serde(with = "as_number")]
    #[schema(value_type = crate::domain::decimal::JsonNumber)]
    total_amount: Qty,
    #[serde(with = "as_number")]
    #[schema(value_type = crate::domain::decimal::JsonNumber)]
    total_wo_nds: Money,
    #[serde(with = "as_number")]
    #[schema(value_type = crate::domain::decimal::JsonNumber)]
    total_nds_sum: Money,
    /// Always `incoming`.
    #[serde(rename = "type")]
    kind: &'static str,
    shipper: Option<ShipperOut>,
    #[schema(format = DateTime)]
    created_at: String,
    created_by: IdRef,
    #[schema(format = DateTime)]
    updated_at: String,
    updated_by: IdRef,
    storage: StorageRef,
    /// `wired` or `not_wired`.
    #[schema(value_type = crate::wire::vocab::DocumentStatus)]
    status: &'static str,
    finished: bool,
    #[schema(format = DateTime)]
    doc_date: String,
    paid: bool,
}

fn shipper_out(row: &InvoiceRow, tz: &TimeZone, with_code: bool) -> Option<ShipperOut> {
    row.shipper.as_ref().map(|s| ShipperOut {
        id: s.id,
        ref_code: with_code.then(|| s.ref_code.clone()),
        name: s.name.clone(),
        created_at: format_rfc3339(s.created_at, tz),
        deleted: s.deleted,
    })
}

impl InvoiceSummary {
    fn of(row: &InvoiceRow, tz: &TimeZone) -> Self {
        InvoiceSummary {
            id: row.id,
            name: row.number.clone(),
            total_amount: row.total_amount,
            total_wo_nds: row.total_cost,
            total_nds_sum: Money::from_units(
                row.total_cost_with_tax.units() - row.total_cost.units(),
            ),
            kind: "incoming",
            shipper: shipper_out(row, tz, false),
            created_at: format_rfc3339(row.created_at, tz),
            created_by: IdRef { id: row.created_by },
            updated_at: format_rfc3339(row.updated_at, tz),
            updated_by: IdRef { id: row.updated_by },
            storage: StorageRef {
                id: row.storage_id,
                name: row.storage_name.clone(),
            },
            status: status(row.wired),
            finished: row.wired,
            doc_date: format_rfc3339(row.doc_date, tz),
            paid: row.paid,
        }
    }
}

/// One invoice with its lines (`reference/incomes.md` §4).
#[derive(Debug, Serialize, ToSchema)]
pub struct InvoiceDetail {
    #[schema(value_type = i64)]
    id: InvoiceId,
    #[serde(rename = "type")]
    kind: &'static str,
    name: String,
    #[serde(with = "as_number")]
    #[schema(value_type = crate::domain::decimal::JsonNumber)]
    total_amount: Qty,
    shipper: Option<ShipperOut>,
    items: Vec<ItemOut>,
    storage: StorageRef,
    #[schema(format = DateTime)]
    doc_date: String,
    paid: bool,
    #[schema(value_type = crate::wire::vocab::DocumentStatus)]
    status: &'static str,
    finished: bool,
    #[serde(with = "as_number")]
    #[schema(value_type = crate::domain::decimal::JsonNumber)]
    total_wo_nds: Money,
    #[serde(with = "as_number")]
    #[schema(value_type = crate::domain::decimal::JsonNumber)]
    total_nds_sum: Money,
    #[serde(with = "as_number")]
    #[schema(value_type = crate::domain::decimal::JsonNumber)]
    total_cost: Money,
    #[schema(format = DateTime)]
    created_at: String,
    created_by: IdRef,
    #[schema(format = DateTime)]
    updated_at: String,
    updated_by: IdRef,
}

impl InvoiceDetail {
    fn of(row: &InvoiceRow, items: &[ItemRow], tz: &TimeZone) -> Self {
        let summary = InvoiceSummary::of(row, tz);
        InvoiceDetail {
            id: row.id,
            kind: "incoming",
            name: row.number.clone(),
            total_amount: summary.total_amount,
            shipper: shipper_out(row, tz, true),
            items: items.iter().map(|item| ItemOut::of(item, tz)).collect(),
            storage: summary.storage,
            doc_date: summary.doc_date,
            paid: row.paid,
            status: summary.status,
            finished: row.wired,
            total_wo_nds: summary.total_wo_nds,
            total_nds_sum: summary.total_nds_sum,
            total_cost: row.total_cost_with_tax,
            created_at: summary.created_at,
            created_by: summary.created_by,
            updated_at: summary.updated_at,
            updated_by: summary.updated_by,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ItemOut {
    /// Number of packages.
    #[serde(with = "as_number")]
    #[schema(value_type = crate::domain::decimal::JsonNumber)]
    count: Qty,
    /// Price per package without tax.
    #[serde(with = "as_number")]
    #[schema(value_type = crate::domain::decimal::JsonNumber)]
    price: UnitCost,
    /// Line value without tax.
    #[serde(with = "as_number")]
    #[schema(value_type = crate::domain::decimal::JsonNumber)]
    cost: Money,
    package: PackageJson,
    product: ProductJson,
    tax: Option<IdRef>,
    #[serde(with = "as_number")]
    #[schema(value_type = crate::domain::decimal::JsonNumber)]
    tax_sum: Money,
    #[serde(with = "as_number")]
    #[schema(value_type = crate::domain::decimal::JsonNumber)]
    cost_with_tax: Money,
}

impl ItemOut {
    fn of(item: &ItemRow, tz: &TimeZone) -> Self {
        ItemOut {
            count: item.amount,
            price: item.price,
            cost: item.cost,
            package: PackageJson::of(&item.package),
            product: ProductJson::of(&item.product, tz),
            tax: item.tax_id.map(|id| IdRef { id: id.get() }),
            tax_sum: Money::from_units(item.cost_with_tax.units() - item.cost.units()),
            cost_with_tax: item.cost_with_tax,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PackageJson {
    #[schema(value_type = i64)]
    id: PackageId,
    ref_code: String,
    name: String,
    measure: String,
    #[serde(with = "as_number")]
    #[schema(value_type = crate::domain::decimal::JsonNumber)]
    value: Qty,
    deleted: bool,
    hidden: bool,
}

impl PackageJson {
    fn of(p: &PackageOut) -> Self {
        PackageJson {
            id: p.id,
            ref_code: p.ref_code.clone(),
            name: p.name.clone(),
            measure: p.measure.clone(),
            value: p.value,
            deleted: p.deleted,
            hidden: p.hidden,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryRef {
    id: i64,
    ref_code: String,
}

/// A product as an invoice line shows it.
#[derive(Debug, Serialize, ToSchema)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "independent product flags, as the API and the table name them"
)]
pub struct ProductJson {
    #[schema(value_type = i64)]
    id: ProductId,
    ref_code: String,
    name: String,
    /// `no_cancel`, `cancel_dish` or `cancel_ingredients`.
    #[schema(value_type = crate::wire::vocab::CancellationName)]
    cancellation_type: &'static str,
    measure: String,
    category: Option<CategoryRef>,
    work_space: Option<IdRef>,
    #[schema(format = DateTime)]
    created_at: String,
    #[schema(format = DateTime)]
    updated_at: String,
    use_discounts: bool,
    /// Selling kind: `weighting` for kg and l, else `simple`.
    #[serde(rename = "type")]
    #[schema(value_type = crate::wire::vocab::SellingKind)]
    kind: &'static str,
    code: String,
    active: bool,
    country: String,
    has_g_m_o: bool,
    free_price: bool,
    weight_in_gram: i64,
    /// Entity kind: `product`, `tech_map` or `sub_product`.
    #[schema(value_type = crate::domain::product::EntityType)]
    entity_type: String,
}

impl ProductJson {
    fn of(p: &ProductOut, tz: &TimeZone) -> Self {
        let measure = Measure::parse(&p.measure).unwrap_or(Measure::Pcs);
        ProductJson {
            id: p.id,
            ref_code: p.ref_code.clone(),
            name: p.name.clone(),
            cancellation_type: CancellationType::from_code(p.cancellation_type)
                .map_or("cancel_dish", CancellationType::as_str),
            measure: p.measure.clone(),
            category: p.category_id.map(|id| CategoryRef {
                id: id.get(),
                ref_code: p.category_ref_code.clone().unwrap_or_default(),
            }),
            work_space: p.workspace_id.map(|id| IdRef { id: id.get() }),
            created_at: format_rfc3339(p.created_at, tz),
            updated_at: format_rfc3339(p.updated_at, tz),
            use_discounts: p.use_discounts,
            kind: measure.selling_kind(),
            code: p.code.clone(),
            active: p.active,
            country: p.country.clone(),
            has_g_m_o: p.has_gmo,
            free_price: p.free_price,
            weight_in_gram: p.weight_in_gram,
            entity_type: p.entity_type.clone(),
        }
    }
}
