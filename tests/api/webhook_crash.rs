//! API.md §12, at least once and never lost, with the real binary: a burst of 1,000 till
//! receipts with a `receipt.closed` subscription, SIGKILL during the burst and again during
//! delivery; after the restart every committed receipt's event arrives, none arrives for a
//! receipt that did not commit, and a duplicate carries the same event id.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{Backend, TestDatabase};
use crate::jobs::spawn_demo;
use crate::webhooks::Receiver;

const RECEIPTS: usize = 1000;

async fn call(
    client: &reqwest::Client,
    method: Method,
    url: String,
    key: &str,
    body: &Value,
) -> (StatusCode, Value) {
    let request = client
        .request(method, url)
        .header("X-API-KEY", key)
        .json(body);
    match request.send().await {
        Ok(answer) => {
            let status = answer.status();
            (status, answer.json().await.unwrap_or(Value::Null))
        }
        // the server was killed under this request
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, Value::Null),
    }
}

fn receipt(uuid: &str, product: i64) -> Value {
    json!({"uuid": uuid, "type": "sale", "lines": [{"product_id": product, "count": 1, "price": 2.5, "total_sum": 2.5}],
           "payments": [{"payment_id": 1, "value": 2.5}]})
}

/// Sends the receipts not yet acknowledged, 8 at a time, until all are or the server is gone,
/// adding each acknowledged one to `acked`.
async fn burst(
    client: &reqwest::Client,
    addr: &str,
    key: &str,
    uuids: &[String],
    product: i64,
    acked: &Arc<Mutex>,
) {
    let next = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let (client, addr, key, uuids) = (
            client.clone(),
            addr.to_owned(),
            key.to_owned(),
            uuids.to_vec(),
        );
        let (next, acked) = (next.clone(), acked.clone());
        tasks.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                if i >= uuids.len() {
                    return;
                }
                if acked.lock().contains(&uuids[i]) {
                    continue;
                }
                let url = format!("http://{addr}/a/v1.0/pos/receipts");
                let (status, _) = call(
                    &client,
                    Method::POST,
                    url,
                    &key,
                    &receipt(&uuids[i], product),
                )
                .await;
                if status == StatusCode::OK {
                    acked.lock().insert(uuids[i].clone());
                } else if status == StatusCode::SERVICE_UNAVAILABLE {
                    return;
                }
            }
        }));
    }
    for task in tasks {
        task.await.expect("sender");
    }
}

/// The acknowledged UUIDs.
#[derive(Default)]
struct Mutex(std::sync::Mutex<HashSet<String>>);

impl Mutex {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashSet<String>> {
        self.0.lock().expect("lock")
    }
}

async fn every_committed_receipt_is_announced_across_two_sigkills(backend: Backend) {
    let receiver = Receiver::start(0).await;
    let database = TestDatabase::new(backend).await;
    let client = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client");
    let args = ["--webhooks-allow-private", "--rate-limit", "0"];
    let (mut server, addr, keys) = spawn_demo(&database.url, &args);
    let at = |addr: &str, path: &str| format!("http://{addr}{path}");
    let (status, answer) = call(
        &client,
        Method::POST,
        at(&addr, "/admin/v1/webhooks"),
        &keys.admin,
        &json!({"url": receiver.url, "events": ["receipt.closed"]}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let (status, answer) = call(
        &client,
        Method::POST,
        at(&addr, "/a/v1.0/product/"),
        &keys.api,
        &json!({"ref_code": "crash-tea", "name": "Чай", "measure": "pcs"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let product = answer["data"]["id"].as_i64().expect("product");
    let (status, answer) = call(
        &client,
        Method::POST,
        at(&addr, "/a/v1.0/pos/shifts/open"),
        &keys.terminal,
        &json!({}),
    )
    .await;
    assert!(
        status == StatusCode::OK || status == StatusCode::CONFLICT,
        "{answer}"
    );
    let uuids: Vec<String> = (0..RECEIPTS)
        .map(|_| uuid::Uuid::new_v4().to_string())
        .collect();
    let acked = Arc::new(Mutex::default());

    // killed during the burst
    let killer = {
        let acked = acked.clone();
        tokio::spawn(async move {
            while acked.lock().len() < 300 {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
    };
    let sending = burst(&client, &addr, &keys.terminal, &uuids, product, &acked);
    tokio::select! {
        () = sending => {},
        _ = killer => {},
    }
    server.kill().expect("SIGKILL");
    server.wait().expect("killed");

    // restarted: the rest of the burst, then killed while it delivers
    let (mut server, addr, _) = spawn_demo(&database.url, &args);
    burst(&client, &addr, &keys.terminal, &uuids, product, &acked).await;
    let before = receiver.delivered().len();
    for _ in 0..2000 {
        if receiver.delivered().len() > before + 100 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    server.kill().expect("SIGKILL");
    server.wait().expect("killed");

    // restarted again: every committed receipt's event arrives
    let db = database.open().await;
    let committed: HashSet<String> = {
        use caffesta::db::Query;
        let rows = db
            .read()
            .await
            .rows(
                "SELECT uuid FROM receipts WHERE income = 1 AND source = 'pos' AND total_sum = 250",
                caffesta::params! {},
            )
            .await
            .expect("receipts");
        rows.iter()
            .map(|r| r.get::<String>("uuid").expect("uuid"))
            .collect()
    };
    db.close().await;
    assert!(
        acked.lock().is_subset(&committed),
        "an acknowledged receipt was lost"
    );
    let (mut server, _, _) = spawn_demo(&database.url, &args);
    let delivered = receiver
        .wait_for(|d| {
            let seen: HashSet<&str> = d.iter().filter_map(|b| b["data"]["id"].as_str()).collect();
            committed.iter().all(|u| seen.contains(u.as_str()))
        })
        .await;
    server.kill().expect("stop");
    server.wait().expect("stopped");
    let mut event_of: HashMap<String, String> = HashMap::new();
    for body in &delivered {
        let receipt = body["data"]["id"].as_str().expect("receipt").to_owned();
        assert!(
            committed.contains(&receipt),
            "an event for a receipt that did not commit: {body}"
        );
        let event = body["id"].as_str().expect("event id").to_owned();
        assert_eq!(
            event_of.entry(receipt).or_insert_with(|| event.clone()),
            &event,
            "a duplicate with another id"
        );
    }
    assert_eq!(event_of.len(), committed.len());
    assert!(
        committed.len() >= 950,
        "only {} receipts committed",
        committed.len()
    );
}

crate::backend_tests!(every_committed_receipt_is_announced_across_two_sigkills);
