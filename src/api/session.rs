//! A signed-in user's session, found from its cookie (API.md §10): what the admin UI's pages
//! and the admin JSON API both accept as a caller.
//!
//! The cookie is `HttpOnly` and `SameSite=Strict`, scoped to `/admin`; it carries a random
//! token that the database holds only as a digest. A session found on a host that names
//! another account is no session there. Each session spends its own rate-limit bucket.

use axum::http::{header, HeaderMap};

use super::rate_limit::BucketKey;
use super::AppState;
use crate::db::users::SessionRow;
use crate::domain::host::account_from_host;
use crate::service::{users, ServiceError};

/// The session cookie's name.
pub const COOKIE: &str = "caffesta_session";

/// The header a session's write to the admin API carries its CSRF token in.
pub const CSRF_HEADER: &str = "x-csrf-token";

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

/// Why a request has no usable session.
#[derive(Debug)]
pub enum Refused {
    /// No cookie, or it names no live session of the host's account.
    None,
    /// The session's budget is spent: retry after this many seconds.
    TooMany(u64),
    /// The database failed.
    Service(ServiceError),
}

/// The live session the request's cookie names, checked against the `Host`'s account, its
/// rate-limit budget spent by one request.
pub async fn resolve(state: &AppState, headers: &HeaderMap) -> Result<SessionRow, Refused> {
    let token = cookie(headers, COOKIE).ok_or(Refused::None)?;
    let found = users::session(&state.db, token)
        .await
        .map_err(Refused::Service)?
        .ok_or(Refused::None)?;
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .and_then(account_from_host);
    if host.is_some_and(|name| name != found.account_name) {
        return Err(Refused::None);
    }
    let bucket = BucketKey::Session {
        account_id: found.account_id,
        session_id: session_number(token),
    };
    let budget = state.limits.default_budget();
    if let Some(spent) = state.limits.take(bucket, budget) {
        if !spent.allowed {
            return Err(Refused::TooMany(spent.retry_after_secs));
        }
    }
    Ok(found)
}

/// A number for the session's rate-limit bucket, from its token.
fn session_number(token: &str) -> i64 {
    let digest = crate::domain::key::digest(token);
    i64::from_str_radix(digest.get(..15).unwrap_or("0"), 16).unwrap_or(0)
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
