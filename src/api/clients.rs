//! The admin JSON API's guests (API.md §10): discount groups and clients, as `caffesta
//! discount-group|client create` makes them, and the clients' list with bonus and spend.

use axum::extract::{Query, State};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::caller::AdminCaller;
use super::error::{ApiResult, ErrorEnvelope};
use super::extract::ApiJson;
use super::paging::{page, Page, Paging};
use super::{AppState, Created, Envelope};
use crate::domain::ids::DiscountGroupId;
use crate::service::{admin, sales_view};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_discount_group))
        .routes(routes!(list_clients, create_client))
}

/// A new discount group.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DiscountGroupIn {
    #[schema(example = "Постоянные гости")]
    pub name: String,
    /// `discount` (a share off every bill) or `bonus` (a share of every bill accrued).
    #[serde(rename = "type")]
    #[schema(example = "bonus")]
    pub kind: String,
    /// A percentage from 0 to 100, as a decimal string.
    #[schema(example = "5")]
    pub rate: String,
    /// For `bonus`: the most of a bill that bonus may pay, a percentage (default 100).
    #[schema(example = "50")]
    pub bonus_max_bill_rate: Option<String>,
}

/// A new discount group.
#[utoipa::path(
    post, path = "/discount_groups", tag = "admin", request_body = DiscountGroupIn,
    responses(
        (status = 200, body = Envelope<Created>),
        (status = 401, description = "no API key or session", body = ErrorEnvelope),
        (status = 403, description = "neither an admin key nor a session that may change this", body = ErrorEnvelope),
        (status = 422, description = "a bad name, type or rate; `field` names it", body = ErrorEnvelope)
    ),
    security(("api_key" = []), ("session" = []))
)]
async fn create_discount_group(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
    ApiJson(input): ApiJson<DiscountGroupIn>,
) -> ApiResult<Json<Envelope<Created>>> {
    let spec = admin::GroupSpec {
        name: &input.name,
        kind: &input.kind,
        rate: &input.rate,
        bonus_max_bill_rate: input.bonus_max_bill_rate.as_deref(),
    };
    let id = admin::create_discount_group(&state.db, &caller.account_name, spec).await?;
    Ok(Json(Envelope::ok(Created { id: id.get() })))
}

/// A new client (a guest of the loyalty programme).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClientNewIn {
    #[schema(example = "Анна")]
    pub name: String,
    pub last_name: Option<String>,
    #[schema(example = "+375291234567")]
    pub phone: Option<String>,
    /// The loyalty card's number.
    pub card: Option<String>,
    /// The discount group's id.
    pub group: Option<i64>,
}

/// What creating a client answers: its UUID, the id the vendor's API knows it by.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClientCreated {
    #[schema(example = "0b8f6f3e-58c4-4a55-9a39-0a3c1c7a9f11")]
    pub id: String,
}

/// A new client.
#[utoipa::path(
    post, path = "/clients", tag = "admin", request_body = ClientNewIn,
    responses(
        (status = 200, body = Envelope<ClientCreated>),
        (status = 401, description = "no API key or session", body = ErrorEnvelope),
        (status = 403, description = "neither an admin key nor a session that may change this", body = ErrorEnvelope),
        (status = 422, description = "a bad name, or no such discount group", body = ErrorEnvelope)
    ),
    security(("api_key" = []), ("session" = []))
)]
async fn create_client(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
    ApiJson(input): ApiJson<ClientNewIn>,
) -> ApiResult<Json<Envelope<ClientCreated>>> {
    let spec = admin::ClientSpec {
        name: &input.name,
        last_name: input.last_name.as_deref(),
        phone: input.phone.as_deref(),
        card: input.card.as_deref(),
        group: input.group.map(DiscountGroupId::new),
    };
    let id = admin::create_client(&state.db, &caller.account_name, spec).await?;
    Ok(Json(Envelope::ok(ClientCreated { id })))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ClientsQuery {
    /// Only clients whose name, last name, phone or card contains this (any case).
    q: Option<String>,
}

/// A client as the list shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClientEntry {
    /// The client's UUID.
    pub id: String,
    pub name: String,
    pub last_name: String,
    pub phone: String,
    pub card: String,
    /// Bonus to spend, a decimal string.
    #[schema(example = "12.40")]
    pub bonus_balance: String,
    /// What the client has paid in all.
    #[schema(example = "310.00")]
    pub pay_balance: String,
}

/// The live clients by name, searched and paged.
#[utoipa::path(
    get, path = "/clients", tag = "admin", params(ClientsQuery, Paging),
    responses(
        (status = 200, body = Envelope<Page<ClientEntry>>),
        (status = 401, description = "no API key or session", body = ErrorEnvelope),
        (status = 403, description = "not an admin key", body = ErrorEnvelope),
        (status = 422, description = "bad paging", body = ErrorEnvelope)
    ),
    security(("api_key" = []), ("session" = []))
)]
async fn list_clients(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
    Query(query): Query<ClientsQuery>,
    Query(paging): Query<Paging>,
) -> ApiResult<Json<Envelope<Page<ClientEntry>>>> {
    let search = query.q.as_deref().unwrap_or("");
    let found = sales_view::clients(&state.db, caller.account_id, search).await?;
    let out = found
        .into_iter()
        .map(|c| ClientEntry {
            id: c.uuid,
            name: c.name,
            last_name: c.last_name,
            phone: c.phone,
            card: c.card_number,
            bonus_balance: c.bonus_balance.to_string(),
            pay_balance: c.pay_balance.to_string(),
        })
        .collect();
    Ok(Json(Envelope::ok(page(out, &paging)?)))
}
