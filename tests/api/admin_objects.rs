//! The admin JSON API beyond the lists of `back_office` (API.md §10): what the CLI makes for
//! one account (discount groups, clients, modifier groups, keys), the sales lists (receipts,
//! orders, shifts, jobs) and the ledger check; each for an admin key only.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::backend_tests;
use crate::helpers::{assert_error, int, send, Backend, TestAccount, TestServer};

backend_tests!(
    discount_groups_and_clients_are_made_and_clients_listed_searched_and_paged,
    modifier_groups_offer_products_on_dishes_as_the_cli_makes_them,
    a_key_made_by_the_api_is_shown_once_works_and_stops_when_revoked,
    a_day_of_sales_is_listed_as_receipts_a_shift_orders_and_jobs,
    the_ledger_check_answers_clean_on_a_kept_ledger,
    the_stock_reports_answer_on_the_admin_api_as_on_the_integration_api,
    storages_shops_taxes_payment_types_categories_and_menus_are_listed_searched_and_paged,
);

async fn post(
    server: &TestServer,
    who: &TestAccount,
    path: &str,
    body: &Value,
) -> (StatusCode, Value) {
    send(server.request(who, Method::POST, path).json(body)).await
}

/// Posts as the admin key; the answer's `data`, which must be 200.
async fn made(server: &TestServer, admin: &TestAccount, path: &str, body: Value) -> Value {
    let (status, answer) = post(server, admin, path, &body).await;
    assert_eq!(status, StatusCode::OK, "{path} {body}: {answer}");
    answer["data"].clone()
}

async fn refused(server: &TestServer, admin: &TestAccount, path: &str, body: Value, field: &str) {
    let (status, answer) = post(server, admin, path, &body).await;
    let data = assert_error(status, &answer, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(data["field"], json!(field), "{path} {body}: {answer}");
}

async fn discount_groups_and_clients_are_made_and_clients_listed_searched_and_paged(
    backend: Backend,
) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    let admin = server.admin(&demo).await;
    let body = json!({"name": "Гости", "type": "bonus", "rate": "5", "bonus_max_bill_rate": "50"});
    let (status, answer) = post(&server, &demo, "/admin/v1/discount_groups", &body).await;
    assert_error(status, &answer, StatusCode::FORBIDDEN);
    let group = made(&server, &admin, "/admin/v1/discount_groups", body).await["id"]
        .as_i64()
        .expect("group id");
    let groups = "SELECT COUNT(*) FROM discount_groups";
    let before = int(&server.db, groups).await;
    for (bad, field) in [
        (
            json!({"name": "X", "type": "cashback", "rate": "5"}),
            "type",
        ),
        (
            json!({"name": "X", "type": "discount", "rate": "101"}),
            "rate",
        ),
        (
            json!({"name": "X", "type": "bonus", "rate": "5", "bonus_max_bill_rate": "-1"}),
            "bonus_max_bill_rate",
        ),
        (json!({"name": " ", "type": "bonus", "rate": "5"}), "name"),
    ] {
        refused(&server, &admin, "/admin/v1/discount_groups", bad, field).await;
    }
    assert_eq!(
        int(&server.db, groups).await,
        before,
        "a refused group writes nothing"
    );

    for (name, phone) in [
        ("Анна", "+375291110001"),
        ("Борис", "+375291110002"),
        ("Вера", "+375291110003"),
    ] {
        let body =
            json!({"name": name, "phone": phone, "group": group, "card": format!("C-{phone}")});
        let data = made(&server, &admin, "/admin/v1/clients", body).await;
        let uuid = data["id"].as_str().expect("uuid");
        assert_eq!(uuid.len(), 36, "{data}");
    }
    for (bad, field) in [
        (json!({"name": "X", "group": 999}), "group"),
        (json!({"name": ""}), "name"),
    ] {
        refused(&server, &admin, "/admin/v1/clients", bad, field).await;
    }

    let (status, list) = server.get(&admin, "/admin/v1/clients?q=бОРИс").await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(list["data"]["total"], 1, "searched in any case: {list}");
    assert_eq!(list["data"]["items"][0]["phone"], "+375291110002");
    assert_eq!(list["data"]["items"][0]["bonus_balance"], "0.00");
    let (_, all) = server.get(&admin, "/admin/v1/clients?q=+37529111").await;
    assert_eq!(all["data"]["total"], 3, "{all}");
    let (_, second) = server
        .get(&admin, "/admin/v1/clients?q=+37529111&limit=2&offset=2")
        .await;
    assert_eq!(second["data"]["total"], 3);
    assert_eq!(
        second["data"]["items"].as_array().map(Vec::len),
        Some(1),
        "{second}"
    );
    let (status, answer) = server.get(&admin, "/admin/v1/clients?limit=0").await;
    assert_error(status, &answer, StatusCode::UNPROCESSABLE_ENTITY);
    server.stop().await;
}

