//! API.md §13, `GET /metrics`: read with a Prometheus text-format parser, its request counters
//! move with the requests, by route template, method and status; each latency histogram agrees
//! with the counters; the database's totals are there; a token guards it when one is set.

use std::collections::HashMap;

use caffesta::config::{HttpConfig, Secret};
use prom_text_format_parser::{Scrape, Type, ValueType};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{assert_error, Backend, TestServer};

/// One sample: its metric (with `_bucket`, `_sum`, `_count` for a histogram's parts) and labels.
type Key = (String, Vec<(String, String)>);

/// A scrape parsed by a real text-format parser, as values by metric and sorted labels.
struct Metrics {
    values: HashMap<Key, f64>,
    kinds: HashMap<String, Type>,
}

impl Metrics {
    fn get(&self, metric: &str, labels: &[(&str, &str)]) -> Option<f64> {
        let mut labels: Vec<(String, String)> = labels
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        labels.sort();
        self.values.get(&(metric.to_owned(), labels)).copied()
    }

    fn requests(&self, route: &str, method: &str, status: &str) -> f64 {
        let labels = [("route", route), ("method", method), ("status", status)];
        self.get("caffesta_http_requests_total", &labels)
            .unwrap_or(0.0)
    }

    /// Every sample of `metric` as (labels, value).
    fn all(&self, metric: &str) -> Vec<(HashMap<String, String>, f64)> {
        self.values
            .iter()
            .filter(|((name, _), _)| name == metric)
            .map(|((_, labels), value)| (labels.iter().cloned().collect(), *value))
            .collect()
    }
}

async fn scrape(server: &TestServer, token: Option<&str>) -> Metrics {
    let mut request = server.client.get(server.url("/metrics"));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("answer");
    assert_eq!(response.status(), StatusCode::OK);
    let kind = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(kind.starts_with("text/plain; version=0.0.4"), "{kind}");
    let text = response.text().await.expect("text");
    let parsed = Scrape::parse(&text).unwrap_or_else(|e| panic!("{e:?} in\n{text}"));
    let mut values = HashMap::new();
    let mut kinds = HashMap::new();
    for metric in parsed.metrics {
        kinds.insert(metric.name.clone(), metric.kind);
        for sample in metric.samples {
            let suffix = match (metric.kind, sample.value.value_type) {
                (Type::Histogram, ValueType::Sample) => "_bucket",
                (_, ValueType::Sum) => "_sum",
                (_, ValueType::Count) => "_count",
                _ => "",
            };
            let mut labels: Vec<(String, String)> = sample
                .labels
                .iter()
                .map(|l| (l.key.clone(), l.value.clone()))
                .collect();
            labels.sort();
            let key = (format!("{}{suffix}", metric.name), labels);
            let value = sample.value.value.as_f64();
            assert!(values.insert(key.clone(), value).is_none(), "{key:?} twice");
        }
    }
    Metrics { values, kinds }
}

/// Each histogram series: buckets cumulative, `+Inf` = `_count` = the requests counted for its
/// route and method, `_sum` positive.
#[expect(
    clippy::float_cmp,
    reason = "request counters are small whole numbers, exact in an `f64`"
)]
fn assert_histograms_agree(metrics: &Metrics) {
    let name = "caffesta_http_request_duration_seconds";
    assert_eq!(metrics.kinds.get(name), Some(&Type::Histogram));
    let counts = metrics.all(&format!("{name}_count"));
    assert!(!counts.is_empty());
    for (labels, count) in counts {
        let (route, method) = (&labels["route"], &labels["method"]);
        let mut buckets: Vec<(f64, f64)> = metrics
            .all(&format!("{name}_bucket"))
            .into_iter()
            .filter(|(l, _)| &l["route"] == route && &l["method"] == method)
            .map(|(l, v)| (l["le"].parse::<f64>().expect("le"), v))
            .collect();
        buckets.sort_by(|a, b| a.0.total_cmp(&b.0));
        assert!(buckets.len() > 10, "{route} {method}: {buckets:?}");
        assert!(
            buckets.windows(2).all(|w| w[0].1 <= w[1].1),
            "{route} {method}: buckets not cumulative {buckets:?}"
        );
        let last = buckets.last().expect("+Inf");
        assert!(last.0.is_infinite());
        assert_eq!(last.1, count, "{route} {method}: +Inf and _count differ");
        let requests: f64 = metrics
            .all("caffesta_http_requests_total")
            .into_iter()
            .filter(|(l, _)| &l["route"] == route && &l["method"] == method)
            .map(|(_, v)| v)
            .sum();
        assert_eq!(
            requests, count,
            "{route} {method}: requests and _count differ"
        );
        let sum_labels = [("route", route.as_str()), ("method", method.as_str())];
        let sum = metrics
            .get(&format!("{name}_sum"), &sum_labels)
            .expect("_sum");
        assert!(sum > 0.0, "{route} {method}: _sum {sum}");
    }
}

