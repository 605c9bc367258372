//! API.md §5: the menu import over HTTP: the vendor's example verbatim, idempotence, full vs
//! partial, deleted items, inventory adjustments, and errors that change nothing.

use caffesta::db::Query;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{assert_error, int, ints, Backend, TestAccount, TestServer};

const FULL: &str = "/a/v1.0/product/import";
const PARTIAL: &str = "/a/v1.0/product/import_part_menu";

/// The example of `reference/items.md` §1, byte for byte.
fn vendor_example() -> Value {
    serde_json::from_str(include_str!("../vendor/menu_import.json")).expect("the vendor's JSON")
}

async fn import(server: &TestServer, account: &TestAccount, path: &str, body: &Value) -> Value {
    let (status, answer) = server.post(account, path, body).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["success"], true);
    answer["data"].clone()
}

/// The menu links of the account: (section code, product code), sorted.
async fn links(server: &TestServer, account: &TestAccount) -> Vec<(String, String)> {
    let rows = server
        .db
        .read()
        .await
        .rows(
            "SELECT s.ref_code AS section, p.ref_code AS product FROM menu_items m \
             JOIN menu_sections s ON s.account_id = m.account_id AND s.id = m.section_id \
             JOIN products p ON p.account_id = m.account_id AND p.id = m.product_id \
             WHERE m.account_id = :account_id ORDER BY s.ref_code, p.ref_code",
            caffesta::params! { account_id: account.id },
        )
        .await
        .expect("links");
    rows.iter()
        .map(|r| {
            (
                r.get::<String>("section").expect("section"),
                r.get::<String>("product").expect("product"),
            )
        })
        .collect()
}

/// A fingerprint of everything an import may touch, with timestamps.
async fn state(server: &TestServer, account: &TestAccount) -> Vec<i64> {
    let a = account.id;
    let mut all = Vec::new();
    for sql in [
        format!("SELECT updated_at FROM products WHERE account_id = {a} ORDER BY id"),
        format!("SELECT updated_at FROM categories WHERE account_id = {a} ORDER BY id"),
        format!("SELECT updated_at FROM menu_sections WHERE account_id = {a} ORDER BY id"),
        format!("SELECT updated_at FROM product_prices WHERE account_id = {a} ORDER BY product_id, shop_id"),
        format!("SELECT COUNT(*) FROM menu_items WHERE account_id = {a}"),
        format!("SELECT COUNT(*) FROM adjustments WHERE account_id = {a}"),
        format!("SELECT COUNT(*) FROM stock_movements WHERE account_id = {a}"),
    ] {
        all.extend(ints(&server.db, &sql).await);
    }
    all
}

fn pair(section: &str, product: &str) -> (String, String) {
    (section.to_owned(), product.to_owned())
}

async fn the_vendor_example_imports_on_the_demo_account_and_twice_changes_nothing(
    backend: Backend,
) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    let first = import(&server, &demo, FULL, &vendor_example()).await;
    assert_eq!(
        (
            first["categories_created"].clone(),
            first["sections_created"].clone(),
            first["products_created"].clone(),
            first["menu_links_added"].clone()
        ),
        (json!(2), json!(3), json!(1), json!(3))
    );
    let (status, answer) = server
        .get(&demo, "/a/v1.0/product/by_ref_code/41044225")
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["data"]["name"], "БЕДРО Ц.БР ОХЛ");
    assert_eq!(
        links(&server, &demo).await,
        vec![
            pair("1", "41044225"),
            pair("2", "41044225"),
            pair("5", "41044225")
        ]
    );
    let price = format!(
        "SELECT price FROM product_prices WHERE account_id = {} AND shop_id = 2",
        demo.id
    );
    assert_eq!(int(&server.db, &price).await, 474_000);
    let level = format!(
        "SELECT level FROM menu_sections WHERE account_id = {} AND ref_code = '2'",
        demo.id
    );
    assert_eq!(int(&server.db, &level).await, 2);

    let before = state(&server, &demo).await;
    // a second later, so a rewrite would show in updated_at
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let second = import(&server, &demo, FULL, &vendor_example()).await;
    let changed: Vec<(&String, &Value)> = second
        .as_object()
        .expect("report")
        .iter()
        .filter(|(_, v)| **v != json!(0) && !v.is_null())
        .collect();
    assert!(changed.is_empty(), "{second}");
    assert_eq!(state(&server, &demo).await, before);
}

/// The vendor's example with a second item, `41044226`, in section 5.
fn two_items() -> Value {
    let mut body = vendor_example();
    let mut second = body["items"][0].clone();
    second["id"] = json!("41044226");
    second["name"] = json!("ГОЛЕНЬ");
    second["menus"] = json!([5]);
    body["items"].as_array_mut().expect("items").push(second);
    body
}

