//! Who is calling: the API key (`X-API-KEY`, or the vendor examples' `X-API_KEY`), checked
//! against the account named by the `Host` header (API.md §0, tenancy and auth).
//!
//! Key grants are cached by digest for a few seconds (configurable), so authentication costs
//! a hash and a map lookup rather than a query on every request; a key revoked from another
//! process stops working within that time.
//!
//! A request's key is resolved once: the rate limiter (`super::rate_limit`) resolves it before
//! anything else runs and leaves the outcome in the request's extensions ([`Resolved`]), where
//! the extractors below and the idempotency layer find it.

use crate::domain::ids::{AccountId, KeyId, ShopId, UserId};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use axum::extract::{FromRequestParts, OriginalUri};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, Method};
use jiff::tz::TimeZone;

use super::error::ApiError;
use super::session;
use super::AppState;
use crate::db::{keys, Db};
use crate::domain::host::account_from_host;
use crate::domain::key::{self, Scope};
use crate::domain::rate_limit::Budget;
use crate::domain::user::{Area, Role};

/// An authenticated caller: the account every query of the request is scoped to.
#[derive(Debug, Clone)]
pub struct Caller {
    pub account_id: AccountId,
    pub account_name: String,
    pub timezone: TimeZone,
    /// How the caller proved who it is.
    pub via: Via,
    pub scope: Scope,
    pub shop_id: Option<ShopId>,
    /// The key's own rate limit; `None`: the server's default.
    pub budget: Option<Budget>,
}

/// How a caller proved who it is: an API key, or (on the admin API only) a signed-in user's
/// session, whose role then bounds what it may do.
#[derive(Debug, Clone)]
pub enum Via {
    Key(KeyId),
    Session {
        user_id: UserId,
        login: String,
        role: Role,
        /// The session's CSRF token, which its writes must carry in [`session::CSRF_HEADER`].
        csrf: String,
    },
}

/// What the request's key was resolved to, once per request (see the module documentation).
#[derive(Debug, Clone)]
pub enum Resolved {
    /// The key is live and belongs to the `Host`'s account.
    Caller(Arc<Caller>),
    /// The key was refused (unknown, revoked, of another account): why, for the 401.
    Refused(String),
}

/// Whether the request carries an API key at all.
pub fn has_key(headers: &HeaderMap) -> bool {
    api_key(headers).is_some()
}

/// Who the request's key names: its grant (from the cache, else the database), checked
/// against the account the `Host` names.
pub async fn resolve(state: &AppState, headers: &HeaderMap) -> Result<Arc<Caller>, ApiError> {
    let key = api_key(headers).ok_or_else(|| {
        ApiError::Unauthorized("missing API key: send it in the X-API-KEY header".into())
    })?;
    let caller = state
        .keys
        .grant(&state.db, key)
        .await?
        .ok_or_else(|| ApiError::Unauthorized("invalid or revoked API key".into()))?;
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default();
    match account_from_host(host) {
        Some(named) if named != caller.account_name => Err(ApiError::Unauthorized(format!(
            "this API key does not belong to account {named:?}"
        ))),
        _ => Ok(caller),
    }
}

impl Caller {
    /// The caller as the service layer knows it.
    pub fn actor(&self) -> crate::service::Actor {
        crate::service::Actor {
            account_id: self.account_id,
            user_id: match &self.via {
                Via::Key(key_id) => key_id.get(),
                Via::Session { user_id, .. } => user_id.get(),
            },
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
        let caller = match parts.extensions.get::<Resolved>() {
            Some(Resolved::Caller(caller)) => Arc::clone(caller),
            Some(Resolved::Refused(why)) => return Err(ApiError::Unauthorized(why.clone())),
            // not resolved before (a path the limiter does not watch, or the database failed
            // it): resolve here
            None => resolve(state, &parts.headers).await?,
        };
        Ok((*caller).clone())
    }
}

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let refusal = "a terminal key cannot use the integration API";
        scoped(parts, state, &[Scope::Api, Scope::Admin], refusal)
            .await
            .map(ApiCaller)
    }
}

/// The caller, when its key's scope is one of `allowed`; 403 with `refusal` otherwise.
async fn scoped(
    parts: &mut Parts,
    state: &AppState,
    allowed: &[Scope],
    refusal: &str,
) -> Result<Caller, ApiError> {
    let caller = Caller::from_request_parts(parts, state).await?;
    if allowed.contains(&caller.scope) {
        Ok(caller)
    } else {
        Err(ApiError::Forbidden(refusal.into()))
    }
}

/// A caller of the admin API (`/admin/v1/…`): an `admin` key, or a signed-in user's session
/// (API.md §10) whose role may see what is read and change what is written, each write
/// carrying the session's CSRF token.
pub struct AdminCaller(pub Caller);

impl FromRequestParts<AppState> for AdminCaller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if uses_session(&parts.headers) {
            let caller = session_caller(parts, state).await?;
            admit(&caller, parts)?;
            return Ok(AdminCaller(caller));
        }
        scoped(
            parts,
            state,
            &[Scope::Admin],
            "the admin API needs an admin key or a signed-in user's session",
        )
        .await
        .map(AdminCaller)
    }
}

