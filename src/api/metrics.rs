//! `GET /metrics` in the Prometheus text format (API.md §13), and the request counters behind
//! it.
//!
//! Requests are counted by [`super::observe`] into [`Metrics`]: per route template and method,
//! a counter per status and a latency histogram, all atomics. A route's counters are made the
//! first time it is answered; after that, counting takes a read lock, a map look-up by the
//! route's text and a few atomic additions, never an allocation. Latencies are kept in whole
//! microseconds and written as decimal seconds.
//!
//! The job queue, the receipts and documents come from the database at scrape time (see
//! [`crate::db::metrics`] for why), the connection pool's use from the pool itself.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock, PoisonError, RwLock};

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, Method};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::error::{ApiError, ErrorEnvelope};
use super::AppState;
use crate::db::metrics::Totals;
use crate::db::{self, PoolUse};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(metrics))
}

/// The route label of a request that matched no route.
pub const UNMATCHED: &str = "unmatched";

/// The methods counted apart; any other is counted as `OTHER`.
const METHODS: [&str; 8] = [
    "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "OTHER",
];

/// The histogram's upper bounds: microseconds, and the same as the `le` label's seconds.
const BOUNDS: [(u64, &str); 16] = [
    (100, "0.0001"),
    (250, "0.00025"),
    (500, "0.0005"),
    (1_000, "0.001"),
    (2_500, "0.0025"),
    (5_000, "0.005"),
    (10_000, "0.01"),
    (25_000, "0.025"),
    (50_000, "0.05"),
    (100_000, "0.1"),
    (250_000, "0.25"),
    (500_000, "0.5"),
    (1_000_000, "1"),
    (2_500_000, "2.5"),
    (5_000_000, "5"),
    (10_000_000, "10"),
];

/// Statuses counted: 100 to 599, every status HTTP defines a class for.
const FIRST_STATUS: u16 = 100;
const STATUSES: usize = 500;

/// The counters of every route answered so far, and the token `/metrics` requires.
pub struct Metrics {
    routes: RwLock<HashMap<Box<str>, Arc<Route>>>,
    /// SHA-256 of the token, compared digest to digest so that the comparison's time tells
    /// nothing of the token.
    token: Option<[u8; 32]>,
}

/// One route's counters, one set per method, made when the method is first answered.
#[derive(Default)]
struct Route {
    methods: [OnceLock<Box<Series>>; METHODS.len()],
}

/// The counters of one route and method.
struct Series {
    /// By status, from [`FIRST_STATUS`].
    statuses: Box<[AtomicU64]>,
    /// Requests by latency: one per bound of [`BOUNDS`] (not cumulative), then past the last.
    buckets: [AtomicU64; BOUNDS.len() + 1],
    /// Total latency, in microseconds.
    sum_us: AtomicU64,
}

impl Series {
    fn new() -> Series {
        Series {
            statuses: (0..STATUSES).map(|_| AtomicU64::new(0)).collect(),
            buckets: Default::default(),
            sum_us: AtomicU64::new(0),
        }
    }
}

impl Metrics {
    /// Counters with nothing counted; `token`: what `/metrics` then requires.
    pub fn new(token: Option<&str>) -> Metrics {
        Metrics {
            routes: RwLock::default(),
            token: token.map(digest),
        }
    }

    /// Counts one answered request: its route template ([`UNMATCHED`] for none), method,
    /// status and latency.
    pub fn record(&self, route: &str, method: &Method, status: u16, latency_us: u64) {
        let known = self.routes.read().unwrap_or_else(PoisonError::into_inner);
        if let Some(counters) = known.get(route) {
            counters.record(method, status, latency_us);
            return;
        }
        drop(known);
        let counters = {
            let mut routes = self.routes.write().unwrap_or_else(PoisonError::into_inner);
            Arc::clone(routes.entry(route.into()).or_default())
        };
        counters.record(method, status, latency_us);
    }

