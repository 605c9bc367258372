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

/// Settings of the HTTP layer.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    /// Largest request body accepted, in bytes; larger ones answer 413.
    pub body_limit: usize,
    /// How long a checked API key is trusted before it is looked up again.
    pub key_cache_ttl: Duration,
    /// Job workers to run (0: accept jobs, leave them to other servers).
    pub workers: usize,
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            body_limit: 16 * 1024 * 1024,
            key_cache_ttl: Duration::from_secs(5),
            workers: 1,
        }
    }
}

/// Everything `caffesta serve` needs.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    pub listen: SocketAddr,
    pub database: DatabaseUrl,
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
}