#[expect(
    clippy::float_cmp,
    reason = "request counters are small whole numbers, exact in an `f64`"
)]
async fn metrics_count_requests_by_route_template_and_the_histograms_agree(backend: Backend) {
    let server = TestServer::start(backend).await;
    let account = server.account("cafe").await;
    for _ in 0..3 {
        let (status, _) = server.get(&account, "/a/v1.0/storage/test").await;
        assert_eq!(status, StatusCode::OK);
    }
    for path in ["/a/v1.0/storage/invoices/5", "/a/v1.0/storage/invoices/6"] {
        let (status, _) = server.get(&account, path).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    let (status, _) = server.get(&account, "/a/v1.1/storage/invoices/7").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = server.get(&account, "/nowhere/at/all").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let wrong_method = server.request(&account, Method::DELETE, "/a/v1.0/storage/test");
    let response = wrong_method.send().await.expect("answer");
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);

    let first = scrape(&server, None).await;
    assert_eq!(
        first.kinds.get("caffesta_http_requests_total"),
        Some(&Type::Counter)
    );
    assert_eq!(first.requests("/a/v1.0/storage/test", "GET", "200"), 3.0);
    let invoice = "/a/v1.0/storage/invoices/{id}";
    assert_eq!(first.requests(invoice, "GET", "404"), 2.0);
    assert_eq!(
        first.requests("/a/v1.1/storage/invoices/{id}", "GET", "404"),
        1.0
    );
    assert_eq!(first.requests("unmatched", "GET", "404"), 1.0);
    let all_405: f64 = first
        .all("caffesta_http_requests_total")
        .into_iter()
        .filter(|(l, _)| l["status"] == "405" && l["method"] == "DELETE")
        .map(|(_, v)| v)
        .sum();
    assert_eq!(all_405, 1.0);
    // the scrape itself is counted once it is answered, so not in its own answer
    assert_eq!(first.requests("/metrics", "GET", "200"), 0.0);
    assert_histograms_agree(&first);
    let storage_test = [("route", "/a/v1.0/storage/test"), ("method", "GET")];
    let count = "caffesta_http_request_duration_seconds_count";
    assert_eq!(first.get(count, &storage_test), Some(3.0));
    assert_eq!(first.get("caffesta_database_up", &[]), Some(1.0));
    assert_eq!(first.get("caffesta_jobs_pending", &[]), Some(0.0));
    assert!(first
        .get("caffesta_db_connections_max", &[])
        .is_some_and(|n| n >= 1.0));
    assert!(first
        .get("caffesta_db_connections", &[("state", "idle")])
        .is_some());

    let (status, _) = server.get(&account, "/a/v1.0/storage/test").await;
    assert_eq!(status, StatusCode::OK);
    let second = scrape(&server, None).await;
    assert_eq!(second.requests("/a/v1.0/storage/test", "GET", "200"), 4.0);
    assert_eq!(second.get(count, &storage_test), Some(4.0));
    assert_eq!(second.requests("/metrics", "GET", "200"), 1.0);
    assert_eq!(second.requests(invoice, "GET", "404"), 2.0);
    assert_histograms_agree(&second);
    server.stop().await;
}