/// Whether a request proves itself with a session cookie rather than an API key (a key wins
/// when both are sent).
fn uses_session(headers: &HeaderMap) -> bool {
    !has_key(headers) && session::cookie(headers, session::COOKIE).is_some()
}

/// The caller of a request that carries an Idempotency-Key: its key, else (on the admin API)
/// its session, already bounded by its role and CSRF token, so that a stored answer is never
/// replayed to a session that may not make the request.
pub async fn admin_or_key(parts: &mut Parts, state: &AppState) -> Result<Caller, ApiError> {
    let path = original_path(parts);
    if path.starts_with("/admin/v1/") && uses_session(&parts.headers) {
        let caller = session_caller(parts, state).await?;
        admit(&caller, parts)?;
        Ok(caller)
    } else {
        Caller::from_request_parts(parts, state).await
    }
}

impl Caller {
    /// Who this caller is within its account (a key or a user), for what must not pass from
    /// one caller to another, such as a stored answer.
    pub fn identity(&self) -> String {
        match &self.via {
            Via::Key(key_id) => format!("key {key_id}"),
            Via::Session { user_id, .. } => format!("user {user_id}"),
        }
    }
}

/// The request's session as a caller, resolved once per request (kept in its extensions).
async fn session_caller(parts: &mut Parts, state: &AppState) -> Result<Caller, ApiError> {
    if let Some(Resolved::Caller(caller)) = parts.extensions.get::<Resolved>() {
        return Ok((**caller).clone());
    }
    let found = session::resolve(state, &parts.headers)
        .await
        .map_err(|refused| match refused {
            session::Refused::None => ApiError::Unauthorized(
                "no live session: sign in at /admin/sign-in, or send an X-API-KEY".into(),
            ),
            session::Refused::TooMany(seconds) => ApiError::TooManyRequests(seconds),
            session::Refused::Service(e) => ApiError::from(e),
        })?;
    let caller = Caller {
        account_id: found.account_id,
        account_name: found.account_name,
        timezone: TimeZone::get(&found.timezone).unwrap_or(TimeZone::UTC),
        via: Via::Session {
            user_id: found.user_id,
            login: found.login,
            role: found.role,
            csrf: found.csrf,
        },
        scope: Scope::Admin,
        shop_id: None,
        budget: None,
    };
    parts
        .extensions
        .insert(Resolved::Caller(Arc::new(caller.clone())));
    Ok(caller)
}

/// Refuses (403) a session whose role may not see (read) or change (write) the part of the
/// back office the path is about, and a session's write without its CSRF token.
fn admit(caller: &Caller, parts: &Parts) -> Result<(), ApiError> {
    let Via::Session { role, csrf, .. } = &caller.via else {
        return Ok(());
    };
    let area = area_of(original_path(parts));
    let reads = parts.method == Method::GET || parts.method == Method::HEAD;
    if reads {
        if !role.may_see(area) {
            return Err(ApiError::Forbidden(format!(
                "a {role} may not see this",
                role = role.as_str()
            )));
        }
        return Ok(());
    }
    if !role.may_change(area) {
        return Err(ApiError::Forbidden(format!(
            "a {role} may not change this",
            role = role.as_str()
        )));
    }
    let sent = parts
        .headers
        .get(session::CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if session::same(sent, csrf) {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "a session's write needs its CSRF token in X-CSRF-Token (GET /admin/v1/me)".into(),
        ))
    }
}

/// The request's path as sent, before a nested router stripped its prefix.
fn original_path(parts: &Parts) -> &str {
    parts
        .extensions
        .get::<OriginalUri>()
        .map_or(parts.uri.path(), |uri| uri.0.path())
}

/// The part of the back office an admin API path is about, for the session's role.
pub fn area_of(path: &str) -> Area {
    let rest = path.strip_prefix("/admin/v1").unwrap_or(path);
    let mut segments = rest.trim_start_matches('/').split('/');
    let first = segments.next().unwrap_or_default();
    if rest.contains("/stop_list") {
        return Area::Catalog;
    }
    match first {
        "users" | "keys" | "webhooks" => Area::Access,
        "documents" | "reports" | "check" => Area::Documents,
        "products" | "menus" | "modifier_groups" | "minimums" | "categories" => Area::Catalog,
        "clients" | "discount_groups" | "orders" | "receipts" | "shifts" | "jobs" | "dashboard" => {
            Area::Sales
        }
        // storages, shops, taxes, payment types, employees, settings, and anything new:
        // what an owner or a manager may change
        _ => Area::Settings,
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

    #[expect(
        clippy::option_option,
        reason = "outer None is a cache miss, inner None a cached unknown key"
    )]
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
        via: Via::Key(grant.key_id),
        scope: grant.scope,
        shop_id: grant.shop_id,
        budget: grant.budget,
    }
}