async fn a_partial_import_removes_nothing_and_a_full_one_removes_only_from_the_menu(
    backend: Backend,
) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    import(&server, &demo, FULL, &two_items()).await;
    assert_eq!(links(&server, &demo).await.len(), 4);

    // partial, with one item, no menus, and a new section link for it: only adds
    let mut partial = vendor_example();
    partial.as_object_mut().expect("object").remove("menus");
    partial["items"][0]["menus"] = json!([5]);
    let report = import(&server, &demo, PARTIAL, &partial).await;
    assert_eq!(
        (
            report["menu_links_removed"].clone(),
            report["sections_removed"].clone()
        ),
        (json!(0), json!(0))
    );
    assert_eq!(
        links(&server, &demo).await,
        vec![
            pair("1", "41044225"),
            pair("2", "41044225"),
            pair("5", "41044225"),
            pair("5", "41044226")
        ]
    );

    // full, without 41044226 and without section 2: both leave the menu, the product stays
    let mut full = vendor_example();
    full["menus"].as_array_mut().expect("menus").remove(1);
    full["items"][0]["menus"] = json!([1, 5]);
    let report = import(&server, &demo, FULL, &full).await;
    assert_eq!(report["sections_removed"], 1, "{report}");
    assert_eq!(
        links(&server, &demo).await,
        vec![pair("1", "41044225"), pair("5", "41044225")]
    );
    let (status, answer) = server
        .get(&demo, "/a/v1.0/product/by_ref_code/41044226")
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let deleted = format!(
        "SELECT deleted FROM menu_sections WHERE account_id = {} AND ref_code = '2'",
        demo.id
    );
    assert_eq!(int(&server.db, &deleted).await, 1);

    // a deleted item leaves the menu even in a partial import, and is marked deleted
    let mut gone = vendor_example();
    gone["items"][0]["deleted"] = json!(true);
    gone["items"][0]["menus"] = json!([1, 5]);
    gone["menus"].as_array_mut().expect("menus").remove(1);
    import(&server, &demo, PARTIAL, &gone).await;
    assert!(links(&server, &demo).await.is_empty());
    let flag = format!(
        "SELECT deleted FROM products WHERE account_id = {} AND ref_code = '41044225'",
        demo.id
    );
    assert_eq!(int(&server.db, &flag).await, 1);
}

async fn stock(server: &TestServer, account: &TestAccount, storage: i64) -> Value {
    let (_, body) = server
        .get(account, &format!("/a/v1.0/draft/store/{storage}"))
        .await;
    body.as_array()
        .and_then(|rows| rows.iter().find(|r| r["name"] == "БЕДРО Ц.БР ОХЛ").cloned())
        .unwrap_or(Value::Null)
}