    fn allows(&self, headers: &HeaderMap) -> bool {
        let Some(expected) = &self.token else {
            return true;
        };
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .unwrap_or_default();
        let given = digest(given);
        // every byte compared whatever the first difference
        given
            .iter()
            .zip(expected)
            .fold(0u8, |differ, (a, b)| differ | (a ^ b))
            == 0
    }

    /// The text of a scrape: the request counters, the pool's use, and the database's totals
    /// (absent, with `caffesta_database_up 0`, when the database did not answer).
    pub fn render(&self, pool: PoolUse, totals: Option<&Totals>) -> String {
        let mut routes: Vec<(Box<str>, Arc<Route>)> = self
            .routes
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .map(|(name, route)| (name.clone(), Arc::clone(route)))
            .collect();
        routes.sort_by(|a, b| a.0.cmp(&b.0));
        let mut out = String::with_capacity(4096 + routes.len() * 2048);
        // a family without samples is left out whole: stricter parsers refuse a bare TYPE
        if routes
            .iter()
            .any(|(_, route)| route.series().next().is_some())
        {
            render_requests(&mut out, &routes);
            render_latencies(&mut out, &routes);
        }
        render_database(&mut out, pool, totals);
        out
    }
}

impl Route {
    fn record(&self, method: &Method, status: u16, latency_us: u64) {
        let series = self.methods[method_index(method)].get_or_init(|| Box::new(Series::new()));
        let slot = status
            .checked_sub(FIRST_STATUS)
            .and_then(|i| series.statuses.get(usize::from(i)));
        if let Some(count) = slot {
            count.fetch_add(1, Ordering::Relaxed);
        }
        let bucket = BOUNDS
            .iter()
            .position(|(bound, _)| latency_us <= *bound)
            .unwrap_or(BOUNDS.len());
        series.buckets[bucket].fetch_add(1, Ordering::Relaxed);
        series.sum_us.fetch_add(latency_us, Ordering::Relaxed);
    }

    /// The methods answered on this route, with their counters.
    fn series(&self) -> impl Iterator<Item = (&'static str, &Series)> {
        METHODS
            .iter()
            .zip(&self.methods)
            .filter_map(|(name, series)| series.get().map(|s| (*name, &**s)))
    }
}

fn method_index(method: &Method) -> usize {
    METHODS[..METHODS.len() - 1]
        .iter()
        .position(|m| *m == method.as_str())
        .unwrap_or(METHODS.len() - 1)
}

