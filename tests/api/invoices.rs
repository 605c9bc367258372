//! API.md §2–§3: incoming invoices and the stock ledger over HTTP.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::future::join_all;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{assert_error, Backend, TestAccount, TestServer};

pub fn vendor_invoice() -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vendor/invoice.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("invoice.json")).expect("json")
}

async fn create(server: &TestServer, account: &TestAccount, body: &Value) -> i64 {
    let (status, answer) = server.post(account, "/a/v1.0/storage/invoices", body).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    answer["data"]["id"].as_i64().expect("id")
}

async fn action(
    server: &TestServer,
    account: &TestAccount,
    id: i64,
    action: &str,
) -> (StatusCode, Value) {
    server
        .put(
            account,
            &format!("/a/v1.0/storage/invoices/{id}"),
            &json!({ "action": action }),
        )
        .await
}

async fn store(server: &TestServer, account: &TestAccount, storage: i64) -> Value {
    let (status, body) = server
        .get(account, &format!("/a/v1.0/draft/store/{storage}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

async fn vendor_example_invoice_wires_to_the_documented_balance_and_unwire_restores_it(
    backend: Backend,
) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    let id = create(&server, &demo, &vendor_invoice()).await;
    assert_eq!(
        store(&server, &demo, 1).await,
        json!([]),
        "a new invoice is not wired"
    );
    assert_eq!(
        action(&server, &demo, id, "wire").await,
        (StatusCode::OK, json!({"success": true}))
    );
    let wired = json!([{"id": 1, "name": "1000", "measure": "pcs", "cost": "2.000000", "summ": "50.00", "balance": "25.000"}]);
    assert_eq!(store(&server, &demo, 1).await, wired);
    let (status, body) = action(&server, &demo, id, "wire").await;
    assert_error(status, &body, StatusCode::CONFLICT);
    assert_eq!(
        store(&server, &demo, 1).await,
        wired,
        "a refused wire changes nothing"
    );

    assert_eq!(action(&server, &demo, id, "unwire").await.0, StatusCode::OK);
    let empty = json!([{"id": 1, "name": "1000", "measure": "pcs", "cost": "0.000000", "summ": "0.00", "balance": "0.000"}]);
    assert_eq!(store(&server, &demo, 1).await, empty);
    let (status, body) = action(&server, &demo, id, "unwire").await;
    assert_error(status, &body, StatusCode::CONFLICT);
    assert_eq!(action(&server, &demo, id, "wire").await.0, StatusCode::OK);
    assert_eq!(
        store(&server, &demo, 1).await,
        wired,
        "wire after unwire gives the same state"
    );
    server.stop().await;
}

async fn invoice_read_and_list_show_the_documented_fields(backend: Backend) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    let id = create(&server, &demo, &vendor_invoice()).await;
    let (status, body) = server
        .get(&demo, &format!("/a/v1.0/storage/invoices/{id}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let data = &body["data"];
    assert_eq!(data["id"], json!(id));
    assert_eq!(data["type"], "incoming");
    assert_eq!(data["name"], "0155484");
    assert_eq!(data["status"], "not_wired");
    assert_eq!(
        data["doc_date"], "2018-06-13T17:28:00+03:00",
        "the date is UTC, shown in the account's zone"
    );
    assert_eq!(
        (
            data["total_amount"].clone(),
            data["total_wo_nds"].clone(),
            data["total_cost"].clone()
        ),
        (json!(25), json!(50), json!(50))
    );
    assert_eq!(data["shipper"]["ref_code"], "0348741");
    assert_eq!(
        data["storage"],
        json!({"id": 1, "name": "Склад кафе Буран"})
    );
    let item = &data["items"][0];
    assert_eq!(
        (
            item["count"].clone(),
            item["price"].clone(),
            item["cost"].clone()
        ),
        (json!(25), json!(2), json!(50))
    );
    assert_eq!(item["package"]["ref_code"], "pcs");
    assert_eq!(item["tax"], json!({"id": 1}));
    let product = &item["product"];
    for (field, value) in [
        ("ref_code", json!("prod1")),
        ("name", json!("1000")),
        ("cancellation_type", json!("cancel_dish")),
        ("measure", json!("pcs")),
        ("type", json!("simple")),
        ("entity_type", json!("product")),
        ("country", json!("RB")),
        ("weight_in_gram", json!(1000)),
        ("has_g_m_o", json!(false)),
        ("use_discounts", json!(true)),
    ] {
        assert_eq!(product[field], value, "product.{field}");
    }
    assert_eq!(product["category"]["ref_code"], "cat2");
    let documented = [
        "id",
        "type",
        "name",
        "total_amount",
        "shipper",
        "items",
        "storage",
        "doc_date",
        "paid",
        "status",
        "finished",
        "total_wo_nds",
        "total_nds_sum",
        "total_cost",
        "created_at",
        "created_by",
        "updated_at",
        "updated_by",
    ];
    let mut keys: Vec<&str> = data
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    let mut expected = documented.to_vec();
    expected.sort_unstable();
    assert_eq!(keys, expected);

    for (query, count) in [
        ("?start=2018-06-13", 1),
        ("?start=2018-06-14", 0),
        ("?start=2018-06-01&end=2018-06-13", 1),
        ("?start=2018-06-01&end=2018-06-12", 0),
        ("", 1),
    ] {
        let (status, body) = server
            .get(&demo, &format!("/a/v1.0/storage/invoices{query}"))
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            body["data"].as_array().map(Vec::len),
            Some(count),
            "{query}"
        );
    }
    let (status, body) = server
        .get(&demo, "/a/v1.0/storage/invoices?start=yesterday")
        .await;
    assert_eq!(
        assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY)["field"],
        "start"
    );
    let (status, body) = server.get(&demo, "/a/v1.0/storage/invoices/999").await;
    assert_error(status, &body, StatusCode::NOT_FOUND);
    server.stop().await;
}

fn small_invoice(product: &str, package: &str, amount: &str, cost: &str) -> Value {
    json!({
        "number": "n", "date": "2024-01-10", "storage": {"caf_id": 2},
        "packages": [{"ref_code": "box10", "name": "коробка 10 шт", "measure": "pcs", "value": 10}],
        "products": [{"ref_code": product, "name": product, "measure": "pcs"}],
        "items": [{"amount": amount, "package_code": package, "product_code": product, "cost": cost}]
    })
}

async fn three_boxes_of_ten_add_thirty_and_the_average_cost_of_two_invoices_is_exact(
    backend: Backend,
) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    let first = create(&server, &demo, &small_invoice("cup", "box10", "3", "10")).await;
    action(&server, &demo, first, "wire").await;
    let second = create(&server, &demo, &small_invoice("cup", "pcs", "5", "2.50")).await;
    action(&server, &demo, second, "wire").await;
    // 30 at 10.00 plus 5 at 2.50: 35 for 12.50, 0.357142857… → 0.357143
    assert_eq!(
        store(&server, &demo, 2).await,
        json!([{"id": 1, "name": "cup", "measure": "pcs", "cost": "0.357143", "summ": "12.50", "balance": "35.000"}])
    );
    action(&server, &demo, first, "unwire").await;
    assert_eq!(store(&server, &demo, 2).await[0]["balance"], "5.000");
    assert_eq!(store(&server, &demo, 2).await[0]["cost"], "0.500000");
    server.stop().await;
}

