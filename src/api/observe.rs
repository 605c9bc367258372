//! What every request leaves behind (API.md §13): its counts in [`super::metrics`] and one
//! `info` log line with its request id, account, route template, method, status and latency.
//!
//! The line names the account only by name, from the key the rate limiter resolved (`-` when
//! none did); no header is ever logged, so no key, password or cookie can reach the log. It
//! is written when the answer's headers are ready, before its body is sent.

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::HeaderName;
use axum::middleware::Next;
use axum::response::Response;

use super::metrics::UNMATCHED;
use super::AppState;

/// The request id header: kept from the client or made up by the server's outer layer
/// (`crate::server::app`), echoed in the answer and written in the log line.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Counts and logs the request, which the rate limiter ([`super::rate_limit::limit`]) sees
/// next; see the module documentation. The router's one layer (see `super::router`).
pub async fn layer(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    // the template (`/a/v1.0/storage/invoices/{id}`), never the path: ids would make a
    // label per object
    let route = request.extensions().get::<MatchedPath>().cloned();
    let method = request.method().clone();
    let request_id = request.headers().get(&REQUEST_ID).cloned();
    let (response, caller) = super::rate_limit::limit(&state, request, next).await;
    let latency_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
    let route = route.as_ref().map_or(UNMATCHED, MatchedPath::as_str);
    let status = response.status().as_u16();
    state.metrics.record(route, &method, status, latency_us);
    let account = caller
        .as_ref()
        .map_or("-", |caller| caller.account_name.as_str());
    let request_id = request_id
        .as_ref()
        .and_then(|id| id.to_str().ok())
        .unwrap_or("-");
    tracing::info!(
        target: "caffesta::request",
        request_id,
        account,
        route,
        method = method.as_str(),
        status,
        latency_us,
        "answered"
    );
    response
}
