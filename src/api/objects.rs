//! The admin JSON API's objects (API.md §10): what `caffesta storage|shop|tax|payment-type|menu
//! create` makes, for an `admin` key, through the same services.

use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::caller::AdminCaller;
use super::error::{ApiResult, ErrorEnvelope};
use super::extract::ApiJson;
use super::{AppState, Created, Envelope};
use crate::domain::ids::StorageId;
use crate::service::admin;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_storage))
        .routes(routes!(create_shop))
        .routes(routes!(create_tax))
        .routes(routes!(create_payment_type))
        .routes(routes!(create_menu))
}

/// Something made by its name alone.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NamedIn {
    /// 1 to 255 characters.
    #[schema(example = "Склад бара")]
    pub name: String,
}

/// A new storage.
#[utoipa::path(
    post, path = "/storages", tag = "admin", request_body = NamedIn,
    responses(
        (status = 200, body = Envelope<Created>),
        (status = 403, description = "not an admin key", body = ErrorEnvelope),
        (status = 422, description = "an empty or too long name", body = ErrorEnvelope)
    ),
    security(("api_key" = []), ("session" = []))
)]
async fn create_storage(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
    ApiJson(input): ApiJson<NamedIn>,
) -> ApiResult<Json<Envelope<Created>>> {
    let id = admin::create_storage(&state.db, &caller.account_name, &input.name).await?;
    Ok(Json(Envelope::ok(Created { id: id.get() })))
}

/// A new menu.
#[utoipa::path(
    post, path = "/menus", tag = "admin", request_body = NamedIn,
    responses(
        (status = 200, body = Envelope<Created>),
        (status = 403, description = "not an admin key", body = ErrorEnvelope),
        (status = 422, description = "an empty or too long name", body = ErrorEnvelope)
    ),
    security(("api_key" = []), ("session" = []))
)]
async fn create_menu(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
    ApiJson(input): ApiJson<NamedIn>,
) -> ApiResult<Json<Envelope<Created>>> {
    let id = admin::create_menu(&state.db, &caller.account_name, &input.name).await?;
    Ok(Json(Envelope::ok(Created { id: id.get() })))
}

/// A new shop (point of sale) selling from a storage.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShopIn {
    #[schema(example = "Кофейня на Немиге")]
    pub name: String,
    /// The storage its sales are written off from.
    #[schema(example = 1)]
    pub storage_id: i64,
}

/// A new shop.
#[utoipa::path(
    post, path = "/shops", tag = "admin", request_body = ShopIn,
    responses(
        (status = 200, body = Envelope<Created>),
        (status = 403, description = "not an admin key", body = ErrorEnvelope),
        (status = 422, description = "a bad name, or no such storage", body = ErrorEnvelope)
    ),
    security(("api_key" = []), ("session" = []))
)]
async fn create_shop(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
    ApiJson(input): ApiJson<ShopIn>,
) -> ApiResult<Json<Envelope<Created>>> {
    let storage = StorageId::new(input.storage_id);
    let id = admin::create_shop(&state.db, &caller.account_name, &input.name, storage).await?;
    Ok(Json(Envelope::ok(Created { id: id.get() })))
}

/// A new tax.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TaxIn {
    #[schema(example = "НДС 10%")]
    pub name: String,
    /// A percentage from 0 to 100, as a decimal string.
    #[schema(example = "10")]
    pub rate: String,
}

/// A new tax.
#[utoipa::path(
    post, path = "/taxes", tag = "admin", request_body = TaxIn,
    responses(
        (status = 200, body = Envelope<Created>),
        (status = 403, description = "not an admin key", body = ErrorEnvelope),
        (status = 422, description = "a bad name or rate", body = ErrorEnvelope)
    ),
    security(("api_key" = []), ("session" = []))
)]
async fn create_tax(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
    ApiJson(input): ApiJson<TaxIn>,
) -> ApiResult<Json<Envelope<Created>>> {
    let id = admin::create_tax(&state.db, &caller.account_name, &input.name, &input.rate).await?;
    Ok(Json(Envelope::ok(Created { id: id.get() })))
}

/// A new payment type.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentTypeIn {
    #[schema(example = "Подарочный сертификат")]
    pub name: String,
    /// `cash`, `card`, `cashless`, `bonus` or `credit`.
    #[schema(example = "cashless")]
    pub kind: String,
}

/// A new payment type.
#[utoipa::path(
    post, path = "/payment_types", tag = "admin", request_body = PaymentTypeIn,
    responses(
        (status = 200, body = Envelope<Created>),
        (status = 403, description = "not an admin key", body = ErrorEnvelope),
        (status = 422, description = "a bad name or kind", body = ErrorEnvelope)
    ),
    security(("api_key" = []), ("session" = []))
)]
async fn create_payment_type(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
    ApiJson(input): ApiJson<PaymentTypeIn>,
) -> ApiResult<Json<Envelope<Created>>> {
    let id = admin::create_payment_type(&state.db, &caller.account_name, &input.name, &input.kind)
        .await?;
    Ok(Json(Envelope::ok(Created { id: id.get() })))
}
