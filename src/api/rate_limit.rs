//! Rate limits (API.md §0): every key has a budget of its own, terminal keys included, so one
//! integration can never starve a till.
//!
//! [`limit`] runs first for every request under the keyed prefixes ([`KEYED_PREFIXES`]) that
//! carries a key: it resolves the key once (leaving [`Resolved`] in the request's extensions
//! for the extractors), takes one request from the key's bucket, answers 429 with
//! `Retry-After` when it is spent, and puts the `RateLimit-Limit`, `RateLimit-Remaining` and
//! `RateLimit-Reset` headers on whatever is answered. Requests without a key, or on the
//! server's own paths (`/healthz`, `/metrics`, `/openapi.json`, `/docs`), are not limited.
//!
//! Buckets live in this process (a key served by two servers has a budget on each); the
//! arithmetic is [`crate::domain::rate_limit`]'s.

use crate::domain::ids::{AccountId, KeyId};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use axum::extract::Request;
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::caller::{self, Caller, Resolved, Via};
use super::error::ApiError;
use super::AppState;
use crate::domain::rate_limit::{Bucket, Budget, Decision};

/// The paths whose requests are made with a key, and so are limited.
pub const KEYED_PREFIXES: [&str; 2] = ["/a/", "/admin/v1/"];

const LIMIT: HeaderName = HeaderName::from_static("ratelimit-limit");
const REMAINING: HeaderName = HeaderName::from_static("ratelimit-remaining");
const RESET: HeaderName = HeaderName::from_static("ratelimit-reset");

/// Whose budget a request spends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BucketKey {
    /// An API key of any scope (`api`, `terminal`, `admin`); key ids are per account.
    Key {
        account_id: AccountId,
        key_id: KeyId,
    },
    /// A session of the admin web UI, apart from every key (for the UI to come: its sign-in
    /// resolves a session and spends this bucket, with the default budget).
    Session {
        account_id: AccountId,
        session_id: i64,
    },
}

/// Past this many buckets, full ones are forgotten (a full bucket is what a new one is).
const PRUNE_PAST: usize = 10_000;

/// The buckets of this process, and the default budget.
pub struct Limiter {
    default: Budget,
    /// The clock's origin: bucket times are microseconds since.
    epoch: Instant,
    buckets: Mutex<HashMap<BucketKey, Bucket>>,
}

impl Limiter {
    /// A limiter whose default budget is `rate` a second in bursts of twice that (0: none).
    pub fn new(rate: u32) -> Limiter {
        Limiter {
            default: Budget::default_of(rate),
            epoch: Instant::now(),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// The budget of a caller that has none of its own.
    pub fn default_budget(&self) -> Budget {
        self.default
    }

    /// Takes one request from `key`'s bucket under `budget`; `None` when the budget is
    /// unlimited (no bucket, no headers).
    pub fn take(&self, key: BucketKey, budget: Budget) -> Option<Decision> {
        let Budget::Limited { rate, burst } = budget else {
            return None;
        };
        let now = u64::try_from(self.epoch.elapsed().as_micros()).unwrap_or(u64::MAX);
        let mut buckets = self.buckets.lock().unwrap_or_else(PoisonError::into_inner);
        if buckets.len() >= PRUNE_PAST && !buckets.contains_key(&key) {
            buckets.retain(|_, bucket| !bucket.is_full_at(now));
        }
        let bucket = buckets
            .entry(key)
            .or_insert_with(|| Bucket::full(rate, burst, now));
        Some(bucket.take(rate, burst, now))
    }
}

/// Resolves the request's key and spends its budget; see the module documentation. Run by
/// the router's outermost layer, [`super::observe::layer`], which is also told whose request
/// it was (for its log line), when a key named a caller.
pub async fn limit(
    state: &AppState,
    mut request: Request,
    next: Next,
) -> (Response, Option<Arc<Caller>>) {
    let path = request.uri().path();
    let keyed = KEYED_PREFIXES.iter().any(|prefix| path.starts_with(prefix));
    if !keyed || !caller::has_key(request.headers()) {
        return (super::guarded(state, request, next).await, None);
    }
    let caller = match caller::resolve(state, request.headers()).await {
        Ok(caller) => caller,
        Err(ApiError::Unauthorized(why)) => {
            // an unknown key has no budget to spend; the handler answers 401
            request.extensions_mut().insert(Resolved::Refused(why));
            return (super::guarded(state, request, next).await, None);
        }
        // the database failed the look-up: the handler's extractor tries again and answers
        Err(_) => return (super::guarded(state, request, next).await, None),
    };
    request
        .extensions_mut()
        .insert(Resolved::Caller(Arc::clone(&caller)));
    let budget = caller.budget.unwrap_or(state.limits.default_budget());
    let Via::Key(key_id) = caller.via else {
        // only keys are resolved here; a session spends its own bucket where it is found
        return (super::guarded(state, request, next).await, Some(caller));
    };
    let bucket = BucketKey::Key {
        account_id: caller.account_id,
        key_id,
    };
    let decision = state.limits.take(bucket, budget);
    let mut response = match decision {
        Some(spent) if !spent.allowed => {
            ApiError::TooManyRequests(spent.retry_after_secs).into_response()
        }
        _ => super::guarded(state, request, next).await,
    };
    if let Some(decision) = decision {
        describe(response.headers_mut(), &decision);
    }
    (response, Some(caller))
}

/// The `RateLimit-*` headers: the bucket's size, whole requests left, seconds until full.
fn describe(headers: &mut HeaderMap, decision: &Decision) {
    headers.insert(LIMIT, HeaderValue::from(decision.limit));
    headers.insert(REMAINING, HeaderValue::from(decision.remaining));
    headers.insert(RESET, HeaderValue::from(decision.reset_secs));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_key_has_a_bucket_of_its_own_and_unlimited_budgets_have_none() {
        let limiter = Limiter::new(1);
        let till = BucketKey::Key {
            account_id: AccountId::new(1),
            key_id: KeyId::new(2),
        };
        let integration = BucketKey::Key {
            account_id: AccountId::new(1),
            key_id: KeyId::new(3),
        };
        let tight = Budget::Limited { rate: 1, burst: 1 };
        assert!(limiter.take(integration, tight).is_some_and(|d| d.allowed));
        assert!(limiter.take(integration, tight).is_some_and(|d| !d.allowed));
        assert!(limiter.take(till, tight).is_some_and(|d| d.allowed));
        assert_eq!(limiter.take(integration, Budget::Unlimited), None);
        assert_eq!(
            Limiter::new(0).default_budget(),
            Budget::Unlimited,
            "--rate-limit 0 turns the default off"
        );
    }
}
