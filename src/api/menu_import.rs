//! API section 5, the menu import (`reference/items.md` §1): `POST /product/import` (full)
//! and `POST /product/import_part_menu` (partial).

use axum::extract::State;
use axum::Json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::caller::ApiCaller;
use super::error::{ApiResult, ErrorEnvelope};
use super::extract::ApiJson;
use super::{AppState, Envelope};
use crate::service::menu_import::{self, ImportReport, Mode};
use crate::wire::menu_import::ImportIn;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(import_menu))
        .routes(routes!(import_part_menu))
}

/// Imports categories, menu sections and items; whatever of the custom menu the payload does
/// not name is removed from the menu (products stay). With `update_balances`, an inventory
/// adjustment brings each listed balance to exactly the given quantity.
#[utoipa::path(
    post, path = "/product/import", tag = "products", request_body = ImportIn,
    responses(
        (status = 200, description = "what the import changed", body = Envelope<ImportReport>),
        (status = 422, description = "unknown menu, shop, storage, tax, category or section; duplicate or blank code; `field` names it", body = ErrorEnvelope),
    ),
    security(("api_key" = []))
)]
async fn import_menu(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(input): ApiJson<ImportIn>,
) -> ApiResult<Json<Envelope<ImportReport>>> {
    run(&state, &caller, &input, Mode::Full).await
}

/// Like `/product/import`, but removes nothing from the menu (a deleted item still leaves it).
#[utoipa::path(
    post, path = "/product/import_part_menu", tag = "products", request_body = ImportIn,
    responses(
        (status = 200, description = "what the import changed", body = Envelope<ImportReport>),
        (status = 422, body = ErrorEnvelope),
    ),
    security(("api_key" = []))
)]
async fn import_part_menu(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(input): ApiJson<ImportIn>,
) -> ApiResult<Json<Envelope<ImportReport>>> {
    run(&state, &caller, &input, Mode::Partial).await
}

async fn run(
    state: &AppState,
    caller: &super::caller::Caller,
    input: &ImportIn,
    mode: Mode,
) -> ApiResult<Json<Envelope<ImportReport>>> {
    let report = menu_import::import(&state.db, &caller.actor(), input, mode).await?;
    Ok(Json(Envelope::ok(report)))
}
