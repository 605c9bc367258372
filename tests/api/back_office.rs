//! The admin JSON API's back-office lists (API.md §10): users, documents of every kind, the
//! catalog at a shop, the dashboard; for an admin key only.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::backend_tests;
use crate::helpers::{assert_error, send, Backend, TestAccount, TestServer};

backend_tests!(
    users_are_made_listed_and_disabled_by_an_admin_key,
    documents_of_every_kind_are_listed_filtered_and_paged,
    products_are_listed_at_a_shop_searched_and_paged,
    the_dashboard_answers_its_figures,
    storages_shops_taxes_payment_types_and_menus_are_made_as_the_cli_makes_them,
);

async fn post(
    server: &TestServer,
    admin: &TestAccount,
    path: &str,
    body: &Value,
) -> (StatusCode, Value) {
    send(server.request(admin, Method::POST, path).json(body)).await
}

async fn users_are_made_listed_and_disabled_by_an_admin_key(backend: Backend) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    let admin = server.admin(&demo).await;
    let body = json!({"login": "anna", "password": "correct horse", "role": "manager"});
    let (status, answer) = post(&server, &demo, "/admin/v1/users", &body).await;
    assert_error(status, &answer, StatusCode::FORBIDDEN);
    let (status, answer) = post(&server, &admin, "/admin/v1/users", &body).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let id = answer["data"]["id"].as_i64().expect("id");
    let (status, answer) = post(&server, &admin, "/admin/v1/users", &body).await;
    assert_error(status, &answer, StatusCode::CONFLICT);
    for (bad, field) in [
        (json!({"login": "bob", "password": "short"}), "password"),
        (json!({"login": "a b", "password": "long enough"}), "login"),
        (
            json!({"login": "bob", "password": "long enough", "role": "root"}),
            "role",
        ),
    ] {
        let (status, answer) = post(&server, &admin, "/admin/v1/users", &bad).await;
        let data = assert_error(status, &answer, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(data["field"], json!(field), "{bad}");
    }
    let (status, list) = server.get(&admin, "/admin/v1/users").await;
    assert_eq!(status, StatusCode::OK);
    let users = list["data"].as_array().expect("users");
    assert_eq!(users.len(), 1, "{list}");
    let anna = users.iter().find(|u| u["login"] == "anna").expect("anna");
    assert_eq!(anna["role"], "manager");
    assert_eq!(anna["disabled"], false);
    assert!(
        !list.to_string().contains("argon2"),
        "no hash is ever shown"
    );
    let (status, _) = post(
        &server,
        &admin,
        &format!("/admin/v1/users/{id}/disable"),
        &json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, list) = server.get(&admin, "/admin/v1/users").await;
    assert!(list["data"]
        .as_array()
        .expect("users")
        .iter()
        .any(|u| u["login"] == "anna" && u["disabled"] == true));
    let (status, answer) = post(&server, &admin, "/admin/v1/users/999/disable", &json!({})).await;
    assert_error(status, &answer, StatusCode::NOT_FOUND);
    server.stop().await;
}

async fn documents_of_every_kind_are_listed_filtered_and_paged(backend: Backend) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    let admin = server.admin(&demo).await;
    let invoice = json!({"date": "2026-01-05 10:00", "storage": {"caf_id": 1}, "shipper": {"ref_code": "roaster", "name": "Roaster"},
        "products": [{"ref_code": "beans", "name": "Beans", "measure": "kg"}],
        "items": [{"amount": 10, "product_code": "beans", "cost": 115}]});
    let mut made = Vec::new();
    for _ in 0..3 {
        let (status, answer) = server
            .post(&demo, "/a/v1.0/storage/invoices", &invoice)
            .await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        made.push(answer["data"]["id"].as_i64().expect("id"));
    }
    server
        .put(
            &demo,
            &format!("/a/v1.0/storage/invoices/{}", made[0]),
            &json!({"action": "wire"}),
        )
        .await;
    let writeoff = json!({"date": "2026-01-06 10:00", "storage": {"caf_id": 1}, "reason": "spoilage",
        "items": [{"product_code": "beans", "amount": 1}]});
    let (status, answer) = server
        .post(&demo, "/a/v1.0/storage/writeoffs", &writeoff)
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let list = |query: &str| {
        let (server, admin) = (&server, &admin);
        let path = format!("/admin/v1/documents?{query}");
        async move {
            let (status, answer) = server.get(admin, &path).await;
            assert_eq!(status, StatusCode::OK, "{path}: {answer}");
            answer["data"].clone()
        }
    };
    let all = list("start=2026-01-01&end=2026-01-31").await;
    assert_eq!(all["total"], 4);
    assert_eq!(all["items"][0]["kind"], "writeoff", "newest first: {all}");
    assert!(
        all["items"][1]["note"]
            .as_str()
            .unwrap_or("")
            .contains("Roaster"),
        "{all}"
    );
    assert_eq!(all["items"][1]["storage"], all["items"][0]["storage"]);
    assert_eq!(list("kind=invoice&start=2026-01-01").await["total"], 3);
    assert_eq!(list("kind=invoice&status=wired").await["total"], 1);
    assert_eq!(list("status=not_wired").await["total"], 3);
    let paged = list("limit=2&offset=1").await;
    assert_eq!(
        (
            paged["total"].clone(),
            paged["items"].as_array().map(Vec::len)
        ),
        (json!(4), Some(2))
    );
    assert_eq!(list("start=2026-02-01").await["total"], 0);
    for (query, field) in [
        ("kind=receipt", "kind"),
        ("status=posted", "status"),
        ("limit=0", "limit"),
        ("start=yesterday", "start"),
    ] {
        let (status, answer) = server
            .get(&admin, &format!("/admin/v1/documents?{query}"))
            .await;
        let data = assert_error(status, &answer, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(data["field"], json!(field), "{query}: {answer}");
    }
    server.stop().await;
}