fn digest(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

fn render_requests(out: &mut String, routes: &[(Box<str>, Arc<Route>)]) {
    header_lines(
        out,
        "caffesta_http_requests_total",
        "counter",
        "Requests answered, by route template, method and status.",
    );
    for (route, counters) in routes {
        let route = escape(route);
        for (method, series) in counters.series() {
            for (i, count) in series.statuses.iter().enumerate() {
                let count = count.load(Ordering::Relaxed);
                if count > 0 {
                    let status = usize::from(FIRST_STATUS) + i;
                    let _ = writeln!(
                        out,
                        "caffesta_http_requests_total{{route=\"{route}\",method=\"{method}\",status=\"{status}\"}} {count}"
                    );
                }
            }
        }
    }
}

fn render_latencies(out: &mut String, routes: &[(Box<str>, Arc<Route>)]) {
    let name = "caffesta_http_request_duration_seconds";
    header_lines(
        out,
        name,
        "histogram",
        "Time from a request's arrival to its answer's headers, by route template and method.",
    );
    for (route, counters) in routes {
        let route = escape(route);
        for (method, series) in counters.series() {
            let labels = format!("route=\"{route}\",method=\"{method}\"");
            // the count is the buckets' own total, so the histogram is consistent even while
            // requests are being counted
            let mut cumulative = 0u64;
            for ((_, le), count) in BOUNDS.iter().zip(&series.buckets) {
                cumulative += count.load(Ordering::Relaxed);
                let _ = writeln!(out, "{name}_bucket{{{labels},le=\"{le}\"}} {cumulative}");
            }
            cumulative += series.buckets[BOUNDS.len()].load(Ordering::Relaxed);
            let _ = writeln!(out, "{name}_bucket{{{labels},le=\"+Inf\"}} {cumulative}");
            let sum = seconds(series.sum_us.load(Ordering::Relaxed));
            let _ = writeln!(out, "{name}_sum{{{labels}}} {sum}");
            let _ = writeln!(out, "{name}_count{{{labels}}} {cumulative}");
        }
    }
}

fn render_database(out: &mut String, pool: PoolUse, totals: Option<&Totals>) {
    header_lines(
        out,
        "caffesta_db_connections_max",
        "gauge",
        "Database connections this server may open.",
    );
    let _ = writeln!(out, "caffesta_db_connections_max {}", pool.max);
    header_lines(
        out,
        "caffesta_db_connections",
        "gauge",
        "Database connections open, by state (busy: serving a query or a transaction).",
    );
    let idle = pool.open.saturating_sub(pool.busy);
    let _ = writeln!(
        out,
        "caffesta_db_connections{{state=\"busy\"}} {}",
        pool.busy
    );
    let _ = writeln!(out, "caffesta_db_connections{{state=\"idle\"}} {idle}");
    if let Some((transactions, commits)) = pool.grouped {
        header_lines(
            out,
            "caffesta_db_write_transactions_total",
            "counter",
            "SQLite: write transactions begun by this server.",
        );
        let _ = writeln!(out, "caffesta_db_write_transactions_total {transactions}");
        header_lines(
            out,
            "caffesta_db_commits_total",
            "counter",
            "SQLite: COMMITs this server ran; concurrent writes share one (group commit).",
        );
        let _ = writeln!(out, "caffesta_db_commits_total {commits}");
    }
    header_lines(
        out,
        "caffesta_database_up",
        "gauge",
        "1 when the database answered this scrape's counts, else 0 (and they are absent).",
    );
    let _ = writeln!(out, "caffesta_database_up {}", u8::from(totals.is_some()));
    let Some(totals) = totals else {
        return;
    };
    header_lines(
        out,
        "caffesta_jobs_pending",
        "gauge",
        "Delivery jobs waiting for a worker (the job queue's depth), in the database.",
    );
    let _ = writeln!(out, "caffesta_jobs_pending {}", totals.jobs_pending);
    header_lines(
        out,
        "caffesta_receipts_posted_total",
        "counter",
        "Receipts closed, in the database (every server reports the same total).",
    );
    let _ = writeln!(
        out,
        "caffesta_receipts_posted_total {}",
        totals.receipts_posted
    );
    header_lines(
        out,
        "caffesta_documents_total",
        "counter",
        "Stock documents created, by kind, in the database (every server reports the same).",
    );
    for (kind, created, _) in totals.documents {
        let _ = writeln!(out, "caffesta_documents_total{{kind=\"{kind}\"}} {created}");
    }
    header_lines(
        out,
        "caffesta_documents_wired",
        "gauge",
        "Stock documents wired (posted to the stock ledger) now, by kind, in the database.",
    );
    for (kind, _, wired) in totals.documents {
        let _ = writeln!(out, "caffesta_documents_wired{{kind=\"{kind}\"}} {wired}");
    }
}

fn header_lines(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} {kind}");
}

/// Microseconds as decimal seconds: `1234567` → `1.234567`.
fn seconds(us: u64) -> String {
    format!("{}.{:06}", us / 1_000_000, us % 1_000_000)
}

/// A label value as the text format wants it: backslash, quote and newline escaped.
fn escape(value: &str) -> std::borrow::Cow<'_, str> {
    if !value.contains(['\\', '"', '\n']) {
        return value.into();
    }
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
        .into()
}

