//! API.md §11: write-off acts over HTTP, and what the three back-office stock documents'
//! tests share (stocking by dated invoices, the store line, wiring).

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{assert_error, int, Backend, TestAccount, TestServer};

/// Creates a document at `path`, answering its id.
pub async fn create(server: &TestServer, account: &TestAccount, path: &str, body: &Value) -> i64 {
    let (status, answer) = server.post(account, path, body).await;
    assert_eq!(status, StatusCode::OK, "{path}: {answer}");
    answer["data"]["id"].as_i64().expect("id")
}

/// Wires or unwires the document at `path`.
pub async fn act(
    server: &TestServer,
    account: &TestAccount,
    path: &str,
    action: &str,
) -> StatusCode {
    server
        .put(account, path, &json!({ "action": action }))
        .await
        .0
}

/// Reads the document at `path`, answering its `data`.
pub async fn read(server: &TestServer, account: &TestAccount, path: &str) -> Value {
    let (status, answer) = server.get(account, path).await;
    assert_eq!(status, StatusCode::OK, "{path}: {answer}");
    answer["data"].clone()
}

/// `(balance, summ)` of the first product of a storage, as `/draft/store` shows it.
pub async fn store(server: &TestServer, account: &TestAccount, storage: i64) -> (Value, Value) {
    let (_, body) = server
        .get(account, &format!("/a/v1.0/draft/store/{storage}"))
        .await;
    (body[0]["balance"].clone(), body[0]["summ"].clone())
}

/// A wired invoice into storage 1 of `amount` kg of beans costing `cost` in all, dated `date`.
/// The first one also creates the beans (id 1) and `shipper` as the invoice's shipper.
pub async fn buy_beans(
    server: &TestServer,
    demo: &TestAccount,
    date: &str,
    amount: &str,
    cost: &str,
) -> i64 {
    let invoice = json!({
        "date": date,
        "storage": {"caf_id": 1},
        "shipper": {"ref_code": "roaster", "name": "Обжарщик"},
        "products": [{"ref_code": "beans", "name": "Зерно", "measure": "kg"}],
        "items": [{"amount": amount, "product_code": "beans", "cost": cost}]
    });
    let id = create(server, demo, "/a/v1.0/storage/invoices", &invoice).await;
    let path = format!("/a/v1.0/storage/invoices/{id}");
    assert_eq!(act(server, demo, &path, "wire").await, StatusCode::OK);
    id
}

/// The ledger's invariant holds for the account.
pub async fn ledger_holds(server: &TestServer, account: &TestAccount) {
    let report = caffesta::service::ledger::check(&server.db, account.id)
        .await
        .expect("check");
    assert!(
        report.is_clean(),
        "{:?} {:?}",
        report.mismatches,
        report.differences
    );
}