async fn modifier_groups_offer_products_on_dishes_as_the_cli_makes_them(backend: Backend) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    let admin = server.admin(&demo).await;
    for (code, name) in [("latte", "Латте"), ("syrup", "Сироп ваниль")] {
        let product = json!({"ref_code": code, "name": name, "measure": "pcs"});
        let (status, answer) = server.post(&demo, "/a/v1.0/product/", &product).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
    }
    let body = json!({"name": "Сиропы", "min": 0, "max": 2});
    let group = made(&server, &admin, "/admin/v1/modifier_groups", body).await["id"]
        .as_i64()
        .expect("group");
    refused(
        &server,
        &admin,
        "/admin/v1/modifier_groups",
        json!({"name": "X", "min": 3, "max": 1}),
        "max",
    )
    .await;
    let items = format!("/admin/v1/modifier_groups/{group}/items");
    let item = json!({"product_code": "syrup", "count": "0.02", "price": "1.50"});
    made(&server, &admin, &items, item).await;
    refused(
        &server,
        &admin,
        &items,
        json!({"product_code": "nope", "count": "1", "price": "1"}),
        "product_code",
    )
    .await;
    refused(
        &server,
        &admin,
        &items,
        json!({"product_code": "syrup", "count": "0", "price": "1"}),
        "count",
    )
    .await;
    refused(
        &server,
        &admin,
        "/admin/v1/modifier_groups/999/items",
        json!({"product_code": "syrup", "count": "1", "price": "1"}),
        "group",
    )
    .await;
    let attach = format!("/admin/v1/modifier_groups/{group}/products");
    let data = made(&server, &admin, &attach, json!({"product_code": "latte"})).await;
    assert_eq!(data["id"], group);

    let (_, feed) = server.get(&demo, "/a/v1.0/draft/get_modifier_groups").await;
    let groups = feed["data"].as_array().expect("groups");
    let syrups = groups
        .iter()
        .find(|g| g["name"] == "Сиропы")
        .expect("the group is in the feed");
    assert_eq!(syrups["max"], 2);
    assert_eq!(
        syrups["productModifiers"].as_array().map(Vec::len),
        Some(1),
        "{syrups}"
    );
    assert_eq!(syrups["items"][0]["name"], "Сироп ваниль", "{syrups}");
    assert_eq!(syrups["items"][0]["price"], "1.50", "{syrups}");
    server.stop().await;
}

