//! API.md §12: webhooks over a real receiver on 127.0.0.1. Every event type fires with its
//! data and a signature an independent HMAC verifies; a failing receiver is retried on the
//! schedule (a clock of the test's own drives the 72-hour rules); order per subscription
//! holds; a rolled-back write emits nothing; private addresses are refused unless allowed;
//! two senders on one database never send one delivery twice.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{HeaderMap, StatusCode as AxumStatus};
use caffesta::config::HttpConfig;
use caffesta::db::Query;
use caffesta::domain::ids::WebhookId;
use caffesta::service::webhook_delivery::{self, Sender};
use caffesta::service::webhooks::{self, Spec};
use hmac::{Hmac, Mac};
use reqwest::StatusCode;
use serde_json::{json, Value};
use sha2::Sha256;

use crate::helpers::{assert_error, int, Backend, TestAccount, TestServer};
use crate::selling::{cafe, finished_job, ok, till_receipt, two_cappuccinos};

/// One request the receiver got.
#[derive(Debug, Clone)]
pub struct Got {
    pub headers: HeaderMap,
    pub body: String,
    /// What the receiver answered.
    pub answered: u16,
}

/// An HTTP receiver on 127.0.0.1 that answers 500 to its first `fail_first` requests, then
/// 200, and keeps every request.
pub struct Receiver {
    pub url: String,
    pub got: Arc<Mutex<Vec<Got>>>,
    pub fail_first: Arc<AtomicUsize>,
}

