//! Dated-ledger benchmarks against the release binary over HTTP (`cargo bench --bench
//! ledger`), after `caffesta dev seed-ledger` has filled the account: a year of weekly
//! invoices into a warehouse (storage 1) and transfers to two shops (storages 2 and 3), daily
//! till sales by recipe at both shops — about 1,000,000 movements of 1,000 products — and a
//! storage of 50,000 products (storage 4). Measured, medians of `BENCH_ROUNDS`:
//! - a back-dated 100-line invoice dated 11 months ago wired into the warehouse, with all the
//!   re-costing it causes (target ≤ 500 ms), and unwired again;
//! - the movement report of a shop's storage for one month (target ≤ 150 ms);
//! - the balance of the 50,000-product storage at an instant between its two invoices
//!   (target ≤ 200 ms);
//! - forward till receipts of three dish lines (nine movements) back to back on this ledger
//!   (target: no more than 10% slower than `cargo bench --bench selling`'s receipts).
//!
//! Env: `BENCH_DATABASE` (default a fresh SQLite file; for PostgreSQL an empty database, e.g.
//! `createdb -h 127.0.0.1 -U postgres ledger_bench` then
//! `BENCH_DATABASE=postgres://postgres@127.0.0.1:5432/ledger_bench`), `BENCH_MOVEMENTS`
//! (sales movements, default 800,000; invoices and transfers add about 210,000), `BENCH_WIDE`
//! (default 50,000), `BENCH_ROUNDS` (default 7), `BENCH_SECONDS` (receipts, default 10),
//! `BENCH_SEED=0` to reuse a database seeded before.

mod support;

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{json, Value};
use support::{env_or, start_server, Client};

fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Median, best and worst of `times`, in ms.
fn summary(mut times: Vec<Duration>) -> String {
    times.sort();
    format!(
        "median {:.1} ms, best {:.1} ms, worst {:.1} ms",
        millis(times[times.len() / 2]),
        millis(times[0]),
        millis(times[times.len() - 1])
    )
}

async fn timed(
    client: &Client,
    method: Method,
    path: &str,
    body: Option<&Value>,
) -> (Duration, Value) {
    let started = Instant::now();
    let answer = client.send(method, path, body).await;
    (started.elapsed(), answer)
}

fn day(unix: i64) -> String {
    jiff::Timestamp::from_second(unix)
        .expect("time")
        .to_zoned(jiff::tz::TimeZone::get("Europe/Minsk").expect("zone"))
        .date()
        .to_string()
}

fn now() -> i64 {
    jiff::Timestamp::now().as_second()
}

async fn back_dated_invoices(client: &Client, goods: i64, rounds: usize) {
    let date = jiff::Timestamp::from_second(now() - 330 * 86_400)
        .expect("time")
        .to_string();
    let (mut wires, mut unwires) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        let items: Vec<Value> = (0..100)
            .map(|k| {
                let good = (k * 7 + i64::try_from(round).unwrap_or(0)) % goods;
                json!({"product_code": format!("g{good}"), "amount": 3, "cost": "90.00"})
            })
            .collect();
        let invoice = json!({"date": date, "storage": {"caf_id": 1}, "items": items});
        let id = client
            .send(Method::POST, "/a/v1.0/storage/invoices", Some(&invoice))
            .await["data"]["id"]
            .as_i64()
            .expect("invoice");
        let path = format!("/a/v1.0/storage/invoices/{id}");
        let (took, _) = timed(client, Method::PUT, &path, Some(&json!({"action": "wire"}))).await;
        wires.push(took);
        let (took, _) = timed(
            client,
            Method::PUT,
            &path,
            Some(&json!({"action": "unwire"})),
        )
        .await;
        unwires.push(took);
    }
    println!(
        "100-line invoice dated 11 months ago, wired with its re-costing: {} (target ≤ 500 ms)",
        summary(wires)
    );
    println!("… and unwired again: {}", summary(unwires));
}

