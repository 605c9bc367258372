//! Export and feed benchmarks against the release binary over HTTP (`cargo bench --bench
//! exports`), after `caffesta dev seed-sales` has filled the account (default: 365 days, 20
//! shops, 2,000 products, 5,000,000 receipt lines; shop 1 sells 500 receipts a day):
//! - `export_sales` for one calendar month (target ≤ 200 ms);
//! - `export_sales_totals` for the same month (target ≤ 50 ms);
//! - `receipts_by_shift_day` for a terminal-day of 500 receipts (target ≤ 50 ms);
//! - a `get_products0` page of 1,000 products (target ≤ 20 ms).
//!
//! (`get_updates` throughput is in `cargo bench --bench http`.)
//!
//! Env: `BENCH_DATABASE` (default a fresh SQLite file; seeding 5M lines takes a few minutes),
//! `BENCH_LINES`, `BENCH_DAYS`, `BENCH_SHOPS`, `BENCH_PRODUCTS`, `BENCH_ROUNDS` (default 15), `BENCH_SEED=0`
//! to reuse a database seeded before.

mod support;

use std::time::{Duration, Instant};

use support::{env_or, start_server, Client};

fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

async fn time(client: &Client, path: &str, rounds: usize, target: &str) {
    let mut times = Vec::with_capacity(rounds);
    let mut rows = 0;
    for _ in 0..rounds {
        // the answer's bytes, not parsed: the figure is the server's and the wire's
        let started = Instant::now();
        let response = client
            .http
            .get(format!("{}{path}", client.base))
            .header("X-API-KEY", &client.key)
            .send()
            .await
            .expect("answer");
        assert!(
            response.status().is_success(),
            "{path}: {}",
            response.status()
        );
        let body = response.bytes().await.expect("body");
        times.push(started.elapsed());
        let answer: serde_json::Value = serde_json::from_slice(&body).expect("json");
        rows = answer
            .as_array()
            .or_else(|| answer["data"].as_array())
            .map_or(0, Vec::len);
    }
    times.sort();
    println!(
        "GET {path}: {rows} rows, median {:.1} ms, best {:.1} ms, worst {:.1} ms (target {target})",
        millis(times[rounds / 2]),
        millis(times[0]),
        millis(times[rounds - 1])
    );
}

fn main() {
    let rounds = env_or("BENCH_ROUNDS", 15usize);
    let dir = tempfile::tempdir().expect("temp dir");
    let database = support::database(dir.path());
    let started = Instant::now();
    let seeded = support::seed_sales(&database);
    println!(
        "caffesta export benchmark: {} — seeded {seeded} in {:.0} s",
        support::backend_name(&database),
        started.elapsed().as_secs_f64()
    );
    let server = start_server(&database);
    let today = jiff::Zoned::now()
        .with_time_zone(jiff::tz::TimeZone::get("Europe/Minsk").expect("zone"))
        .date();
    let month = today
        .first_of_month()
        .checked_sub(jiff::Span::new().months(1))
        .expect("month");
    let last = month.last_of_month();
    let busy_day = today.checked_sub(jiff::Span::new().days(10)).expect("day");
    let runtime = support::runtime();
    runtime.block_on(async {
        let client = Client::of(&server);
        time(&client, &format!("/a/v1.0/product/export_sales?start={month}&end={last}"), rounds, "≤ 200 ms").await;
        time(&client, &format!("/a/v1.0/product/export_sales_totals?start={month}&end={last}"), rounds, "≤ 50 ms").await;
        time(&client, &format!("/a/v1.0/product/export_sales_totals?start={month}&end={last}&add_gr_by=terminal_id"), rounds, "≤ 50 ms").await;
        time(&client, &format!("/a/v1.0/draft/receipts_by_shift_day/1/{busy_day}"), rounds, "≤ 50 ms").await;
        time(&client, "/a/v1.0/draft/get_products0/1/0/0", rounds, "≤ 20 ms").await;
    });
}