/// Row counts of every table an invoice may write, to prove a refused one wrote nothing.
async fn written(server: &TestServer) -> Vec<i64> {
    let mut counts = Vec::new();
    for table in [
        "packages",
        "categories",
        "workspaces",
        "shippers",
        "products",
        "product_prices",
        "invoices",
        "invoice_items",
        "stock_movements",
        "stock_balances",
        "id_counters",
    ] {
        let sql = format!("SELECT CAST(COUNT(*) AS BIGINT) FROM {table}");
        counts.push(crate::helpers::int(&server.db, &sql).await);
    }
    counts
}

/// Applies `edit` to the vendor's invoice.
fn edited(edit: impl Fn(&mut Value)) -> Value {
    let mut body = vendor_invoice();
    edit(&mut body);
    body
}

async fn every_validation_rule_names_its_field_and_writes_nothing(backend: Backend) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
    let cases: Vec<(&str, Value, StatusCode, &str)> = vec![
        (
            "unknown storage",
            edited(|b| b["storage"]["caf_id"] = json!(99)),
            unprocessable,
            "storage.caf_id",
        ),
        (
            "unknown product",
            edited(|b| b["items"][0]["product_code"] = json!("nope")),
            unprocessable,
            "items[0].product_code",
        ),
        (
            "unknown package",
            edited(|b| b["items"][0]["package_code"] = json!("crate")),
            unprocessable,
            "items[0].package_code",
        ),
        (
            "package of another measure",
            edited(|b| b["items"][0]["package_code"] = json!("kg")),
            unprocessable,
            "items[0].package_code",
        ),
        (
            "unknown item tax",
            edited(|b| b["items"][0]["caf_tax_id"] = json!(9)),
            unprocessable,
            "items[0].caf_tax_id",
        ),
        (
            "negative amount",
            edited(|b| b["items"][0]["amount"] = json!(-1)),
            unprocessable,
            "items[0].amount",
        ),
        (
            "zero amount",
            edited(|b| b["items"][0]["amount"] = json!("0")),
            unprocessable,
            "items[0].amount",
        ),
        (
            "negative cost",
            edited(|b| b["items"][0]["cost"] = json!(-50)),
            unprocessable,
            "items[0].cost",
        ),
        (
            "negative price",
            edited(|b| b["items"][0]["price"] = json!(-2)),
            unprocessable,
            "items[0].price",
        ),
        (
            "no cost nor price",
            edited(|b| {
                b["items"][0].as_object_mut().map(|i| {
                    i.remove("cost");
                    i.remove("price")
                });
            }),
            unprocessable,
            "items[0].cost",
        ),
        (
            "no items",
            edited(|b| b["items"] = json!([])),
            unprocessable,
            "items",
        ),
        (
            "missing items",
            edited(|b| {
                b.as_object_mut().map(|o| o.remove("items"));
            }),
            unprocessable,
            "items",
        ),
        (
            "missing storage",
            edited(|b| {
                b.as_object_mut().map(|o| o.remove("storage"));
            }),
            unprocessable,
            "storage",
        ),
        (
            "unknown parent category",
            edited(|b| b["categories"][1]["parent"] = json!("cat9")),
            unprocessable,
            "categories[1].parent",
        ),
        (
            "parent after child",
            edited(|b| {
                let c = b["categories"].clone();
                b["categories"] = json!([c[1], c[0]]);
            }),
            unprocessable,
            "categories[0].parent",
        ),
        (
            "unknown category",
            edited(|b| b["products"][0]["category_ref_code"] = json!("cat9")),
            unprocessable,
            "products[0].category_ref_code",
        ),
        (
            "unknown workspace",
            edited(|b| b["products"][0]["workspace_ref_code"] = json!("ws9")),
            unprocessable,
            "products[0].workspace_ref_code",
        ),
        (
            "unknown product tax",
            edited(|b| b["products"][0]["caf_tax_id"] = json!(7)),
            unprocessable,
            "products[0].caf_tax_id",
        ),
        (
            "unknown price shop",
            edited(|b| b["products"][0]["prices"][0]["caf_shop_id"] = json!(8)),
            unprocessable,
            "products[0].prices[0].caf_shop_id",
        ),
        (
            "unknown price storage",
            edited(|b| b["products"][0]["prices"][0]["caf_storage_id"] = json!(8)),
            unprocessable,
            "products[0].prices[0].caf_storage_id",
        ),
        (
            "negative retail price",
            edited(|b| b["products"][0]["prices"][0]["price"] = json!(-1)),
            unprocessable,
            "products[0].prices[0].price",
        ),
        (
            "bad product type",
            edited(|b| b["products"][0]["type"] = json!("service")),
            unprocessable,
            "products[0].type",
        ),
        (
            "bad product measure",
            edited(|b| b["products"][0]["measure"] = json!("m")),
            unprocessable,
            "products[0].measure",
        ),
        (
            "empty product name",
            edited(|b| b["products"][0]["name"] = json!(" ")),
            unprocessable,
            "products[0].name",
        ),
        (
            "bad package measure",
            edited(|b| b["packages"][3]["measure"] = json!("box")),
            unprocessable,
            "packages[3].measure",
        ),
        (
            "zero package value",
            edited(|b| b["packages"][3]["value"] = json!(0)),
            unprocessable,
            "packages[3].value",
        ),
        (
            "bad date",
            edited(|b| b["date"] = json!("13.06.2018 14:28")),
            unprocessable,
            "date",
        ),
        (
            "amount not a number",
            edited(|b| b["items"][0]["amount"] = json!("many")),
            StatusCode::BAD_REQUEST,
            "items[0].amount",
        ),
        (
            "storage id a string",
            edited(|b| b["storage"]["caf_id"] = json!("one")),
            StatusCode::BAD_REQUEST,
            "storage.caf_id",
        ),
        (
            "bad cancellation type",
            edited(|b| b["products"][0]["cancellation_type"] = json!(5)),
            StatusCode::BAD_REQUEST,
            "products[0].cancellation_type",
        ),
    ];
    let before = written(&server).await;
    for (what, body, expected, field) in cases {
        let (status, answer) = server.post(&demo, "/a/v1.0/storage/invoices", &body).await;
        let data = assert_error(status, &answer, expected);
        assert_eq!(data["field"], json!(field), "{what}: {answer}");
        assert_eq!(written(&server).await, before, "{what} wrote something");
    }
    // and the unedited payload is accepted
    create(&server, &demo, &vendor_invoice()).await;
    assert_ne!(written(&server).await, before);
    let (status, body) = action(&server, &demo, 1, "post").await;
    assert_eq!(
        assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY)["field"],
        "action"
    );
    let (status, body) = action(&server, &demo, 42, "wire").await;
    assert_error(status, &body, StatusCode::NOT_FOUND);
    server.stop().await;
}

