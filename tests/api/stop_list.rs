//! API.md §8, the stop list: set by the terminal, the admin API and the CLI; shown in the
//! products feeds; moves the products mark; fails delivery orders for a stopped product.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{assert_error, send, Backend, TestAccount, TestServer};
use crate::selling::{cafe, two_cappuccinos};

/// `in_stop_list` of the product in `get_products` and `inStopList` in the shop data, at shop 1.
async fn flags(server: &TestServer, demo: &TestAccount, product: i64) -> (Value, Value) {
    let (_, products) = server.get(demo, "/a/v1.0/draft/get_products/1/0/0").await;
    let in_products = products["data"]
        .as_array()
        .and_then(|all| all.iter().find(|p| p["id"] == product))
        .map_or(Value::Null, |p| p["in_stop_list"].clone());
    let (_, shop) = server
        .get(demo, "/a/v1.0/draft/get_product_shop_data/1/0")
        .await;
    let in_shop = shop["data"]
        .as_array()
        .and_then(|all| all.iter().find(|p| p["product_id"] == product))
        .map_or(Value::Null, |p| p["inStopList"].clone());
    (in_products, in_shop)
}

async fn order(server: &TestServer, demo: &TestAccount, product: i64) -> (StatusCode, Value) {
    let mut bill = two_cappuccinos(product);
    bill["bill"]["client"]
        .as_object_mut()
        .map(|c| c.remove("discount_group"));
    server.post(demo, "/a/v1.1/draft/receipts", &bill).await
}

async fn a_stopped_product_shows_in_the_feeds_and_fails_delivery_orders(backend: Backend) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    let cappuccino = cafe(&server, &demo).await;
    let price = json!({"ref_code": "cappuccino", "name": "Капучино", "type": "tech_map", "cancellation_type": "cancel_ingredients",
                       "prices": [{"caf_shop_id": 1, "price": 6.83, "caf_storage_id": 1}]});
    let (status, answer) = server
        .put(&demo, &format!("/a/v1.0/product/{cappuccino}"), &price)
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(
        flags(&server, &demo, cappuccino).await,
        (json!(false), json!(false))
    );
    let till = server.terminal(&demo, 1).await;
    let before = crate::helpers::int(
        &server.db,
        "SELECT ts FROM change_marks WHERE section = 'products'",
    )
    .await;
    let since = before - 10;
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;

    // the till stops it: the list, both feeds, the changes since a time, the mark
    let stop = json!({"product_id": cappuccino, "in_stop_list": true});
    let (status, answer) = server.put(&till, "/a/v1.0/pos/stop_list", &stop).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let (_, list) = server.get(&till, "/a/v1.0/pos/stop_list").await;
    assert_eq!(
        list["data"],
        json!([{"product_id": cappuccino, "in_stop_list": true}])
    );
    assert_eq!(
        flags(&server, &demo, cappuccino).await,
        (json!(true), json!(true))
    );
    let after = crate::helpers::int(
        &server.db,
        "SELECT ts FROM change_marks WHERE section = 'products'",
    )
    .await;
    assert!(
        after > before,
        "the products mark moved: {before} → {after}"
    );
    let (_, changed) = server
        .get(&demo, &format!("/a/v1.0/draft/get_products/1/0/{since}"))
        .await;
    assert!(
        changed["data"].as_array().is_some_and(|all| all
            .iter()
            .any(|p| p["id"] == cappuccino && p["in_stop_list"] == true)),
        "{changed}"
    );

    // a delivery order for it fails with the reason, and writes no receipt
    let (status, answer) = order(&server, &demo, cappuccino).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    let reason = answer["data"]["message"].as_str().unwrap_or_default();
    assert!(
        reason.contains(&format!(
            "product {cappuccino} is in the stop list of shop 1"
        )),
        "{answer}"
    );
    let receipts = "SELECT CAST(COUNT(*) AS BIGINT) FROM receipts";
    assert_eq!(crate::helpers::int(&server.db, receipts).await, 0);

    // shop 2's till sees its own (empty) list
    let other = server.terminal(&demo, 2).await;
    let (_, list) = server.get(&other, "/a/v1.0/pos/stop_list").await;
    assert_eq!(list["data"], json!([]));

    // the CLI takes it off: feeds say so and the order goes through
    let args = ["stop-list", "set", "--account", "demo", "--shop", "1"];
    let stopped = crate::cli::ok(
        server.database_url(),
        &[&args[..], &["--product-code", "cappuccino", "off"]].concat(),
    );
    assert_eq!(stopped, cappuccino.to_string());
    assert_eq!(
        flags(&server, &demo, cappuccino).await,
        (json!(false), json!(false))
    );
    let (status, answer) = order(&server, &demo, cappuccino).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["data"]["status"], "success");
    server.stop().await;
}

async fn the_admin_api_sets_any_shops_list_and_refuses_what_it_should(backend: Backend) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    let cappuccino = cafe(&server, &demo).await;
    let admin = server.admin(&demo).await;
    let path = "/admin/v1/shops/2/stop_list";
    let by_code = json!({"product_code": "cappuccino", "in_stop_list": true});
    let (status, answer) = server.put(&admin, path, &by_code).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let (_, list) = server.get(&admin, path).await;
    assert_eq!(list["data"][0]["product_id"], cappuccino);
    // stopping twice changes nothing; the integration key and the till may not use it
    let (status, _) = server.put(&admin, path, &by_code).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = server.put(&demo, path, &by_code).await;
    assert_error(status, &body, StatusCode::FORBIDDEN);
    let till = server.terminal(&demo, 1).await;
    let (status, body) = server.get(&till, path).await;
    assert_error(status, &body, StatusCode::FORBIDDEN);
    // unknown product, unknown shop, nothing named
    let unknown = json!({"product_code": "nope", "in_stop_list": true});
    let (status, body) = server.put(&admin, path, &unknown).await;
    assert_eq!(
        assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY)["field"],
        "product_code"
    );
    let (status, body) = server
        .put(&admin, "/admin/v1/shops/99/stop_list", &by_code)
        .await;
    assert_error(status, &body, StatusCode::NOT_FOUND);
    let (status, body) = server
        .put(&admin, path, &json!({"in_stop_list": false}))
        .await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, body) = send(
        server
            .request(&till, Method::PUT, "/a/v1.0/pos/stop_list")
            .json(&json!({"product_id": 999_999, "in_stop_list": true})),
    )
    .await;
    assert_eq!(
        assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY)["field"],
        "product_id"
    );
    server.stop().await;
}

crate::backend_tests!(
    a_stopped_product_shows_in_the_feeds_and_fails_delivery_orders,
    the_admin_api_sets_any_shops_list_and_refuses_what_it_should,
);
