//! Stock benchmarks against the release binary over HTTP (`cargo bench --bench stock`):
//! - a 1,000-line invoice creating 1,000 new products, posted and wired (target ≤ 150 ms);
//! - `/draft/store` of a storage holding 50,000 products (target ≤ 150 ms);
//! - 5-line invoices of known products created and wired back to back (target ≥ 1,000/s).
//!
//! Env: `BENCH_DATABASE` (a postgres:// URL of an empty database; default a fresh SQLite file),
//! `BENCH_SECONDS` for the back-to-back run (default 10), `BENCH_ONLY=big|small|store` for one part,
//! `BENCH_RUST_LOG` for the server's log filter (e.g. `tower_http=debug` for per-request latency).

mod support;

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::{env_or, start_server, Client, Server};

/// Posts an invoice and wires it; returns the id.
async fn post_and_wire(client: &Client, invoice: &Value) -> i64 {
    let created = client
        .send(
            reqwest::Method::POST,
            "/a/v1.0/storage/invoices",
            Some(invoice),
        )
        .await;
    let id = created["data"]["id"].as_i64().expect("id");
    client
        .send(
            reqwest::Method::PUT,
            &format!("/a/v1.0/storage/invoices/{id}"),
            Some(&json!({"action": "wire"})),
        )
        .await;
    id
}

/// An invoice of `lines` lines, each a product `{prefix}{n}` brought along in the payload.
fn big_invoice(prefix: &str, lines: usize, storage: i64) -> Value {
    let products: Vec<Value> = (0..lines)
        .map(|n| json!({"ref_code": format!("{prefix}{n}"), "name": format!("Товар {prefix}{n}"), "measure": if n % 3 == 0 { "kg" } else { "pcs" },
                        "caf_tax_id": 2, "category_ref_code": "c1", "prices": [{"caf_shop_id": 1, "caf_storage_id": storage, "price": "3.50"}]}))
        .collect();
    let items: Vec<Value> = (0..lines)
        .map(|n| json!({"amount": 1 + n % 17, "product_code": format!("{prefix}{n}"), "price": "1.25", "caf_tax_id": 2}))
        .collect();
    json!({"number": prefix, "date": "2026-11-01 10:00", "storage": {"caf_id": storage},
           "categories": [{"ref_code": "c1", "name": "Бакалея"}], "products": products, "items": items})
}

fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

async fn bench_big_invoice(server: &Server, client: &Client) {
    let mut times = Vec::new();
    let cpu = server.cpu_time();
    for round in 0..5 {
        let invoice = big_invoice(&format!("big{round}-"), 1000, 1);
        let started = Instant::now();
        post_and_wire(client, &invoice).await;
        times.push(started.elapsed());
    }
    times.sort();
    println!(
        "1,000-line invoice, 1,000 new products, post + wire: median {:.1} ms, best {:.1} ms, worst {:.1} ms{} (target ≤ 150 ms)",
        millis(times[2]),
        millis(times[0]),
        millis(times[4]),
        support::cpu_per(cpu, server.cpu_time(), times.len())
    );
}

async fn bench_store(client: &Client) {
    let started = Instant::now();
    for chunk in 0..50 {
        post_and_wire(client, &big_invoice(&format!("s{chunk}-"), 1000, 3)).await;
    }
    println!(
        "  (seeded storage 3 with 50,000 products in {:.1} s)",
        started.elapsed().as_secs_f64()
    );
    let mut times = Vec::new();
    let mut rows = 0;
    for _ in 0..10 {
        // the answer's bytes, not parsed: the figure is the server's and the wire's
        let started = Instant::now();
        let url = format!("{}/a/v1.0/draft/store/3", client.base);
        let response = client
            .http
            .get(url)
            .header("X-API-KEY", &client.key)
            .send()
            .await
            .expect("store");
        let body = response.bytes().await.expect("body");
        times.push(started.elapsed());
        rows = body.windows(5).filter(|w| w == b"{\"id\"").count();
    }
    times.sort();
    println!(
        "/draft/store with {rows} products: median {:.1} ms, best {:.1} ms, worst {:.1} ms (target ≤ 150 ms)",
        millis(times[5]),
        millis(times[0]),
        millis(times[9])
    );
}

#[expect(
    clippy::cast_precision_loss,
    reason = "a benchmark statistic shown to a person; the float is display only"
)]
async fn bench_small_invoices(server: &Server, client: &Client, seconds: u64) {
    // the products exist already (from the big invoices)
    let small = |n: usize| {
        let items: Vec<Value> = (0..5)
            .map(|k| json!({"amount": 1 + k, "product_code": format!("big0-{}", (n * 5 + k) % 1000), "cost": format!("{}.{:02}", 2 + k, n % 100)}))
            .collect();
        json!({"number": format!("small{n}"), "storage": {"caf_id": 2}, "items": items})
    };
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let cpu = server.cpu_time();
    let mut count = 0;
    let mut latencies = Vec::new();
    while Instant::now() < deadline {
        let one = Instant::now();
        post_and_wire(client, &small(count)).await;
        latencies.push(one.elapsed());
        count += 1;
    }
    latencies.sort();
    let rate = count as f64 / started.elapsed().as_secs_f64();
    println!(
        "5-line invoices, known products, created + wired back to back: {count} in {seconds} s = {rate:.0}/s, p50 {:.2} ms, p99 {:.2} ms{} (target ≥ 1,000/s)",
        millis(latencies[latencies.len() / 2]),
        millis(latencies[latencies.len() * 99 / 100]),
        support::cpu_per(cpu, server.cpu_time(), count)
    );
}

fn main() {
    let seconds = env_or("BENCH_SECONDS", 10u64);
    let dir = tempfile::tempdir().expect("temp dir");
    let database = support::database(dir.path());
    let server: Server = start_server(&database);
    println!(
        "caffesta stock benchmark: {}",
        support::backend_name(&database)
    );
    let runtime = support::runtime();
    runtime.block_on(async {
        let client = Client::of(&server);
        // BENCH_ONLY=big|small|store runs one part (the small and store parts need big's products)
        let only = std::env::var("BENCH_ONLY").unwrap_or_default();
        bench_big_invoice(&server, &client).await;
        if only.is_empty() || only == "small" {
            bench_small_invoices(&server, &client, seconds).await;
        }
        if only.is_empty() || only == "store" {
            bench_store(&client).await;
        }
    });
}