async fn find_or_create_does_not_overwrite_existing_objects(backend: Backend) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    create(&server, &demo, &vendor_invoice()).await;
    let renamed = edited(|b| {
        b["products"][0]["name"] = json!("другое имя");
        b["categories"][0]["name"] = json!("другая");
        b["shipper"]["name"] = json!("другой");
    });
    let id = create(&server, &demo, &renamed).await;
    let (_, body) = server
        .get(&demo, &format!("/a/v1.0/storage/invoices/{id}"))
        .await;
    assert_eq!(body["data"]["items"][0]["product"]["name"], "1000");
    assert_eq!(body["data"]["shipper"]["name"], "поставщик");
    assert_eq!(body["data"]["items"][0]["product"]["id"], 1);
    let products: i64 =
        crate::helpers::int(&server.db, "SELECT CAST(COUNT(*) AS BIGINT) FROM products").await;
    assert_eq!(products, 1);
    server.stop().await;
}

async fn two_simultaneous_wires_of_one_invoice_give_one_200_and_one_409(backend: Backend) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    for _ in 0..5 {
        let id = create(&server, &demo, &vendor_invoice()).await;
        let (a, b) = tokio::join!(
            action(&server, &demo, id, "wire"),
            action(&server, &demo, id, "wire")
        );
        let mut statuses = [a.0, b.0];
        statuses.sort();
        assert_eq!(
            statuses,
            [StatusCode::OK, StatusCode::CONFLICT],
            "{a:?} {b:?}"
        );
    }
    assert_eq!(store(&server, &demo, 1).await[0]["balance"], "125.000");
    server.stop().await;
}

