//! Tech maps of products (API.md §5, beyond the vendor's doc): `PUT` and `GET
//! /product/{id}/tech_map`.

use axum::extract::State;
use axum::Json;
use jiff::tz::TimeZone;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::caller::ApiCaller;
use super::error::{ApiResult, ErrorEnvelope};
use super::extract::{ApiJson, ObjectPath};
use super::moves::MovedProduct;
use super::{AppState, Envelope, Success};
use crate::db::tech_maps::TechMap;
use crate::domain::decimal::{as_number, Qty};
use crate::domain::ids::ProductId;
use crate::domain::time::format_rfc3339;
use crate::service::tech_maps;
use crate::wire::tech_maps::TechMapIn;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(set_tech_map, get_tech_map))
}

/// Sets the product's recipe: `items` make `output` of it. A recipe that would contain its
/// own product, directly or through other recipes, is refused with the path.
#[utoipa::path(
    put, path = "/product/{id}/tech_map", tag = "products", request_body = TechMapIn,
    params(("id" = i64, Path, description = "product id")),
    responses(
        (status = 200, body = Success),
        (status = 404, body = ErrorEnvelope),
        (status = 422, description = "unknown ingredient, amount not positive, or a cycle (the message names the path)", body = ErrorEnvelope),
    ),
    security(("api_key" = []))
)]
async fn set_tech_map(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ObjectPath(id): ObjectPath<ProductId>,
    ApiJson(input): ApiJson<TechMapIn>,
) -> ApiResult<Json<Success>> {
    tech_maps::set(&state.db, &caller.actor(), id, &input).await?;
    Ok(Json(Success { success: true }))
}

/// Reads the product's recipe.
#[utoipa::path(
    get, path = "/product/{id}/tech_map", tag = "products",
    params(("id" = i64, Path, description = "product id")),
    responses((status = 200, body = Envelope<TechMapOut>), (status = 404, description = "no such product, or it has no tech map", body = ErrorEnvelope)),
    security(("api_key" = []))
)]
async fn get_tech_map(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ObjectPath(id): ObjectPath<ProductId>,
) -> ApiResult<Json<Envelope<TechMapOut>>> {
    let map = tech_maps::get(&state.db, caller.account_id, id).await?;
    Ok(Json(Envelope::ok(TechMapOut::of(
        id,
        &map,
        &caller.timezone,
    ))))
}

/// A recipe: `items` make `output` of the product.
#[derive(Debug, Serialize, ToSchema)]
pub struct TechMapOut {
    product_id: ProductId,
    #[serde(with = "as_number")]
    #[schema(value_type = crate::domain::decimal::JsonNumber)]
    output: Qty,
    items: Vec<IngredientOut>,
    updated_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IngredientOut {
    product_code: String,
    /// In the ingredient's own measure.
    #[serde(with = "as_number")]
    #[schema(value_type = crate::domain::decimal::JsonNumber)]
    amount: Qty,
    product: MovedProduct,
}

impl TechMapOut {
    fn of(product_id: ProductId, map: &TechMap, tz: &TimeZone) -> Self {
        TechMapOut {
            product_id,
            output: map.output,
            items: map
                .lines
                .iter()
                .map(|l| IngredientOut {
                    product_code: l.ref_code.clone(),
                    amount: l.amount,
                    product: MovedProduct {
                        id: l.product_id,
                        ref_code: l.ref_code.clone(),
                        name: l.name.clone(),
                        measure: l.measure.clone(),
                    },
                })
                .collect(),
            updated_at: format_rfc3339(map.updated_at, tz),
        }
    }
}
