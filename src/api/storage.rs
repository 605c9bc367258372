//! API section 2, storage (`reference/storage.md`): the storages of the account.

use axum::extract::{Query, State};
use axum::Json;
use serde::ser::{Serialize, SerializeMap, Serializer};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::caller::{ApiCaller, Caller};
use super::error::{ApiError, ApiResult, ErrorEnvelope};
use super::extract::IdPath;
use super::AppState;
use crate::db::{objects, stock};
use crate::domain::ids::{ProductId, StorageId};
use crate::domain::stock::Balance;
use crate::domain::time;
use crate::service::stock_report;
use serde::Deserialize;
use serde::Serialize as SerializeDerive;
use utoipa::IntoParams;
use utoipa::ToSchema;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_storages))
        .routes(routes!(store))
}

/// `{"1": "(id:1) Склад кафе Буран", …}` in id order: the vendor's bare object.
pub struct StorageList(Vec<(i64, String)>);

impl Serialize for StorageList {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (id, name) in &self.0 {
            map.serialize_entry(&id.to_string(), &format!("(id:{id}) {name}"))?;
        }
        map.end()
    }
}

/// An object of strings by id, with the vendor's example.
impl utoipa::PartialSchema for StorageList {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{AdditionalProperties, ObjectBuilder, Type};
        let example: serde_json::Map<String, serde_json::Value> = [
            ("1", "(id:1) Склад кафе Буран"),
            ("2", "(id:2) Общий склад"),
        ]
        .into_iter()
        .map(|(id, name)| (id.to_owned(), name.into()))
        .collect();
        ObjectBuilder::new()
            .schema_type(Type::Object)
            .additional_properties(Some(AdditionalProperties::RefOr(
                ObjectBuilder::new().schema_type(Type::String).into(),
            )))
            .examples([serde_json::Value::Object(example)])
            .into()
    }
}

impl utoipa::ToSchema for StorageList {}

/// Lists the live storages of the account as a bare object, id → `"(id:N) name"`.
#[utoipa::path(
    get, path = "/draft/storages", tag = "storage",
    responses(
        (status = 200, body = StorageList),
        (status = 401, body = ErrorEnvelope),
    ),
    security(("api_key" = []))
)]
async fn list_storages(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
) -> ApiResult<Json<StorageList>> {
    let storages = objects::live_storages(&state.db, caller.account_id).await?;
    let storages = storages.into_iter().map(|s| (s.id.get(), s.name)).collect();
    Ok(Json(StorageList(storages)))
}

/// A product's balance in a storage, all strings but `id`.
#[derive(SerializeDerive, ToSchema)]
pub struct StoreLine {
    #[schema(value_type = i64)]
    id: ProductId,
    name: String,
    measure: String,
    /// Moving-average unit cost, 6 places.
    cost: String,
    /// Stock value, 2 places (0 while the balance is not positive).
    summ: String,
    /// Quantity, 3 places; may be negative.
    balance: String,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct StoreQuery {
    /// The balances just before this instant (API.md §11): `2026-11-01T00:00`, or a date alone
    /// for the start of that day, both in the account's time zone unless an offset is given.
    /// Default: now.
    #[param(example = "2026-11-01T00:00")]
    at: Option<String>,
}

impl StoreLine {
    fn of(id: ProductId, name: String, measure: String, balance: Balance) -> StoreLine {
        StoreLine {
            id,
            name,
            measure,
            cost: balance.cost().to_string(),
            summ: balance.shown_value().to_string(),
            balance: balance.qty.to_string(),
        }
    }
}

/// Lists every product that has ever moved in the storage (by `at`, when given) with its
/// balance, average cost and value.
#[utoipa::path(
    get, path = "/draft/store/{caf_storage_id}", tag = "storage",
    params(("caf_storage_id" = i64, Path, description = "storage id"), StoreQuery),
    responses(
        (status = 200, body = Vec<StoreLine>),
        (status = 404, body = ErrorEnvelope),
        (status = 422, description = "`at` is not a date or an instant", body = ErrorEnvelope),
    ),
    security(("api_key" = []))
)]
async fn store(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    IdPath(storage_id): IdPath,
    Query(query): Query<StoreQuery>,
) -> ApiResult<Json<Vec<StoreLine>>> {
    let lines = store_lines(
        &state,
        &caller,
        StorageId::new(storage_id),
        query.at.as_deref(),
    )
    .await?;
    Ok(Json(lines))
}

/// A storage's balances now, or just before instant `at` (404 when there is no such storage).
pub async fn store_lines(
    state: &AppState,
    caller: &Caller,
    storage_id: StorageId,
    at: Option<&str>,
) -> ApiResult<Vec<StoreLine>> {
    if let Some(at) = at {
        let at = time::parse_instant(at, &caller.timezone)
            .map_err(|e| ApiError::unprocessable("at", e))?;
        let rows = stock_report::store_at(&state.db, caller.account_id, storage_id, at).await?;
        let lines = rows
            .into_iter()
            .map(|r| StoreLine::of(r.product_id, r.name, r.measure, r.balance))
            .collect();
        return Ok(lines);
    }
    let rows = stock::store(&state.db, caller.account_id, storage_id).await?;
    if rows.is_empty() && !objects::storage_exists(&state.db, caller.account_id, storage_id).await?
    {
        return Err(ApiError::NotFound(format!(
            "no storage with id {storage_id}"
        )));
    }
    Ok(rows
        .into_iter()
        .map(|row| {
            let balance = Balance {
                qty: row.qty,
                value: row.value,
            };
            StoreLine::of(row.product_id, row.name, row.measure, balance)
        })
        .collect())
}
