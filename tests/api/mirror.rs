//! API.md §8: a client that mirrors products, balances and clients by polling `get_updates`
//! and paging the feeds, while a writer changes them (many times a second, so often in the
//! same second as the client's last `ts`, and while it pages), ends identical to the server:
//! no change missed, deletions seen.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{Backend, TestAccount, TestServer};

const SECTIONS: [&str; 3] = ["products", "balances", "clients"];

#[derive(Debug, Default, PartialEq)]
struct Mirror {
    marks: HashMap<String, i64>,
    products: BTreeMap<i64, (String, Value)>,
    balances: BTreeMap<i64, String>,
    clients: BTreeMap<String, (Value, Value)>,
}

async fn get(server: &TestServer, account: &TestAccount, path: &str) -> Value {
    let (status, body) = server.get(account, path).await;
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    body["data"].clone()
}

impl Mirror {
    /// One round of the documented protocol: for each section whose time moved, fetch the
    /// changes since the time stored last, and store the new time.
    async fn sync(&mut self, server: &TestServer, account: &TestAccount) {
        let updates = get(server, account, "/a/v1.0/draft/get_updates/1").await;
        for section in SECTIONS {
            let new = updates[section].as_i64().expect("ts");
            let old = self.marks.get(section).copied();
            if old.is_some_and(|old| new <= old) {
                continue;
            }
            self.fetch(server, account, section, old.unwrap_or(0)).await;
            self.marks.insert(section.to_owned(), new);
        }
    }

    async fn fetch(&mut self, server: &TestServer, account: &TestAccount, section: &str, ts: i64) {
        match section {
            "products" => {
                let mut start = 0;
                loop {
                    let page = get(
                        server,
                        account,
                        &format!("/a/v1.0/draft/get_products0/1/{start}/{ts}"),
                    )
                    .await;
                    let rows = page.as_array().expect("page").clone();
                    for p in &rows {
                        let id = p["id"].as_i64().expect("id");
                        if p["deleted"] == true {
                            self.products.remove(&id);
                        } else {
                            self.products.insert(
                                id,
                                (
                                    p["name"].as_str().unwrap_or_default().to_owned(),
                                    p["price"].clone(),
                                ),
                            );
                        }
                    }
                    if rows.len() < 1000 {
                        break;
                    }
                    start = rows.last().and_then(|p| p["id"].as_i64()).unwrap_or(start);
                }
            }
            "balances" => {
                for b in get(
                    server,
                    account,
                    &format!("/a/v1.0/draft/get_balances/1/{ts}"),
                )
                .await
                .as_array()
                .expect("balances")
                {
                    self.balances.insert(
                        b["product_id"].as_i64().expect("id"),
                        b["balance"].as_str().unwrap_or_default().to_owned(),
                    );
                }
            }
            _ => {
                for c in get(server, account, &format!("/a/v1.0/draft/get_clients/{ts}"))
                    .await
                    .as_array()
                    .expect("clients")
                {
                    let uuid = c["uuid"].as_str().unwrap_or_default().to_owned();
                    if c["deletedAt"].is_null() {
                        self.clients
                            .insert(uuid, (c["payBalance"].clone(), c["bonusBalance"].clone()));
                    } else {
                        self.clients.remove(&uuid);
                    }
                }
            }
        }
    }
}

