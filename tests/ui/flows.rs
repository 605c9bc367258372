//! What a cafe owner does in the back office, clicked through in Chromium.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use caffesta::config::HttpConfig;
use caffesta::domain::user::Role;
use caffesta::service::webhooks;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::browser::Browser;
use crate::browser_tests;
use crate::helpers::{int, Backend, TestAccount, TestServer};
use crate::web::user;

browser_tests!(
    an_owner_signs_in_sees_every_page_and_signs_out,
    each_kind_of_document_is_wired_and_unwired_from_its_page,
    a_key_created_in_the_ui_is_shown_once_and_works,
    a_given_up_webhook_delivery_is_replayed_from_its_page,
    a_product_named_like_markup_is_shown_as_text,
    a_dish_is_costed_from_its_ingredients_and_stopped_from_the_catalog,
    a_dish_s_recipe_card_and_price_are_edited_from_their_pages,
);

async fn post(server: &TestServer, demo: &TestAccount, path: &str, body: &Value) -> i64 {
    let (status, answer) = server.post(demo, path, body).await;
    assert_eq!(status, StatusCode::OK, "{path}: {answer}");
    answer["data"]["id"].as_i64().unwrap_or(0)
}

/// 10 of product `beans` ("Beans", kg) at 11.50 in storage 1, wired.
async fn stock_beans(server: &TestServer, demo: &TestAccount) {
    let invoice = json!({
        "storage": {"caf_id": 1}, "shipper": {"ref_code": "roaster", "name": "Roaster"},
        "products": [{"ref_code": "beans", "name": "Beans", "measure": "kg"}],
        "items": [{"amount": 10, "product_code": "beans", "cost": 115}]
    });
    let id = post(server, demo, "/a/v1.0/storage/invoices", &invoice).await;
    let (status, body) = server
        .put(
            demo,
            &format!("/a/v1.0/storage/invoices/{id}"),
            &json!({"action": "wire"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

/// The balance of Beans in storage 1 as the stock page shows it.
async fn beans_shown(browser: &Browser) -> String {
    browser.goto("/admin/stock?storage=1&q=beans").await;
    browser.text("tbody tr td.num").await
}

/// The closing quantity of Beans in storage 1's movement report for this month.
async fn beans_closing(browser: &Browser) -> String {
    browser.goto("/admin/stock/report?storage=1").await;
    browser.text("tbody tr td:nth-child(8)").await
}

async fn an_owner_signs_in_sees_every_page_and_signs_out() {
    let server = TestServer::start(Backend::Sqlite).await;
    // the sandbox's cafe: a month of sales, stock, an order waiting, so every page has data
    let sandbox = caffesta::service::demo::sandbox(&server.db, true)
        .await
        .expect("sandbox");
    let demo = server.demo().await;
    stock_beans(&server, &demo).await;
    let login = caffesta::service::demo::DEMO_OWNER;
    let password = sandbox.owner_password;
    let browser = Browser::open(&server, "demo", "owner").await;
    browser.goto("/admin/").await;
    assert_eq!(
        browser.path().await,
        "/admin/sign-in",
        "signed out, the back office asks to sign in"
    );
    browser.shot("sign-in").await;
    browser.fill("input[name=login]", login).await;
    browser.fill("input[name=password]", "wrong-password").await;
    browser.click("button[type=submit]").await;
    assert!(browser
        .text(".error")
        .await
        .contains("Wrong login or password"));
    browser.shot("sign-in-refused").await;
    browser.sign_in(login, &password).await;
    assert!(browser.text("header .login").await.contains(login));
    let pages = [
        ("dashboard", "/admin/"),
        ("stock", "/admin/stock"),
        ("stock-at-date", "/admin/stock?at=2026-01-01"),
        ("movement-report", "/admin/stock/report"),
        ("documents", "/admin/documents"),
        ("invoice", "/admin/documents/invoice/1"),
        ("catalog", "/admin/catalog"),
        ("product-card", "/admin/catalog/products/1"),
        ("new-product", "/admin/catalog/products/new"),
        ("categories", "/admin/catalog/categories"),
        ("menus", "/admin/catalog/menus"),
        ("sales", "/admin/sales"),
        ("shifts", "/admin/sales/shifts"),
        ("clients", "/admin/sales/clients"),
        ("settings", "/admin/settings"),
        ("keys", "/admin/settings/keys"),
        ("users", "/admin/settings/users"),
        ("webhooks", "/admin/settings/webhooks"),
    ];
    for (name, path) in pages {
        browser.goto(path).await;
        assert!(browser.has("main h1").await, "{path} has a title");
        assert!(!browser.has(".error").await, "{path} shows no error");
        browser.shot(name).await;
    }
    // a phone's width: the same pages, readable
    browser
        .client
        .set_window_size(390, 844)
        .await
        .expect("resize");
    for (name, path) in [
        ("phone-dashboard", "/admin/"),
        ("phone-stock", "/admin/stock"),
    ] {
        browser.goto(path).await;
        browser.shot(name).await;
    }
    browser
        .client
        .set_window_size(1366, 768)
        .await
        .expect("resize");
    // Russian, from the switch
    browser.click("a.lang").await;
    assert_eq!(browser.text("nav a.current").await, "Сводка");
    browser.shot("dashboard-ru").await;
    browser.click("form[action='/admin/sign-out'] button").await;
    assert_eq!(browser.path().await, "/admin/sign-in");
    browser.goto("/admin/stock").await;
    assert_eq!(browser.path().await, "/admin/sign-in", "signed out");
    browser.close().await;
    server.stop().await;
}

/// A kind of document, the fields of its form as filled in, and the balance once wired.
type Filled = (
    &'static str,
    &'static [(&'static str, &'static str)],
    &'static str,
);

async fn each_kind_of_document_is_wired_and_unwired_from_its_page() {
    let server = TestServer::start(Backend::Sqlite).await;
    let demo = server.demo().await;
    stock_beans(&server, &demo).await;
    let (login, password) = user(&server, &demo, Role::Accountant).await;
    // each kind's form as a person fills it in, and Beans' balance in storage 1 once wired
    let kinds: [Filled; 5] = [
        (
            "invoice",
            &[
                ("shipper_code", "roaster"),
                ("p0", "beans"),
                ("q0", "5"),
                ("cost0", "60"),
            ],
            "15",
        ),
        ("move", &[("p0", "beans"), ("q0", "4")], "6"),
        ("writeoff", &[("p0", "beans"), ("q0", "2")], "8"),
        ("inventory", &[("p0", "beans"), ("q0", "7")], "7"),
        (
            "return",
            &[
                ("shipper_code", "roaster"),
                ("p0", "beans"),
                ("q0", "3"),
                ("price0", "11"),
            ],
            "7",
        ),
    ];
    let browser = Browser::open(&server, "demo", "documents").await;
    browser.sign_in(&login, &password).await;
    for (kind, fields, after) in kinds {
        assert_eq!(beans_shown(&browser).await, "10", "{kind}: before");
        assert_eq!(beans_closing(&browser).await, "10", "{kind}: report before");
        browser.goto("/admin/documents").await;
        browser
            .click(&format!("a[href='/admin/documents/new/{kind}']"))
            .await;
        if kind == "move" {
            browser.select("select[name=storage_to]", "2").await;
        }
        for (name, value) in fields {
            browser.fill(&format!("input[name={name}]"), value).await;
        }
        browser.shot(&format!("{kind}-form")).await;
        browser.click("main form button[type=submit]").await;
        let page = browser.path().await;
        let id = page
            .strip_prefix(&format!("/admin/documents/{kind}/"))
            .unwrap_or_else(|| panic!("{kind}: the new document opens, not {page}"))
            .to_owned();
        assert!(
            !browser.has(".wired").await,
            "{kind}: a new document is not wired"
        );
        assert_eq!(
            beans_shown(&browser).await,
            "10",
            "{kind}: nothing moved yet"
        );
        browser.goto(&format!("/admin/documents/{kind}/{id}")).await;
        browser.shot(&format!("{kind}-not-wired")).await;
        browser
            .click(&format!(
                "form[action='/admin/documents/{kind}/{id}/wire'] button"
            ))
            .await;
        assert_eq!(
            browser.path().await,
            format!("/admin/documents/{kind}/{id}")
        );
        assert!(browser.has(".wired").await, "{kind} shows wired");
        browser.shot(&format!("{kind}-wired")).await;
        assert_eq!(
            beans_shown(&browser).await,
            after,
            "{kind}: the balance moved"
        );
        assert_eq!(
            beans_closing(&browser).await,
            after,
            "{kind}: the report moved"
        );
        browser.shot(&format!("{kind}-report")).await;
        browser.goto(&format!("/admin/documents/{kind}/{id}")).await;
        browser
            .click(&format!(
                "form[action='/admin/documents/{kind}/{id}/unwire'] button"
            ))
            .await;
        assert!(!browser.has(".wired").await, "{kind} shows not wired");
        assert_eq!(
            beans_shown(&browser).await,
            "10",
            "{kind}: unwired, the balance is back"
        );
        assert_eq!(
            beans_closing(&browser).await,
            "10",
            "{kind}: and the report"
        );
    }
    // a form that does not make a document says why and makes nothing
    browser.goto("/admin/documents/new/writeoff").await;
    browser.fill("input[name=p0]", "no-such-product").await;
    browser.fill("input[name=q0]", "1").await;
    browser.click("main form button[type=submit]").await;
    assert!(
        browser.text(".error").await.contains("no-such-product"),
        "the refusal names it"
    );
    browser.shot("refused").await;
    browser.goto("/admin/documents").await;
    browser.shot("list").await;
    browser.close().await;
    server.stop().await;
}

async fn a_key_created_in_the_ui_is_shown_once_and_works() {
    let server = TestServer::start(Backend::Sqlite).await;
    let demo = server.demo().await;
    let (login, password) = user(&server, &demo, Role::Owner).await;
    let browser = Browser::open(&server, "demo", "keys").await;
    browser.sign_in(&login, &password).await;
    browser.goto("/admin/settings/keys").await;
    browser.fill("input[name=label]", "new till").await;
    browser
        .click("form[action='/admin/settings/keys'] button")
        .await;
    let key = browser.text("[data-testid=new-key]").await;
    assert_eq!(key.len(), 32, "{key}");
    browser.shot("created").await;
    let used = |key: String| {
        let server = &server;
        async move {
            server
                .client
                .get(server.url("/a/v1.0/storage/test"))
                .header("Host", format!("demo.localhost:{}", server.addr.port()))
                .header("X-API-KEY", key)
                .send()
                .await
                .expect("request")
                .status()
        }
    };
    assert_eq!(used(key.clone()).await, StatusCode::OK, "the key works");
    browser.goto("/admin/settings/keys").await;
    assert!(!browser.has("[data-testid=new-key]").await, "shown once");
    let source = browser.client.source().await.expect("source");
    assert!(
        !source.contains(&key),
        "the key is nowhere on the page again"
    );
    let id = int(&server.db, "SELECT MAX(id) AS value FROM api_keys").await;
    browser
        .click(&format!(
            "form[action='/admin/settings/keys/{id}/revoke'] button"
        ))
        .await;
    browser.shot("revoked").await;
    assert!(browser.text("tbody").await.contains("Revoked"));
    assert_eq!(used(key).await, StatusCode::UNAUTHORIZED, "revoked");
    browser.close().await;
    server.stop().await;
}

/// A receiver that refuses until told to accept, counting what it accepted.
async fn receiver() -> (String, Arc<AtomicBool>, Arc<AtomicUsize>) {
    let accept = Arc::new(AtomicBool::new(false));
    let got = Arc::new(AtomicUsize::new(0));
    let (a, g) = (accept.clone(), got.clone());
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move || {
            let (a, g) = (a.clone(), g.clone());
            async move {
                if a.load(Ordering::SeqCst) {
                    g.fetch_add(1, Ordering::SeqCst);
                    axum::http::StatusCode::OK
                } else {
                    axum::http::StatusCode::SERVICE_UNAVAILABLE
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}/hook", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, accept, got)
}

async fn a_given_up_webhook_delivery_is_replayed_from_its_page() {
    let http = HttpConfig {
        key_cache_ttl: Duration::ZERO,
        webhooks_allow_private: true,
        ..HttpConfig::default()
    };
    let server = TestServer::start_with(Backend::Sqlite, http).await;
    let demo = server.demo().await;
    let (url, accept, got) = receiver().await;
    let spec = webhooks::Spec {
        url: &url,
        events: vec!["invoice.wired"],
        secret: None,
        allow_private: true,
    };
    let hook = webhooks::create(&server.db, demo.id, &spec)
        .await
        .expect("webhook");
    stock_beans(&server, &demo).await;
    // the first attempt fails; then the delivery is given up, as after 72 hours of failures
    let attempted = "SELECT COUNT(*) AS value FROM webhook_attempts";
    for _ in 0..100 {
        if int(&server.db, attempted).await > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(int(&server.db, attempted).await > 0, "an attempt was made");
    caffesta_exec(&server, "UPDATE webhook_deliveries SET status = 'failed'").await;
    accept.store(true, Ordering::SeqCst);
    let (login, password) = user(&server, &demo, Role::Owner).await;
    let browser = Browser::open(&server, "demo", "webhooks").await;
    browser.sign_in(&login, &password).await;
    browser.goto("/admin/settings/webhooks").await;
    browser.shot("list").await;
    browser
        .goto(&format!("/admin/settings/webhooks/{}", hook.id))
        .await;
    assert!(browser.text("tbody").await.contains("failed"));
    assert!(browser.text("tbody").await.contains("HTTP 503"));
    browser.shot("failed").await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        got.load(Ordering::SeqCst),
        0,
        "a given-up delivery is not retried by itself"
    );
    browser.click("form[action$='/replay'] button").await;
    for _ in 0..100 {
        if got.load(Ordering::SeqCst) > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        got.load(Ordering::SeqCst),
        1,
        "the replayed delivery arrived"
    );
    browser
        .goto(&format!("/admin/settings/webhooks/{}", hook.id))
        .await;
    assert!(browser.text("tbody").await.contains("delivered"));
    browser.shot("replayed").await;
    browser.close().await;
    server.stop().await;
}

async fn caffesta_exec(server: &TestServer, sql: &str) {
    let mut tx = server.db.begin_write().await.expect("tx");
    tx.run(sql, caffesta::params! {}).await.expect("exec");
    caffesta::db::commit(tx).await.expect("commit");
}

async fn a_product_named_like_markup_is_shown_as_text() {
    let server = TestServer::start(Backend::Sqlite).await;
    let demo = server.demo().await;
    let name = "<img src=x onerror=alert(1)>";
    let invoice = json!({
        "storage": {"caf_id": 1}, "shipper": {"ref_code": "s1", "name": name},
        "comment": name,
        "products": [{"ref_code": "xss", "name": name, "measure": "pcs"}],
        "items": [{"amount": 3, "product_code": "xss", "cost": 30}]
    });
    let id = post(&server, &demo, "/a/v1.0/storage/invoices", &invoice).await;
    let (login, password) = user(&server, &demo, Role::Owner).await;
    let product = int(
        &server.db,
        "SELECT id AS value FROM products WHERE ref_code = 'xss'",
    )
    .await;
    let browser = Browser::open(&server, "demo", "markup").await;
    browser.sign_in(&login, &password).await;
    browser
        .goto(&format!("/admin/documents/invoice/{id}"))
        .await;
    browser
        .click(&format!(
            "form[action='/admin/documents/invoice/{id}/wire'] button"
        ))
        .await;
    for (shot, path) in [
        ("invoice", format!("/admin/documents/invoice/{id}")),
        ("documents", "/admin/documents".to_owned()),
        ("stock", "/admin/stock".to_owned()),
        ("report", "/admin/stock/report".to_owned()),
        (
            "ledger",
            format!("/admin/stock/ledger?storage=1&product={product}"),
        ),
    ] {
        browser.goto(&path).await;
        assert!(
            !browser.has("img").await,
            "{path}: no image was made of the name"
        );
        assert!(
            browser.text("main").await.contains(name),
            "{path}: the name is shown as text"
        );
        assert!(
            browser.client.get_alert_text().await.is_err(),
            "{path}: no script ran"
        );
        browser.shot(shot).await;
    }
    browser.close().await;
    server.stop().await;
}

/// `in_stop_list` of product `id` in the products feed of shop 1.
async fn in_stop_list(server: &TestServer, demo: &TestAccount, id: i64) -> Value {
    let (status, products) = server.get(demo, "/a/v1.0/draft/get_products/1/0/0").await;
    assert_eq!(status, StatusCode::OK, "{products}");
    products["data"]
        .as_array()
        .and_then(|all| all.iter().find(|p| p["id"] == id))
        .map_or(Value::Null, |p| p["in_stop_list"].clone())
}

async fn a_dish_is_costed_from_its_ingredients_and_stopped_from_the_catalog() {
    let server = TestServer::start(Backend::Sqlite).await;
    let demo = server.demo().await;
    stock_beans(&server, &demo).await;
    let milk = json!({
        "storage": {"caf_id": 1}, "shipper": {"ref_code": "farm", "name": "Farm"},
        "products": [{"ref_code": "milk", "name": "Milk", "measure": "l"}],
        "items": [{"amount": 10, "product_code": "milk", "cost": 25}]
    });
    let id = post(&server, &demo, "/a/v1.0/storage/invoices", &milk).await;
    server
        .put(
            &demo,
            &format!("/a/v1.0/storage/invoices/{id}"),
            &json!({"action": "wire"}),
        )
        .await;
    let latte = post(
        &server,
        &demo,
        "/a/v1.0/product/",
        &json!({"ref_code": "latte", "name": "Latte", "measure": "pcs"}),
    )
    .await;
    let map = json!({"output": 1, "items": [
        {"product_code": "beans", "amount": "0.018"}, {"product_code": "milk", "amount": "0.18"}]});
    let (status, body) = server
        .put(&demo, &format!("/a/v1.0/product/{latte}/tech_map"), &map)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (login, password) = user(&server, &demo, Role::Manager).await;
    let browser = Browser::open(&server, "demo", "catalog").await;
    browser.sign_in(&login, &password).await;
    browser.goto("/admin/catalog?shop=1&q=LAT").await;
    browser.shot("search").await;
    assert!(
        browser.text("tbody").await.contains("Latte"),
        "found by any case"
    );
    assert!(!browser.text("tbody").await.contains("Milk"));
    // beans at 11.50 a kg and milk at 2.50 a litre: 0.018 × 11.50 + 0.18 × 2.50 = 0.21 + 0.45
    browser
        .click(&format!("a[href='/admin/catalog/tech-map/{latte}']"))
        .await;
    assert_eq!(browser.text("[data-testid=total-cost]").await, "0.66");
    browser.shot("tech-map").await;
    assert_eq!(in_stop_list(&server, &demo, latte).await, json!(false));
    browser.goto("/admin/catalog?shop=1&q=latte").await;
    browser.click("button[data-product=latte]").await;
    assert!(browser.text("tbody").await.contains("Stopped"));
    browser.shot("stopped").await;
    assert_eq!(
        in_stop_list(&server, &demo, latte).await,
        json!(true),
        "the feed shows the stop"
    );
    browser.click("button[data-product=latte]").await;
    assert_eq!(
        in_stop_list(&server, &demo, latte).await,
        json!(false),
        "and its end"
    );
    browser.close().await;
    server.stop().await;
}

async fn a_dish_s_recipe_card_and_price_are_edited_from_their_pages() {
    let server = TestServer::start(Backend::Sqlite).await;
    let demo = server.demo().await;
    stock_beans(&server, &demo).await;
    let latte = post(
        &server,
        &demo,
        "/a/v1.0/product/",
        &json!({"ref_code": "latte", "name": "Latte", "type": "tech_map"}),
    )
    .await;
    let (login, password) = user(&server, &demo, Role::Manager).await;
    let browser = Browser::open(&server, "demo", "recipe").await;
    browser.sign_in(&login, &password).await;
    browser.goto("/admin/catalog?shop=1&q=latte").await;
    browser
        .click(&format!("a[href='/admin/catalog/products/{latte}']"))
        .await;
    browser.shot("card").await;
    browser
        .click(&format!("a[href='/admin/catalog/tech-map/{latte}']"))
        .await;
    // a first recipe: 18 g of beans at 11.50 a kg
    let save_recipe = format!("form[action='/admin/catalog/tech-map/{latte}'] button");
    browser.fill("input[name=p0]", "beans").await;
    browser.fill("input[name=q0]", "0.018").await;
    browser.click(&save_recipe).await;
    assert_eq!(browser.text("[data-testid=total-cost]").await, "0.21");
    assert!(browser.has("p.notice").await, "saved, and said so");
    browser.shot("recipe-saved").await;
    // an amount that is not a number: refused, the form keeps it
    browser.fill("input[name=q0]", "lots").await;
    browser.click(&save_recipe).await;
    assert!(browser.has("p.error").await);
    let kept = browser
        .client
        .find(fantoccini::Locator::Css("input[name=q0]"))
        .await
        .expect("q0")
        .prop("value")
        .await
        .expect("value");
    assert_eq!(kept.as_deref(), Some("lots"), "what was typed stays");
    browser.shot("recipe-refused").await;
    // the card: renamed and priced at shop 1
    browser
        .goto(&format!("/admin/catalog/products/{latte}"))
        .await;
    browser.fill("input[name=name]", "Latte 400").await;
    browser.fill("input[name=price_1]", "6.50").await;
    browser
        .click(&format!(
            "form[action='/admin/catalog/products/{latte}'] button"
        ))
        .await;
    assert!(browser.has("p.notice").await, "saved");
    browser.goto("/admin/catalog?shop=1&q=latte").await;
    let row = browser.text("tbody tr").await;
    assert!(row.contains("Latte 400") && row.contains("6.50"), "{row}");
    browser.shot("catalog-after").await;
    let (_, card) = server.get(&demo, &format!("/a/v1.0/product/{latte}")).await;
    assert_eq!(card["data"]["name"], "Latte 400");
    browser.close().await;
    server.stop().await;
}
