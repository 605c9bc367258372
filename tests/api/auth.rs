//! API.md §0–§1: authentication and tenancy by key and host.

use caffesta::db::Query;
use caffesta::service::admin::{self, KeySpec};
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{assert_error, send, Backend, TestServer};

async fn storage_test_answers_success_under_both_versions_and_both_header_spellings(
    backend: Backend,
) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    for version in ["v1.0", "v1.1"] {
        for header in ["X-API-KEY", "X-API_KEY"] {
            let request = server
                .client
                .get(server.url(&format!("/a/{version}/storage/test")))
                .header("Host", "demo.localhost")
                .header(header, &demo.key);
            let (status, body) = send(request).await;
            assert_eq!(status, StatusCode::OK);
            assert_eq!(body, json!({"success": true, "data": {"id": "test"}}));
        }
    }
    server.stop().await;
}

async fn missing_wrong_and_revoked_keys_answer_401(backend: Backend) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    let (status, body) = send(server.client.get(server.url("/a/v1.0/storage/test"))).await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED);

    let mut wrong = demo.clone();
    wrong.key = "7c907e873933f46c3d48c5fdffaaa2ac".into();
    let (status, body) = server.get(&wrong, "/a/v1.0/storage/test").await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED);

    let spec = KeySpec {
        scope: "api",
        shop_id: None,
        label: "to revoke",
    };
    let (key_id, key) = admin::create_key(&server.db, "demo", spec)
        .await
        .expect("key");
    let revoked = crate::helpers::TestAccount {
        key,
        ..demo.clone()
    };
    assert_eq!(
        server.get(&revoked, "/a/v1.0/storage/test").await.0,
        StatusCode::OK
    );
    admin::revoke_key(&server.db, "demo", key_id)
        .await
        .expect("revoke");
    let (status, body) = server.get(&revoked, "/a/v1.0/storage/test").await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED);
    // the other key of the account still works
    assert_eq!(
        server.get(&demo, "/a/v1.0/storage/test").await.0,
        StatusCode::OK
    );
    server.stop().await;
}

async fn a_key_on_another_accounts_host_is_401_and_an_ip_host_lets_the_key_decide(
    backend: Backend,
) {
    let server = TestServer::start(backend).await;
    let a = server.account("alpha").await;
    let b = server.account("beta").await;
    let on_b_host = server
        .client
        .get(server.url("/a/v1.0/storage/test"))
        .header("Host", format!("{}.caffesta.example", b.name))
        .header("X-API-KEY", &a.key);
    let (status, body) = send(on_b_host).await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED);
    // no Host name: the key alone names the account (reqwest sends 127.0.0.1:port)
    let by_ip = server
        .client
        .get(server.url("/a/v1.0/storage/test"))
        .header("X-API-KEY", &a.key);
    assert_eq!(send(by_ip).await.0, StatusCode::OK);
    let single_label = server
        .client
        .get(server.url("/a/v1.0/storage/test"))
        .header("Host", "localhost")
        .header("X-API-KEY", &b.key);
    assert_eq!(send(single_label).await.0, StatusCode::OK);
    server.stop().await;
}

async fn a_terminal_key_cannot_use_the_integration_api(backend: Backend) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    let spec = KeySpec {
        scope: "terminal",
        shop_id: Some(caffesta::domain::ids::ShopId::new(1)),
        label: "till 1",
    };
    let (_, key) = admin::create_key(&server.db, "demo", spec)
        .await
        .expect("key");
    let terminal = crate::helpers::TestAccount { key, ..demo };
    let (status, body) =
        send(server.request(&terminal, Method::GET, "/a/v1.0/draft/storages")).await;
    assert_error(status, &body, StatusCode::FORBIDDEN);
    server.stop().await;
}

async fn keys_are_stored_only_as_digests(backend: Backend) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    let rows = server
        .db
        .read()
        .await
        .rows(
            "SELECT key_hash || key_prefix || label AS stored FROM api_keys",
            caffesta::params! {},
        )
        .await
        .expect("keys");
    let stored: Vec<String> = rows
        .iter()
        .map(|r| r.get::<String>("stored").expect("text"))
        .collect();
    assert!(!stored.is_empty());
    assert!(
        stored.iter().all(|row| !row.contains(&demo.key)),
        "a key is stored in plain text"
    );
    server.stop().await;
}

crate::backend_tests!(
    storage_test_answers_success_under_both_versions_and_both_header_spellings,
    missing_wrong_and_revoked_keys_answer_401,
    a_key_on_another_accounts_host_is_401_and_an_ip_host_lets_the_key_decide,
    a_terminal_key_cannot_use_the_integration_api,
    keys_are_stored_only_as_digests,
);
