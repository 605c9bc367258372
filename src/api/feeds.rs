//! API section 8, sync feeds (`reference/updates.md`): `get_updates` and the feeds a point of
//! sale or an integration pages through, all in the `{"code":"ok","data":…}` envelope.

use axum::extract::{Query, State};
use axum::Json;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::caller::ApiCaller;
use super::error::{ApiError, ApiResult, ErrorEnvelope};
use super::extract::ObjectPath;
use super::AppState;
use crate::db::feeds::FeedProduct;
use crate::domain::ids::{ProductId, ShopId};
use crate::domain::product::EntityType;
use crate::service::feeds as service;
use crate::wire::feeds::{
    BalanceOut, CategoryOut, ClientOut, Feed, FeedProductFull, FeedProductOut, IdOnly,
    ModifierGroupOut, ModifierItemOut, ModifierProduct, ShopDataOut, TaxOut, Updates, WorkspaceOut,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_updates))
        .routes(routes!(get_products0))
        .routes(routes!(get_products))
        .routes(routes!(get_balances))
        .routes(routes!(get_clients))
        .routes(routes!(get_categories))
        .routes(routes!(get_workspaces))
        .routes(routes!(get_taxes))
        .routes(routes!(get_product_shop_data))
        .routes(routes!(get_modifier_groups))
}

fn ok<T>(data: T) -> Json<Feed<T>> {
    Json(Feed::ok(data))
}

/// Per section, the Unix time of its last change (0: never). A section changed within the last
/// few seconds shows the current second, so that a client asks again until it has settled.
#[utoipa::path(
    get, path = "/draft/get_updates/{pos_id}", tag = "feeds",
    params(("pos_id" = i64, Path, description = "shop id")),
    responses((status = 200, body = Feed<Updates>), (status = 404, body = ErrorEnvelope)),
    security(("api_key" = []))
)]
async fn get_updates(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ObjectPath(pos_id): ObjectPath<i64>,
) -> ApiResult<Json<Feed<Updates>>> {
    let updates = service::updates(&state.db, caller.account_id, ShopId::new(pos_id)).await?;
    Ok(ok(updates))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct TypeQuery {
    /// Only this entity kind.
    #[serde(rename = "type")]
    #[param(value_type = Option<crate::domain::product::EntityType>, inline)]
    kind: Option<String>,
}

async fn product_page(
    state: &AppState,
    account_id: crate::domain::ids::AccountId,
    (shop_id, start_id, ts): (i64, i64, i64),
    kind: Option<&str>,
) -> ApiResult<Vec<FeedProduct>> {
    let kind = kind
        .map(|text| {
            EntityType::parse(text)
                .map(EntityType::as_str)
                .ok_or_else(|| {
                    ApiError::unprocessable(
                        "type",
                        format!("{text:?} is not product, tech_map or sub_product"),
                    )
                })
        })
        .transpose()?;
    Ok(service::products(
        &state.db,
        account_id,
        ShopId::new(shop_id),
        ProductId::new(start_id),
        ts,
        kind,
    )
    .await?)
}

/// A page of products (1,000, by id after `start_id`) with the shop's price; `ts` 0: every
/// live product, else those changed since `ts`, deleted ones included.
#[utoipa::path(
    get, path = "/draft/get_products0/{pos_id}/{start_id}/{ts}", tag = "feeds",
    params(("pos_id" = i64, Path), ("start_id" = i64, Path), ("ts" = i64, Path), TypeQuery),
    responses((status = 200, body = Feed<Vec<FeedProductOut>>), (status = 404, body = ErrorEnvelope), (status = 422, description = "`type` is not an entity kind", body = ErrorEnvelope)),
    security(("api_key" = []))
)]
async fn get_products0(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ObjectPath(path): ObjectPath<(i64, i64, i64)>,
    Query(query): Query<TypeQuery>,
) -> ApiResult<Json<Feed<Vec<FeedProductOut>>>> {
    let rows = product_page(&state, caller.account_id, path, query.kind.as_deref()).await?;
    Ok(ok(rows.iter().map(FeedProductOut::of).collect()))
}

/// The deprecated products feed: also the workspace as an object, the self cost (the ledger's
/// average cost in the shop's storage, or the declared cost while the stock module is off) and
/// the stop-list flag.
#[utoipa::path(
    get, path = "/draft/get_products/{pos_id}/{start_id}/{ts}", tag = "feeds",
    params(("pos_id" = i64, Path), ("start_id" = i64, Path), ("ts" = i64, Path), TypeQuery),
    responses((status = 200, body = Feed<Vec<FeedProductFull>>), (status = 404, body = ErrorEnvelope), (status = 422, description = "`type` is not an entity kind", body = ErrorEnvelope)),
    security(("api_key" = []))
)]
async fn get_products(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ObjectPath(path): ObjectPath<(i64, i64, i64)>,
    Query(query): Query<TypeQuery>,
) -> ApiResult<Json<Feed<Vec<FeedProductFull>>>> {
    let rows = product_page(&state, caller.account_id, path, query.kind.as_deref()).await?;
    let data = rows
        .iter()
        .map(|p| FeedProductFull::of(p, service::self_cost(p.self_cost, p.balance())))
        .collect();
    Ok(ok(data))
}

