//! Who is using the admin UI: the session cookie resolved to a signed-in user ([`Signed`]),
//! and forms checked against the session's CSRF token before anything reads them
//! ([`Posted`]).
//!
//! The cookie is `HttpOnly` and `SameSite=Strict`, scoped to `/admin`; it carries a random
//! token that the database holds only as a digest. A session found on a host that names
//! another account is no session there. Every form carries the session's CSRF token in
//! `_csrf`; a form without it, or with another, changes nothing.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use jiff::tz::TimeZone;
use serde::de::DeserializeOwned;
use serde::Deserialize;

use super::error::UiError;
use super::i18n::Lang;
use crate::api::rate_limit::BucketKey;
use crate::api::AppState;
use crate::domain::host::account_from_host;
use crate::domain::ids::{AccountId, UserId};
use crate::domain::time;
use crate::domain::user::{Area, Role};
use crate::service::{users, Actor};

/// The session cookie's name.
pub const COOKIE: &str = "caffesta_session";

/// The value of cookie `name` in a request's `Cookie` headers.
pub fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The `Set-Cookie` value that stores `value` under `name` for the UI's paths.
pub fn set_cookie(name: &str, value: &str, max_age: Option<i64>) -> String {
    let age = max_age.map_or(String::new(), |s| format!("; Max-Age={s}"));
    format!("{name}={value}; Path=/admin; HttpOnly; SameSite=Strict{age}")
}

/// A signed-in user of the UI, on a request.
#[derive(Debug, Clone)]
pub struct Signed {
    pub account_id: AccountId,
    pub account_name: String,
    pub timezone: TimeZone,
    pub user_id: UserId,
    pub login: String,
    pub role: Role,
    pub csrf: String,
    pub lang: Lang,
}

impl Signed {
    /// The actor of the services this user's actions call.
    pub fn actor(&self) -> Actor {
        Actor {
            account_id: self.account_id,
            user_id: self.user_id.get(),
            timezone: self.timezone.clone(),
        }
    }

    /// Refuses (403) unless the user's role may change `area`.
    pub fn may_change(&self, area: Area) -> Result<(), UiError> {
        if self.role.may_change(area) {
            Ok(())
        } else {
            Err(UiError::Forbidden)
        }
    }

    /// Refuses (403) unless the user's role may see `area`.
    pub fn may_see(&self, area: Area) -> Result<(), UiError> {
        if self.role.may_see(area) {
            Ok(())
        } else {
            Err(UiError::Forbidden)
        }
    }
}

impl FromRequestParts<AppState> for Signed {
    type Rejection = UiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(signed) = parts.extensions.get::<Arc<Signed>>() {
            return Ok(Signed::clone(signed));
        }
        let token = cookie(&parts.headers, COOKIE).ok_or(UiError::SignIn)?;
        let found = users::session(&state.db, token)
            .await?
            .ok_or(UiError::SignIn)?;
        let host = parts
            .headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .and_then(account_from_host);
        if host.is_some_and(|name| name != found.account_name) {
            return Err(UiError::SignIn);
        }
        let bucket = BucketKey::Session {
            account_id: found.account_id,
            session_id: session_number(token),
        };
        let budget = state.limits.default_budget();
        if let Some(spent) = state.limits.take(bucket, budget) {
            if !spent.allowed {
                return Err(UiError::TooMany(spent.retry_after_secs));
            }
        }
        let signed = Signed {
            account_id: found.account_id,
            account_name: found.account_name,
            timezone: time::parse_timezone(&found.timezone).unwrap_or(TimeZone::UTC),
            user_id: found.user_id,
            login: found.login,
            role: found.role,
            csrf: found.csrf,
            lang: Lang::of(&parts.headers),
        };
        parts.extensions.insert(Arc::new(signed.clone()));
        Ok(signed)
    }
}

/// A number for the session's rate-limit bucket, from its token.
fn session_number(token: &str) -> i64 {
    let digest = crate::domain::key::digest(token);
    i64::from_str_radix(digest.get(..15).unwrap_or("0"), 16).unwrap_or(0)
}

/// A form posted by a signed-in user, its CSRF token checked before the form is read.
pub struct Posted<F> {
    pub signed: Signed,
    pub form: F,
}

#[derive(Deserialize)]
struct CsrfField {
    #[serde(rename = "_csrf", default)]
    csrf: String,
}

impl<F: DeserializeOwned + Send> FromRequest<AppState> for Posted<F> {
    type Rejection = UiError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = request.into_parts();
        let signed = Signed::from_request_parts(&mut parts, state).await?;
        let bytes = Bytes::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(|e| UiError::Invalid(e.body_text()))?;
        let sent: CsrfField = serde_urlencoded::from_bytes(&bytes).map_err(|_| UiError::BadForm)?;
        if !same(&sent.csrf, &signed.csrf) {
            return Err(UiError::BadForm);
        }
        let form =
            serde_urlencoded::from_bytes(&bytes).map_err(|e| UiError::Invalid(e.to_string()))?;
        Ok(Posted { signed, form })
    }
}

/// Compares two tokens in time that depends only on their lengths.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_found_by_name_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            "a=1; caffesta_session=abc; b=2"
                .parse()
                .expect("test value"),
        );
        assert_eq!(cookie(&headers, COOKIE), Some("abc"));
        assert_eq!(cookie(&headers, "c"), None);
    }

    #[test]
    fn tokens_compare_whole() {
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd"));
        assert!(!same("abc", "ab"));
        assert!(!same("", "a"));
    }
}