async fn products_are_listed_at_a_shop_searched_and_paged(backend: Backend) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    let admin = server.admin(&demo).await;
    for (code, name) in [("latte", "Латте"), ("flat", "Флэт уайт"), ("tea", "Чай")]
    {
        let body = json!({"ref_code": code, "name": name, "measure": "pcs"});
        let (status, answer) = server.post(&demo, "/a/v1.0/product/", &body).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
    }
    let (status, answer) = server.get(&admin, "/admin/v1/products?shop=1&q=лат").await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["data"]["total"], 1, "found by any case: {answer}");
    assert_eq!(answer["data"]["items"][0]["ref_code"], "latte");
    assert_eq!(answer["data"]["items"][0]["in_stop_list"], false);
    let (_, all) = server
        .get(&admin, "/admin/v1/products?shop=1&limit=2")
        .await;
    assert_eq!(all["data"]["items"].as_array().map(Vec::len), Some(2));
    let total = all["data"]["total"].as_u64().expect("total");
    assert!(total >= 3);
    let (status, answer) = server.get(&admin, "/admin/v1/products?shop=99").await;
    assert_error(status, &answer, StatusCode::NOT_FOUND);
    server.stop().await;
}

async fn the_dashboard_answers_its_figures(backend: Backend) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    let admin = server.admin(&demo).await;
    let (status, answer) = server.get(&admin, "/admin/v1/dashboard").await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let data = &answer["data"];
    assert_eq!(data["days"].as_array().map(Vec::len), Some(30));
    assert_eq!(data["hours"].as_array().map(Vec::len), Some(24));
    assert_eq!(data["today_figures"]["revenue"], "0.00");
    assert_eq!(data["days"][29]["day"], data["today"]);
    let (status, answer) = server.get(&demo, "/admin/v1/dashboard").await;
    assert_error(status, &answer, StatusCode::FORBIDDEN);
    server.stop().await;
}

async fn storages_shops_taxes_payment_types_and_menus_are_made_as_the_cli_makes_them(
    backend: Backend,
) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    let admin = server.admin(&demo).await;
    let made = |path: &'static str, body: Value| {
        let (server, admin) = (&server, &admin);
        async move {
            let (status, answer) = post(server, admin, path, &body).await;
            assert_eq!(status, StatusCode::OK, "{path}: {answer}");
            answer["data"]["id"].as_i64().expect("id")
        }
    };
    let storage = made("/admin/v1/storages", json!({"name": "Бар"})).await;
    let shop = made(
        "/admin/v1/shops",
        json!({"name": "Бар у окна", "storage_id": storage}),
    )
    .await;
    made("/admin/v1/taxes", json!({"name": "НДС 10%", "rate": "10"})).await;
    made(
        "/admin/v1/payment_types",
        json!({"name": "Сертификат", "kind": "cashless"}),
    )
    .await;
    made("/admin/v1/menus", json!({"name": "Летнее"})).await;
    let (_, storages) = server.get(&demo, "/a/v1.0/draft/storages").await;
    assert!(storages.to_string().contains("Бар"), "{storages}");
    assert!(shop > 0);
    for (path, body, field) in [
        ("/admin/v1/storages", json!({"name": ""}), "name"),
        (
            "/admin/v1/shops",
            json!({"name": "X", "storage_id": 999}),
            "storage",
        ),
        (
            "/admin/v1/taxes",
            json!({"name": "X", "rate": "120"}),
            "rate",
        ),
        (
            "/admin/v1/payment_types",
            json!({"name": "X", "kind": "gold"}),
            "kind",
        ),
    ] {
        let (status, answer) = post(&server, &admin, path, &body).await;
        let data = assert_error(status, &answer, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(data["field"], json!(field), "{path}: {answer}");
    }
    let (status, answer) = post(&server, &demo, "/admin/v1/storages", &json!({"name": "Y"})).await;
    assert_error(status, &answer, StatusCode::FORBIDDEN);
    server.stop().await;
}
