//! API.md §13: `serve --demo` is a sandbox where everything answers with real data at once:
//! every vendor example, every feed, every export, the terminal's waiting order. Made once,
//! kept on restart.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{int, send, Backend, TestDatabase};
use crate::jobs::spawn_demo;
use crate::vendor_examples::{python_with_requests, run_example};

async fn get(client: &reqwest::Client, addr: &str, key: &str, path: &str) -> Value {
    let request = client
        .get(format!("http://{addr}{path}"))
        .header("X-API-KEY", key);
    let (status, body) = send(request).await;
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    body
}

/// The rows of an answer, whichever envelope it has.
fn rows(body: &Value) -> usize {
    let data = body.get("data").unwrap_or(body);
    match data {
        Value::Array(all) => all.len(),
        Value::Object(all) => all.len(),
        _ => 0,
    }
}

async fn after_serve_demo_every_example_feed_and_export_answers_real_data(backend: Backend) {
    let database = TestDatabase::new(backend).await;
    let client = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client");
    let (mut server, addr, keys) = spawn_demo(&database.url, &[]);
    let yesterday = jiff::Zoned::now()
        .with_time_zone(jiff::tz::TimeZone::get("Europe/Minsk").expect("zone"))
        .date()
        .yesterday()
        .expect("a day")
        .to_string();
    let month_ago = jiff::Zoned::now()
        .date()
        .checked_sub(jiff::Span::new().days(31))
        .expect("a day")
        .to_string();
    let paths = [
        "/a/v1.0/draft/storages".to_owned(),
        "/a/v1.0/draft/store/1".to_owned(),
        "/a/v1.0/draft/store/4".to_owned(),
        format!("/a/v1.0/storage/invoices?start={month_ago}"),
        format!("/a/v1.0/storage/moves?start={month_ago}"),
        "/a/v1.0/draft/get_products0/1/0/0".to_owned(),
        "/a/v1.0/draft/get_products/1/0/0".to_owned(),
        "/a/v1.0/draft/get_balances/1/0".to_owned(),
        "/a/v1.0/draft/get_clients/0".to_owned(),
        "/a/v1.0/draft/get_categories".to_owned(),
        "/a/v1.0/draft/get_workspaces".to_owned(),
        "/a/v1.0/draft/get_taxes".to_owned(),
        "/a/v1.0/draft/get_product_shop_data/1/0".to_owned(),
        "/a/v1.0/draft/get_modifier_groups".to_owned(),
        format!("/a/v1.0/product/export_sales?start={month_ago}&end={yesterday}"),
        format!("/a/v1.0/product/export_sales?shift_day={yesterday}"),
        format!("/a/v1.0/product/export_sales_totals?start={month_ago}&end={yesterday}"),
        format!("/a/v1.0/draft/receipts_by_shift_day/1/{yesterday}"),
        format!("/a/v1.1/draft/receipts_by_shift_day/2/{yesterday}"),
        format!("/a/v1.0/product/export_sales_shift_day?start={yesterday}&end={yesterday}"),
    ];
    for path in &paths {
        let body = get(&client, &addr, &keys.api, path).await;
        assert!(rows(&body) > 0, "{path} answered no data: {body}");
    }
    let updates = get(&client, &addr, &keys.api, "/a/v1.0/draft/get_updates/1").await;
    for section in [
        "products",
        "balances",
        "clients",
        "categories",
        "workspaces",
    ] {
        assert!(
            updates["data"][section].as_i64() > Some(0),
            "{section}: {updates}"
        );
    }
    // the terminal has an order waiting and a stop-listed dish; the admin sees the staff
    let orders = get(&client, &addr, &keys.terminal, "/a/v1.0/pos/orders").await;
    assert!(rows(&orders) > 0, "{orders}");
    let stopped = get(&client, &addr, &keys.terminal, "/a/v1.0/pos/stop_list").await;
    assert!(rows(&stopped) > 0, "{stopped}");
    let staff = get(&client, &addr, &keys.admin, "/admin/v1/employees").await;
    assert!(rows(&staff) >= 2, "{staff}");
    // annulments are part of the history
    let db = database.open().await;
    assert!(int(&db, "SELECT COUNT(*) FROM receipts WHERE income = -1").await > 0);
    let made = int(&db, "SELECT COUNT(*) FROM receipts").await;
    db.close().await;

    // the vendor's examples, verbatim
    if python_with_requests() {
        let base = format!("http://{addr}");
        for file in ["auth.py", "storages.py", "store.py"] {
            let printed = tokio::task::block_in_place(|| run_example(file, &base, &keys.api, 1));
            assert_eq!(printed.trim(), "<Response [200]>", "{file}");
        }
    }
    for (path, file) in [
        ("/a/v1.0/storage/invoices", "invoice.json"),
        ("/a/v1.0/product/import", "menu_import.json"),
    ] {
        let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/vendor")
            .join(file);
        let body = std::fs::read(&file).expect("example");
        let request = client
            .post(format!("http://{addr}{path}"))
            .header("X-API-KEY", &keys.api)
            .body(body);
        let (status, answer) = send(request).await;
        assert_eq!(status, StatusCode::OK, "{path}: {answer}");
    }

    // made once: a restart keeps the history as it was and mints new keys
    server.kill().expect("stop");
    server.wait().expect("stopped");
    let (mut server, addr, again) = spawn_demo(&database.url, &[]);
    assert_ne!(again.api, keys.api);
    // the back office opens with the password this start printed, not the last one's
    assert_eq!(
        sign_in(&addr, &keys.owner_password).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        sign_in(&addr, &again.owner_password).await,
        StatusCode::SEE_OTHER
    );
    server.kill().expect("stop");
    server.wait().expect("stopped");
    let db = database.open().await;
    assert_eq!(int(&db, "SELECT COUNT(*) FROM receipts").await, made);
    db.close().await;
}

/// Signs in to the demo's back office as `owner` through its form; the form's answer.
async fn sign_in(addr: &str, password: &str) -> StatusCode {
    let client = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let url = format!("http://{addr}/admin/sign-in");
    let form = client.get(&url).send().await.expect("form");
    let cookie = form
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .expect("form cookie")
        .to_owned();
    let token = cookie.split('=').nth(1).unwrap_or("").to_owned();
    let fields = [
        ("_csrf", token.as_str()),
        ("account", "demo"),
        ("login", "owner"),
        ("password", password),
    ];
    let answer = client
        .post(&url)
        .header("Cookie", cookie)
        .form(&fields)
        .send()
        .await;
    answer.expect("sign in").status()
}

crate::backend_tests!(after_serve_demo_every_example_feed_and_export_answers_real_data);
