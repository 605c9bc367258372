//! API section 5, products (`reference/items.md` §2–§5): create, update by id or `ref_code`,
//! read by `ref_code` (and, beyond the doc, by id).

use axum::extract::{Path, State};
use axum::Json;
use jiff::tz::TimeZone;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::caller::ApiCaller;
use super::error::{ApiResult, ErrorEnvelope};
use super::extract::{ApiJson, ObjectPath};
use super::{AppState, Created, Envelope};
use crate::db::products::{Key, ProductRow};
use crate::domain::ids::{Id, ProductId};
use crate::domain::time::format_rfc3339;
use crate::service::products;
use crate::wire::invoices::ProductIn;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_product))
        .routes(routes!(update_product, get_product))
        .routes(routes!(update_product_by_ref_code, get_product_by_ref_code))
}

/// Creates a product; its category and workspace are found by code or created.
#[utoipa::path(
    post, path = "/product/", tag = "products", request_body = ProductIn,
    responses(
        (status = 200, body = Envelope<Created>),
        (status = 409, description = "the ref_code is taken", body = ErrorEnvelope),
        (status = 422, description = "unknown tax, shop or storage, bad measure or type; `field` names it", body = ErrorEnvelope),
    ),
    security(("api_key" = []))
)]
async fn create_product(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(input): ApiJson<ProductIn>,
) -> ApiResult<Json<Envelope<Created>>> {
    let id = products::create(&state.db, &caller.actor(), &input).await?;
    Ok(Json(Envelope::ok(Created { id: id.get() })))
}

/// Overwrites a product's card; prices are set for the shops listed.
#[utoipa::path(
    put, path = "/product/{id}", tag = "products", request_body = ProductIn,
    params(("id" = i64, Path, description = "product id")),
    responses(
        (status = 200, body = Envelope<Created>),
        (status = 404, body = ErrorEnvelope),
        (status = 409, description = "renamed to a taken ref_code", body = ErrorEnvelope),
        (status = 422, body = ErrorEnvelope),
    ),
    security(("api_key" = []))
)]
async fn update_product(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ObjectPath(id): ObjectPath<ProductId>,
    ApiJson(input): ApiJson<ProductIn>,
) -> ApiResult<Json<Envelope<Created>>> {
    let id = products::update(&state.db, &caller.actor(), Key::Id(id), &input).await?;
    Ok(Json(Envelope::ok(Created { id: id.get() })))
}

/// Reads a product by id (beyond the doc; same answer as by `ref_code`).
#[utoipa::path(
    get, path = "/product/{id}", tag = "products",
    params(("id" = i64, Path, description = "product id")),
    responses((status = 200, body = Envelope<ProductOut>), (status = 404, body = ErrorEnvelope)),
    security(("api_key" = []))
)]
async fn get_product(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ObjectPath(id): ObjectPath<ProductId>,
) -> ApiResult<Json<Envelope<ProductOut>>> {
    let row = products::get(&state.db, caller.account_id, Key::Id(id)).await?;
    Ok(Json(Envelope::ok(ProductOut::of(&row, &caller.timezone))))
}

/// Overwrites the card of the product with this `ref_code`.
#[utoipa::path(
    put, path = "/product/by_ref_code/{ref_code}", tag = "products", request_body = ProductIn,
    params(("ref_code" = String, Path, description = "the product's external code")),
    responses(
        (status = 200, body = Envelope<Created>),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope),
        (status = 422, body = ErrorEnvelope),
    ),
    security(("api_key" = []))
)]
async fn update_product_by_ref_code(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(ref_code): Path<String>,
    ApiJson(input): ApiJson<ProductIn>,
) -> ApiResult<Json<Envelope<Created>>> {
    let key = Key::RefCode(&ref_code);
    let id = products::update(&state.db, &caller.actor(), key, &input).await?;
    Ok(Json(Envelope::ok(Created { id: id.get() })))
}

/// Reads the product with this `ref_code`.
#[utoipa::path(
    get, path = "/product/by_ref_code/{ref_code}", tag = "products",
    params(("ref_code" = String, Path, description = "the product's external code")),
    responses((status = 200, body = Envelope<ProductOut>), (status = 404, body = ErrorEnvelope)),
    security(("api_key" = []))
)]
async fn get_product_by_ref_code(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(ref_code): Path<String>,
) -> ApiResult<Json<Envelope<ProductOut>>> {
    let row = products::get(&state.db, caller.account_id, Key::RefCode(&ref_code)).await?;
    Ok(Json(Envelope::ok(ProductOut::of(&row, &caller.timezone))))
}

/// A product card, exactly the fields of `reference/items.md` §4.
#[derive(Debug, Serialize, ToSchema)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "independent product flags, as the API and the table name them"
)]
pub struct ProductOut {
    id: ProductId,
    ref_code: String,
    name: String,
    /// `no_cancel`, `cancel_dish` or `cancel_ingredients`.
    cancellation_type: &'static str,
    measure: String,
    category: Option<IdOnly>,
    tax: Option<IdOnly>,
    work_space: Option<IdOnly>,
    created_at: String,
    updated_at: String,
    use_discounts: bool,
    /// Selling kind: `weighting` for kg and l, else `simple`.
    #[serde(rename = "type")]
    selling_kind: &'static str,
    /// The barcode.
    code: String,
    /// Available for sale.
    active: bool,
    country: String,
    has_g_m_o: bool,
    free_price: bool,
    /// `product`, `tech_map` or `sub_product`.
    entity_type: &'static str,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IdOnly {
    id: i64,
}

impl ProductOut {
    fn of(row: &ProductRow, tz: &TimeZone) -> Self {
        fn id_only<T: Id>(id: Option<T>) -> Option<IdOnly> {
            id.map(|id| IdOnly { id: id.get() })
        }
        ProductOut {
            id: row.id,
            ref_code: row.ref_code.clone(),
            name: row.name.clone(),
            cancellation_type: row.cancellation_type.as_str(),
            measure: row.measure.as_str().to_owned(),
            category: id_only(row.category_id),
            tax: id_only(row.tax_id),
            work_space: id_only(row.workspace_id),
            created_at: format_rfc3339(row.created_at, tz),
            updated_at: format_rfc3339(row.updated_at, tz),
            use_discounts: row.use_discounts,
            selling_kind: row.measure.selling_kind(),
            code: row.barcode.clone(),
            active: row.for_sale,
            country: row.country.clone(),
            has_g_m_o: row.has_gmo,
            free_price: row.free_price,
            entity_type: row.entity_type.as_str(),
        }
    }
}
