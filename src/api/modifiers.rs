//! The admin JSON API's modifier groups (API.md §10): what `caffesta modifier-group
//! create|add-item|attach` does — a group, the products it offers, the dishes it is offered on.

use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::caller::AdminCaller;
use super::error::{ApiResult, ErrorEnvelope};
use super::extract::{ApiJson, IdPath};
use super::{AppState, Created, Envelope};
use crate::domain::ids::ModifierGroupId;
use crate::service::admin;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_modifier_group))
        .routes(routes!(add_modifier_item))
        .routes(routes!(attach_modifier_group))
}

/// A new modifier group: how many of its items a guest picks.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ModifierGroupIn {
    #[schema(example = "Сироп")]
    pub name: String,
    /// The fewest items picked (default 0).
    #[serde(default)]
    pub min: i64,
    /// The most items picked (default 1); at least `min`.
    #[serde(default = "one")]
    pub max: i64,
    /// Whether one item may be picked more than once.
    #[serde(default)]
    pub multiple: bool,
}

fn one() -> i64 {
    1
}

/// A new modifier group.
#[utoipa::path(
    post, path = "/modifier_groups", tag = "admin", request_body = ModifierGroupIn,
    responses(
        (status = 200, body = Envelope<Created>),
        (status = 401, description = "no API key or session", body = ErrorEnvelope),
        (status = 403, description = "neither an admin key nor a session that may change this", body = ErrorEnvelope),
        (status = 422, description = "a bad name, or not 0 ≤ min ≤ max", body = ErrorEnvelope)
    ),
    security(("api_key" = []), ("session" = []))
)]
async fn create_modifier_group(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
    ApiJson(input): ApiJson<ModifierGroupIn>,
) -> ApiResult<Json<Envelope<Created>>> {
    let spec = admin::ModifierGroupSpec {
        name: &input.name,
        min: input.min,
        max: input.max,
        multiple: input.multiple,
    };
    let id = admin::create_modifier_group(&state.db, &caller.account_name, spec).await?;
    Ok(Json(Envelope::ok(Created { id: id.get() })))
}

/// A product a modifier group offers: `count` of it for `price`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ModifierItemIn {
    #[schema(example = "syrup-vanilla")]
    pub product_code: String,
    /// A positive decimal string.
    #[schema(example = "0.02")]
    pub count: String,
    /// Not negative, a decimal string.
    #[schema(example = "1.50")]
    pub price: String,
}

/// Adds a product to a modifier group; answers the item's id.
#[utoipa::path(
    post, path = "/modifier_groups/{id}/items", tag = "admin", request_body = ModifierItemIn,
    params(("id" = i64, Path, description = "the modifier group")),
    responses(
        (status = 200, body = Envelope<Created>),
        (status = 401, description = "no API key or session", body = ErrorEnvelope),
        (status = 403, description = "neither an admin key nor a session that may change this", body = ErrorEnvelope),
        (status = 404, description = "a malformed id", body = ErrorEnvelope),
        (status = 422, description = "no such group or product, or a bad count or price", body = ErrorEnvelope)
    ),
    security(("api_key" = []), ("session" = []))
)]
async fn add_modifier_item(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
    IdPath(id): IdPath,
    ApiJson(input): ApiJson<ModifierItemIn>,
) -> ApiResult<Json<Envelope<Created>>> {
    let id = admin::add_modifier_item(
        &state.db,
        &caller.account_name,
        ModifierGroupId::new(id),
        &input.product_code,
        &input.count,
        &input.price,
    )
    .await?;
    Ok(Json(Envelope::ok(Created { id: id.get() })))
}

/// The dish a modifier group is offered on.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttachIn {
    #[schema(example = "latte")]
    pub product_code: String,
}

/// Offers a modifier group on a dish; answers the group's id.
#[utoipa::path(
    post, path = "/modifier_groups/{id}/products", tag = "admin", request_body = AttachIn,
    params(("id" = i64, Path, description = "the modifier group")),
    responses(
        (status = 200, body = Envelope<Created>),
        (status = 401, description = "no API key or session", body = ErrorEnvelope),
        (status = 403, description = "neither an admin key nor a session that may change this", body = ErrorEnvelope),
        (status = 404, description = "a malformed id", body = ErrorEnvelope),
        (status = 422, description = "no such group or product", body = ErrorEnvelope)
    ),
    security(("api_key" = []), ("session" = []))
)]
async fn attach_modifier_group(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
    IdPath(id): IdPath,
    ApiJson(input): ApiJson<AttachIn>,
) -> ApiResult<Json<Envelope<Created>>> {
    let group = ModifierGroupId::new(id);
    admin::attach_modifier_group(&state.db, &caller.account_name, group, &input.product_code)
        .await?;
    Ok(Json(Envelope::ok(Created { id: group.get() })))
}