/// The server's counters in the Prometheus text format: requests by route template, method
/// and status; request latency histograms; database connections in use; the job queue's
/// depth; receipts and stock documents posted. When the server runs with `--metrics-token`,
/// send `Authorization: Bearer <token>`.
#[utoipa::path(
    get, path = "/metrics", tag = "meta",
    responses(
        (status = 200, description = "The metrics, in the Prometheus text exposition format 0.0.4", content_type = "text/plain; version=0.0.4", body = String),
        (status = 401, description = "The server requires a token (`--metrics-token`) and the request's `Authorization: Bearer` does not carry it", body = ErrorEnvelope)
    )
)]
async fn metrics(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if !state.metrics.allows(&headers) {
        let mut refused =
            ApiError::Unauthorized("send the metrics token: Authorization: Bearer <token>".into())
                .into_response();
        refused
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        return refused;
    }
    let totals = match db::metrics::totals(&state.db).await {
        Ok(totals) => Some(totals),
        Err(e) => {
            tracing::warn!(error = %e, "metrics: the database did not answer");
            None
        }
    };
    let text = state.metrics.render(state.db.pool_use(), totals.as_ref());
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        text,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_go_to_their_route_method_and_status_and_the_histogram_adds_up() {
        let metrics = Metrics::new(None);
        metrics.record("/a/{id}", &Method::GET, 200, 90);
        metrics.record("/a/{id}", &Method::GET, 200, 3_000);
        metrics.record("/a/{id}", &Method::GET, 404, 20_000_000);
        metrics.record(
            UNMATCHED,
            &Method::from_bytes(b"BREW").expect("method"),
            404,
            5,
        );
        let pool = PoolUse {
            max: 5,
            open: 5,
            busy: 1,
            grouped: Some((7, 3)),
        };
        let text = metrics.render(pool, None);
        for line in [
            "caffesta_http_requests_total{route=\"/a/{id}\",method=\"GET\",status=\"200\"} 2",
            "caffesta_http_requests_total{route=\"/a/{id}\",method=\"GET\",status=\"404\"} 1",
            "caffesta_http_requests_total{route=\"unmatched\",method=\"OTHER\",status=\"404\"} 1",
            "caffesta_http_request_duration_seconds_bucket{route=\"/a/{id}\",method=\"GET\",le=\"0.0001\"} 1",
            "caffesta_http_request_duration_seconds_bucket{route=\"/a/{id}\",method=\"GET\",le=\"0.005\"} 2",
            "caffesta_http_request_duration_seconds_bucket{route=\"/a/{id}\",method=\"GET\",le=\"10\"} 2",
            "caffesta_http_request_duration_seconds_bucket{route=\"/a/{id}\",method=\"GET\",le=\"+Inf\"} 3",
            "caffesta_http_request_duration_seconds_sum{route=\"/a/{id}\",method=\"GET\"} 20.003090",
            "caffesta_http_request_duration_seconds_count{route=\"/a/{id}\",method=\"GET\"} 3",
            "caffesta_db_connections{state=\"busy\"} 1",
            "caffesta_db_connections{state=\"idle\"} 4",
            "caffesta_db_write_transactions_total 7",
            "caffesta_db_commits_total 3",
            "caffesta_database_up 0",
        ] {
            assert!(text.lines().any(|l| l == line), "{line} missing from\n{text}");
        }
        assert!(!text.contains("caffesta_jobs_pending"));
    }

    #[test]
    fn the_token_is_checked_when_there_is_one() {
        let bearer = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(
                header::AUTHORIZATION,
                HeaderValue::from_str(value).expect("header"),
            );
            headers
        };
        assert!(Metrics::new(None).allows(&HeaderMap::new()));
        let guarded = Metrics::new(Some("s3cret"));
        assert!(!guarded.allows(&HeaderMap::new()));
        assert!(!guarded.allows(&bearer("Bearer s3cre")));
        assert!(!guarded.allows(&bearer("s3cret")));
        assert!(guarded.allows(&bearer("Bearer s3cret")));
    }

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(escape("/plain/{id}"), "/plain/{id}");
        assert_eq!(escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
