//! The HTTP API: one module per section of the contract, merged here under `/a/v1.0` and
//! `/a/v1.1`, with the OpenAPI description generated from the same route table (a route
//! cannot be added without being described: every section registers through `routes!`).

pub mod adjustments;
pub mod admin;
mod answers;
pub mod auth;
pub mod back_office;
pub mod caller;
pub mod clients;
pub mod delivery;
pub mod docs;
pub mod documents;
pub mod error;
pub mod exports;
pub mod extract;
pub mod feeds;
mod idempotency;
pub mod inventories;
pub mod invoices;
pub mod keys;
pub mod line_sales;
pub mod menu_import;
pub mod meta;
pub mod metrics;
pub mod modifiers;
pub mod moves;
pub mod objects;
pub mod observe;
pub mod paging;
pub mod pos;
pub mod products;
pub mod rate_limit;
pub mod returns;
pub mod sales_lists;
pub mod session;
pub mod stock_report;
pub mod stop_list;
pub mod storage;
pub mod tech_maps;
pub mod webhooks;
pub mod writeoffs;

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{header, Method, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use serde::Serialize;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::openapi::OpenApi as Spec;
use utoipa::{Modify, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;

use crate::db::Db;
use caller::KeyCache;
use error::ApiError;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState(Arc<State>);

impl std::ops::Deref for AppState {
    type Target = State;

    fn deref(&self) -> &State {
        &self.0
    }
}

/// The shared state behind [`AppState`]: one reference count for all of it, since every layer
/// clones the state for every request (a count per field cost a contended atomic each).
pub struct State {
    pub db: Db,
    pub keys: Arc<KeyCache>,
    pub spec: Arc<String>,
    /// The home page and the API reference, written from `spec` at start-up.
    pub pages: Arc<docs::Pages>,
    pub body_limit: usize,
    /// Wakes the job workers when a delivery job is accepted.
    pub jobs: Arc<crate::worker::Queue>,
    /// The `Idempotency-Key`s whose requests are running in this process.
    pub idempotency: Arc<idempotency::Running>,
    /// Every key's rate-limit bucket in this process.
    pub limits: Arc<rate_limit::Limiter>,
    /// The request counters `/metrics` shows.
    pub metrics: Arc<metrics::Metrics>,
    /// Whether webhook URLs may name private, loopback or link-local addresses.
    pub webhooks_allow_private: bool,
}

/// `{"success": true, "data": …}`, the envelope of most answers.
#[derive(Debug, Serialize, ToSchema)]
pub struct Envelope<T> {
    /// Always `true` here; failures use the error envelope.
    pub success: bool,
    pub data: T,
}

/// `{"id": N}`: what a create answers inside its envelope.
#[derive(Debug, Serialize, ToSchema)]
pub struct Created {
    pub id: i64,
}

/// `{"success": true}`: the bare answer of actions such as wire/unwire.
#[derive(Debug, Serialize, ToSchema)]
pub struct Success {
    pub success: bool,
}

impl<T> Envelope<T> {
    pub fn ok(data: T) -> Self {
        Envelope {
            success: true,
            data,
        }
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "caffesta",
        description = "A self-hostable back office speaking the Caffesta API. Envelopes and field \
names follow the vendor's documentation exactly, including its spellings (`workSpace_id`, \
`has_g_m_o`) and its differing envelopes (`{success,data}`, `{code,data}`, bare arrays and \
objects). Every path under `/a/v1.0` also answers under `/a/v1.1`. Errors always answer \
`{\"success\":false,\"data\":{\"error\":…,\"field\":…}}`. Request bodies are read as JSON \
whatever their Content-Type, as the vendor's own examples send none."
    ),
    modifiers(&ApiKeyScheme),
    components(schemas(error::ErrorEnvelope))
)]
struct ApiDoc;

struct ApiKeyScheme;

impl Modify for ApiKeyScheme {
    fn modify(&self, spec: &mut Spec) {
        let components = spec.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "X-API-KEY",
                "The account's API key (the vendor's examples send it as X-API_KEY; both are accepted)",
            ))),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                "caffesta_session",
                "A signed-in user's session (POST /admin/sign-in), on the admin API only: \
                 its role bounds what it may see and change, and every write carries the \
                 session's CSRF token in X-CSRF-Token (see GET /admin/v1/me)",
            ))),
        );
    }
}

/// The sections of the integration API, as mounted under each version prefix.
fn sections() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(auth::router())
        .merge(storage::router())
        .merge(invoices::router())
        .merge(moves::router())
        .merge(products::router())
        .merge(tech_maps::router())
        .merge(menu_import::router())
        .merge(adjustments::router())
        .merge(writeoffs::router())
        .merge(inventories::router())
        .merge(returns::router())
        .merge(stock_report::router())
        .merge(pos::router())
        .merge(stop_list::router())
        .merge(delivery::router())
        .merge(feeds::router())
        .merge(exports::router())
        .merge(line_sales::router())
}