/// Balances of the shop's storage: all (`ts` 0) or those changed since `ts`.
#[utoipa::path(
    get, path = "/draft/get_balances/{pos_id}/{ts}", tag = "feeds",
    params(("pos_id" = i64, Path), ("ts" = i64, Path)),
    responses((status = 200, body = Feed<Vec<BalanceOut>>), (status = 404, body = ErrorEnvelope)),
    security(("api_key" = []))
)]
async fn get_balances(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ObjectPath((shop_id, ts)): ObjectPath<(i64, i64)>,
) -> ApiResult<Json<Feed<Vec<BalanceOut>>>> {
    let rows = service::balances(&state.db, caller.account_id, ShopId::new(shop_id), ts).await?;
    Ok(ok(rows.iter().map(BalanceOut::of).collect()))
}

/// Clients with their balances: all alive (`ts` 0) or changed since `ts`, deleted included.
#[utoipa::path(
    get, path = "/draft/get_clients/{ts}", tag = "feeds",
    params(("ts" = i64, Path)),
    responses((status = 200, body = Feed<Vec<ClientOut>>), (status = 404, description = "`ts` is not a number", body = ErrorEnvelope)),
    security(("api_key" = []))
)]
async fn get_clients(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ObjectPath(ts): ObjectPath<i64>,
) -> ApiResult<Json<Feed<Vec<ClientOut>>>> {
    let rows = service::clients(&state.db, caller.account_id, ts).await?;
    Ok(ok(rows
        .iter()
        .map(|c| ClientOut::of(c, &caller.timezone))
        .collect()))
}

/// Live categories with their level and parent.
#[utoipa::path(get, path = "/draft/get_categories", tag = "feeds", responses((status = 200, body = Feed<Vec<CategoryOut>>)), security(("api_key" = [])))]
async fn get_categories(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
) -> ApiResult<Json<Feed<Vec<CategoryOut>>>> {
    Ok(ok(service::categories(&state.db, caller.account_id).await?))
}

/// Live workspaces.
#[utoipa::path(get, path = "/draft/get_workspaces", tag = "feeds", responses((status = 200, body = Feed<Vec<WorkspaceOut>>)), security(("api_key" = [])))]
async fn get_workspaces(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
) -> ApiResult<Json<Feed<Vec<WorkspaceOut>>>> {
    let rows = service::workspaces(&state.db, caller.account_id).await?;
    Ok(ok(rows.iter().map(WorkspaceOut::of).collect()))
}

/// Live taxes.
#[utoipa::path(get, path = "/draft/get_taxes", tag = "feeds", responses((status = 200, body = Feed<Vec<TaxOut>>)), security(("api_key" = [])))]
async fn get_taxes(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
) -> ApiResult<Json<Feed<Vec<TaxOut>>>> {
    let rows = service::taxes(&state.db, caller.account_id).await?;
    Ok(ok(rows.iter().map(TaxOut::of).collect()))
}

/// The shop's prices and costs per product: all, or changed since `ts`.
#[utoipa::path(
    get, path = "/draft/get_product_shop_data/{pos_id}/{ts}", tag = "feeds",
    params(("pos_id" = i64, Path), ("ts" = i64, Path)),
    responses((status = 200, body = Feed<Vec<ShopDataOut>>), (status = 404, body = ErrorEnvelope)),
    security(("api_key" = []))
)]
async fn get_product_shop_data(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ObjectPath((shop_id, ts)): ObjectPath<(i64, i64)>,
) -> ApiResult<Json<Feed<Vec<ShopDataOut>>>> {
    let shop_id = ShopId::new(shop_id);
    let rows = service::shop_data(&state.db, caller.account_id, shop_id, ts).await?;
    Ok(ok(rows
        .iter()
        .map(|d| ShopDataOut::of(d, shop_id))
        .collect()))
}

/// Modifier groups with their items and the dishes they are attached to.
#[utoipa::path(get, path = "/draft/get_modifier_groups", tag = "feeds", responses((status = 200, body = Feed<Vec<ModifierGroupOut>>)), security(("api_key" = [])))]
async fn get_modifier_groups(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
) -> ApiResult<Json<Feed<Vec<ModifierGroupOut>>>> {
    let groups = crate::db::modifiers::all(&state.db, caller.account_id).await?;
    Ok(ok(groups
        .into_iter()
        .map(|g| ModifierGroupOut {
            id: g.id.get(),
            name: g.name,
            multiple: g.multiple,
            min: g.min,
            max: g.max,
            deleted: g.deleted,
            productModifiers: g
                .attached
                .into_iter()
                .map(|id| IdOnly { id: id.get() })
                .collect(),
            items: g
                .items
                .into_iter()
                .map(|item| ModifierItemOut {
                    id: item.id.get(),
                    name: item.name,
                    image: None,
                    count: item.count,
                    price: item.price,
                    product: ModifierProduct {
                        id: item.product_id.get(),
                        descr: item.entity_type,
                    },
                })
                .collect(),
        })
        .collect()))
}