async fn a_key_made_by_the_api_is_shown_once_works_and_stops_when_revoked(backend: Backend) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    let admin = server.admin(&demo).await;
    let data = made(
        &server,
        &admin,
        "/admin/v1/keys",
        json!({"scope": "api", "label": "1С", "rate": 5}),
    )
    .await;
    let key = data["key"]
        .as_str()
        .expect("the key, shown once")
        .to_owned();
    let id = data["id"].as_i64().expect("id");
    assert_eq!(data["rate"], 5);
    assert_eq!(data["scope"], "api");
    let (status, keys) = server.get(&admin, "/admin/v1/keys").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!keys.to_string().contains(&key), "a list never shows a key");
    let made_key = TestAccount {
        key: key.clone(),
        ..demo.clone()
    };
    let (status, answer) = server.get(&made_key, "/a/v1.0/storage/test").await;
    assert_eq!(status, StatusCode::OK, "the new key works: {answer}");

    for (bad, field) in [
        (json!({"scope": "root"}), "scope"),
        (json!({"scope": "terminal"}), "shop"),
        (json!({"scope": "api", "shop": 1}), "shop"),
        (json!({"scope": "terminal", "shop": 999}), "shop"),
    ] {
        refused(&server, &admin, "/admin/v1/keys", bad, field).await;
    }

    // made under an Idempotency-Key: the answer (the key) is the same on a retry, and another
    // key of the account reusing that Idempotency-Key is refused, not handed the answer
    let once = |who: &TestAccount| {
        server
            .request(who, Method::POST, "/admin/v1/keys")
            .header("Idempotency-Key", "key-for-1c")
            .json(&json!({"scope": "api", "label": "1С"}))
    };
    let (status, first) = send(once(&admin)).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    let (status, again) = send(once(&admin)).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(
        first["data"]["key"], again["data"]["key"],
        "the same answer"
    );
    let other_admin = server.admin(&demo).await;
    let (status, answer) = send(once(&other_admin)).await;
    assert_error(status, &answer, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!answer
        .to_string()
        .contains(first["data"]["key"].as_str().expect("key")));
    let retried_key = TestAccount {
        key: first["data"]["key"].as_str().expect("key").to_owned(),
        ..demo.clone()
    };
    let (status, _) = server.get(&retried_key, "/a/v1.0/storage/test").await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the key made under the Idempotency-Key works"
    );

    let (status, _) = post(
        &server,
        &admin,
        &format!("/admin/v1/keys/{id}/revoke"),
        &json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = server.get(&made_key, "/a/v1.0/storage/test").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "revoked here at once");
    let (status, answer) = post(&server, &admin, "/admin/v1/keys/999999/revoke", &json!({})).await;
    assert_error(status, &answer, StatusCode::NOT_FOUND);
    server.stop().await;
}

