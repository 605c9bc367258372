//! API.md §4: transfers between storages over HTTP.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{assert_error, Backend, TestAccount, TestServer};

async fn post(server: &TestServer, account: &TestAccount, path: &str, body: Value) -> i64 {
    let (status, answer) = server.post(account, path, &body).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    answer["data"]["id"].as_i64().expect("id")
}

async fn act(server: &TestServer, account: &TestAccount, path: &str, action: &str) -> StatusCode {
    server
        .put(account, path, &json!({ "action": action }))
        .await
        .0
}

async fn line(server: &TestServer, account: &TestAccount, storage: i64) -> Value {
    let (_, body) = server
        .get(account, &format!("/a/v1.0/draft/store/{storage}"))
        .await;
    body[0].clone()
}

/// Buys 10 kg of beans at 100.00 and 10 kg at 130.00 into storage 1, before the transfers
/// below are dated (the ledger values a transfer as of its date).
async fn stock_beans(server: &TestServer, demo: &TestAccount) {
    for cost in ["100", "130"] {
        let invoice = json!({
            "date": "2022-05-01 09:00",
            "storage": {"caf_id": 1},
            "products": [{"ref_code": "beans", "name": "Зерно", "measure": "kg"}],
            "items": [{"amount": 10, "product_code": "beans", "cost": cost}]
        });
        let id = post(server, demo, "/a/v1.0/storage/invoices", invoice).await;
        assert_eq!(
            act(
                server,
                demo,
                &format!("/a/v1.0/storage/invoices/{id}"),
                "wire"
            )
            .await,
            StatusCode::OK
        );
    }
}

async fn a_transfer_moves_value_at_the_average_cost_and_unwire_restores_both_storages(
    backend: Backend,
) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    stock_beans(&server, &demo).await;
    let before = line(&server, &demo, 1).await;
    assert_eq!(
        (
            before["balance"].clone(),
            before["summ"].clone(),
            before["cost"].clone()
        ),
        (json!("20.000"), json!("230.00"), json!("11.500000"))
    );
    let body = json!({"comment": "в бар", "date": "2022-06-01 15:15", "storage_from": {"caf_id": 1}, "storage_to": {"caf_id": 5},
                      "items": [{"amount": 4, "product_code": "beans"}, {"amount": "0.5", "product_code": "beans"}]});
    let id = post(&server, &demo, "/a/v1.0/storage/moves", body).await;
    let path = format!("/a/v1.0/storage/moves/{id}");
    assert_eq!(
        line(&server, &demo, 5).await,
        Value::Null,
        "a new transfer is not wired"
    );
    assert_eq!(act(&server, &demo, &path, "wire").await, StatusCode::OK);
    // 4.5 kg at 11.50: 46.00 + 5.75 out of storage 1, into storage 5 at the same value
    let from = line(&server, &demo, 1).await;
    let to = line(&server, &demo, 5).await;
    assert_eq!(
        (
            from["balance"].clone(),
            from["summ"].clone(),
            from["cost"].clone()
        ),
        (json!("15.500"), json!("178.25"), json!("11.500000"))
    );
    assert_eq!(
        (
            to["balance"].clone(),
            to["summ"].clone(),
            to["cost"].clone()
        ),
        (json!("4.500"), json!("51.75"), json!("11.500000"))
    );
    assert_eq!(
        act(&server, &demo, &path, "wire").await,
        StatusCode::CONFLICT
    );
    let report = caffesta::service::ledger::check(&server.db, demo.id)
        .await
        .expect("check");
    assert!(
        report.is_clean(),
        "{:?} {:?}",
        report.mismatches,
        report.differences
    );

    assert_eq!(act(&server, &demo, &path, "unwire").await, StatusCode::OK);
    assert_eq!(line(&server, &demo, 1).await, before);
    let emptied = line(&server, &demo, 5).await;
    assert_eq!(
        (emptied["balance"].clone(), emptied["summ"].clone()),
        (json!("0.000"), json!("0.00"))
    );
    assert_eq!(
        act(&server, &demo, &path, "unwire").await,
        StatusCode::CONFLICT
    );
    server.stop().await;
}

async fn moving_more_than_is_on_hand_takes_all_the_value_and_leaves_a_negative_balance(
    backend: Backend,
) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    stock_beans(&server, &demo).await;
    let body = json!({"storage_from": {"caf_id": 1}, "storage_to": {"caf_id": 2}, "items": [{"amount": 25, "product_code": "beans"}]});
    let id = post(&server, &demo, "/a/v1.0/storage/moves", body).await;
    assert_eq!(
        act(
            &server,
            &demo,
            &format!("/a/v1.0/storage/moves/{id}"),
            "wire"
        )
        .await,
        StatusCode::OK
    );
    let from = line(&server, &demo, 1).await;
    let to = line(&server, &demo, 2).await;
    assert_eq!(
        (from["balance"].clone(), from["summ"].clone()),
        (json!("-5.000"), json!("0.00"))
    );
    assert_eq!(
        (
            to["balance"].clone(),
            to["summ"].clone(),
            to["cost"].clone()
        ),
        (json!("25.000"), json!("230.00"), json!("9.200000"))
    );
    server.stop().await;
}

