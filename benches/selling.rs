//! Selling benchmarks against the release binary over HTTP (`cargo bench --bench selling`):
//! - receipts of 5 lines (2 of them tech maps of 3 ingredients) uploaded back to back by a
//!   terminal (target ≥ 1,000 per second);
//! - a delivery order from acceptance to job `success` (target p50 ≤ 50 ms), polled tightly.
//!
//! Env: `BENCH_DATABASE` (a postgres:// URL of an empty database; default a fresh SQLite file),
//! `BENCH_SECONDS` for the back-to-back run (default 10), `BENCH_ORDERS` (default 300).

mod support;

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{json, Value};
use support::{catalog, env_or, start_server, Client};

fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

#[expect(
    clippy::cast_precision_loss,
    reason = "a benchmark statistic shown to a person; the float is display only"
)]
async fn bench_receipts(till: &Client, sold: &[i64], seconds: u64) {
    till.send(Method::POST, "/a/v1.0/pos/shifts/open", Some(&json!({})))
        .await;
    let lines: Vec<Value> = sold
        .iter()
        .map(|id| json!({"product_id": id, "count": 1, "price": "3.50", "total_sum": "3.50"}))
        .collect();
    let receipt =
        json!({"type": "sale", "lines": lines, "payments": [{"payment_id": 2, "value": "17.50"}]});
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut latencies = Vec::new();
    while Instant::now() < deadline {
        let one = Instant::now();
        till.send(Method::POST, "/a/v1.0/pos/receipts", Some(&receipt))
            .await;
        latencies.push(one.elapsed());
    }
    latencies.sort();
    let count = latencies.len();
    println!(
        "5-line receipts (2 tech maps of 3 ingredients) back to back: {count} in {seconds} s = {:.0}/s, p50 {:.2} ms, p99 {:.2} ms (target ≥ 1,000/s)",
        count as f64 / started.elapsed().as_secs_f64(),
        millis(latencies[count / 2]),
        millis(latencies[count * 99 / 100])
    );
}

async fn bench_jobs(client: &Client, sold: &[i64], orders: usize) {
    let mut latencies = Vec::new();
    for n in 0..orders {
        let bill = json!({"bill": {"pos_id": 1, "app_id": n, "delivery_type": 2, "total_sum": "7.00",
            "items": [{"count": 1, "price": "3.50", "total_sum": "3.50", "product_id": sold[0]}, {"count": 1, "price": "3.50", "total_sum": "3.50", "product_id": sold[2]}],
            "client": {"name": "Клиент", "phone": format!("+37529{:07}", n % 50)}}});
        let started = Instant::now();
        let job = client
            .send(Method::POST, "/a/v1.0/draft/delivery", Some(&bill))
            .await["data"]["job_id"]
            .as_i64()
            .expect("job");
        loop {
            let state = client
                .send(
                    Method::GET,
                    &format!("/a/v1.0/draft/get_job_status/{job}"),
                    None,
                )
                .await;
            match state["data"]["status"].as_str() {
                Some("pending") => {}
                Some("success") => break,
                other => panic!("job {job}: {other:?} {state}"),
            }
        }
        latencies.push(started.elapsed());
    }
    latencies.sort();
    println!(
        "delivery order, accepted to job success: {orders} orders, p50 {:.2} ms, p90 {:.2} ms, worst {:.2} ms (target p50 ≤ 50 ms)",
        millis(latencies[orders / 2]),
        millis(latencies[orders * 9 / 10]),
        millis(latencies[orders - 1])
    );
}

fn main() {
    let seconds = env_or("BENCH_SECONDS", 10u64);
    let orders = env_or("BENCH_ORDERS", 300usize);
    let dir = tempfile::tempdir().expect("temp dir");
    let database = support::database(dir.path());
    let server = start_server(&database);
    println!(
        "caffesta selling benchmark: {}",
        support::backend_name(&database)
    );
    let terminal_key = support::cli(
        &database,
        &[
            "key",
            "create",
            "--account",
            "demo",
            "--scope",
            "terminal",
            "--shop",
            "1",
        ],
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let client = Client::of(&server);
        let till = Client {
            key: terminal_key,
            ..Client::of(&server)
        };
        let sold = catalog(&client).await;
        bench_receipts(&till, &sold, seconds).await;
        bench_jobs(&client, &sold, orders).await;
    });
}