async fn receipts_and_documents_posted_are_counted_from_the_database(backend: Backend) {
    let server = TestServer::start(backend).await;
    let account = server.account("cafe").await;
    server.add_shop(&account).await;
    let till = server.terminal(&account, 1).await;
    let before = scrape(&server, None).await;
    assert_eq!(before.get("caffesta_receipts_posted_total", &[]), Some(0.0));
    let invoices = [("kind", "invoice")];
    assert_eq!(before.get("caffesta_documents_total", &invoices), Some(0.0));
    assert_eq!(before.get("caffesta_documents_wired", &invoices), Some(0.0));

    let invoice = json!({"storage": {"caf_id": 1},
        "products": [{"ref_code": "tea", "name": "Чай", "measure": "pcs"}],
        "items": [{"amount": 10, "product_code": "tea", "cost": 1}]});
    let (status, created) = server
        .post(&account, "/a/v1.0/storage/invoices", &invoice)
        .await;
    assert_eq!(status, StatusCode::OK, "{created}");
    let id = created["data"]["id"].as_i64().expect("id");
    let path = format!("/a/v1.0/storage/invoices/{id}");
    let (status, _) = server
        .put(&account, &path, &json!({"action": "wire"}))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, product) = server
        .get(&account, "/a/v1.0/product/by_ref_code/tea")
        .await;
    let tea = product["data"]["id"].as_i64().expect("product");
    let open = json!({"shift_day": "2026-11-20"});
    let (status, _) = server.post(&till, "/a/v1.0/pos/shifts/open", &open).await;
    assert_eq!(status, StatusCode::OK);
    let receipt = json!({"created_at": "2026-11-20 12:00",
        "lines": [{"product_id": tea, "count": 2, "price": "8.4", "total_sum": "16.80"}],
        "payments": [{"payment_id": 1, "value": "20.00"}]});
    let (status, answer) = server.post(&till, "/a/v1.0/pos/receipts", &receipt).await;
    assert_eq!(status, StatusCode::OK, "{answer}");

    let after = scrape(&server, None).await;
    assert_eq!(
        after.kinds.get("caffesta_receipts_posted_total"),
        Some(&Type::Counter)
    );
    assert_eq!(after.get("caffesta_receipts_posted_total", &[]), Some(1.0));
    assert_eq!(after.get("caffesta_documents_total", &invoices), Some(1.0));
    assert_eq!(after.get("caffesta_documents_wired", &invoices), Some(1.0));
    assert_eq!(
        after.get("caffesta_documents_total", &[("kind", "move")]),
        Some(0.0)
    );
    // SQLite's writer reports its transactions and the COMMITs they shared
    let writes = after.get("caffesta_db_write_transactions_total", &[]);
    let commits = after.get("caffesta_db_commits_total", &[]);
    match backend {
        Backend::Sqlite => {
            // the invoice, its wiring, the shift and the receipt at least
            assert!(writes.is_some_and(|n| n >= 4.0), "{writes:?}");
            assert!(
                commits.is_some_and(|n| n >= 1.0 && Some(n) <= writes),
                "{commits:?}"
            );
            assert_eq!(
                after.kinds.get("caffesta_db_commits_total"),
                Some(&Type::Counter)
            );
        }
        Backend::Postgres => assert_eq!((writes, commits), (None, None)),
    }
    server.stop().await;
}

#[expect(
    clippy::float_cmp,
    reason = "request counters are small whole numbers, exact in an `f64`"
)]
async fn metrics_need_the_token_when_the_server_has_one(backend: Backend) {
    let server = TestServer::start_with(
        backend,
        HttpConfig {
            metrics_token: Some(Secret("s3cret-token".into())),
            ..HttpConfig::default()
        },
    )
    .await;
    for token in [None, Some("wrong"), Some("s3cret-toke")] {
        let mut request = server.client.get(server.url("/metrics"));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("answer");
        assert!(response.headers().contains_key("www-authenticate"));
        let status = response.status();
        let body: Value = response.json().await.expect("the error envelope");
        assert_error(status, &body, StatusCode::UNAUTHORIZED);
    }
    let metrics = scrape(&server, Some("s3cret-token")).await;
    assert_eq!(metrics.get("caffesta_database_up", &[]), Some(1.0));
    // the refusals were counted too
    assert_eq!(metrics.requests("/metrics", "GET", "401"), 3.0);

    let spec: Value = server
        .client
        .get(server.url("/openapi.json"))
        .send()
        .await
        .expect("spec")
        .json()
        .await
        .expect("json");
    let responses = &spec["paths"]["/metrics"]["get"]["responses"];
    assert!(
        responses["200"]["content"]["text/plain; version=0.0.4"].is_object(),
        "{responses}"
    );
    assert!(responses["401"].is_object(), "{responses}");
    server.stop().await;
}

crate::backend_tests!(
    metrics_count_requests_by_route_template_and_the_histograms_agree,
    receipts_and_documents_posted_are_counted_from_the_database,
    metrics_need_the_token_when_the_server_has_one,
);
