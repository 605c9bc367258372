//! The admin JSON API's objects (API.md §10): what `caffesta storage|shop|tax|payment-type|menu
//! create` makes, through the same services, and the lists of them (and of the categories),
//! searched and paged.

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
use crate::domain::ids::StorageId;
use crate::service::{admin, catalog_view, stock_report};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_live_storages, create_storage))
        .routes(routes!(list_shops, create_shop))
        .routes(routes!(list_taxes, create_tax))
        .routes(routes!(list_payment_types, create_payment_type))
        .routes(routes!(list_menus, create_menu))
        .routes(routes!(list_categories))
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

#[derive(Debug, Deserialize, IntoParams)]
pub struct NameQuery {
    /// Only those whose name (or code) contains this, in any case.
    q: Option<String>,
}

/// What a list's search looks in: a name, and a code where the object has one.
trait Searched {
    fn words(&self) -> [&str; 2];
}

/// The items whose words contain `q` (any case, as the catalog searches), paged.
fn searched<T: Searched>(all: Vec<T>, q: Option<&str>, paging: &Paging) -> ApiResult<Page<T>> {
    let q = q.unwrap_or("").trim().to_lowercase();
    let found = all
        .into_iter()
        .filter(|item| q.is_empty() || item.words().iter().any(|w| w.to_lowercase().contains(&q)))
        .collect();
    page(found, paging)
}

macro_rules! searched_by {
    ($($out:ty => |$item:ident| $words:expr;)+) => {$(
        impl Searched for $out {
            fn words(&self) -> [&str; 2] {
                let $item = self;
                $words
            }
        }
    )+};
}

searched_by! {
    StorageOut => |s| [&s.name, ""];
    ShopOut => |s| [&s.name, ""];
    TaxEntry => |t| [&t.name, ""];
    PaymentTypeOut => |t| [&t.name, t.kind];
    CategoryEntry => |c| [&c.name, &c.ref_code];
    MenuOut => |m| [&m.name, ""];
}

/// A storage.
#[derive(Debug, Serialize, ToSchema)]
pub struct StorageOut {
    pub id: i64,
    pub name: String,
}

/// The account's live storages, by id, searched and paged.
#[utoipa::path(
    get, path = "/storages", tag = "admin", params(NameQuery, Paging),
    responses((status = 200, body = Envelope<Page<StorageOut>>), (status = 422, description = "bad paging", body = ErrorEnvelope)),
    security(("api_key" = []), ("session" = []))
)]
async fn list_live_storages(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
    Query(query): Query<NameQuery>,
    Query(paging): Query<Paging>,
) -> ApiResult<Json<Envelope<Page<StorageOut>>>> {
    let rows = stock_report::storages(&state.db, caller.account_id).await?;
    let out = rows
        .into_iter()
        .map(|s| StorageOut {
            id: s.id.get(),
            name: s.name,
        })
        .collect();
    let found = searched(out, query.q.as_deref(), &paging)?;
    Ok(Json(Envelope::ok(found)))
}

/// A shop and the storage it sells from.
#[derive(Debug, Serialize, ToSchema)]
pub struct ShopOut {
    pub id: i64,
    pub name: String,
    pub storage_id: i64,
}

/// The account's live shops, by id, searched and paged.
#[utoipa::path(
    get, path = "/shops", tag = "admin", params(NameQuery, Paging),
    responses((status = 200, body = Envelope<Page<ShopOut>>), (status = 422, description = "bad paging", body = ErrorEnvelope)),
    security(("api_key" = []), ("session" = []))
)]
async fn list_shops(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
    Query(query): Query<NameQuery>,
    Query(paging): Query<Paging>,
) -> ApiResult<Json<Envelope<Page<ShopOut>>>> {
    let rows = catalog_view::shops(&state.db, caller.account_id).await?;
    let out = rows
        .into_iter()
        .map(|s| ShopOut {
            id: s.id.get(),
            name: s.name,
            storage_id: s.storage_id.get(),
        })
        .collect();
    let found = searched(out, query.q.as_deref(), &paging)?;
    Ok(Json(Envelope::ok(found)))
}

/// A tax and its rate.
#[derive(Debug, Serialize, ToSchema)]
pub struct TaxEntry {
    pub id: i64,
    pub name: String,
    /// A percentage, as a decimal string.
    #[schema(example = "20.00")]
    pub rate: String,
}

