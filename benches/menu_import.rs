//! Menu import benchmark against the release binary over HTTP (`cargo bench --bench
//! menu_import`): a full import of 20,000 items with prices at two shops, two menu sections
//! each and counted balances in two storages (`update_balances: true`), in one request (target
//! ≤ 2 s), then the same payload again, which must change nothing (target ≤ 1 s).
//!
//! Each round uses new item codes, so each first import creates 20,000 products and posts a
//! 40,000-line adjustment. Env: `BENCH_DATABASE` (a postgres:// URL of an empty database;
//! default a fresh SQLite file), `BENCH_ITEMS` (default 20000), `BENCH_ROUNDS` (default 3).

mod support;

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::{env_or, start_server, Client};

fn payload(prefix: &str, items: usize) -> Value {
    let categories: Vec<Value> = (0..100)
        .map(|c| json!({"id": format!("cat{c}"), "name": format!("Категория {c}"), "level": if c < 10 { 1 } else { 2 },
                        "parent": if c < 10 { Value::Null } else { json!(format!("cat{}", c % 10)) }}))
        .collect();
    let sections: Vec<Value> = (0..40)
        .map(|s| json!({"id": format!("sec{s}"), "name": format!("Раздел {s}"), "level": if s < 8 { 1 } else { 2 },
                        "parent": if s < 8 { Value::Null } else { json!(format!("sec{}", s % 8)) }, "caf_id": 1 + (s % 8) / 4}))
        .collect();
    let items: Vec<Value> = (0..items)
        .map(|n| json!({
            "id": format!("{prefix}{n}"), "deleted": false, "name": format!("Товар {prefix}{n}"), "barcode": "",
            "country": "", "weight_in_gram": null, "for_sale": true, "measure": if n % 4 == 0 { "kg" } else { "pcs" },
            "use_discounts": true,
            "prices": [{"shop_id": 1, "value": "1.25", "value_day": format!("{}.{:02}", 2 + n % 9, n % 100)},
                       {"shop_id": 2, "value": "1.25", "value_day": "3.10"}],
            "balances": [{"storage_id": 1, "balance": 1 + n % 37}, {"storage_id": 2, "balance": format!("{}.5", n % 11)}],
            "category_id": format!("cat{}", n % 100), "menus": [format!("sec{}", n % 40), format!("sec{}", (n + 4) % 40)],
            "tax_id": 2, "work_space_code": format!("ws{}", n % 5), "description": ""
        }))
        .collect();
    json!({"update_balances": true, "categories": categories, "menus": sections, "taxes": [], "shops": [], "items": items})
}

fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn summary(name: &str, mut times: Vec<Duration>, target: &str) {
    times.sort();
    println!(
        "{name}: median {:.0} ms, best {:.0} ms, worst {:.0} ms (target {target})",
        millis(times[times.len() / 2]),
        millis(times[0]),
        millis(times[times.len() - 1])
    );
}

#[expect(
    clippy::cast_precision_loss,
    reason = "a benchmark statistic shown to a person; the float is display only"
)]
fn main() {
    let items = env_or("BENCH_ITEMS", 20_000usize);
    let rounds = env_or("BENCH_ROUNDS", 3usize);
    let dir = tempfile::tempdir().expect("temp dir");
    let database = support::database(dir.path());
    let server = start_server(&database);
    println!(
        "caffesta menu import benchmark: {}",
        support::backend_name(&database)
    );
    let runtime = support::runtime();
    runtime.block_on(async {
        let client = Client::of(&server);
        let (mut first, mut again) = (Vec::new(), Vec::new());
        for round in 0..rounds {
            let body = payload(&format!("r{round}-"), items);
            let bytes = serde_json::to_vec(&body).expect("json").len();
            let started = Instant::now();
            let report = client
                .send(reqwest::Method::POST, "/a/v1.0/product/import", Some(&body))
                .await;
            first.push(started.elapsed());
            assert_eq!(report["data"]["products_created"], items, "{report}");
            assert!(report["data"]["adjustment_id"].is_i64(), "{report}");
            let started = Instant::now();
            let report = client
                .send(reqwest::Method::POST, "/a/v1.0/product/import", Some(&body))
                .await;
            again.push(started.elapsed());
            let data = &report["data"];
            assert!(
                data["products_updated"] == 0
                    && data["prices_set"] == 0
                    && data["adjustment_id"].is_null(),
                "{report}"
            );
            println!(
                "  round {round}: {:.1} MB payload, import {:.0} ms, re-import {:.0} ms",
                bytes as f64 / 1e6,
                millis(first[round]),
                millis(again[round])
            );
        }
        summary(
            &format!("full import of {items} items with balances"),
            first,
            "≤ 2,000 ms",
        );
        summary(
            "re-import of the same payload (changes nothing)",
            again,
            "≤ 1,000 ms",
        );
    });
}
