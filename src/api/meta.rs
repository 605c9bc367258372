//! Paths about the server itself, outside the vendor's API: health and the OpenAPI description.

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::error::{ApiError, ErrorEnvelope};
use super::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(healthz))
        .routes(routes!(openapi_json))
}

#[derive(Serialize, ToSchema)]
pub struct Health {
    /// `"ok"` when the database answers.
    status: &'static str,
}

/// Health check: answers 200 when the server and its database answer, else 503.
#[utoipa::path(
    get, path = "/healthz", tag = "meta",
    responses((status = 200, body = Health), (status = 503, body = ErrorEnvelope))
)]
async fn healthz(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    state.db.ping().await.map_err(|e| {
        tracing::warn!(error = %e, "health check failed");
        ApiError::Unavailable
    })?;
    Ok(Json(Health { status: "ok" }))
}

/// This OpenAPI 3.1 description, generated from the route table.
#[utoipa::path(get, path = "/openapi.json", tag = "meta", responses((status = 200, description = "the description")))]
async fn openapi_json(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        state.spec.as_str().to_owned(),
    )
}
