//! The stop list (API.md §8): a terminal puts its shop's sold-out products on it and takes
//! them off (`/pos/stop_list`); the admin API does the same for any shop (see `admin`).

use crate::domain::ids::{AccountId, ProductId, ShopId};
use axum::extract::State;
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::caller::TillCaller;
use super::error::{ApiError, ApiResult, ErrorEnvelope};
use super::extract::ApiJson;
use super::{AppState, Envelope, Success};
use crate::db::products::Key;
use crate::service::stop_list;
use crate::wire::stop_list::StopListIn;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, set))
}

/// A product on a stop list.
#[derive(Debug, Serialize, ToSchema)]
pub struct Stopped {
    pub product_id: ProductId,
    /// Always `true` in a list of the stopped.
    pub in_stop_list: bool,
}

/// The products of a stop list, answered.
pub fn stopped(ids: Vec<ProductId>) -> Json<Envelope<Vec<Stopped>>> {
    let list = ids
        .into_iter()
        .map(|product_id| Stopped {
            product_id,
            in_stop_list: true,
        })
        .collect();
    Json(Envelope::ok(list))
}

/// Puts the product the body names on the shop's stop list or takes it off.
pub async fn apply(
    state: &AppState,
    account_id: AccountId,
    shop_id: ShopId,
    input: &StopListIn,
) -> ApiResult<Json<Success>> {
    let product = product_key(input)?;
    stop_list::set(&state.db, account_id, shop_id, product, input.in_stop_list).await?;
    Ok(Json(Success { success: true }))
}

/// How the body names its product: by id, else by code.
fn product_key(input: &StopListIn) -> ApiResult<(Key<'_>, &'static str)> {
    match (&input.product_id, &input.product_code) {
        (Some(id), _) => Ok((Key::Id(*id), "product_id")),
        (None, Some(code)) => Ok((Key::RefCode(code), "product_code")),
        (None, None) => Err(ApiError::unprocessable(
            "product_id",
            "name the product by product_id or product_code",
        )),
    }
}

/// The products on this shop's stop list.
#[utoipa::path(
    get, path = "/pos/stop_list", tag = "pos",
    responses((status = 200, body = Envelope<Vec<Stopped>>), (status = 403, description = "not a terminal key", body = ErrorEnvelope)),
    security(("api_key" = []))
)]
async fn list(
    State(state): State<AppState>,
    TillCaller(till): TillCaller,
) -> ApiResult<Json<Envelope<Vec<Stopped>>>> {
    let ids = stop_list::list(&state.db, till.actor.account_id, till.shop_id).await?;
    Ok(stopped(ids))
}

/// Puts a product on this shop's stop list (sold out for now) or takes it off. It shows as
/// `in_stop_list` in `get_products`, moves the products mark of `get_updates`, and delivery
/// orders for it at this shop fail.
#[utoipa::path(
    put, path = "/pos/stop_list", tag = "pos", request_body = StopListIn,
    responses(
        (status = 200, body = Success),
        (status = 403, description = "not a terminal key", body = ErrorEnvelope),
        (status = 422, description = "no such product", body = ErrorEnvelope)
    ),
    security(("api_key" = []))
)]
async fn set(
    State(state): State<AppState>,
    TillCaller(till): TillCaller,
    ApiJson(input): ApiJson<StopListIn>,
) -> ApiResult<Json<Success>> {
    apply(&state, till.actor.account_id, till.shop_id, &input).await
}
