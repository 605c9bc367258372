//! Webhook benchmarks (`cargo bench --bench webhooks`), against a receiver in this process (an
//! axum router on 127.0.0.1 answering 200 to `POST /hook` and counting what it gets):
//! - deliveries per second: `BENCH_EVENTS` `stop_list.changed` events recorded through the
//!   service layer for one subscription (500 a transaction), then delivered by
//!   `webhook_delivery::round` called back to back until the receiver has them all;
//! - 5-line till receipts (as `cargo bench --bench selling`) back to back against the release
//!   binary, first with no subscription, then with one to `receipt.closed`: receipts per
//!   second of both and their ratio (target ≥ 0.90).
//!
//! Env: `BENCH_DATABASE` (a postgres:// URL of an empty database; default fresh SQLite files),
//! `BENCH_EVENTS` (default 20,000), `BENCH_SECONDS` for each of the six receipts runs (default 5).

mod support;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use caffesta::db::{self, Db};
use caffesta::domain::{time, webhook::EventType};
use caffesta::service::{admin, webhook_delivery, webhooks};
use reqwest::Method;
use serde_json::{json, Value};
use support::{catalog, env_or, start_server, Client};

fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Starts the receiver: answers its URL and the count of requests it has had.
async fn receiver() -> (String, Arc<AtomicU64>) {
    let count = Arc::new(AtomicU64::new(0));
    let counted = count.clone();
    // the body is read, so that every connection stays open for the next delivery
    let hook = move |body: axum::body::Bytes| {
        let counted = counted.clone();
        async move {
            drop(body);
            counted.fetch_add(1, Ordering::Relaxed);
            axum::http::StatusCode::OK
        }
    };
    let app = axum::Router::new().route("/hook", axum::routing::post(hook));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("receiver binds");
    let addr = listener.local_addr().expect("receiver address");
    tokio::spawn(async move { axum::serve(listener, app).await.expect("receiver serves") });
    (format!("http://{addr}/hook"), count)
}

#[expect(
    clippy::cast_precision_loss,
    reason = "a benchmark statistic shown to a person; the float is display only"
)]
async fn bench_deliveries(database: &str, hook: &str, received: &AtomicU64, events: u64) {
    let db = Db::connect(database).await.expect("database");
    db.migrate().await.expect("migrations");
    let account = admin::create_account(&db, "bench", None)
        .await
        .expect("account");
    let spec = webhooks::Spec {
        url: hook,
        events: vec!["stop_list.changed"],
        secret: None,
        allow_private: true,
    };
    webhooks::create(&db, account, &spec)
        .await
        .expect("subscription");
    let recording = Instant::now();
    let mut n = 0u64;
    while n < events {
        let mut tx = db.begin_write().await.expect("transaction");
        for _ in 0..500u64.min(events - n) {
            let data = json!({ "n": n });
            webhooks::emit(&mut tx, account, EventType::StopListChanged, &data)
                .await
                .expect("emit");
            n += 1;
        }
        db::commit(tx).await.expect("commit");
    }
    let recorded = recording.elapsed();
    let sender = webhook_delivery::Sender::new(true).expect("sender");
    let before = received.load(Ordering::Relaxed);
    let started = Instant::now();
    let (mut rounds, mut idle_since) = (0u64, None::<Instant>);
    while received.load(Ordering::Relaxed) - before < events {
        let attempts = webhook_delivery::round(&db, &sender, time::now_millis())
            .await
            .expect("round");
        rounds += 1;
        if attempts > 0 {
            idle_since = None;
            continue;
        }
        // a failed attempt is retried seconds later: wait for it, but not for ever
        let since = *idle_since.get_or_insert_with(Instant::now);
        assert!(
            since.elapsed() < Duration::from_mins(1),
            "deliveries stalled at {} of {events}",
            received.load(Ordering::Relaxed) - before
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let took = started.elapsed();
    println!(
        "deliveries to a loopback receiver, one subscription: {events} in {:.2} s over {rounds} rounds = {:.0}/s (recording them took {:.0} ms)",
        took.as_secs_f64(),
        events as f64 / took.as_secs_f64(),
        millis(recorded)
    );
    db.close().await;
}

/// Uploads `receipt` back to back for `seconds`: prints and answers receipts per second.
#[expect(
    clippy::cast_precision_loss,
    reason = "a benchmark statistic shown to a person; the float is display only"
)]
async fn bench_receipts(till: &Client, receipt: &Value, seconds: u64, what: &str) -> (u64, f64) {
    let started = Instant::now();
    let deadline = started + Duration::from_secs(seconds);
    let mut latencies = Vec::new();
    while Instant::now() < deadline {
        let one = Instant::now();
        till.send(Method::POST, "/a/v1.0/pos/receipts", Some(receipt))
            .await;
        latencies.push(one.elapsed());
    }
    let rate = latencies.len() as f64 / started.elapsed().as_secs_f64();
    latencies.sort();
    let count = latencies.len();
    println!(
        "5-line receipts back to back, {what}: {count} in {seconds} s = {rate:.0}/s, p50 {:.2} ms, p99 {:.2} ms",
        millis(latencies[count / 2]),
        millis(latencies[count * 99 / 100])
    );
    (count as u64, rate)
}