async fn reads(client: &Client, rounds: usize) {
    let month_start = now() - 60 * 86_400;
    let path = format!(
        "/a/v1.0/storage/report/movements?storage=2&start={}&end={}",
        day(month_start),
        day(month_start + 29 * 86_400)
    );
    let mut times = Vec::new();
    let mut rows = 0;
    for _ in 0..rounds {
        let (took, answer) = timed(client, Method::GET, &path, None).await;
        rows = answer["data"].as_array().map_or(0, Vec::len);
        times.push(took);
    }
    println!(
        "movement report, storage 2, one month ({rows} products): {} (target ≤ 150 ms)",
        summary(times)
    );
    let at = jiff::Timestamp::from_second(now() - 60 * 86_400)
        .expect("time")
        .to_string();
    let path = format!("/a/v1.0/draft/store/4?at={at}");
    let mut times = Vec::new();
    for _ in 0..rounds {
        let (took, answer) = timed(client, Method::GET, &path, None).await;
        rows = answer.as_array().map_or(0, Vec::len);
        times.push(took);
    }
    println!(
        "balance at an instant, storage 4 ({rows} products): {} (target ≤ 200 ms)",
        summary(times)
    );
}

#[expect(
    clippy::cast_precision_loss,
    reason = "a benchmark statistic shown to a person; the float is display only"
)]
async fn forward_receipts(till: &Client, client: &Client, seconds: u64) {
    let mut dishes = Vec::new();
    for code in ["d1", "d2", "d3"] {
        let card = client
            .send(
                Method::GET,
                &format!("/a/v1.0/product/by_ref_code/{code}"),
                None,
            )
            .await;
        dishes.push(card["data"]["id"].as_i64().expect("dish"));
    }
    // a shift left open by an earlier run (BENCH_SEED=0) is as good
    let _ = till
        .http
        .post(format!("{}/a/v1.0/pos/shifts/open", till.base))
        .header("X-API-KEY", &till.key)
        .json(&json!({}))
        .send()
        .await;
    let receipt = support::receipt_of(&dishes, "5.00");
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut latencies = support::receipts_until(till.clone(), receipt, deadline).await;
    latencies.sort();
    let count = latencies.len();
    println!(
        "3-dish receipts (9 movements) back to back on this ledger: {count} in {seconds} s = {:.0}/s, p50 {:.2} ms, p99 {:.2} ms",
        count as f64 / started.elapsed().as_secs_f64(),
        millis(latencies[count / 2]),
        millis(latencies[count * 99 / 100])
    );
}

fn main() {
    let movements = env_or("BENCH_MOVEMENTS", 800_000i64);
    let wide = env_or("BENCH_WIDE", 50_000i64);
    let rounds = env_or("BENCH_ROUNDS", 7usize);
    let seconds = env_or("BENCH_SECONDS", 10u64);
    let goods = 800;
    let dir = tempfile::tempdir().expect("temp dir");
    let database = support::database(dir.path());
    let started = Instant::now();
    let seeded = if env_or("BENCH_SEED", 1u8) == 0 {
        "nothing (BENCH_SEED=0)".to_owned()
    } else {
        support::cli(
            &database,
            &[
                "dev",
                "seed-ledger",
                "--account",
                "demo",
                "--goods",
                &goods.to_string(),
                "--movements",
                &movements.to_string(),
                "--wide",
                &wide.to_string(),
            ],
        )
    };
    println!(
        "caffesta ledger benchmark: {} — seeded {seeded} in {:.0} s",
        support::backend_name(&database),
        started.elapsed().as_secs_f64()
    );
    let server = start_server(&database);
    let terminal_key = support::terminal_key(&database);
    let runtime = support::runtime();
    runtime.block_on(async {
        let client = Client::of(&server);
        let till = Client {
            key: terminal_key,
            ..Client::of(&server)
        };
        back_dated_invoices(&client, goods, rounds).await;
        reads(&client, rounds).await;
        forward_receipts(&till, &client, seconds).await;
    });
}