/// The account's taxes, by id, searched and paged.
#[utoipa::path(
    get, path = "/taxes", tag = "admin", params(NameQuery, Paging),
    responses((status = 200, body = Envelope<Page<TaxEntry>>), (status = 422, description = "bad paging", body = ErrorEnvelope)),
    security(("api_key" = []), ("session" = []))
)]
async fn list_taxes(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
    Query(query): Query<NameQuery>,
    Query(paging): Query<Paging>,
) -> ApiResult<Json<Envelope<Page<TaxEntry>>>> {
    let (taxes, _) = catalog_view::taxes_and_payment_types(&state.db, caller.account_id).await?;
    let out = taxes
        .into_iter()
        .map(|t| TaxEntry {
            id: t.id.get(),
            name: t.name,
            rate: t.rate.to_string(),
        })
        .collect();
    let found = searched(out, query.q.as_deref(), &paging)?;
    Ok(Json(Envelope::ok(found)))
}

/// A payment type and its kind.
#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentTypeOut {
    pub id: i64,
    pub name: String,
    /// `cash`, `card`, `cashless`, `bonus` or `credit`.
    #[schema(example = "card")]
    pub kind: &'static str,
}

/// The account's live payment types, by id, searched and paged.
#[utoipa::path(
    get, path = "/payment_types", tag = "admin", params(NameQuery, Paging),
    responses((status = 200, body = Envelope<Page<PaymentTypeOut>>), (status = 422, description = "bad paging", body = ErrorEnvelope)),
    security(("api_key" = []), ("session" = []))
)]
async fn list_payment_types(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
    Query(query): Query<NameQuery>,
    Query(paging): Query<Paging>,
) -> ApiResult<Json<Envelope<Page<PaymentTypeOut>>>> {
    let (_, types) = catalog_view::taxes_and_payment_types(&state.db, caller.account_id).await?;
    let out = types
        .into_iter()
        .map(|t| PaymentTypeOut {
            id: t.id.get(),
            name: t.name,
            kind: t.kind.as_str(),
        })
        .collect();
    let found = searched(out, query.q.as_deref(), &paging)?;
    Ok(Json(Envelope::ok(found)))
}

/// A category, with its parent's code and how many live products it holds.
#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryEntry {
    pub id: i64,
    pub ref_code: String,
    pub name: String,
    pub parent: Option<String>,
    pub products: i64,
}

/// The account's live categories, by name, searched (name or code) and paged.
#[utoipa::path(
    get, path = "/categories", tag = "admin", params(NameQuery, Paging),
    responses((status = 200, body = Envelope<Page<CategoryEntry>>), (status = 422, description = "bad paging", body = ErrorEnvelope)),
    security(("api_key" = []), ("session" = []))
)]
async fn list_categories(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
    Query(query): Query<NameQuery>,
    Query(paging): Query<Paging>,
) -> ApiResult<Json<Envelope<Page<CategoryEntry>>>> {
    let rows = catalog_view::categories(&state.db, caller.account_id).await?;
    let out = rows
        .into_iter()
        .map(|c| CategoryEntry {
            id: c.id.get(),
            ref_code: c.ref_code,
            name: c.name,
            parent: c.parent_code,
            products: c.products,
        })
        .collect();
    Ok(Json(Envelope::ok(searched(
        out,
        query.q.as_deref(),
        &paging,
    )?)))
}

/// A section of a menu and the codes of the products it shows.
#[derive(Debug, Serialize, ToSchema)]
pub struct SectionOut {
    pub id: i64,
    pub ref_code: String,
    pub name: String,
    pub level: i64,
    pub parent: Option<String>,
    pub products: Vec<String>,
}

/// A menu with its sections.
#[derive(Debug, Serialize, ToSchema)]
pub struct MenuOut {
    pub id: i64,
    pub name: String,
    pub sections: Vec<SectionOut>,
}

/// The account's live menus, by id, each with its sections and their products, searched (by
/// the menu's name) and paged.
#[utoipa::path(
    get, path = "/menus", tag = "admin", params(NameQuery, Paging),
    responses((status = 200, body = Envelope<Page<MenuOut>>), (status = 422, description = "bad paging", body = ErrorEnvelope)),
    security(("api_key" = []), ("session" = []))
)]
async fn list_menus(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
    Query(query): Query<NameQuery>,
    Query(paging): Query<Paging>,
) -> ApiResult<Json<Envelope<Page<MenuOut>>>> {
    let all = catalog_view::menus(&state.db, caller.account_id).await?;
    let section = |s: &crate::db::catalog_list::SectionListed| SectionOut {
        id: s.id.get(),
        ref_code: s.ref_code.clone(),
        name: s.name.clone(),
        level: s.level,
        parent: s.parent_code.clone(),
        products: all
            .items
            .iter()
            .filter(|i| i.section_id == s.id)
            .map(|i| i.ref_code.clone())
            .collect(),
    };
    let out = all
        .menus
        .iter()
        .map(|m| MenuOut {
            id: m.id.get(),
            name: m.name.clone(),
            sections: all
                .sections
                .iter()
                .filter(|s| s.menu_id == m.id)
                .map(section)
                .collect(),
        })
        .collect();
    let found = searched(out, query.q.as_deref(), &paging)?;
    Ok(Json(Envelope::ok(found)))
}
