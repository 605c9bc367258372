//! caffesta against the limit (`cargo bench --bench limit`): each workload run by the release
//! binary over HTTP and by the bare-SQLite program ([`bare`]) in this process, one after
//! the other in the same run, with the ratio caffesta/limit (issue 14's targets):
//! - the first 1,000-line invoice after start (≤ 1.5×) and later ones (≤ 1.3×), each with
//!   1,000 new products, created and wired;
//! - invoices of 400 and of 393…387 lines (each size new), alternating: within 20% of each
//!   other;
//! - a 100-line transfer, created and wired;
//! - the stock of a storage of 1,000 products;
//! - 5-line till receipts (2 tech maps of 3 ingredients) back to back, one till.
//!
//! Medians. Env: `BENCH_SECONDS` for the receipts (default 5), `BENCH_BINARY` (README).
//! SQLite only: the limit is SQLite's.

#[path = "limit/bare.rs"]
mod bare;
mod support;

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{json, Value};
use support::{catalog, env_or, start_server, Client};

fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn show(what: &str, ours: Duration, limit: Duration, target: &str) {
    println!(
        "{what}: caffesta {:.2} ms, limit {:.2} ms, ratio {:.2} ({target})",
        millis(ours),
        millis(limit),
        ours.as_secs_f64() / limit.as_secs_f64()
    );
}

/// An invoice of `lines` new products `{prefix}{n}` into `storage`, as `cargo bench --bench
/// stock` sends it.
fn invoice(prefix: &str, lines: usize, storage: i64) -> Value {
    let products: Vec<Value> = (0..lines)
        .map(|n| json!({"ref_code": format!("{prefix}{n}"), "name": format!("Товар {prefix}{n}"), "measure": "pcs",
                        "prices": [{"caf_shop_id": 1, "caf_storage_id": storage, "price": "3.50"}]}))
        .collect();
    let items: Vec<Value> = (0..lines)
        .map(|n| json!({"amount": 1 + n % 17, "product_code": format!("{prefix}{n}"), "price": "1.25"}))
        .collect();
    json!({"number": prefix, "date": "2026-11-01 10:00", "storage": {"caf_id": storage},
           "products": products, "items": items})
}

async fn post_and_wire(client: &Client, path: &str, body: &Value) -> Duration {
    let started = Instant::now();
    let id = client.send(Method::POST, path, Some(body)).await["data"]["id"]
        .as_i64()
        .expect("id");
    client
        .send(
            Method::PUT,
            &format!("{path}/{id}"),
            Some(&json!({"action": "wire"})),
        )
        .await;
    started.elapsed()
}

async fn invoices(client: &Client, bare: &mut bare::Bare) {
    let ours = post_and_wire(
        client,
        "/a/v1.0/storage/invoices",
        &invoice("first-", 1000, 3),
    )
    .await;
    show(
        "first 1,000-line invoice after start",
        ours,
        bare.invoice("first-", 1000, 3),
        "≤ 1.5",
    );
    let (mut ours, mut limit) = (Vec::new(), Vec::new());
    for round in 0..5 {
        let prefix = format!("big{round}-");
        ours.push(
            post_and_wire(
                client,
                "/a/v1.0/storage/invoices",
                &invoice(&prefix, 1000, 1),
            )
            .await,
        );
        limit.push(bare.invoice(&prefix, 1000, 1));
    }
    show(
        "later 1,000-line invoices",
        median(ours),
        median(limit),
        "≤ 1.3",
    );
    // the two sizes alternate, so that the file's growth and the machine's drift fall on both
    let mut times: [(Vec<Duration>, Vec<Duration>); 2] = Default::default();
    for round in 0..7 {
        for (size, lines) in [(0, 400), (1, 393 - round)] {
            let prefix = format!("s{lines}x{round}-");
            let body = invoice(&prefix, lines, 1);
            times[size]
                .0
                .push(post_and_wire(client, "/a/v1.0/storage/invoices", &body).await);
            times[size].1.push(bare.invoice(&prefix, lines, 1));
        }
    }
    for ((ours, limit), label) in times
        .into_iter()
        .zip(["400-line invoices", "393…387-line invoices"])
    {
        show(label, median(ours), median(limit), "400 and 393 within 20%");
    }
}

