//! Who is using the admin UI: the session cookie resolved to a signed-in user ([`Signed`]),
//! and forms checked against the session's CSRF token before anything reads them
//! ([`Posted`]).
//!
//! The session itself is found by [`crate::api::session`], which the admin JSON API shares.
//! Every form carries the session's CSRF token in
//! `_csrf`; a form without it, or with another, changes nothing.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use jiff::tz::TimeZone;
use serde::de::DeserializeOwned;
use serde::Deserialize;

use super::error::UiError;
use super::i18n::Lang;
pub use crate::api::session::{cookie, same, COOKIE};
use crate::api::session::{resolve, Refused};
use crate::api::AppState;
use crate::domain::ids::{AccountId, UserId};
use crate::domain::time;
use crate::domain::user::{Area, Role};
use crate::service::Actor;

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
        let found = resolve(state, &parts.headers)
            .await
            .map_err(|refused| match refused {
                Refused::None => UiError::SignIn,
                Refused::TooMany(seconds) => UiError::TooMany(seconds),
                Refused::Service(e) => UiError::from(e),
            })?;
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