async fn a_day_of_sales_is_listed_as_receipts_a_shift_orders_and_jobs(backend: Backend) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    let admin = server.admin(&demo).await;
    let cappuccino = crate::selling::cafe(&server, &demo).await;
    let till = server.terminal(&demo, 1).await;
    let (status, answer) = server
        .post(&till, "/a/v1.0/pos/shifts/open", &json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    for count in [1, 2] {
        let total = count * 5;
        let receipt = json!({"type": "sale",
            "lines": [{"product_id": cappuccino, "count": count, "price": 5, "total_sum": total}],
            "payments": [{"payment_id": 2, "value": total}]});
        let (status, answer) = server.post(&till, "/a/v1.0/pos/receipts", &receipt).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
    }
    let (status, list) = server.get(&admin, "/admin/v1/receipts?shop=1").await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(list["data"]["total"], 2, "{list}");
    let first = &list["data"]["items"][0];
    assert_eq!(first["total_sum"], "5.00");
    // 18 g of beans at 33.00 a kg and 150 ml of milk at 2.50 a litre
    assert_eq!(first["cost"], "0.97", "{first}");
    assert_eq!(first["margin"], "4.03");
    let (_, other_day) = server
        .get(&admin, "/admin/v1/receipts?shop=1&day=2020-01-01")
        .await;
    assert_eq!(other_day["data"]["total"], 0);
    let (status, answer) = server.get(&admin, "/admin/v1/receipts?day=yesterday").await;
    let data = assert_error(status, &answer, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(data["field"], "day");

    let (status, shifts) = server.get(&admin, "/admin/v1/shifts?shop=1").await;
    assert_eq!(status, StatusCode::OK, "{shifts}");
    assert_eq!(shifts["data"]["total"], 1, "{shifts}");
    let shift = &shifts["data"]["items"][0];
    assert_eq!(shift["receipts"], 2, "{shift}");
    assert_eq!(shift["revenue"], "15.00");
    assert_eq!(shift["closed_at"], Value::Null, "still open");
    for (query, field) in [
        ("start=2026-02-01&end=2026-01-01", "end"),
        ("start=2024-01-01&end=2026-01-01", "start"),
    ] {
        let (status, answer) = server
            .get(&admin, &format!("/admin/v1/shifts?{query}"))
            .await;
        let data = assert_error(status, &answer, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(data["field"], field, "{query}");
    }

    let order = json!({"bill": {"pos_id": 1, "app_id": 1, "delivery_type": 2, "total_sum": 5,
        "items": [{"count": 1, "price": 5, "total_sum": 5, "product_id": cappuccino}],
        "client": {"name": "Клиент", "phone": "+375290000009"}}});
    let (status, answer) = server.post(&demo, "/a/v1.0/draft/delivery", &order).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let job = answer["data"]["job_id"].as_i64().expect("job");
    let mut orders = Value::Null;
    for _ in 0..100 {
        orders = server.get(&admin, "/admin/v1/orders?shop=1").await.1;
        if orders["data"]["total"] == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(orders["data"]["total"], 1, "{orders}");
    assert_eq!(orders["data"]["items"][0]["status"], "wait_cashier");
    assert_eq!(orders["data"]["items"][0]["total_sum"], "5.00");
    let (status, jobs) = server.get(&admin, "/admin/v1/jobs?status=success").await;
    assert_eq!(status, StatusCode::OK, "{jobs}");
    assert_eq!(jobs["data"]["items"][0]["id"], job, "{jobs}");
    let (_, pending) = server.get(&admin, "/admin/v1/jobs?status=pending").await;
    assert_eq!(pending["data"]["total"], 0, "{pending}");
    let (status, answer) = server.get(&admin, "/admin/v1/jobs?status=lost").await;
    assert_error(status, &answer, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, answer) = server.get(&demo, "/admin/v1/jobs").await;
    assert_error(status, &answer, StatusCode::FORBIDDEN);
    server.stop().await;
}

async fn the_ledger_check_answers_clean_on_a_kept_ledger(backend: Backend) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    let admin = server.admin(&demo).await;
    crate::selling::cafe(&server, &demo).await;
    let (status, answer) = server.get(&admin, "/admin/v1/check").await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["data"]["clean"], true, "{answer}");
    assert_eq!(answer["data"]["movements"], 3, "{answer}");
    // a balance edited behind the ledger's back is named
    let mut tx = server.db.begin_write().await.expect("tx");
    tx.run(
        "UPDATE stock_balances SET qty = qty + 1 WHERE product_id = 1",
        caffesta::params! {},
    )
    .await
    .expect("a balance changed behind the ledger's back");
    caffesta::db::commit(tx).await.expect("commit");
    let (_, answer) = server.get(&admin, "/admin/v1/check").await;
    assert_eq!(answer["data"]["clean"], false, "{answer}");
    assert_eq!(
        answer["data"]["mismatches"].as_array().map(Vec::len),
        Some(1),
        "{answer}"
    );
    server.stop().await;
}

async fn the_stock_reports_answer_on_the_admin_api_as_on_the_integration_api(backend: Backend) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    let admin = server.admin(&demo).await;
    crate::selling::cafe(&server, &demo).await;
    for (admin_path, api_path) in [
        (
            "/admin/v1/reports/movements?storage=1",
            "/a/v1.0/storage/report/movements?storage=1",
        ),
        (
            "/admin/v1/reports/ledger?storage=1&product_code=beans",
            "/a/v1.0/storage/report/ledger?storage=1&product_code=beans",
        ),
    ] {
        let (status, ours) = server.get(&admin, admin_path).await;
        assert_eq!(status, StatusCode::OK, "{ours}");
        let (_, theirs) = server.get(&demo, api_path).await;
        assert_eq!(ours["data"], theirs["data"], "{admin_path}");
        assert!(
            !ours["data"].as_array().is_some_and(Vec::is_empty),
            "{ours}"
        );
    }
    let (status, balances) = server
        .get(&admin, "/admin/v1/reports/balances?storage=1")
        .await;
    assert_eq!(status, StatusCode::OK, "{balances}");
    let (_, store) = server.get(&demo, "/a/v1.0/draft/store/1").await;
    assert_eq!(balances["data"], store, "the same lines, in the envelope");
    let (_, before) = server
        .get(&admin, "/admin/v1/reports/balances?storage=1&at=2000-01-01")
        .await;
    assert_eq!(before["data"], json!([]), "nothing had moved then");
    let (status, answer) = server
        .get(&admin, "/admin/v1/reports/balances?storage=99")
        .await;
    assert_error(status, &answer, StatusCode::NOT_FOUND);
    let (status, answer) = server
        .get(&demo, "/admin/v1/reports/balances?storage=1")
        .await;
    assert_error(status, &answer, StatusCode::FORBIDDEN);
    server.stop().await;
}