/// Changes products, prices, deletions, stock and clients as fast as it can for `seconds`.
async fn writer(
    server: &TestServer,
    demo: &TestAccount,
    till: &TestAccount,
    seconds: u64,
) -> usize {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut ids: Vec<(i64, String)> = Vec::new();
    let mut clients: Vec<String> = Vec::new();
    let mut n = 0usize;
    while Instant::now() < deadline {
        n += 1;
        let pick = |k: usize| ids.get((n * 7 + k) % ids.len().max(1)).cloned();
        match n % 6 {
            0 | 1 => {
                let code = format!("w{n}");
                let body = json!({"ref_code": code, "name": format!("Товар {n}"), "measure": "pcs", "prices": [{"caf_shop_id": 1, "price": n % 17}]});
                let (status, answer) = server.post(demo, "/a/v1.0/product/", &body).await;
                assert_eq!(status, StatusCode::OK, "{answer}");
                ids.push((answer["data"]["id"].as_i64().expect("id"), code));
            }
            2 => {
                if let Some((id, code)) = pick(1) {
                    let body = json!({"ref_code": code, "name": format!("Переименован {n}"), "measure": "pcs", "prices": [{"caf_shop_id": 1, "price": n % 13}]});
                    let (status, answer) = server
                        .put(demo, &format!("/a/v1.0/product/{id}"), &body)
                        .await;
                    assert_eq!(status, StatusCode::OK, "{answer}");
                }
            }
            3 => {
                if let Some((id, code)) = pick(2) {
                    let items =
                        json!([{"amount": 1 + n % 5, "product_code": code, "cost": "1.00"}]);
                    let (_, answer) = server
                        .post(
                            demo,
                            "/a/v1.0/storage/invoices",
                            &json!({"storage": {"caf_id": 1}, "items": items}),
                        )
                        .await;
                    let invoice = answer["data"]["id"].as_i64().expect("invoice");
                    server
                        .put(
                            demo,
                            &format!("/a/v1.0/storage/invoices/{invoice}"),
                            &json!({"action": "wire"}),
                        )
                        .await;
                    let _ = id;
                }
            }
            4 => {
                if let Some((id, _)) = pick(3) {
                    let client = if n % 12 == 4 || clients.is_empty() {
                        let body = json!({"bill": {"total_sum": 0, "items": [], "client": {"name": format!("Клиент {n}"), "phone": format!("+37529{n:07}")}}});
                        let (_, answer) = server.post(demo, "/a/v1.1/draft/receipts", &body).await;
                        let uuid = answer["data"]["message"]
                            .as_str()
                            .expect("client")
                            .to_owned();
                        clients.push(uuid.clone());
                        uuid
                    } else {
                        clients[n % clients.len()].clone()
                    };
                    let receipt = json!({"client_uuid": client, "lines": [{"product_id": id, "count": 1, "price": 2, "total_sum": 2}],
                                         "payments": [{"payment_id": 1, "value": 2}]});
                    let (status, answer) =
                        server.post(till, "/a/v1.0/pos/receipts", &receipt).await;
                    assert_eq!(status, StatusCode::OK, "{answer}");
                }
            }
            _ => {
                if let Some((id, code)) = pick(4) {
                    let body = json!({"items": [{"id": code, "name": "Удалён", "measure": "pcs", "deleted": true}]});
                    let (status, answer) = server
                        .post(demo, "/a/v1.0/product/import_part_menu", &body)
                        .await;
                    assert_eq!(status, StatusCode::OK, "{answer}");
                    ids.retain(|(other, _)| *other != id);
                }
            }
        }
    }
    n
}

async fn a_polling_client_ends_identical_to_the_server_under_concurrent_writes(backend: Backend) {
    // the client polls in a tight loop, past any published rate limit
    let server = TestServer::start_unlimited(backend).await;
    let demo = server.demo().await;
    let till = server.terminal(&demo, 1).await;
    let (status, _) = server
        .post(&till, "/a/v1.0/pos/shifts/open", &json!({}))
        .await;
    assert_eq!(status, StatusCode::OK);
    let mut mirror = Mirror::default();
    let done = AtomicBool::new(false);
    let writing = writer(&server, &demo, &till, 3);
    let polling = async {
        // poll until the writer is done and the sections have settled
        let settle = Duration::from_secs(caffesta::domain::sync::SETTLE as u64 + 2);
        let mut quiet_since: Option<Instant> = None;
        let mut rounds = 0;
        loop {
            mirror.sync(&server, &demo).await;
            rounds += 1;
            tokio::time::sleep(Duration::from_millis(50)).await;
            if done.load(Ordering::SeqCst) {
                let since = *quiet_since.get_or_insert_with(Instant::now);
                if since.elapsed() > settle {
                    break rounds;
                }
            }
        }
    };
    let writes = async {
        let n = writing.await;
        done.store(true, Ordering::SeqCst);
        n
    };
    let (writes, rounds) = tokio::join!(writes, polling);
    assert!(
        writes > 50 && rounds > 10,
        "{writes} writes, {rounds} rounds"
    );

    // the server's state, read whole
    let mut truth = Mirror::default();
    for section in SECTIONS {
        truth.fetch(&server, &demo, section, 0).await;
    }
    assert!(!truth.products.is_empty() && !truth.clients.is_empty());
    assert_eq!(mirror.products, truth.products);
    assert_eq!(mirror.balances, truth.balances);
    assert_eq!(mirror.clients, truth.clients);
}

crate::backend_tests!(a_polling_client_ends_identical_to_the_server_under_concurrent_writes);
