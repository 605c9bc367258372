//! API section 8, sync feeds (`reference/updates.md`): `get_updates` and the feeds a point of
//! sale or an integration pages through, all in the `{"code":"ok","data":…}` envelope.

use crate::domain::ids::AccountId;
use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::Json;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::caller::ApiCaller;
use super::error::{ApiError, ApiResult, ErrorEnvelope};
use super::extract::ObjectPath;
use super::AppState;
use crate::db::feeds::{self, FeedClient, FeedProduct, ProductPage};
use crate::db::{marks, objects, Db};
use crate::domain::decimal::{json_number, Money, Percent, Qty, UnitCost};
use crate::domain::graph;
use crate::domain::product::{CancellationType, EntityType, Measure};
use crate::domain::stock::Balance;
use crate::domain::sync;
use crate::domain::time;

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

/// `{"code": "ok", "data": …}`
#[derive(Debug, Serialize, ToSchema)]
pub struct Feed<T> {
    code: &'static str,
    data: T,
}

fn ok<T>(data: T) -> Json<Feed<T>> {
    Json(Feed { code: "ok", data })
}

/// The sections `get_updates` shows, as the vendor lists them.
const SECTIONS: [&str; 14] = [
    "categories",
    "menus",
    "desks",
    "taxes",
    "workspaces",
    "comments",
    "discounts",
    "promotions",
    "payments",
    "settings",
    "balances",
    "products",
    "device_models",
    "clients",
];

/// The shop's default storage; 404 for a shop that is not the account's.
async fn shop_storage(db: &Db, account_id: AccountId, shop_id: i64) -> ApiResult<i64> {
    let mut tx = db.begin_snapshot().await?;
    objects::shop_storage(&mut tx, account_id, shop_id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no shop {shop_id}")))
}

/// Per section, the Unix time of its last change (0: never). A section changed within the last
/// few seconds shows the current second, so that a client asks again until it has settled.
#[utoipa::path(
    get, path = "/draft/get_updates/{pos_id}", tag = "feeds",
    params(("pos_id" = i64, Path, description = "shop id")),
    responses((status = 200, body = Object), (status = 404, body = ErrorEnvelope)),
    security(("api_key" = []))
)]
async fn get_updates(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ObjectPath(pos_id): ObjectPath<i64>,
) -> ApiResult<Json<Feed<Value>>> {
    shop_storage(&state.db, caller.account_id, pos_id).await?;
    let marks: HashMap<String, i64> = marks::all(&state.db, caller.account_id)
        .await?
        .into_iter()
        .collect();
    let now = time::now_unix();
    let mut data = serde_json::Map::new();
    for section in SECTIONS {
        let mark = marks.get(section).copied().unwrap_or(0);
        data.insert(section.to_owned(), json!(sync::reported(mark, now)));
    }
    Ok(ok(Value::Object(data)))
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
    account_id: AccountId,
    path: (i64, i64, i64),
    kind: Option<&str>,
) -> ApiResult<Vec<FeedProduct>> {
    let (shop_id, start_id, ts) = path;
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
    let storage_id = shop_storage(&state.db, account_id, shop_id).await?;
    let page = ProductPage {
        shop_id,
        storage_id,
        start_id,
        since: sync::since(ts),
        entity_type: kind,
    };
    Ok(feeds::products(&state.db, account_id, &page).await?)
}

/// A product of `get_products0`, spelled as the vendor's feed.
#[allow(non_snake_case)]
#[derive(Debug, Serialize, ToSchema)]
pub struct FeedProductOut {
    id: i64,
    name: String,
    #[schema(value_type = crate::domain::product::EntityType)]
    entityType: String,
    #[schema(value_type = crate::wire::vocab::CancellationName)]
    cancellationType: &'static str,
    measure: String,
    deleted: bool,
    useDiscounts: bool,
    color: &'static str,
    shortDescription: Option<String>,
    alternateName: String,
    buttonColor: Option<String>,
    image: Option<String>,
    #[serde(rename = "type")]
    #[schema(value_type = crate::wire::vocab::SellingKind)]
    selling_kind: &'static str,
    coefficients: Option<String>,
    /// The product's external code (`ref_code`).
    code: String,
    active: bool,
    freePrice: bool,
    descr: String,
    category_id: Option<i64>,
    workSpace_id: Option<i64>,
    tax_id: Option<i64>,
    /// The price at the shop.
    #[serde(with = "crate::domain::decimal::as_number")]
    #[schema(value_type = crate::domain::decimal::JsonNumber)]
    price: Money,
    image_path: Option<String>,
}

