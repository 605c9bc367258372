//! Selling benchmarks against the release binary over HTTP (`cargo bench --bench selling`):
//! - receipts of 5 lines (2 of them tech maps of 3 ingredients) uploaded back to back by a
//!   terminal, then by several at once (issue 14's targets);
//! - a delivery order from acceptance to job `success` (target p50 ≤ 50 ms), polled tightly.
//!
//! Env: `BENCH_TILLS` (till counts to run in turn, default `1,4`; the tills post at once, each
//! on its own connection), `CAFFESTA_DURABILITY` (passed to the server), `BENCH_DATABASE` (a postgres:// URL of an empty database; default a fresh SQLite file),
//! `BENCH_SECONDS` for the back-to-back run (default 10), `BENCH_ORDERS` (default 300).

mod support;

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::json;
use support::{catalog, env_or, start_server, Client};

fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

#[expect(
    clippy::cast_precision_loss,
    reason = "a benchmark statistic shown to a person; the float is display only"
)]
async fn bench_receipts(
    server: &support::Server,
    till: &Client,
    sold: &[i64],
    tills: usize,
    seconds: u64,
) {
    let receipt = support::receipt_of(sold, "3.50");
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let cpu = server.cpu_time();
    // each till on a connection of its own, as separate terminals would be
    let loops: Vec<_> = (0..tills)
        .map(|_| {
            let till = Client {
                http: reqwest::Client::new(),
                ..till.clone()
            };
            tokio::spawn(support::receipts_until(till, receipt.clone(), deadline))
        })
        .collect();
    let mut latencies = Vec::new();
    for one in loops {
        latencies.extend(one.await.expect("till"));
    }
    latencies.sort();
    let count = latencies.len();
    println!(
        "5-line receipts (2 tech maps of 3 ingredients), {tills} till(s) back to back: {count} in {seconds} s = {:.0}/s, p50 {:.2} ms, p99 {:.2} ms{} (targets: 1 till ≥ 1,500/s with p99 ≤ 5 ms; 4 tills ≥ 2,500/s)",
        count as f64 / started.elapsed().as_secs_f64(),
        millis(latencies[count / 2]),
        millis(latencies[count * 99 / 100]),
        support::cpu_per(cpu, server.cpu_time(), count)
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
    let terminal_key = support::terminal_key(&database);
    let runtime = support::runtime();
    runtime.block_on(async {
        let client = Client::of(&server);
        let till = Client {
            key: terminal_key,
            ..Client::of(&server)
        };
        let sold = catalog(&client).await;
        till.send(Method::POST, "/a/v1.0/pos/shifts/open", Some(&json!({})))
            .await;
        for tills in env_or("BENCH_TILLS", "1,4".to_owned()).split(',') {
            let tills = tills.trim().parse().expect("BENCH_TILLS: counts, e.g. 1,4");
            bench_receipts(&server, &till, &sold, tills, seconds).await;
        }
        bench_jobs(&client, &sold, orders).await;
    });
}
