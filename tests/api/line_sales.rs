//! API.md §7 and §9: employees (CLI and admin API), the cashier of a shift or receipt, and
//! `export_sales_shift_day`, one row per receipt line with its number, terminal, cashier and
//! payment kind.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{assert_error, int, Backend, TestAccount, TestServer};
use crate::selling::{cafe, ok};

async fn export(server: &TestServer, account: &TestAccount, query: &str) -> (StatusCode, Value) {
    server
        .get(
            account,
            &format!("/a/v1.0/product/export_sales_shift_day?{query}"),
        )
        .await
}

fn receipt(cappuccino: i64, employee: Option<i64>, payments: &Value) -> Value {
    let mut receipt = json!({"type": "sale", "lines": [{"product_id": cappuccino, "count": 2, "price": 6.83,
                             "discount_sum": 0.66, "total_sum": 13.00}], "payments": payments});
    if let Some(employee) = employee {
        receipt["employee_id"] = json!(employee);
    }
    receipt
}

async fn sales_by_line_name_the_receipt_its_cashier_and_how_it_was_paid(backend: Backend) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    let cappuccino = cafe(&server, &demo).await;
    // Анна from the CLI, Борис from the admin API
    let create = ["employee", "create", "--account", "demo", "--name", "Анна"];
    let anna: i64 = crate::cli::ok(server.database_url(), &create)
        .parse()
        .expect("id");
    let admin = server.admin(&demo).await;
    let boris = ok(
        &server,
        &admin,
        "/admin/v1/employees",
        json!({"name": "Борис", "role": "manager"}),
    )
    .await["id"]
        .as_i64()
        .expect("id");
    let (_, staff) = server.get(&admin, "/admin/v1/employees").await;
    assert_eq!(
        staff["data"],
        json!([{"id": anna, "name": "Анна", "role": "cashier"}, {"id": boris, "name": "Борис", "role": "manager"}])
    );

    // an unknown cashier is refused and nothing is written
    let till = server.terminal(&demo, 1).await;
    let (status, body) = server
        .post(
            &till,
            "/a/v1.0/pos/shifts/open",
            &json!({"shift_day": "2026-11-20", "employee_id": 99}),
        )
        .await;
    assert_eq!(
        assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY)["field"],
        "employee_id"
    );
    ok(
        &server,
        &till,
        "/a/v1.0/pos/shifts/open",
        json!({"shift_day": "2026-11-20", "employee_id": anna}),
    )
    .await;
    let (status, body) = server
        .post(
            &till,
            "/a/v1.0/pos/receipts",
            &receipt(
                cappuccino,
                Some(99),
                &json!([{"payment_id": 1, "value": 13}]),
            ),
        )
        .await;
    assert_eq!(
        assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY)["field"],
        "employee_id"
    );
    assert_eq!(int(&server.db, "SELECT COUNT(*) FROM receipts").await, 0);

    // by card (the shift's cashier); cash and card (Борис's own); cash, then annulled
    let card = ok(
        &server,
        &till,
        "/a/v1.0/pos/receipts",
        receipt(cappuccino, None, &json!([{"payment_id": 2, "value": 13}])),
    )
    .await;
    let mixed = receipt(
        cappuccino,
        Some(boris),
        &json!([{"payment_id": 1, "value": 5}, {"payment_id": 2, "value": 8}]),
    );
    ok(&server, &till, "/a/v1.0/pos/receipts", mixed).await;
    let cash = ok(
        &server,
        &till,
        "/a/v1.0/pos/receipts",
        receipt(cappuccino, None, &json!([{"payment_id": 1, "value": 20}])),
    )
    .await;
    let cash_uuid = cash["id"].as_str().expect("uuid");
    ok(
        &server,
        &till,
        &format!("/a/v1.0/pos/receipts/{cash_uuid}/annul"),
        json!({}),
    )
    .await;

    let (status, body) = export(&server, &demo, "start=2026-11-20&end=2026-11-20").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["success"], true);
    let rows = body["data"].as_array().expect("rows");
    assert_eq!(rows.len(), 4, "{body}");
    let keys: Vec<&str> = rows[0]
        .as_object()
        .expect("row")
        .keys()
        .map(String::as_str)
        .collect();
    let mut expected = vec![
        "shift_day",
        "date",
        "time",
        "receipt_number",
        "receipt_uuid",
        "income",
        "terminal_id",
        "terminal_title",
        "cashier_id",
        "cashier_name",
        "product_id",
        "product_title",
        "product_qty",
        "product_price",
        "discount_sum",
        "product_sum",
        "payment_type",
    ];
    let mut keys = keys;
    keys.sort_unstable();
    expected.sort_unstable();
    assert_eq!(keys, expected);
    let column = |name: &str| rows.iter().map(|r| r[name].clone()).collect::<Vec<_>>();
    assert_eq!(
        column("payment_type"),
        [json!("card"), json!("mixed"), json!("cash"), json!("cash")]
    );
    assert_eq!(
        column("cashier_name"),
        [json!("Анна"), json!("Борис"), json!("Анна"), json!("Анна")]
    );
    assert_eq!(column("income"), [json!(1), json!(1), json!(1), json!(-1)]);
    assert_eq!(column("receipt_uuid")[0], card["id"]);
    let numbers: Vec<i64> = rows
        .iter()
        .filter_map(|r| r["receipt_number"].as_i64())
        .collect();
    assert!(
        numbers.windows(2).all(|w| w[0] < w[1]) && numbers[0] >= 1,
        "{numbers:?}"
    );
    let first = &rows[0];
    assert_eq!(
        (
            &first["product_qty"],
            &first["product_price"],
            &first["discount_sum"],
            &first["product_sum"]
        ),
        (&json!(2), &json!(6.83), &json!(0.66), &json!(13))
    );
    assert_eq!(
        (&first["product_id"], &first["product_title"]),
        (&json!(cappuccino), &json!("Капучино"))
    );
    assert_eq!(
        (&first["terminal_id"], &first["shift_day"]),
        (&json!(1), &json!("2026-11-20"))
    );
    let time = first["time"].as_str().expect("time");
    assert!(time.len() == 8 && time.as_bytes()[2] == b':', "{time}");
    assert_eq!(first["date"].as_str().map(str::len), Some(10));

    // another terminal, another day; an unknown terminal; a bad day
    let (_, body) = export(
        &server,
        &demo,
        "start=2026-11-20&end=2026-11-20&terminal_id=2",
    )
    .await;
    assert_eq!(body["data"], json!([]));
    let (_, body) = export(&server, &demo, "start=2026-11-21&end=2026-11-30").await;
    assert_eq!(body["data"], json!([]));
    let (status, body) = export(
        &server,
        &demo,
        "start=2026-11-20&end=2026-11-20&terminal_id=99",
    )
    .await;
    assert_error(status, &body, StatusCode::NOT_FOUND);
    let (status, body) = export(&server, &demo, "start=20.11.2026&end=2026-11-20").await;
    assert_eq!(
        assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY)["field"],
        "start"
    );
    server.stop().await;
}

crate::backend_tests!(sales_by_line_name_the_receipt_its_cashier_and_how_it_was_paid);