impl Receiver {
    pub async fn start(fail_first: usize) -> Receiver {
        let got: Arc<Mutex<Vec<Got>>> = Arc::default();
        let fail = Arc::new(AtomicUsize::new(fail_first));
        let (kept, failing) = (got.clone(), fail.clone());
        let app = axum::Router::new().route(
            "/hook",
            axum::routing::post(move |headers: HeaderMap, body: String| {
                let (kept, failing) = (kept.clone(), failing.clone());
                async move {
                    let fails = failing
                        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                        .is_ok();
                    let answered = if fails { 500 } else { 200 };
                    kept.lock().expect("lock").push(Got {
                        headers,
                        body,
                        answered,
                    });
                    AxumStatus::from_u16(answered).expect("status")
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move { axum::serve(listener, app).await });
        Receiver {
            url: format!("http://{addr}/hook"),
            got,
            fail_first: fail,
        }
    }

    pub fn received(&self) -> Vec<Got> {
        self.got.lock().expect("lock").clone()
    }

    /// The bodies answered 200, parsed.
    pub fn delivered(&self) -> Vec<Value> {
        self.received()
            .iter()
            .filter(|g| g.answered == 200)
            .map(|g| serde_json::from_str(&g.body).expect("json body"))
            .collect()
    }

    /// Waits (up to 20 s) until `done` holds for the delivered bodies.
    pub async fn wait_for(&self, done: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        for _ in 0..400 {
            let delivered = self.delivered();
            if done(&delivered) {
                return delivered;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "the receiver did not get what was expected: {:#?}",
            self.delivered()
        );
    }
}

/// Verifies `Caffesta-Signature` as a receiver would, with its own HMAC.
fn verify(secret: &str, got: &Got) {
    let header = got.headers["caffesta-signature"].to_str().expect("ascii");
    let (t, v1) = header
        .split_once(',')
        .and_then(|(t, v)| Some((t.strip_prefix("t=")?, v.strip_prefix("v1=")?)))
        .expect("t=…,v1=…");
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("key");
    mac.update(format!("{t}.{}", got.body).as_bytes());
    assert_eq!(
        hex::encode(mac.finalize().into_bytes()),
        v1,
        "signature of {}",
        got.body
    );
    let body: Value = serde_json::from_str(&got.body).expect("json");
    assert_eq!(
        got.headers["caffesta-event-id"],
        body["id"].as_str().expect("id")
    );
    assert_eq!(
        got.headers["caffesta-event-type"],
        body["type"].as_str().expect("type")
    );
}

fn allowing_private(sender: bool) -> HttpConfig {
    HttpConfig {
        key_cache_ttl: Duration::ZERO,
        webhook_sender: sender,
        webhooks_allow_private: true,
        ..HttpConfig::default()
    }
}

fn of_type<'a>(delivered: &'a [Value], kind: &str) -> Vec<&'a Value> {
    delivered.iter().filter(|b| b["type"] == kind).collect()
}

async fn every_event_type_fires_with_its_data_and_a_signature_that_verifies(backend: Backend) {
    let receiver = Receiver::start(0).await;
    let server = TestServer::start_with(backend, allowing_private(true)).await;
    let demo = server.demo().await;
    let admin = server.admin(&demo).await;
    let till = server.terminal(&demo, 1).await;
    let all: Vec<&str> = caffesta::domain::webhook::EventType::SUBSCRIBABLE
        .iter()
        .map(|t| t.as_str())
        .collect();
    let created = ok(
        &server,
        &admin,
        "/admin/v1/webhooks",
        json!({"url": receiver.url, "events": all, "secret": "whsec_test"}),
    )
    .await;
    assert_eq!(created["secret"], "whsec_test");

    // invoices wired, a product, the delivery order's flow, an annulment, a till sale
    let cappuccino = cafe(&server, &demo).await;
    crate::selling::bonus_group(&server).await;
    let accepted = ok(
        &server,
        &demo,
        "/a/v1.0/draft/storages",
        two_cappuccinos(cappuccino),
    )
    .await;
    let job = finished_job(&server, &demo, accepted["job_id"].as_i64().expect("job")).await;
    let uuid = job["message"].as_str().expect("uuid").to_owned();
    ok(&server, &till, "/a/v1.0/pos/shifts/open", json!({})).await;
    let (status, answer) = server
        .get(&till, "/a/v1.0/pos/orders?status=wait_cashier")
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let (status, answer) = server
        .put(
            &till,
            &format!("/a/v1.0/pos/orders/{uuid}"),
            &json!({"status": "active"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let pay = json!({"payments": [{"payment_id": 2, "value": 13.66}]});
    ok(
        &server,
        &till,
        &format!("/a/v1.0/pos/orders/{uuid}/close"),
        pay,
    )
    .await;
    ok(
        &server,
        &till,
        &format!("/a/v1.0/pos/receipts/{uuid}/annul"),
        json!({}),
    )
    .await;
    // milk 10 l (the annulment gave back the order's 0.3 l) and a minimum of 9.65 l: the next
    // cappuccino's 0.15 l leaves 9.85, above; the transfer of 1 l below takes it to 8.85
    let (status, answer) = server
        .put(
            &admin,
            "/admin/v1/minimums",
            &json!({"storage_id": 1, "product_code": "milk", "minimum": "9.65"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    ok(
        &server,
        &till,
        "/a/v1.0/pos/receipts",
        till_receipt(cappuccino),
    )
    .await;

    // the documents of §11, wired; a transfer and an invoice unwired too
    let docs = [
        (
            "/a/v1.0/storage/invoices",
            json!({"date": "2026-01-06 09:00", "storage": {"caf_id": 1}, "shipper": {"ref_code": "roaster", "name": "Обжарщик"}, "items": [{"amount": 1, "product_code": "milk", "cost": 2}]}),
            true,
        ),
        (
            "/a/v1.0/storage/moves",
            json!({"date": "2026-01-06 10:00", "storage_from": {"caf_id": 1}, "storage_to": {"caf_id": 5}, "items": [{"amount": 1, "product_code": "milk"}]}),
            true,
        ),
        (
            "/a/v1.0/storage/writeoffs",
            json!({"date": "2026-01-06 11:00", "storage": {"caf_id": 1}, "reason": "spoilage", "items": [{"product_code": "milk", "amount": "0.5"}]}),
            false,
        ),
        (
            "/a/v1.0/storage/inventories",
            json!({"date": "2026-01-06 12:00", "storage": {"caf_id": 1}, "items": [{"product_code": "beans", "counted": 1}]}),
            false,
        ),
        (
            "/a/v1.0/storage/returns",
            json!({"date": "2026-01-06 13:00", "storage": {"caf_id": 1}, "shipper": {"ref_code": "roaster"}, "items": [{"product_code": "milk", "amount": 1, "price": 2}]}),
            false,
        ),
    ];
    for (path, body, unwire) in docs {
        let id = crate::writeoffs::create(&server, &demo, path, &body).await;
        let doc = format!("{path}/{id}");
        assert_eq!(
            crate::writeoffs::act(&server, &demo, &doc, "wire").await,
            StatusCode::OK,
            "{path}"
        );
        if unwire {
            assert_eq!(
                crate::writeoffs::act(&server, &demo, &doc, "unwire").await,
                StatusCode::OK,
                "{path}"
            );
        }
    }
    let product = json!({"ref_code": "tea", "name": "Чай", "measure": "pcs"});
    let (status, answer) = server.post(&demo, "/a/v1.0/product/", &product).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let (status, answer) = server
        .put(
            &admin,
            "/admin/v1/shops/1/stop_list",
            &json!({"product_code": "tea", "in_stop_list": true}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");

    let delivered = receiver
        .wait_for(|d| all.iter().all(|t| d.iter().any(|b| b["type"] == *t)))
        .await;
    for got in receiver.received() {
        verify("whsec_test", &got);
    }
    for body in &delivered {
        assert_eq!(body["account"], "demo", "{body}");
        assert!(
            body["created_at"]
                .as_str()
                .is_some_and(|t| t.ends_with("+00:00")),
            "{body}"
        );
    }
    let one = |kind: &str| of_type(&delivered, kind)[0]["data"].clone();
    assert_eq!(of_type(&delivered, "invoice.wired").len(), 3);
    assert_eq!(one("invoice.unwired")["status"], "not_wired");
    assert_eq!(one("transfer.wired")["status"], "wired");
    assert!(
        one("writeoff.wired")["doc_date"]
            .as_str()
            .is_some_and(|d| d.starts_with("2026-01-06T")),
        "{}",
        one("writeoff.wired")
    );
    assert_eq!(one("order.created")["uuid"], uuid.as_str());
    assert_eq!(one("order.created")["status"], "wait_cashier");
    let changes: Vec<Value> = of_type(&delivered, "order.status_changed")
        .iter()
        .map(|b| b["data"]["status"].clone())
        .collect();
    assert_eq!(changes, [json!("active"), json!("closed")]);
    assert_eq!(one("job.finished")["order_uuid"], uuid.as_str());
    assert_eq!(one("client.created")["name"], "Иван");
    assert_eq!(one("client.updated")["id"], one("client.created")["id"]);
    let closed = one("receipt.closed");
    assert_eq!(
        (closed["id"].as_str(), closed["income"].clone()),
        (Some(uuid.as_str()), json!(1))
    );
    assert_eq!(closed["bill_dishes"][0]["dish"]["id"], cappuccino);
    assert_eq!(closed["bill_dishes"][0]["self_cost_sum"], json!(1.94));
    let annulled = one("receipt.annulled");
    assert_eq!(
        (annulled["origin_id"].as_str(), annulled["income"].clone()),
        (Some(uuid.as_str()), json!(-1))
    );
    assert_eq!(one("product.changed")["ref_code"], "tea");
    assert_eq!(one("stop_list.changed")["in_stop_list"], true);
    let below = one("stock.below_minimum");
    assert_eq!(
        (below["storage_id"].clone(), below["balance"].clone()),
        (json!(1), json!(8.85))
    );
    // unwiring the transfer took milk back above (9.85); the write-off of 0.5 crossed again
    let crossings: Vec<Value> = of_type(&delivered, "stock.below_minimum")
        .iter()
        .map(|b| b["data"]["balance"].clone())
        .collect();
    assert_eq!(crossings, [json!(8.85), json!(9.35)]);

    // the log lists them newest first, each delivered in one attempt
    let (_, log) = server
        .get(&admin, "/admin/v1/webhooks/1/deliveries?limit=500")
        .await;
    let log = log["data"].as_array().expect("deliveries");
    assert_eq!(log.len(), delivered.len());
    assert!(log
        .iter()
        .all(|d| d["status"] == "delivered" && d["attempts"].as_array().map(Vec::len) == Some(1)));
    assert!(log
        .windows(2)
        .all(|w| w[0]["id"].as_i64() > w[1]["id"].as_i64()));
    // ping
    let (status, _) = server
        .post(&admin, "/admin/v1/webhooks/1/test", &json!({}))
        .await;
    assert_eq!(status, StatusCode::OK);
    receiver
        .wait_for(|d| d.iter().any(|b| b["type"] == "ping"))
        .await;
    server.stop().await;
}

/// Creates a subscription through the service (as the CLI does: any URL).
async fn subscribe(
    server: &TestServer,
    account: &TestAccount,
    url: &str,
    events: &[&str],
) -> WebhookId {
    let spec = Spec {
        url,
        events: events.to_vec(),
        secret: Some("s"),
        allow_private: true,
    };
    webhooks::create(&server.db, account.id, &spec)
        .await
        .expect("subscribe")
        .id
}

/// Puts `code` on the stop list of shop 1 (`on`) or takes it off: one `stop_list.changed`.
async fn toggle(server: &TestServer, admin: &TestAccount, code: &str, on: bool) {
    let (status, answer) = server
        .put(
            admin,
            "/admin/v1/shops/1/stop_list",
            &json!({"product_code": code, "in_stop_list": on}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
}

async fn next_at(server: &TestServer, account: &TestAccount) -> i64 {
    int(&server.db, &format!("SELECT MIN(next_at_ms) FROM webhook_deliveries WHERE account_id = {} AND status = 'pending'", account.id)).await
}

async fn a_failing_receiver_is_retried_on_the_schedule_then_given_up_and_disabled(
    backend: Backend,
) {
    let receiver = Receiver::start(3).await;
    let server = TestServer::start_with(backend, allowing_private(false)).await;
    let demo = server.demo().await;
    let admin = server.admin(&demo).await;
    cafe(&server, &demo).await;
    subscribe(&server, &demo, &receiver.url, &["stop_list.changed"]).await;
    let sender = Sender::new(true).expect("sender");
    toggle(&server, &admin, "milk", true).await;

    // three failures a growing wait apart, then the delivery
    let t0 = caffesta::domain::time::now_millis();
    let mut now = t0;
    let mut waits = Vec::new();
    for _ in 0..3 {
        assert_eq!(
            webhook_delivery::round(&server.db, &sender, now)
                .await
                .expect("round"),
            1
        );
        let due = next_at(&server, &demo).await;
        waits.push(due - now);
        // not before it is due
        assert_eq!(
            webhook_delivery::round(&server.db, &sender, due - 1)
                .await
                .expect("round"),
            0
        );
        now = due;
    }
    assert!((800..=1200).contains(&waits[0]), "{waits:?}");
    assert!((4000..=6000).contains(&waits[1]), "{waits:?}");
    assert!((24_000..=36_000).contains(&waits[2]), "{waits:?}");
    assert_eq!(
        webhook_delivery::round(&server.db, &sender, now)
            .await
            .expect("round"),
        1
    );
    let made = webhook_delivery::round(&server.db, &sender, now)
        .await
        .expect("round");
    assert_eq!(made, 0);
    let codes: Vec<u16> = receiver.received().iter().map(|g| g.answered).collect();
    assert_eq!(codes, [500, 500, 500, 200]);
    let (_, log) = server.get(&admin, "/admin/v1/webhooks/1/deliveries").await;
    assert_eq!(log["data"][0]["status"], "delivered");
    let attempts: Vec<Value> = log["data"][0]["attempts"]
        .as_array()
        .expect("attempts")
        .iter()
        .map(|a| a["status_code"].clone())
        .collect();
    assert_eq!(attempts, [json!(500), json!(500), json!(500), json!(200)]);

    // a receiver down for good: retried for 72 hours, then failed, and the subscription disabled
    receiver.fail_first.store(usize::MAX, Ordering::SeqCst);
    toggle(&server, &admin, "milk", false).await;
    let start = caffesta::domain::time::now_millis();
    let mut now = start;
    let mut rounds = 0;
    while int(
        &server.db,
        "SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'pending'",
    )
    .await
        > 0
    {
        let made = webhook_delivery::round(&server.db, &sender, now)
            .await
            .expect("round");
        if made != 1 {
            let (_, log) = server.get(&admin, "/admin/v1/webhooks/1/deliveries").await;
            let (_, hook) = server.get(&admin, "/admin/v1/webhooks/1").await;
            let lease = int(
                &server.db,
                "SELECT COALESCE(MAX(lease_until_ms), 0) FROM webhooks",
            )
            .await;
            panic!("round {rounds} at {now} (start {start}): {made} attempts; lease {lease}; {hook}; {log}");
        }
        rounds += 1;
        assert!(rounds < 200, "never gave up");
        let pending = int(
            &server.db,
            "SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'pending'",
        )
        .await;
        if pending > 0 {
            now = next_at(&server, &demo).await;
        }
    }
    let hours = (now - start) / 3_600_000;
    assert!((70..=72).contains(&hours), "gave up after {hours} h");
    let (_, shown) = server.get(&admin, "/admin/v1/webhooks/1").await;
    assert_eq!(shown["data"]["enabled"], false, "{shown}");
    assert!(shown["data"]["disabled_reason"]
        .as_str()
        .is_some_and(|r| r.contains("72 hours")));
    // a disabled subscription records nothing more; a replay enables it and sends again
    toggle(&server, &admin, "milk", true).await;
    let deliveries = format!(
        "SELECT COUNT(*) FROM webhook_deliveries WHERE account_id = {}",
        demo.id
    );
    assert_eq!(int(&server.db, &deliveries).await, 2);
    let (_, log) = server.get(&admin, "/admin/v1/webhooks/1/deliveries").await;
    assert_eq!(log["data"][0]["status"], "failed");
    let failed = log["data"][0]["id"].as_i64().expect("id");
    receiver.fail_first.store(0, Ordering::SeqCst);
    let (status, _) = server
        .post(
            &admin,
            &format!("/admin/v1/webhooks/deliveries/{failed}/replay"),
            &json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, answer) = server
        .post(
            &admin,
            "/admin/v1/webhooks/deliveries/999999/replay",
            &json!({}),
        )
        .await;
    assert_error(status, &answer, StatusCode::NOT_FOUND);
    let now = caffesta::domain::time::now_millis();
    assert_eq!(
        webhook_delivery::round(&server.db, &sender, now)
            .await
            .expect("round"),
        1
    );
    let last = receiver.delivered().last().cloned().expect("delivered");
    assert_eq!(last["data"]["in_stop_list"], false);
    let (_, shown) = server.get(&admin, "/admin/v1/webhooks/1").await;
    assert_eq!(shown["data"]["enabled"], true, "{shown}");
    server.stop().await;
}

async fn order_holds_per_subscription_and_a_rolled_back_write_emits_nothing(backend: Backend) {
    let receiver = Receiver::start(1).await;
    let server = TestServer::start_with(backend, allowing_private(false)).await;
    let demo = server.demo().await;
    let admin = server.admin(&demo).await;
    cafe(&server, &demo).await;
    subscribe(
        &server,
        &demo,
        &receiver.url,
        &["stop_list.changed", "invoice.wired"],
    )
    .await;
    for i in 0..10 {
        toggle(&server, &admin, "milk", i % 2 == 0).await;
    }
    // a refusal (an unknown product) and a write rolled back after its event was recorded
    let (status, _) = server
        .put(
            &admin,
            "/admin/v1/shops/1/stop_list",
            &json!({"product_code": "nope", "in_stop_list": true}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let mut tx = server.db.begin_write().await.expect("tx");
    webhooks::emit(
        &mut tx,
        demo.id,
        caffesta::domain::webhook::EventType::StopListChanged,
        &json!({"rolled": "back"}),
    )
    .await
    .expect("emit");
    drop(tx);
    let events = format!(
        "SELECT COUNT(*) FROM webhook_deliveries WHERE account_id = {}",
        demo.id
    );
    assert_eq!(int(&server.db, &events).await, 10);

    let sender = Sender::new(true).expect("sender");
    let t0 = caffesta::domain::time::now_millis();
    // the first fails: nothing after it is sent before it
    assert_eq!(
        webhook_delivery::round(&server.db, &sender, t0)
            .await
            .expect("round"),
        1
    );
    assert_eq!(
        webhook_delivery::round(&server.db, &sender, t0 + 2000)
            .await
            .expect("round"),
        10
    );
    let order: Vec<Value> = receiver
        .received()
        .iter()
        .map(|g| {
            serde_json::from_str::<Value>(&g.body).expect("json")["data"]["in_stop_list"].clone()
        })
        .collect();
    let expected: Vec<Value> = std::iter::once(json!(true))
        .chain((0..10).map(|i| json!(i % 2 == 0)))
        .collect();
    assert_eq!(order, expected);
    let mut ids: Vec<String> = receiver
        .delivered()
        .iter()
        .map(|b| b["id"].as_str().expect("id").to_owned())
        .collect();
    ids.dedup();
    assert_eq!(ids.len(), 10);
    // the log keeps what ended for 30 days, a pending delivery until it ends
    toggle(&server, &admin, "milk", true).await;
    let now = caffesta::domain::time::now_unix();
    assert_eq!(
        webhook_delivery::purge(&server.db, now + 29 * 86_400)
            .await
            .expect("purge"),
        0
    );
    assert_eq!(
        webhook_delivery::purge(&server.db, now + 31 * 86_400)
            .await
            .expect("purge"),
        10
    );
    assert_eq!(int(&server.db, &events).await, 1);
    let pending = format!(
        "SELECT COUNT(*) FROM webhook_deliveries WHERE account_id = {} AND status = 'pending'",
        demo.id
    );
    assert_eq!(int(&server.db, &pending).await, 1);
    server.stop().await;
}

async fn private_receivers_are_refused_unless_the_server_allows_them(backend: Backend) {
    let receiver = Receiver::start(0).await;
    let server = TestServer::start_with(
        backend,
        HttpConfig {
            key_cache_ttl: Duration::ZERO,
            webhook_sender: false,
            ..HttpConfig::default()
        },
    )
    .await;
    let demo = server.demo().await;
    let admin = server.admin(&demo).await;
    for url in [
        receiver.url.as_str(),
        "http://localhost:9/x",
        "http://10.0.0.7/x",
        "http://[::1]/x",
        "http://169.254.169.254/latest",
    ] {
        let (status, answer) = server
            .post(
                &admin,
                "/admin/v1/webhooks",
                &json!({"url": url, "events": ["ping.unknown"]}),
            )
            .await;
        assert_error(status, &answer, StatusCode::UNPROCESSABLE_ENTITY);
        let (status, answer) = server
            .post(
                &admin,
                "/admin/v1/webhooks",
                &json!({"url": url, "events": ["receipt.closed"]}),
            )
            .await;
        let error = assert_error(status, &answer, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(error["field"], "url", "{url}: {answer}");
    }
    for (body, field) in [
        (
            json!({"url": "ftp://example.com/", "events": ["receipt.closed"]}),
            "url",
        ),
        (
            json!({"url": "https://u:p@example.com/", "events": ["receipt.closed"]}),
            "url",
        ),
        (
            json!({"url": "https://example.com/", "events": []}),
            "events",
        ),
        (
            json!({"url": "https://example.com/", "events": ["receipt.opened"]}),
            "events",
        ),
    ] {
        let (status, answer) = server.post(&admin, "/admin/v1/webhooks", &body).await;
        let error = assert_error(status, &answer, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(error["field"], field, "{body}: {answer}");
    }
    let (_, listed) = server.get(&admin, "/admin/v1/webhooks").await;
    assert_eq!(listed["data"], json!([]));
    // the operator's CLI may name one; a sender that does not allow private addresses still
    // refuses to connect, by name or by number, and says why
    cafe(&server, &demo).await;
    subscribe(&server, &demo, &receiver.url, &["stop_list.changed"]).await;
    subscribe(
        &server,
        &demo,
        &receiver.url.replace("127.0.0.1", "localhost"),
        &["stop_list.changed"],
    )
    .await;
    toggle(&server, &admin, "milk", true).await;
    let strict = Sender::new(false).expect("sender");
    let now = caffesta::domain::time::now_millis();
    assert_eq!(
        webhook_delivery::round(&server.db, &strict, now)
            .await
            .expect("round"),
        2
    );
    assert!(receiver.received().is_empty());
    for id in [1, 2] {
        let (_, log) = server
            .get(&admin, &format!("/admin/v1/webhooks/{id}/deliveries"))
            .await;
        let error = log["data"][0]["attempts"][0]["error"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(error.contains("private"), "{id}: {log}");
        assert_eq!(log["data"][0]["status"], "pending");
    }
    server.stop().await;
}

async fn two_senders_on_one_database_never_send_a_delivery_twice(backend: Backend) {
    let receiver = Receiver::start(0).await;
    let server = TestServer::start_with(backend, allowing_private(false)).await;
    let demo = server.demo().await;
    let admin = server.admin(&demo).await;
    cafe(&server, &demo).await;
    for _ in 0..4 {
        subscribe(&server, &demo, &receiver.url, &["stop_list.changed"]).await;
    }
    for i in 0..25 {
        toggle(&server, &admin, "milk", i % 2 == 0).await;
    }
    let (a, b) = (Sender::new(true).expect("a"), Sender::new(true).expect("b"));
    let mut sent = 0;
    while sent < 100 {
        let now = caffesta::domain::time::now_millis();
        let (x, y) = tokio::join!(
            webhook_delivery::round(&server.db, &a, now),
            webhook_delivery::round(&server.db, &b, now)
        );
        sent += x.expect("a") + y.expect("b");
    }
    assert_eq!(sent, 100);
    let got = receiver.received();
    let mut pairs: Vec<(String, String)> = got
        .iter()
        .map(|g| {
            let body: Value = serde_json::from_str(&g.body).expect("json");
            (
                body["id"].as_str().expect("id").to_owned(),
                g.headers["user-agent"].to_str().expect("ua").to_owned(),
            )
        })
        .collect();
    assert_eq!(pairs.len(), 100);
    pairs.sort();
    pairs.dedup();
    // 25 events × 4 subscriptions, each event id once per subscription
    let deliveries = int(
        &server.db,
        "SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'delivered'",
    )
    .await;
    assert_eq!(deliveries, 100);
    let attempts = int(&server.db, "SELECT COUNT(*) FROM webhook_attempts").await;
    assert_eq!(attempts, 100);
    let mut q = server.db.read().await;
    let rows = q
        .rows(
            "SELECT COUNT(*) AS n FROM webhook_deliveries GROUP BY account_id, event_uuid",
            caffesta::params! {},
        )
        .await
        .expect("rows");
    assert!(rows.iter().all(|r| r.get::<i64>("n").expect("n") == 4));
    server.stop().await;
}

crate::backend_tests!(
    every_event_type_fires_with_its_data_and_a_signature_that_verifies,
    a_failing_receiver_is_retried_on_the_schedule_then_given_up_and_disabled,
    order_holds_per_subscription_and_a_rolled_back_write_emits_nothing,
    private_receivers_are_refused_unless_the_server_allows_them,
    two_senders_on_one_database_never_send_a_delivery_twice,
);
