//! API section 2, storage (`reference/storage.md`): the storages of the account.

use axum::extract::State;
use axum::Json;
use serde::ser::{Serialize, SerializeMap, Serializer};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::caller::ApiCaller;
use super::error::{ApiResult, ErrorEnvelope};
use super::AppState;
use crate::db::objects;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_storages))
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

/// Lists the live storages of the account as a bare object, id → `"(id:N) name"`.
#[utoipa::path(
    get, path = "/draft/storages", tag = "storage",
    responses(
        (status = 200, body = std::collections::BTreeMap<String, String>,
            example = json!({"1": "(id:1) Склад кафе Буран", "2": "(id:2) Общий склад"})),
        (status = 401, body = ErrorEnvelope),
    ),
    security(("api_key" = []))
)]
async fn list_storages(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
) -> ApiResult<Json<StorageList>> {
    let storages = objects::live_storages(state.db.reader(), caller.account_id).await?;
    Ok(Json(StorageList(storages)))
}