async fn update_balances_posts_an_adjustment_to_the_counted_quantity_that_unwires_exactly(
    backend: Backend,
) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    import(&server, &demo, FULL, &vendor_example()).await;
    // 25 bought at 2.00 and 25 at 3.00 into storage 1: 50 at 2.50
    for cost in ["50", "75"] {
        let invoice = json!({"storage": {"caf_id": 1}, "items": [{"amount": 25, "product_code": "41044225", "cost": cost}]});
        let (_, answer) = server
            .post(&demo, "/a/v1.0/storage/invoices", &invoice)
            .await;
        let id = answer["data"]["id"].as_i64().expect("invoice");
        let (status, _) = server
            .put(
                &demo,
                &format!("/a/v1.0/storage/invoices/{id}"),
                &json!({"action": "wire"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
    }
    let before = stock(&server, &demo, 1).await;
    assert_eq!(
        (before["balance"].clone(), before["summ"].clone()),
        (json!("50.000"), json!("125.00"))
    );

    let mut counted = vendor_example();
    counted["update_balances"] = json!(true);
    counted["items"][0]["balances"] =
        json!([{"storage_id": 1, "balance": 10}, {"storage_id": 2, "balance": "4.5"}]);
    counted["items"][0]["prices"][0]["value"] = json!(2);
    let report = import(&server, &demo, FULL, &counted).await;
    let adjustment = report["adjustment_id"].as_i64().expect("an adjustment");
    // storage 1: 40 taken out at the average cost 2.50; storage 2 (empty): valued at `value`
    let one = stock(&server, &demo, 1).await;
    assert_eq!(
        (
            one["balance"].clone(),
            one["summ"].clone(),
            one["cost"].clone()
        ),
        (json!("10.000"), json!("25.00"), json!("2.500000"))
    );
    let two = stock(&server, &demo, 2).await;
    assert_eq!(
        (two["balance"].clone(), two["summ"].clone()),
        (json!("4.500"), json!("9.00"))
    );

    // the document is visible
    let path = format!("/a/v1.0/storage/adjustments/{adjustment}");
    let (_, answer) = server.get(&demo, &path).await;
    let doc = &answer["data"];
    assert_eq!(
        (doc["status"].clone(), doc["items"].as_array().map(Vec::len)),
        (json!("wired"), Some(2))
    );
    assert_eq!(
        (
            doc["items"][0]["amount"].clone(),
            doc["items"][0]["summ"].clone()
        ),
        (json!(-40), json!("-100.00"))
    );
    let (_, listed) = server
        .get(&demo, "/a/v1.0/storage/adjustments?start=2000-01-01")
        .await;
    assert_eq!(listed["data"][0]["id"].as_i64(), Some(adjustment));

    // counting the same again posts nothing
    let again = import(&server, &demo, FULL, &counted).await;
    assert!(again["adjustment_id"].is_null(), "{again}");

    // unwire restores exactly; wire again re-posts the same movements; wiring twice is 409
    let (status, _) = server.put(&demo, &path, &json!({"action": "unwire"})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(stock(&server, &demo, 1).await, before);
    assert!(stock(&server, &demo, 2).await["balance"] == json!("0.000"));
    let (status, _) = server.put(&demo, &path, &json!({"action": "wire"})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(stock(&server, &demo, 1).await, one);
    let (status, answer) = server.put(&demo, &path, &json!({"action": "wire"})).await;
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

async fn bad_imports_are_refused_naming_the_field_and_change_nothing(backend: Backend) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    let before = state(&server, &demo).await;
    let counted = |mut body: Value| {
        body["update_balances"] = json!(true);
        body
    };
    let cases: Vec<(Value, &str)> = vec![
        (
            json!({"menus": [{"id": "1", "name": "X", "level": 1, "parent": null, "caf_id": 9}]}),
            "menus[0].caf_id",
        ),
        (
            json!({"menus": [{"id": "1", "name": "X", "level": 1, "parent": "7", "caf_id": 1}]}),
            "menus[0].parent",
        ),
        (
            json!({"categories": [{"id": "1", "name": "A", "level": 1, "parent": "2"}, {"id": "2", "name": "B", "level": 2, "parent": "1"}]}),
            "categories[0].parent",
        ),
        (
            json!({"items": [{"id": "a", "name": "A", "measure": "pcs", "for_sale": true, "use_discounts": true, "prices": [{"shop_id": 5, "value": 0, "value_day": 1}]}]}),
            "items[0].prices[0].shop_id",
        ),
        (
            counted(
                json!({"items": [{"id": "a", "name": "A", "measure": "pcs", "for_sale": true, "use_discounts": true, "balances": [{"storage_id": 42, "balance": 1}]}]}),
            ),
            "items[0].balances[0].storage_id",
        ),
        (
            json!({"items": [{"id": "a", "name": "A", "measure": "pcs", "balances": [{"storage_id": 1, "balance": -1}]}]}),
            "items[0].balances[0].balance",
        ),
        (
            json!({"items": [{"id": "a", "name": "A", "measure": "pcs", "menus": ["nope"]}]}),
            "items[0].menus[0]",
        ),
        (
            json!({"items": [{"id": "a", "name": "A", "measure": "pcs", "category_id": "nope"}]}),
            "items[0].category_id",
        ),
        (
            json!({"items": [{"id": "a", "name": "A", "measure": "pcs", "tax_id": 3}]}),
            "items[0].tax_id",
        ),
        (
            json!({"items": [{"id": "a", "name": "A", "measure": "box"}]}),
            "items[0].measure",
        ),
        (
            json!({"items": [{"id": "a", "name": "A", "measure": "pcs"}, {"id": "a", "name": "B", "measure": "pcs"}]}),
            "items[1].id",
        ),
        (
            json!({"items": [{"id": "a", "name": "A", "measure": "pcs", "weight_in_gram": "heavy"}]}),
            "items[0].weight_in_gram",
        ),
    ];
    for (patch, field) in cases {
        // each case: the vendor's example with one part replaced, so the rest would succeed
        let mut body = vendor_example();
        for (key, value) in patch.as_object().expect("patch") {
            body[key] = value.clone();
        }
        let (status, answer) = server.post(&demo, FULL, &body).await;
        let data = assert_error(status, &answer, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(data["field"], field, "{answer}");
    }
    let (status, answer) = server.post(&demo, FULL, &json!({"categories": []})).await;
    assert_eq!(
        assert_error(status, &answer, StatusCode::UNPROCESSABLE_ENTITY)["field"],
        "items"
    );
    assert_eq!(state(&server, &demo).await, before);
    assert_eq!(
        int(
            &server.db,
            &format!(
                "SELECT COUNT(*) FROM categories WHERE account_id = {}",
                demo.id
            )
        )
        .await,
        0
    );
}

crate::backend_tests!(
    the_vendor_example_imports_on_the_demo_account_and_twice_changes_nothing,
    a_partial_import_removes_nothing_and_a_full_one_removes_only_from_the_menu,
    update_balances_posts_an_adjustment_to_the_counted_quantity_that_unwires_exactly,
    bad_imports_are_refused_naming_the_field_and_change_nothing,
);
