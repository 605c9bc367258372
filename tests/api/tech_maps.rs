//! API.md §5: tech maps (recipes) over HTTP: nesting, replacement, and refusal of cycles.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{assert_error, Backend, TestAccount, TestServer};

/// Creates products by code (with their measure) and returns their ids in order.
async fn products(server: &TestServer, account: &TestAccount, codes: &[(&str, &str)]) -> Vec<i64> {
    let mut ids = Vec::new();
    for (code, measure) in codes {
        let body = json!({"ref_code": code, "name": code.to_uppercase(), "measure": measure});
        let (status, answer) = server.post(account, "/a/v1.0/product/", &body).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        ids.push(answer["data"]["id"].as_i64().expect("id"));
    }
    ids
}

async fn set(
    server: &TestServer,
    account: &TestAccount,
    id: i64,
    body: Value,
) -> (StatusCode, Value) {
    server
        .put(account, &format!("/a/v1.0/product/{id}/tech_map"), &body)
        .await
}

async fn nested_recipes_are_stored_and_read_back_and_a_new_one_replaces_the_old(backend: Backend) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    let ids = products(
        &server,
        &demo,
        &[
            ("latte", "pcs"),
            ("espresso", "pcs"),
            ("milk", "l"),
            ("beans", "kg"),
        ],
    )
    .await;
    let (latte, espresso) = (ids[0], ids[1]);
    let (status, answer) = set(
        &server,
        &demo,
        espresso,
        json!({"output": 1, "items": [{"product_code": "beans", "amount": 0.018}]}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let (status, answer) = set(
        &server,
        &demo,
        latte,
        json!({"items": [
            {"product_code": "espresso", "amount": 1}, {"product_code": "milk", "amount": "0.180"}
        ]}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");

    let (status, answer) = server
        .get(&demo, &format!("/a/v1.0/product/{latte}/tech_map"))
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let map = &answer["data"];
    assert_eq!(
        (map["product_id"].as_i64(), map["output"].clone()),
        (Some(latte), json!(1))
    );
    let lines: Vec<(String, Value, String)> = map["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| {
            (
                i["product_code"].as_str().unwrap_or_default().to_owned(),
                i["amount"].clone(),
                i["product"]["measure"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            )
        })
        .collect();
    assert_eq!(
        lines,
        vec![
            ("espresso".into(), json!(1), "pcs".into()),
            ("milk".into(), json!(0.18), "l".into())
        ]
    );

    // a new recipe replaces the old one entirely
    let (status, _) = set(
        &server,
        &demo,
        latte,
        json!({"output": 2, "items": [{"product_code": "milk", "amount": 0.3}]}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, answer) = server
        .get(&demo, &format!("/a/v1.1/product/{latte}/tech_map"))
        .await;
    assert_eq!(answer["data"]["output"], json!(2));
    assert_eq!(answer["data"]["items"].as_array().map(Vec::len), Some(1));
}

async fn a_recipe_that_would_contain_itself_is_refused_with_the_path(backend: Backend) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    let ids = products(
        &server,
        &demo,
        &[
            ("cake", "pcs"),
            ("cream", "kg"),
            ("base", "kg"),
            ("flour", "kg"),
        ],
    )
    .await;
    let (cake, cream, base) = (ids[0], ids[1], ids[2]);
    for (id, body) in [
        (
            cake,
            json!({"items": [{"product_code": "cream", "amount": 0.1}, {"product_code": "flour", "amount": 0.2}]}),
        ),
        (
            cream,
            json!({"items": [{"product_code": "base", "amount": 0.5}]}),
        ),
    ] {
        let (status, answer) = set(&server, &demo, id, body).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
    }
    // base → cake closes cake → cream → base → cake
    let (status, answer) = set(&server, &demo, base, json!({"items": [{"product_code": "flour", "amount": 1}, {"product_code": "cake", "amount": 0.01}]})).await;
    let data = assert_error(status, &answer, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(data["field"], "items[1].product_code");
    assert!(
        data["error"]
            .as_str()
            .is_some_and(|e| e.contains("base → cake → cream → base")),
        "{data}"
    );
    // a product in its own recipe
    let (status, answer) = set(
        &server,
        &demo,
        base,
        json!({"items": [{"product_code": "base", "amount": 1}]}),
    )
    .await;
    assert_error(status, &answer, StatusCode::UNPROCESSABLE_ENTITY);
    // nothing was stored for base
    let (status, _) = server
        .get(&demo, &format!("/a/v1.0/product/{base}/tech_map"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // a shared ingredient (flour under cake and base) is not a cycle
    let (status, answer) = set(
        &server,
        &demo,
        base,
        json!({"items": [{"product_code": "flour", "amount": 1}]}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
}

async fn bad_recipes_are_refused_naming_the_field(backend: Backend) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    let ids = products(&server, &demo, &[("soup", "pcs"), ("water", "l")]).await;
    let soup = ids[0];
    for (body, status, field) in [
        (
            json!({"items": [{"product_code": "nope", "amount": 1}]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "items[0].product_code",
        ),
        (
            json!({"items": [{"product_code": "water", "amount": 0}]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "items[0].amount",
        ),
        (
            json!({"output": -1, "items": [{"product_code": "water", "amount": 1}]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "output",
        ),
        (
            json!({"items": []}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "items",
        ),
        (
            json!({"items": [{"product_code": "water", "amount": "lots"}]}),
            StatusCode::BAD_REQUEST,
            "items[0].amount",
        ),
    ] {
        let (got, answer) = set(&server, &demo, soup, body).await;
        assert_eq!(
            assert_error(got, &answer, status)["field"],
            field,
            "{answer}"
        );
    }
    let (status, answer) = set(
        &server,
        &demo,
        999,
        json!({"items": [{"product_code": "water", "amount": 1}]}),
    )
    .await;
    assert_error(status, &answer, StatusCode::NOT_FOUND);
    let (status, answer) = server.get(&demo, "/a/v1.0/product/999/tech_map").await;
    assert_error(status, &answer, StatusCode::NOT_FOUND);
}

crate::backend_tests!(
    nested_recipes_are_stored_and_read_back_and_a_new_one_replaces_the_old,
    a_recipe_that_would_contain_itself_is_refused_with_the_path,
    bad_recipes_are_refused_naming_the_field,
);
