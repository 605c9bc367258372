//! API section 1, auth (`reference/auth.md`): the test path that tells a key works.

use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::caller::ApiCaller;
use super::{AppState, Envelope};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(test))
}

#[derive(Serialize, ToSchema)]
pub struct TestData {
    /// Always `"test"`.
    id: &'static str,
}

/// Checks authentication: answers `{"success":true,"data":{"id":"test"}}` for a valid key.
#[utoipa::path(
    get, path = "/storage/test", tag = "auth",
    responses(
        (status = 200, body = Envelope<TestData>),
        (status = 401, description = "missing, wrong or revoked key, or a key of another account", body = super::error::ErrorEnvelope),
    ),
    security(("api_key" = []))
)]
async fn test(_caller: ApiCaller) -> Json<Envelope<TestData>> {
    Json(Envelope::ok(TestData { id: "test" }))
}
