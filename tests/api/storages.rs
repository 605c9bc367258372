//! API.md §2: the list of storages.

use caffesta::service::admin;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{Backend, TestServer};

async fn draft_storages_lists_the_demo_storages_verbatim(backend: Backend) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    let (status, body) = server.get(&demo, "/a/v1.0/draft/storages").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body,
        json!({
          "1": "(id:1) Склад кафе Буран",
          "2": "(id:2) Общий склад",
          "3": "(id:3) Резервный склад",
          "4": "(id:4) Склад магазина К звёздам",
          "5": "(id:5) Склад бара Берико"
        })
    );
    server.stop().await;
}

async fn storages_are_listed_in_id_order_and_ids_start_at_one_per_account(backend: Backend) {
    let server = TestServer::start(backend).await;
    let cafe = server.account("cafe").await;
    let other = server.account("other").await;
    for n in 1..=11 {
        let id = admin::create_storage(&server.db, "cafe", &format!("Склад {n}"))
            .await
            .expect("storage");
        assert_eq!(id.get(), n);
    }
    assert_eq!(
        admin::create_storage(&server.db, "other", "Первый")
            .await
            .expect("storage")
            .get(),
        1
    );
    let response = server
        .request(&cafe, reqwest::Method::GET, "/a/v1.1/draft/storages")
        .send()
        .await;
    let text = response.expect("answer").text().await.expect("body");
    let ids: Vec<&str> = text
        .split("\"(id:")
        .skip(1)
        .map(|rest| rest.split(')').next().unwrap_or(""))
        .collect();
    let expected: Vec<String> = (1..=11).map(|n| n.to_string()).collect();
    assert_eq!(ids, expected, "{text}");
    let (_, body) = server.get(&other, "/a/v1.0/draft/storages").await;
    assert_eq!(body, json!({"1": "(id:1) Первый"}));
    server.stop().await;
}

crate::backend_tests!(
    draft_storages_lists_the_demo_storages_verbatim,
    storages_are_listed_in_id_order_and_ids_start_at_one_per_account,
);