/// How often stored idempotency answers past their retention are forgotten.
const IDEMPOTENCY_PURGE_EVERY: std::time::Duration = std::time::Duration::from_mins(10);

/// The whole application and its OpenAPI description.
pub fn router(
    db: Db,
    config: &crate::config::HttpConfig,
    jobs: Arc<crate::worker::Queue>,
) -> Router {
    let (router, spec) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .nest("/a/v1.0", sections())
        .nest("/a/v1.1", sections())
        .nest(
            "/admin/v1",
            admin::router()
                .merge(webhooks::router())
                .merge(back_office::router())
                .merge(objects::router())
                .merge(clients::router())
                .merge(modifiers::router())
                .merge(keys::router())
                .merge(sales_lists::router())
                .merge(stock_report::admin_router()),
        )
        .merge(meta::router())
        .merge(metrics::router())
        .merge(docs::router())
        .split_for_parts();
    let mut spec = versioned_operation_ids(spec);
    answers::CommonAnswers.modify(&mut spec);
    let spec_json = spec
        .to_pretty_json()
        .unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    let state = AppState(Arc::new(State {
        db,
        keys: Arc::new(KeyCache::new(config.key_cache_ttl)),
        pages: Arc::new(docs::Pages::render(&spec_json)),
        spec: Arc::new(spec_json),
        body_limit: config.body_limit,
        jobs,
        idempotency: Arc::default(),
        limits: Arc::new(rate_limit::Limiter::new(config.rate_limit)),
        metrics: Arc::new(metrics::Metrics::new(
            config.metrics_token.as_ref().map(|t| t.0.as_str()),
        )),
        webhooks_allow_private: config.webhooks_allow_private,
    }));
    idempotency::spawn_purge(state.db.clone(), IDEMPOTENCY_PURGE_EVERY);
    router
        .merge(crate::ui::router())
        .fallback(unknown_route)
        .method_not_allowed_fallback(wrong_method)
        .layer(DefaultBodyLimit::max(config.body_limit))
        // one layer for what every request passes through, in this order: counted and logged
        // as it leaves (`observe`), its key resolved once and its budget spent (`rate_limit`,
        // outside the envelope guard so that its headers are on every answer), error answers
        // put in the envelope (`envelope_errors`), and a keyed POST served once
        // (`idempotency`). Plain calls, not a layer each: every `from_fn` layer clones the
        // stack beneath it and boxes a future per request, and four of them cost a request
        // about 20,000 instructions (measured with callgrind; see `benches/http.rs`)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            observe::layer,
        ))
        .with_state(state)
}

/// The same handlers answer under both version prefixes; operation ids must stay unique.
fn versioned_operation_ids(mut spec: Spec) -> Spec {
    for (path, item) in &mut spec.paths.paths {
        if !path.starts_with("/a/v1.1/") {
            continue;
        }
        let operations = [
            &mut item.get,
            &mut item.post,
            &mut item.put,
            &mut item.delete,
            &mut item.patch,
        ];
        for operation in operations.into_iter().flatten() {
            if let Some(id) = &operation.operation_id {
                operation.operation_id = Some(format!("{id}_v1_1"));
            }
        }
    }
    spec
}

async fn unknown_route(method: Method, uri: Uri) -> ApiError {
    ApiError::NotFound(format!("no such endpoint: {method} {}", uri.path()))
}

async fn wrong_method(method: Method) -> ApiError {
    ApiError::MethodNotAllowed(method.to_string())
}

/// Past the rate limiter: [`envelope_errors`] around [`idempotency::guard`].
async fn guarded(state: &AppState, request: Request<Body>, next: Next) -> Response {
    envelope_errors(idempotency::guard(state, request, next).await)
}

/// A last guard: any error answer that is not already JSON (from a layer or an extractor
/// outside our control) is replaced by the envelope with the same status.
fn envelope_errors(response: Response) -> Response {
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    // JSON errors are the API's own; HTML ones are the admin UI's pages
    let written = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json") || v.starts_with("text/html"));
    if written {
        return response;
    }
    let message = match status {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge.to_string(),
        other => other
            .canonical_reason()
            .unwrap_or("request failed")
            .to_lowercase(),
    };
    let mut wrapped = error::envelope(status, message, None);
    for name in [header::RETRY_AFTER, header::ALLOW] {
        if let Some(value) = response.headers().get(&name) {
            wrapped.headers_mut().insert(name, value.clone());
        }
    }
    wrapped
}