async fn transfers_are_listed_and_read_with_their_lines(backend: Backend) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    stock_beans(&server, &demo).await;
    let body = json!({"comment": "c", "date": "2022-06-01 15:15", "storage_from": {"caf_id": 1}, "storage_to": {"caf_id": 2},
                      "items": [{"amount": 1.25, "product_code": "beans"}]});
    let id = post(&server, &demo, "/a/v1.0/storage/moves", body).await;
    let (status, body) = server
        .get(&demo, &format!("/a/v1.1/storage/moves/{id}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let data = &body["data"];
    assert_eq!(data["doc_date"], "2022-06-01T18:15:00+03:00");
    assert_eq!(
        data["storage_from"],
        json!({"id": 1, "name": "Склад кафе Буран"})
    );
    assert_eq!(data["storage_to"]["id"], 2);
    assert_eq!(data["status"], "not_wired");
    assert_eq!(
        data["items"],
        json!([{"amount": 1.25, "product": {"id": 1, "ref_code": "beans", "name": "Зерно", "measure": "kg"}}])
    );
    for (query, count) in [("?start=2022-06-01", 1), ("?start=2022-06-02", 0), ("", 1)] {
        let (_, body) = server
            .get(&demo, &format!("/a/v1.0/storage/moves{query}"))
            .await;
        assert_eq!(
            body["data"].as_array().map(Vec::len),
            Some(count),
            "{query}"
        );
    }
    let (status, body) = server.get(&demo, "/a/v1.0/storage/moves/99").await;
    assert_error(status, &body, StatusCode::NOT_FOUND);
    assert_eq!(
        act(&server, &demo, "/a/v1.0/storage/moves/99", "wire").await,
        StatusCode::NOT_FOUND
    );
    server.stop().await;
}

async fn every_transfer_validation_names_its_field_and_writes_nothing(backend: Backend) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    stock_beans(&server, &demo).await;
    let base = json!({"storage_from": {"caf_id": 1}, "storage_to": {"caf_id": 2}, "items": [{"amount": 1, "product_code": "beans"}]});
    let edit = |f: &dyn Fn(&mut Value)| {
        let mut body = base.clone();
        f(&mut body);
        body
    };
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "same storage",
            edit(&|b| b["storage_to"]["caf_id"] = json!(1)),
            "storage_to.caf_id",
        ),
        (
            "unknown source",
            edit(&|b| b["storage_from"]["caf_id"] = json!(9)),
            "storage_from.caf_id",
        ),
        (
            "unknown destination",
            edit(&|b| b["storage_to"]["caf_id"] = json!(7)),
            "storage_to.caf_id",
        ),
        (
            "unknown product",
            edit(&|b| b["items"][0]["product_code"] = json!("tea")),
            "items[0].product_code",
        ),
        (
            "zero amount",
            edit(&|b| b["items"][0]["amount"] = json!(0)),
            "items[0].amount",
        ),
        (
            "negative amount",
            edit(&|b| b["items"][0]["amount"] = json!("-1")),
            "items[0].amount",
        ),
        (
            "the vendor's example line without amount",
            edit(&|b| b["items"][0] = json!({"": 45, "product_code": "beans"})),
            "items[0].amount",
        ),
        ("no items", edit(&|b| b["items"] = json!([])), "items"),
        (
            "bad date",
            edit(&|b| b["date"] = json!("01.06.2022")),
            "date",
        ),
    ];
    let count = || crate::helpers::int(&server.db, "SELECT CAST(COUNT(*) AS BIGINT) FROM moves");
    for (what, body, field) in cases {
        let (status, answer) = server.post(&demo, "/a/v1.0/storage/moves", &body).await;
        let data = assert_error(status, &answer, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(data["field"], json!(field), "{what}: {answer}");
        assert_eq!(count().await, 0, "{what} wrote a transfer");
    }
    server.stop().await;
}

crate::backend_tests!(
    a_transfer_moves_value_at_the_average_cost_and_unwire_restores_both_storages,
    moving_more_than_is_on_hand_takes_all_the_value_and_leaves_a_negative_balance,
    transfers_are_listed_and_read_with_their_lines,
    every_transfer_validation_names_its_field_and_writes_nothing,
);