async fn a_writeoff_takes_the_average_cost_and_unwire_restores_the_balance(backend: Backend) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    buy_beans(&server, &demo, "2026-01-01 09:00", "10", "100").await;
    buy_beans(&server, &demo, "2026-01-02 09:00", "10", "130").await;
    let before = store(&server, &demo, 1).await;
    assert_eq!(before, (json!("20.000"), json!("230.00")));
    let body = json!({"date": "2026-01-05 10:00", "storage": {"caf_id": 1}, "reason": "spoilage", "comment": "сырость",
                      "items": [{"product_code": "beans", "amount": 4}, {"product_code": "beans", "amount": "0.5"}]});
    let id = create(&server, &demo, "/a/v1.0/storage/writeoffs", &body).await;
    let path = format!("/a/v1.0/storage/writeoffs/{id}");
    assert_eq!(
        store(&server, &demo, 1).await,
        before,
        "a new write-off is not wired"
    );
    let draft = read(&server, &demo, &path).await;
    assert_eq!(
        (
            draft["status"].clone(),
            draft["items"][0]["value"].clone(),
            draft["value"].clone()
        ),
        (json!("not_wired"), Value::Null, Value::Null)
    );

    assert_eq!(act(&server, &demo, &path, "wire").await, StatusCode::OK);
    // 4.5 kg at 11.50: 46.00 + 5.75
    assert_eq!(
        store(&server, &demo, 1).await,
        (json!("15.500"), json!("178.25"))
    );
    let wired = read(&server, &demo, &path).await;
    assert_eq!(wired["type"], "writeoff");
    assert_eq!(wired["reason"], "spoilage");
    assert_eq!(wired["status"], "wired");
    assert_eq!(wired["doc_date"], "2026-01-05T13:00:00+03:00");
    assert_eq!(
        wired["storage"],
        json!({"id": 1, "name": "Склад кафе Буран"})
    );
    assert_eq!(
        wired["items"],
        json!([
            {"amount": "4.000", "product": {"id": 1, "ref_code": "beans", "name": "Зерно", "measure": "kg"}, "value": "46.00"},
            {"amount": "0.500", "product": {"id": 1, "ref_code": "beans", "name": "Зерно", "measure": "kg"}, "value": "5.75"}
        ])
    );
    assert_eq!(wired["value"], "51.75");
    let (_, listed) = server.get(&demo, "/a/v1.0/storage/writeoffs").await;
    assert_eq!(listed["data"][0]["value"], "51.75", "{listed}");
    assert_eq!(
        act(&server, &demo, &path, "wire").await,
        StatusCode::CONFLICT
    );
    ledger_holds(&server, &demo).await;

    assert_eq!(act(&server, &demo, &path, "unwire").await, StatusCode::OK);
    assert_eq!(store(&server, &demo, 1).await, before);
    assert_eq!(
        act(&server, &demo, &path, "unwire").await,
        StatusCode::CONFLICT
    );
    assert_eq!(
        read(&server, &demo, &path).await["items"][0]["value"],
        Value::Null
    );
    ledger_holds(&server, &demo).await;
    server.stop().await;
}

async fn a_back_dated_writeoff_takes_the_cost_as_of_its_date(backend: Backend) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    buy_beans(&server, &demo, "2026-01-01 09:00", "10", "100").await;
    buy_beans(&server, &demo, "2026-02-01 09:00", "10", "300").await;
    // on 15 January the shelf held 10 kg at 10.00, not the 20 kg at 20.00 of today
    let body = json!({"date": "2026-01-15 10:00", "storage": {"caf_id": 1}, "reason": "staff_meal",
                      "items": [{"product_code": "beans", "amount": 4}]});
    let id = create(&server, &demo, "/a/v1.0/storage/writeoffs", &body).await;
    let path = format!("/a/v1.0/storage/writeoffs/{id}");
    assert_eq!(act(&server, &demo, &path, "wire").await, StatusCode::OK);
    assert_eq!(
        read(&server, &demo, &path).await["items"][0]["value"],
        "40.00"
    );
    assert_eq!(
        store(&server, &demo, 1).await,
        (json!("16.000"), json!("360.00"))
    );
    // an invoice dated before it changes the cost it took, and reading shows it
    buy_beans(&server, &demo, "2026-01-10 09:00", "10", "200").await;
    // 20 kg at 300.00 as of 15 January: 4 kg take 60.00
    assert_eq!(
        read(&server, &demo, &path).await["items"][0]["value"],
        "60.00"
    );
    assert_eq!(
        store(&server, &demo, 1).await,
        (json!("26.000"), json!("540.00"))
    );
    ledger_holds(&server, &demo).await;
    server.stop().await;
}

