//! API.md §0, idempotency across crashes: a keyed write and its stored answer commit together,
//! so a retry after a SIGKILL either replays the committed answer or runs afresh; never 409,
//! never a second copy.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{int, send, Backend, TestDatabase, TestServer};
use crate::jobs::spawn;

/// An invoice of `lines` new products.
fn big_invoice(lines: usize) -> Value {
    let products: Vec<Value> = (0..lines)
        .map(|n| json!({"ref_code": format!("p{n}"), "name": format!("Товар {n}"), "measure": "pcs"}))
        .collect();
    let items: Vec<Value> = (0..lines)
        .map(|n| json!({"amount": 1, "product_code": format!("p{n}"), "cost": "1.50"}))
        .collect();
    json!({"storage": {"caf_id": 1}, "products": products, "items": items})
}

async fn post_keyed(
    client: &reqwest::Client,
    addr: &str,
    key: &str,
    idempotency_key: &str,
    body: &Value,
) -> Result<(StatusCode, Value), reqwest::Error> {
    let response = client
        .post(format!("http://{addr}/a/v1.0/storage/invoices"))
        .header("X-API-KEY", key)
        .header("Idempotency-Key", idempotency_key)
        .json(body)
        .send()
        .await?;
    let status = response.status();
    let text = response.text().await?;
    Ok((status, serde_json::from_str(&text).unwrap_or(Value::Null)))
}

async fn a_keyed_invoice_killed_at_any_moment_is_made_exactly_once_by_its_retry(backend: Backend) {
    let database = TestDatabase::new(backend).await;
    let client = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client");
    let invoice = big_invoice(3_000);
    let (mut setup, _, key) = spawn(&database.url, &["--demo"]);
    let key = key.expect("demo key");
    setup.kill().expect("stop");
    setup.wait().expect("stopped");
    let db = database.open().await;
    let before = int(&db, "SELECT COUNT(*) FROM invoices").await;
    db.close().await;
    let delays = [0u64, 20, 60, 120, 250, 500, 1_000];
    for (round, delay) in delays.into_iter().enumerate() {
        let idempotency_key = format!("crash-{round}");
        let (mut server, addr, _) = spawn(&database.url, &[]);
        let sending = {
            let (client, addr, key, body, k) = (
                client.clone(),
                addr.clone(),
                key.clone(),
                invoice.clone(),
                idempotency_key.clone(),
            );
            tokio::spawn(async move { post_keyed(&client, &addr, &key, &k, &body).await })
        };
        tokio::time::sleep(Duration::from_millis(delay)).await;
        server.kill().expect("SIGKILL");
        server.wait().expect("killed");
        let first = sending.await.expect("task");

        let (mut server, addr, _) = spawn(&database.url, &[]);
        let (status, answer) = post_keyed(&client, &addr, &key, &idempotency_key, &invoice)
            .await
            .expect("retry answered");
        assert_eq!(status, StatusCode::OK, "kill after {delay} ms: {answer}");
        // a second retry replays the same answer
        let (status, again) = post_keyed(&client, &addr, &key, &idempotency_key, &invoice)
            .await
            .expect("second retry answered");
        assert_eq!(
            (status, &again),
            (StatusCode::OK, &answer),
            "after {delay} ms"
        );
        if let Ok((StatusCode::OK, answered)) = &first {
            assert_eq!(
                answered, &answer,
                "the first answer reached the client: same id"
            );
        }
        server.kill().expect("stop");
        server.wait().expect("stopped");
        let db = database.open().await;
        let invoices = int(&db, "SELECT COUNT(*) FROM invoices").await;
        assert_eq!(
            invoices,
            before + i64::try_from(round).expect("a small round") + 1,
            "exactly one invoice per key"
        );
        db.close().await;
    }
}

async fn a_second_request_with_a_running_key_gets_409_and_one_that_finished_its_answer(
    backend: Backend,
) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    let invoice = big_invoice(2_000);
    let post = |body: &Value| {
        server
            .request(&demo, Method::POST, "/a/v1.0/storage/invoices")
            .header("Idempotency-Key", "together")
            .json(body)
    };
    let (first, second) = tokio::join!(send(post(&invoice)), async {
        tokio::time::sleep(Duration::from_millis(30)).await;
        send(post(&invoice)).await
    });
    let statuses = [first.0, second.0];
    assert!(statuses.contains(&StatusCode::OK), "{statuses:?}");
    assert!(
        statuses
            .iter()
            .all(|s| *s == StatusCode::OK || *s == StatusCode::CONFLICT),
        "{statuses:?}"
    );
    let (status, replayed) = send(post(&invoice)).await;
    assert_eq!(status, StatusCode::OK);
    let answered = if first.0 == StatusCode::OK {
        &first.1
    } else {
        &second.1
    };
    assert_eq!(&replayed, answered);
    assert_eq!(int(&server.db, "SELECT COUNT(*) FROM invoices").await, 1);
    server.stop().await;
}

async fn answers_past_the_retention_are_purged_and_the_key_runs_afresh(backend: Backend) {
    use caffesta::db::idempotency::{self, RETENTION_SECS};
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    let keyed = |body: Value| {
        server
            .request(&demo, Method::POST, "/a/v1.0/storage/invoices")
            .header("Idempotency-Key", "old")
            .json(&body)
    };
    let (status, first) = send(keyed(big_invoice(1))).await;
    assert_eq!(status, StatusCode::OK);
    // a day and a second later the key is forgotten: purged, and a retry runs afresh
    let later = caffesta::domain::time::now_unix() + RETENTION_SECS + 1;
    let purged = idempotency::purge(&server.db, later).await.expect("purge");
    assert_eq!(purged, 1);
    let (status, second) = send(keyed(big_invoice(1))).await;
    assert_eq!(status, StatusCode::OK);
    assert_ne!(first, second, "a new invoice");
    // within the retention the answer stands
    let purged = idempotency::purge(&server.db, later - 2)
        .await
        .expect("purge");
    assert_eq!(purged, 0);
    let (_, third) = send(keyed(big_invoice(1))).await;
    assert_eq!(third, second);
    assert_eq!(int(&server.db, "SELECT COUNT(*) FROM invoices").await, 2);
    server.stop().await;
}

crate::backend_tests!(
    a_keyed_invoice_killed_at_any_moment_is_made_exactly_once_by_its_retry,
    a_second_request_with_a_running_key_gets_409_and_one_that_finished_its_answer,
    answers_past_the_retention_are_purged_and_the_key_runs_afresh,
);
