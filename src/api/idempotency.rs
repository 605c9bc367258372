//! `Idempotency-Key` on every POST of the API: a retry with the same key and body gets the
//! first answer and writes nothing; the same key with another body gets 422.
//!
//! The key is claimed (a row per account and key) before the handler runs, so of two
//! concurrent requests with one key only one is served; the other learns that the first is
//! in progress (409) and may retry. An answer of 5xx gives the claim up so a retry can run.

use axum::body::{to_bytes, Body};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use super::caller::Caller;
use super::error::ApiError;
use super::AppState;
use crate::db::idempotency::{self, Claim};
use crate::domain::time;

const HEADER: &str = "idempotency-key";
const MAX_KEY_LEN: usize = 255;

pub async fn layer(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if request.method() != Method::POST || !request.headers().contains_key(HEADER) {
        return next.run(request).await;
    }
    match serve(&state, request, next).await {
        Ok(response) => response,
        Err(error) => error.into_response(),
    }
}

async fn serve(state: &AppState, request: Request, next: Next) -> Result<Response, ApiError> {
    let key = request
        .headers()
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|k| !k.is_empty() && k.len() <= MAX_KEY_LEN)
        .ok_or_else(|| {
            ApiError::unprocessable(
                "Idempotency-Key",
                "the key must be 1-255 visible characters",
            )
        })?
        .to_owned();
    let (mut parts, body) = request.into_parts();
    let caller = Caller::from_request_parts(&mut parts, state).await?;
    let bytes = to_bytes(body, state.body_limit)
        .await
        .map_err(|_| ApiError::PayloadTooLarge)?;
    let request_hash = {
        let mut digest = Sha256::new();
        digest.update(parts.method.as_str());
        digest.update(parts.uri.path());
        digest.update([0]);
        digest.update(&bytes);
        hex::encode(digest.finalize())
    };
    let account_id = caller.account_id;
    match idempotency::claim(&state.db, account_id, &key, &request_hash, time::now_unix()).await? {
        Claim::Done {
            request_hash: first,
            ..
        }
        | Claim::InProgress {
            request_hash: first,
        } if first != request_hash => Err(ApiError::unprocessable(
            "Idempotency-Key",
            "this key was already used for a different request",
        )),
        Claim::InProgress { .. } => Err(ApiError::Conflict(
            "a request with this Idempotency-Key is still being served; retry shortly".into(),
        )),
        Claim::Done { status, body, .. } => Ok(replay(status, body)),
        Claim::New => {
            let response = next
                .run(Request::from_parts(parts, Body::from(bytes)))
                .await;
            remember(state, account_id, &key, response).await
        }
    }
}

/// Stores the first answer and hands it on.
async fn remember(
    state: &AppState,
    account_id: i64,
    key: &str,
    response: Response,
) -> Result<Response, ApiError> {
    let (parts, body) = response.into_parts();
    let bytes = to_bytes(body, usize::MAX)
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    if parts.status.is_server_error() {
        idempotency::release(&state.db, account_id, key).await?;
    } else {
        let text = String::from_utf8_lossy(&bytes);
        idempotency::complete(&state.db, account_id, key, parts.status.as_u16(), &text).await?;
    }
    Ok(Response::from_parts(parts, Body::from(bytes)))
}

fn replay(status: u16, body: String) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert("idempotent-replayed", HeaderValue::from_static("true"));
    response
}