async fn writeoffs_are_listed_read_and_refused_with_the_field_named(backend: Backend) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    buy_beans(&server, &demo, "2026-01-01 09:00", "10", "100").await;
    let base = json!({"date": "2026-01-05 10:00", "storage": {"caf_id": 1}, "reason": "breakage",
                      "items": [{"product_code": "beans", "amount": 1}]});
    let edit = |f: &dyn Fn(&mut Value)| {
        let mut body = base.clone();
        f(&mut body);
        body
    };
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "unknown storage",
            edit(&|b| b["storage"]["caf_id"] = json!(9)),
            "storage.caf_id",
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
        ("no items", edit(&|b| b["items"] = json!([])), "items"),
        (
            "unknown reason",
            edit(&|b| b["reason"] = json!("theft")),
            "reason",
        ),
        (
            "no reason",
            edit(&|b| {
                b.as_object_mut().expect("body").remove("reason");
            }),
            "reason",
        ),
        (
            "bad date",
            edit(&|b| b["date"] = json!("05.01.2026")),
            "date",
        ),
    ];
    let count = || int(&server.db, "SELECT CAST(COUNT(*) AS BIGINT) FROM writeoffs");
    for (what, body, field) in cases {
        let (status, answer) = server.post(&demo, "/a/v1.0/storage/writeoffs", &body).await;
        let data = assert_error(status, &answer, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(data["field"], json!(field), "{what}: {answer}");
        assert_eq!(count().await, 0, "{what} wrote a write-off");
    }
    let (status, answer) = server
        .post(
            &demo,
            "/a/v1.0/storage/writeoffs",
            &json!({"storage": "one"}),
        )
        .await;
    assert_error(status, &answer, StatusCode::BAD_REQUEST);

    let id = create(&server, &demo, "/a/v1.0/storage/writeoffs", &base).await;
    for (query, found) in [
        ("?start=2026-01-05", 1),
        ("?start=2026-01-06", 0),
        ("?end=2026-01-04", 0),
        ("", 1),
    ] {
        let (status, body) = server
            .get(&demo, &format!("/a/v1.0/storage/writeoffs{query}"))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(
            body["data"].as_array().map(Vec::len),
            Some(found),
            "{query}"
        );
    }
    let (_, listed) = server.get(&demo, "/a/v1.1/storage/writeoffs").await;
    assert_eq!(listed["data"][0]["id"], id);
    assert_eq!(listed["data"][0]["reason"], "breakage");
    assert!(listed["data"][0].get("items").is_none(), "{listed}");
    let (status, body) = server
        .get(&demo, "/a/v1.0/storage/writeoffs?start=January")
        .await;
    assert_eq!(
        assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY)["field"],
        "start"
    );
    let (status, body) = server.get(&demo, "/a/v1.0/storage/writeoffs/99").await;
    assert_error(status, &body, StatusCode::NOT_FOUND);
    assert_eq!(
        act(&server, &demo, "/a/v1.0/storage/writeoffs/99", "wire").await,
        StatusCode::NOT_FOUND
    );
    let (status, body) = server
        .put(
            &demo,
            &format!("/a/v1.0/storage/writeoffs/{id}"),
            &json!({"action": "post"}),
        )
        .await;
    assert_eq!(
        assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY)["field"],
        "action"
    );
    // another account sees none of it
    let other = server.account("other").await;
    let (status, body) = server
        .get(&other, &format!("/a/v1.0/storage/writeoffs/{id}"))
        .await;
    assert_error(status, &body, StatusCode::NOT_FOUND);

    // the lock date: no write-off dated on or before it is created, wired or unwired
    let mut tx = server.db.begin_write().await.expect("tx");
    tx.run(
        "UPDATE accounts SET lock_date = '2026-01-05' WHERE id = :id",
        caffesta::params! { id: demo.id },
    )
    .await
    .expect("lock");
    caffesta::db::commit(tx).await.expect("commit");
    let (status, answer) = server.post(&demo, "/a/v1.0/storage/writeoffs", &base).await;
    assert!(
        assert_error(status, &answer, StatusCode::CONFLICT)["error"]
            .as_str()
            .is_some_and(|e| e.contains("2026-01-05")),
        "{answer}"
    );
    assert_eq!(
        act(
            &server,
            &demo,
            &format!("/a/v1.0/storage/writeoffs/{id}"),
            "wire"
        )
        .await,
        StatusCode::CONFLICT
    );
    let later = edit(&|b| b["date"] = json!("2026-01-06 10:00"));
    create(&server, &demo, "/a/v1.0/storage/writeoffs", &later).await;
    assert_eq!(count().await, 2);
    server.stop().await;
}

crate::backend_tests!(
    a_writeoff_takes_the_average_cost_and_unwire_restores_the_balance,
    a_back_dated_writeoff_takes_the_cost_as_of_its_date,
    writeoffs_are_listed_read_and_refused_with_the_field_named,
);