async fn transfers(client: &Client, bare: &mut bare::Bare) {
    // products stocked in storage 1 by the later invoices (ids in the bare program: big0-'s)
    let codes: Vec<String> = (0..100).map(|n| format!("big0-{n}")).collect();
    let first_bare = bare.first_product_of("big0-");
    let (mut ours, mut limit) = (Vec::new(), Vec::new());
    for _ in 0..9 {
        let items: Vec<Value> = codes
            .iter()
            .map(|c| json!({"amount": 1, "product_code": c}))
            .collect();
        let transfer = json!({"date": "2026-11-02 10:00", "storage_from": {"caf_id": 1},
                              "storage_to": {"caf_id": 2}, "items": items});
        ours.push(post_and_wire(client, "/a/v1.0/storage/moves", &transfer).await);
        let products: Vec<i64> = (first_bare..first_bare + 100).collect();
        limit.push(bare.transfer(&products, 1, 2));
    }
    show("100-line transfer", median(ours), median(limit), "≤ 1.3");
}

async fn stock(client: &Client, bare: &bare::Bare) {
    let (mut ours, mut limit) = (Vec::new(), Vec::new());
    for _ in 0..15 {
        let started = Instant::now();
        let answer = client
            .send(Method::GET, "/a/v1.0/draft/store/3", None)
            .await;
        ours.push(started.elapsed());
        assert_eq!(
            answer.as_array().map_or(0, Vec::len),
            1000,
            "stock of storage 3"
        );
        let (took, rows) = bare.stock(3);
        assert_eq!(rows, 1000);
        limit.push(took);
    }
    show(
        "stock of 1,000 products",
        median(ours),
        median(limit),
        "≤ 1.3",
    );
}

#[expect(
    clippy::cast_precision_loss,
    reason = "a benchmark statistic shown to a person; the float is display only"
)]
async fn receipts(till: &Client, sold: &[i64], bare: &mut bare::Bare, seconds: u64) {
    let receipt = support::receipt_of(sold, "3.50");
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let ours = support::receipts_until(till.clone(), receipt, deadline).await;
    let stocked = bare.first_product_of("seed-");
    let map = |first: i64| vec![stocked + first, stocked + first + 2, stocked + first + 4];
    let bare_sold: Vec<(i64, Vec<i64>)> = vec![
        (stocked + 6, map(0)),
        (stocked + 7, map(1)),
        (stocked + 8, Vec::new()),
        (stocked + 9, Vec::new()),
        (stocked + 10, Vec::new()),
    ];
    let limit: Vec<Duration> = (0..ours.len())
        .map(|n| bare.receipt(n, 1, &bare_sold))
        .collect();
    let rate =
        |times: &[Duration]| times.len() as f64 / times.iter().sum::<Duration>().as_secs_f64();
    println!(
        "5-line receipts, 1 till: caffesta {:.0}/s, limit {:.0}/s; median caffesta {:.2} ms, limit {:.2} ms, ratio {:.2} (≤ 1.3)",
        rate(&ours),
        rate(&limit),
        millis(median(ours.clone())),
        millis(median(limit.clone())),
        median(ours).as_secs_f64() / median(limit).as_secs_f64()
    );
}

fn main() {
    let seconds = env_or("BENCH_SECONDS", 5u64);
    let dir = tempfile::tempdir().expect("temp dir");
    let database = dir.path().join("caffesta.db").display().to_string();
    let server = start_server(&database);
    let mut bare = bare::Bare::open(&dir.path().join("bare.db"));
    println!("caffesta against the bare-SQLite program: SQLite, medians");
    let terminal_key = support::terminal_key(&database);
    let runtime = support::runtime();
    runtime.block_on(async {
        let client = Client::of(&server);
        invoices(&client, &mut bare).await;
        transfers(&client, &mut bare).await;
        stock(&client, &bare).await;
        let till = Client {
            key: terminal_key,
            ..Client::of(&server)
        };
        let sold = catalog(&client).await;
        bare.invoice("seed-", 11, 1);
        till.send(Method::POST, "/a/v1.0/pos/shifts/open", Some(&json!({})))
            .await;
        receipts(&till, &sold, &mut bare, seconds).await;
    });
}