/// A product of the deprecated `get_products`: the same, and the shop's cost and stop list.
#[allow(non_snake_case)]
#[derive(Debug, Serialize, ToSchema)]
pub struct FeedProductFull {
    #[serde(flatten)]
    product: FeedProductOut,
    workSpace: Option<IdOnly>,
    #[serde(with = "crate::domain::decimal::as_number")]
    #[schema(value_type = crate::domain::decimal::JsonNumber)]
    self_cost: UnitCost,
    in_stop_list: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IdOnly {
    id: i64,
}

impl FeedProductOut {
    fn of(p: &FeedProduct) -> Self {
        FeedProductOut {
            id: p.id,
            name: p.name.clone(),
            entityType: p.entity_type.clone(),
            cancellationType: CancellationType::from_code(p.cancellation_type)
                .unwrap_or(CancellationType::CancelDish)
                .as_str(),
            measure: p.measure.clone(),
            deleted: p.deleted,
            useDiscounts: p.use_discounts,
            color: "gray",
            shortDescription: None,
            alternateName: p.name.clone(),
            buttonColor: None,
            image: None,
            selling_kind: Measure::parse(&p.measure)
                .unwrap_or(Measure::Pcs)
                .selling_kind(),
            coefficients: None,
            code: p.ref_code.clone(),
            active: p.for_sale,
            freePrice: p.free_price,
            descr: p.entity_type.clone(),
            category_id: p.category_id,
            workSpace_id: p.workspace_id,
            tax_id: p.tax_id,
            price: Money::round(UnitCost::from_units(p.price).decimal()),
            image_path: None,
        }
    }
}

/// A fixed-point decimal as an exact JSON number.
fn number<const S: u32, const K: u8>(value: crate::domain::decimal::Fixed<S, K>) -> Value {
    json_number(value.decimal())
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
        .map(|p| FeedProductFull {
            product: FeedProductOut::of(p),
            workSpace: p.workspace_id.map(|id| IdOnly { id }),
            self_cost: match p.self_cost {
                Some(declared) => UnitCost::from_units(declared),
                None => balance(p.balance).cost(),
            },
            in_stop_list: p.in_stop_list,
        })
        .collect();
    Ok(ok(data))
}

fn balance((qty, value): (i64, i64)) -> Balance {
    Balance {
        qty: Qty::from_units(qty),
        value: Money::from_units(value),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BalanceOut {
    balance: String,
    self_cost: String,
    product_id: i64,
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
    let storage_id = shop_storage(&state.db, caller.account_id, shop_id).await?;
    let rows = feeds::balances(&state.db, caller.account_id, storage_id, sync::since(ts)).await?;
    Ok(ok(rows
        .into_iter()
        .map(|(product_id, qty, value)| {
            let b = balance((qty, value));
            BalanceOut {
                balance: b.qty.to_string(),
                self_cost: b.cost().to_string(),
                product_id,
            }
        })
        .collect()))
}

fn client_json(c: &FeedClient, tz: &jiff::tz::TimeZone) -> Value {
    let (kind, cap, name, rate) = match &c.group {
        // rates are stored in hundredths of a percent: 500 = 5% = 0.05
        Some((kind, cap, name, rate)) => (
            json!(kind),
            json_number(Decimal::new(*cap, 2)),
            json!(name),
            json_number(Decimal::new(*rate, 4)),
        ),
        None => (Value::Null, Value::Null, Value::Null, Value::Null),
    };
    json!({
        "uuid": c.uuid, "name": c.name, "lastName": c.last_name, "normName": c.norm_name, "phone": c.phone,
        "address": c.address, "account": 0, "normPhone": c.norm_phone, "cardNumber": c.card_number,
        "bonusBalance": number(Money::from_units(c.bonus_balance)), "pointBalance": 0,
        "payBalance": number(Money::from_units(c.pay_balance)), "email": c.email,
        "deletedAt": c.deleted_at.map(|t| time::format_rfc3339(t, tz)), "group_id": c.group_id,
        "birth_day_discount_amount": 0, "discount_type": kind, "bonus_max_bill_rate": cap, "discount_name": name,
        "discount_rate": rate, "group_float": false, "discount_group": c.group_id.map(|id| json!({"id": id})),
        "promotionKeeps": []
    })
}

/// Clients with their balances: all alive (`ts` 0) or changed since `ts`, deleted included.
#[utoipa::path(
    get, path = "/draft/get_clients/{ts}", tag = "feeds",
    params(("ts" = i64, Path)),
    responses((status = 200, body = Object), (status = 404, description = "`ts` is not a number", body = ErrorEnvelope)),
    security(("api_key" = []))
)]
async fn get_clients(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ObjectPath(ts): ObjectPath<i64>,
) -> ApiResult<Json<Feed<Vec<Value>>>> {
    let rows = feeds::clients(&state.db, caller.account_id, sync::since(ts)).await?;
    Ok(ok(rows
        .iter()
        .map(|c| client_json(c, &caller.timezone))
        .collect()))
}

/// Live categories with their level and parent.
#[utoipa::path(get, path = "/draft/get_categories", tag = "feeds", responses((status = 200, body = Object)), security(("api_key" = [])))]
async fn get_categories(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
) -> ApiResult<Json<Feed<Vec<Value>>>> {
    let rows = feeds::categories(&state.db, caller.account_id).await?;
    let parents: HashMap<i64, i64> = rows
        .iter()
        .filter_map(|(id, _, parent)| parent.map(|p| (*id, p)))
        .collect();
    let depth = graph::depths(&parents).unwrap_or_default();
    Ok(ok(rows
        .iter()
        .map(|(id, name, parent)| {
            json!({"id": id, "name": name, "buttonColor": null, "image": null, "lft": id,
                   "lvl": depth.get(id).copied().unwrap_or(1), "availableForPos": true, "useMarking": false,
                   "type": null, "depositId": null, "position": id, "parent": parent, "course": null, "deposit_id": null})
        })
        .collect()))
}

/// Live workspaces.
#[utoipa::path(get, path = "/draft/get_workspaces", tag = "feeds", responses((status = 200, body = Object)), security(("api_key" = [])))]
async fn get_workspaces(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
) -> ApiResult<Json<Feed<Vec<Value>>>> {
    let rows = feeds::workspaces(&state.db, caller.account_id).await?;
    Ok(ok(rows
        .iter()
        .map(|(id, code, name)| json!({"id": id, "group": 1, "refCode": code, "name": name}))
        .collect()))
}

/// Live taxes.
#[utoipa::path(get, path = "/draft/get_taxes", tag = "feeds", responses((status = 200, body = Object)), security(("api_key" = [])))]
async fn get_taxes(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
) -> ApiResult<Json<Feed<Vec<Value>>>> {
    let rows = feeds::taxes(&state.db, caller.account_id).await?;
    Ok(ok(rows
        .iter()
        .map(|(id, name, rate)| {
            json!({"id": id, "refId": null, "refCode": null, "name": name, "type": "inner",
                   "value": number(Percent::from_units(*rate)), "fiscal": false, "ref_id": id})
        })
        .collect()))
}

/// The shop's prices and costs per product: all, or changed since `ts`.
#[utoipa::path(
    get, path = "/draft/get_product_shop_data/{pos_id}/{ts}", tag = "feeds",
    params(("pos_id" = i64, Path), ("ts" = i64, Path)),
    responses((status = 200, body = Object), (status = 404, body = ErrorEnvelope)),
    security(("api_key" = []))
)]
async fn get_product_shop_data(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ObjectPath((shop_id, ts)): ObjectPath<(i64, i64)>,
) -> ApiResult<Json<Feed<Vec<Value>>>> {
    let storage_id = shop_storage(&state.db, caller.account_id, shop_id).await?;
    let rows = feeds::shop_data(
        &state.db,
        caller.account_id,
        shop_id,
        storage_id,
        sync::since(ts),
    )
    .await?;
    Ok(ok(rows
        .into_iter()
        .map(|d| {
            json!({"price": Money::round(UnitCost::from_units(d.price).decimal()).to_string(),
                   "avgInvoicedSelfCost": balance(d.balance).cost().to_string(), "availableForSale": d.available,
                   "inStopList": d.in_stop_list, "shop_id": shop_id, "product_id": d.product_id})
        })
        .collect()))
}

/// Modifier groups with their items and the dishes they are attached to.
#[utoipa::path(get, path = "/draft/get_modifier_groups", tag = "feeds", responses((status = 200, body = Object)), security(("api_key" = [])))]
async fn get_modifier_groups(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
) -> ApiResult<Json<Feed<Vec<Value>>>> {
    let groups = crate::db::modifiers::all(&state.db, caller.account_id).await?;
    Ok(ok(groups
        .iter()
        .map(|g| {
            let items: Vec<Value> = g
                .items
                .iter()
                .map(|(id, product, name, kind, count, price)| {
                    json!({"id": id, "name": name, "image": null, "count": Qty::from_units(*count).to_string(),
                           "price": Money::from_units(*price).to_string(), "product": {"id": product, "descr": kind}})
                })
                .collect();
            json!({"id": g.id, "name": g.name, "multiple": g.multiple, "min": g.min, "max": g.max, "deleted": g.deleted,
                   "productModifiers": g.attached.iter().map(|id| json!({"id": id})).collect::<Vec<_>>(), "items": items})
        })
        .collect()))
}
