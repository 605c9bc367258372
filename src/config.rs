//! Typed configuration, from flags and environment variables (see the README's table).
//! Passed down explicitly; there is no global configuration.

use std::fmt;
use std::net::SocketAddr;
use std::time::Duration;

/// A database URL whose password never reaches a log line.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl(pub String);

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", redact(&self.0))
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", redact(&self.0))
    }
}

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`.
fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((userinfo, host)) = rest.split_once('@') else {
        return url.to_owned();
    };
    match userinfo.split_once(':') {
        Some((user, _password)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
}

/// A secret from the configuration (a token): never shown by `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(pub String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// Settings of the HTTP layer.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    /// Largest request body accepted, in bytes; larger ones answer 413.
    pub body_limit: usize,
    /// How long a checked API key is trusted before it is looked up again.
    pub key_cache_ttl: Duration,
    /// Job workers to run (0: accept jobs, leave them to other servers).
    pub workers: usize,
    /// How long a connection may take to send a request's headers (from its first byte, or
    /// from the connection's opening for its first request); then it is answered 408 and
    /// closed.
    pub header_timeout: Duration,
    /// How long a connection may sit idle between requests before it is closed.
    pub keep_alive_timeout: Duration,
    /// Requests a second each key may make unless it has its own limit, in bursts of twice
    /// that (API.md §0); 0: keys without their own limit are not limited.
    pub rate_limit: u32,
    /// The bearer token `GET /metrics` requires; `None`: it is open.
    pub metrics_token: Option<Secret>,
    /// Whether this server sends webhook deliveries (off: it records events and leaves them
    /// to other servers on the database, or to a test's own clock).
    pub webhook_sender: bool,
    /// Whether webhooks may be delivered to private, loopback or link-local addresses.
    pub webhooks_allow_private: bool,
}

/// The published default rate limit of a key, in requests a second (README, "Rate limits").
pub const DEFAULT_RATE_LIMIT: u32 = 200;

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            body_limit: 16 * 1024 * 1024,
            key_cache_ttl: Duration::from_secs(5),
            workers: 1,
            header_timeout: Duration::from_secs(10),
            keep_alive_timeout: Duration::from_mins(1),
            rate_limit: DEFAULT_RATE_LIMIT,
            metrics_token: None,
            webhook_sender: true,
            webhooks_allow_private: false,
        }
    }
}

/// Everything `caffesta serve` needs.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    pub listen: SocketAddr,
    pub database: DatabaseUrl,
    pub durability: crate::db::Durability,
    pub http: HttpConfig,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_passwords_are_redacted() {
        let url = DatabaseUrl("postgres://app:s3cret@db:5432/caffesta".into());
        assert_eq!(
            format!("{url:?} {url}"),
            "postgres://app:***@db:5432/caffesta postgres://app:***@db:5432/caffesta"
        );
        assert_eq!(DatabaseUrl("caffesta.db".into()).to_string(), "caffesta.db");
    }

    #[test]
    fn the_metrics_token_is_redacted() {
        let http = HttpConfig {
            metrics_token: Some(Secret("t0ken".into())),
            ..HttpConfig::default()
        };
        assert!(!format!("{http:?}").contains("t0ken"));
    }
}