async fn thirty_two_clients_wiring_and_unwiring_at_random_keep_the_ledger_invariant(
    backend: Backend,
) {
    // 32 clients on one key, as fast as they can: past any published rate limit
    let server = TestServer::start_unlimited(backend).await;
    let demo = server.demo().await;
    let mut ids = Vec::new();
    for n in 0..16 {
        let body = json!({
            "number": format!("{n}"), "storage": {"caf_id": 1 + n % 3},
            "products": [{"ref_code": "a", "name": "A"}, {"ref_code": "b", "name": "B", "measure": "kg"}],
            "items": [
                {"amount": 1 + n, "product_code": "a", "cost": format!("{}.{:02}", 3 + n, n * 7 % 100)},
                {"amount": "0.125", "product_code": "b", "price": 8 + n}
            ]
        });
        ids.push(create(&server, &demo, &body).await);
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    let (ok, refused) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    let clients = (0..32u64).map(|client| {
        let (server, demo, ids, ok, refused) = (&server, &demo, &ids, ok.clone(), refused.clone());
        async move {
            let mut n = client;
            while Instant::now() < deadline {
                n = n
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                let id = ids[(n >> 33) as usize % ids.len()];
                let verb = if (n >> 20) % 2 == 0 { "wire" } else { "unwire" };
                let (status, body) = action(server, demo, id, verb).await;
                match status {
                    StatusCode::OK => ok.fetch_add(1, Ordering::Relaxed),
                    StatusCode::CONFLICT => refused.fetch_add(1, Ordering::Relaxed),
                    other => panic!("{verb} {id}: {other} {body}"),
                };
            }
        }
    });
    join_all(clients).await;
    assert!(
        ok.load(Ordering::Relaxed) > 50,
        "too few successful actions: {ok:?}"
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
    // and the balances are what the wired invoices add up to
    let wired: Vec<i64> = crate::helpers::ints(
        &server.db,
        "SELECT id FROM invoices WHERE wired = 1 ORDER BY id",
    )
    .await;
    // invoice id n brings n of "a"
    let expected_a: i64 = wired.iter().sum();
    let balances: i64 = crate::helpers::int(
        &server.db,
        "SELECT CAST(COALESCE(SUM(qty), 0) AS BIGINT) FROM stock_balances WHERE product_id = 1",
    )
    .await;
    assert_eq!(balances, expected_a * 1000);
    server.stop().await;
}

async fn an_idempotency_key_replays_the_first_answer_and_refuses_another_body(backend: Backend) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    let post = |body: &Value, key: &str| {
        server
            .request(&demo, reqwest::Method::POST, "/a/v1.0/storage/invoices")
            .header("Idempotency-Key", key)
            .json(body)
    };
    let (first_status, first) = crate::helpers::send(post(&vendor_invoice(), "retry-1")).await;
    assert_eq!(first_status, StatusCode::OK);
    let (again_status, again) = crate::helpers::send(post(&vendor_invoice(), "retry-1")).await;
    assert_eq!((again_status, &again), (StatusCode::OK, &first));
    let invoices: i64 =
        crate::helpers::int(&server.db, "SELECT CAST(COUNT(*) AS BIGINT) FROM invoices").await;
    assert_eq!(invoices, 1, "a retry writes nothing");
    let other = edited(|b| b["number"] = json!("другой"));
    let (status, body) = crate::helpers::send(post(&other, "retry-1")).await;
    assert_eq!(
        assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY)["field"],
        "Idempotency-Key"
    );
    let (status, second) = crate::helpers::send(post(&other, "retry-2")).await;
    assert_eq!(status, StatusCode::OK);
    assert_ne!(second, first);
    // a refused request is replayed as refused, and keys are per account
    let bad = edited(|b| b["storage"]["caf_id"] = json!(99));
    let (status, _) = crate::helpers::send(post(&bad, "retry-3")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = crate::helpers::send(post(&bad, "retry-3")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    server.stop().await;
}

/// One round's invoice: every catalog object it names is new to the account (codes end in
/// `-{round}`), and invoice `n` of the round brings `n + 1` boxes of ten.
fn racing_invoice(round: usize, n: usize) -> Value {
    let code = |c: &str| format!("{c}-{round}");
    json!({
        "number": format!("race-{round}-{n}"), "storage": {"caf_id": 1},
        "shipper": {"ref_code": code("ship"), "name": "поставщик"},
        "categories": [
            {"ref_code": code("cat"), "name": "верх"},
            {"ref_code": code("sub"), "name": "низ", "parent": code("cat")}
        ],
        "workspaces": [{"ref_code": code("ws"), "name": "Бар"}],
        "packages": [{"ref_code": code("box"), "name": "коробка", "measure": "pcs", "value": 10}],
        "products": [{
            "ref_code": code("prod"), "name": "товар", "category_ref_code": code("sub"),
            "workspace_ref_code": code("ws"), "prices": [{"caf_shop_id": 2, "caf_storage_id": 1, "price": 3}]
        }],
        "items": [{"amount": n + 1, "package_code": code("box"), "product_code": code("prod"), "price": 2}]
    })
}

async fn thirty_two_simultaneous_invoices_naming_the_same_new_objects_all_succeed_and_share_them(
    backend: Backend,
) {
    const ROUNDS: usize = 4;
    const CLIENTS: usize = 32;
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    for round in 0..ROUNDS {
        let answers = join_all((0..CLIENTS).map(|n| {
            let body = racing_invoice(round, n);
            let (server, demo) = (&server, &demo);
            async move { server.post(demo, "/a/v1.0/storage/invoices", &body).await }
        }))
        .await;
        for (status, body) in &answers {
            assert_eq!(*status, StatusCode::OK, "round {round}: {body}");
        }
    }
    let count = |table: &str, code: &str| {
        format!(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM {table} WHERE account_id = {} AND ref_code LIKE '{code}-%'",
            demo.id
        )
    };
    for (table, code) in [
        ("categories", "cat"),
        ("categories", "sub"),
        ("workspaces", "ws"),
        ("shippers", "ship"),
        ("packages", "box"),
        ("products", "prod"),
    ] {
        let found = crate::helpers::int(&server.db, &count(table, code)).await;
        assert_eq!(
            Ok(found),
            i64::try_from(ROUNDS),
            "{table} {code}: one per round"
        );
    }
    // every invoice of a round names the one shipper, product and package of the round, and
    // the product sits in the round's subcategory, whose parent is the round's category
    for round in 0..ROUNDS {
        let distinct = crate::helpers::ints(
            &server.db,
            &format!(
                "SELECT CAST(COUNT(DISTINCT i.shipper_id) AS BIGINT) FROM invoices i \
                 WHERE i.account_id = {a} AND i.number LIKE 'race-{round}-%' \
                 UNION ALL SELECT CAST(COUNT(DISTINCT t.product_id) AS BIGINT) FROM invoice_items t \
                 JOIN invoices i ON i.account_id = t.account_id AND i.id = t.invoice_id \
                 WHERE i.account_id = {a} AND i.number LIKE 'race-{round}-%' \
                 UNION ALL SELECT CAST(COUNT(DISTINCT t.package_id) AS BIGINT) FROM invoice_items t \
                 JOIN invoices i ON i.account_id = t.account_id AND i.id = t.invoice_id \
                 WHERE i.account_id = {a} AND i.number LIKE 'race-{round}-%' \
                 UNION ALL SELECT CAST(COUNT(*) AS BIGINT) FROM products p \
                 JOIN categories s ON s.account_id = p.account_id AND s.id = p.category_id \
                 JOIN categories c ON c.account_id = s.account_id AND c.id = s.parent_id \
                 JOIN workspaces w ON w.account_id = p.account_id AND w.id = p.workspace_id \
                 WHERE p.account_id = {a} AND p.ref_code = 'prod-{round}' \
                 AND s.ref_code = 'sub-{round}' AND c.ref_code = 'cat-{round}' AND w.ref_code = 'ws-{round}'",
                a = demo.id
            ),
        )
        .await;
        assert_eq!(distinct, vec![1, 1, 1, 1], "round {round}");
    }
    let ids = crate::helpers::ints(
        &server.db,
        &format!(
            "SELECT id FROM invoices WHERE account_id = {} AND number LIKE 'race-%' ORDER BY id",
            demo.id
        ),
    )
    .await;
    assert_eq!(ids.len(), ROUNDS * CLIENTS);
    let wires = join_all(ids.iter().map(|&id| action(&server, &demo, id, "wire"))).await;
    for (status, body) in &wires {
        assert_eq!(*status, StatusCode::OK, "{body}");
    }
    let report = caffesta::service::ledger::check(&server.db, demo.id)
        .await
        .expect("check");
    assert!(
        report.is_clean(),
        "{:?} {:?}",
        report.mismatches,
        report.differences
    );
    // each round brings 10 × (1 + 2 + … + 32) pieces of its product
    let stock = store(&server, &demo, 1).await;
    let per_round = format!("{}.000", 10 * CLIENTS * (CLIENTS + 1) / 2);
    let balances: Vec<&Value> = stock
        .as_array()
        .expect("array")
        .iter()
        .map(|row| &row["balance"])
        .collect();
    assert_eq!(balances, vec![&json!(per_round); ROUNDS], "{stock}");
    server.stop().await;
}

async fn invoices_products_and_menu_imports_racing_on_the_same_new_codes_all_succeed(
    backend: Backend,
) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    for round in 0..3 {
        let (cat, ws, prod) = (
            format!("cat-{round}"),
            format!("ws-{round}"),
            format!("prod-{round}"),
        );
        let mut calls: Vec<(&str, Value)> = Vec::new();
        for n in 0..12 {
            calls.push(("/a/v1.0/storage/invoices", racing_invoice(round, n)));
        }
        for n in 0..8 {
            let product = json!({"ref_code": format!("solo-{round}-{n}"), "name": "свой",
                                 "category_ref_code": cat, "workspace_ref_code": ws});
            calls.push(("/a/v1.0/product/", product));
        }
        for n in 0..4 {
            let item = |id: String| {
                json!({"id": id, "name": "товар", "measure": "pcs",
                                           "category_id": cat, "work_space_code": ws})
            };
            let import = json!({"categories": [{"id": cat, "name": "верх"}],
                                "items": [item(prod.clone()), item(format!("imp-{round}-{n}"))]});
            calls.push(("/a/v1.0/product/import_part_menu", import));
        }
        let answers = join_all(
            calls
                .iter()
                .map(|(path, body)| server.post(&demo, path, body)),
        )
        .await;
        for ((path, _), (status, body)) in calls.iter().zip(&answers) {
            assert_eq!(*status, StatusCode::OK, "round {round} {path}: {body}");
        }
        for (table, code) in [
            ("categories", &cat),
            ("workspaces", &ws),
            ("products", &prod),
        ] {
            let sql = format!(
                "SELECT CAST(COUNT(*) AS BIGINT) FROM {table} WHERE account_id = {} AND ref_code = '{code}'",
                demo.id
            );
            assert_eq!(
                crate::helpers::int(&server.db, &sql).await,
                1,
                "{table} {code}"
            );
        }
        // every product of the round sits in the one category and workspace
        let sql = format!(
            "SELECT CAST(COUNT(DISTINCT p.category_id) AS BIGINT) FROM products p \
             WHERE p.account_id = {a} AND (p.ref_code LIKE 'solo-{round}-%' OR p.ref_code LIKE 'imp-{round}-%') \
             UNION ALL SELECT CAST(COUNT(DISTINCT p.workspace_id) AS BIGINT) FROM products p \
             WHERE p.account_id = {a} AND (p.ref_code LIKE 'solo-{round}-%' OR p.ref_code LIKE 'imp-{round}-%')",
            a = demo.id
        );
        assert_eq!(crate::helpers::ints(&server.db, &sql).await, vec![1, 1]);
    }
    server.stop().await;
}

crate::backend_tests!(
    vendor_example_invoice_wires_to_the_documented_balance_and_unwire_restores_it,
    invoice_read_and_list_show_the_documented_fields,
    three_boxes_of_ten_add_thirty_and_the_average_cost_of_two_invoices_is_exact,
    every_validation_rule_names_its_field_and_writes_nothing,
    find_or_create_does_not_overwrite_existing_objects,
    two_simultaneous_wires_of_one_invoice_give_one_200_and_one_409,
    thirty_two_clients_wiring_and_unwiring_at_random_keep_the_ledger_invariant,
    an_idempotency_key_replays_the_first_answer_and_refuses_another_body,
    thirty_two_simultaneous_invoices_naming_the_same_new_objects_all_succeed_and_share_them,
    invoices_products_and_menu_imports_racing_on_the_same_new_codes_all_succeed,
);