fn main() {
    let events = env_or("BENCH_EVENTS", 20_000u64);
    let seconds = env_or("BENCH_SECONDS", 5u64);
    let dir = tempfile::tempdir().expect("temp dir");
    let database = support::database(dir.path());
    // SQLite: a file of its own; PostgreSQL: the same database, used before the server starts
    let deliveries_database = if database.starts_with("postgres") {
        database.clone()
    } else {
        dir.path().join("deliveries.db").display().to_string()
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let (hook, received) = runtime.block_on(receiver());
    println!(
        "caffesta webhooks benchmark: {}",
        support::backend_name(&database)
    );
    runtime.block_on(bench_deliveries(
        &deliveries_database,
        &hook,
        &received,
        events,
    ));

    // the server's sender reaches the loopback receiver only when private receivers are allowed
    std::env::set_var("CAFFESTA_WEBHOOKS_ALLOW_PRIVATE", "true");
    let server = start_server(&database);
    let till = Client {
        key: support::terminal_key(&database),
        ..Client::of(&server)
    };
    let receipt = runtime.block_on(async {
        let sold = catalog(&Client::of(&server)).await;
        till.send(Method::POST, "/a/v1.0/pos/shifts/open", Some(&json!({})))
            .await;
        let lines: Vec<Value> = sold
            .iter()
            .map(|id| json!({"product_id": id, "count": 1, "price": "3.50", "total_sum": "3.50"}))
            .collect();
        json!({"type": "sale", "lines": lines, "payments": [{"payment_id": 2, "value": "17.50"}]})
    });
    runtime.block_on(bench_receipts(&till, &receipt, 1, "warm-up"));
    let run = Alternation {
        database: &database,
        hook: &hook,
        received: &received,
        seconds,
    };
    let (mut without, mut with) = run.receipts(&runtime, &till, &receipt);
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (without, with) = (median(&mut without), median(&mut with));
    println!(
        "receipts/s, medians of 3: {without:.0} without, {with:.0} with one subscription: ratio {:.3} (target ≥ 0.90)",
        with / without
    );
}

/// The receipts runs: alternately without and with a `receipt.closed` subscription.
struct Alternation<'a> {
    database: &'a str,
    hook: &'a str,
    received: &'a AtomicU64,
    seconds: u64,
}

impl Alternation<'_> {
    /// Three runs of each, alternating, so the database's growth and the machine's moods fall
    /// on both alike: their receipts/s, without and with.
    fn receipts(
        &self,
        runtime: &tokio::runtime::Runtime,
        till: &Client,
        receipt: &Value,
    ) -> (Vec<f64>, Vec<f64>) {
        // alternate runs without and with a subscription, so the database's growth and the
        // machine's moods fall on both alike; compare the medians
        let (mut without, mut with) = (Vec::new(), Vec::new());
        for _ in 0..3 {
            without.push(
                runtime
                    .block_on(bench_receipts(
                        till,
                        receipt,
                        self.seconds,
                        "no subscription",
                    ))
                    .1,
            );
            let create = [
                "webhook",
                "create",
                "--account",
                "demo",
                "--url",
                self.hook,
                "--events",
                "receipt.closed",
            ];
            let id = support::cli(self.database, &create);
            let id = id.lines().next().unwrap_or_default().to_owned();
            let before = self.received.load(Ordering::Relaxed);
            let (count, rate) = runtime.block_on(bench_receipts(
                till,
                receipt,
                self.seconds,
                "one receipt.closed subscription",
            ));
            with.push(rate);
            let ended = Instant::now();
            let during = self.received.load(Ordering::Relaxed) - before;
            runtime.block_on(async {
                while self.received.load(Ordering::Relaxed) - before < count
                    && ended.elapsed() < Duration::from_mins(1)
                {
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
            });
            println!(
                "  receipt.closed deliveries: {during} of {count} during the run, {} within {:.0} ms after it",
                self.received.load(Ordering::Relaxed) - before,
                millis(ended.elapsed())
            );
            support::cli(
                self.database,
                &["webhook", "delete", "--account", "demo", &id],
            );
        }
        (without, with)
    }
}
