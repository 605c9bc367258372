//! API.md §6–§7: selling over HTTP. A delivery order becomes a job, the job an order, the
//! terminal closes it, stock is written off by recipe, the client gains; an annulment takes it
//! all back exactly. And every refusal writes nothing.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{assert_error, int, ints, Backend, TestAccount, TestServer};

pub async fn ok(server: &TestServer, account: &TestAccount, path: &str, body: Value) -> Value {
    let (status, answer) = server.post(account, path, &body).await;
    assert_eq!(status, StatusCode::OK, "{path}: {answer}");
    answer["data"].clone()
}

/// Beans (1 kg at 30.00 and 1 kg at 36.00: 33.00 a kg) and milk (10 l at 25.00) into storage 1,
/// a cappuccino by recipe (18 g beans, 150 ml milk); returns the cappuccino's id.
pub async fn cafe(server: &TestServer, demo: &TestAccount) -> i64 {
    for (cost, with_products) in [("30", true), ("36", false)] {
        let mut invoice = json!({"storage": {"caf_id": 1}, "items": [{"amount": 1, "product_code": "beans", "cost": cost}]});
        if with_products {
            invoice["products"] = json!([
                {"ref_code": "beans", "name": "Зерно", "measure": "kg"},
                {"ref_code": "milk", "name": "Молоко", "measure": "l"},
                {"ref_code": "cappuccino", "name": "Капучино", "measure": "pcs", "type": "tech_map", "cancellation_type": "cancel_ingredients"}
            ]);
            invoice["items"]
                .as_array_mut()
                .expect("items")
                .push(json!({"amount": 10, "product_code": "milk", "cost": 25}));
        }
        let id = ok(server, demo, "/a/v1.0/storage/invoices", invoice).await["id"]
            .as_i64()
            .expect("id");
        let (status, _) = server
            .put(
                demo,
                &format!("/a/v1.0/storage/invoices/{id}"),
                &json!({"action": "wire"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
    }
    let (_, product) = server
        .get(demo, "/a/v1.0/product/by_ref_code/cappuccino")
        .await;
    let id = product["data"]["id"].as_i64().expect("cappuccino");
    let recipe = json!({"output": 1, "items": [{"product_code": "beans", "amount": 0.018}, {"product_code": "milk", "amount": 0.15}]});
    let (status, answer) = server
        .put(demo, &format!("/a/v1.0/product/{id}/tech_map"), &recipe)
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    id
}

async fn store(server: &TestServer, account: &TestAccount) -> Value {
    server.get(account, "/a/v1.0/draft/store/1").await.1
}

/// Polls a job until it is no longer pending.
pub async fn finished_job(server: &TestServer, account: &TestAccount, job: i64) -> Value {
    for _ in 0..200 {
        let (status, answer) = server
            .get(account, &format!("/a/v1.0/draft/get_job_status/{job}"))
            .await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        if answer["data"]["status"] != "pending" {
            return answer["data"].clone();
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("job {job} still pending");
}

pub fn two_cappuccinos(cappuccino: i64) -> Value {
    json!({"bill": {
        "pos_id": 1, "app_id": 26, "delivery_type": 2, "total_sum": 13.66,
        "items": [{"title": "Капучино", "count": 2, "price": 6.83, "origin_price": 6.83, "discount_sum": 0, "total_sum": 13.66, "product_id": cappuccino, "data": null}],
        "client": {"name": "Иван", "last_name": "Иванов", "address": "пр. Победителей 1", "birthday": "21.12.2000",
                   "phone": "+375 (29) 222-22-22", "email": "ivan@ivanov.iv", "card_number": "111222333444", "discount_group": {"id": 1}},
        "created_at": "2021-12-21T20:25:00", "started_at": "2021-12-25T23:55:00", "comment": "order comment",
        "delivery": {"address": "addr"}
    }})
}

/// The demo's discount group 1: a 5% bonus, spent on up to half a bill.
pub async fn bonus_group(server: &TestServer) {
    let group = caffesta::service::admin::GroupSpec {
        name: "Бонус 5%",
        kind: "bonus",
        rate: "5",
        bonus_max_bill_rate: Some("50"),
    };
    caffesta::service::admin::create_discount_group(&server.db, "demo", group)
        .await
        .expect("group");
}

async fn client_balances(server: &TestServer, account: &TestAccount) -> Vec<i64> {
    let sql = format!("SELECT pay_balance FROM clients WHERE account_id = {a} UNION ALL SELECT bonus_balance FROM clients WHERE account_id = {a}", a = account.id);
    ints(&server.db, &sql).await
}

async fn a_delivery_order_is_cooked_closed_written_off_by_recipe_and_annulled_exactly(
    backend: Backend,
) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    let till = server.terminal(&demo, 1).await;
    let cappuccino = cafe(&server, &demo).await;
    bonus_group(&server).await;
    let before = store(&server, &demo).await;

    let accepted = ok(
        &server,
        &demo,
        "/a/v1.0/draft/storages",
        two_cappuccinos(cappuccino),
    )
    .await;
    assert_eq!(accepted["status"], "pending");
    let job = finished_job(&server, &demo, accepted["job_id"].as_i64().expect("job id")).await;
    assert_eq!(job["status"], "success", "{job}");
    let uuid = job["message"].as_str().expect("receipt uuid").to_owned();
    let info = |status: &str| json!([{"id": uuid, "terminalNumber": 1, "total": 13.66, "totalSum": 13.66, "discountSum": 0, "status": status}]);
    let (_, answer) = server
        .get(&demo, &format!("/a/v1.0/draft/receipts/{uuid}/info"))
        .await;
    assert_eq!(answer, info("wait_cashier"));

    // the terminal: no shift, no closing
    let (status, answer) = server
        .post(
            &till,
            &format!("/a/v1.0/pos/orders/{uuid}/close"),
            &json!({"payments": [{"payment_id": 2, "value": 13.66}]}),
        )
        .await;
    assert_error(status, &answer, StatusCode::CONFLICT);
    ok(
        &server,
        &till,
        "/a/v1.0/pos/shifts/open",
        json!({"shift_day": "2026-11-23"}),
    )
    .await;
    let (_, listed) = server
        .get(&till, "/a/v1.0/pos/orders?status=wait_cashier")
        .await;
    let orders = listed["data"].as_array().expect("orders");
    assert_eq!(
        (orders.len(), orders[0]["uuid"].as_str()),
        (1, Some(uuid.as_str()))
    );
    assert_eq!(orders[0]["items"][0]["count"], json!(2));
    for step in ["active", "cooking", "cooked", "packed"] {
        let (status, answer) = server
            .put(
                &till,
                &format!("/a/v1.0/pos/orders/{uuid}"),
                &json!({"status": step}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{step}: {answer}");
    }
    let (status, answer) = server
        .put(
            &till,
            &format!("/a/v1.0/pos/orders/{uuid}"),
            &json!({"status": "cooking"}),
        )
        .await;
    assert_error(status, &answer, StatusCode::CONFLICT);
    let closed = ok(
        &server,
        &till,
        &format!("/a/v1.0/pos/orders/{uuid}/close"),
        json!({"payments": [{"payment_id": 2, "value": 13.66}]}),
    )
    .await;
    assert_eq!(closed["id"], uuid.as_str());
    let (_, answer) = server
        .get(&demo, &format!("/a/v1.0/draft/receipts/{uuid}/info"))
        .await;
    assert_eq!(answer, info("closed"));

    // beans: 2 × 18 g at 33.00 a kg = 1.188 → 1.19; milk: 2 × 150 ml at 2.50 a l = 0.75
    let after = store(&server, &demo).await;
    let row = |s: &Value, name: &str| {
        s.as_array()
            .and_then(|rows| rows.iter().find(|r| r["name"] == name).cloned())
            .expect(name)
    };
    assert_eq!(
        (
            row(&after, "Зерно")["balance"].clone(),
            row(&after, "Зерно")["summ"].clone()
        ),
        (json!("1.964"), json!("64.81"))
    );
    assert_eq!(
        (
            row(&after, "Молоко")["balance"].clone(),
            row(&after, "Молоко")["summ"].clone()
        ),
        (json!("9.700"), json!("24.25"))
    );
    let self_cost = format!(
        "SELECT self_cost_sum FROM receipt_lines WHERE account_id = {}",
        demo.id
    );
    assert_eq!(int(&server.db, &self_cost).await, 194);
    // the client was created from the order: 13.66 bought, 5% bonus = 0.68
    assert_eq!(client_balances(&server, &demo).await, vec![1366, 68]);

    let counter = ok(
        &server,
        &till,
        &format!("/a/v1.0/pos/receipts/{uuid}/annul"),
        json!({}),
    )
    .await;
    assert_ne!(counter["id"], uuid.as_str());
    assert_eq!(store(&server, &demo).await, before);
    assert_eq!(client_balances(&server, &demo).await, vec![0, 0]);
    let (_, answer) = server
        .get(&demo, &format!("/a/v1.0/draft/receipts/{uuid}/info"))
        .await;
    assert_eq!(answer[0]["status"], "annuled");
    let (status, answer) = server
        .post(
            &till,
            &format!("/a/v1.0/pos/receipts/{uuid}/annul"),
            &json!({}),
        )
        .await;
    assert_error(status, &answer, StatusCode::CONFLICT);
    let report = caffesta::service::ledger::check(&server.db, demo.id)
        .await
        .expect("check");
    assert!(
        report.is_clean(),
        "{:?} {:?}",
        report.mismatches,
        report.differences
    );
}

/// A till receipt of one cappuccino paid by card.
pub fn till_receipt(cappuccino: i64) -> Value {
    json!({"type": "sale", "lines": [{"product_id": cappuccino, "count": 1, "price": 6.83, "total_sum": 6.83}],
           "payments": [{"payment_id": 2, "value": 6.83}]})
}

/// Everything a refused receipt could have touched.
async fn footprint(server: &TestServer, account: &TestAccount) -> Vec<i64> {
    let a = account.id;
    let mut all = Vec::new();
    for sql in [
        format!("SELECT COUNT(*) FROM receipts WHERE account_id = {a}"),
        format!("SELECT COUNT(*) FROM stock_movements WHERE account_id = {a}"),
        format!("SELECT COUNT(*) FROM clients WHERE account_id = {a}"),
        format!("SELECT CAST(COALESCE(SUM(bonus_balance + pay_balance), 0) AS BIGINT) FROM clients WHERE account_id = {a}"),
    ] {
        all.extend(ints(&server.db, &sql).await);
    }
    all
}

async fn refused_receipts_and_orders_write_nothing(backend: Backend) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    let till = server.terminal(&demo, 1).await;
    let cappuccino = cafe(&server, &demo).await;
    ok(&server, &till, "/a/v1.0/pos/shifts/open", json!({})).await;
    let (status, answer) = server
        .post(&till, "/a/v1.0/pos/shifts/open", &json!({}))
        .await;
    assert_error(status, &answer, StatusCode::CONFLICT);
    caffesta::service::admin::create_payment_type(&server.db, "demo", "Бонусы", "bonus")
        .await
        .expect("bonus payment");
    let client = caffesta::service::admin::create_client(
        &server.db,
        "demo",
        caffesta::service::admin::ClientSpec {
            name: "Пётр",
            last_name: None,
            phone: Some("+375291111111"),
            card: None,
            group: None,
        },
    )
    .await
    .expect("client");
    let before = footprint(&server, &demo).await;

    let mut cases: Vec<(Value, StatusCode, &str)> = Vec::new();
    let mut negative = till_receipt(cappuccino);
    negative["lines"][0]["total_sum"] = json!(-6.83);
    cases.push((
        negative,
        StatusCode::UNPROCESSABLE_ENTITY,
        "lines[0].total_sum",
    ));
    let mut unknown = till_receipt(cappuccino);
    unknown["lines"][0]["product_id"] = json!(999);
    cases.push((
        unknown,
        StatusCode::UNPROCESSABLE_ENTITY,
        "lines[0].product_id",
    ));
    let mut stranger = till_receipt(cappuccino);
    stranger["client_uuid"] = json!("569224f7-8f91-4142-9a7e-85a3bc24bbd9");
    cases.push((stranger, StatusCode::UNPROCESSABLE_ENTITY, "client_uuid"));
    let mut overspend = till_receipt(cappuccino);
    overspend["client_uuid"] = json!(client);
    overspend["payments"] =
        json!([{"payment_id": 3, "value": 1}, {"payment_id": 2, "value": 5.83}]);
    cases.push((overspend, StatusCode::UNPROCESSABLE_ENTITY, "payments"));
    let mut short = till_receipt(cappuccino);
    short["payments"][0]["value"] = json!(5);
    cases.push((short, StatusCode::UNPROCESSABLE_ENTITY, "payments"));
    let mut odd_payment = till_receipt(cappuccino);
    odd_payment["payments"][0]["payment_id"] = json!(42);
    cases.push((
        odd_payment,
        StatusCode::UNPROCESSABLE_ENTITY,
        "payments[0].payment_id",
    ));
    for (body, expected, field) in cases {
        let (status, answer) = server.post(&till, "/a/v1.0/pos/receipts", &body).await;
        assert_eq!(
            assert_error(status, &answer, expected)["field"],
            field,
            "{answer}"
        );
    }
    // an integration key cannot sell; a till key cannot act for another account
    let (status, answer) = server
        .post(&demo, "/a/v1.0/pos/receipts", &till_receipt(cappuccino))
        .await;
    assert_error(status, &answer, StatusCode::FORBIDDEN);
    let other = server.account("other").await;
    let elsewhere = crate::helpers::TestAccount {
        name: other.name.clone(),
        ..till.clone()
    };
    let (status, answer) = server
        .post(
            &elsewhere,
            "/a/v1.0/pos/receipts",
            &till_receipt(cappuccino),
        )
        .await;
    assert_error(status, &answer, StatusCode::UNAUTHORIZED);
    // an order with negative sums is refused at once, before any job
    let mut bad_bill = two_cappuccinos(cappuccino);
    bad_bill["bill"]["items"][0]["discount_sum"] = json!(-1);
    let (status, answer) = server
        .post(&demo, "/a/v1.0/draft/delivery", &bad_bill)
        .await;
    assert_eq!(
        assert_error(status, &answer, StatusCode::UNPROCESSABLE_ENTITY)["field"],
        "bill.items[0].discount_sum"
    );
    assert_eq!(footprint(&server, &demo).await, before);
    assert_eq!(
        int(
            &server.db,
            &format!("SELECT COUNT(*) FROM jobs WHERE account_id = {}", demo.id)
        )
        .await,
        0
    );

    // jobs that cannot be done fail with the reason, and write nothing else
    for (patch, reason) in [
        (
            json!({"client": {"uuid": "569224f7-8f91-4142-9a7e-85a3bc24bbd9"}}),
            "unknown client uuid",
        ),
        (
            json!({"items": [{"count": 1, "total_sum": 1, "product_id": 999}]}),
            "unknown product_id 999",
        ),
        (json!({"pos_id": 77}), "no shop 77"),
    ] {
        let mut bill = two_cappuccinos(cappuccino);
        for (key, value) in patch.as_object().expect("patch") {
            bill["bill"][key] = value.clone();
        }
        let job = ok(&server, &demo, "/a/v1.0/draft/storages", bill).await["job_id"]
            .as_i64()
            .expect("job");
        let done = finished_job(&server, &demo, job).await;
        assert_eq!(done["status"], "failed");
        assert!(
            done["message"].as_str().is_some_and(|m| m.contains(reason)),
            "{done}"
        );
    }
    assert_eq!(footprint(&server, &demo).await, before);

    // the till's retry of a receipt it already sent changes nothing
    let mut receipt = till_receipt(cappuccino);
    receipt["uuid"] = json!("0b0c7a43-3f3b-4c38-9c4e-3f6f0c7b9d21");
    let first = ok(&server, &till, "/a/v1.0/pos/receipts", receipt.clone()).await;
    let again = ok(&server, &till, "/a/v1.1/pos/receipts", receipt).await;
    assert_eq!(
        (first["id"].clone(), again["id"].clone()),
        (
            json!("0b0c7a43-3f3b-4c38-9c4e-3f6f0c7b9d21"),
            json!("0b0c7a43-3f3b-4c38-9c4e-3f6f0c7b9d21")
        )
    );
    assert_eq!(
        int(
            &server.db,
            &format!(
                "SELECT COUNT(*) FROM receipts WHERE account_id = {}",
                demo.id
            )
        )
        .await,
        1
    );
}

async fn receipts_run_at_once_under_v1_1_with_lenient_input_and_register_clients(backend: Backend) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    let cappuccino = cafe(&server, &demo).await;
    let mut bill = two_cappuccinos(cappuccino);
    let b = bill["bill"].as_object_mut().expect("bill");
    b.remove("created_at");
    b.remove("started_at");
    b.insert("date".into(), json!(1_700_000_000));
    b.insert("app_id".into(), json!(-1));
    let client = b
        .get_mut("client")
        .and_then(Value::as_object_mut)
        .expect("client");
    client.remove("birthday");
    client.remove("discount_group");
    client.insert("birthDate".into(), json!("2000-12-21"));
    client.insert("sex".into(), json!("m"));
    let (status, answer) = server.post(&demo, "/a/v1.1/draft/receipts", &bill).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["data"]["status"], "success");
    let uuid = answer["data"]["message"].as_str().expect("uuid");
    let (_, info) = server
        .get(&demo, &format!("/a/v1.1/draft/receipts/{uuid}/info"))
        .await;
    assert_eq!(info[0]["status"], "wait_cashier");
    let birthday = format!("SELECT COUNT(*) FROM clients WHERE account_id = {} AND birthday = '2000-12-21' AND norm_phone = '375292222222'", demo.id);
    assert_eq!(int(&server.db, &birthday).await, 1);

    // a zero-sum bill registers a loyalty client; registering the same phone again is a duplicate
    let register = json!({"bill": {"total_sum": 0, "items": [], "client": {"name": "Анна", "phone": "+375 33 333 33 33", "card_number": 555}}});
    let (status, answer) = server
        .post(&demo, "/a/v1.1/draft/receipts", &register)
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let (status, answer) = server
        .post(&demo, "/a/v1.1/draft/receipts", &register)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        (answer["success"].clone(), answer["data"]["status"].clone()),
        (json!(false), json!("failed"))
    );
    assert!(
        answer["data"]["error"]
            .as_str()
            .is_some_and(|e| e.contains("duplicate")),
        "{answer}"
    );
    assert_eq!(answer["data"]["message"], answer["data"]["error"]);
    let job = answer["data"]["job_id"].as_i64().expect("job id");
    let (_, state) = server
        .get(&demo, &format!("/a/v1.0/draft/get_job_status/{job}"))
        .await;
    assert_eq!(state["data"]["status"], "failed");
    // the order found its client by phone: one Иван
    assert_eq!(
        int(
            &server.db,
            &format!(
                "SELECT COUNT(*) FROM clients WHERE account_id = {}",
                demo.id
            )
        )
        .await,
        2
    );
}

crate::backend_tests!(
    a_delivery_order_is_cooked_closed_written_off_by_recipe_and_annulled_exactly,
    refused_receipts_and_orders_write_nothing,
    receipts_run_at_once_under_v1_1_with_lenient_input_and_register_clients,
);