async fn storages_shops_taxes_payment_types_categories_and_menus_are_listed_searched_and_paged(
    backend: Backend,
) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    let admin = server.admin(&demo).await;
    for name in ["Кладовая бара", "Кладовая кухни"] {
        made(&server, &admin, "/admin/v1/storages", json!({"name": name})).await;
    }
    let menu = made(
        &server,
        &admin,
        "/admin/v1/menus",
        json!({"name": "Сезонное"}),
    )
    .await["id"]
        .clone();
    let import = json!({"categories": [{"id": "drinks", "name": "Напитки"}, {"id": "hot", "name": "Горячие", "parent": "drinks"}],
        "menus": [{"id": "m-drinks", "name": "Напитки", "caf_id": menu}],
        "items": [{"id": "tea", "name": "Чай", "measure": "pcs", "category_id": "hot", "menus": ["m-drinks"]}]});
    let (status, answer) = server
        .post(&demo, "/a/v1.0/product/import_part_menu", &import)
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");

    let list = |path: &'static str| {
        let server = &server;
        let admin = &admin;
        async move {
            let (status, answer) = server.get(admin, path).await;
            assert_eq!(status, StatusCode::OK, "{path}: {answer}");
            answer["data"].clone()
        }
    };
    let storages = list("/admin/v1/storages?q=КЛАДОВАЯ").await;
    assert_eq!(storages["total"], 2, "searched in any case: {storages}");
    let second = list("/admin/v1/storages?q=кладовая&limit=1&offset=1").await;
    assert_eq!(second["items"][0]["name"], "Кладовая кухни", "{second}");
    let shops = list("/admin/v1/shops").await;
    assert_eq!(shops["items"][0]["storage_id"], 1, "{shops}");
    let taxes = list("/admin/v1/taxes?q=ндс").await;
    assert_eq!(taxes["items"][0]["rate"], "20.00", "{taxes}");
    let cards = list("/admin/v1/payment_types?q=card").await;
    assert_eq!(cards["total"], 1, "found by kind: {cards}");
    let categories = list("/admin/v1/categories?q=hot").await;
    assert_eq!(categories["items"][0]["parent"], "drinks", "{categories}");
    assert_eq!(categories["items"][0]["products"], 1);
    let all_menus = list("/admin/v1/menus").await;
    let menus = list("/admin/v1/menus?q=СЕЗОННОЕ").await;
    assert_eq!(menus["total"], 1, "{all_menus}");
    assert_eq!(menus["total"], 1, "{menus}");
    assert_eq!(
        menus["items"][0]["sections"][0]["products"],
        json!(["tea"]),
        "{menus}"
    );
    let (status, answer) = server.get(&admin, "/admin/v1/taxes?limit=1001").await;
    assert_error(status, &answer, StatusCode::UNPROCESSABLE_ENTITY);
    server.stop().await;
}
