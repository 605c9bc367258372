//! `Idempotency-Key` on every POST of the API (API.md §0): a retry with the same key and body
//! gets the first answer and writes nothing; the same key with another body gets 422.
//!
//! Exactly once across crashes: the request runs inside a [`Hold`], so its write is not
//! committed by the handler but here, together with the answer it produced. A crash before
//! that commit leaves nothing (a retry runs afresh); after it, the retry gets the answer.
//! While a request with a key runs in this process, another with the same key gets 409; a
//! second server racing the same key loses at the stored answer's primary key, rolls its
//! write back and replays the winner's answer. Answers are kept
//! [`idempotency::RETENTION_SECS`].

use crate::domain::ids::AccountId;
use std::collections::HashSet;
use std::sync::{Arc, Mutex, PoisonError};

use axum::body::{to_bytes, Body};
use axum::extract::Request;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use super::caller;
use super::error::ApiError;
use super::AppState;
use crate::db::held::Hold;
use crate::db::idempotency::{self, Stored};
use crate::db::{self, Db};
use crate::domain::time;

const HEADER: &str = "idempotency-key";
const MAX_KEY_LEN: usize = 255;

/// Serves `request` once per key (see the module documentation); called by the router's one
/// layer (`super::observe::layer`), innermost.
pub async fn guard(state: &AppState, request: Request, next: Next) -> Response {
    if request.method() != Method::POST || !request.headers().contains_key(HEADER) {
        return next.run(request).await;
    }
    match serve(state, request, next).await {
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
    let caller = caller::admin_or_key(&mut parts, state).await?;
    let bytes = to_bytes(body, state.body_limit)
        .await
        .map_err(|_| ApiError::PayloadTooLarge)?;
    let request_hash = {
        let mut digest = Sha256::new();
        // the caller is part of the request: another key or user of the account reusing the
        // Idempotency-Key is refused (422), never handed the first caller's answer
        digest.update(caller.identity());
        digest.update([0]);
        digest.update(parts.method.as_str());
        digest.update(parts.uri.path());
        digest.update([0]);
        digest.update(&bytes);
        hex::encode(digest.finalize())
    };
    let account_id = caller.account_id;
    let db = &state.db;
    if let Some(stored) = idempotency::find(db, account_id, &key, time::now_unix()).await? {
        return replay(stored, &request_hash);
    }
    let Some(_running) = state.idempotency.enter(account_id, &key) else {
        return Err(ApiError::Conflict(
            "a request with this Idempotency-Key is still being served; retry shortly".into(),
        ));
    };
    // the request that held the key may have finished between the look-up and the entry
    if let Some(stored) = idempotency::find(db, account_id, &key, time::now_unix()).await? {
        return replay(stored, &request_hash);
    }
    let hold = Hold::default();
    let response = hold
        .scope(next.run(Request::from_parts(parts, Body::from(bytes))))
        .await;
    let (parts, body) = response.into_parts();
    let bytes = to_bytes(body, usize::MAX)
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let answer = Stored {
        request_hash,
        status: parts.status.as_u16(),
        body: String::from_utf8_lossy(&bytes).into_owned(),
    };
    if !remember(db, hold, account_id, &key, &answer).await? {
        // another server answered this key first: its answer stands, this write is undone
        return match idempotency::find(db, account_id, &key, time::now_unix()).await? {
            Some(stored) => replay(stored, &answer.request_hash),
            None => Err(ApiError::Conflict(
                "a request with this Idempotency-Key was served concurrently; retry".into(),
            )),
        };
    }
    Ok(Response::from_parts(parts, Body::from(bytes)))
}

/// Stores the answer: with the request's held write when it made one (both commit or
/// neither), else on its own for a refusal (nothing was written, so a lost answer only means
/// the retry runs again). A 5xx without a write is not stored, so a retry can succeed. `false`
/// when another server stored an answer for the key first.
async fn remember(
    db: &Db,
    hold: Hold,
    account_id: AccountId,
    key: &str,
    answer: &Stored,
) -> Result<bool, ApiError> {
    let now = time::now_unix();
    let mut tx = match hold.take() {
        Some(tx) => tx,
        None if answer.status >= 500 => return Ok(true),
        None => db.begin_write().await?,
    };
    if !idempotency::record(&mut tx, account_id, key, answer, now).await? {
        return Ok(false);
    }
    db::commit(tx).await?;
    Ok(true)
}

/// The stored answer, if it was given to the same request; 422 for another request.
fn replay(stored: Stored, request_hash: &str) -> Result<Response, ApiError> {
    if stored.request_hash != request_hash {
        return Err(ApiError::unprocessable(
            "Idempotency-Key",
            "this key was already used for a different request",
        ));
    }
    let status = StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK);
    let mut response = (status, stored.body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert("idempotent-replayed", HeaderValue::from_static("true"));
    Ok(response)
}

/// The keys whose requests are running in this process.
#[derive(Default)]
pub struct Running(Mutex<HashSet<(AccountId, String)>>);

impl Running {
    /// Marks the key as running until the returned guard drops; `None` when it already is.
    fn enter(self: &Arc<Self>, account_id: AccountId, key: &str) -> Option<RunningGuard> {
        let entry = (account_id, key.to_owned());
        let inserted = self
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(entry.clone());
        inserted.then(|| RunningGuard {
            running: Arc::clone(self),
            entry,
        })
    }
}

struct RunningGuard {
    running: Arc<Running>,
    entry: (AccountId, String),
}

impl Drop for RunningGuard {
    fn drop(&mut self) {
        self.running
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&self.entry);
    }
}

/// Forgets stored answers past the retention, every `every` (a task of the server).
pub fn spawn_purge(db: Db, every: std::time::Duration) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            match idempotency::purge(&db, time::now_unix()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(purged = n, "idempotency keys past retention forgotten"),
                Err(e) => tracing::warn!(error = %e, "idempotency purge failed"),
            }
        }
    });
}
