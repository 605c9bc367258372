//! Who is calling: the API key (`X-API-KEY`, or the vendor examples' `X-API_KEY`), checked
//! against the account named by the `Host` header (API.md §0, tenancy and auth).
//!
//! Key grants are cached by digest for a few seconds (configurable), so authentication costs
//! a hash and a map lookup rather than a query on every request; a key revoked from another
//! process stops working within that time.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use jiff::tz::TimeZone;

use super::error::ApiError;
use super::AppState;
use crate::db::{keys, Db};
use crate::domain::host::account_from_host;
use crate::domain::key::{self, Scope};

/// An authenticated caller: the account every query of the request is scoped to.
#[derive(Debug, Clone)]
pub struct Caller {
    pub account_id: i64,
    pub account_name: String,
    pub timezone: TimeZone,
    pub key_id: i64,
    pub scope: Scope,
    pub shop_id: Option<i64>,
}

impl Caller {
    /// The caller as the service layer knows it.
    pub fn actor(&self) -> crate::service::Actor {
        crate::service::Actor {
            account_id: self.account_id,
            user_id: self.key_id,
            timezone: self.timezone.clone(),
        }
    }
}

/// A caller of the integration API (`/a/…`): an `api` or `admin` key.
pub struct ApiCaller(pub Caller);

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let key = api_key(&parts.headers).ok_or_else(|| {
            ApiError::Unauthorized("missing API key: send it in the X-API-KEY header".into())
        })?;
        let caller = state
            .keys
            .grant(&state.db, key)
            .await?
            .ok_or_else(|| ApiError::Unauthorized("invalid or revoked API key".into()))?;
        let host = parts
            .headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or_default();
        match account_from_host(host) {
            Some(named) if named != caller.account_name => Err(ApiError::Unauthorized(format!(
                "this API key does not belong to account {named:?}"
            ))),
            _ => Ok((*caller).clone()),
        }
    }
}

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let caller = Caller::from_request_parts(parts, state).await?;
        match caller.scope {
            Scope::Api | Scope::Admin => Ok(ApiCaller(caller)),
            Scope::Terminal => Err(ApiError::Forbidden(
                "a terminal key cannot use the integration API".into(),
            )),
        }
    }
}

/// A caller of the point-of-sale API (`/a/…/pos/…`): a `terminal` key, acting for its shop.
pub struct TillCaller(pub crate::service::sales::Till);

impl FromRequestParts<AppState> for TillCaller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let caller = Caller::from_request_parts(parts, state).await?;
        match (caller.scope, caller.shop_id) {
            (Scope::Terminal, Some(shop_id)) => {
                let till = crate::service::sales::Till {
                    actor: caller.actor(),
                    shop_id,
                };
                Ok(TillCaller(till))
            }
            _ => Err(ApiError::Forbidden(
                "the point-of-sale API needs a terminal key bound to a shop".into(),
            )),
        }
    }
}

fn api_key(headers: &HeaderMap) -> Option<&str> {
    let value = headers
        .get("x-api-key")
        .or_else(|| headers.get("x-api_key"))?;
    value
        .to_str()
        .ok()
        .map(str::trim)
        .filter(|key| !key.is_empty())
}

/// Recently seen keys, by digest, with what they grant (or that they grant nothing).
pub struct KeyCache {
    ttl: Duration,
    entries: RwLock<HashMap<String, Cached>>,
}

/// When a digest was looked up, and what it granted (`None`: nothing).
type Cached = (Instant, Option<Arc<Caller>>);

/// Past this many entries the cache starts over, so random keys cannot grow it without bound.
const MAX_ENTRIES: usize = 50_000;

impl KeyCache {
    pub fn new(ttl: Duration) -> Self {
        KeyCache {
            ttl,
            entries: RwLock::new(HashMap::new()),
        }
    }

    /// What `key` grants, from the cache when fresh, else from the database.
    pub async fn grant(&self, db: &Db, key: &str) -> Result<Option<Arc<Caller>>, ApiError> {
        let digest = key::digest(key);
        if let Some(hit) = self.fresh(&digest) {
            return Ok(hit);
        }
        let grant = keys::find_live_by_digest(db, &digest)
            .await?
            .map(|g| Arc::new(caller_of(g)));
        if let Ok(mut entries) = self.entries.write() {
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
            entries.insert(digest, (Instant::now(), grant.clone()));
        }
        Ok(grant)
    }

    fn fresh(&self, digest: &str) -> Option<Option<Arc<Caller>>> {
        let entries = self.entries.read().ok()?;
        let (at, grant) = entries.get(digest)?;
        (at.elapsed() < self.ttl).then(|| grant.clone())
    }

    /// Forgets every cached grant (after a key is revoked in this process).
    pub fn clear(&self) {
        if let Ok(mut entries) = self.entries.write() {
            entries.clear();
        }
    }
}

fn caller_of(grant: keys::KeyGrant) -> Caller {
    Caller {
        account_id: grant.account_id,
        account_name: grant.account_name,
        // the zone was checked when the account was made; a zone later dropped from the
        // database of zones falls back to UTC rather than locking the account out
        timezone: TimeZone::get(&grant.timezone).unwrap_or(TimeZone::UTC),
        key_id: grant.key_id,
        scope: Scope::parse(&grant.scope).unwrap_or(Scope::Terminal),
        shop_id: grant.shop_id,
    }
}
