//! API.md §11: the lock date (admin API and CLI) refuses creating, wiring and unwiring stock
//! documents dated on or before it, naming the date, and lifts when cleared; minimums list
//! the products below them.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{assert_error, send, Backend, TestAccount, TestServer};

async fn put_settings(
    server: &TestServer,
    admin: &TestAccount,
    body: Value,
) -> (StatusCode, Value) {
    send(
        server
            .request(admin, Method::PUT, "/admin/v1/settings")
            .json(&body),
    )
    .await
}

fn invoice(date: &str) -> Value {
    json!({"date": date, "storage": {"caf_id": 1},
           "products": [{"ref_code": "beans", "name": "Зерно", "measure": "kg"}],
           "items": [{"amount": 10, "product_code": "beans", "cost": "100"}]})
}

async fn wire(
    server: &TestServer,
    demo: &TestAccount,
    id: i64,
    action: &str,
) -> (StatusCode, Value) {
    server
        .put(
            demo,
            &format!("/a/v1.0/storage/invoices/{id}"),
            &json!({ "action": action }),
        )
        .await
}

async fn the_lock_date_refuses_documents_dated_on_or_before_it(backend: Backend) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    let admin = server.admin(&demo).await;
    // an invoice of October 10, wired before the lock
    let (status, answer) = server
        .post(
            &demo,
            "/a/v1.0/storage/invoices",
            &invoice("2026-10-10 09:00"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let october = answer["data"]["id"].as_i64().expect("id");
    assert_eq!(
        wire(&server, &demo, october, "wire").await.0,
        StatusCode::OK
    );

    let (status, answer) = put_settings(&server, &admin, json!({"lock_date": "2026-10-31"})).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["data"]["lock_date"], "2026-10-31");
    let (_, shown) = server.get(&admin, "/admin/v1/settings").await;
    assert_eq!(shown["data"]["lock_date"], "2026-10-31");

    // unwiring it, creating another dated in the lock: 409 naming the date; nothing changes
    let (status, body) = wire(&server, &demo, october, "unwire").await;
    let error = assert_error(status, &body, StatusCode::CONFLICT);
    assert!(
        error["error"]
            .as_str()
            .is_some_and(|m| m.contains("2026-10-31")),
        "{error}"
    );
    let (status, body) = server
        .post(
            &demo,
            "/a/v1.0/storage/invoices",
            &invoice("2026-10-31 20:00"),
        )
        .await;
    assert_error(status, &body, StatusCode::CONFLICT);
    let (_, store) = server.get(&demo, "/a/v1.0/draft/store/1").await;
    assert_eq!(store[0]["balance"], "10.000", "still wired");
    // November is open (the day after the lock, in the account's zone)
    let (status, answer) = server
        .post(
            &demo,
            "/a/v1.0/storage/invoices",
            &invoice("2026-11-01T00:00:00+03:00"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let (status, answer) = server
        .post(
            &demo,
            "/a/v1.0/storage/writeoffs",
            &json!({"date": "2026-10-20 09:00", "storage": {"caf_id": 1},
              "reason": "other", "items": [{"amount": 1, "product_code": "beans"}]}),
        )
        .await;
    assert_error(status, &answer, StatusCode::CONFLICT);

    // lifting the lock
    let (status, answer) = put_settings(&server, &admin, json!({"lock_date": null})).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["data"]["lock_date"], Value::Null);
    assert_eq!(
        wire(&server, &demo, october, "unwire").await.0,
        StatusCode::OK
    );

    // a bad date names its field; a terminal or api key cannot change settings
    let (status, body) = put_settings(&server, &admin, json!({"lock_date": "31.10.2026"})).await;
    assert_eq!(
        assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY)["field"],
        "lock_date"
    );
    let (status, body) = put_settings(&server, &demo, json!({"lock_date": "2026-10-31"})).await;
    assert_error(status, &body, StatusCode::FORBIDDEN);
}

async fn the_cli_sets_and_lifts_the_lock_date(backend: Backend) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    let url = server.database_url().to_owned();
    crate::cli::ok(
        &url,
        &[
            "settings",
            "set",
            "--account",
            "demo",
            "--lock-date",
            "2026-10-31",
        ],
    );
    let settings = caffesta::service::admin::settings(&server.db, demo.id)
        .await
        .expect("settings");
    assert_eq!(settings.lock_date.as_deref(), Some("2026-10-31"));
    let out = crate::cli::caffesta(
        &url,
        &[
            "settings",
            "set",
            "--account",
            "demo",
            "--lock-date",
            "soon",
        ],
    );
    assert!(!out.status.success());
    crate::cli::ok(
        &url,
        &[
            "settings",
            "set",
            "--account",
            "demo",
            "--lock-date",
            "none",
        ],
    );
    let settings = caffesta::service::admin::settings(&server.db, demo.id)
        .await
        .expect("settings");
    assert_eq!(settings.lock_date, None);
}

async fn minimums_list_the_products_below_them(backend: Backend) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    let admin = server.admin(&demo).await;
    let (status, answer) = server
        .post(
            &demo,
            "/a/v1.0/storage/invoices",
            &invoice("2026-10-10 09:00"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let id = answer["data"]["id"].as_i64().expect("id");
    assert_eq!(wire(&server, &demo, id, "wire").await.0, StatusCode::OK);
    let set =
        |minimum: Value| json!({"storage_id": 1, "product_code": "beans", "minimum": minimum});
    let put = |body: Value| {
        send(
            server
                .request(&admin, Method::PUT, "/admin/v1/minimums")
                .json(&body),
        )
    };
    assert_eq!(put(set(json!("12"))).await.0, StatusCode::OK);
    let (_, below) = server.get(&admin, "/admin/v1/minimums?below=true").await;
    assert_eq!(below["data"][0]["product_code"], "beans");
    assert_eq!(
        (
            below["data"][0]["minimum"].clone(),
            below["data"][0]["balance"].clone()
        ),
        (json!("12.000"), json!("10.000"))
    );
    assert_eq!(put(set(json!("8"))).await.0, StatusCode::OK);
    let (_, below) = server.get(&admin, "/admin/v1/minimums?below=true").await;
    assert_eq!(below["data"], json!([]));
    let (_, all) = server.get(&admin, "/admin/v1/minimums").await;
    assert_eq!(all["data"].as_array().map(Vec::len), Some(1));
    assert_eq!(put(set(Value::Null)).await.0, StatusCode::OK);
    let (_, all) = server.get(&admin, "/admin/v1/minimums").await;
    assert_eq!(all["data"], json!([]));
    let (status, body) =
        put(json!({"storage_id": 1, "product_code": "nothing", "minimum": "1"})).await;
    assert_eq!(
        assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY)["field"],
        "product_code"
    );
    let (status, body) =
        put(json!({"storage_id": 999, "product_code": "beans", "minimum": "1"})).await;
    assert_eq!(
        assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY)["field"],
        "storage_id"
    );
    let (status, body) = put(set(json!("-1"))).await;
    assert_eq!(
        assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY)["field"],
        "minimum"
    );
}

crate::backend_tests!(
    the_lock_date_refuses_documents_dated_on_or_before_it,
    the_cli_sets_and_lifts_the_lock_date,
    minimums_list_the_products_below_them,
);
